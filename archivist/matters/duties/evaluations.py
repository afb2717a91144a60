"""The client's evaluation of a lawyer's service (監督權), at closure or at any time, and the
summary per lawyer for management."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.clients import registry
from archivist.core import audit, clock
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.core.i18n import _
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.matters import matter_lawyers
from archivist.ledger.tables.matters import matters as matters_t
from archivist.ledger.tables.rights import evaluations
from archivist.matters import service as matters
from archivist.matters.duties.common import add_event, clean_text, new_id, usernames
from archivist.models import Evaluation, LawyerServiceSummary, Role


def _select() -> Any:
    return (
        select(
            evaluations,
            matters_t.c.number.label("matter_number"),
            clients.c.number.label("client_number"),
        )
        .select_from(
            evaluations.join(matters_t, matters_t.c.id == evaluations.c.matter_id).join(
                clients, clients.c.id == matters_t.c.client_id
            )
        )
        .order_by(evaluations.c.id)
    )


def _models(conn: Connection, rows: Sequence[Any]) -> list[Evaluation]:
    names = usernames(conn)
    return [
        Evaluation(
            id=r.id,
            matter=r.matter_number,
            client=r.client_number,
            lawyer=names[r.lawyer_id],
            score=r.score,
            comment=r.comment,
            at_closure=bool(r.at_closure),
            recorded_at=r.recorded_at,
            recorded_by=names[r.recorded_by],
        )
        for r in rows
    ]


def evaluate(
    ctx: Context,
    matter_number: str,
    score: int,
    comment: str | None = None,
    lawyer: str | None = None,
) -> list[Evaluation]:
    """Record the client's score (1-5) for the matter's lawyer(s): the named one, else every
    lawyer actively assigned. At closure when the matter is closed."""
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("record a client's evaluation"))
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise InvalidInput(
            _("--score {score!r} is not 1-5").format(score=score),
            _("Give a whole number from 1 to 5."),
        )
    text = clean_text(comment, _("the comment (--comment)"), required=False)
    with ctx.ledger.write() as conn:
        matter = matters.get(conn, matter_number)
        if lawyer:
            from archivist.core import users as users_mod

            who = users_mod.get(conn, lawyer.strip())
            ever = conn.execute(
                select(matter_lawyers.c.id).where(
                    matter_lawyers.c.matter_id == matter.id, matter_lawyers.c.user_id == who.id
                )
            ).first()
            if ever is None:
                raise InvalidInput(
                    _("{username} never worked on matter {number}").format(
                        username=who.username, number=matter.number
                    ),
                    _("Name one of its lawyers in --lawyer."),
                )
            ids = [who.id]
        else:
            ids = list(
                conn.execute(
                    select(matter_lawyers.c.user_id)
                    .where(
                        matter_lawyers.c.matter_id == matter.id,
                        matter_lawyers.c.removed_at.is_(None),
                    )
                    .order_by(matter_lawyers.c.id)
                ).scalars()
            )
            if not ids:
                raise InvalidInput(
                    _("matter {number} has no assigned lawyer").format(number=matter.number),
                    _("Name the lawyer with --lawyer."),
                )
        at_closure = matter.status == "closed"
        now = clock.now()
        new_ids = [
            new_id(
                conn.execute(
                    evaluations.insert().values(
                        matter_id=matter.id,
                        lawyer_id=uid,
                        score=score,
                        comment=text,
                        at_closure=at_closure,
                        recorded_at=now,
                        recorded_by=actor.id,
                    )
                )
            )
            for uid in ids
        ]
        names = usernames(conn)
        add_event(
            conn,
            matter,
            actor,
            "evaluation",
            f"client's evaluation {score}/5 of {', '.join(names[i] for i in ids)}"
            + (f": {text}" if text else ""),
        )
        audit.record(
            conn,
            actor.username,
            "matter.evaluate",
            "matter",
            matter.number,
            matter.client_id,
            score=score,
            comment=text,
            lawyers=[names[i] for i in ids],
            at_closure=at_closure,
        )
        out = _models(conn, conn.execute(_select().where(evaluations.c.id.in_(new_ids))).all())
    registry.refresh_manifest(ctx, matter.client_id)
    return out


def for_matter(conn: Connection, matter_id: int) -> list[Evaluation]:
    return _models(conn, conn.execute(_select().where(evaluations.c.matter_id == matter_id)).all())


def summary(
    ctx: Context, since: date | str | None = None, until: date | str | None = None
) -> list[LawyerServiceSummary]:
    """Evaluations per lawyer (count, average, lowest, highest, scores of 1-2, matters),
    lowest average first so that the lawyers who need attention come first."""
    actor = ctx.require(
        Role.ARCHIVIST, Role.HEAD, Role.MANAGEMENT, action=_("see the service evaluations")
    )
    start = clock.parse_date(since, "--from") if since else None
    end = clock.parse_date(until, "--to") if until else None
    if start and end and start > end:
        raise InvalidInput(_("--from is after --to"))
    with ctx.ledger.write() as conn:
        stmt = select(
            evaluations.c.lawyer_id,
            evaluations.c.matter_id,
            evaluations.c.score,
            evaluations.c.recorded_at,
        )
        rows = [
            r
            for r in conn.execute(stmt)
            if (start is None or r.recorded_at.date() >= start)
            and (end is None or r.recorded_at.date() <= end)
        ]
        people = {
            r.id: r
            for r in conn.execute(select(users.c.id, users.c.username, users.c.display_name))
        }
        per: dict[int, list[Any]] = {}
        for r in rows:
            per.setdefault(r.lawyer_id, []).append(r)
        out = []
        for uid, items in per.items():
            scores = [i.score for i in items]
            out.append(
                LawyerServiceSummary(
                    lawyer=people[uid].username,
                    display_name=people[uid].display_name,
                    evaluations=len(scores),
                    average=round(sum(scores) / len(scores), 2),
                    lowest=min(scores),
                    highest=max(scores),
                    low_scores=sum(1 for s in scores if s <= 2),
                    matters=len({i.matter_id for i in items}),
                )
            )
        audit.record(
            conn,
            actor.username,
            "report.service",
            "report",
            "service",
            since=start,
            until=end,
            lawyers=len(out),
            evaluations=len(rows),
        )
    return sorted(out, key=lambda s: (s.average, s.lawyer))
