"""Change of lawyer (選擇權: the client may ask the firm to replace a lawyer).

The assignment moves in `matter_lawyers`: the old row gets `removed_at`, a new row is inserted.
Write access (matters.require_writer) and read/search access (access.scope_for) both derive
from active assignments, so they follow without anything else to update."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.clients import registry
from archivist.core import audit, clock
from archivist.core.context import Context
from archivist.core.errors import Conflict, InvalidInput
from archivist.core.i18n import _
from archivist.ledger.tables.matters import matter_lawyers
from archivist.ledger.tables.rights import matter_reassignments
from archivist.matters import conflict_assess
from archivist.matters import service as matters
from archivist.matters.duties.common import add_event, clean_text, lawyer, new_id, usernames
from archivist.models import Reassignment, Role


def reassign(
    ctx: Context,
    matter_number: str,
    from_user: str,
    to_user: str,
    reason: str,
    client_request: bool = False,
    conflict_waiver: str | None = None,
) -> Reassignment:
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="change a matter's lawyer")
    why = clean_text(reason, "the reason (--reason)")
    if (from_user or "").strip() == (to_user or "").strip():
        raise InvalidInput("--from and --to name the same lawyer", "Name the new lawyer in --to.")
    with ctx.ledger.read() as conn:
        before = matters.get(conn, matter_number)
        incoming = lawyer(conn, to_user, "--to")
    if before.status != "closed" and incoming.username not in before.lawyers:
        conflict_assess.require_lawyer_clear(
            ctx,
            "reassign",
            before.client_id,
            incoming,
            conflict_waiver,
            before.id,
            _("{user} was not assigned to {matter}").format(
                user=incoming.username, matter=before.number
            ),
        )
    with ctx.ledger.write() as conn:
        matter = matters.get(conn, matter_number)
        if matter.status == "closed":
            raise Conflict(
                f"matter {matter.number} is 'closed'",
                "Reopen it first (`archivist matter reopen`).",
            )
        from archivist.core import users as users_mod

        old = users_mod.get(conn, (from_user or "").strip())
        if old.username not in matter.lawyers:
            raise Conflict(
                f"{old.username} is not assigned to matter {matter.number} "
                f"(assigned: {', '.join(matter.lawyers) or 'nobody'})"
            )
        new = lawyer(conn, to_user, "--to")
        if new.username in matter.lawyers:
            raise Conflict(f"{new.username} is already assigned to matter {matter.number}")
        now = clock.now()
        conn.execute(
            matter_lawyers.update()
            .where(
                matter_lawyers.c.matter_id == matter.id,
                matter_lawyers.c.user_id == old.id,
                matter_lawyers.c.removed_at.is_(None),
            )
            .values(removed_at=now)
        )
        conn.execute(
            matter_lawyers.insert().values(matter_id=matter.id, user_id=new.id, assigned_at=now)
        )
        rid = new_id(
            conn.execute(
                matter_reassignments.insert().values(
                    matter_id=matter.id,
                    from_user_id=old.id,
                    to_user_id=new.id,
                    reason=why,
                    client_request=client_request,
                    at=now,
                    by_user_id=actor.id,
                )
            )
        )
        who = "at the client's request" if client_request else "by the firm"
        add_event(
            conn,
            matter,
            actor,
            "reassign",
            f"lawyer changed from {old.display_name} ({old.username}) to "
            f"{new.display_name} ({new.username}) {who}: {why}",
        )
        audit.record(
            conn,
            actor.username,
            "matter.reassign",
            "matter",
            matter.number,
            matter.client_id,
            old=old.username,
            new=new.username,
            reason=why,
            client_request=client_request,
        )
        after = matters.by_id(conn, matter.id)
    registry.refresh_manifest(ctx, matter.client_id)
    return Reassignment(
        id=rid,
        matter=matter.number,
        from_lawyer=old.username,
        to_lawyer=new.username,
        reason=why or "",
        client_request=client_request,
        at=now,
        by=actor.username,
        lawyers=after.lawyers,
    )


def history(conn: Connection, matter_id: int, matter_number: str) -> list[Reassignment]:
    names = usernames(conn)
    rows = conn.execute(
        select(matter_reassignments)
        .where(matter_reassignments.c.matter_id == matter_id)
        .order_by(matter_reassignments.c.id)
    )
    return [
        Reassignment(
            id=r.id,
            matter=matter_number,
            from_lawyer=names[r.from_user_id],
            to_lawyer=names[r.to_user_id],
            reason=r.reason,
            client_request=bool(r.client_request),
            at=r.at,
            by=names[r.by_user_id],
        )
        for r in rows
    ]
