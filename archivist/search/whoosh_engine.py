"""The Whoosh engine (whoosh-reloaded): the engine of homes from before Tantivy, still supported
and selectable with `[index] engine = "whoosh"`. Its schema, writer (lock waiting, parallel
segments, merge policy) and searcher cache are in schema.py, writer.py and searcher.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from archivist.search.engine import EXACT_TITLE_BOOST, TITLE_BOOST, Filters, Hit

CHUNK = 500  # documents per writer (and per commit) during a long add


def _readable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Index files Whoosh cannot read are a damaged index (rebuild), not an internal error."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from archivist.core.errors import ArchivistError
        from archivist.search.engine import unusable

        try:
            return fn(*args, **kwargs)
        except (ArchivistError, StopIteration):
            raise
        except Exception as exc:  # noqa: BLE001 - whatever Whoosh raises on bad files
            raise unusable(f"it is damaged ({type(exc).__name__}: {str(exc)[:100]})") from None

    return wrapper


class WhooshEngine:
    name = "whoosh"

    @property
    def version(self) -> int:
        from archivist.search.schema import SCHEMA_VERSION

        return SCHEMA_VERSION

    def exists(self, path: Path) -> bool:
        from archivist.search.schema import INDEX_NAME

        # the table of contents is there (whether it can be read is for the readers to say)
        return path.is_dir() and any(path.glob(f"_{INDEX_NAME}_*.toc"))

    def create(self, path: Path) -> None:
        from archivist.search.schema import create

        create(path)

    def add(
        self, path: Path, docs: Iterable[dict[str, Any]], *, replace: bool, wait_s: float
    ) -> None:
        from archivist.search.writer import add_many, writer

        batch: list[dict[str, Any]] = []
        it = iter(docs)
        while True:
            batch = [f for _, f in zip(range(CHUNK), it, strict=False)]
            if not batch:
                return
            with writer(path, wait_s) as w:
                add_many(w, batch, replace=replace)

    def delete(self, path: Path, numbers: list[str], wait_s: float) -> int:
        from archivist.search.writer import writer

        n = 0
        with writer(path, wait_s) as w:
            for number in numbers:
                n += w.delete_by_term("doc", number)
        return n

    def states(self, path: Path) -> Iterator[str]:
        it = self._states(path)
        while True:
            try:
                item = _readable(next)(it)
            except StopIteration:
                return
            yield item

    def _states(self, path: Path) -> Iterator[str]:
        from archivist.search.schema import open_index

        ix = open_index(path)
        with ix.reader() as reader:
            deleted = reader.has_deletions()
            for term in reader.lexicon("state"):
                if deleted and all(
                    reader.is_deleted(d) for d in reader.postings("state", term).all_ids()
                ):
                    continue
                yield term.decode("utf-8") if isinstance(term, bytes) else term

    @_readable
    def count(self, path: Path) -> int:
        from archivist.search.schema import open_index

        return int(open_index(path).doc_count())

    # ------------------------------------------------------------------ search
    @staticmethod
    def _text_query(field: str, tokens: list[str], boost: float = 1.0) -> Any:
        from whoosh.query import Phrase, Term

        if len(tokens) == 1:
            return Term(field, tokens[0], boost=boost)
        return Phrase(field, tokens, boost=boost)

    def compile(self, query: Any, filters: Filters) -> tuple[Any, Any]:
        """(query, filter) for Whoosh; the filter is None for none, NullQuery for nothing."""
        from whoosh.query import And, AndMaybe, AndNot, DateRange, Every, NullQuery, Or, Term

        musts: list[Any] = []
        nots: list[Any] = []
        for clause in query.clauses:
            alts = []
            for atom in clause.atoms:
                title = self._text_query("title", atom.tokens, TITLE_BOOST)
                alts.append(
                    title
                    if atom.title_only
                    else Or([title, self._text_query("content", atom.tokens)])
                )
            (nots if clause.negated else musts).append(alts[0] if len(alts) == 1 else Or(alts))
        q: Any = And(musts) if len(musts) > 1 else (musts[0] if musts else Every())
        if nots:
            q = AndNot(q, Or(nots) if len(nots) > 1 else nots[0])
        if query.title_key:
            q = AndMaybe(q, Term("title_exact", query.title_key, boost=EXACT_TITLE_BOOST))
        flt: list[Any] = []
        for name in ("client_id", "matter_id", "section", "type"):
            value = getattr(filters, "filetype" if name == "type" else name)
            if value:
                flt.append(Term(name, value))
        if filters.date_from or filters.date_to:
            from datetime import timedelta

            flt.append(
                DateRange(
                    "date",
                    filters.date_from,
                    filters.date_to - timedelta(microseconds=1) if filters.date_to else None,
                )
            )
        if filters.scope is not None:
            terms = [
                Term(name, i)
                for name, ids in zip(
                    ("client_id", "matter_id", "doc_id"), filters.scope, strict=True
                )
                for i in ids
            ]
            flt.append(Or(terms) if terms else NullQuery)
        return q, (And(flt) if len(flt) > 1 else (flt[0] if flt else None))

    @_readable
    def search(
        self, path: Path, query: Any, filters: Filters, *, sort: str, offset: int, limit: int
    ) -> tuple[int, list[Hit]]:
        from whoosh.query import NullQuery

        from archivist.search.searcher import read_whoosh

        q, flt = self.compile(query, filters)
        if flt is NullQuery:
            return 0, []
        kwargs: dict[str, Any] = {"filter": flt}
        if sort == "date":
            kwargs["sortedby"] = "date"
            kwargs["reverse"] = True
        return read_whoosh(path, q, offset, limit, kwargs)
