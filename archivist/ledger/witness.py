"""The audit chain's witness: the chain's head kept outside the ledger.

Every write transaction that appends audit events writes `archive_store/audit-head.json`
(temp file, rename) just before it commits, while it still holds the ledger's write
lock, so witnesses are written in commit order. The file names the new head and the head the
transaction started from: a crash between the witness and the commit leaves the ledger at the
`previous` head, which is not a cut. A ledger whose chain ends before the witness's head, or
whose event at that position has another hash, was cut or rewritten by hand."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

WITNESS_FILE = "audit-head.json"
SPAN_KEY = "archivist_audit_span"  # conn.info: [first prev seq, prev hash, last seq, hash]
TMP_PREFIX = ".tmp-"


class Head(BaseModel):
    seq: int
    hash: str


class Witness(BaseModel):
    head: Head
    previous: Head


def note(info: dict[Any, Any], prev_seq: int, prev_hash: str, seq: int, digest: str) -> None:
    """Remember, on the connection, the span of events this transaction appended."""
    span = info.get(SPAN_KEY)
    if span is None:
        info[SPAN_KEY] = [prev_seq, prev_hash, seq, digest]
    else:
        span[2], span[3] = seq, digest


def take(info: dict[Any, Any]) -> list[Any] | None:
    span = info.pop(SPAN_KEY, None)
    return span if isinstance(span, list) else None


def follows(conn: Any, path: Path, span: list[Any]) -> bool:
    """Whether this transaction's chain continues the one the witness saw. A witness that a
    cut, deleted or rewritten chain no longer reaches is kept as it is: it is the evidence."""
    from sqlalchemy import select

    from archivist.ledger.tables.core import audit_events

    try:
        w = read(path)
    except (OSError, ValueError):
        return False
    if w is None:
        return True
    prev = (span[0], span[1])
    if prev in ((w.head.seq, w.head.hash), (w.previous.seq, w.previous.hash)):
        return True
    if span[0] > w.head.seq:  # the witness lags (a write it missed): the chain must reach it
        there = conn.execute(
            select(audit_events.c.hash).where(audit_events.c.seq == w.head.seq)
        ).scalar()
        return bool(there == w.head.hash)
    return False


def write(path: Path, span: list[Any]) -> None:
    """Atomically replace the witness with the span's heads."""
    data = {
        "head": {"seq": span[2], "hash": span[3]},
        "previous": {"seq": span[0], "hash": span[1]},
    }
    tmp = path.parent / f"{TMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, sort_keys=True) + "\n")
        # no fsync: the ledger's commit is what must be durable; a witness lost to a power cut
        # lags behind the chain (accepted, see `follows`) or is unreadable (check says so)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_head(path: Path, seq: int, digest: str) -> None:
    """A witness for a ledger at rest (after a restore, or repair of a missing witness)."""
    write(path, [seq, digest, seq, digest])


def read(path: Path) -> Witness | None:
    """The witness, or None when there is none. A damaged witness raises ValueError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return Witness.model_validate_json(text)
