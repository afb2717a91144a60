"""The conflict-of-interest register search, the kept checks, and what a user may see of them.

Each name is compared with every name on file (clients and their aliases, former names and
related parties, every party of every matter, the people named in consultations) by the rules of
`conflict_names` (each hit says its rule and strength); identity numbers, unified business
numbers and credit codes match exactly; consultation summaries are searched for the name. What
blocks is decided once, in `conflict_assess`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import access, audit, clock
from archivist.core.access import REDACTED
from archivist.core.config import ConflictSettings
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.core.i18n import _
from archivist.ledger.tables.conflicts import client_names
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.matters import (
    conflict_checks,
    consultation_parties,
    consultations,
    matter_parties,
    matters,
)
from archivist.matters import conflict_names as names
from archivist.matters.conflict_names import Rules
from archivist.models import ConflictCheck, ConflictHit, Role

MAX_NAMES = 50
MIN_MENTION_CHARS = 2  # shorter names are not looked for inside consultation summaries


def clean_party_name(name: str) -> str:
    from archivist.clients.registry import clean_name

    try:
        return clean_name(name)
    except InvalidInput:
        raise InvalidInput(
            f"party name {name[:40]!r} is empty or not a name", "Give the party's full name."
        ) from None


def parse_party(text: str) -> tuple[str, str | None]:
    """'NAME' or 'NAME:ID-NUMBER' (the last ':' splits, when what follows looks like an id)."""
    from archivist.clients.registry import clean_id_number

    raw = (text or "").strip()
    for sep in (":", "："):
        name, found, ident = raw.rpartition(sep)
        if found and name.strip() and any(c.isdigit() for c in ident):
            return clean_party_name(name), clean_id_number(ident)
    return clean_party_name(raw), None


def rules_of(settings: ConflictSettings) -> Rules:
    return Rules(
        min_cjk_chars=settings.min_cjk_chars,
        min_latin_words=settings.min_latin_words,
        legal_forms=tuple(settings.legal_forms),
    )


def _client_matters(conn: Connection, client_id: int) -> list[str]:
    return list(
        conn.execute(
            select(matters.c.number).where(matters.c.client_id == client_id).order_by(matters.c.id)
        ).scalars()
    )


# the cap on a hit's strength by what was found: the client's own name, another name of theirs
_CAPS = {"name": 100, "id_number": 100, "alias": names.ALIAS, "former-name": names.ALIAS}
_KINDS = {"alias": "alias", "former": "former-name", "related": "related-party"}


def _hit_for(searched: str, found: str, m: names.Match, cap: int, **kw: Any) -> ConflictHit:
    strength = min(cap, m.strength)
    return ConflictHit(searched=searched, found=found, rule=m.rule, strength=strength, **kw)


class _Finder:
    """Compares one searched name with every name on file (clients, their other names, matter
    parties, consultation parties); keys are computed once per name and cached."""

    def __init__(self, conn: Connection, rules: Rules, report: int) -> None:
        self.conn = conn
        self.rules = rules
        self.report = report

    def match(self, key: names.NameKey, name: str, folded: str) -> names.Match | None:
        m = names.compare(key, names.stored_key(name, folded, self.rules), self.rules)
        return m if m is not None and m.strength >= self.report else None

    def clients(self, searched: str, key: names.NameKey) -> list[ConflictHit]:
        out: list[ConflictHit] = []
        rows = self.conn.execute(
            select(clients.c.id, clients.c.number, clients.c.name, clients.c.name_key).order_by(
                clients.c.id
            )
        ).all()
        by_id = {r.id: r for r in rows}
        found: dict[int, tuple[names.Match, str, str, str | None]] = {}
        for r in rows:
            m = self.match(key, r.name, r.name_key)
            if m is not None:
                found[r.id] = (m, r.name, "name", None)
        for o in self.conn.execute(
            select(
                client_names.c.client_id,
                client_names.c.kind,
                client_names.c.name,
                client_names.c.name_key,
                client_names.c.relation,
            ).order_by(client_names.c.id)
        ):
            m = self.match(key, o.name, o.name_key)
            if m is None:
                continue
            what = _KINDS.get(o.kind, o.kind)
            cap = names.RELATED if o.kind == "related" else _CAPS[what]
            m = names.Match(m.rule, min(cap, m.strength))
            if o.client_id not in found or found[o.client_id][0].strength < m.strength:
                found[o.client_id] = (m, o.name, what, o.relation)
        for cid in sorted(found, key=lambda i: list(by_id).index(i)):
            m, name, what, relation = found[cid]
            out.append(self._client_hit(searched, by_id[cid], name, what, m, relation))
        return out

    def _client_hit(
        self,
        searched: str,
        row: Any,
        found: str,
        what: str,
        m: names.Match,
        relation: str | None = None,
    ) -> ConflictHit:
        nums = _client_matters(self.conn, row.id)
        detail = _("client {number} {name}").format(number=row.number, name=row.name)
        if what == "related-party":
            detail = _("{relation} of client {number} {name}").format(
                relation=relation or _("related party"), number=row.number, name=row.name
            )
        elif what != "name" and what != "id_number":
            detail += f" ({what} {found})"
        if nums:
            detail += _(" (matters: {matters})").format(matters=", ".join(nums))
        return ConflictHit(
            searched=searched,
            found=found,
            match=what,
            where="client",
            reference=row.number,
            client_number=row.number,
            detail=detail,
            blocking=True,
            rule=m.rule,
            strength=m.strength,
            kind="related" if what == "related-party" else "our-client",
        )

    def parties(
        self, searched: str, rows: Iterable[Any], exclude_matter_id: int | None, match: str
    ) -> list[ConflictHit]:
        out = []
        for row, m in rows:
            if row.matter_id == exclude_matter_id:
                continue
            if row.role == "client" and row.client_id is not None:
                continue  # the firm's clients are found in the client register itself
            where = "client-party" if row.role == "client" else row.role
            rel = f" ({row.relation})" if row.relation else ""
            what = {
                "client": "a party the firm acts for",
                "opposing": "opposing party",
                "related": "related party",
            }[row.role]
            out.append(
                ConflictHit(
                    searched=searched,
                    found=row.name,
                    match=match,
                    where=where,
                    reference=row.matter_number,
                    client_number=row.client_number,
                    matter_number=row.matter_number,
                    detail=f"{what}{rel} in matter {row.matter_number} ({row.status}) for "
                    f"client {row.client_number} {row.client_name}",
                    blocking=row.role == "client",
                    rule=m.rule,
                    strength=m.strength,
                    kind={"client": "our-client", "opposing": "opposing"}.get(row.role, "related"),
                )
            )
        return out


def _party_select() -> Any:
    return (
        select(
            matter_parties.c.matter_id,
            matter_parties.c.role,
            matter_parties.c.name,
            matter_parties.c.name_key,
            matter_parties.c.relation,
            matter_parties.c.client_id,
            matters.c.number.label("matter_number"),
            matters.c.status,
            clients.c.number.label("client_number"),
            clients.c.name.label("client_name"),
        )
        .select_from(
            matter_parties.join(matters, matters.c.id == matter_parties.c.matter_id).join(
                clients, clients.c.id == matters.c.client_id
            )
        )
        .order_by(matter_parties.c.id)
    )


def _consultation_select() -> Any:
    return (
        select(
            consultation_parties.c.name,
            consultation_parties.c.name_key,
            consultations.c.number,
            clients.c.number.label("client_number"),
            clients.c.name.label("client_name"),
        )
        .select_from(
            consultation_parties.join(
                consultations, consultations.c.id == consultation_parties.c.consultation_id
            ).join(clients, clients.c.id == consultations.c.client_id)
        )
        .order_by(consultation_parties.c.id)
    )


def _consultation_hits(
    searched: str, rows: Iterable[tuple[Any, names.Match]], match: str
) -> list[ConflictHit]:
    return [
        ConflictHit(
            searched=searched,
            found=r.name,
            match=match,
            where="consultation",
            reference=r.number,
            client_number=r.client_number,
            detail=f"named in consultation {r.number} of client {r.client_number} {r.client_name}",
            rule=m.rule,
            strength=m.strength,
            kind="consultation",
        )
        for r, m in rows
    ]


def search_name(
    conn: Connection,
    name: str,
    exclude_matter_id: int | None = None,
    rules: Rules | None = None,
    report: int = 40,
) -> list[ConflictHit]:
    """Every name on file that matches `name` by a rule of `conflict_names` at `report` strength
    or above."""
    rules = rules or Rules()
    key = names.key(name, rules)
    if not key.folded:
        return []
    finder = _Finder(conn, rules, report)
    hits = finder.clients(name, key)
    prows = []
    for r in conn.execute(_party_select()):
        m = finder.match(key, r.name, r.name_key)
        if m is not None:
            prows.append((r, m))
    hits += finder.parties(name, prows, exclude_matter_id, "name")
    crows = []
    for r in conn.execute(_consultation_select()):
        m = finder.match(key, r.name, r.name_key)
        if m is not None:
            crows.append((r, m))
    hits += _consultation_hits(name, crows, "name")
    if len(key.folded) >= MIN_MENTION_CHARS and report <= names.MENTION:
        pattern = "%" + key.folded.replace("%", r"\%").replace("_", r"\_") + "%"
        for r in conn.execute(
            select(
                consultations.c.number,
                consultations.c.summary,
                clients.c.number.label("client_number"),
                clients.c.name.label("client_name"),
            )
            .select_from(consultations.join(clients, clients.c.id == consultations.c.client_id))
            .where(consultations.c.summary_key.like(pattern, escape="\\"))
            .order_by(consultations.c.id)
        ):
            hits.append(
                ConflictHit(
                    searched=name,
                    found=name,
                    match="name",
                    where="consultation-mention",
                    reference=r.number,
                    client_number=r.client_number,
                    detail=f"mentioned in the summary of consultation {r.number} of client "
                    f"{r.client_number} {r.client_name}",
                    rule="mention",
                    strength=names.MENTION,
                    kind="consultation",
                )
            )
    return hits


def search_id_number(
    conn: Connection, id_number: str, exclude_matter_id: int | None = None
) -> list[ConflictHit]:
    """Every client, other name of a client, party and consultation party with this identity
    number, unified business number or credit code (exact, after spaces and case)."""
    from archivist.clients.registry import clean_id_number

    ident = clean_id_number(id_number)
    if not ident:
        return []
    finder = _Finder(conn, Rules(), 0)
    same = names.Match("same-id", names.SAME_ID)
    hits = [
        finder._client_hit(ident, r, r.name, "id_number", same)
        for r in conn.execute(
            select(clients.c.id, clients.c.number, clients.c.name).where(
                clients.c.id_number == ident
            )
        )
    ]
    for o in conn.execute(
        select(client_names.c.name, client_names.c.kind, client_names.c.relation, clients)
        .select_from(client_names.join(clients, clients.c.id == client_names.c.client_id))
        .where(client_names.c.id_number == ident)
    ):
        what = _KINDS.get(o.kind, o.kind)
        cap = names.RELATED if o.kind == "related" else names.SAME_ID
        hit = finder._client_hit(ident, o, o.name, what, names.Match("same-id", cap), o.relation)
        hits.append(hit.model_copy(update={"match": "id_number"}))
    hits += finder.parties(
        ident,
        [
            (r, same)
            for r in conn.execute(_party_select().where(matter_parties.c.id_number == ident))
        ],
        exclude_matter_id,
        "id_number",
    )
    hits += _consultation_hits(
        ident,
        [
            (r, same)
            for r in conn.execute(
                _consultation_select().where(consultation_parties.c.id_number == ident)
            )
        ],
        "id_number",
    )
    return hits


def search(
    conn: Connection,
    names_: Sequence[str],
    id_numbers: Sequence[str] = (),
    exclude_matter_id: int | None = None,
    settings: ConflictSettings | None = None,
) -> list[ConflictHit]:
    """Every hit for the names and identity numbers, without duplicates."""
    settings = settings or ConflictSettings()
    rules = rules_of(settings)
    hits: list[ConflictHit] = []
    seen: set[tuple[str, str, str, str]] = set()
    found = [
        search_name(conn, n, exclude_matter_id, rules, settings.report_strength) for n in names_
    ]
    found += [search_id_number(conn, i, exclude_matter_id) for i in id_numbers]
    for group in found:
        for hit in group:
            k = (hit.where, hit.reference, hit.found, hit.match)
            if k not in seen:
                seen.add(k)
                if hit.blocking and hit.strength < settings.block_strength:
                    hit = hit.model_copy(update={"blocking": False})  # too weak: it warns
                hits.append(hit)
    return hits


def record(
    conn: Connection,
    actor_id: int,
    purpose: str,
    names: Sequence[str],
    id_numbers: Sequence[str],
    hits: Sequence[ConflictHit],
    result: str,
    *,
    matter_id: int | None = None,
    client_id: int | None = None,
    waiver: str | None = None,
) -> int:
    """Keep one check and its result (with the matter when there is one)."""
    from archivist.matters.service import inserted_id

    return inserted_id(
        conn.execute(
            conflict_checks.insert().values(
                matter_id=matter_id,
                client_id=client_id,
                purpose=purpose,
                names=json.dumps(list(names), ensure_ascii=False),
                id_numbers=json.dumps(list(id_numbers), ensure_ascii=False),
                hits=json.dumps([h.model_dump(mode="json") for h in hits], ensure_ascii=False),
                result=result,
                waiver=waiver,
                checked_at=clock.now(),
                checked_by=actor_id,
            )
        )
    )


def _check_model(conn: Connection, row: Any) -> ConflictCheck:
    matter_number = client_number = None
    if row.matter_id is not None:
        matter_number = conn.execute(
            select(matters.c.number).where(matters.c.id == row.matter_id)
        ).scalar_one()
    if row.client_id is not None:
        client_number = conn.execute(
            select(clients.c.number).where(clients.c.id == row.client_id)
        ).scalar_one()
    checked_by = conn.execute(
        select(users.c.username).where(users.c.id == row.checked_by)
    ).scalar_one()
    return ConflictCheck(
        id=row.id,
        matter_number=matter_number,
        client_number=client_number,
        purpose=row.purpose,
        names=json.loads(row.names),
        id_numbers=json.loads(row.id_numbers),
        hits=[ConflictHit.model_validate(h) for h in json.loads(row.hits)],
        result=row.result,
        waiver=row.waiver,
        waiver_id=row.waiver_id,
        waiver_detail=_waiver_detail(conn, row.waiver_id),
        checked_at=row.checked_at,
        checked_by=checked_by,
    )


def _waiver_detail(conn: Connection, waiver_id: int | None) -> str | None:
    if waiver_id is None:
        return None
    from archivist.matters.conflict_waivers import describe  # it builds on this module

    return describe(conn, waiver_id)


def get_check(conn: Connection, check_id: int) -> ConflictCheck:
    row = conn.execute(select(conflict_checks).where(conflict_checks.c.id == check_id)).one()
    return _check_model(conn, row)


def checks_for_matter(conn: Connection, matter_id: int) -> list[ConflictCheck]:
    return [
        _check_model(conn, r)
        for r in conn.execute(
            select(conflict_checks)
            .where(conflict_checks.c.matter_id == matter_id)
            .order_by(conflict_checks.c.id)
        )
    ]


def list_checks(ctx: Context, limit: int = 50) -> list[ConflictCheck]:
    """The most recent checks, newest first (archivist/head)."""
    ctx.require(Role.ARCHIVIST, Role.HEAD, action="list conflict checks")
    with ctx.ledger.read() as conn:
        return [
            _check_model(conn, r)
            for r in conn.execute(
                select(conflict_checks).order_by(conflict_checks.c.id.desc()).limit(limit)
            )
        ]


def visible_hits(conn: Connection, ctx: Context, hits: list[ConflictHit]) -> list[ConflictHit]:
    """The hits as the acting user may see them: that there is a conflict, of what kind and in
    which of their matters; another client's identity and details only where they may read that
    client (access.Scope)."""
    scope = access.scope_for(conn, ctx.actor, ctx.settings.deadlines)
    if scope.everything:
        return hits
    readable = {
        r.number
        for r in conn.execute(select(clients.c.id, clients.c.number))
        if scope.may_read_archive(r.id)
    }
    mine = set(
        conn.execute(select(matters.c.number).where(matters.c.id.in_(scope.matter_ids))).scalars()
    )
    out = []
    for hit in hits:
        if hit.client_number is None or hit.client_number in readable:
            out.append(hit)
            continue
        matter = hit.matter_number if hit.matter_number in mine else None
        out.append(
            hit.model_copy(
                update={
                    "found": REDACTED,
                    "reference": matter or REDACTED,
                    "client_number": None,
                    "matter_number": matter,
                    "detail": _("{kind} of another client's archive you may not read").format(
                        kind=_KIND_WORDS.get(hit.kind, hit.kind)
                    ),
                }
            )
        )
    return out


_KIND_WORDS = {
    "our-client": "the firm's client",
    "opposing": "an opposing party",
    "related": "a related party",
    "consultation": "a person named in a consultation",
}


def check(ctx: Context, names: Sequence[str], id_numbers: Sequence[str] = ()) -> ConflictCheck:
    """A standalone check: search, keep the check and its result, audit it."""
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, Role.LAWYER, action="run conflict checks")
    from archivist.clients.registry import clean_id_number

    if id_numbers:
        access.require_id_number_search(actor)

    clean_names = [clean_party_name(n) for n in names]
    idents = [i for i in (clean_id_number(x) for x in id_numbers) if i]
    if not clean_names and not idents:
        raise InvalidInput("nothing to check", "Give at least one NAME or --id-number.")
    if len(clean_names) + len(idents) > MAX_NAMES:
        raise InvalidInput(f"at most {MAX_NAMES} names and numbers per check", "Split the check.")
    with ctx.ledger.write() as conn:
        hits = search(conn, clean_names, idents, settings=ctx.settings.conflicts)
        hits = visible_hits(conn, ctx, hits)
        result = "hits" if hits else "clear"
        check_id = record(conn, actor.id, "search", clean_names, idents, hits, result)
        audit.record(
            conn,
            actor.username,
            "conflict.check",
            "conflict_check",
            str(check_id),
            names=clean_names,
            id_numbers=idents,
            hits=len(hits),
            result=result,
        )
        return get_check(conn, check_id)
