"""Matters (cases) from acceptance to closure (policy 客戶服務流程 三–五).

Opening runs the conflict check for the opposing parties, numbers the matter per year and type,
assigns lawyers and sets the contact deadline. Contact, service plan, work records and progress
reports, closure with the client's satisfaction, follow-up of a dissatisfied client and
reopening all land on the matter's timeline (`matter_events`), in the audit trail, and in the
client's folder as a readable register (`04 律師工作記錄/<number> 律師工作記錄.md`).

`get()`, `by_id()`, `require_writer()` and `add_event()` are what other modules use. Listing,
showing and the registers live in `archivist.matters.views`; parties added after opening in
`archivist.matters.parties`."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import access, audit, clock, numbering, textnorm
from archivist.core.context import Context
from archivist.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.matters import (
    matter_events,
    matter_follow_ups,
    matter_lawyers,
    matter_parties,
    matters,
)
from archivist.models import (
    Client,
    Matter,
    MatterEvent,
    MatterOpened,
    MatterType,
    Role,
    User,
)

MAX_TEXT = 20_000


# --------------------------------------------------------------------------- look-ups
def _lawyers(conn: Connection, matter_id: int) -> list[str]:
    return list(
        conn.execute(
            select(users.c.username)
            .select_from(matter_lawyers.join(users, users.c.id == matter_lawyers.c.user_id))
            .where(matter_lawyers.c.matter_id == matter_id, matter_lawyers.c.removed_at.is_(None))
            .order_by(matter_lawyers.c.id)
        ).scalars()
    )


def _follow_up_open(conn: Connection, matter_id: int) -> bool:
    return (
        conn.execute(
            select(matter_follow_ups.c.id)
            .where(
                matter_follow_ups.c.matter_id == matter_id,
                matter_follow_ups.c.resolved_at.is_(None),
            )
            .limit(1)
        ).first()
        is not None
    )


def _model(conn: Connection, row: Any) -> Matter:
    client_number = conn.execute(
        select(clients.c.number).where(clients.c.id == row.client_id)
    ).scalar_one()
    overdue = (
        row.status == "open" and row.contacted_at is None and row.contact_deadline < clock.today()
    )
    return Matter(
        id=row.id,
        number=row.number,
        client_id=row.client_id,
        client_number=client_number,
        type=MatterType(row.type),
        code=row.code,
        year=row.year,
        title=row.title,
        status=row.status,
        accepted_at=row.accepted_at,
        contact_deadline=row.contact_deadline,
        contacted_at=row.contacted_at,
        plan=row.plan,
        closed_at=row.closed_at,
        outcome=row.outcome,
        satisfied=row.satisfied,
        conflict_waiver=row.conflict_waiver,
        lawyers=_lawyers(conn, row.id),
        follow_up_open=_follow_up_open(conn, row.id),
        contact_overdue=overdue,
    )


def get(conn: Connection, number: str) -> Matter:
    text = unicodedata.normalize("NFKC", (number or "").strip()).upper()
    row = conn.execute(select(matters).where(matters.c.number == text)).first()
    if row is None:
        raise access.not_found("matter", number)
    return _model(conn, row)


def by_id(conn: Connection, matter_id: int) -> Matter:
    row = conn.execute(select(matters).where(matters.c.id == matter_id)).first()
    if row is None:
        raise NotFound(f"no matter with id {matter_id}")
    return _model(conn, row)


def parse_type(value: str) -> MatterType:
    text = (value or "").strip().lower()
    for t in MatterType:
        if text in (t.value, t.code.lower()):
            return t
    raise InvalidInput(
        f"unknown matter type {value[:30]!r}",
        "Types: " + ", ".join(f"{t.value} ({t.code})" for t in MatterType) + ".",
    )


def clean_text(value: str | None, what: str, limit: int = MAX_TEXT) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
    if not text:
        raise InvalidInput(f"{what} is empty", f"Give {what}.")
    if "\x00" in text:
        raise InvalidInput(f"{what} contains a NUL character")
    if len(text) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters")
    return text


# --------------------------------------------------------------------------- rights and events
def require_writer(conn: Connection, user: User, matter: Matter, ref: str | None = None) -> None:
    """Forbidden unless `user` is archivist/head or actively assigned to the matter. The
    refusal names who may record work on it."""
    if user.has(Role.ARCHIVIST, Role.HEAD):
        return
    assigned = _lawyers(conn, matter.id)
    if user.username in assigned:
        return
    if not access.scope_for(conn, user).may_read_matter(matter.client_id, matter.id):
        raise access.not_found("matter", ref or matter.number)  # names no lawyer to an outsider
    who = ", ".join(assigned) if assigned else "no lawyer is assigned"
    raise Forbidden(
        f"{user.username} may not record work on matter {matter.number}: only its assigned "
        f"lawyers ({who}) and the archivist or head may",
        "Ask the department head to assign you to the matter.",
    )


def inserted_id(result: Any) -> int:
    """The primary key of the row an INSERT created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _actor_id(conn: Connection, actor: User | str) -> tuple[int, str]:
    if isinstance(actor, User):
        return actor.id, actor.username
    uid = conn.execute(select(users.c.id).where(users.c.username == actor)).scalar_one_or_none()
    if uid is None:
        raise NotFound(f"no user {actor!r}", "See `archivist user list`.")
    return int(uid), actor


