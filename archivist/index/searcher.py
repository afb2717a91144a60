"""Searching the index with access control.

The user's scope (archivist.access) becomes a Whoosh filter, so hits they may not see are never
shown, counted or hinted at. Each search is audited: who, the query, the filters, and which
client archives appeared on the page shown."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta
from time import sleep as _sleep
from typing import TYPE_CHECKING, Any

from archivist import access, audit
from archivist.errors import InvalidInput
from archivist.index.snippets import MARK_OFF, MARK_ON, snippet, terms_pattern
from archivist.models import Scope, SearchHit, SearchResult, Section

if TYPE_CHECKING:
    from archivist.context import Context

_SEARCHERS: dict[tuple[str, int], Any] = {}  # one open searcher per index, refreshed when it changes
SNIPPET_CHARS = 160
READ_ATTEMPTS = 4
MAX_QUERY = 1000


def plain(marked: str) -> str:
    return marked.replace(MARK_ON, "").replace(MARK_OFF, "")


def _scope_filter(scope: Scope) -> Any:
    from whoosh.query import Or, Term

    terms = ([Term("client_id", str(i)) for i in sorted(scope.client_ids)]
             + [Term("matter_id", str(i)) for i in sorted(scope.matter_ids)]
             + [Term("doc_id", str(i)) for i in sorted(scope.document_ids)])
    return Or(terms)


def _day(value: date | str | None, what: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from archivist import clock

    return clock.parse_date(str(value), what)


def parse_query(text: str, groups: list[list[str]]) -> Any:
    from whoosh.qparser import MultifieldParser, OrGroup, plugins  # noqa: F401

    from archivist.index.analysis import expand_synonyms
    from archivist.index.schema import make_schema

    q = (text or "").strip()
    if not q:
        raise InvalidInput("the search query is empty", "Give some words to search for.")
    if len(q) > MAX_QUERY:
        raise InvalidInput(f"the search query is longer than {MAX_QUERY} characters")
    q = expand_synonyms(q, groups)
    parser = MultifieldParser(["title", "content"], make_schema())  # name: on request
    parser.remove_plugin_class(plugins.WildcardPlugin)
    parser.remove_plugin_class(plugins.PlusMinusPlugin)
    try:
        return parser.parse(q)
    except Exception as exc:  # the parser is lenient; anything left is the user's syntax
        raise InvalidInput(f"the search query could not be read ({exc})",
                           'Use words, "quoted phrases", AND/OR/NOT and field:value.') from None


def search(ctx: Context, query: str, *, client: str | None = None, matter: str | None = None,
           section: str | None = None, filetype: str | None = None,
           date_from: date | str | None = None, date_to: date | str | None = None,
           limit: int = 20, page: int = 1, sort: str = "relevance") -> SearchResult:
    from whoosh.query import And, DateRange, NullQuery, Term

    from archivist import registry
    user = ctx.actor
    if not 1 <= limit <= 1000:
        raise InvalidInput("--limit must be between 1 and 1000")
    if page < 1:
        raise InvalidInput("--page must be 1 or more")
    if sort not in ("relevance", "date"):
        raise InvalidInput(f"unknown sort {sort!r}", "Use relevance or date.")
    if section:
        try:
            section = Section(section).value
        except ValueError:
            raise InvalidInput(f"unknown section {section!r}",
                               "Use one of: " + ", ".join(s.value for s in Section)) from None
    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    parsed = parse_query(query, ctx.settings.search.synonyms)

    with ctx.ledger.read() as conn:
        scope = access.scope_for(conn, user, ctx.settings.deadlines.overdue_loan_ends_access)
        filters: list[Any] = []
        if client:
            try:
                c = registry.get(conn, client)
                filters.append(Term("client_id", str(c.id)))
            except Exception:
                filters.append(NullQuery)  # an unknown client: no hits, and no hint
        if matter:
            from sqlalchemy import select

            from archivist.ledger.tables.matters import matters

            mid = conn.execute(select(matters.c.id).where(
                matters.c.number == matter.strip().upper())).scalar()
            filters.append(Term("matter_id", str(mid)) if mid else NullQuery)
    if section:
        filters.append(Term("section", section))
    if filetype:
        filters.append(Term("type", filetype.strip().lower().lstrip(".")))
    if start or end:
        filters.append(DateRange("date", datetime.combine(start, time.min) if start else None,
                                 datetime.combine(end + timedelta(days=1), time.min)
                                 - timedelta(microseconds=1) if end else None))
    if not scope.everything:
        filters.append(_scope_filter(scope) if not scope.nothing else NullQuery)

    hits: list[SearchHit] = []
    total = 0
    if not any(f is NullQuery for f in filters):
        flt = And(filters) if len(filters) > 1 else (filters[0] if filters else None)
        kwargs: dict[str, Any] = {"filter": flt}
        if sort == "date":
            kwargs["sortedby"] = "date"
            kwargs["reverse"] = True
        for attempt in range(READ_ATTEMPTS):
            s = _searcher(ctx.home.index_dir)
            try:
                total, hits = _collect(s, parsed, page, limit, kwargs)
                break
            except Exception:
                # Another process merged segments away under this searcher (their files are
                # read lazily): drop it and read again from a fresh one.
                _drop_searchers()
                if attempt == READ_ATTEMPTS - 1:
                    from archivist.errors import Busy

                    raise Busy("the full-text index kept changing while it was read",
                               "Run the search again.") from None
                _sleep(0.05 * (attempt + 1))
    clients_shown = sorted({h.client for h in hits})
    with ctx.ledger.write() as conn:
        names = _client_names(conn, clients_shown)
        for h in hits:
            h.client_name = names.get(h.client, "")
        audit.record(conn, user.username, "search", "search", (query or "")[:200], None,
                     query=query, client=client, matter=matter, section=section,
                     type=filetype, date_from=str(start) if start else None,
                     date_to=str(end) if end else None, page=page, total=total,
                     clients=clients_shown, documents=[h.document for h in hits])
    return SearchResult(total=total, page=page, limit=limit, hits=hits)


def _exact_search(s: Any, parsed: Any, limit: int, kwargs: dict[str, Any]) -> Any:
    """The top `limit` hits and the exact number of matches, in one pass over the postings.

    Whoosh's default collector skips blocks that cannot reach the top hits and rewrites the
    matcher as the minimum score rises ("replace"); both make the count inexact, so Whoosh then
    runs the whole query a second time to count. For phrase queries of frequent CJK bigrams
    that second pass was most of the time (5k documents: p95 54 -> 24 ms without it)."""
    c = s.collector(limit=limit, optimize=False, **kwargs)
    inner = c
    while inner is not None:
        if hasattr(inner, "replace"):
            inner.replace = 0
        inner = getattr(inner, "child", None)
    s.search_with_collector(parsed, c)
    return c.results()


def _collect(s: Any, parsed: Any, page: int, limit: int, kwargs: dict[str, Any]
             ) -> tuple[int, list[SearchHit]]:
    from whoosh.searching import ResultsPage

    res = ResultsPage(_exact_search(s, parsed, page * limit, kwargs), page, limit)
    pattern = terms_pattern(text for field, text in parsed.iter_all_terms()
                            if field in ("content", "title", "name") and isinstance(text, str))
    hits = []
    for hit in res:
        fields = hit.fields()
        marked = " ".join(snippet(fields.get("content") or "", pattern, SNIPPET_CHARS).split())
        hits.append(SearchHit(
            client=fields["client"], client_name="", document=fields["doc"],
            title=fields.get("title", ""), original_name=fields.get("original_name", ""),
            section=fields.get("section", ""), date=fields["date"].date().isoformat()
            if fields.get("date") else "", score=round(float(hit.score or 0.0), 4),
            snippet=plain(marked), highlighted=marked,
            matter=fields.get("matter") or None, filetype=fields.get("type") or None))
    return res.total, hits


def _drop_searchers() -> None:
    for old in list(_SEARCHERS.values()):
        with contextlib.suppress(Exception):
            old.close()
    _SEARCHERS.clear()


def _searcher(path: Any) -> Any:
    """An up-to-date searcher on the index at `path`, reused across searches in a process
    (one index at a time; a rebuilt index is a new folder, so it is never confused)."""
    from archivist.index.schema import mismatch, open_index

    problem = mismatch(path)
    if problem:
        from archivist.errors import Conflict

        raise Conflict(f"the full-text index cannot be used: {problem}",
                       "Run `archivist index rebuild`.")
    try:
        key = (str(path), path.stat().st_ino)
    except OSError:
        key = (str(path), 0)
    s = _SEARCHERS.get(key)
    if s is not None:
        # Not Searcher.refresh(): whoosh-reloaded's refresh reuses a segment's reader even when
        # the segment has new deletions, and keeps segments a merge has removed, so replaced
        # or merged documents would still be found. A changed index gets a new searcher.
        with contextlib.suppress(Exception):
            if s.up_to_date():
                return s
    _drop_searchers()
    s = open_index(path).searcher()
    _SEARCHERS[key] = s
    return s


def _client_names(conn: Any, numbers: list[str]) -> dict[str, str]:
    if not numbers:
        return {}
    from sqlalchemy import select

    from archivist.ledger.tables.core import clients

    return {r.number: r.name for r in conn.execute(
        select(clients.c.number, clients.c.name).where(clients.c.number.in_(numbers)))}
