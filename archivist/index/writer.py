"""Writing to the index: one context manager that waits for the Whoosh lock (so several
processes filing at once never lose an update), commits on success, and cancels and re-raises
on failure."""

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
    try:
        yield w
    except BaseException:
        w.cancel()
        raise
    else:
        w.commit(mergetype=lazy_merge)
