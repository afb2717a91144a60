"""The conflict-of-interest check.

Names are compared after `textnorm.fold` (Traditional/Simplified, full-/half-width, case and
spacing), so 陳大文, 陈大文 and 陳　大文 are one person; a looser comparison that also ignores
punctuation catches 「某某（香港）有限公司」 against 「某某香港有限公司」. Identity numbers match
exactly (after removing spaces and upper-casing). The check searches every client, every party of
every matter (client, opposing, related) and consultations (people named in them and their
summaries)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from archivist.core import audit, clock, textnorm
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.core.i18n import _
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.matters import (
    conflict_checks,
    consultation_parties,
    consultations,
    matter_parties,
    matters,
)
from archivist.models import ConflictCheck, ConflictHit, Role

MAX_NAMES = 50
MIN_MENTION_CHARS = 2  # shorter names are not looked for inside consultation summaries


def clean_party_name(name: str) -> str:
    from archivist.clients.registry import clean_name

    try:
        return clean_name(name)
    except InvalidInput:
        raise InvalidInput(
            _("party name {name!r} is empty or not a name").format(name=name[:40]),
            _("Give the party's full name."),
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


def _like_prefix(loose: str) -> str:
    return loose[:2].replace("%", r"\%").replace("_", r"\_") + "%"


def _name_matches(row_key: str, row_name: str, key: str, loose: str) -> bool:
    return row_key == key or (bool(loose) and textnorm.fold_loose(row_name) == loose)


def _client_matters(conn: Connection, client_id: int) -> list[str]:
    return list(
        conn.execute(
            select(matters.c.number).where(matters.c.client_id == client_id).order_by(matters.c.id)
        ).scalars()
    )


def _client_hits(
    conn: Connection, searched: str, rows: Iterable[Any], match: str
) -> list[ConflictHit]:
    out = []
    for row in rows:
        nums = _client_matters(conn, row.id)
        detail = f"client {row.number} {row.name}" + (
            f" (matters: {', '.join(nums)})" if nums else ""
        )
        out.append(
            ConflictHit(
                searched=searched,
                found=row.name,
                match=match,
                where="client",
                reference=row.number,
                client_number=row.number,
                detail=detail,
                blocking=True,
            )
        )
    return out


def _party_hits(
    conn: Connection, searched: str, rows: Iterable[Any], match: str, exclude_matter_id: int | None
) -> list[ConflictHit]:
    out = []
    for row in rows:
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
                detail=f"{what}{rel} in matter {row.matter_number} ({row.status}) for client "
                f"{row.client_number} {row.client_name}",
                blocking=row.role == "client",
            )
        )
    return out


def _party_select() -> Any:
    return (
        select(
            matter_parties.c.matter_id,
            matter_parties.c.role,
            matter_parties.c.name,
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


def _consultation_hits(searched: str, rows: Iterable[Any], match: str) -> list[ConflictHit]:
    return [
        ConflictHit(
            searched=searched,
            found=r.name,
            match=match,
            where="consultation",
            reference=r.number,
            client_number=r.client_number,
            detail=f"named in consultation {r.number} of client {r.client_number} {r.client_name}",
        )
        for r in rows
    ]


def search_name(
    conn: Connection, name: str, exclude_matter_id: int | None = None
) -> list[ConflictHit]:
    key = textnorm.fold(name)
    loose = textnorm.fold_loose(name)
    if not key:
        return []
    prefix = _like_prefix(loose)
    hits: list[ConflictHit] = []
    rows = conn.execute(
        select(clients.c.id, clients.c.number, clients.c.name, clients.c.name_key)
        .where(or_(clients.c.name_key == key, clients.c.name_key.like(prefix, escape="\\")))
        .order_by(clients.c.id)
    ).all()
    hits += _client_hits(
        conn, name, [r for r in rows if _name_matches(r.name_key, r.name, key, loose)], "name"
    )
    prows = conn.execute(
        _party_select()
        .add_columns(matter_parties.c.name_key)
        .where(
            or_(
                matter_parties.c.name_key == key,
                matter_parties.c.name_key.like(prefix, escape="\\"),
            )
        )
    ).all()
    hits += _party_hits(
        conn,
        name,
        [r for r in prows if _name_matches(r.name_key, r.name, key, loose)],
        "name",
        exclude_matter_id,
    )
    crows = conn.execute(
        _consultation_select()
        .add_columns(consultation_parties.c.name_key)
        .where(
            or_(
                consultation_parties.c.name_key == key,
                consultation_parties.c.name_key.like(prefix, escape="\\"),
            )
        )
    ).all()
    hits += _consultation_hits(
        name, [r for r in crows if _name_matches(r.name_key, r.name, key, loose)], "name"
    )
    if len(key) >= MIN_MENTION_CHARS:
        pattern = "%" + key.replace("%", r"\%").replace("_", r"\_") + "%"
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
                )
            )
    return hits


def search_id_number(
    conn: Connection, id_number: str, exclude_matter_id: int | None = None
) -> list[ConflictHit]:
    from archivist.clients.registry import clean_id_number

    ident = clean_id_number(id_number)
    if not ident:
        return []
    hits = _client_hits(
        conn,
        ident,
        conn.execute(
            select(clients.c.id, clients.c.number, clients.c.name).where(
                clients.c.id_number == ident
            )
        ).all(),
        "id_number",
    )
    hits += _party_hits(
        conn,
        ident,
        conn.execute(_party_select().where(matter_parties.c.id_number == ident)).all(),
        "id_number",
        exclude_matter_id,
    )
    hits += _consultation_hits(
        ident,
        conn.execute(_consultation_select().where(consultation_parties.c.id_number == ident)).all(),
        "id_number",
    )
    return hits


def search(
    conn: Connection,
    names: Sequence[str],
    id_numbers: Sequence[str] = (),
    exclude_matter_id: int | None = None,
) -> list[ConflictHit]:
    """Every hit for the names and identity numbers, without duplicates."""
    hits: list[ConflictHit] = []
    seen: set[tuple[str, str, str, str]] = set()
    for name in names:
        for hit in search_name(conn, name, exclude_matter_id):
            k = (hit.where, hit.reference, hit.found, hit.match)
            if k not in seen:
                seen.add(k)
                hits.append(hit)
    for ident in id_numbers:
        for hit in search_id_number(conn, ident, exclude_matter_id):
            k = (hit.where, hit.reference, hit.found, hit.match)
            if k not in seen:
                seen.add(k)
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
        checked_at=row.checked_at,
        checked_by=checked_by,
    )


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
    ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("list conflict checks"))
    with ctx.ledger.read() as conn:
        return [
            _check_model(conn, r)
            for r in conn.execute(
                select(conflict_checks).order_by(conflict_checks.c.id.desc()).limit(limit)
            )
        ]


def check(ctx: Context, names: Sequence[str], id_numbers: Sequence[str] = ()) -> ConflictCheck:
    """A standalone check: search, keep the check and its result, audit it."""
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, Role.LAWYER, action=_("run conflict checks"))
    from archivist.clients.registry import clean_id_number

    clean_names = [clean_party_name(n) for n in names]
    idents = [i for i in (clean_id_number(x) for x in id_numbers) if i]
    if not clean_names and not idents:
        raise InvalidInput(_("nothing to check"), _("Give at least one NAME or --id-number."))
    if len(clean_names) + len(idents) > MAX_NAMES:
        raise InvalidInput(
            _("at most {MAX_NAMES} names and numbers per check").format(MAX_NAMES=MAX_NAMES),
            _("Split the check."),
        )
    with ctx.ledger.write() as conn:
        hits = search(conn, clean_names, idents)
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


def describe(hit: ConflictHit) -> str:
    """Where a hit was found, in the language in effect (the stored `detail` keeps the words of
    the language it was checked in; this is built from the hit's codes and numbers)."""
    from archivist.core.vocabulary import label

    if hit.where == "client":
        return _("client {number} {name}").format(number=hit.reference, name=hit.found)
    if hit.where in ("client-party", "opposing", "related"):
        return _("{role} in matter {matter} for client {client}").format(
            role=label("conflict_where", hit.where),
            matter=hit.matter_number or hit.reference,
            client=hit.client_number or "-",
        )
    if hit.where in ("consultation", "consultation-mention"):
        return _("{how} {number} of client {client}").format(
            how=label("conflict_where", hit.where), number=hit.reference, client=hit.client_number
        )
    return hit.detail
