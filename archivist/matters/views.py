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
) -> list[Matter]:
    """Matters the actor may see, filtered; `overdue`: open, not contacted, deadline passed.
    Audited as a read (of the one client's archive when filtered by client)."""
    from archivist.clients import registry
    from archivist.core import users

    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}", "Use open or closed.")
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
        return "changed " + ", ".join(details["changes"])
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
KIND_LABELS = {
    "accepted": "受理",
    "contact": "聯繫客戶",
    "plan": "服務方案",
    "plan-revised": "修訂方案",
    "progress": "工作記錄",
    "closed": "結案",
    "follow-up-opened": "跟進（客戶不滿意）",
    "follow-up": "跟進",
    "follow-up-resolved": "跟進完結",
    "reopened": "重新開啟",
    "conflict-waiver": "利益衝突豁免",
    "parties-added": "增加當事人",
}


def _cell(text: str) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def register_name(matter: Matter) -> str:
    return f"{SECTION_FOLDERS[Section.WORK]}/{safe_filename(matter.number + ' 律師工作記錄.md')}"


def render_register(d: MatterDetail) -> str:
    m = d.matter
    lines = [
        f"# 律師工作記錄 {m.number}",
        "",
        "Generated by archivist from the ledger; regenerated on every change.",
        "",
        f"- 案件 / Matter: {m.number} {m.title}",
        f"- 類型 / Type: {m.type.value} ({m.code})",
        f"- 客戶 / Client: {m.client_number} {d.client_name}",
        f"- 承辦律師 / Lawyers: {', '.join(m.lawyers) or '-'}",
        f"- 受理 / Accepted: {m.accepted_at.isoformat(sep=' ')}",
        f"- 聯繫期限 / Contact by: {m.contact_deadline.isoformat()}"
        + (
            f" (contacted {m.contacted_at.isoformat(sep=' ')})"
            if m.contacted_at
            else " (not yet contacted)"
        ),
        f"- 狀態 / Status: {m.status}",
    ]
    if m.closed_at:
        verdict = "satisfied" if m.satisfied else "dissatisfied"
        lines.append(f"- 結案 / Closed: {m.closed_at.isoformat(sep=' ')}: {m.outcome} ({verdict})")
    if m.conflict_waiver:
        lines.append(f"- 利益衝突豁免 / Conflict waiver: {m.conflict_waiver}")
    lines += ["", "## 當事人 / Parties", ""]
    for p in d.parties:
        extra = "".join(f", {x}" for x in (p.id_number, p.relation, p.client_number) if x)
        lines.append(f"- {p.role.value}: {p.name}{extra}")
    lines += ["", "## 利益衝突檢查 / Conflict checks", ""]
    for c in d.conflict_checks:
        lines.append(
            f"- {c.checked_at.isoformat(sep=' ')} by {c.checked_by}: {c.result}"
            f" ({len(c.hits)} hits) for {', '.join(c.names + c.id_numbers) or '-'}"
        )
        lines += [f"  - {h.searched}: {h.detail}" for h in c.hits]
    lines += ["", "## 服務方案 / Service plan", "", m.plan or "(none yet)", ""]
    if d.follow_ups:
        lines += ["## 跟進 / Follow-up", ""]
        for f in d.follow_ups:
            state = (
                f"resolved {f.resolved_at.isoformat(sep=' ')} by {f.resolved_by}: {f.resolution}"
                if f.resolved_at
                else "OPEN"
            )
            lines.append(f"- opened {f.opened_at.isoformat(sep=' ')}: {f.reason} ({state})")
        lines.append("")
    lines += [
        "## 記錄 / Records",
        "",
        "| 時間 | 律師 | 類別 | 內容 | 已告知客戶 |",
        "|---|---|---|---|---|",
    ]
    for e in d.events:
        label = KIND_LABELS.get(e.kind, e.kind)
        lines.append(
            f"| {e.at.isoformat(sep=' ')} | {e.actor} | {label} | {_cell(e.text)} | "
            f"{'是' if e.reported_to_client else ''} |"
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
