"""Writing to the index: one context manager that waits for the Whoosh lock (so several
processes filing at once never lose an update), commits on success, and cancels and re-raises
on failure; and `add_many`, which indexes a large batch on every core.

Whoosh indexes in pure Python on one core, and indexing is most of the cost of filing. For a
batch of PARALLEL_MIN documents or more, `add_many` hands a share of the batch to each of the
other cores: a forked worker writes its share as a segment of its own (without the lock, which
this process holds) and returns the segment, which the commit adds to the table of contents. If
a worker fails, this process indexes that share itself; if the commit never happens, the
workers' files are not in any table of contents and Whoosh deletes them at the next commit."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archivist.errors import Busy
from archivist.index.schema import open_index

LOCK_WAIT_S = 120.0
MAX_SEGMENTS = 6  # merge only beyond this many segments: each filing commits a small one


def lazy_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: leave small segments alone until there are many, then merge the
    small ones (amortises the merge cost over many single-document commits)."""
    from whoosh.writing import MERGE_SMALL

    if len(segments) <= MAX_SEGMENTS:
        return segments
    return MERGE_SMALL(writer, segments)


COMPRESSION = 1  # zlib level of posting blocks: a quarter smaller than none, level 3 costs more
INLINE_LIMIT = 8  # a term in fewer documents than this keeps its postings in the term table


def _codec() -> Any:
    """Whoosh's W3 codec with three write-side fixes (the files are the plain W3 format, read by
    the stock codec):
    - terms of fewer than INLINE_LIMIT documents inline in the term table (W3's own inlining
      calls a method that does not exist, so Whoosh ships it switched off): no posting block,
      header, zlib and pickle per term; the synthetic corpus has ~400 new terms per document,
      most of them seen in few documents;
    - field lengths read once per (document, field) while a segment is written, not once per
      posting;
    - pickled as a plain W3Codec, so no index depends on this module's path."""
    from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3PostingsWriter

    class PostingsWriter(W3PostingsWriter):
        def finish_postings(self) -> Any:
            if self.written() or len(self) >= self._inlinelimit:
                return super().finish_postings()
            terminfo: Any = self._terminfo  # type: ignore[has-type]
            terminfo.add_block(self)
            # a format without values gets None per posting, as a posting block reads back
            # (ListMatcher.value() would give "" for (), which merging refuses, and
            # all_items() zips the values)
            ids = tuple(self._ids)
            terminfo._inlined = (ids, tuple(self._weights),
                                 tuple(self._values) if self._values else (None,) * len(ids))
            self._terminfo = None
            return terminfo

    class PerDocReader(W3PerDocReader):
        def __init__(self, storage: Any, segment: Any) -> None:
            super().__init__(storage, segment)
            self._lengths: dict[tuple[int, str], int] = {}

        def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
            key = (docnum, fieldname)
            got = self._lengths.get(key)
            if got is None:
                got = self._lengths[key] = super().doc_field_length(docnum, fieldname, default)
            return got

    class Codec(W3Codec):
        def __reduce__(self) -> Any:
            # the stock codec reads inlined terms whatever its limit; 1 = its safe default
            return (W3Codec, (self._blocklimit, self._compression, 1))

        def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
            return PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                  compression=self._compression,
                                  inlinelimit=self._inlinelimit)

        def per_document_reader(self, storage: Any, segment: Any) -> Any:
            return PerDocReader(storage, segment)

    return Codec(compression=COMPRESSION, inlinelimit=INLINE_LIMIT)


PARALLEL_MIN = 100  # documents: below this a batch is indexed in this process


def _workers() -> int:
    from archivist.extract.parallel import workers

    return workers()


def _build_segment(index_dir: str, docs: list[dict[str, Any]]) -> Any:
    """In a worker process: write `docs` as a new segment and return it (not yet committed)."""
    from whoosh.writing import SegmentWriter

    w = SegmentWriter(open_index(Path(index_dir)), _lk=False, codec=_codec(), compound=False)
    try:
        for fields in docs:
            w.add_document(**fields)
        return w._finalize_segment()
    except BaseException:
        w.cancel()
        raise


def add_many(w: Any, docs: list[dict[str, Any]], *, replace: bool = False) -> None:
    """Add `docs` (field dicts) to the open writer `w` from `writer()`; with `replace`, older
    entries of the same document numbers are deleted first (as update_document does)."""
    if replace:
        for fields in docs:
            w.delete_by_term("doc", fields["doc"])
    cores = _workers()
    if len(docs) < PARALLEL_MIN or cores < 2:
        for fields in docs:
            w.add_document(**fields)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Equal shares by text size; this process keeps the first share.
    shares: list[list[dict[str, Any]]] = [[] for _ in range(cores)]
    sizes = [0] * cores
    for fields in sorted(docs, key=lambda f: -len(f.get("content") or "")):
        i = sizes.index(min(sizes))
        shares[i].append(fields)
        sizes[i] += len(fields.get("content") or "") + 1
    mine, theirs = shares[0], [s for s in shares[1:] if s]
    folder = str(w.storage.folder)
    with ProcessPoolExecutor(max_workers=len(theirs),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_build_segment, folder, share) for share in theirs]
        for fields in mine:
            w.add_document(**fields)
        for share, future in zip(theirs, futures, strict=True):
            try:
                w.archivist_segments.append(future.result())
            except Exception:  # noqa: BLE001 - a worker died or failed: index its share here
                for fields in share:
                    w.add_document(**fields)


@contextmanager
def writer(path: Path, wait_s: float = LOCK_WAIT_S, **kwargs: Any) -> Iterator[Any]:
    from whoosh.index import LockError

    ix = open_index(path)
    # Separate segment files, not Whoosh's compound file: reading a compound segment pulls the
    # whole segment into the process (a 118 MB index cost 300 MB RSS per search; 64 MB without).
    kwargs.setdefault("compound", False)
    deadline = time.monotonic() + wait_s
    delay = 0.01
    while True:
        try:
            w = ix.writer(codec=_codec(), **kwargs)
            break
        except LockError:
            if time.monotonic() >= deadline:
                raise Busy("the full-text index stayed locked by another process",
                           "Wait and retry; the ledger holds the filing, so "
                           "`archivist index rebuild` can catch up later.") from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.25)
    w.archivist_segments = []  # segments written by add_many's workers, committed with ours

    def merge(writer: Any, segments: list[Any]) -> list[Any]:
        return lazy_merge(writer, segments) + writer.archivist_segments

    try:
        yield w
    except BaseException:
        w.cancel()
        raise
    else:
        w.commit(mergetype=merge)
