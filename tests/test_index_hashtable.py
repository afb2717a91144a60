"""The compact term table writes the same file as Whoosh's and holds far less per term."""

from __future__ import annotations

import random
import tracemalloc

import pytest
from whoosh.filedb import filetables
from whoosh.filedb.filestore import RamStorage

from archivist.search.hashtable import CompactOrderedHashWriter, compact


def _keys(n: int) -> list[bytes]:
    rng = random.Random(7)
    keys = {f"{rng.choice('abc')}\x00{rng.getrandbits(40):x}{i % 97}".encode() for i in range(n)}
    return sorted(keys)


def _write(storage: RamStorage, name: str, keys: list[bytes], lean: bool) -> bytes:
    table = filetables.OrderedHashWriter(storage.create_file(name))
    if lean:
        compact(table)
    table.extras["fieldmap"] = {"content": 0}
    for k in keys:
        table.add(k, k[::-1])
    table.close()
    return bytes(storage.open_file(name).read())


def test_same_file_as_whoosh_and_every_key_found() -> None:
    keys = _keys(20_000)
    st = RamStorage()
    theirs = _write(st, "theirs", keys, lean=False)
    ours = _write(st, "ours", keys, lean=True)
    assert ours == theirs
    reader = filetables.OrderedHashReader(st.open_file("ours"), len(ours))
    assert all(reader[k] == k[::-1] for k in keys[::97])
    assert list(reader.keys()) == keys


def test_holds_a_fraction_of_the_memory_per_term() -> None:
    keys = _keys(100_000)

    def held(lean: bool) -> int:
        table = filetables.OrderedHashWriter(RamStorage().create_file("t"))
        if lean:
            compact(table)
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        for k in keys:
            table.add(k, b"v")
        size = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        return size - sum(len(k) + 9 for k in keys)  # minus the file's own bytes (in RAM here)

    assert held(lean=True) * 4 < held(lean=False)


def test_refuses_a_table_that_already_holds_keys() -> None:
    table = filetables.OrderedHashWriter(RamStorage().create_file("t"))
    table.add(b"a", b"1")
    with pytest.raises(TypeError):
        compact(table)
    fresh = filetables.OrderedHashWriter(RamStorage().create_file("u"))
    compact(fresh)
    compact(fresh)  # idempotent
    assert type(fresh) is CompactOrderedHashWriter
    with pytest.raises(ValueError):
        fresh.add(b"b", b"")
        fresh.add(b"a", b"")
