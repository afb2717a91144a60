"""Reading matters: lists (with the overdue-contact list), a matter's full timeline, a client's
timeline, and the readable work-record registers written into client folders."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import access, audit, clock
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.core.i18n import N_, _
from archivist.core.safenames import safe_filename
from archivist.ledger.tables.core import audit_events, clients, users
from archivist.ledger.tables.matters import (
    matter_events,
    matter_follow_ups,
    matter_lawyers,
    matter_parties,
    matters,
)
from archivist.matters.service import _model, get
from archivist.models import (
    SECTION_FOLDERS,
    Client,
    FollowUp,
    Matter,
    MatterDetail,
    MatterEvent,
    Party,
    PartyRole,
    Section,
    TimelineEntry,
)

STATUSES = ("open", "closed")


def _scope(ctx: Context, conn: Connection) -> access.Scope:
    return access.scope_for(conn, ctx.actor, ctx.settings.deadlines)


def _visible(scope: access.Scope, matter: Matter) -> bool:
    return scope.may_read_matter(matter.client_id, matter.id)


def readable(ctx: Context, conn: Connection, number: str) -> Matter:
    """A matter the actor may read; for others the answer is the same as for a missing one."""
    matter = get(conn, number)
    if not _scope(ctx, conn).may_read_matter(matter.client_id, matter.id):
        raise access.not_found("matter", number)
    return matter


def list_matters(
    ctx: Context,
    client: str | None = None,
    lawyer: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    unsigned: bool = False,
) -> list[Matter]:
    """Matters the actor may see, filtered; `overdue`: open, not contacted, deadline passed;
    `unsigned`: open, engagement contract not signed and returned.
    Audited as a read (of the one client's archive when filtered by client)."""
    from archivist.clients import registry
    from archivist.core import users

    if status is not None and status not in STATUSES:
        raise InvalidInput(
            _("unknown status {status!r}").format(status=status), _("Use open or closed.")
        )
    with ctx.ledger.write() as conn:
        scope = _scope(ctx, conn)
        stmt = select(matters).order_by(matters.c.id)
        client_id = None
        if client:
            client_id = registry.get_readable(ctx, conn, client)[0].id
            stmt = stmt.where(matters.c.client_id == client_id)
        if lawyer:
            uid = users.get(conn, lawyer).id
            stmt = stmt.where(
                matters.c.id.in_(
                    select(matter_lawyers.c.matter_id).where(
                        matter_lawyers.c.user_id == uid, matter_lawyers.c.removed_at.is_(None)
                    )
                )
            )
        if status:
            stmt = stmt.where(matters.c.status == status)
        if unsigned:
            stmt = stmt.where(matters.c.status == "open", matters.c.engagement_signed_on.is_(None))
        if overdue:
            stmt = stmt.where(
                matters.c.status == "open",
                matters.c.contacted_at.is_(None),
                matters.c.contact_deadline < clock.today(),
            )
        out = [m for m in (_model(conn, r) for r in conn.execute(stmt)) if _visible(scope, m)]
        audit.record(
            conn,
            ctx.actor.username,
            "matter.list",
            "matter",
            client or "*",
            client_id,
            lawyer=lawyer,
            status=status,
            overdue=overdue,
            shown=len(out),
        )
    return out


def parties(conn: Connection, matter_id: int) -> list[Party]:
    rows = conn.execute(
        select(matter_parties, clients.c.number.label("client_number"))
        .select_from(matter_parties.outerjoin(clients, clients.c.id == matter_parties.c.client_id))
        .where(matter_parties.c.matter_id == matter_id)
        .order_by(matter_parties.c.id)
    ).all()
    return [
        Party(
            role=PartyRole(r.role),
            name=r.name,
            id_number=r.id_number,
            relation=r.relation,
            client_number=r.client_number,
        )
        for r in rows
    ]


def events(conn: Connection, matter: Matter) -> list[MatterEvent]:
    rows = conn.execute(
        select(matter_events, users.c.username)
        .select_from(matter_events.join(users, users.c.id == matter_events.c.actor_id))
        .where(matter_events.c.matter_id == matter.id)
        .order_by(matter_events.c.at, matter_events.c.id)
    ).all()
    return [
        MatterEvent(
            id=r.id,
            matter_number=matter.number,
            at=r.at,
            actor=r.username,
            kind=r.kind,
            text=r.text,
            reported_to_client=bool(r.reported_to_client),
        )
        for r in rows
    ]


def follow_ups(conn: Connection, matter_id: int) -> list[FollowUp]:
    rows = conn.execute(
        select(matter_follow_ups, users.c.username)
        .select_from(
            matter_follow_ups.outerjoin(users, users.c.id == matter_follow_ups.c.resolved_by)
        )
        .where(matter_follow_ups.c.matter_id == matter_id)
        .order_by(matter_follow_ups.c.id)
    ).all()
    return [
        FollowUp(
            id=r.id,
            opened_at=r.opened_at,
            reason=r.reason,
            resolved_at=r.resolved_at,
            resolved_by=r.username,
            resolution=r.resolution,
        )
        for r in rows
    ]


def detail(conn: Connection, matter: Matter) -> MatterDetail:
    from archivist.matters.conflicts import checks_for_matter

    client_name = conn.execute(
        select(clients.c.name).where(clients.c.id == matter.client_id)
    ).scalar_one()
    return MatterDetail(
        matter=matter,
        client_name=client_name,
        parties=parties(conn, matter.id),
        conflict_checks=checks_for_matter(conn, matter.id),
        follow_ups=follow_ups(conn, matter.id),
        events=events(conn, matter),
    )


def show(ctx: Context, number: str) -> MatterDetail:
    """A matter with its parties, conflict checks, follow-ups and full timeline (audited)."""
    with ctx.ledger.write() as conn:
        matter = readable(ctx, conn, number)
        out = detail(conn, matter)
        audit.record(
            conn, ctx.actor.username, "matter.read", "matter", matter.number, matter.client_id
        )
    return out


# --------------------------------------------------------------------------- client timeline
SKIPPED_ACTIONS = (".read", ".list", ".timeline", ".search", ".show", ".export")
TEXT_KEYS = ("summary", "title", "outcome", "note", "text", "content", "purpose", "reason", "new")


def _describe(action: str, details: dict[str, Any]) -> str:
    for key in TEXT_KEYS:
        value = details.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:300]
        if isinstance(value, dict) and value:
            return ", ".join(f"{k}: {v}" for k, v in list(value.items())[:6])[:300]
    if "changes" in details and isinstance(details["changes"], dict):
        return _("changed {fields}").format(fields=", ".join(details["changes"]))
    return ""


