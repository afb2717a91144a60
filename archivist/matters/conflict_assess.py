"""The one conflict assessment (issues 16 and 21): the hits, which of them block, and the refusal.

Every operation that can put the firm or a lawyer on both sides asks `assess()` and keeps its
answer with `keep()`: consultation (names in it), matter opening and adding a party (the other
side against everyone the firm acts for), reassignment, loan approval and complaint assignment
(a lawyer who acts for the other side of any of the client's matters). A hit blocks when it
is on someone the firm acts for (or on a lawyer of the other side), its strength reaches
`[conflicts] block_strength`, and the check is not one of `[conflicts] warn_only`. A blocking
assessment goes ahead only on a written waiver approved by a head (`conflict_waivers`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import audit
from archivist.core.config import ConflictSettings
from archivist.core.errors import Conflict, InvalidInput
from archivist.core.i18n import _
from archivist.ledger.tables.conflicts import client_names, conflict_waivers
from archivist.ledger.tables.core import clients
from archivist.ledger.tables.matters import conflict_checks, matter_lawyers, matter_parties, matters
from archivist.matters import conflict_names as names
from archivist.matters import conflicts
from archivist.models import ConflictHit, User

PURPOSES = (
    "search",
    "consultation",
    "matter-open",
    "party-add",
    "reassign",
    "loan-approve",
    "complaint-assign",
)


@dataclass
class Assessment:
    purpose: str
    names: list[str]
    id_numbers: list[str]
    hits: list[ConflictHit]
    blocking: list[ConflictHit]
    waiver: Any = None  # the conflict_waivers row that lifts the blocking hits
    warnings: list[str] = field(default_factory=list)

    @property
    def result(self) -> str:
        if self.blocking:
            return "waived" if self.waiver is not None else "refused"
        return "hits" if self.hits else "clear"

    @property
    def refused(self) -> bool:
        return bool(self.blocking) and self.waiver is None


def parse_waiver(text: str | None) -> int | None:
    """'W3' or '3' -> 3. A waiver is the number of one asked for with `conflict waive` and
    approved by a head; free text ("口頭同意") is refused."""
    if text is None:
        return None
    raw = (text or "").strip().upper()
    digits = raw[1:] if raw.startswith("W") else raw
    if not digits.isdigit() or len(digits) > 9:
        raise InvalidInput(
            _("{text!r} is not a written waiver").format(text=text[:40]),
            _(
                "A conflict is waived only by a waiver number (W3): ask for it with `archivist "
                "conflict waive CHECK --consent DOCUMENT`, naming the filed consent, and have a "
                "head approve it."
            ),
        )
    return int(digits)


def waiver_ref(waiver_id: int) -> str:
    return f"W{waiver_id}"


def _blocks(hit: ConflictHit, settings: ConflictSettings, purpose: str) -> bool:
    return (
        hit.blocking
        and hit.strength >= settings.block_strength
        and purpose not in settings.warn_only
    )


def assess(
    conn: Connection,
    settings: ConflictSettings,
    purpose: str,
    *,
    client_id: int | None = None,
    opposing: Sequence[tuple[str, str | None]] = (),
    related: Sequence[tuple[str, str | None]] = (),
    exclude_matter_id: int | None = None,
    lawyers: Sequence[User] = (),
    waiver: str | None = None,
) -> Assessment:
    """Search, decide what blocks and whether the waiver lifts it. `opposing`: the other side
    ('NAME', ID-or-None); `related`: parties whose hits only warn; `lawyers`: users about to act
    for `client_id` (assigned, lent its archive, given its complaint)."""
    opp_names = [n for n, _ in opposing]
    opp_ids = [i for _, i in opposing if i]
    hits = conflicts.search(conn, opp_names, opp_ids, exclude_matter_id, settings)
    rel_hits = [
        h.model_copy(update={"blocking": False})
        for h in conflicts.search(
            conn, [n for n, _ in related], [i for _, i in related if i], exclude_matter_id, settings
        )
    ]
    if client_id is not None:
        for user in lawyers:
            hits += adverse_lawyer_hits(conn, settings, client_id, user)
    blocking = [h for h in hits if _blocks(h, settings, purpose)]
    checked = opp_names + [n for n, _ in related] + [u.username for u in lawyers]
    ids = opp_ids + [i for _, i in related if i]
    a = Assessment(purpose, checked, ids, hits + rel_hits, blocking)
    a.warnings = [
        _("related party {who}: {detail}").format(who=h.searched, detail=h.detail) for h in rel_hits
    ] + [
        (_("lawyer {who}: {detail}") if h.kind == "lawyer" else _("{side} {who}: {detail}")).format(
            side=_("party") if purpose in ("consultation", "search") else _("opposing party"),
            who=h.searched,
            detail=h.detail,
        )
        for h in hits
        if h not in blocking
    ]
    waiver_id = parse_waiver(waiver)
    if waiver_id is not None and blocking:
        a.waiver = _usable_waiver(conn, waiver_id, purpose, client_id, blocking)
    elif waiver_id is not None:
        a.warnings.append(
            _(
                "no blocking conflict was found; the waiver {ref} was not needed and not used"
            ).format(ref=waiver_ref(waiver_id))
        )
    return a


def _hit_key(hit: ConflictHit) -> tuple[str, str, str]:
    return (hit.where, hit.reference, hit.match)


def _usable_waiver(
    conn: Connection,
    waiver_id: int,
    purpose: str,
    client_id: int | None,
    blocking: list[ConflictHit],
) -> Any:
    row = conn.execute(select(conflict_waivers).where(conflict_waivers.c.id == waiver_id)).first()
    ref = waiver_ref(waiver_id)
    if row is None:
        raise InvalidInput(
            _("no conflict waiver {ref}").format(ref=ref), _("See `archivist conflict waivers`.")
        )
    if row.status != "approved":
        raise Conflict(
            _("waiver {ref} is '{status}', not approved").format(ref=ref, status=row.status),
            _(
                "A head who did not ask for it approves it: `archivist conflict approve {ref}`."
            ).format(ref=ref),
        )
    if row.purpose != purpose or (row.client_id is not None and row.client_id != client_id):
        raise Conflict(
            _("waiver {ref} was given for another check ({purpose})").format(
                ref=ref, purpose=row.purpose
            ),
            _("Ask for a waiver of this conflict."),
        )
    waived = conn.execute(
        select(conflict_checks.c.hits).where(conflict_checks.c.id == row.check_id)
    ).scalar_one()
    covered = {_hit_key(ConflictHit.model_validate(h)) for h in json.loads(waived)}
    missing = [h for h in blocking if _hit_key(h) not in covered]
    if missing:
        raise Conflict(
            _("waiver {ref} does not cover {detail}").format(ref=ref, detail=missing[0].detail),
            _("Ask for a waiver of this conflict."),
        )
    return row


def refusal(a: Assessment, what: str, check_id: int) -> Conflict:
    """The one refusal message of a blocking assessment."""
    first = a.blocking[0]
    more = _(" (and {n} more)").format(n=len(a.blocking) - 1) if len(a.blocking) > 1 else ""
    if first.kind == "lawyer":
        text = _("conflict of interest: lawyer {who} {detail}{more}; {what}")
    else:
        text = _(
            "conflict of interest: {who} is {detail} ({rule}, strength {strength}){more}; {what}"
        )
    return Conflict(
        text.format(
            who=first.searched,
            detail=first.detail,
            rule=first.rule,
            strength=first.strength,
            more=more,
            what=what,
        ),
        _(
            "Resolve the conflict, or ask for a written waiver naming the filed consent "
            "(`archivist conflict waive {check} --consent DOCUMENT --reason TEXT`), have a head "
            "approve it, and give it with --conflict-waiver W<number>."
        ).format(check=check_id),
    )


def keep(
    conn: Connection,
    actor: User,
    a: Assessment,
    *,
    matter_id: int | None = None,
    client_id: int | None = None,
) -> int:
    """Keep the check and its result; a waiver that lifted it is used up and linked to the
    matter."""
    ref = waiver_ref(a.waiver.id) if a.waiver is not None else None
    check_id = conflicts.record(
        conn,
        actor.id,
        a.purpose,
        a.names,
        a.id_numbers,
        a.hits,
        a.result,
        matter_id=matter_id,
        client_id=client_id,
        waiver=ref,
    )
    if a.waiver is not None:
        conn.execute(
            conflict_checks.update()
            .where(conflict_checks.c.id == check_id)
            .values(waiver_id=a.waiver.id)
        )
        conn.execute(
            conflict_waivers.update()
            .where(conflict_waivers.c.id == a.waiver.id)
            .values(status="used", used_check_id=check_id, matter_id=matter_id)
        )
        audit.record(
            conn,
            actor.username,
            "conflict.waiver_used",
            "conflict_waiver",
            ref or "",
            client_id,
            check=check_id,
            matter=matter_id,
        )
    return check_id


# ------------------------------------------------------------------ lawyers of the other side
def _client_keys(
    conn: Connection, client_id: int, rules: names.Rules
) -> tuple[list[names.NameKey], set[str]]:
    row = conn.execute(
        select(clients.c.name, clients.c.id_number).where(clients.c.id == client_id)
    ).one()
    keys = [names.key(row.name, rules)]
    ids = {row.id_number} if row.id_number else set()
    for o in conn.execute(
        select(client_names.c.name, client_names.c.id_number).where(
            client_names.c.client_id == client_id, client_names.c.kind != "related"
        )
    ):
        keys.append(names.key(o.name, rules))
        if o.id_number:
            ids.add(o.id_number)
    return keys, ids


def _same(
    keys: list[names.NameKey],
    ids: set[str],
    name: str,
    ident: str | None,
    rules: names.Rules,
    at: int,
) -> bool:
    if ident and ident in ids:
        return True
    other = names.key(name, rules)
    return any((m := names.compare(k, other, rules)) is not None and m.strength >= at for k in keys)


def adverse_lawyer_hits(
    conn: Connection, settings: ConflictSettings, client_id: int, user: User
) -> list[ConflictHit]:
    """Matters in which `user` acts (or acted) on the other side of `client_id`: a matter of
    another client against this client, or a matter for a client this client's matters oppose."""
    rules = conflicts.rules_of(settings)
    at = settings.block_strength
    keys, ids = _client_keys(conn, client_id, rules)
    opponents = [
        (r.name, r.id_number)
        for r in conn.execute(
            select(matter_parties.c.name, matter_parties.c.id_number)
            .select_from(matter_parties.join(matters, matters.c.id == matter_parties.c.matter_id))
            .where(matters.c.client_id == client_id, matter_parties.c.role == "opposing")
        )
    ]
    theirs = conn.execute(
        select(
            matters.c.id,
            matters.c.number,
            clients.c.id.label("client_id"),
            clients.c.number.label("client_number"),
            clients.c.name.label("client_name"),
        )
        .distinct()
        .select_from(
            matter_lawyers.join(matters, matters.c.id == matter_lawyers.c.matter_id).join(
                clients, clients.c.id == matters.c.client_id
            )
        )
        .where(matter_lawyers.c.user_id == user.id, matters.c.client_id != client_id)
        .order_by(matters.c.id)
    ).all()
    hits: list[ConflictHit] = []
    for m in theirs:
        against = [
            p.name
            for p in conn.execute(
                select(matter_parties.c.name, matter_parties.c.id_number).where(
                    matter_parties.c.matter_id == m.id, matter_parties.c.role == "opposing"
                )
            )
            if _same(keys, ids, p.name, p.id_number, rules, at)
        ]
        their_keys, their_ids = _client_keys(conn, m.client_id, rules)
        opposed = any(_same(their_keys, their_ids, n, i, rules, at) for n, i in opponents)
        if not against and not opposed:
            continue
        hits.append(
            ConflictHit(
                searched=user.username,
                found=m.client_name,
                match="adverse-lawyer",
                where="lawyer",
                reference=m.number,
                client_number=m.client_number,
                matter_number=m.number,
                detail=_(
                    "acts for the other side in matter {matter} (client {client} {name})"
                ).format(matter=m.number, client=m.client_number, name=m.client_name),
                blocking=True,
                rule="adverse-side",
                strength=100,
                kind="lawyer",
            )
        )
    return hits


