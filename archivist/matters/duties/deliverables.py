"""Deliverables with due dates (按時提交法律文書): the legal documents a matter owes the client,
from the contract or added later; done when the filed document is linked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archivist.clients import registry
from archivist.core import access, audit, clock
from archivist.core.context import Context
from archivist.core.errors import Conflict, InvalidInput, NotFound
from archivist.ledger.tables.core import clients
from archivist.ledger.tables.matters import matter_lawyers
from archivist.ledger.tables.matters import matters as matters_t
from archivist.ledger.tables.rights import deliverables
from archivist.matters import service as matters
from archivist.matters.duties.common import (
    add_event,
    clean_text,
    document_id,
    document_numbers,
    require_writer,
    usernames,
)
from archivist.models import Deliverable, Matter, User


def _status(row: Any, today: date) -> str:
    if row.done_at is not None:
        return "done"
    return "overdue" if row.due < today else "open"


def _lawyers_by_matter(conn: Connection, matter_ids: set[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {m: [] for m in matter_ids}
    if not matter_ids:
        return out
    names = usernames(conn)
    for r in conn.execute(
        select(matter_lawyers.c.matter_id, matter_lawyers.c.user_id)
        .where(matter_lawyers.c.matter_id.in_(matter_ids), matter_lawyers.c.removed_at.is_(None))
        .order_by(matter_lawyers.c.id)
    ):
        out[r.matter_id].append(names[r.user_id])
    return out


def _models(conn: Connection, rows: Sequence[Any]) -> list[Deliverable]:
    today = clock.today()
    names = usernames(conn)
    docs = document_numbers(conn, {r.document_id for r in rows if r.document_id})
    lawyers = _lawyers_by_matter(conn, {r.matter_id for r in rows})
    return [
        Deliverable(
            id=r.seq,
            matter=r.matter_number,
            client=r.client_number,
            title=r.title,
            due=r.due,
            source=r.source,
            status=_status(r, today),
            done_at=r.done_at,
            done_by=names.get(r.done_by) if r.done_by else None,
            document=docs.get(r.document_id) if r.document_id else None,
            lawyers=lawyers[r.matter_id],
        )
        for r in rows
    ]


def _select() -> Any:
    return (
        select(
            deliverables,
            matters_t.c.number.label("matter_number"),
            clients.c.number.label("client_number"),
        )
        .select_from(
            deliverables.join(matters_t, matters_t.c.id == deliverables.c.matter_id).join(
                clients, clients.c.id == matters_t.c.client_id
            )
        )
        .order_by(deliverables.c.due, matters_t.c.number, deliverables.c.seq)
    )


def add_in(
    conn: Connection,
    matter: Matter,
    actor: User,
    title: str,
    due: date | str,
    source: str = "added",
) -> Deliverable:
    """Add a deliverable inside the caller's write transaction (contract generation calls this
    with source='contract'). Audited."""
    what = clean_text(title, "the title (--title)", limit=500)
    when = clock.parse_date(due, "--due")
    if when < clock.today():
        raise InvalidInput(
            f"--due {when.isoformat()} is in the past", "Give today or a later date."
        )
    if source not in ("added", "contract"):
        raise InvalidInput(f"unknown deliverable source {source!r}")
    if matter.status == "closed":
        raise Conflict(
            f"matter {matter.number} is 'closed'", "Reopen it first (`archivist matter reopen`)."
        )
    seq = (
        int(
            conn.execute(
                select(func.coalesce(func.max(deliverables.c.seq), 0)).where(
                    deliverables.c.matter_id == matter.id
                )
            ).scalar_one()
        )
        + 1
    )
    conn.execute(
        deliverables.insert().values(
            matter_id=matter.id,
            seq=seq,
            title=what,
            due=when,
            source=source,
            created_at=clock.now(),
            created_by=actor.id,
        )
    )
    add_event(conn, matter, actor, "deliverable", f"deliverable {seq} due {when}: {what}")
    audit.record(
        conn,
        actor.username,
        "deliverable.add",
        "matter",
        matter.number,
        matter.client_id,
        deliverable=seq,
        title=what,
        due=when,
        source=source,
    )
    return _one(conn, matter.id, seq)


def _one(conn: Connection, matter_id: int, seq: int) -> Deliverable:
    rows = conn.execute(
        _select().where(deliverables.c.matter_id == matter_id, deliverables.c.seq == seq)
    ).all()
    if not rows:
        raise NotFound(
            f"no deliverable {seq} on this matter",
            "See `archivist matter deliverable list --matter MATTER`.",
        )
    return _models(conn, rows)[0]


def add(ctx: Context, matter_number: str, title: str, due: date | str) -> Deliverable:
    actor = ctx.actor
    with ctx.ledger.write() as conn:
        matter = matters.get(conn, matter_number)
        require_writer(conn, actor, matter)
        item = add_in(conn, matter, actor, title, due)
    registry.refresh_manifest(ctx, matter.client_id)
    return item


def done(
    ctx: Context, matter_number: str, seq: int, document: str | None = None, note: str | None = None
) -> Deliverable:
    actor = ctx.actor
    remark = clean_text(note, "the note (--note)", required=False)
    with ctx.ledger.write() as conn:
        matter = matters.get(conn, matter_number)
        require_writer(conn, actor, matter)
        row = conn.execute(
            select(deliverables).where(
                deliverables.c.matter_id == matter.id, deliverables.c.seq == seq
            )
        ).first()
        if row is None:
            raise NotFound(
                f"no deliverable {seq} on matter {matter.number}",
                f"See `archivist matter deliverable list --matter {matter.number}`.",
            )
        if row.done_at is not None:
            raise Conflict(
                f"deliverable {seq} of matter {matter.number} is already done "
                f"({row.done_at:%Y-%m-%d})"
            )
        doc_id = document_id(conn, document, matter.client_id) if document else None
        now = clock.now()
        conn.execute(
            deliverables.update()
            .where(deliverables.c.id == row.id)
            .values(done_at=now, done_by=actor.id, document_id=doc_id, note=remark)
        )
        late = (now.date() - row.due).days
        add_event(
            conn,
            matter,
            actor,
            "deliverable",
            f"deliverable {seq} delivered: {row.title}"
            + (f" (document {document.strip()})" if document else "")
            + (f", {late} day(s) late" if late > 0 else ""),
        )
        audit.record(
            conn,
            actor.username,
            "deliverable.done",
            "matter",
            matter.number,
            matter.client_id,
            deliverable=seq,
            document=document,
            days_late=max(late, 0),
            note=remark,
        )
        item = _one(conn, matter.id, seq)
    registry.refresh_manifest(ctx, matter.client_id)
    return item


def for_matter(conn: Connection, matter_id: int) -> list[Deliverable]:
    rows = conn.execute(_select().where(deliverables.c.matter_id == matter_id)).all()
    return sorted(_models(conn, rows), key=lambda d: d.id)


def open_deliverables(conn: Connection, matter_id: int) -> list[Deliverable]:
    """Deliverables not yet done (for the warning at closure)."""
    return [d for d in for_matter(conn, matter_id) if d.status != "done"]


def list_deliverables(
    ctx: Context,
    *,
    matter: str | None = None,
    overdue: bool = False,
    lawyer: str | None = None,
    include_done: bool = False,
) -> list[Deliverable]:
    """Open (and overdue) deliverables the actor may see; lawyers see their own matters'."""
    user = ctx.actor
    with ctx.ledger.read() as conn:
        stmt = _select()
        if matter:
            stmt = stmt.where(deliverables.c.matter_id == matters.get(conn, matter).id)
        if not include_done:
            stmt = stmt.where(deliverables.c.done_at.is_(None))
        if overdue:
            stmt = stmt.where(deliverables.c.done_at.is_(None), deliverables.c.due < clock.today())
        if lawyer:
            from archivist.core import users as users_mod

            uid = users_mod.get(conn, lawyer.strip()).id
            stmt = stmt.where(
                deliverables.c.matter_id.in_(
                    select(matter_lawyers.c.matter_id).where(
                        matter_lawyers.c.user_id == uid, matter_lawyers.c.removed_at.is_(None)
                    )
                )
            )
        if not access.oversees_all_matters(user):
            scope = access.scope_for(conn, user, ctx.settings.deadlines)
            stmt = stmt.where(
                (matters_t.c.client_id.in_(scope.client_ids or {-1}))
                | (matters_t.c.id.in_(scope.matter_ids or {-1}))
            )
        return _models(conn, conn.execute(stmt).all())
