"""Consultations (policy 客戶服務流程 一): by phone, e-mail, fax or in person, each recorded in
the client's archive with who handled it and a follow-up date. A person who only consulted is
registered as a client first (`client add`), so the consultation has an archive to land in.

The log is kept readable in the client's folder: `01 基本信息/諮詢記錄.md`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import access, audit, clock, numbering, textnorm
from archivist.core.context import Context
from archivist.core.errors import Conflict, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.matters import consultation_parties, consultations
from archivist.models import SECTION_FOLDERS, Channel, Client, Consultation, Role, Section

LOG_NAME = "諮詢記錄.md"


def parse_channel(value: str) -> Channel:
    text = (value or "").strip().lower().replace("_", "-")
    if text in ("in person", "inperson", "visit"):
        text = "in-person"
    try:
        return Channel(text)
    except ValueError:
        raise InvalidInput(
            f"unknown channel {value[:30]!r}",
            "Channels: " + ", ".join(c.value for c in Channel) + ".",
        ) from None


def _party_names(conn: Connection, consultation_id: int) -> list[str]:
    return list(
        conn.execute(
            select(consultation_parties.c.name)
            .where(consultation_parties.c.consultation_id == consultation_id)
            .order_by(consultation_parties.c.id)
        ).scalars()
    )


def _select() -> Any:
    return select(
        consultations,
        clients.c.number.label("client_number"),
        clients.c.name.label("client_name"),
        users.c.username.label("handler"),
    ).select_from(
        consultations.join(clients, clients.c.id == consultations.c.client_id).join(
            users, users.c.id == consultations.c.handled_by
        )
    )


def _model(conn: Connection, row: Any) -> Consultation:
    due = (
        row.follow_up is not None and row.followed_up_at is None and row.follow_up <= clock.today()
    )
    return Consultation(
        id=row.id,
        number=row.number,
        client_number=row.client_number,
        client_name=row.client_name,
        channel=Channel(row.channel),
        summary=row.summary,
        handled_by=row.handler,
        consulted_at=row.consulted_at,
        follow_up=row.follow_up,
        followed_up_at=row.followed_up_at,
        follow_up_note=row.follow_up_note,
        parties=_party_names(conn, row.id),
        due=due,
    )


def get(conn: Connection, number: str) -> Consultation:
    text = (number or "").strip().upper()
    row = conn.execute(_select().where(consultations.c.number == text)).first()
    if row is None:
        raise access.not_found("consultation", number)
    return _model(conn, row)


def _require_client_access(ctx: Context, conn: Connection, client: Client) -> None:
    if ctx.actor.has(Role.ARCHIVIST, Role.HEAD):
        return
    access.require_client(conn, ctx.actor, client.id, client.number, ctx.settings.deadlines)


def log(
    ctx: Context,
    client_number: str,
    channel: str,
    summary: str,
    handled_by: str | None = None,
    follow_up: str | None = None,
    parties: Sequence[str] = (),
) -> Consultation:
    """Record a consultation in the client's archive. `parties`: other people or companies it
    names ('NAME' or 'NAME:ID-NUMBER'), kept for conflict checks."""
    from archivist.clients import registry
    from archivist.core import users as users_mod
    from archivist.matters import conflicts
    from archivist.matters.service import clean_text, inserted_id

    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, Role.LAWYER, action="log consultations")
    chan = parse_channel(channel)
    summary = clean_text(summary, "the consultation's summary")
    due = clock.parse_date(follow_up, "--follow-up") if follow_up else None
    if due is not None and due < clock.today():
        raise InvalidInput(
            f"the follow-up date {due.isoformat()} is in the past",
            f"Give today ({clock.today().isoformat()}) or a later date.",
        )
    named = [conflicts.parse_party(p) for p in parties]

    from archivist.matters import conflict_assess

    def work() -> tuple[Consultation | Conflict, int]:
        with ctx.ledger.write() as conn:
            client = registry.get(conn, client_number)
            _require_client_access(ctx, conn, client)
            check = conflict_assess.assess(
                conn, ctx.settings.conflicts, "consultation", client_id=client.id, opposing=named
            )
            if named:
                check_id = conflict_assess.keep(conn, actor, check, client_id=client.id)
                if check.refused:
                    return (
                        conflict_assess.refusal(
                            conflict_assess.shown_to(conn, ctx, check),
                            _("the consultation was not logged"),
                            check_id,
                        ),
                        client.id,
                    )
            handler = users_mod.get(conn, handled_by) if handled_by else actor
            if not handler.active:
                raise InvalidInput(
                    f"user {handler.username!r} is deactivated",
                    "Name an active user with --handled-by.",
                )
            now = clock.now()
            seq = numbering.next_value(conn, f"consultation:{now.year}")
            number = numbering.render(
                ctx.settings.numbering.consultation, "consultation", year=now.year, seq=seq
            )
            if conn.execute(
                select(consultations.c.id).where(consultations.c.number == number)
            ).first():
                raise Conflict(
                    f"consultation number {number} is already taken",
                    "The [numbering] consultation format must contain {seq}.",
                )
            cid = inserted_id(
                conn.execute(
                    consultations.insert().values(
                        number=number,
                        client_id=client.id,
                        channel=chan.value,
                        summary=summary,
                        summary_key=textnorm.fold(summary),
                        handled_by=handler.id,
                        consulted_at=now,
                        follow_up=due,
                        created_by=actor.id,
                    )
                )
            )
            for name, ident in named:
                conn.execute(
                    consultation_parties.insert().values(
                        consultation_id=cid,
                        name=name,
                        name_key=textnorm.fold(name),
                        id_number=ident,
                    )
                )
            audit.record(
                conn,
                actor.username,
                "consultation.log",
                "consultation",
                number,
                client.id,
                channel=chan.value,
                summary=summary,
                handled_by=handler.username,
                follow_up=due,
                parties=[n for n, _ in named],
            )
            logged = get(conn, number)
            logged.conflict_warnings = conflict_assess.shown_to(conn, ctx, check).warnings
            return logged, client.id

    result, client_id = ctx.ledger.retrying(work)
    if isinstance(result, Conflict):
        raise result
    from archivist.clients.registry import refresh_manifest

    refresh_manifest(ctx, client_id)
    return result


def list_consultations(
    ctx: Context, client: str | None = None, due: bool = False
) -> list[Consultation]:
    """Consultations the actor may see; `due`: follow-ups due today or overdue, not yet done.
    Audited as a read."""
    from archivist.clients import registry

    with ctx.ledger.write() as conn:
        scope = access.scope_for(conn, ctx.actor, ctx.settings.deadlines)
        stmt = _select().order_by(consultations.c.consulted_at, consultations.c.id)
        client_id = None
        if client:
            client_id = registry.get_archive(ctx, conn, client)[0].id
            stmt = stmt.where(consultations.c.client_id == client_id)
        if due:
            stmt = stmt.where(
                consultations.c.follow_up.is_not(None),
                consultations.c.followed_up_at.is_(None),
                consultations.c.follow_up <= clock.today(),
            )
        if not scope.everything:
            stmt = stmt.where(consultations.c.client_id.in_(scope.client_ids or {-1}))
        out = [_model(conn, r) for r in conn.execute(stmt)]
        audit.record(
            conn,
            ctx.actor.username,
            "consultation.list",
            "consultation",
            client or "*",
            client_id,
            due=due,
            shown=len(out),
        )
    return out


def done(ctx: Context, number: str, note: str) -> Consultation:
    """Record that the consultation was followed up (it leaves the --due list)."""
    from archivist.matters.service import clean_text

    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, Role.LAWYER, action="follow up consultations")
    note = clean_text(note, "a note on the follow-up")

    def work() -> tuple[Consultation, int]:
        with ctx.ledger.write() as conn:
            c = get(conn, number)
            client_id = conn.execute(
                select(consultations.c.client_id).where(consultations.c.id == c.id)
            ).scalar_one()
            if not actor.has(Role.ARCHIVIST, Role.HEAD) and actor.username != c.handled_by:
                try:
                    access.require_client(conn, actor, client_id, c.client_number)
                except NotFound:
                    raise access.not_found("consultation", number) from None
            if c.followed_up_at is not None:
                raise Conflict(
                    f"consultation {c.number} was already followed up on "
                    f"{c.followed_up_at.date().isoformat()}"
                )
            conn.execute(
                consultations.update()
                .where(consultations.c.id == c.id)
                .values(followed_up_at=clock.now(), follow_up_note=note)
            )
            audit.record(
                conn,
                actor.username,
                "consultation.follow_up",
                "consultation",
                c.number,
                client_id,
                note=note,
            )
            return get(conn, c.number), client_id

    result, client_id = ctx.ledger.retrying(work)
    from archivist.clients.registry import refresh_manifest

    refresh_manifest(ctx, client_id)
    return result


def for_client(conn: Connection, client_id: int) -> list[Consultation]:
    return [
        _model(conn, r)
        for r in conn.execute(
            _select()
            .where(consultations.c.client_id == client_id)
            .order_by(consultations.c.consulted_at, consultations.c.id)
        )
    ]


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def derived_records(conn: Connection, client: Client) -> dict[str, str]:
    """The consultation log in `01 基本信息`, when the client has consultations."""
    items = for_client(conn, client.id)
    if not items:
        return {}
    lines = [
        f"# 諮詢記錄 {client.number} {client.name}",
        "",
        "Generated by archivist from the ledger; regenerated on every change.",
        "",
        "| 編號 | 時間 | 方式 | 接待 | 內容 | 涉及人士 | 跟進日期 | 跟進 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in items:
        followed = (
            f"{c.followed_up_at.isoformat(sep=' ')}: {c.follow_up_note}" if c.followed_up_at else ""
        )
        lines.append(
            f"| {c.number} | {c.consulted_at.isoformat(sep=' ')} | {c.channel.value} | "
            f"{c.handled_by} | {_cell(c.summary)} | {_cell(', '.join(c.parties))} | "
            f"{c.follow_up.isoformat() if c.follow_up else ''} | {_cell(followed)} |"
        )
    return {f"{SECTION_FOLDERS[Section.BASIC]}/{LOG_NAME}": "\n".join(lines) + "\n"}


def client_summaries(conn: Connection, client_id: int) -> list[dict[str, Any]]:
    """One short row per consultation, for `client show`."""
    return [
        {
            "number": c.number,
            "consulted_at": c.consulted_at.isoformat(sep=" "),
            "channel": c.channel.value,
            "summary": c.summary,
            "follow_up": c.follow_up.isoformat() if c.follow_up else None,
            "followed_up": c.followed_up_at.date().isoformat() if c.followed_up_at else None,
        }
        for c in for_client(conn, client_id)
    ]
