"""Matters (cases): numbering by year and type, lawyers, lifecycle.

The client-service process issue builds this module out; `get()` is what other modules use."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.errors import NotFound
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.matters import matter_lawyers, matters
from archivist.models import Matter, MatterType


def _lawyers(conn: Connection, matter_id: int) -> list[str]:
    return list(conn.execute(
        select(users.c.username)
        .select_from(matter_lawyers.join(users, users.c.id == matter_lawyers.c.user_id))
        .where(matter_lawyers.c.matter_id == matter_id, matter_lawyers.c.removed_at.is_(None))
        .order_by(matter_lawyers.c.id)
    ).scalars())


def _model(conn: Connection, row: Any) -> Matter:
    client_number = conn.execute(
        select(clients.c.number).where(clients.c.id == row.client_id)).scalar_one()
    return Matter(id=row.id, number=row.number, client_id=row.client_id,
                  client_number=client_number, type=MatterType(row.type), code=row.code,
                  year=row.year, title=row.title, status=row.status,
                  accepted_at=row.accepted_at, contact_deadline=row.contact_deadline,
                  contacted_at=row.contacted_at, plan=row.plan, closed_at=row.closed_at,
                  outcome=row.outcome, satisfied=row.satisfied,
                  conflict_waiver=row.conflict_waiver, lawyers=_lawyers(conn, row.id))


def get(conn: Connection, number: str) -> Matter:
    text = unicodedata.normalize("NFKC", (number or "").strip()).upper()
    row = conn.execute(select(matters).where(matters.c.number == text)).first()
    if row is None:
        raise NotFound(f"no matter {number[:40]!r}", "See `archivist matter list`.")
    return _model(conn, row)


def by_id(conn: Connection, matter_id: int) -> Matter:
    row = conn.execute(select(matters).where(matters.c.id == matter_id)).first()
    if row is None:
        raise NotFound(f"no matter with id {matter_id}")
    return _model(conn, row)
