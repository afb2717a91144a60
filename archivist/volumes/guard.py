"""The rule other features ask before they change a matter's documents: a sealed volume takes
no document, change or move except through an approved amendment (light imports only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core.errors import Conflict
from archivist.core.i18n import _
from archivist.ledger.tables.matters import matters
from archivist.ledger.tables.volumes import holds, volumes


def refuse_sealed(conn: Connection, matter_id: int | None, what: str) -> None:
    """Conflict if the matter's volume is sealed (or disposed of) and no amendment is open."""
    if matter_id is None:
        return
    status = conn.execute(select(volumes.c.status).where(volumes.c.matter_id == matter_id)).scalar()
    if status in ("sealed", "disposed"):
        number = conn.execute(select(matters.c.number).where(matters.c.id == matter_id)).scalar()
        raise Conflict(
            _("the volume of matter {number} is {status}: cannot {what}").format(
                number=number, status=_(status), what=what
            ),
            _("Request an amendment (`archivist matter amend {number} --reason ...`).").format(
                number=number
            ),
        )


def held(conn: Connection, client_id: int, matter_id: int | None = None) -> str | None:
    """The reason of an active legal hold on the client (or on this matter), else None."""
    cond = [holds.c.client_id == client_id, holds.c.released_at.is_(None)]
    stmt = select(holds.c.reason, holds.c.matter_id).where(*cond)
    for row in conn.execute(stmt):
        if row.matter_id is None or row.matter_id == matter_id:
            return str(row.reason)
    return None
