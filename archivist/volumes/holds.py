"""Legal holds (head only, audited): a held client or matter cannot be disposed of and its
sealed volumes cannot be amended; `hold list` shows what is held and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import access, audit, clock
from archivist.core.context import Context
from archivist.core.errors import Conflict, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.matters import matters
from archivist.ledger.tables.volumes import holds
from archivist.models.volumes import Hold


def _stmt() -> Any:
    placer = users.alias("placer")
    releaser = users.alias("releaser")
    return (
        select(
            holds,
            clients.c.number.label("client_number"),
            matters.c.number.label("matter_number"),
            placer.c.username.label("placer"),
            releaser.c.username.label("releaser"),
        )
        .join(clients, clients.c.id == holds.c.client_id)
        .outerjoin(matters, matters.c.id == holds.c.matter_id)
        .join(placer, placer.c.id == holds.c.placed_by)
        .outerjoin(releaser, releaser.c.id == holds.c.released_by)
    )


def _model(row: Any) -> Hold:
    return Hold(
        id=row.id,
        client_number=row.client_number,
        matter_number=row.matter_number,
        reason=row.reason,
        placed_by=row.placer,
        placed_at=row.placed_at,
        released_by=row.releaser,
        released_at=row.released_at,
        release_reason=row.release_reason,
    )


def _target(conn: Connection, ref: str) -> tuple[int, int | None, str]:
    """(client id, matter id or None, number) of a client or matter number."""
    from archivist.clients import registry
    from archivist.matters import service as matters_mod

    try:
        m = matters_mod.get(conn, ref)
        return m.client_id, m.id, m.number
    except NotFound:
        pass
    try:
        c = registry.get(conn, ref)
    except NotFound:
        raise NotFound(
            _("no client or matter {ref!r}").format(ref=ref[:40]),
            _("Give a client number (C0001) or a matter number."),
        ) from None
    return c.id, None, c.number


def place(ctx: Context, ref: str, reason: str) -> Hold:
    from archivist.matters.service import clean_text

    user = access.require_decider(ctx, _("place a legal hold"))
    reason = clean_text(reason, _("the reason"), 2000)
    with ctx.ledger.write() as conn:
        client_id, matter_id, number = _target(conn, ref)
        hid = conn.execute(
            holds.insert().values(
                client_id=client_id,
                matter_id=matter_id,
                reason=reason,
                placed_by=user.id,
                placed_at=clock.now(),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        audit.record(
            conn,
            user.username,
            "hold.place",
            "hold",
            str(hid),
            client_id,
            target=number,
            reason=reason,
        )
        return _model(conn.execute(_stmt().where(holds.c.id == hid)).one())


def release(ctx: Context, hold_id: int, reason: str) -> Hold:
    from archivist.matters.service import clean_text

    user = access.require_decider(ctx, _("release a legal hold"))
    reason = clean_text(reason, _("the reason"), 2000)
    with ctx.ledger.write() as conn:
        row = conn.execute(_stmt().where(holds.c.id == hold_id)).first()
        if row is None:
            raise NotFound(_("no hold {id}").format(id=hold_id), _("See `archivist hold list`."))
        if row.released_at is not None:
            raise Conflict(_("hold {id} was already released").format(id=hold_id))
        conn.execute(
            holds.update()
            .where(holds.c.id == hold_id)
            .values(released_by=user.id, released_at=clock.now(), release_reason=reason)
        )
        audit.record(
            conn,
            user.username,
            "hold.release",
            "hold",
            str(hold_id),
            row.client_id,
            target=row.matter_number or row.client_number,
            reason=reason,
        )
        return _model(conn.execute(_stmt().where(holds.c.id == hold_id)).one())


def list_holds(ctx: Context, include_released: bool = False) -> list[Hold]:
    user = access.require_decider(ctx, _("list legal holds"))
    with ctx.ledger.write() as conn:
        stmt = _stmt().order_by(holds.c.id)
        if not include_released:
            stmt = stmt.where(holds.c.released_at.is_(None))
        out = [_model(r) for r in conn.execute(stmt)]
        audit.record(conn, user.username, "hold.list", "hold", "*", None, shown=len(out))
    return out
