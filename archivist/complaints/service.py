"""Client complaints (policy 客戶投訴處理 一–四): received → classified → assigned → resolved →
feedback, with deadlines, an overdue list and the full history.

States move forward only:

    received ─classify→ classified ─assign→ assigned ─resolve→ resolved ─feedback→ closed
                                                ↑ (reassign)                 │ unsatisfied
    reopened ─classify (optional) / assign──────┘               reopened ←───┘
    reopened, or resolved after a reopening ─close (head)→ closed       (a disputed one)

Who may do what: client-service staff (roles archivist, head) take complaints in, classify,
assign, tell the client (`notify`) and record the feedback; the assignee resolves (a user, or
for a department the client-service staff act for it); only the head closes a disputed
(reopened) complaint without the client's agreement.

Deadlines: the first response is due `deadlines.complaint_first_response_days` after receipt;
the handling deadline is `deadlines.complaint_days` after receipt (or `assign --due`), and
after a reopening `complaint_days` after the reopening.

Intake records NO automatic notification: the first response is a real message to the client
(`complaint notify`, or `file --told TEXT` when the client was told something at intake, e.g.
on the phone), so "time to first response" measures something. The feedback step also counts
as telling the client. Every step is audited in the same transaction as the change."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from archivist.core import access, audit, clock, numbering, users
from archivist.core.context import Context
from archivist.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.complaints import complaint_events, complaints
from archivist.ledger.tables.core import clients
from archivist.ledger.tables.core import users as users_table
from archivist.models import (
    SECTION_FOLDERS,
    Client,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    Role,
    Section,
)

S = ComplaintStatus
CHANNELS = ("phone", "email", "fax", "in-person", "mailbox")
CATEGORIES = ("service", "fee", "conduct", "delay", "confidentiality", "other")
RESPONSIBILITIES = ("firm", "lawyer", "client", "none", "undetermined")
OPINIONS = ("satisfied", "unsatisfied", "no-reply")
OPEN = (S.RECEIVED, S.CLASSIFIED, S.ASSIGNED, S.REOPENED)  # still being handled

LABELS_ZH = {
    "phone": "電話",
    "email": "電子郵件",
    "fax": "傳真",
    "in-person": "當面",
    "mailbox": "投訴信箱",
    "service": "服務",
    "fee": "收費",
    "conduct": "執業行為",
    "delay": "拖延",
    "confidentiality": "保密",
    "other": "其他",
    "firm": "律所",
    "lawyer": "律師",
    "client": "客戶",
    "none": "無責任",
    "undetermined": "待定",
    "received": "已受理",
    "classified": "已分類",
    "assigned": "處理中",
    "resolved": "已處理",
    "reopened": "重新處理",
    "closed": "已結案",
    "satisfied": "滿意",
    "unsatisfied": "不滿意",
    "no-reply": "未答覆",
}
KIND_ZH = {
    "filed": "受理",
    "notify": "告知客戶",
    "classify": "分類",
    "assign": "交辦",
    "resolve": "處理結果",
    "feedback": "回訪",
    "reopen": "重新處理",
    "close": "結案",
    "propose": "改進建議",
    "reply": "回覆函",
}

# which states each step starts from
ALLOWED: dict[str, tuple[ComplaintStatus, ...]] = {
    "classify": (S.RECEIVED, S.REOPENED),
    "assign": (S.CLASSIFIED, S.ASSIGNED, S.REOPENED),
    "resolve": (S.ASSIGNED,),
    "feedback": (S.RESOLVED,),
    "close": (S.REOPENED, S.RESOLVED),
    "notify": (S.RECEIVED, S.CLASSIFIED, S.ASSIGNED, S.RESOLVED, S.REOPENED),
}
VERBS = {
    "classify": "classify it",
    "assign": "assign it",
    "resolve": "resolve it",
    "feedback": "record feedback on it",
    "close": "close it",
    "notify": "notify about it",
}
NEXT_HINT = {
    S.RECEIVED: "classify it first (`complaint classify`)",
    S.CLASSIFIED: "assign it (`complaint assign`)",
    S.ASSIGNED: "the assignee resolves it (`complaint resolve`)",
    S.RESOLVED: "record the client's feedback (`complaint feedback`)",
    S.REOPENED: "assign it again (`complaint assign`) or the head closes it (`complaint close`)",
    S.CLOSED: "a closed complaint takes no further steps (proposals are still welcome)",
}


# ------------------------------------------------------------------------------- helpers
def _text(value: str | None, what: str, limit: int = 20000, required: bool = True) -> str | None:
    text = unicodedata.normalize("NFC", value or "").strip()
    if "\x00" in text:
        raise InvalidInput(f"{what} contains a NUL character")
    if not text:
        if required:
            raise InvalidInput(f"{what} is empty", f"Give the {what}.")
        return None
    if len(text) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters")
    return text


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    v = (value or "").strip().lower()
    if v not in allowed:
        raise InvalidInput(f"unknown {what} {value[:30]!r}", f"Use one of: {', '.join(allowed)}.")
    return v


def _staff(ctx: Context, action: str) -> Any:
    return ctx.require(Role.ARCHIVIST, Role.HEAD, action=action)


def _row(conn: Connection, number: str) -> Any:
    text = unicodedata.normalize("NFKC", (number or "").strip()).upper()
    row = conn.execute(select(complaints).where(complaints.c.number == text)).first()
    if row is None:
        raise access.not_found("complaint", number)
    return row


def _check_state(row: Any, step: str) -> None:
    allowed = ALLOWED[step]
    status = S(row.status)
    if status not in allowed:
        raise Conflict(
            f"complaint {row.number} is '{status.value}': cannot {VERBS[step]} "
            f"(only when {' or '.join(s.value for s in allowed)})",
            f"Next step: {NEXT_HINT[status]}.",
        )


def _event(
    conn: Connection,
    complaint_id: int,
    actor: str,
    kind: str,
    text: str | None = None,
    **details: Any,
) -> None:
    conn.execute(
        complaint_events.insert().values(
            complaint_id=complaint_id,
            at=clock.now(),
            actor=actor,
            kind=kind,
            text=text,
            details=audit.canonical(details),
        )
    )


def _usernames(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        r.id: r.username
        for r in conn.execute(
            select(users_table.c.id, users_table.c.username).where(users_table.c.id.in_(ids))
        )
    }


def _model(conn: Connection, row: Any, history: bool = False) -> Complaint:
    from archivist.ledger.tables.matters import matters

    names = _usernames(conn, {row.received_by} | ({row.assignee_id} if row.assignee_id else set()))
    client = conn.execute(
        select(clients.c.number, clients.c.name).where(clients.c.id == row.client_id)
    ).one()
    matter = None
    if row.matter_id:
        matter = conn.execute(
            select(matters.c.number).where(matters.c.id == row.matter_id)
        ).scalar_one_or_none()
    today = clock.today()
    status = S(row.status)
    assignee = names.get(row.assignee_id) if row.assignee_id else row.assignee_department
    events: list[ComplaintEvent] = []
    if history:
        events = [
            ComplaintEvent(
                at=e.at,
                actor=e.actor,
                kind=e.kind,
                text=e.text,
                details=json.loads(e.details or "{}"),
            )
            for e in conn.execute(
                select(complaint_events)
                .where(complaint_events.c.complaint_id == row.id)
                .order_by(complaint_events.c.id)
            )
        ]
    handler = conn.execute(
        select(complaint_events.c.actor)
        .where(complaint_events.c.complaint_id == row.id, complaint_events.c.kind == "resolve")
        .order_by(complaint_events.c.id.desc())
        .limit(1)
    ).scalar()
    return Complaint(
        id=row.id,
        number=row.number,
        client_id=row.client_id,
        client_number=client.number,
        client_name=client.name,
        matter=matter,
        about_lawyers=json.loads(row.about_lawyers or "[]"),
        handled_by=handler,
        channel=row.channel,
        content=row.content,
        status=status,
        received_at=row.received_at,
        received_by=names.get(row.received_by, "?"),
        first_response_due=row.first_response_due,
        first_response_at=row.first_response_at,
        due_date=row.due_date,
        first_due_date=row.first_due_date,
        category=row.category,
        cause=row.cause,
        responsibility=row.responsibility,
        assignee=assignee,
        assignee_kind="user" if row.assignee_id else ("department" if assignee else None),
        first_resolved_at=row.first_resolved_at,
        resolved_at=row.resolved_at,
        finding=row.finding,
        action=row.action,
        client_opinion=row.client_opinion,
        reopen_count=row.reopen_count or 0,
        closed_at=row.closed_at,
        updated_at=row.updated_at,
        overdue=status in OPEN and today > row.due_date,
        first_response_overdue=(
            row.first_response_at is None and status != S.CLOSED and today > row.first_response_due
        ),
        history=events,
    )


def _refresh(ctx: Context, client_id: int) -> None:
    from archivist.clients import registry

    registry.refresh_manifest(ctx, client_id)


def _step(ctx: Context, number: str, step: str | None, action: str, apply: Any) -> Complaint:
    """One audited step: load, check the state, apply(conn, row) -> (values, event_kind, text,
    details), write, audit, then regenerate the client's records."""
    actor = ctx.actor
    with ctx.ledger.write() as conn:
        row = _row(conn, number)
        if not _may_read(actor, row):
            raise access.not_found("complaint", number)
        if step is not None:
            _check_state(row, step)
        values, kind, text, details = apply(conn, row, actor)
        now = clock.now()
        if values:
            conn.execute(
                complaints.update()
                .where(complaints.c.id == row.id)
                .values(updated_at=now, **values)
            )
        _event(conn, row.id, actor.username, kind, text, **details)
        audit.record(
            conn,
            actor.username,
            action,
            "complaint",
            row.number,
            row.client_id,
            **({"text": text} if text else {}),
            **details,
        )
        result = _model(conn, _row(conn, row.number))
    _refresh(ctx, row.client_id)
    return result


