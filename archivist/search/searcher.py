"""Searching the index with access control, for every engine.

The user's scope (archivist.core.access) becomes an engine filter, so hits they may not see are never
shown, counted or hinted at. Each search is audited: who, the query, the filters, and which
client archives appeared on the page shown."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta
from time import sleep as _sleep
from typing import TYPE_CHECKING, Any

from archivist.core import access, audit
from archivist.core.errors import InvalidInput
from archivist.models import SearchHit, SearchResult, Section
from archivist.search.snippets import MARK_OFF, MARK_ON

if TYPE_CHECKING:
    from archivist.core.context import Context

_SEARCHERS: dict[
    tuple[str, int], Any
] = {}  # one open searcher per index, refreshed when it changes
SNIPPET_CHARS = 160
READ_ATTEMPTS = 4


def plain(marked: str) -> str:
    return marked.replace(MARK_ON, "").replace(MARK_OFF, "")


def _day(value: date | str | None, what: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from archivist.core import clock

    return clock.parse_date(str(value), what)


def _later(a: date | None, b: date | None) -> date | None:
    return max(a, b) if a and b else (a or b)


def _earlier(a: date | None, b: date | None) -> date | None:
    return min(a, b) if a and b else (a or b)


def search(
    ctx: Context,
    query: str,
    *,
    client: str | None = None,
    matter: str | None = None,
    section: str | None = None,
    filetype: str | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    limit: int = 20,
    page: int = 1,
    sort: str = "relevance",
) -> SearchResult:
    """Search with the query language of archivist.search.query; the keyword filters and the
    query's own (client:, matter:, ...) must both hold."""
    from archivist.clients import registry
    from archivist.search import engine as engines
    from archivist.search.query import parse

    user = ctx.actor
    if not 1 <= limit <= 1000:
        raise InvalidInput("--limit must be between 1 and 1000")
    if page < 1:
        raise InvalidInput("--page must be 1 or more")
    if sort not in ("relevance", "date"):
        raise InvalidInput(f"unknown sort {sort!r}", "Use relevance or date.")
    parsed = parse(query, ctx.settings.search.synonyms)
    start = _later(_day(date_from, "--from"), parsed.filed_from)
    end = _earlier(_day(date_to, "--to"), parsed.filed_to)
    nothing = False
    for given, inq in (
        (client, parsed.client),
        (matter, parsed.matter),
        (section, parsed.section),
        (filetype, parsed.filetype),
    ):
        if given and inq and given.strip().lower() != inq.strip().lower():
            nothing = True  # two different values for one filter: nothing has both
    client, matter = client or parsed.client, matter or parsed.matter
    section, filetype = section or parsed.section, filetype or parsed.filetype
    if section:
        try:
            section = Section(section.strip().lower()).value
        except ValueError:
            raise InvalidInput(
                f"unknown section {section!r}", "Use one of: " + ", ".join(s.value for s in Section)
            ) from None
    eng = engines.for_home(ctx)
    path = ctx.home.index_dir
    flt = engines.Filters(
        section=section,
        filetype=filetype.strip().lower().lstrip(".") if filetype else None,
        nothing=nothing,
    )
    if start:
        flt.date_from = datetime.combine(start, time.min)
    if end:
        flt.date_to = datetime.combine(end + timedelta(days=1), time.min)
    if start and end and start > end:
        flt.nothing = True
    with ctx.ledger.read() as conn:
        scope = access.scope_for(conn, user, ctx.settings.deadlines)
        if client:
            try:
                flt.client_id = str(registry.get(conn, client).id)
            except Exception:
                flt.nothing = True  # an unknown client: no hits, and no hint
        if matter:
            from sqlalchemy import select

            from archivist.ledger.tables.matters import matters

            mid = conn.execute(
                select(matters.c.id).where(matters.c.number == matter.strip().upper())
            ).scalar()
            if mid:
                flt.matter_id = str(mid)
            else:
                flt.nothing = True
        _require_index(ctx, conn, eng, path)
    if not scope.everything:
        if scope.nothing:
            flt.nothing = True
        flt.scope = (
            [str(i) for i in sorted(scope.client_ids)],
            [str(i) for i in sorted(scope.matter_ids)],
            [str(i) for i in sorted(scope.document_ids)],
        )
    total, hits = 0, []
    if not flt.nothing and eng.exists(path):
        total, found = eng.search(
            path, parsed, flt, sort=sort, offset=(page - 1) * limit, limit=limit
        )
        hits = _hits(parsed, found)
    clients_shown = sorted({h.client for h in hits})
    with ctx.ledger.write() as conn:
        names = _client_names(conn, clients_shown)
        for h in hits:
            h.client_name = names.get(h.client, "")
        audit.record(
            conn,
            user.username,
            "search",
            "search",
            (query or "")[:200],
            None,
            query=query,
            client=client,
            matter=matter,
            section=section,
            type=filetype,
            date_from=str(start) if start else None,
            date_to=str(end) if end else None,
            page=page,
            total=total,
            clients=clients_shown,
            documents=[h.document for h in hits],
        )
    return SearchResult(total=total, page=page, limit=limit, hits=hits)


