"""Prospects (issue 21): someone who only enquired is not yet a client (the policy's client has
signed a service contract). A prospect has a number (P2026-0001) but no archive number and no
folder; their consultations and the conflict check made on them are kept here. `client add
--from-prospect` registers them as a client and moves the consultations into the archive."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import audit, clock, numbering, textnorm
from archivist.core.context import Context
from archivist.core.errors import Conflict, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.conflicts import prospect_consultations, prospects
from archivist.ledger.tables.core import users
from archivist.ledger.tables.matters import consultation_parties, consultations
from archivist.models import Role


def _row(conn: Connection, number: str) -> Any:
    row = conn.execute(
        select(prospects).where(prospects.c.number == (number or "").strip().upper())
    ).first()
    if row is None:
        raise NotFound(
            _("no prospect {number}").format(number=(number or "")[:40]),
            _("See `archivist consult prospects`."),
        )
    return row


def view(conn: Connection, row: Any) -> dict[str, Any]:
    names = {u.id: u.username for u in conn.execute(select(users.c.id, users.c.username))}
    talks = [
        {
            "consulted_at": c.consulted_at.isoformat(sep=" "),
            "channel": c.channel,
            "summary": c.summary,
            "parties": [p[0] for p in json.loads(c.parties)],
            "handled_by": names.get(c.handled_by),
            "conflict_check": c.check_id,
        }
        for c in conn.execute(
            select(prospect_consultations)
            .where(prospect_consultations.c.prospect_id == row.id)
            .order_by(prospect_consultations.c.id)
        )
    ]
    return {
        "number": row.number,
        "name": row.name,
        "phone": row.phone,
        "email": row.email,
        "client": row.client_id,
        "consultations": talks,
        "warnings": [],
    }


def log(
    ctx: Context,
    name: str,
    channel: str,
    summary: str,
    *,
    prospect: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    parties: Sequence[str] = (),
) -> dict[str, Any]:
    """Record an enquiry by someone who is not a client: a new prospect (or `prospect`, one
    already on file). The enquirer and the parties they name are checked for conflicts."""
    from archivist.clients.registry import clean_name
    from archivist.matters import conflict_assess
    from archivist.matters.conflicts import parse_party
    from archivist.matters.consultations import parse_channel
    from archivist.matters.service import clean_text

    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, Role.LAWYER, action="log consultations")
    chan = parse_channel(channel)
    text = clean_text(summary, _("the consultation's summary"))
    named = [parse_party(p) for p in parties]
    with ctx.ledger.write() as conn:
        now = clock.now()
        if prospect:
            row = _row(conn, prospect)
            if row.client_id is not None:
                raise Conflict(_("prospect {number} is a client now").format(number=row.number))
        else:
            who = clean_name(name)
            seq = numbering.next_value(conn, f"prospect:{now.year}")
            number = f"P{now.year}-{seq:04d}"
            conn.execute(
                prospects.insert().values(
                    number=number,
                    name=who,
                    name_key=textnorm.fold(who),
                    phone=(phone or "").strip() or None,
                    email=(email or "").strip() or None,
                    created_at=now,
                    created_by=actor.id,
                )
            )
            row = _row(conn, number)
        check = conflict_assess.assess(
            conn, ctx.settings.conflicts, "consultation", opposing=[(row.name, None), *named]
        )
        check_id = conflict_assess.keep(conn, actor, check)
        if check.refused:
            raise conflict_assess.refusal(check, _("the enquiry was not logged"), check_id)
        conn.execute(
            prospect_consultations.insert().values(
                prospect_id=row.id,
                channel=chan.value,
                summary=text,
                parties=json.dumps(named, ensure_ascii=False),
                handled_by=actor.id,
                consulted_at=now,
                check_id=check_id,
            )
        )
        audit.record(
            conn,
            actor.username,
            "prospect.consult",
            "prospect",
            row.number,
            channel=chan.value,
            summary=text,
            parties=[n for n, _i in named],
            conflict_check=check_id,
        )
        out = view(conn, row)
        out["warnings"] = check.warnings
        return out


def list_prospects(ctx: Context) -> list[dict[str, Any]]:
    ctx.require(Role.ARCHIVIST, Role.HEAD, action="list prospects")
    with ctx.ledger.read() as conn:
        return [view(conn, r) for r in conn.execute(select(prospects).order_by(prospects.c.id))]


def name_of(conn: Connection, number: str) -> tuple[Any, str]:
    """(row, name) of a prospect that is not a client yet."""
    row = _row(conn, number)
    if row.client_id is not None:
        raise Conflict(_("prospect {number} is already a client").format(number=row.number))
    return row, row.name


def convert(ctx: Context, conn: Connection, row: Any, client_id: int, actor_id: int) -> list[str]:
    """Move the prospect's consultations into the new client's archive (numbered now, dated as
    they happened); returns their numbers."""
    moved = []
    for c in conn.execute(
        select(prospect_consultations)
        .where(prospect_consultations.c.prospect_id == row.id)
        .order_by(prospect_consultations.c.id)
    ).all():
        seq = numbering.next_value(conn, f"consultation:{c.consulted_at.year}")
        number = numbering.render(
            ctx.settings.numbering.consultation,
            "consultation",
            year=c.consulted_at.year,
            seq=seq,
        )
        cid = conn.execute(
            consultations.insert().values(
                number=number,
                client_id=client_id,
                channel=c.channel,
                summary=c.summary,
                summary_key=textnorm.fold(c.summary),
                handled_by=c.handled_by,
                consulted_at=c.consulted_at,
                created_by=actor_id,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        for name, ident in json.loads(c.parties):
            conn.execute(
                consultation_parties.insert().values(
                    consultation_id=cid, name=name, name_key=textnorm.fold(name), id_number=ident
                )
            )
        conn.execute(
            prospect_consultations.update()
            .where(prospect_consultations.c.id == c.id)
            .values(consultation_id=cid)
        )
        moved.append(number)
    conn.execute(
        prospects.update()
        .where(prospects.c.id == row.id)
        .values(client_id=client_id, converted_at=clock.now())
    )
    return moved