def client_timeline(ctx: Context, client_number: str) -> list[TimelineEntry]:
    """Every recorded event of a client, oldest first: registration, consultations, matters and
    their records, documents, loans, complaints... (from the audit trail, without reads)."""
    from archivist.clients import registry

    with ctx.ledger.write() as conn:
        client, scope = registry.get_readable(ctx, conn, client_number)
        out = []
        for r in conn.execute(
            select(audit_events)
            .where(audit_events.c.client_id == client.id)
            .order_by(audit_events.c.seq)
        ):
            if r.action.endswith(SKIPPED_ACTIONS) or not scope.may_read_event(conn, r):
                continue
            details = json.loads(r.details)
            out.append(
                TimelineEntry(
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    reference=r.object_id,
                    text=_describe(r.action, details),
                )
            )
        audit.record(
            conn,
            ctx.actor.username,
            "client.timeline",
            "client",
            client.number,
            client.id,
            shown=len(out),
        )
    return out


# --------------------------------------------------------------------------- registers
# Registers are written in the firm's language (the caller sets it: clients.records.expected).
KIND_LABELS = {
    "accepted": N_("accepted"),
    "contact": N_("contacted the client"),
    "plan": N_("service plan"),
    "plan-revised": N_("service plan revised"),
    "progress": N_("work record"),
    "closed": N_("closed"),
    "follow-up-opened": N_("follow-up (client dissatisfied)"),
    "follow-up": N_("follow-up"),
    "follow-up-resolved": N_("follow-up resolved"),
    "reopened": N_("reopened"),
    "conflict-waiver": N_("conflict waiver"),
    "parties-added": N_("parties added"),
}


