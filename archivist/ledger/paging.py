"""Reading a large table a chunk at a time, so memory does not grow with the archive."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Row, Select

from archivist.ledger.engine import Ledger

CHUNK = 1000


def chunks(
    source: Ledger | Connection, stmt: Select[Any], key: Any, size: int = CHUNK
) -> Iterator[Sequence[Row[Any]]]:
    """The rows of `stmt` in chunks of `size`, in the order of `key` (a unique column that
    `stmt` selects), each chunk one query after the last key seen (keyset paging: no OFFSET,
    no row read twice). From a Ledger each chunk is its own short read transaction, so writers
    are never held up; from a Connection the chunks share its snapshot."""
    last = None
    while True:
        page = stmt if last is None else stmt.where(key > last)
        page = page.order_by(key).limit(size)
        if isinstance(source, Ledger):
            with source.read() as conn:
                rows = conn.execute(page).all()
        else:
            rows = source.execute(page).all()
        if not rows:
            return
        yield rows
        last = rows[-1]._mapping[key]
