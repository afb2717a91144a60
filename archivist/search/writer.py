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

import math
import random
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archivist.core.errors import Busy
from archivist.core.i18n import _
from archivist.search.schema import open_index

LOCK_WAIT_S = 120.0
MAX_SEGMENTS = 6  # merge only beyond this many segments: each filing commits a small one
MERGE_FACTOR = 8  # segments of one size class merged together (see plan_merge)
# No merge makes a segment larger than this: writing a segment holds its term table in memory
# (a 16,000-document merge peaks at about 600 MB), so the cap bounds memory at any archive size;
# beyond it, segments accumulate and searches slow down gradually instead.
MAX_MERGED_DOCS = 20_000


def plan_merge(segments: list[Any]) -> tuple[list[Any], list[Any]]:
    """(keep, merge): which segments to merge into one. Nothing while there are few; beyond
    MAX_SEGMENTS, MERGE_FACTOR segments of the same size class (sizes within a factor of
    MERGE_FACTOR) become one of the next class, smallest class first: each document is rewritten
    about log(N / batch) / log(MERGE_FACTOR) times, and there are at most about
    MERGE_FACTOR - 1 segments per class.

    Whoosh's MERGE_SMALL (tuned for one-document commits) waits until a Fibonacci bound passes
    the total of the smallest segments, which for 250-document segments means merging nearly
    the whole index every few thousand documents: 100k filing slowed from 30 to 18 documents/s
    by 28k documents and would have kept slowing (quadratic)."""
    if len(segments) <= MAX_SEGMENTS:
        return segments, []
    classes: dict[int, list[Any]] = {}
    for seg in segments:
        size = max(1, seg.doc_count_all())
        classes.setdefault(int(math.log(size, MERGE_FACTOR)), []).append(seg)
    for size_class in sorted(classes):
        group = classes[size_class]
        if len(group) >= MERGE_FACTOR:
            merge = sorted(group, key=lambda seg: seg.doc_count_all())[:MERGE_FACTOR]
            if sum(seg.doc_count_all() for seg in merge) > MAX_MERGED_DOCS:
                continue
            ids = {seg.segment_id() for seg in merge}
            return [seg for seg in segments if seg.segment_id() not in ids], merge
    return segments, []


def merge_segments(index_dir: str, segments: list[Any]) -> Any:
    """Write `segments` (with their deletions) as one new segment and return it, uncommitted.

    Whoosh's own merge (writer.add_reader) pushes every posting through its external sort pool
    (pickled to temporary run files and sorted again), which made merging slower than indexing:
    47 documents/s. Each segment's postings are already in term order, so a k-way merge of the
    streams writes the new segment directly; memory stays at one posting per segment."""
    import heapq
    from operator import itemgetter

    from whoosh.reading import SegmentReader

    ix = open_index(Path(index_dir))
    readers = [SegmentReader(ix.storage, ix.schema, seg) for seg in segments]
    try:
        with _side_writer(ix) as w:
            streams = []
            names = set(ix.schema.names())
            for reader in readers:
                base = w.docnum
                docmap = w.write_per_doc(names | set(reader.indexed_field_names()) & names, reader)
                streams.append(_postings(reader, ix.schema, base, docmap))
            w.perdocwriter.close()
            lengths = w.per_document_reader() if w.codec.length_stats else None
            try:
                w.fieldwriter.add_postings(
                    ix.schema, lengths, heapq.merge(*streams, key=itemgetter(0, 1, 2))
                )
            finally:
                if lengths is not None:
                    lengths.close()
            w.fieldwriter.close()
            w._added = True
            return w.get_segment()
    finally:
        for reader in readers:
            reader.close()


