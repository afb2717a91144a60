"""Written waivers of a conflict of interest (issue 21).

A waiver is asked for on a refused check and names the filed documents (document numbers in the
archive of a client the conflict involves) that hold the affected clients' written consent; free
text is refused. A head approves or rejects it, and no one approves a waiver they asked for. The
approved waiver is then given once (`--conflict-waiver W3`) to the operation that was refused;
the matter, its checks and the waiver are shown together (`matter show`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import audit, clock
from archivist.core.context import Context
from archivist.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.conflicts import conflict_waivers
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.documents import documents
from archivist.ledger.tables.matters import conflict_checks
from archivist.matters.conflict_assess import parse_waiver, waiver_ref
from archivist.models import ConflictHit, Role


def _row(conn: Connection, ref: str) -> Any:
    waiver_id = parse_waiver(ref)
    row = conn.execute(select(conflict_waivers).where(conflict_waivers.c.id == waiver_id)).first()
    if row is None:
        raise NotFound(
            _("no conflict waiver {ref}").format(ref=ref), _("See `archivist conflict waivers`.")
        )
    return row


def _users(conn: Connection) -> dict[int, str]:
    return {r.id: r.username for r in conn.execute(select(users.c.id, users.c.username))}


def view(conn: Connection, row: Any) -> dict[str, Any]:
    names = _users(conn)
    return {
        "number": waiver_ref(row.id),
        "check": row.check_id,
        "purpose": row.purpose,
        "consent_documents": json.loads(row.documents),
        "reason": row.reason,
        "status": row.status,
        "requested_by": names.get(row.requested_by),
        "requested_at": row.requested_at.isoformat(sep=" "),
        "decided_by": names.get(row.decided_by) if row.decided_by else None,
        "decided_at": row.decided_at.isoformat(sep=" ") if row.decided_at else None,
        "decision_note": row.decision_note,
        "used_check": row.used_check_id,
    }


def describe(conn: Connection, waiver_id: int) -> str | None:
    """One line for a check's waiver: its consent documents and its approval."""
    row = conn.execute(select(conflict_waivers).where(conflict_waivers.c.id == waiver_id)).first()
    if row is None:
        return None
    v = view(conn, row)
    return _(
        "{ref}: consent {docs}; asked by {asker}, approved by {head} on {at}: {reason}"
    ).format(
        ref=v["number"],
        docs=", ".join(v["consent_documents"]),
        asker=v["requested_by"],
        head=v["decided_by"] or "-",
        at=(v["decided_at"] or "-")[:10],
        reason=v["reason"],
    )


def request(
    ctx: Context, check_id: int, consent_documents: Sequence[str], reason: str
) -> dict[str, Any]:
    """Ask for a waiver of the conflict a refused check found."""
    from archivist.matters.service import clean_text

    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, Role.LAWYER, action="ask for conflict waivers")
    why = clean_text(reason, _("the reason (--reason)"), 2000)
    wanted = [d.strip().upper() for d in consent_documents if d and d.strip()]
    if not wanted:
        raise InvalidInput(
            _("a waiver names the filed document holding the written consent"),
            _("Pass --consent DOCUMENT-NUMBER (file the signed consent first)."),
        )
    with ctx.ledger.write() as conn:
        check = conn.execute(
            select(conflict_checks).where(conflict_checks.c.id == check_id)
        ).first()
        if check is None:
            raise NotFound(
                _("no conflict check {id}").format(id=check_id), _("See `archivist conflict list`.")
            )
        if check.result != "refused":
            raise Conflict(
                _("check {id} is '{result}': only a refused check needs a waiver").format(
                    id=check_id, result=check.result
                )
            )
        hits = [ConflictHit.model_validate(h) for h in json.loads(check.hits)]
        numbers = {h.client_number for h in hits if h.client_number}
        involved = {
            r.id for r in conn.execute(select(clients.c.id).where(clients.c.number.in_(numbers)))
        }
        if check.client_id is not None:
            involved.add(check.client_id)
        for number in wanted:
            doc = conn.execute(
                select(documents.c.id, documents.c.client_id).where(documents.c.number == number)
            ).first()
            if doc is None:
                raise InvalidInput(
                    _("{text!r} is not a filed document").format(text=number[:40]),
                    _(
                        "A waiver names the document number (e.g. C0001-0003) of the filed "
                        "written consent; oral consent or free text is not a waiver."
                    ),
                )
            if doc.client_id not in involved:
                raise InvalidInput(
                    _(
                        "document {doc} is not in the archive of a client this conflict involves"
                    ).format(doc=number),
                    _("File the consent in the archive of one of the clients concerned."),
                )
        now = clock.now()
        wid = conn.execute(
            conflict_waivers.insert().values(
                check_id=check_id,
                purpose=check.purpose,
                client_id=check.client_id,
                documents=json.dumps(wanted, ensure_ascii=False),
                reason=why,
                status="requested",
                requested_by=actor.id,
                requested_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        audit.record(
            conn,
            actor.username,
            "conflict.waiver_request",
            "conflict_waiver",
            waiver_ref(wid),
            check.client_id,
            check=check_id,
            documents=wanted,
            reason=why,
        )
        return view(conn, _row(conn, str(wid)))


def decide(ctx: Context, ref: str, approve: bool, note: str | None = None) -> dict[str, Any]:
    """A head approves or rejects a waiver; never the one who asked for it."""
    from archivist.matters.service import clean_text

    actor = ctx.require(Role.HEAD, action="decide conflict waivers")
    text = clean_text(note, _("the note"), 2000) if note else None
    if not approve and not text:
        raise InvalidInput(_("a rejection needs a reason"), _("Pass --reason TEXT."))
    with ctx.ledger.write() as conn:
        row = _row(conn, ref)
        if row.requested_by == actor.id:
            raise Forbidden(
                _("{user} asked for waiver {ref} and may not decide it").format(
                    user=actor.username, ref=waiver_ref(row.id)
                ),
                _("No one approves their own request: another head decides it."),
            )
        if row.status != "requested":
            raise Conflict(
                _("waiver {ref} is '{status}', not awaiting a decision").format(
                    ref=waiver_ref(row.id), status=row.status
                )
            )
        conn.execute(
            conflict_waivers.update()
            .where(conflict_waivers.c.id == row.id)
            .values(
                status="approved" if approve else "rejected",
                decided_by=actor.id,
                decided_at=clock.now(),
                decision_note=text,
            )
        )
        audit.record(
            conn,
            actor.username,
            "conflict.waiver_approve" if approve else "conflict.waiver_reject",
            "conflict_waiver",
            waiver_ref(row.id),
            row.client_id,
            note=text,
        )
        return view(conn, _row(conn, ref))


def list_waivers(ctx: Context) -> list[dict[str, Any]]:
    ctx.require(Role.ARCHIVIST, Role.HEAD, action="list conflict waivers")
    with ctx.ledger.read() as conn:
        return [
            view(conn, r)
            for r in conn.execute(select(conflict_waivers).order_by(conflict_waivers.c.id.desc()))
        ]