def _cell(text: str) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _at(moment: Any) -> str:
    return moment.isoformat(sep=" ")


def register_name(matter: Matter) -> str:
    return f"{SECTION_FOLDERS[Section.WORK]}/{safe_filename(matter.number + ' 律師工作記錄.md')}"


def render_register(d: MatterDetail) -> str:
    """The matter's work register (Markdown), wholly in the language in effect."""
    from archivist.core.vocabulary import label

    m = d.matter
    names = ", ".join(m.lawyer_names or m.lawyers) or "-"
    contact = (
        _("{date} (contacted {when})").format(
            date=m.contact_deadline.isoformat(), when=_at(m.contacted_at)
        )
        if m.contacted_at
        else _("{date} (not yet contacted)").format(date=m.contact_deadline.isoformat())
    )
    lines = [
        _("# Work register {number}").format(number=m.number),
        "",
        _("Generated by archivist from the ledger; regenerated on every change."),
        "",
        _("- Matter: {number} {title}").format(number=m.number, title=m.title),
        _("- Type: {type} ({code})").format(type=label("matter_type", m.type), code=m.code),
        _("- Client: {number} {name}").format(number=m.client_number, name=d.client_name),
        _("- Lawyers: {names}").format(names=names),
        _("- Accepted: {when}").format(when=_at(m.accepted_at)),
        _("- Contact by: {contact}").format(contact=contact),
        _("- Status: {status}").format(status=label("matter_status", m.status)),
    ]
    if m.closed_at:
        verdict = _("satisfied") if m.satisfied else _("dissatisfied")
        lines.append(
            _("- Closed: {when}: {outcome} ({verdict})").format(
                when=_at(m.closed_at), outcome=m.outcome, verdict=verdict
            )
        )
    if m.conflict_waiver:
        lines.append(_("- Conflict waiver: {waiver}").format(waiver=m.conflict_waiver))
    lines += ["", _("## Parties"), ""]
    for p in d.parties:
        extra = "".join(f", {x}" for x in (p.id_number, p.relation, p.client_number) if x)
        lines.append(f"- {label('party_role', p.role)}: {p.name}{extra}")
    lines += ["", _("## Conflict checks"), ""]
    for c in d.conflict_checks:
        lines.append(
            _("- {when} by {who}: {result} ({hits} hits) for {names}").format(
                when=_at(c.checked_at),
                who=c.checked_by,
                result=label("conflict_result", c.result),
                hits=len(c.hits),
                names=", ".join(c.names + c.id_numbers) or "-",
            )
        )
        lines += [f"  - {h.searched}: {h.detail}" for h in c.hits]
    lines += ["", _("## Service plan"), "", m.plan or _("(none yet)"), ""]
    if d.follow_ups:
        lines += [_("## Follow-up"), ""]
        for f in d.follow_ups:
            state = (
                _("resolved {when} by {who}: {resolution}").format(
                    when=_at(f.resolved_at), who=f.resolved_by, resolution=f.resolution
                )
                if f.resolved_at
                else _("OPEN")
            )
            lines.append(
                _("- opened {when}: {reason} ({state})").format(
                    when=_at(f.opened_at), reason=f.reason, state=state
                )
            )
        lines.append("")
    lines += [
        _("## Records"),
        "",
        "| "
        + " | ".join((_("Time"), _("Lawyer"), _("Kind"), _("Content"), _("Reported to client")))
        + " |",
        "|---|---|---|---|---|",
    ]
    for e in d.events:
        kind = _(KIND_LABELS[e.kind]) if e.kind in KIND_LABELS else e.kind
        lines.append(
            f"| {_at(e.at)} | {e.actor} | {kind} | {_cell(e.text)} | "
            f"{_('yes') if e.reported_to_client else ''} |"
        )
    return "\n".join(lines) + "\n"


def work_registers(conn: Connection, client: Client) -> dict[str, str]:
    out = {}
    for row in conn.execute(
        select(matters).where(matters.c.client_id == client.id).order_by(matters.c.id)
    ):
        matter = _model(conn, row)
        out[register_name(matter)] = render_register(detail(conn, matter))
    return out