def add_event(
    conn: Connection,
    matter: Matter,
    actor: User | str,
    kind: str,
    text: str,
    reported_to_client: bool = False,
) -> MatterEvent:
    """Append one entry to the matter's timeline (work record, progress report, ...). Does not
    audit: the caller records its own audit event in the same transaction, and refreshes the
    client's folder (`registry.refresh_manifest`) after the commit."""
    uid, username = _actor_id(conn, actor)
    at = clock.now()
    eid = inserted_id(
        conn.execute(
            matter_events.insert().values(
                matter_id=matter.id,
                at=at,
                actor_id=uid,
                kind=kind,
                text=text or "",
                reported_to_client=bool(reported_to_client),
            )
        )
    )
    return MatterEvent(
        id=eid,
        matter_number=matter.number,
        at=at,
        actor=username,
        kind=kind,
        text=text or "",
        reported_to_client=bool(reported_to_client),
    )


def _require_open(matter: Matter, what: str) -> None:
    if matter.status != "open":
        raise Conflict(
            f"matter {matter.number} is '{matter.status}': it cannot take {what}",
            f"Reopen it first with `archivist matter reopen {matter.number} --note ...`.",
        )


def assignable_lawyer(conn: Connection, username: str) -> User:
    """An active user with the lawyer role, or a refusal naming what is missing."""
    from archivist.core import users as users_mod

    user = users_mod.get(conn, username)
    if not user.active:
        raise InvalidInput(
            f"user {username!r} is deactivated and cannot be assigned",
            "Choose an active lawyer (see `archivist user list`).",
        )
    if not user.has(Role.LAWYER):
        have = ", ".join(r.value for r in user.roles) or "none"
        raise InvalidInput(
            f"user {username!r} is not a lawyer (roles: {have})",
            "Assign users with the role 'lawyer'.",
        )
    return user


# --------------------------------------------------------------------------- opening
def open_matter(
    ctx: Context,
    client_number: str,
    matter_type: str,
    title: str,
    lawyers: Sequence[str],
    opposing: Sequence[str] = (),
    related: Sequence[str] = (),
    conflict_waiver: str | None = None,
) -> MatterOpened:
    """Accept a matter for a client. Opposing parties are given as 'NAME' or 'NAME:ID-NUMBER'.
    Refused (Conflict) when an opposing party is a client of the firm or a party it acts for,
    unless `conflict_waiver` names the written waiver; the check is kept either way."""
    from archivist.matters import conflicts

    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="open matters")
    mtype = parse_type(matter_type)
    title = clean_text(title, "the matter's title", 500)
    if not lawyers:
        raise InvalidInput("a matter needs an assigned lawyer", "Pass --lawyer USER.")
    opp = [conflicts.parse_party(p) for p in opposing]
    rel = [conflicts.parse_party(p) for p in related]
    from archivist.matters.conflict_assess import parse_waiver

    parse_waiver(conflict_waiver)  # free text is refused before anything is looked up
    waiver = conflict_waiver
    names = list(dict.fromkeys(u.strip() for u in lawyers))
    result: MatterOpened | None = None
    refusal: Conflict | None = None

    def work() -> None:
        nonlocal result, refusal
        from archivist.clients import registry

        with ctx.ledger.write() as conn:
            client = registry.get(conn, client_number)
            lawyer_users = [assignable_lawyer(conn, n) for n in names]
            result, refusal = _open_in(
                ctx, conn, actor, client, mtype, title, lawyer_users, opp, rel, waiver
            )

    ctx.ledger.retrying(work)
    if refusal is not None:
        raise refusal
    assert result is not None
    from archivist.clients import registry

    registry.refresh_manifest(ctx, result.matter.client_id)
    return result