def require_lawyer_clear(
    ctx: Any,
    purpose: str,
    client_id: int,
    user: User,
    waiver: str | None = None,
    matter_id: int | None = None,
    what: str = "",
) -> Assessment:
    """The check for a user about to act for a client (reassignment, loan approval, complaint
    assignment), kept in its own transaction; raises the refusal when it blocks."""
    parse_waiver(waiver)
    actor = ctx.actor
    with ctx.ledger.write() as conn:
        a = assess(
            conn,
            ctx.settings.conflicts,
            purpose,
            client_id=client_id,
            lawyers=[user],
            waiver=waiver,
        )
        check_id = keep(conn, actor, a, matter_id=matter_id, client_id=client_id)
        if a.refused:
            audit.record(
                conn,
                actor.username,
                "conflict.refused",
                "conflict_check",
                str(check_id),
                client_id,
                purpose=purpose,
                user=user.username,
                hits=[h.detail for h in a.blocking],
            )
    if a.refused:
        raise refusal(a, what, check_id)
    return a


def shown_to(conn: Connection, ctx: Any, a: Assessment) -> Assessment:
    """The assessment as the acting user may see it: another client's identity only where they
    may read that client (`conflicts.visible_hits`); the kept check holds everything."""
    hits = conflicts.visible_hits(conn, ctx, a.hits)
    if hits == a.hits:
        return a
    blocking = conflicts.visible_hits(conn, ctx, a.blocking)
    shown = replace(a, hits=hits, blocking=blocking)
    shown.warnings = [
        _("{who}: {detail}").format(who=h.searched, detail=h.detail)
        for h in hits
        if h not in blocking
    ]
    return shown