def _require_index(ctx: Context, conn: Any, eng: Any, path: Any) -> None:
    """A missing or unusable index is an error saying how to rebuild it, never an empty answer
    (a home with no documents yet has no index to need)."""
    from sqlalchemy import exists, select

    from archivist.ledger.tables.documents import documents
    from archivist.search import engine as engines

    problem = engines.mismatch(path, eng)
    if problem:
        raise engines.unusable(problem)
    if not eng.exists(path) and conn.execute(select(exists().select_from(documents))).scalar():
        raise engines.unusable("it is missing")


def _hits(parsed: Any, found: list[Any]) -> list[SearchHit]:
    from archivist.search.analysis import fold_chars
    from archivist.search.snippets import phrases_pattern, snippet, spans

    groups = [
        [a.text for a in c.atoms if not a.title_only] for c in parsed.clauses if not c.negated
    ]
    groups = [g for g in groups if g]
    pattern = phrases_pattern(groups) if found else None
    fast = phrases_pattern(groups, fold_chars) if found else None
    hits = []
    for h in found:
        f = h.stored
        marked = snippet(f.get("content") or "", pattern, SNIPPET_CHARS, len(groups), fast)
        text, marks = spans(marked)
        when = f.get("date")
        hits.append(
            SearchHit(
                client=f["client"],
                client_name="",
                document=f["doc"],
                title=f.get("title") or "",
                original_name=f.get("original_name") or "",
                section=f.get("section") or "",
                date=when.date().isoformat() if isinstance(when, datetime) else "",
                score=round(h.score, 4),
                snippet=text,
                highlighted=marked,
                highlights=[list(m) for m in marks],
                matter=f.get("matter") or None,
                filetype=f.get("type") or None,
            )
        )
    return hits


def read_whoosh(
    path: Any, parsed: Any, offset: int, limit: int, kwargs: dict[str, Any]
) -> tuple[int, list[Any]]:
    """Run a Whoosh query on a reused searcher, reading again if segments merged away."""
    from archivist.search.engine import Hit

    for attempt in range(READ_ATTEMPTS):
        s = _searcher(path)
        try:
            res = _exact_search(s, parsed, offset + limit, kwargs)
            out = []
            for hit in res[offset : offset + limit]:
                out.append(Hit(float(hit.score or 0.0), dict(hit.fields())))
            return len(res), out
        except Exception:
            # Another process merged segments away under this searcher (their files are
            # read lazily): drop it and read again from a fresh one.
            _drop_searchers()
            if attempt == READ_ATTEMPTS - 1:
                from archivist.core.errors import Busy

                raise Busy(
                    "the full-text index kept changing while it was read", "Run the search again."
                ) from None
            _sleep(0.05 * (attempt + 1))
    return 0, []


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


def _drop_searchers() -> None:
    for old in list(_SEARCHERS.values()):
        with contextlib.suppress(Exception):
            old.close()
    _SEARCHERS.clear()


def _searcher(path: Any) -> Any:
    """An up-to-date searcher on the index at `path`, reused across searches in a process
    (one index at a time; a rebuilt index is a new folder, so it is never confused)."""
    from archivist.search.schema import mismatch, open_index

    problem = mismatch(path)
    if problem:
        from archivist.core.errors import Conflict

        raise Conflict(
            f"the full-text index cannot be used: {problem}", "Run `archivist index rebuild`."
        )
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

    return {
        r.number: r.name
        for r in conn.execute(
            select(clients.c.number, clients.c.name).where(clients.c.number.in_(numbers))
        )
    }
