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
from archivist.matters import conflicts
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
        raise InvalidInput(_("no party given"), _("Pass --opposing NAME or --related NAME."))
    relation = clean_text(relation, _("the relation"), 200) if relation is not None else None
    waiver = (
        clean_text(conflict_waiver, _("the waiver reference"), 200)
        if conflict_waiver is not None
        else None
    )
    actor = ctx.actor
    outcome: dict[str, object] = {}

    def work() -> None:
        with ctx.ledger.write() as conn:
            matter = get(conn, number)
            require_writer(conn, actor, matter, number)
            _require_open(matter, "new parties")
            outcome.update(_add_in(conn, actor, matter, opp, rel, relation, waiver))

    ctx.ledger.retrying(work)
    if "refusal" in outcome:
        raise Conflict(
            str(outcome["refusal"]),
            _(
                "Resolve the conflict, or record the client's written waiver with --conflict-waiver REFERENCE."
            ),
        )
    from archivist.clients import registry

    registry.refresh_manifest(ctx, int(str(outcome["client_id"])))
    check = outcome["check"]
    assert isinstance(check, ConflictCheck)
    return check


def _add_in(
    conn: Connection,
    actor: User,
    matter: Matter,
    opp: list[tuple[str, str | None]],
    rel: list[tuple[str, str | None]],
    relation: str | None,
    waiver: str | None,
) -> dict[str, object]:
    hits = conflicts.search(
        conn, [n for n, _ in opp], [i for _, i in opp if i], exclude_matter_id=matter.id
    )
    rel_hits = [
        h.model_copy(update={"blocking": False})
        for h in conflicts.search(
            conn, [n for n, _ in rel], [i for _, i in rel if i], exclude_matter_id=matter.id
        )
    ]
    blocking = [h for h in hits if h.blocking]
    names = [n for n, _ in opp] + [n for n, _ in rel]
    idents = [i for _, i in opp + rel if i]
    if blocking and waiver is None:
        check_id = conflicts.record(
            conn,
            actor.id,
            "party-add",
            names,
            idents,
            hits + rel_hits,
            "refused",
            matter_id=matter.id,
            client_id=matter.client_id,
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
            hits=[h.detail for h in blocking],
        )
        first = blocking[0]
        return {
            "refusal": _(
                "conflict of interest: opposing party {party} is {detail}; no party was added "
                "to {number}"
            ).format(party=first.searched, detail=conflicts.describe(first), number=matter.number)
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
    result = "waived" if blocking else ("hits" if hits or rel_hits else "clear")
    check_id = conflicts.record(
        conn,
        actor.id,
        "party-add",
        names,
        idents,
        hits + rel_hits,
        result,
        matter_id=matter.id,
        client_id=matter.client_id,
        waiver=waiver if blocking else None,
    )
    if blocking:
        conn.execute(
            matters.update().where(matters.c.id == matter.id).values(conflict_waiver=waiver)
        )
    text = "; ".join(
        [f"opposing: {n}" for n, _ in opp]
        + [f"related: {n}" + (f" ({relation})" if relation else "") for n, _ in rel]
    )
    if blocking:
        text += f"; conflict waived by the client's written waiver {waiver}"
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
        conflict_result=result,
        waiver=waiver if blocking else None,
        note=text,
    )
    return {"check": conflicts.get_check(conn, check_id), "client_id": matter.client_id}
