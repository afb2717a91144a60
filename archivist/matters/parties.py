"""Parties added to a matter after it was opened (a new defendant, a legal representative...).

Each addition runs the conflict check like `matter open` does, and the check is kept with the
matter whatever its result: an opposing party the firm acts for is refused unless the client's
written waiver is given."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from archivist.core import audit, clock, textnorm
from archivist.core.context import Context
from archivist.core.errors import Conflict, InvalidInput
from archivist.core.i18n import _
from archivist.ledger.tables.matters import matter_parties, matters
from archivist.matters import conflict_assess, conflicts
from archivist.matters.service import _require_open, add_event, clean_text, get, require_writer
from archivist.models import ConflictCheck, Matter, User


def add_parties(
    ctx: Context,
    number: str,
    opposing: Sequence[str] = (),
    related: Sequence[str] = (),
    relation: str | None = None,
    conflict_waiver: str | None = None,
) -> ConflictCheck:
    """Add opposing ('NAME' or 'NAME:ID') and related parties to an open matter."""
    opp = [conflicts.parse_party(p) for p in opposing]
    rel = [conflicts.parse_party(p) for p in related]
    if not opp and not rel:
        raise InvalidInput("no party given", "Pass --opposing NAME or --related NAME.")
    relation = clean_text(relation, "the relation", 200) if relation is not None else None
    conflict_assess.parse_waiver(conflict_waiver)
    waiver = conflict_waiver
    actor = ctx.actor
    outcome: dict[str, object] = {}

    def work() -> None:
        with ctx.ledger.write() as conn:
            matter = get(conn, number)
            require_writer(conn, actor, matter, number)
            _require_open(matter, "new parties")
            outcome.update(_add_in(ctx, conn, actor, matter, opp, rel, relation, waiver))

    ctx.ledger.retrying(work)
    if "refusal" in outcome:
        refusal = outcome["refusal"]
        assert isinstance(refusal, Conflict)
        raise refusal
    from archivist.clients import registry

    registry.refresh_manifest(ctx, int(str(outcome["client_id"])))
    check = outcome["check"]
    assert isinstance(check, ConflictCheck)
    return check


def _add_in(
    ctx: Context,
    conn: Connection,
    actor: User,
    matter: Matter,
    opp: list[tuple[str, str | None]],
    rel: list[tuple[str, str | None]],
    relation: str | None,
    waiver: str | None,
) -> dict[str, object]:
    a = conflict_assess.assess(
        conn,
        ctx.settings.conflicts,
        "party-add",
        client_id=matter.client_id,
        opposing=opp,
        related=rel,
        exclude_matter_id=matter.id,
        waiver=waiver,
    )
    if a.refused:
        check_id = conflict_assess.keep(
            conn, actor, a, matter_id=matter.id, client_id=matter.client_id
        )
        audit.record(
            conn,
            actor.username,
            "matter.party_refused",
            "matter",
            matter.number,
            matter.client_id,
            check=check_id,
            opposing=[n for n, _ in opp],
            hits=[h.detail for h in a.blocking],
        )
        return {
            "refusal": conflict_assess.refusal(
                conflict_assess.shown_to(conn, ctx, a),
                _("no party was added to {matter}").format(matter=matter.number),
                check_id,
            )
        }
    now = clock.now()
    for role, items in (("opposing", opp), ("related", rel)):
        for name, ident in items:
            conn.execute(
                matter_parties.insert().values(
                    matter_id=matter.id,
                    role=role,
                    name=name,
                    name_key=textnorm.fold(name),
                    id_number=ident,
                    relation=relation if role == "related" else None,
                    added_at=now,
                    added_by=actor.id,
                )
            )
    check_id = conflict_assess.keep(conn, actor, a, matter_id=matter.id, client_id=matter.client_id)
    ref = conflict_assess.waiver_ref(a.waiver.id) if a.waiver else None
    if ref:
        conn.execute(matters.update().where(matters.c.id == matter.id).values(conflict_waiver=ref))
    text = "; ".join(
        [f"opposing: {n}" for n, _ in opp]
        + [f"related: {n}" + (f" ({relation})" if relation else "") for n, _ in rel]
    )
    if ref:
        text += _("; conflict waived by the written waiver {ref}").format(ref=ref)
    add_event(conn, matter, actor, "parties-added", text)
    audit.record(
        conn,
        actor.username,
        "matter.parties",
        "matter",
        matter.number,
        matter.client_id,
        opposing=[n for n, _ in opp],
        related=[n for n, _ in rel],
        relation=relation,
        conflict_check=check_id,
        conflict_result=a.result,
        waiver=ref,
        note=text,
    )
    check = conflicts.get_check(conn, check_id)
    check.hits = conflicts.visible_hits(conn, ctx, check.hits)  # a lawyer adds parties too
    return {"check": check, "client_id": matter.client_id}
