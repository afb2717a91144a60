"""The append-only, hash-chained audit trail.

Each event's hash covers its own fields and the previous event's hash, so editing, deleting or
reordering any event breaks the chain from that point on. `record()` must be called inside the
same write transaction as the change it describes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import clock
from archivist.ledger import witness
from archivist.ledger.tables.core import audit_events, audit_head
from archivist.models import AuditEvent

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return str(value)


def canonical(details: dict[str, Any]) -> str:
    return json.dumps(
        details, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default
    )


def event_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    client_id: int | None,
    details: str,
    prev_hash: str,
) -> str:
    payload = "\x1f".join(
        [
            str(seq),
            at.isoformat(),
            actor,
            action,
            object_type,
            object_id,
            "" if client_id is None else str(client_id),
            details,
            prev_hash,
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    conn: Connection,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    client_id: int | None = None,
    **details: Any,
) -> int:
    """Append one event. `details` holds what changed (old/new values, query, ...)."""
    # Touch the head row first: on PostgreSQL this takes the row lock that orders appends.
    conn.execute(audit_head.update().where(audit_head.c.id == 1).values(id=1))
    head = conn.execute(
        select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
    ).one()
    seq = head.seq + 1
    at = clock.now()
    text = canonical(details)
    digest = event_hash(
        seq, at, actor, action, object_type, str(object_id), client_id, text, head.hash
    )
    conn.execute(
        audit_events.insert().values(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            client_id=client_id,
            details=text,
            prev_hash=head.hash,
            hash=digest,
        )
    )
    conn.execute(audit_head.update().where(audit_head.c.id == 1).values(seq=seq, hash=digest))
    witness.note(conn.info, head.seq, head.hash, seq, digest)
    return seq


def _to_model(row: Any) -> AuditEvent:
    return AuditEvent(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        client_id=row.client_id,
        details=json.loads(row.details),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def query(
    conn: Connection,
    *,
    client_id: int | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[AuditEvent]:
    stmt = select(audit_events).order_by(audit_events.c.seq)
    if client_id is not None:
        stmt = stmt.where(audit_events.c.client_id == client_id)
    if actor is not None:
        stmt = stmt.where(audit_events.c.actor == actor)
    if since is not None:
        stmt = stmt.where(audit_events.c.at >= since)
    if action is not None:
        stmt = stmt.where(audit_events.c.action == action)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [_to_model(r) for r in conn.execute(stmt)]


def iter_all(conn: Connection, chunk: int = 5000) -> Iterator[Any]:
    from archivist.ledger.paging import chunks

    for rows in chunks(conn, select(audit_events), audit_events.c.seq, chunk):
        yield from rows


def verify(conn: Connection) -> tuple[int, str | None]:
    """Walk the chain. Returns (events checked, problem or None). The problem names the first
    event that does not fit."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for row in iter_all(conn):
        if row.seq != expected_seq:
            return count, f"event {expected_seq} is missing (found {row.seq} next)"
        if row.prev_hash != prev:
            return count, f"event {row.seq} does not follow event {row.seq - 1} (chain broken)"
        digest = event_hash(
            row.seq,
            row.at,
            row.actor,
            row.action,
            row.object_type,
            row.object_id,
            row.client_id,
            row.details,
            row.prev_hash,
        )
        if digest != row.hash:
            return count, f"event {row.seq} ({row.action} by {row.actor}) was altered"
        prev = row.hash
        expected_seq += 1
        count += 1
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).one()
    if head.seq != count or head.hash != prev:
        return (
            count,
            f"the chain ends at event {count} but its head says {head.seq} (events removed?)",
        )
    return count, None