def _open_in(
    ctx: Context,
    conn: Connection,
    actor: User,
    client: Client,
    mtype: MatterType,
    title: str,
    lawyer_users: list[User],
    opp: list[tuple[str, str | None]],
    rel: list[tuple[str, str | None]],
    waiver: str | None,
) -> tuple[MatterOpened | None, Conflict | None]:

    from archivist.matters import conflict_assess

    opp_names = [n for n, _ in opp]
    a = conflict_assess.assess(
        conn,
        ctx.settings.conflicts,
        "matter-open",
        client_id=client.id,
        opposing=opp,
        related=rel,
        lawyers=lawyer_users,
        waiver=waiver,
    )
    blocking = a.blocking
    if a.refused:
        check_id = conflict_assess.keep(conn, actor, a, client_id=client.id)
        audit.record(
            conn,
            actor.username,
            "matter.refused",
            "client",
            client.number,
            client.id,
            check=check_id,
            type=mtype.value,
            title=title,
            opposing=opp_names,
            hits=[h.detail for h in blocking],
        )
        return None, conflict_assess.refusal(a, _("the matter was not opened"), check_id)
    now = clock.now()
    seq = numbering.next_value(conn, f"matter:{now.year}:{mtype.code}")
    number = numbering.render(
        ctx.settings.numbering.matter, "matter", year=now.year, code=mtype.code, seq=seq
    )
    if conn.execute(select(matters.c.id).where(matters.c.number == number)).first():
        raise Conflict(
            f"matter number {number} is already taken",
            "The [numbering] matter format must contain {seq}; fix archivist.toml.",
        )
    deadline = now.date() + timedelta(days=ctx.settings.deadlines.contact_days)
    mid = inserted_id(
        conn.execute(
            matters.insert().values(
                number=number,
                client_id=client.id,
                type=mtype.value,
                code=mtype.code,
                year=now.year,
                title=title,
                status="open",
                accepted_at=now,
                contact_deadline=deadline,
                conflict_waiver=conflict_assess.waiver_ref(a.waiver.id) if a.waiver else None,
                created_by=actor.id,
            )
        )
    )
    for lawyer in lawyer_users:
        conn.execute(
            matter_lawyers.insert().values(matter_id=mid, user_id=lawyer.id, assigned_at=now)
        )
    parties = [
        {
            "role": "client",
            "name": client.name,
            "id_number": client.id_number,
            "client_id": client.id,
        }
    ]
    parties += [{"role": "opposing", "name": n, "id_number": i, "client_id": None} for n, i in opp]
    parties += [{"role": "related", "name": n, "id_number": i, "client_id": None} for n, i in rel]
    for p in parties:
        conn.execute(
            matter_parties.insert().values(
                matter_id=mid,
                name_key=textnorm.fold(str(p["name"])),
                added_at=now,
                added_by=actor.id,
                **p,
            )
        )
    check_id = conflict_assess.keep(conn, actor, a, matter_id=mid, client_id=client.id)
    ref = conflict_assess.waiver_ref(a.waiver.id) if a.waiver else None
    matter = by_id(conn, mid)
    lawyer_names = ", ".join(f"{u.display_name} ({u.username})" for u in lawyer_users)
    add_event(
        conn,
        matter,
        actor,
        "accepted",
        f"受理 / accepted: {mtype.value} {title}; lawyers: {lawyer_names}; "
        f"contact the client by {deadline.isoformat()}",
    )
    if blocking:
        add_event(
            conn,
            matter,
            actor,
            "conflict-waiver",
            _("opened despite a conflict of interest on the written waiver {ref}: ").format(ref=ref)
            + "; ".join(h.detail for h in blocking),
        )
    audit.record(
        conn,
        actor.username,
        "matter.open",
        "matter",
        number,
        client.id,
        type=mtype.value,
        title=title,
        lawyers=[u.username for u in lawyer_users],
        opposing=opp_names,
        related=[n for n, _ in rel],
        contact_deadline=deadline,
        conflict_check=check_id,
        conflict_result=a.result,
        waiver=ref,
    )
    warnings = a.warnings
    return MatterOpened(
        matter=matter,
        conflict_check=conflict_assess.conflicts.get_check(conn, check_id),
        warnings=warnings,
    ), None