# ------------------------------------------------------------------------------- steps
def file(
    ctx: Context,
    client_number: str,
    channel: str,
    content: str,
    matter: str | None = None,
    received_by: str | None = None,
    told: str | None = None,
) -> Complaint:
    """Take a complaint in. `told`: what the client was told at intake (recorded as the first
    notification); without it the client still has to be told within the first-response time."""
    from archivist.clients import registry
    from archivist.matters import service as matters_mod

    actor = _staff(ctx, "take complaints in")
    channel = _choice(channel, CHANNELS, "channel")
    content_text = _text(content, "complaint's content")
    told_text = _text(told, "notification text", 5000, required=False)
    with ctx.ledger.write() as conn:
        client = registry.get(conn, client_number)
        matter_id = None
        matter_number = None
        about: list[str] = []
        if matter:
            m = matters_mod.get(conn, matter)
            if m.client_id != client.id:
                raise InvalidInput(
                    f"matter {m.number} belongs to client {m.client_number}, not {client.number}",
                    "Give one of the client's matters.",
                )
            matter_id, matter_number = m.id, m.number
            about = list(m.lawyers)  # complained about: the matter's lawyers at this time
        receiver = users.get(conn, received_by) if received_by else actor
        now = clock.now()
        seq = numbering.next_value(conn, f"complaint:{now.year}")
        number = numbering.render(
            ctx.settings.numbering.complaint, "complaint", year=now.year, seq=seq
        )
        d = ctx.settings.deadlines
        due = now.date() + timedelta(days=d.complaint_days)
        cid = conn.execute(
            complaints.insert().values(
                number=number,
                client_id=client.id,
                matter_id=matter_id,
                channel=channel,
                content=content_text,
                about_lawyers=json.dumps(about) if about else None,
                status=S.RECEIVED.value,
                received_at=now,
                received_by=receiver.id,
                first_response_due=now.date() + timedelta(days=d.complaint_first_response_days),
                due_date=due,
                first_due_date=due,
                reopen_count=0,
                first_response_at=now if told_text else None,
                updated_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        _event(
            conn,
            cid,
            actor.username,
            "filed",
            content_text,
            channel=channel,
            received_by=receiver.username,
            matter=matter_number,
        )
        audit.record(
            conn,
            actor.username,
            "complaint.file",
            "complaint",
            number,
            client.id,
            channel=channel,
            matter=matter_number,
            received_by=receiver.username,
            due=due,
        )
        if told_text:
            _event(conn, cid, actor.username, "notify", told_text)
            audit.record(
                conn,
                actor.username,
                "complaint.notify",
                "complaint",
                number,
                client.id,
                text=told_text,
            )
        result = _model(conn, _row(conn, number))
    _refresh(ctx, client.id)
    return result


def notify(ctx: Context, number: str, text: str) -> Complaint:
    """Record what the client was told about the progress, and when."""
    _staff(ctx, "notify clients about complaints")
    said = _text(text, "notification text", 5000)

    def apply(conn: Connection, row: Any, actor: Any) -> Any:
        values = {} if row.first_response_at else {"first_response_at": clock.now()}
        return values, "notify", said, {}

    return _step(ctx, number, "notify", "complaint.notify", apply)


def classify(
    ctx: Context, number: str, category: str, cause: str, responsibility: str
) -> Complaint:
    _staff(ctx, "classify complaints")
    cat = _choice(category, CATEGORIES, "category")
    resp = _choice(responsibility, RESPONSIBILITIES, "responsibility")
    why = _text(cause, "cause", 2000)

    def apply(conn: Connection, row: Any, actor: Any) -> Any:
        values: dict[str, Any] = {"category": cat, "cause": why, "responsibility": resp}
        if row.status == S.RECEIVED:
            values["status"] = S.CLASSIFIED.value
        details: dict[str, Any] = {"category": cat, "cause": why, "responsibility": resp}
        if row.category:
            details["old"] = {
                "category": row.category,
                "cause": row.cause,
                "responsibility": row.responsibility,
            }
        return values, "classify", None, details

    return _step(ctx, number, "classify", "complaint.classify", apply)


def _assignee(conn: Connection, to: str) -> tuple[int | None, str | None]:
    """A username, else a department name (text that does not look like a username, or
    'dept:NAME'). A username-shaped name that is no user is refused, not taken as a department."""
    text = unicodedata.normalize("NFC", (to or "").strip())
    if text.lower().startswith("dept:"):
        name = _text(text[5:], "department name", 100)
        return None, name
    if not text:
        raise InvalidInput("--to is empty", "Give a username or a department name.")
    try:
        user = users.get(conn, text)
    except NotFound:
        if users.USERNAME_RE.match(text):
            raise NotFound(
                f"no user {text!r}",
                "See `archivist user list`; for a department write its name, "
                f"e.g. 客戶服務部, or 'dept:{text}'.",
            ) from None
        return None, _text(text, "department name", 100)
    if not user.active:
        raise Conflict(f"user {user.username!r} is deactivated", "Assign someone active.")
    return user.id, None


def _require_not_about(conn: Connection, row: Any, user_id: int, what: str) -> None:
    """No one handles a complaint about themselves (issue 21)."""
    name = _usernames(conn, {user_id}).get(user_id)
    if name in json.loads(row.about_lawyers or "[]"):
        raise Forbidden(
            _("complaint {number} is about {user}: it cannot be {what} them").format(
                number=row.number, user=name, what=what
            ),
            _("Assign it to someone the complaint is not about."),
        )


def assign(
    ctx: Context,
    number: str,
    to: str,
    due: str | date | None = None,
    conflict_waiver: str | None = None,
) -> Complaint:
    _staff(ctx, "assign complaints")
    due_date = clock.parse_date(due, "--due") if due is not None else None
    from archivist.matters import conflict_assess

    with ctx.ledger.read() as conn:
        row = _row(conn, number)
        user_id, _department = _assignee(conn, to)
        if user_id is not None:
            _require_not_about(conn, row, user_id, _("assigned to"))
            handler = users.by_id(conn, user_id)
    if user_id is not None:
        conflict_assess.require_lawyer_clear(
            ctx,
            "complaint-assign",
            row.client_id,
            handler,
            conflict_waiver,
            row.matter_id,
            _("complaint {number} was not assigned").format(number=row.number),
        )

    def apply(conn: Connection, row: Any, actor: Any) -> Any:
        user_id, department = _assignee(conn, to)
        if user_id is not None:
            _require_not_about(conn, row, user_id, _("assigned to"))
        new_due = due_date or row.due_date
        if due_date is not None and due_date < row.received_at.date():
            raise InvalidInput(
                f"--due {due_date} is before the complaint was received ({row.received_at.date()})"
            )
        old = (
            _usernames(conn, {row.assignee_id}).get(row.assignee_id)
            if row.assignee_id
            else row.assignee_department
        )
        name = _usernames(conn, {user_id}).get(user_id) if user_id else department
        values = {
            "status": S.ASSIGNED.value,
            "assignee_id": user_id,
            "assignee_department": department,
            "due_date": new_due,
        }
        if row.status == S.CLASSIFIED and due_date is not None:
            values["first_due_date"] = due_date
        return values, "assign", None, {"to": name, "due": new_due, "old": old}

    return _step(ctx, number, "assign", "complaint.assign", apply)


def resolve(ctx: Context, number: str, finding: str, action: str) -> Complaint:
    """The assignee's investigation result and corrective action."""
    found = _text(finding, "finding")
    done = _text(action, "corrective action")

    def apply(conn: Connection, row: Any, actor: Any) -> Any:
        _require_not_about(conn, row, actor.id, _("resolved by"))
        if row.assignee_id is not None:
            if actor.id != row.assignee_id:
                who = _usernames(conn, {row.assignee_id}).get(row.assignee_id)
                raise Forbidden(
                    f"{actor.username} may not resolve complaint {row.number}: "
                    f"it is assigned to {who}",
                    "Only the assignee resolves it; client-service staff can "
                    "reassign it with `complaint assign`.",
                )
        elif not actor.has(Role.ARCHIVIST, Role.HEAD):
            raise Forbidden(
                f"{actor.username} may not resolve complaint {row.number}: it is "
                f"assigned to the department {row.assignee_department!r}, for which "
                "the client-service staff (archivist or head) act"
            )
        now = clock.now()
        values = {"status": S.RESOLVED.value, "finding": found, "action": done, "resolved_at": now}
        if row.first_resolved_at is None:
            values["first_resolved_at"] = now
        return (
            values,
            "resolve",
            found,
            {"corrective_action": done, "late": now.date() > row.due_date},
        )

    return _step(ctx, number, "resolve", "complaint.resolve", apply)


def feedback(
    ctx: Context, number: str, result: str, opinion: str, note: str | None = None
) -> Complaint:
    """The result told to the client and their opinion: satisfied or no-reply closes the
    complaint; unsatisfied reopens it for further handling (counted) with a new deadline."""
    _staff(ctx, "record complaint feedback")
    told = _text(result, "result told to the client", 5000)
    op = _choice(opinion, OPINIONS, "client opinion")
    extra = _text(note, "note", 5000, required=False)

    def apply(conn: Connection, row: Any, actor: Any) -> Any:
        now = clock.now()
        values: dict[str, Any] = {"client_opinion": op}
        if row.first_response_at is None:
            values["first_response_at"] = now
        details: dict[str, Any] = {"opinion": op, "note": extra}
        if op == "unsatisfied":
            new_due = now.date() + timedelta(days=ctx.settings.deadlines.complaint_days)
            values.update(
                status=S.REOPENED.value, reopen_count=(row.reopen_count or 0) + 1, due_date=new_due
            )
            details.update(reopened=True, due=new_due)
        else:
            values.update(status=S.CLOSED.value, closed_at=now)
        return values, "feedback", told, details

    return _step(ctx, number, "feedback", "complaint.feedback", apply)


def close(ctx: Context, number: str, note: str) -> Complaint:
    """The head closes a disputed complaint (reopened, or resolved again after a reopening)
    without the client's agreement; the decision is recorded."""
    ctx.require(Role.HEAD, action="close a disputed complaint")
    why = _text(note, "note", 5000)

    def apply(conn: Connection, row: Any, actor: Any) -> Any:
        if row.status == S.RESOLVED and not row.reopen_count:
            raise Conflict(
                f"complaint {row.number} is 'resolved' and not disputed",
                "Record the client's feedback (`complaint feedback`); the head "
                "closes only complaints the client was unsatisfied with.",
            )
        return (
            {"status": S.CLOSED.value, "closed_at": clock.now()},
            "close",
            why,
            {"disputed": True, "from_status": row.status},
        )

    return _step(ctx, number, "close", "complaint.close", apply)


def propose(ctx: Context, number: str, text: str) -> Complaint:
    """An improvement proposal drawn from the complaint (for the management report)."""
    said = _text(text, "proposal", 5000)

    def apply(conn: Connection, row: Any, actor: Any) -> Any:
        if not (actor.has(Role.ARCHIVIST, Role.HEAD) or actor.id == row.assignee_id):
            raise Forbidden(
                f"{actor.username} may not add proposals to complaint "
                f"{row.number}: it needs the role 'archivist' or 'head', or being "
                "its assignee"
            )
        return {}, "propose", said, {}

    return _step(ctx, number, None, "complaint.propose", apply)


# ------------------------------------------------------------------------------- reading
def _may_read(actor: Any, row: Any) -> bool:
    return actor.has(Role.ARCHIVIST, Role.HEAD) or (
        row.assignee_id is not None and row.assignee_id == actor.id
    )


def show(ctx: Context, number: str) -> Complaint:
    """One complaint with its full history (audited as a read of the client's archive)."""
    actor = ctx.actor
    with ctx.ledger.write() as conn:
        row = _row(conn, number)
        if not _may_read(actor, row):
            raise access.not_found("complaint", number)
        audit.record(conn, actor.username, "complaint.read", "complaint", row.number, row.client_id)
        return _model(conn, row, history=True)


def list_complaints(
    ctx: Context,
    status: list[str] | tuple[str, ...] | None = None,
    client: str | None = None,
    overdue: bool = False,
) -> list[Complaint]:
    """Complaints the actor may see (staff: all; others: those assigned to them).
    `overdue`: open past the handling deadline, or the client not told in time."""
    from archivist.clients import registry

    actor = ctx.actor
    statuses = [_choice(s, tuple(x.value for x in S), "status") for s in (status or ())]
    with ctx.ledger.write() as conn:
        stmt = select(complaints).order_by(complaints.c.received_at, complaints.c.id)
        client_id = None
        if client:
            stmt = stmt.where(complaints.c.client_id == registry.filter_id(ctx, conn, client))
            client_id = registry.filter_id(ctx, conn, client)
            client_id = client_id if client_id > 0 else None
        if statuses:
            stmt = stmt.where(complaints.c.status.in_(statuses))
        if not actor.has(Role.ARCHIVIST, Role.HEAD):
            stmt = stmt.where(complaints.c.assignee_id == actor.id)
        if overdue:
            today = clock.today()
            stmt = stmt.where(
                or_(
                    and_(
                        complaints.c.status.in_([s.value for s in OPEN]),
                        complaints.c.due_date < today,
                    ),
                    and_(
                        complaints.c.first_response_at.is_(None),
                        complaints.c.status != S.CLOSED.value,
                        complaints.c.first_response_due < today,
                    ),
                )
            )
        rows = conn.execute(stmt).all()
        audit.record(
            conn,
            actor.username,
            "complaint.list",
            "complaint",
            "*",
            client_id,
            status=statuses,
            overdue=overdue,
            count=len(rows),
        )
        return [_model(conn, r) for r in rows]


def client_summaries(conn: Connection, client_id: int) -> list[dict[str, Any]]:
    """Short rows for `client show`."""
    return [
        {
            "number": r.number,
            "status": r.status,
            "category": r.category,
            "received_at": r.received_at.isoformat(sep=" ", timespec="minutes"),
        }
        for r in conn.execute(
            select(complaints).where(complaints.c.client_id == client_id).order_by(complaints.c.id)
        )
    ]


# ------------------------------------------------------------------------------- records
def _zh(value: str | None) -> str:
    if not value:
        return "—"
    return f"{LABELS_ZH[value]} ({value})" if value in LABELS_ZH else value


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


def record_text(c: Complaint) -> str:
    """The readable complaint-handling record kept in the client's 05 section."""
    lines = [
        f"投訴處理記錄 Complaint record {c.number}",
        "",
        f"客戶 Client:            {c.client_number} {c.client_name}",
        f"案件 Matter:            {c.matter or '—'}",
        f"受理 Received:          {_fmt(c.received_at)}  {_zh(c.channel)}  by {c.received_by}",
        f"狀態 Status:            {_zh(c.status.value)}"
        + (f"  (重新處理 reopened {c.reopen_count}x)" if c.reopen_count else ""),
        f"首次答覆 First response: due {c.first_response_due}, given {_fmt(c.first_response_at)}",
        f"處理期限 Deadline:      {c.due_date}",
        f"分類 Category:          {_zh(c.category)}",
        f"原因 Cause:             {c.cause or '—'}",
        f"責任 Responsibility:    {_zh(c.responsibility)}",
        f"承辦 Assignee:          {c.assignee or '—'}",
        f"調查結果 Finding:       {c.finding or '—'}",
        f"糾正措施 Action:        {c.action or '—'}",
        f"客戶意見 Opinion:       {_zh(c.client_opinion)}",
        f"結案 Closed:            {_fmt(c.closed_at)}",
        "",
        "投訴內容 Content:",
        *("  " + line for line in c.content.splitlines()),
        "",
        "處理經過 History:",
    ]
    for e in c.history:
        extra = {k: v for k, v in e.details.items() if v not in (None, "", {}, [])}
        head = f"  {_fmt(e.at)}  {KIND_ZH.get(e.kind, e.kind)} ({e.kind})  {e.actor}"
        lines.append(head)
        if e.text:
            lines.extend("      " + t for t in e.text.splitlines())
        if extra:
            lines.append("      " + json.dumps(extra, ensure_ascii=False, default=str))
    return "\n".join(lines) + "\n"


def derived_records(conn: Connection, client: Client) -> dict[str, str]:
    from archivist.core.safenames import safe_component

    folder = SECTION_FOLDERS[Section.COMPLAINT]
    out = {}
    for row in conn.execute(
        select(complaints).where(complaints.c.client_id == client.id).order_by(complaints.c.id)
    ):
        c = _model(conn, row, history=True)
        name = safe_component(f"{c.number} 投訴處理記錄.txt")
        out[f"{folder}/{name}"] = record_text(c)
    return out


# ------------------------------------------------------------------------------- reply letter
CHANNEL_REPLY = {
    "phone": "電話",
    "email": "電郵",
    "fax": "傳真",
    "in-person": "來訪",
    "mailbox": "投訴信箱",
}


def reply_data(
    conn: Connection,
    c: Complaint,
    objection_days: int | None = None,
    reply_date: date | None = None,
    findings: str | None = None,
    resolution: str | None = None,
) -> dict[str, Any]:
    """The data of the 投訴處理回覆函 (template complaint-reply) for a resolved complaint."""
    from archivist.clients import registry

    if c.status not in (S.RESOLVED, S.CLOSED) or not c.finding:
        raise Conflict(
            f"complaint {c.number} is '{c.status.value}': a reply letter needs a "
            "resolved complaint",
            f"Next step: {NEXT_HINT[c.status]}.",
        )
    client = registry.by_id(conn, c.client_id)
    # the letter names who handled it: the user who resolved it, not whoever is assigned now
    handler = c.assignee or ""
    if c.handled_by:
        handler = users.get(conn, c.handled_by).display_name
    elif c.assignee_kind == "user":
        handler = users.get(conn, c.assignee or "").display_name
    data: dict[str, Any] = {
        "client": {"number": client.number, "name": client.name, "address": client.address or ""},
        "complaint_number": c.number,
        "received_date": c.received_at.date().isoformat(),
        "channel": CHANNEL_REPLY.get(c.channel, c.channel),
        "summary": c.content[:5000],
        "findings": (findings or c.finding or "")[:5000],
        "resolution": (resolution or c.action or "")[:5000],
        "handler": handler,
    }
    if objection_days is not None:
        data["objection_days"] = objection_days
    if reply_date is not None:
        data["reply_date"] = reply_date.isoformat()
    return data


def reply(
    ctx: Context,
    number: str,
    objection_days: int | None = None,
    reply_date: str | date | None = None,
    findings: str | None = None,
    resolution: str | None = None,
) -> tuple[Complaint, bytes]:
    """Fill the 投訴處理回覆函 for a resolved complaint: (complaint, .docx bytes). The letter's
    production is recorded in the complaint's history and audited."""
    from archivist import documents

    actor = _staff(ctx, "write complaint reply letters")
    when = clock.parse_date(reply_date, "--date") if reply_date is not None else None
    with ctx.ledger.write() as conn:
        c = _model(conn, _row(conn, number))
        data = reply_data(
            conn,
            c,
            objection_days,
            when,
            _text(findings, "findings", 5000, required=False),
            _text(resolution, "resolution", 5000, required=False),
        )
        blob = documents.render_to_bytes(ctx, "complaint-reply", data)
        _event(
            conn,
            c.id,
            actor.username,
            "reply",
            None,
            template="complaint-reply",
            reply_date=data.get("reply_date") or clock.today(),
        )
        audit.record(
            conn,
            actor.username,
            "complaint.reply",
            "complaint",
            c.number,
            c.client_id,
            template="complaint-reply",
        )
        result = _model(conn, _row(conn, c.number))
    _refresh(ctx, c.client_id)
    return result, blob
