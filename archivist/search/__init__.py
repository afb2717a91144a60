"""The full-text index: a derived copy of the filed documents' text, always rebuildable from
the ledger and the store. Callers use only these functions (the engine, Tantivy or Whoosh,
stays behind them: archivist.search.engine):

    add_documents(ctx, [(document, text), ...])     after filing
    status(ctx) -> IndexStatus(missing, stale, extra)
    rebuild(ctx, progress=None, engine=None) -> int  chunked; memory stays flat; may switch
    reindex_documents(ctx, numbers) -> int           repair of single entries
    search(ctx, query, ...) -> SearchResult          see archivist.search.searcher
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from archivist.core.errors import ArchivistError
from archivist.models import Document, IndexStatus, SearchResult

if TYPE_CHECKING:
    from archivist.core.context import Context

Progress = Callable[[int, int], None]
CHUNK = 500
LOCK_WAIT_S = 120.0  # a writer waits this long for another process's writer


def _state_of(
    number: str, checksum: str, flag: str | None, section: str, matter_id: int | None
) -> str:
    """What an index entry records of its document, to tell a stale entry; starts with the
    number and a "|" (see `status`)."""
    return f"{number}|{checksum}|{flag or ''}|{section}|{matter_id or ''}"


def _state(doc: Document) -> str:
    return _state_of(doc.number, doc.checksum, doc.flag, doc.section.value, doc.matter_id)


def fields(doc: Document, text: str) -> dict[str, Any]:
    from archivist.search.analysis import title_key
    from archivist.search.schema import MAX_STORED_CHARS

    return {
        "doc": doc.number,
        "doc_id": str(doc.id),
        "client": doc.client_number,
        "client_id": str(doc.client_id),
        "matter": doc.matter_number or "",
        "matter_id": str(doc.matter_id or ""),
        "section": doc.section.value,
        "type": doc.filetype,
        "state": _state(doc),
        "date": doc.filed_at,
        "original_name": doc.original_name,
        "title": doc.title,
        "title_exact": title_key(doc.title or ""),
        "name": doc.original_name,
        "content": text,
        "_stored_content": text[:MAX_STORED_CHARS],
    }


def _engine_fields(eng: Any, docs: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for f in docs:
        if eng.name != "whoosh":
            f.pop("_stored_content", None)
        yield f


def _ready(ctx: Context, eng: Any, adding: int) -> None:
    """Open the index for writing: refuse a damaged or foreign one. A missing one is created
    in the empty folder `init` made, or when the ledger holds no other documents; a removed
    folder is not silently replaced by an index of these documents only (searches would quietly
    miss the rest): the caller warns, and `index rebuild` restores it."""
    from sqlalchemy import func, select

    from archivist.ledger.tables.documents import documents
    from archivist.search.engine import mismatch, unusable

    path = ctx.home.index_dir
    problem = mismatch(path, eng)
    if problem:
        raise unusable(problem)
    if eng.exists(path):
        return
    import fcntl

    if not path.is_dir():
        with ctx.ledger.read() as conn:
            filed = int(conn.execute(select(func.count()).select_from(documents)).scalar_one())
        if filed > adding:
            raise unusable("it is missing")
    path.mkdir(mode=0o750, parents=True, exist_ok=True)
    with open(path / ".create.lock", "w") as lock:  # two first writers: one creates
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not eng.exists(path):
            eng.create(path)


def add_documents(ctx: Context, items: Iterable[tuple[Document, str]], *, new: bool = False) -> int:
    """Index (or re-index) documents with their text. Waits for the index lock. `new=True`
    (just filed, so not in the index yet) skips the look-up of an older entry to replace."""
    from archivist.search.engine import for_home

    eng = for_home(ctx)
    docs = [fields(doc, text) for doc, text in items]
    _ready(ctx, eng, len(docs))
    eng.add(
        ctx.home.index_dir, list(_engine_fields(eng, docs)), replace=not new, wait_s=LOCK_WAIT_S
    )
    return len(docs)


def delete_documents(ctx: Context, numbers: Iterable[str]) -> int:
    from archivist.search.engine import for_home

    eng = for_home(ctx)
    _ready(ctx, eng, 0)
    return eng.delete(ctx.home.index_dir, list(numbers), LOCK_WAIT_S)


# --------------------------------------------------------------------------- status
def _ledger_states(ctx: Context) -> Iterator[tuple[str, str]]:
    """(number, state) of every document, in the order of `number + "|"` by bytes: the order
    of the index's state terms, so the two can be compared as sorted streams (one query read
    as it goes; memory does not grow with the archive)."""
    from sqlalchemy import literal, select

    from archivist.ledger.tables.documents import documents as t

    key = t.c.number.concat(literal("|"))
    if ctx.ledger.is_postgresql:
        from archivist.ledger.postgresql import byte_order

        key = byte_order(key)  # byte order, as SQLite's default BINARY collation
    from archivist.filing.service import not_withdrawn

    stmt = (
        select(t.c.number, t.c.checksum, t.c.flag, t.c.section, t.c.matter_id)
        .where(not_withdrawn())
        .order_by(key)
    )
    with ctx.ledger.read() as conn:
        result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(stmt)
        for r in result:
            yield r.number, _state_of(r.number, r.checksum, r.flag, r.section, r.matter_id)


def status(ctx: Context) -> IndexStatus:
    """Documents in the ledger but not in the index (missing), in both but indexed in an older
    state (stale), and in the index but not in the ledger (extra). The ledger and the index are
    read side by side in the same order: memory holds only the differences."""
    from archivist.search.engine import for_home, mismatch

    eng = for_home(ctx)
    problem = mismatch(ctx.home.index_dir, eng)
    if problem is None and not eng.exists(ctx.home.index_dir):
        problem = "the index is missing"
    if problem is None:
        try:
            eng.count(ctx.home.index_dir)
        except ArchivistError as exc:
            problem = exc.message if hasattr(exc, "message") else str(exc)
    if problem:
        numbers = [d.number for chunk in _iter_ledger(ctx) for d in chunk]
        if not numbers and not eng.exists(ctx.home.index_dir):
            return IndexStatus()  # no documents yet, so no index yet: nothing amiss
        return IndexStatus(
            missing=numbers,
            documents=len(numbers),
            version_ok=False,
            message=f"{problem}; run `archivist index rebuild`",
        )
    missing: list[str] = []
    stale: list[str] = []
    extra: list[str] = []
    total = indexed = 0
    ledger = _ledger_states(ctx)
    index = eng.states(ctx.home.index_dir)
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
    return IndexStatus(missing=missing, stale=stale, extra=extra, documents=total, indexed=indexed)


def _iter_ledger(
    ctx: Context, chunk: int | None = None, min_id: int = 0
) -> Iterable[list[Document]]:
    from archivist.filing import service as filing
    from archivist.ledger.paging import chunks
    from archivist.ledger.tables.documents import documents

    stmt = filing._select().where(documents.c.id > min_id, filing.not_withdrawn())
    for rows in chunks(ctx.ledger, stmt, documents.c.id, chunk or CHUNK):
        yield [filing.to_model(r) for r in rows]


# --------------------------------------------------------------------------- text for (re)indexing
def _texts(ctx: Context, docs: Sequence[Document], pool: Any = None) -> list[str]:
    """The text of each document: kept text (password-unlocked) or extracted from the store."""
    from archivist.filing.extract import Limits
    from archivist.filing.extract.parallel import extract_many

    kept = _kept_texts(ctx, [d.id for d in docs])
    todo = [
        (str(ctx.store.resolve(d.path)), d.original_name) for d in docs if kept.get(d.id) is None
    ]
    results = iter(extract_many(todo, Limits.from_settings(ctx.settings), pool=pool))
    out = []
    for d in docs:
        k = kept.get(d.id)
        out.append(k if k is not None else next(results).text)
    return out


def _kept_texts(ctx: Context, ids: list[int]) -> dict[int, str]:
    """The kept (password-unlocked) texts of these documents, in one query."""
    if not ids:
        return {}
    from sqlalchemy import select

    from archivist.ledger.tables.documents import document_texts as t

    with ctx.ledger.read() as conn:
        rows = conn.execute(select(t.c.document_id, t.c.text).where(t.c.document_id.in_(ids)))
        return {int(r.document_id): r.text for r in rows}


def reindex_documents(ctx: Context, document_numbers: Iterable[str]) -> int:
    """Re-index the named documents from the ledger and the store (and drop index entries of
    numbers the ledger does not hold). Returns the number of entries written or removed."""
    from archivist.core.errors import NotFound
    from archivist.filing import service as filing

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
        part = docs[i : i + CHUNK]
        n += add_documents(ctx, zip(part, _texts(ctx, part), strict=True))
    if gone:
        n += delete_documents(ctx, gone)
    return n


def rebuild(ctx: Context, progress: Progress | None = None, engine: str | None = None) -> int:
    """Build a fresh index from the ledger and the stored files, chunk by chunk (memory stays
    flat), in a temporary folder swapped in at the end. Documents filed while it ran are caught
    up after the swap. `engine` switches the home to that engine (written to archivist.toml
    after the swap, so a failed rebuild leaves the home as it was)."""
    import os
    import shutil

    from sqlalchemy import func, select

    from archivist.filing.extract.parallel import make_pool
    from archivist.ledger.tables.documents import documents
    from archivist.search.engine import get

    eng = get(engine) if engine else _engine(ctx)
    target = ctx.home.index_dir
    with ctx.ledger.read() as conn:
        total = int(conn.execute(select(func.count()).select_from(documents)).scalar_one())
        max_id = int(conn.execute(select(func.max(documents.c.id))).scalar() or 0)
    tmp = target.parent / f".{target.name}.rebuild-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    eng.create(tmp)
    done = 0
    if progress:
        progress(0, total)
    pool = make_pool(total)

    def chunks() -> Iterator[list[Document]]:
        for chunk in _iter_ledger(ctx):
            chunk = [d for d in chunk if d.id <= max_id]
            if not chunk:
                return
            yield chunk

    def stream() -> Iterator[dict[str, Any]]:
        """The documents' fields, chunk by chunk; the next chunk's text is extracted (on the
        pool's cores) while this one is analysed and indexed here."""
        nonlocal done
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as ahead:
            todo = chunks()
            chunk = next(todo, None)
            texts = ahead.submit(_texts, ctx, chunk, pool) if chunk else None
            while chunk is not None and texts is not None:
                following = next(todo, None)
                got = texts.result()
                texts = ahead.submit(_texts, ctx, following, pool) if following else None
                yield from _engine_fields(
                    eng, (fields(doc, text) for doc, text in zip(chunk, got, strict=True))
                )
                done += len(chunk)
                if progress:
                    progress(done, total)
                chunk = following

    try:
        eng.add(tmp, stream(), replace=False, wait_s=LOCK_WAIT_S)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if pool is not None:
            pool.shutdown()
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    if engine:
        _set_engine(ctx, engine)
    # catch up with documents filed while the rebuild ran (they went to the old index)
    late = [d for chunk in _iter_ledger(ctx, min_id=max_id) for d in chunk]
    if late:
        add_documents(ctx, zip(late, _texts(ctx, late), strict=True))
    return done + len(late)


def _engine(ctx: Context) -> Any:
    from archivist.search.engine import for_home

    return for_home(ctx)


def _set_engine(ctx: Context, name: str) -> None:
    """Record the home's engine in archivist.toml: the `engine` line of [index] replaced, or the
    section added (the rest of the file, comments included, is kept as it is)."""
    import os
    import re

    path = ctx.home.config_path
    text = path.read_text(encoding="utf-8")
    line = f'engine = "{name}"'
    section = re.search(r"(?m)^\[index\][^\n]*\n((?:(?!\[)[^\n]*\n?)*)", text)
    if section is None:
        text = text.rstrip("\n") + f"\n\n[index]\n{line}\n"
    else:
        body = section.group(1)
        if re.search(r"(?m)^\s*engine\s*=", body):
            body = re.sub(r'(?m)^\s*engine\s*=\s*"[^"]*"', line, body, count=1)
        else:
            body = line + "\n" + body
        text = text[: section.start(1)] + body + text[section.end(1) :]
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, os.stat(path).st_mode & 0o777)
    os.replace(tmp, path)
    settings = getattr(ctx.settings, "index", None)
    if settings is not None:
        settings.engine = name


def search(ctx: Context, query: str, **kwargs: Any) -> SearchResult:
    from archivist.search.searcher import search as _search

    return _search(ctx, query, **kwargs)


__all__ = ["add_documents", "delete_documents", "rebuild", "reindex_documents", "search", "status"]
