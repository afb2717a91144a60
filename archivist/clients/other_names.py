"""Other names a client is known by (issue 21): aliases, former names and related parties
(parent, subsidiary, director, spouse ...). The conflict check searches them like the client's
own name; a renamed client keeps the old name as a former name."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import clock, textnorm
from archivist.core.errors import InvalidInput
from archivist.core.i18n import _
from archivist.ledger.tables.conflicts import client_names

RELATIONS = (
    "parent",
    "subsidiary",
    "affiliate",
    "shareholder",
    "director",
    "legal-representative",
    "spouse",
    "family",
    "employee",
    "other",
)
KINDS = ("alias", "former", "related")


def _name(text: str) -> tuple[str, str | None]:
    from archivist.matters.conflicts import parse_party

    return parse_party(text)


def relations_for(related: Sequence[str], relations: Sequence[str]) -> list[str]:
    """One relation per related party: one given for all, or one each, in order."""
    if not related:
        if relations:
            raise InvalidInput(_("--relation without --related"), _("Pass --related NAME."))
        return []
    if len(relations) not in (1, len(related)):
        raise InvalidInput(
            _("give one --relation for all --related parties, or one for each"),
            _("Relations: {choices}.").format(choices=", ".join(RELATIONS)),
        )
    out = []
    for rel in relations if len(relations) == len(related) else list(relations) * len(related):
        value = (rel or "").strip().lower()
        if value not in RELATIONS:
            raise InvalidInput(
                _("unknown relation {value!r}").format(value=rel[:40]),
                _("Relations: {choices}.").format(choices=", ".join(RELATIONS)),
            )
        out.append(value)
    return out


def add(
    conn: Connection,
    client_id: int,
    user_id: int,
    aliases: Sequence[str] = (),
    former: Sequence[str] = (),
    related: Sequence[str] = (),
    relations: Sequence[str] = (),
) -> list[dict[str, str | None]]:
    """Record other names of a client; returns what was added (names already on file for the
    client, of the same kind, are skipped)."""
    rels = relations_for(related, relations) if related else []
    if related and not rels:
        raise InvalidInput(_("each --related party needs a --relation"))
    wanted: list[tuple[str, str, str | None, str | None]] = []
    for kind, items in (("alias", aliases), ("former", former)):
        for text in items:
            name, ident = _name(text)
            wanted.append((kind, name, ident, None))
    for text, relation in zip(related, rels, strict=True):
        name, ident = _name(text)
        wanted.append(("related", name, ident, relation))
    have = {
        (r.kind, r.name_key)
        for r in conn.execute(
            select(client_names.c.kind, client_names.c.name_key).where(
                client_names.c.client_id == client_id
            )
        )
    }
    added: list[dict[str, str | None]] = []
    now = clock.now()
    for kind, name, ident, rel in wanted:
        key = textnorm.fold(name)
        if (kind, key) in have:
            continue
        have.add((kind, key))
        conn.execute(
            client_names.insert().values(
                client_id=client_id,
                kind=kind,
                name=name,
                name_key=key,
                relation=rel,
                id_number=ident,
                added_at=now,
                added_by=user_id,
            )
        )
        added.append({"kind": kind, "name": name, "relation": rel})
    return added


def of_client(conn: Connection, client_id: int) -> list[dict[str, str | None]]:
    return [
        {"kind": r.kind, "name": r.name, "relation": r.relation, "id_number": r.id_number}
        for r in conn.execute(
            select(client_names)
            .where(client_names.c.client_id == client_id)
            .order_by(client_names.c.id)
        )
    ]
