"""The full-text index: a derived copy of the filed documents' text, always rebuildable from
the ledger and the store. Callers use only these functions (Whoosh stays behind them):

    add_documents(ctx, [(document, text), ...])     after filing
    status(ctx) -> IndexStatus(missing, stale, extra)
    rebuild(ctx, progress=None) -> int               chunked; memory stays flat
    reindex_documents(ctx, numbers) -> int           repair of single entries
    search(ctx, query, ...) -> SearchResult          see archivist.index.searcher
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from archivist.models import Document, IndexStatus, SearchResult

if TYPE_CHECKING:
    from archivist.context import Context

Progress = Callable[[int, int], None]
CHUNK = 500


def _state_of(number: str, checksum: str, flag: str | None, section: str,
              matter_id: int | None) -> str:
    """What an index entry records of its document, to tell a stale entry; starts with the
    number and a "|" (see `status`)."""
    return f"{number}|{checksum}|{flag or ''}|{section}|{matter_id or ''}"


def _state(doc: Document) -> str:
    return _state_of(doc.number, doc.checksum, doc.flag, doc.section.value, doc.matter_id)


def fields(doc: Document, text: str) -> dict[str, Any]:
    from archivist.index.schema import MAX_STORED_CHARS

    return {
        "doc": doc.number, "doc_id": str(doc.id), "client": doc.client_number,
        "client_id": str(doc.client_id), "matter": doc.matter_number or "",
        "matter_id": str(doc.matter_id or ""), "section": doc.section.value,
        "type": doc.filetype, "state": _state(doc), "date": doc.filed_at,
        "original_name": doc.original_name, "title": doc.title,
        "name": doc.original_name,
        "content": text, "_stored_content": text[:MAX_STORED_CHARS],
    }


def add_documents(ctx: Context, items: Iterable[tuple[Document, str]], *,
                  new: bool = False) -> int:
    """Index (or re-index) documents with their text. Waits for the index lock. `new=True`
    (just filed, so not in the index yet) skips the look-up of an older entry to replace."""
    from archivist.index.writer import add_many, writer

    docs = [fields(doc, text) for doc, text in items]
    with writer(ctx.home.index_dir) as w:
        add_many(w, docs, replace=not new)
    return len(docs)


def delete_documents(ctx: Context, numbers: Iterable[str]) -> int:
    from archivist.index.writer import writer

    n = 0
    with writer(ctx.home.index_dir) as w:
        for number in numbers:
            n += w.delete_by_term("doc", number)
    return n


# --------------------------------------------------------------------------- status
def _indexed_states(path: Any) -> Iterator[str]:
    """The state of every live entry in the index, in the index's term order (UTF-8 bytes,
    which is the order of `number + "|"`: numbers never contain "|")."""
    from archivist.index.schema import open_index

    ix = open_index(path)
    with ix.reader() as reader:
        deleted = reader.has_deletions()
        for term in reader.lexicon("state"):
            if deleted and all(reader.is_deleted(d)
                               for d in reader.postings("state", term).all_ids()):
                continue
            yield term.decode("utf-8") if isinstance(term, bytes) else term


def _ledger_states(ctx: Context) -> Iterator[tuple[str, str]]:
    """(number, state) of every document, in the order of `number + "|"` by bytes: the order
    of the index's state terms, so the two can be compared as sorted streams (one query read
    as it goes; memory does not grow with the archive)."""
    from sqlalchemy import literal, select

    from archivist.ledger.tables.documents import documents as t

    key = t.c.number.concat(literal("|"))
    if not ctx.ledger.is_sqlite:
        key = key.collate("C")  # byte order, as SQLite's default BINARY collation
    stmt = select(t.c.number, t.c.checksum, t.c.flag, t.c.section, t.c.matter_id).order_by(key)
    with ctx.ledger.read() as conn:
        result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(stmt)
        for r in result:
            yield r.number, _state_of(r.number, r.checksum, r.flag, r.section, r.matter_id)


def status(ctx: Context) -> IndexStatus:
    """Documents in the ledger but not in the index (missing), in both but indexed in an older
    state (stale), and in the index but not in the ledger (extra). The ledger and the index are
    read side by side in the same order: memory holds only the differences."""
    from archivist.index.schema import mismatch

    problem = mismatch(ctx.home.index_dir)
    if problem:
        numbers = [d.number for chunk in _iter_ledger(ctx) for d in chunk]
        return IndexStatus(missing=numbers, documents=len(numbers), version_ok=False,
                           message=f"{problem}; run `archivist index rebuild`")
    missing: list[str] = []
    stale: list[str] = []
    extra: list[str] = []
    total = indexed = 0
    ledger = _ledger_states(ctx)
    index = _indexed_states(ctx.home.index_dir)
    mine = next(ledger, None)
    theirs = next(index, None)
    while mine is not None or theirs is not None:
        mine_key = None if mine is None else mine[0] + "|"
        their_key = None if theirs is None else theirs.split("|", 1)[0] + "|"
        if their_key is None or (mine_key is not None and mine_key < their_key):
            assert mine is not None
            missing.append(mine[0])
            total += 1
            mine = next(ledger, None)
        elif mine_key is None or their_key < mine_key:
            assert theirs is not None
            extra.append(their_key[:-1])
            indexed += 1
            theirs = next(index, None)
        else:
            assert mine is not None and theirs is not None
            if theirs != mine[1]:
                stale.append(mine[0])
            total += 1
            indexed += 1
            mine = next(ledger, None)
            theirs = next(index, None)
    return IndexStatus(missing=missing, stale=stale, extra=extra, documents=total,
                       indexed=indexed)


def _iter_ledger(ctx: Context, chunk: int | None = None,
                 min_id: int = 0) -> Iterable[list[Document]]:
    from archivist import filing
    from archivist.ledger.paging import chunks
    from archivist.ledger.tables.documents import documents

    stmt = filing._select().where(documents.c.id > min_id)
    for rows in chunks(ctx.ledger, stmt, documents.c.id, chunk or CHUNK):
        yield [filing.to_model(r) for r in rows]


# --------------------------------------------------------------------------- text for (re)indexing
def _texts(ctx: Context, docs: Sequence[Document], pool: Any = None) -> list[str]:
    """The text of each document: kept text (password-unlocked) or extracted from the store."""
    from archivist import filing
    from archivist.extract import Limits
    from archivist.extract.parallel import extract_many

    with ctx.ledger.read() as conn:
        kept = {d.id: filing.kept_text(conn, d.id) for d in docs} if docs else {}
    todo = [(str(ctx.store.resolve(d.path)), d.original_name) for d in docs
            if kept.get(d.id) is None]
    results = iter(extract_many(todo, Limits.from_settings(ctx.settings), pool=pool))
    out = []
    for d in docs:
        k = kept.get(d.id)
        out.append(k if k is not None else next(results).text)
    return out


def reindex_documents(ctx: Context, document_numbers: Iterable[str]) -> int:
    """Re-index the named documents from the ledger and the store (and drop index entries of
    numbers the ledger does not hold). Returns the number of entries written or removed."""
    from archivist import filing
    from archivist.errors import NotFound

    docs: list[Document] = []
    gone: list[str] = []
    with ctx.ledger.read() as conn:
        for number in dict.fromkeys(document_numbers):
            try:
                docs.append(filing.get(conn, number))
            except NotFound:
                gone.append(number)
    n = 0
    for i in range(0, len(docs), CHUNK):
        part = docs[i:i + CHUNK]
        n += add_documents(ctx, zip(part, _texts(ctx, part), strict=True))
    if gone:
        n += delete_documents(ctx, gone)
    return n


def rebuild(ctx: Context, progress: Progress | None = None) -> int:
    """Build a fresh index from the ledger and the stored files, chunk by chunk (memory stays
    flat), then swap it in. Documents filed while it ran are caught up after the swap."""
    import shutil

    from sqlalchemy import func, select

    from archivist.extract.parallel import make_pool
    from archivist.index.schema import create
    from archivist.index.writer import add_many, writer
    from archivist.ledger.tables.documents import documents

    target = ctx.home.index_dir
    with ctx.ledger.read() as conn:
        total = int(conn.execute(select(func.count()).select_from(documents)).scalar_one())
        max_id = int(conn.execute(select(func.max(documents.c.id))).scalar() or 0)
    tmp = target.parent / f".{target.name}.rebuild-{__import__('os').getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    create(tmp)
    done = 0
    if progress:
        progress(0, total)
    pool = make_pool(total)
    try:
        for chunk in _iter_ledger(ctx):
            chunk = [d for d in chunk if d.id <= max_id]
            if not chunk:
                break
            texts = _texts(ctx, chunk, pool)
            with writer(tmp) as w:
                add_many(w, [fields(doc, text) for doc, text in zip(chunk, texts, strict=True)])
            done += len(chunk)
            if progress:
                progress(done, total)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if pool is not None:
            pool.shutdown()
    old = target.parent / f".{target.name}.old-{__import__('os').getpid()}"
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    # catch up with documents filed while the rebuild ran (they went to the old index)
    late = [d for chunk in _iter_ledger(ctx, min_id=max_id) for d in chunk]
    if late:
        add_documents(ctx, zip(late, _texts(ctx, late), strict=True))
    return done + len(late)


def search(ctx: Context, query: str, **kwargs: Any) -> SearchResult:
    from archivist.index.searcher import search as _search

    return _search(ctx, query, **kwargs)


__all__ = ["add_documents", "delete_documents", "rebuild", "reindex_documents", "search",
           "status"]
