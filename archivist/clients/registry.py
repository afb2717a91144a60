"""The client registry: numbered clients with their archive folders."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from archivist.clients import other_names, prospects
from archivist.core import access, audit, clock, numbering, textnorm
from archivist.core.context import Context
from archivist.core.errors import Conflict, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.core.safenames import safe_component
from archivist.ledger.tables.core import clients
from archivist.models import Client, ClientAdded, ClientInput, ClientKind, Role, Scope

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EDITABLE = ("name", "kind", "id_number", "phone", "email", "address", "note")


def _model(row: Any) -> Client:
    return Client(
        id=row.id,
        number=row.number,
        class_letter=row.class_letter,
        name=row.name,
        kind=ClientKind(row.kind),
        id_number=row.id_number,
        phone=row.phone,
        email=row.email,
        address=row.address,
        note=row.note,
        folder=row.folder,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def clean_name(name: str) -> str:
    text = unicodedata.normalize("NFC", name or "").strip()
    if not text or not any(c.isalnum() for c in text):
        raise InvalidInput("the client's name is empty", "Pass --name with the client's name.")
    if "\x00" in text:
        raise InvalidInput("the client's name contains a NUL character")
    if len(text) > 500:
        raise InvalidInput("the client's name is longer than 500 characters")
    return text


def clean_id_number(value: str | None) -> str | None:
    if value is None:
        return None
    text = re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", value)).upper()
    if not text:
        return None
    if not re.fullmatch(r"[0-9A-Z()（）\-/.]{2,64}", text):
        raise InvalidInput(
            f"identity number {value[:40]!r} has characters it cannot have",
            "Use letters, digits and '-' only.",
        )
    return text


def _clean_optional(value: str | None, what: str, limit: int) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if "\x00" in text:
        raise InvalidInput(f"{what} contains a NUL character")
    if len(text) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters")
    return text or None


def _normalise_input(data: ClientInput) -> dict[str, Any]:
    email = _clean_optional(data.email, "the e-mail address", 254)
    if email and not EMAIL_RE.match(email):
        raise InvalidInput(
            f"e-mail address {email[:60]!r} is not valid", "Write it as name@domain."
        )
    return {
        "name": clean_name(data.name),
        "kind": data.kind.value,
        "id_number": clean_id_number(data.id_number),
        "phone": _clean_optional(data.phone, "the phone number", 64),
        "email": email,
        "address": _clean_optional(data.address, "the address", 2000),
        "note": _clean_optional(data.note, "the note", 10000),
    }


def get(conn: Connection, number: str) -> Client:
    text = unicodedata.normalize("NFKC", (number or "").strip())
    row = conn.execute(select(clients).where(clients.c.number == text)).first()
    if row is None:
        row = conn.execute(
            select(clients).where(func.upper(clients.c.number) == text.upper())
        ).first()
    if row is None:
        raise access.not_found("client", number)
    return _model(row)


def by_id(conn: Connection, client_id: int) -> Client:
    row = conn.execute(select(clients).where(clients.c.id == client_id)).first()
    if row is None:
        raise NotFound(f"no client with id {client_id}")
    return _model(row)


def get_readable(ctx: Context, conn: Connection, number: str) -> tuple[Client, access.Scope]:
    """A client the actor may read. For a user without access the answer is the same as for a
    client that does not exist, so nothing is hinted at."""
    client = get(conn, number)
    scope = access.scope_for(conn, ctx.actor, ctx.settings.deadlines)
    if not scope.touches_client(conn, client.id):
        raise access.not_found("client", number)
    return client, scope


def get_archive(ctx: Context, conn: Connection, number: str) -> tuple[Client, access.Scope]:
    """A client whose whole archive the actor may read (not one lent only in part: its
    consultations, consents, loans and status letters stay closed); otherwise not found."""
    client, scope = get_readable(ctx, conn, number)
    if not scope.may_read_archive(client.id):
        raise access.not_found("client", number)
    return client, scope


def filter_id(ctx: Context, conn: Connection, number: str) -> int:
    """A client's id for a `--client` filter on a list whose rows are already limited to what
    the actor may see. For a user who may not read every archive an unknown number matches
    nothing (id -1), exactly as a client they see nothing of: the answer tells no one which
    clients exist. Archivists and the head get the not-found error for a typo."""
    try:
        return get(conn, number).id
    except NotFound:
        if ctx.actor.has(Role.ARCHIVIST, Role.HEAD):
            raise
        return -1


def similar_names(conn: Connection, name: str, exclude_id: int | None = None) -> list[Client]:
    key = textnorm.fold(name)
    loose = textnorm.fold_loose(name)
    stmt = select(clients).where(
        or_(clients.c.name_key == key, clients.c.name_key.like(f"{loose[:2]}%"))
    )
    out = []
    for row in conn.execute(stmt.limit(500)):
        if row.id == exclude_id:
            continue
        if row.name_key == key or textnorm.fold_loose(row.name) == loose:
            out.append(_model(row))
    return out


def add(ctx: Context, data: ClientInput) -> ClientAdded:
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="register clients")
    if data.from_prospect and not data.name.strip():
        with ctx.ledger.read() as conn:
            data = data.model_copy(update={"name": prospects.name_of(conn, data.from_prospect)[1]})
    values = _normalise_input(data)
    other_names.relations_for(data.related, data.relations)  # refused before anything is written
    names = {
        "aliases": data.aliases,
        "former": data.former_names,
        "related": data.related,
        "relations": data.relations,
    }
    return ctx.ledger.retrying(
        _add, ctx, actor.username, actor.id, values, names, data.from_prospect
    )


def _add(
    ctx: Context,
    username: str,
    user_id: int,
    values: dict[str, Any],
    names: dict[str, Any] | None = None,
    from_prospect: str | None = None,
) -> ClientAdded:
    store = ctx.store
    folder: str | None = None
    created = False
    try:
        with ctx.ledger.write() as conn:
            if (
                values["id_number"]
                and conn.execute(
                    select(clients.c.number).where(clients.c.id_number == values["id_number"])
                ).first()
            ):
                other = conn.execute(
                    select(clients.c.number).where(clients.c.id_number == values["id_number"])
                ).scalar_one()
                raise Conflict(
                    f"identity number {values['id_number']} is already registered "
                    f"to client {other}",
                    f"See `archivist client show {other}`.",
                )
            warnings = [
                f"a client with a very similar name exists: {c.number} {c.name}"
                for c in similar_names(conn, values["name"])
            ]
            cls = numbering.class_letter(values["name"])
            seq = numbering.next_value(conn, f"client:{cls}")
            number = numbering.render(ctx.settings.numbering.client, "client", cls=cls, seq=seq)
            folder = f"{safe_component(cls)}/{safe_component(number + ' ' + values['name'])}"
            now = clock.now()
            client_id = conn.execute(
                clients.insert().values(
                    number=number,
                    class_letter=cls,
                    name_key=textnorm.fold(values["name"]),
                    folder=folder,
                    status="active",
                    created_at=now,
                    created_by=user_id,
                    updated_at=now,
                    **values,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            others = other_names.add(conn, client_id, user_id, **(names or {}))
            moved: list[str] = []
            if from_prospect:
                prospect, _name = prospects.name_of(conn, from_prospect)
                moved = prospects.convert(ctx, conn, prospect, client_id, user_id)
                warnings.append(
                    _(
                        "prospect {number} is now client {client}; consultations moved: {moved}"
                    ).format(number=prospect.number, client=number, moved=", ".join(moved) or "-")
                )
            audit.record(
                conn,
                username,
                "client.add",
                "client",
                number,
                client_id,
                new={k: v for k, v in values.items() if v is not None},
                folder=folder,
                **({"other_names": others} if others else {}),
                **(
                    {"from_prospect": from_prospect, "consultations": moved}
                    if from_prospect
                    else {}
                ),
            )
            store.create_client_folder(folder)
            created = True
            client = by_id(conn, client_id)
            manifest = build_manifest(conn, client)
            store.write_manifest(folder, manifest)
    except BaseException:
        if created and folder is not None:
            store.remove_empty_skeleton(folder)
        raise
    return ClientAdded(client=client, folder_path=str(store.resolve(folder)), warnings=warnings)


def list_clients(ctx: Context, query: str | None = None, limit: int | None = None) -> list[Client]:
    user = ctx.actor
    with ctx.ledger.read() as conn:
        scope = access.scope_for(conn, user, ctx.settings.deadlines)
        stmt = select(clients).order_by(clients.c.number)
        if query:
            q = query.strip()
            key = textnorm.fold(q).replace("%", r"\%").replace("_", r"\_")
            conds = [
                clients.c.name_key.like(f"%{key}%", escape="\\"),
                func.upper(clients.c.number) == q.upper(),
            ]
            id_number = clean_id_number_or_none(q)
            if id_number:  # found by identity number only where the whole archive is readable
                cond = clients.c.id_number == id_number
                if not scope.everything:
                    cond = cond & clients.c.id.in_(scope.client_ids)
                conds.append(cond)
            stmt = stmt.where(or_(*conds))
        if not scope.everything:
            stmt = stmt.where(clients.c.id.in_(visible_client_ids(conn, scope)))
        if limit:
            stmt = stmt.limit(limit)
        return [_listed(_model(r), scope) for r in conn.execute(stmt)]


def _listed(client: Client, scope: access.Scope) -> Client:
    """A client as listed: a client lent only in part shows its name and number, not its
    identity number or contact details."""
    if scope.may_read_archive(client.id):
        return client
    return client.model_copy(
        update={"id_number": None, "phone": None, "email": None, "address": None, "note": None}
    )


def clean_id_number_or_none(text: str) -> str | None:
    try:
        return clean_id_number(text)
    except InvalidInput:
        return None


def visible_client_ids(conn: Connection, scope: Scope) -> set[int]:
    """Clients the scope reaches: whole archives, plus the owners of lent matters and documents
    (two queries, not one per client)."""
    from archivist.ledger.tables.documents import documents
    from archivist.ledger.tables.matters import matters

    ids = set(scope.client_ids)
    if scope.matter_ids:
        ids.update(
            conn.execute(
                select(matters.c.client_id).where(matters.c.id.in_(scope.matter_ids))
            ).scalars()
        )
    if scope.document_ids:
        ids.update(
            conn.execute(
                select(documents.c.client_id).where(documents.c.id.in_(scope.document_ids))
            ).scalars()
        )
    return ids


def show(ctx: Context, number: str) -> dict[str, Any]:
    """Details, folder and counts per section, audited as a read of the archive."""
    from archivist.ledger.tables.documents import documents
    from archivist.ledger.tables.matters import matters

    with ctx.ledger.write() as conn:
        client, scope = get_readable(ctx, conn, number)
        if not scope.may_read_archive(client.id):
            out = _show_lent_part(conn, client, scope)
            audit.record(
                conn,
                ctx.actor.username,
                "client.read",
                "client",
                client.number,
                client.id,
                part=True,
            )
            return out
        counts = {s: 0 for s in ("basic", "contract", "case", "work", "complaint")}
        for row in conn.execute(
            select(documents.c.section, func.count())
            .where(documents.c.client_id == client.id)
            .group_by(documents.c.section)
        ):
            counts[row[0]] = row[1]
        matter_rows = conn.execute(
            select(matters.c.number, matters.c.type, matters.c.title, matters.c.status)
            .where(matters.c.client_id == client.id)
            .order_by(matters.c.id)
        ).all()
        from archivist.complaints.service import client_summaries

        complaint_rows = client_summaries(conn, client.id)
        from archivist.loans.service import client_history

        loan_rows = client_history(conn, client.id)
        from archivist.matters.consultations import client_summaries as consultation_summaries

        consultation_rows = consultation_summaries(conn, client.id)
        known_as = other_names.of_client(conn, client.id)
        audit.record(conn, ctx.actor.username, "client.read", "client", client.number, client.id)
    return {
        **client.model_dump(mode="json"),
        "folder_path": str(ctx.store.resolve(client.folder)),
        "documents_per_section": counts,
        "matters": [dict(r._mapping) for r in matter_rows],
        "complaints": complaint_rows,
        "loans": loan_rows,
        "consultations": consultation_rows,
        "other_names": known_as,
    }


def _show_lent_part(conn: Connection, client: Client, scope: access.Scope) -> dict[str, Any]:
    """What a borrower of one matter or some documents sees of the client: the name and number,
    and the lent matter and documents; nothing else of the archive (identity, consultations,
    other loans, complaints, other documents)."""
    from archivist.ledger.tables.documents import documents
    from archivist.ledger.tables.matters import matters

    doc_numbers, matter_numbers = scope.parts_of(conn, client.id)
    docs = conn.execute(
        select(documents.c.number, documents.c.section, documents.c.title)
        .where(documents.c.client_id == client.id, documents.c.number.in_(doc_numbers))
        .order_by(documents.c.id)
    ).all()
    counts = {s: 0 for s in ("basic", "contract", "case", "work", "complaint")}
    for d in docs:
        counts[d.section] = counts.get(d.section, 0) + 1
    mats = conn.execute(
        select(matters.c.number, matters.c.type, matters.c.title, matters.c.status)
        .where(matters.c.client_id == client.id, matters.c.number.in_(matter_numbers))
        .order_by(matters.c.id)
    ).all()
    return {
        "number": client.number,
        "name": client.name,
        "part": True,
        "documents_per_section": counts,
        "documents": [dict(d._mapping) for d in docs],
        "matters": [dict(m._mapping) for m in mats],
    }


def edit(ctx: Context, number: str, **changes: Any) -> Client:
    """Change a client's details. Every change is audited with old and new values. The folder
    keeps the name it was created with (the number is the archive's identity, and paths in
    backups and records stay valid); the manifest and `client show` carry the current name."""
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="edit clients")
    given = {k: v for k, v in changes.items() if v is not None and k in EDITABLE}
    names = {
        "aliases": list(changes.get("aliases") or ()),
        "former": list(changes.get("former_names") or ()),
        "related": list(changes.get("related") or ()),
        "relations": list(changes.get("relations") or ()),
    }
    other_names.relations_for(names["related"], names["relations"])
    if not given and any(names.values()):
        with ctx.ledger.write() as conn:
            client = get(conn, number)
            added = other_names.add(conn, client.id, actor.id, **names)
            if not added:
                raise InvalidInput(_("nothing to change: those names are already on file"))
            audit.record(
                conn,
                actor.username,
                "client.edit",
                "client",
                client.number,
                client.id,
                other_names=added,
            )
            client = by_id(conn, client.id)
        refresh_manifest(ctx, client.id)
        return client
    if not given:
        raise InvalidInput(
            "nothing to change",
            "Pass at least one of --name, --kind, "
            "--id-number, --phone, --email, --address, --note.",
        )
    with ctx.ledger.write() as conn:
        client = get(conn, number)
        current = ClientInput(
            name=client.name,
            kind=client.kind,
            id_number=client.id_number,
            phone=client.phone,
            email=client.email,
            address=client.address,
            note=client.note,
        )
        merged = current.model_copy(update=given)
        values = _normalise_input(ClientInput.model_validate(merged.model_dump()))
        diff = {
            k: {"old": getattr(client, k) if k != "kind" else client.kind.value, "new": v}
            for k, v in values.items()
            if v != (getattr(client, k) if k != "kind" else client.kind.value)
        }
        if not diff:
            raise InvalidInput("nothing to change: the values given are the current ones")
        if "id_number" in diff and values["id_number"]:
            other = conn.execute(
                select(clients.c.number).where(
                    clients.c.id_number == values["id_number"], clients.c.id != client.id
                )
            ).first()
            if other:
                raise Conflict(
                    f"identity number {values['id_number']} is already registered "
                    f"to client {other[0]}"
                )
        update = {k: values[k] for k in diff}
        if "name" in update:
            update["name_key"] = textnorm.fold(update["name"])
            names["former"].append(client.name)  # the old name is still searched
        added = other_names.add(conn, client.id, actor.id, **names)
        if added:
            diff["other_names"] = {"old": None, "new": added}
        conn.execute(
            clients.update()
            .where(clients.c.id == client.id)
            .values(updated_at=clock.now(), **update)
        )
        audit.record(
            conn, actor.username, "client.edit", "client", client.number, client.id, changes=diff
        )
        client = by_id(conn, client.id)
    refresh_manifest(ctx, client.id)
    return client


# --------------------------------------------------------------------------- manifest
def build_manifest(conn: Connection, client: Client) -> dict[str, Any]:
    """The machine-readable contents list of a client's folder, from the ledger."""
    from archivist.ledger.tables.documents import documents
    from archivist.ledger.tables.matters import matters
    from archivist.models import SECTION_FOLDERS, Section

    docs = conn.execute(
        select(documents).where(documents.c.client_id == client.id).order_by(documents.c.id)
    ).all()
    folder_prefix = client.folder + "/"
    mats = conn.execute(
        select(matters.c.id, matters.c.number, matters.c.type, matters.c.title, matters.c.status)
        .where(matters.c.client_id == client.id)
        .order_by(matters.c.id)
    ).all()
    matter_numbers = {m.id: m.number for m in mats}
    return {
        "format": "archivist-manifest/1",
        "client": {
            "number": client.number,
            "name": client.name,
            "kind": client.kind.value,
            "class": client.class_letter,
            "status": client.status,
        },
        "sections": {s.value: SECTION_FOLDERS[s] for s in Section},
        "matters": [
            {"number": m.number, "type": m.type, "title": m.title, "status": m.status} for m in mats
        ],
        "documents": [
            {
                "number": d.number,
                "section": d.section,
                "title": d.title,
                "original_name": d.original_name,
                "path": d.path[len(folder_prefix) :]
                if d.path.startswith(folder_prefix)
                else d.path,
                "size": d.size,
                "checksum": d.checksum,
                "checksum_algo": d.checksum_algo,
                "filetype": d.filetype,
                "matter": matter_numbers.get(d.matter_id),
                "filed_at": d.filed_at.isoformat() if d.filed_at else None,
                "version_of": d.version_of,
            }
            for d in docs
        ],
    }


def refresh_manifest(ctx: Context, client_id: int) -> None:
    """Rewrite the client's manifest.json and every other derived record file from the ledger
    (call after each committed change). See archivist.clients.records."""
    from archivist.clients import records

    records.refresh(ctx, client_id)