def _postings(
    reader: Any, schema: Any, base: int, docmap: dict[int, int] | None
) -> Iterator[tuple[str, bytes, int, float, Any]]:
    """Every live posting of a segment as (field, term, new document number, weight, value), in
    term order, read a block at a time from the term table in file order (reader.iter_postings
    looks each term up in the hash table again and steps through postings one call at a time)."""
    from whoosh.matching import ListMatcher

    terms = reader._terms
    codec = reader._codec
    postfile = terms._postfile
    deleted = reader.is_deleted if reader.has_deletions() else None
    for (fieldname, tbytes), terminfo in terms.items():
        if fieldname not in schema:
            continue
        m = codec.postings_reader(postfile, terminfo, schema[fieldname].format)
        if isinstance(m, ListMatcher):
            blocks: Iterator[tuple[Any, Any, Any]] = iter([(m._ids, m._weights, m._values)])
        else:
            blocks = _blocks(m)
        for ids, weights, values in blocks:
            for docnum, weight, value in zip(ids, weights, values, strict=True):
                if deleted is not None and deleted(docnum):
                    continue
                yield (
                    fieldname,
                    tbytes,
                    docmap[docnum] if docmap is not None else base + docnum,
                    weight,
                    value,
                )


def _blocks(m: Any) -> Iterator[tuple[Any, Any, Any]]:
    while not m._atend:
        m._read_ids()
        m._read_weights()
        m._read_values()
        yield m._ids, m._weights, m._values
        m._next_block()


def lazy_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge policy for commits: see plan_merge; the merge itself is merge_segments."""
    keep, merge = plan_merge(segments)
    if len(merge) < 2:
        return segments
    return keep + [merge_segments(str(writer.storage.folder), merge)]


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
    - the term table of a new segment keeps 16 bytes per term in memory, not ~130
      (`archivist.search.hashtable`; the same file): it set the peak memory of a large merge;
    - pickled as a plain W3Codec, so no index depends on this module's path."""
    from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3PostingsWriter

    from archivist.search.hashtable import compact

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
            terminfo._inlined = (
                ids,
                tuple(self._weights),
                tuple(self._values) if self._values else (None,) * len(ids),
            )
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
            return PostingsWriter(
                dbfile,
                blocklimit=self._blocklimit,
                byteids=byteids,
                compression=self._compression,
                inlinelimit=self._inlinelimit,
            )

        def per_document_reader(self, storage: Any, segment: Any) -> Any:
            return PerDocReader(storage, segment)

        def field_writer(self, storage: Any, segment: Any) -> Any:
            fw = super().field_writer(storage, segment)
            compact(fw._tindex)
            return fw

    return Codec(compression=COMPRESSION, inlinelimit=INLINE_LIMIT)


PARALLEL_MIN = 100  # documents: below this a batch is indexed in this process


def _workers() -> int:
    from archivist.filing.extract.parallel import workers

    return workers()


@contextmanager
def _side_writer(ix: Any) -> Iterator[Any]:
    """A writer for a segment of its own while this process holds the lock (no lock taken), with
    its own temporary folder: every Whoosh writer uses `<index>/MAIN.tmp` and deletes it when it
    finishes, which would pull the lock holder's temporary files from under it. The caller
    finishes the segment; on failure its files are dropped."""
    import secrets

    from whoosh.writing import SegmentWriter

    w = SegmentWriter(ix, _lk=False, codec=_codec(), compound=False)
    w._tempstorage = ix.storage.temp_storage(f"{ix.indexname}.tmp-{secrets.token_hex(6)}")
    w.pool.tempstore = w._tempstorage
    try:
        yield w
    except BaseException:
        w.cancel()
        raise
    else:
        w._tempstorage.destroy()


def _build_segment(index_dir: str, docs: list[dict[str, Any]]) -> Any:
    """In a worker process: write `docs` as a new segment and return it (not yet committed)."""
    with _side_writer(open_index(Path(index_dir))) as w:
        for fields in docs:
            w.add_document(**fields)
        return w._finalize_segment()


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
    with ProcessPoolExecutor(
        max_workers=len(theirs), mp_context=multiprocessing.get_context("fork")
    ) as pool:
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
                raise Busy(
                    _("the full-text index stayed locked by another process"),
                    _(
                        "Wait and retry; the ledger holds the filing, so `archivist index rebuild` can catch up later."
                    ),
                ) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.25)
    w.archivist_segments = []  # segments written by add_many's workers, committed with ours
    # temporary folders of side writers a killed process left behind (we hold the lock now)
    for stale in path.glob(f"{ix.indexname}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)

    def merge(writer: Any, segments: list[Any]) -> list[Any]:
        return lazy_merge(writer, segments) + writer.archivist_segments

    try:
        yield w
    except BaseException:
        w.cancel()
        raise
    else:
        w.commit(mergetype=merge)