# --------------------------------------------------------------------------- lifecycle
def _change(ctx: Context, number: str, action: str, fn: Any) -> Any:
    """Run `fn(conn, actor, matter)` in one write transaction for a matter the actor may write,
    then refresh the client's folder."""
    actor = ctx.actor

    def work() -> Any:
        with ctx.ledger.write() as conn:
            matter = get(conn, number)
            require_writer(conn, actor, matter, number)
            return fn(conn, actor, matter), matter.client_id

    out, client_id = ctx.ledger.retrying(work)
    from archivist.clients import registry

    registry.refresh_manifest(ctx, client_id)
    return out


def record_contact(ctx: Context, number: str, note: str) -> MatterEvent:
    """The lawyer contacted the client (the first contact meets the contact deadline)."""
    note = clean_text(note, "a note on the contact")

    def fn(conn: Connection, actor: User, matter: Matter) -> MatterEvent:
        _require_open(matter, "a contact record")
        if matter.contacted_at is None:
            conn.execute(
                matters.update().where(matters.c.id == matter.id).values(contacted_at=clock.now())
            )
        event = add_event(conn, matter, actor, "contact", note, reported_to_client=True)
        audit.record(
            conn,
            actor.username,
            "matter.contact",
            "matter",
            matter.number,
            matter.client_id,
            note=note,
            first=matter.contacted_at is None,
            deadline=matter.contact_deadline,
        )
        return event

    return _change(ctx, number, "contact", fn)


def record_plan(ctx: Context, number: str, text: str) -> MatterEvent:
    """Record (or revise) the service plan."""
    text = clean_text(text, "the service plan", 200_000)

    def fn(conn: Connection, actor: User, matter: Matter) -> MatterEvent:
        _require_open(matter, "a service plan")
        conn.execute(matters.update().where(matters.c.id == matter.id).values(plan=text))
        kind = "plan" if matter.plan is None else "plan-revised"
        event = add_event(conn, matter, actor, kind, text)
        audit.record(
            conn,
            actor.username,
            "matter.plan",
            "matter",
            matter.number,
            matter.client_id,
            old=matter.plan,
            new=text,
        )
        return event

    return _change(ctx, number, "plan", fn)


def record_progress(
    ctx: Context, number: str, note: str, reported_to_client: bool = False
) -> MatterEvent:
    """A lawyer work record, or a progress report to the client when `reported_to_client`."""
    note = clean_text(note, "the work record")

    def fn(conn: Connection, actor: User, matter: Matter) -> MatterEvent:
        _require_open(matter, "new progress records")
        event = add_event(conn, matter, actor, "progress", note, reported_to_client)
        audit.record(
            conn,
            actor.username,
            "matter.progress",
            "matter",
            matter.number,
            matter.client_id,
            note=note,
            reported_to_client=reported_to_client,
        )
        return event

    return _change(ctx, number, "progress", fn)


