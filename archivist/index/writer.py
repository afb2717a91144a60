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


def _codec() -> Any:
    from whoosh.codec.whoosh3 import W3Codec

    # posting blocks uncompressed: a third less time per commit; the index is a bit larger
    return W3Codec(compression=0)


@contextmanager
def writer(path: Path, wait_s: float = LOCK_WAIT_S, **kwargs: Any) -> Iterator[Any]:
    from whoosh.index import LockError

    ix = open_index(path)
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
