"""Declined engagements (拒絕代理): what was refused and why, kept in the client's archive.
No matter number is allocated, so the matter sequence has no gap."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.clients import registry
from archivist.core import audit, clock
from archivist.core.context import Context
from archivist.core.errors import InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.base import metadata
from archivist.ledger.tables.core import clients
from archivist.ledger.tables.rights import declined_engagements
from archivist.matters.duties.common import clean_text, new_id, usernames
from archivist.models import DeclinedEngagement, MatterType, Role


def _consultation(conn: Connection, number: str, client_id: int) -> str:
    text = number.strip().upper()
    table = metadata.tables.get("consultations")
    if table is None:
        return text
    row = conn.execute(select(table.c.client_id).where(table.c.number == text)).first()
    if row is None:
        raise NotFound(
            _("no consultation {text!r}").format(text=text[:32]), _("See `archivist consult list`.")
        )
    if row.client_id != client_id:
        raise InvalidInput(_("consultation {text} was with another client").format(text=text))
    return text


def decline(
    ctx: Context,
    client_number: str,
    reason: str,
    *,
    consultation: str | None = None,
    type: str | None = None,
    title: str | None = None,
) -> DeclinedEngagement:  # noqa: A002
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, Role.LAWYER, action=_("decline an engagement"))
    why = clean_text(reason, _("the reason (--reason)"))
    what = clean_text(title, _("the title (--title)"), required=False, limit=500)
    kind = None
    if type:
        from archivist.core.vocabulary import parse

        kind = MatterType(parse("matter_type", type)).value
    with ctx.ledger.write() as conn:
        client = registry.get(conn, client_number)
        consult = _consultation(conn, consultation, client.id) if consultation else None
        now = clock.now()
        did = new_id(
            conn.execute(
                declined_engagements.insert().values(
                    client_id=client.id,
                    consultation=consult,
                    type=kind,
                    title=what,
                    reason=why,
                    declined_at=now,
                    declined_by=actor.id,
                )
            )
        )
        audit.record(
            conn,
            actor.username,
            "matter.decline",
            "declined",
            str(did),
            client.id,
            reason=why,
            consultation=consult,
            type=kind,
            title=what,
        )
    registry.refresh_manifest(ctx, client.id)
    return DeclinedEngagement(
        id=did,
        client=client.number,
        client_name=client.name,
        consultation=consult,
        type=kind,
        title=what,
        reason=why or "",
        declined_at=now,
        declined_by=actor.username,
    )


def for_client(conn: Connection, client_id: int) -> list[DeclinedEngagement]:
    return _query(conn, declined_engagements.c.client_id == client_id)


def list_declined(ctx: Context, client_number: str | None = None) -> list[DeclinedEngagement]:
    ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("list declined engagements"))
    with ctx.ledger.read() as conn:
        if client_number:
            return for_client(conn, registry.get(conn, client_number).id)
        return _query(conn, None)


def _query(conn: Connection, cond: object) -> list[DeclinedEngagement]:
    names = usernames(conn)
    stmt = (
        select(
            declined_engagements,
            clients.c.number.label("client_number"),
            clients.c.name.label("client_name"),
        )
        .select_from(
            declined_engagements.join(clients, clients.c.id == declined_engagements.c.client_id)
        )
        .order_by(declined_engagements.c.id)
    )
    if cond is not None:
        stmt = stmt.where(cond)  # type: ignore[arg-type]
    return [
        DeclinedEngagement(
            id=r.id,
            client=r.client_number,
            client_name=r.client_name,
            consultation=r.consultation,
            type=r.type,
            title=r.title,
            reason=r.reason,
            declined_at=r.declined_at,
            declined_by=names[r.declined_by],
        )
        for r in conn.execute(stmt)
    ]
