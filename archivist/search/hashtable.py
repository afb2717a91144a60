"""A lean term table for the segments we write.

Whoosh writes each segment's term table with `filetables.OrderedHashWriter`, which remembers
every term's (hash, file position) as a tuple in a Python list until the segment is closed:
about 130 bytes per term. A merged segment of 16,000 documents holds some 3.5 million distinct
terms (CJK bigrams, numbers, names), so a merge held ~450 MB for that alone and the peak memory
of an import or a rebuild was set by it (590 MB at 100,000 documents).

`CompactOrderedHashWriter` keeps the same pairs in flat arrays of 64-bit integers (16 bytes per
term) and writes byte-for-byte the same file, so every Whoosh reader opens it unchanged. Our
codec (`archivist.search.writer._codec`) turns each new segment's table into one with `compact`;
nothing pickled with the index names this module."""

from __future__ import annotations

from array import array
from typing import Any

from whoosh.filedb import filetables


class CompactOrderedHashWriter(filetables.OrderedHashWriter):
    """`OrderedHashWriter` with its 256 buckets as arrays: [hash, position, hash, position…]."""

    def __init__(self, dbfile: Any) -> None:
        super().__init__(dbfile)
        self.buckets = [array("Q") for _ in range(256)]

    def add(self, key: bytes, value: bytes) -> None:
        last: bytes = self.lastkey  # type: ignore[has-type]
        if key <= last:
            raise ValueError(f"Keys must increase: {last!r}..{key!r}")
        dbfile = self.dbfile
        pos = dbfile.tell()
        self.index.append(pos)
        dbfile.write(filetables._lengths.pack(len(key), len(value)))
        dbfile.write(key)
        dbfile.write(value)
        h = self.hashfn(key)
        bucket = self.buckets[h & 255]
        bucket.append(h)
        bucket.append(pos)
        self.lastkey = key

    def _write_hashes(self) -> None:
        # The same open-addressing tables as HashWriter._write_hashes: 2 slots per entry, an
        # empty slot is (0, 0) (no key starts at position 0: the header is there).
        dbfile = self.dbfile
        pack = filetables._pointer.pack
        for i, entries in enumerate(self.buckets):
            pos = dbfile.tell()
            numslots = len(entries)  # 2 slots per (hash, position) pair
            self.directory.append((pos, numslots))
            table = array("Q", bytes(8 * 2 * numslots))
            for j in range(0, len(entries), 2):
                hashval, position = entries[j], entries[j + 1]
                slot = (hashval >> 8) % numslots
                while table[2 * slot + 1]:
                    slot = (slot + 1) % numslots
                table[2 * slot] = hashval
                table[2 * slot + 1] = position
            self.buckets[i] = array("Q")  # free as we go
            dbfile.write(b"".join(pack(table[2 * s], table[2 * s + 1]) for s in range(numslots)))


def compact(table: Any) -> None:
    """Turn a fresh (empty) `OrderedHashWriter` into a `CompactOrderedHashWriter` in place (its
    header is already written, so it cannot simply be made again on the same file)."""
    if type(table) is CompactOrderedHashWriter:
        return
    if type(table) is not filetables.OrderedHashWriter or any(table.buckets):
        raise TypeError(f"cannot make {type(table).__name__} compact once it holds keys")
    table.__class__ = CompactOrderedHashWriter
    table.buckets = [array("Q") for _ in range(256)]