def close(
    ctx: Context, number: str, outcome: str, satisfied: bool, note: str | None = None
) -> Matter:
    """Close the matter with its outcome and the client's satisfaction. A dissatisfied client
    opens a follow-up item that stays open until resolved."""
    outcome = clean_text(outcome, "the outcome", 5000)
    note = clean_text(note, "the note") if note is not None else None

    def fn(conn: Connection, actor: User, matter: Matter) -> Matter:
        _require_open(matter, "a closure")
        now = clock.now()
        conn.execute(
            matters.update()
            .where(matters.c.id == matter.id)
            .values(status="closed", closed_at=now, outcome=outcome, satisfied=satisfied)
        )
        verdict = "client satisfied" if satisfied else "client dissatisfied"
        add_event(
            conn,
            matter,
            actor,
            "closed",
            f"結案 / closed: {outcome} ({verdict})" + (f"; {note}" if note else ""),
            reported_to_client=True,
        )
        if not satisfied:
            conn.execute(
                matter_follow_ups.insert().values(
                    matter_id=matter.id, opened_at=now, reason=note or outcome
                )
            )
            add_event(
                conn,
                matter,
                actor,
                "follow-up-opened",
                "follow-up opened: the client is dissatisfied" + (f": {note}" if note else ""),
            )
        audit.record(
            conn,
            actor.username,
            "matter.close",
            "matter",
            matter.number,
            matter.client_id,
            outcome=outcome,
            satisfied=satisfied,
            note=note,
        )
        return by_id(conn, matter.id)

    return _change(ctx, number, "close", fn)


def follow_up(ctx: Context, number: str, note: str, resolved: bool = False) -> Matter:
    """A note on the open follow-up item of a dissatisfied closure; `resolved` closes it."""
    note = clean_text(note, "a note on the follow-up")

    def fn(conn: Connection, actor: User, matter: Matter) -> Matter:
        row = conn.execute(
            select(matter_follow_ups)
            .where(
                matter_follow_ups.c.matter_id == matter.id,
                matter_follow_ups.c.resolved_at.is_(None),
            )
            .order_by(matter_follow_ups.c.id)
        ).first()
        if row is None:
            raise Conflict(
                f"matter {matter.number} has no open follow-up item",
                "Follow-ups open when a matter is closed with --dissatisfied.",
            )
        if resolved:
            conn.execute(
                matter_follow_ups.update()
                .where(matter_follow_ups.c.id == row.id)
                .values(resolved_at=clock.now(), resolved_by=actor.id, resolution=note)
            )
        add_event(
            conn,
            matter,
            actor,
            "follow-up-resolved" if resolved else "follow-up",
            note,
            reported_to_client=resolved,
        )
        audit.record(
            conn,
            actor.username,
            "matter.follow_up",
            "matter",
            matter.number,
            matter.client_id,
            note=note,
            resolved=resolved,
        )
        return by_id(conn, matter.id)

    return _change(ctx, number, "follow-up", fn)


def reopen(ctx: Context, number: str, note: str) -> Matter:
    """Reopen a closed matter so that it can take new records again (audited)."""
    note = clean_text(note, "the reason for reopening")

    def fn(conn: Connection, actor: User, matter: Matter) -> Matter:
        if matter.status != "closed":
            raise Conflict(
                f"matter {matter.number} is '{matter.status}', not closed",
                "Only closed matters can be reopened.",
            )
        conn.execute(
            matters.update()
            .where(matters.c.id == matter.id)
            .values(status="open", closed_at=None, outcome=None, satisfied=None)
        )
        add_event(conn, matter, actor, "reopened", note)
        audit.record(
            conn,
            actor.username,
            "matter.reopen",
            "matter",
            matter.number,
            matter.client_id,
            note=note,
            old_outcome=matter.outcome,
            old_closed_at=matter.closed_at,
            old_satisfied=matter.satisfied,
        )
        return by_id(conn, matter.id)

    return _change(ctx, number, "reopen", fn)


def derived_records(conn: Connection, client: Client) -> dict[str, str]:
    """The readable work-record register of each of the client's matters."""
    from archivist.matters.views import work_registers

    return work_registers(conn, client)
