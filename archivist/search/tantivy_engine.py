"""The Tantivy engine (the `tantivy` package: the official Python bindings).

Our analysis (archivist.search.analysis) runs in Python; Tantivy gets its output ready-made as
space-joined tokens in a field read by its `whitespace` tokenizer (positions in order, so a
phrase of bigrams is a Tantivy phrase), with every CJK character in a second field for
one-character queries. On 2,000 texts of 1,500 characters this indexed 2,422 documents/s
against 304 for the same tokens as PreTokenizedString (8x; `python -m bench.tantivy_feeding`).
The original text is stored as bytes (not indexed) for snippets.

Tantivy allows one writer per index: a writer that finds the lock taken waits and retries
(with jitter) until `wait_s`, so processes filing at once queue instead of failing.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from archivist.core.errors import Busy
from archivist.core.i18n import _
from archivist.search.analysis import analyse, title_key
from archivist.search.engine import EXACT_TITLE_BOOST, TITLE_BOOST, Filters, Hit, unusable

HEAP = 64_000_000
HEAP_SMALL = 15_000_000  # a few documents: a smaller arena commits faster
COMMIT_EVERY = 5_000  # documents per commit during a long add (bounds memory, shows progress)
_OPEN: dict[tuple[str, int], Any] = {}


def _schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    for name in ("doc", "client", "matter", "original_name", "title_s", "section", "type"):
        sb.add_text_field(name, stored=True, tokenizer_name="raw")
    sb.add_text_field("state", tokenizer_name="raw", fast=True)
    for name in ("doc_id", "client_id", "matter_id", "title_exact"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    sb.add_date_field("date", stored=True, indexed=True, fast=True)
    for name in ("title", "content"):
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="position")
        sb.add_text_field(name + "1", tokenizer_name="whitespace", index_option="freq")
    sb.add_bytes_field("text", stored=True, indexed=False)
    return sb.build()


def _document(f: dict[str, Any]) -> Any:
    import tantivy

    d = tantivy.Document()
    for name in (
        "doc",
        "client",
        "matter",
        "original_name",
        "state",
        "doc_id",
        "client_id",
        "matter_id",
        "section",
        "type",
    ):
        d.add_text(name, str(f.get(name) or ""))
    d.add_text("title_s", f["title"] or "")
    d.add_text("title_exact", title_key(f["title"] or ""))
    date = f.get("date")
    if isinstance(date, datetime):
        d.add_date("date", date)
    for name in ("title", "content"):
        tokens, singles = analyse(f.get(name) or "")
        d.add_text(name, " ".join(tokens))
        d.add_text(name + "1", " ".join(singles))
    d.add_bytes("text", (f.get("content") or "").encode("utf-8", "surrogatepass"))
    return d


class TantivyEngine:
    name = "tantivy"
    version = 1

    def exists(self, path: Path) -> bool:
        return (path / "meta.json").is_file()

    def create(self, path: Path) -> None:
        import tantivy

        from archivist.search.engine import write_version

        path.mkdir(mode=0o750, parents=True, exist_ok=True)
        tantivy.Index(_schema(), path=str(path), reuse=False)
        write_version(path, self)

    def _index(self, path: Path) -> Any:
        import tantivy

        try:  # the folder's inode: a rebuilt index is a new folder swapped in
            key = (str(path), path.stat().st_ino)
        except OSError:
            key = (str(path), 0)
        ix = _OPEN.get(key)
        if ix is None:
            try:
                ix = tantivy.Index.open(str(path))
            except Exception as exc:  # noqa: BLE001 - any failure to open is damage
                raise unusable(f"it is damaged ({str(exc).splitlines()[0][:120]})") from None
            _OPEN.clear()
            _OPEN[key] = ix
        return ix

    def _searcher(self, path: Path) -> tuple[Any, Any]:
        """(index, a searcher on its latest commit); unreadable files are a damaged index."""
        ix = self._index(path)
        try:
            ix.reload()
            return ix, ix.searcher()
        except Exception as exc:  # noqa: BLE001 - any failure to read is damage
            _OPEN.clear()
            raise unusable(f"it is damaged ({str(exc).splitlines()[0][:120]})") from None

    @contextlib.contextmanager
    def _writer(self, path: Path, wait_s: float, heap: int = HEAP_SMALL) -> Iterator[Any]:
        ix = self._index(path)
        deadline = time.monotonic() + wait_s
        delay = 0.01
        while True:
            try:
                w = ix.writer(heap_size=heap, num_threads=1)
                break
            except ValueError as exc:
                if "Lock" not in str(exc):
                    raise unusable(f"it cannot be written ({str(exc)[:120]})") from None
                if time.monotonic() >= deadline:
                    raise Busy(
                        _("the full-text index stayed locked by another process"),
                        _(
                            "Wait and retry; the ledger holds the filing, so `archivist index rebuild` can catch up later."
                        ),
                    ) from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.25)
        try:
            yield w
        except BaseException:
            with contextlib.suppress(Exception):
                w.rollback()
            with contextlib.suppress(Exception):
                w.wait_merging_threads()  # releases the lock
            raise
        else:
            w.commit()
            w.wait_merging_threads()

    def add(
        self, path: Path, docs: Iterable[dict[str, Any]], *, replace: bool, wait_s: float
    ) -> None:
        small = isinstance(docs, list | tuple) and len(docs) < 1000
        with self._writer(path, wait_s, HEAP_SMALL if small else HEAP) as w:
            for n, f in enumerate(docs, 1):
                if replace:
                    w.delete_documents_by_term("doc", f["doc"])
                w.add_document(_document(f))
                if n % COMMIT_EVERY == 0:
                    w.commit()

    def delete(self, path: Path, numbers: list[str], wait_s: float) -> int:
        if not numbers:
            return 0
        import tantivy

        ix, s = self._searcher(path)
        schema = ix.schema
        n = s.search(tantivy.Query.term_set_query(schema, "doc", numbers), 1).count
        with self._writer(path, wait_s) as w:
            for number in numbers:
                w.delete_documents_by_term("doc", number)
        return int(n or 0)

    def states(self, path: Path) -> Iterator[str]:
        import tantivy

        _ix, s = self._searcher(path)
        if not s.num_docs:
            return iter(())
        agg = s.aggregate(
            tantivy.Query.all_query(),
            {
                "s": {
                    "terms": {
                        "field": "state",
                        "size": max(1, s.num_docs),
                        "order": {"_key": "asc"},
                    }
                }
            },
        )
        keys = [b["key"] for b in agg["s"]["buckets"]]
        keys.sort(key=lambda k: k.encode("utf-8"))
        return iter(keys)

    def count(self, path: Path) -> int:
        return int(self._searcher(path)[1].num_docs)

    # ------------------------------------------------------------------ search
    def _text_query(self, schema: Any, field: str, tokens: list[str]) -> Any:
        from tantivy import Query

        from archivist.search.analysis import CJK_CHAR

        if len(tokens) == 1:
            tok = tokens[0]
            if len(tok) == 1 and CJK_CHAR.match(tok):
                return Query.term_query(schema, field + "1", tok)
            return Query.term_query(schema, field, tok)
        words: list[str | tuple[int, str]] = list(tokens)
        return Query.phrase_query(schema, field, words)

    def compile(self, schema: Any, query: Any, filters: Filters) -> Any:
        from tantivy import Occur, Query

        must: list[tuple[Any, Any]] = []
        for clause in query.clauses:
            alts = []
            for atom in clause.atoms:
                title = Query.boost_query(
                    self._text_query(schema, "title", atom.tokens), TITLE_BOOST
                )
                if atom.title_only:
                    alts.append(title)
                else:
                    alts.append(
                        Query.boolean_query(
                            [
                                (Occur.Should, title),
                                (Occur.Should, self._text_query(schema, "content", atom.tokens)),
                            ]
                        )
                    )
            q = (
                alts[0]
                if len(alts) == 1
                else Query.boolean_query([(Occur.Should, a) for a in alts])
            )
            must.append((Occur.MustNot if clause.negated else Occur.Must, q))
        if not any(o == Occur.Must for o, _q in must):
            must.append((Occur.Must, Query.all_query()))

        def zero(q: Any) -> Any:
            return Query.const_score_query(q, 0.0)

        for name in ("client_id", "matter_id", "section", "type"):
            value = getattr(filters, "filetype" if name == "type" else name)
            if value:
                must.append((Occur.Must, zero(Query.term_query(schema, name, value))))
        if filters.date_from or filters.date_to:
            from tantivy import FieldType

            must.append(
                (
                    Occur.Must,
                    zero(
                        Query.range_query(
                            schema,
                            "date",
                            FieldType.Date,
                            filters.date_from or datetime(1900, 1, 1),
                            filters.date_to or datetime(2200, 1, 1),
                            include_upper=False,
                        )
                    ),
                )
            )
        if filters.scope is not None:
            parts = [
                (Occur.Should, Query.term_set_query(schema, name, ids))
                for name, ids in zip(
                    ("client_id", "matter_id", "doc_id"), filters.scope, strict=True
                )
                if ids
            ]
            must.append((Occur.Must, zero(Query.boolean_query(parts))))
        key = query.title_key
        if key:
            must.append(
                (
                    Occur.Should,
                    Query.const_score_query(
                        Query.term_query(schema, "title_exact", key), EXACT_TITLE_BOOST
                    ),
                )
            )
        return Query.boolean_query(must)

    def search(
        self, path: Path, query: Any, filters: Filters, *, sort: str, offset: int, limit: int
    ) -> tuple[int, list[Hit]]:
        ix, s = self._searcher(path)
        q = self.compile(ix.schema, query, filters)
        if sort == "date":
            from tantivy import Order

            res = s.search(
                q, limit, count=True, order_by_field="date", offset=offset, order=Order.Desc
            )
        else:
            res = s.search(q, limit, count=True, offset=offset)
        hits = []
        for score, addr in res.hits:
            d = s.doc(addr)
            text = d.get_first("text")
            hits.append(
                Hit(
                    float(score) if sort != "date" else 0.0,
                    {
                        "doc": d.get_first("doc"),
                        "client": d.get_first("client"),
                        "matter": d.get_first("matter"),
                        "original_name": d.get_first("original_name"),
                        "title": d.get_first("title_s") or "",
                        "date": d.get_first("date"),
                        "content": bytes(text).decode("utf-8", "replace") if text else "",
                        "section": d.get_first("section"),
                        "type": d.get_first("type"),
                    },
                )
            )
        return int(res.count or 0), hits
