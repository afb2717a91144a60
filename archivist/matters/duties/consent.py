"""Written consent (保密原則: no use of client information for any commercial purpose without
the client's written consent), and the consent-respecting export.

A consent names its scope in words; the purposes it covers are read from them (English or
Chinese, either script): 'statistics'/'統計', 'marketing'/'市場推廣'/'營銷'/'宣傳', or
'all'/'any'/'全部'/'一切' for every purpose."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archivist.clients import registry
from archivist.core import audit, clock, textnorm
from archivist.core.context import Context
from archivist.core.errors import Conflict, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.core import client_consents, clients
from archivist.ledger.tables.matters import matters as matters_t
from archivist.matters.duties.common import (
    clean_text,
    document_id,
    document_numbers,
    new_id,
    usernames,
    write_out,
)
from archivist.models import Client, Consent, ExportResult, Role

PURPOSE_WORDS: dict[str, tuple[str, ...]] = {
    "statistics": ("statistic", "統計", "數據分析", "數據統計"),
    "marketing": ("marketing", "market", "市場", "推廣", "營銷", "行銷", "宣傳", "廣告"),
}
ALL_ZH = ("全部", "一切", "所有", "任何")
PURPOSES = tuple(PURPOSE_WORDS)

COLUMNS: dict[str, list[str]] = {
    "statistics": ["number", "kind", "class", "registered", "matters", "matter_types"],
    "marketing": ["number", "name", "kind", "phone", "email", "address"],
}


def purposes_of(scope: str) -> list[str]:
    key = textnorm.fold(scope)
    words = set(re.findall(r"[a-z]+", unicodedata.normalize("NFKC", scope).casefold()))
    if words & {"all", "any", "every"} or any(textnorm.fold(w) in key for w in ALL_ZH):
        return list(PURPOSES)
    return [p for p, terms in PURPOSE_WORDS.items() if any(textnorm.fold(w) in key for w in terms)]


def _models(conn: Connection, rows: Sequence[Any], client_number: str) -> list[Consent]:
    names = usernames(conn)
    docs = document_numbers(conn, {r.document_id for r in rows if r.document_id})
    return [
        Consent(
            id=r.id,
            client=client_number,
            scope=r.scope,
            purposes=purposes_of(r.scope),
            document=docs.get(r.document_id),
            expires_on=r.expires_on,
            granted_at=r.granted_at,
            granted_by=names[r.granted_by],
            revoked_at=r.revoked_at,
            revoked_by=names.get(r.revoked_by) if r.revoked_by else None,
        )
        for r in rows
    ]


def for_client(conn: Connection, client: Client) -> list[Consent]:
    rows = conn.execute(
        select(client_consents)
        .where(client_consents.c.client_id == client.id)
        .order_by(client_consents.c.id)
    ).all()
    return _models(conn, rows, client.number)


# What marks a filed document as a written consent: in the basic section (01 基本信息), with one
# of these words in its title or file name (issue 21: a pleading is not a consent).
CONSENT_MARKS = ("同意", "consent", "授權", "授权", "authoris", "authoriz")


def _require_consent_document(conn: Connection, doc_id: int, number: str) -> None:
    from archivist.ledger.tables.documents import documents

    row = conn.execute(
        select(documents.c.section, documents.c.title, documents.c.original_name).where(
            documents.c.id == doc_id
        )
    ).one()
    text = f"{row.title} {row.original_name}".casefold()
    if row.section != "basic" or not any(m in text for m in CONSENT_MARKS):
        raise InvalidInput(
            _("document {number} is not a filed consent").format(number=number.strip()[:48]),
            _(
                "A consent is a signed document filed in the client's basic section (01 基本信息) "
                "whose title says it is a consent (同意書, consent, 授權書)."
            ),
        )


def grant(
    ctx: Context,
    client_number: str,
    scope: str,
    document: str,
    expires: str | date | None = None,
) -> Consent:
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="record a client's consent")
    text = clean_text(scope, "the scope (--scope)", limit=2000)
    until = clock.parse_date(expires, "--expires") if expires is not None else None
    if until is not None and until < clock.today():
        raise InvalidInput(
            _("the consent's expiry {date} is in the past").format(date=until.isoformat())
        )
    if not (document or "").strip():
        raise InvalidInput(
            "a consent must be written: --document is missing",
            "File the signed consent (`archivist file add`) and pass its number.",
        )
    with ctx.ledger.write() as conn:
        client = registry.get(conn, client_number)
        doc = document_id(conn, document, client.id)
        _require_consent_document(conn, doc, document)
        now = clock.now()
        cid = new_id(
            conn.execute(
                client_consents.insert().values(
                    client_id=client.id,
                    scope=text,
                    document_id=doc,
                    expires_on=until,
                    granted_at=now,
                    granted_by=actor.id,
                )
            )
        )
        audit.record(
            conn,
            actor.username,
            "client.consent",
            "client",
            client.number,
            client.id,
            consent=cid,
            scope=text,
            purposes=purposes_of(text or ""),
            document=document.strip(),
            expires=until,
        )
        out = [c for c in for_client(conn, client) if c.id == cid][0]
    registry.refresh_manifest(ctx, client.id)
    return out


def revoke(ctx: Context, client_number: str, consent_id: int | None = None) -> list[Consent]:
    """Revoke one consent (by id) or every active one of the client."""
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="revoke a client's consent")
    with ctx.ledger.write() as conn:
        client = registry.get(conn, client_number)
        active = [c for c in for_client(conn, client) if c.revoked_at is None]
        if consent_id is not None:
            active = [c for c in active if c.id == consent_id]
            if not active:
                raise NotFound(
                    f"client {client.number} has no active consent {consent_id}",
                    f"See `archivist client consent {client.number}`.",
                )
        if not active:
            raise Conflict(f"client {client.number} has no active consent to revoke")
        now = clock.now()
        ids = [c.id for c in active]
        conn.execute(
            client_consents.update()
            .where(client_consents.c.id.in_(ids))
            .values(revoked_at=now, revoked_by=actor.id)
        )
        audit.record(
            conn,
            actor.username,
            "client.consent.revoke",
            "client",
            client.number,
            client.id,
            consents=ids,
        )
        out = [c for c in for_client(conn, client) if c.id in ids]
    registry.refresh_manifest(ctx, client.id)
    return out


def show(ctx: Context, client_number: str) -> list[Consent]:
    """The client's consents, active and revoked (audited as a read of the archive)."""
    with ctx.ledger.write() as conn:
        client, _scope = registry.get_archive(ctx, conn, client_number)
        out = for_client(conn, client)
        audit.record(
            conn, ctx.actor.username, "client.consent.read", "client", client.number, client.id
        )
    return out


def consenting_ids(conn: Connection, purpose: str) -> set[int]:
    """Clients with an active consent for `purpose`: not revoked, not expired."""
    today = clock.today()
    rows = conn.execute(
        select(
            client_consents.c.client_id, client_consents.c.scope, client_consents.c.expires_on
        ).where(client_consents.c.revoked_at.is_(None))
    )
    return {
        r.client_id
        for r in rows
        if purpose in purposes_of(r.scope) and (r.expires_on is None or r.expires_on >= today)
    }


def _rows(conn: Connection, purpose: str, ids: set[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    out = []
    for c in conn.execute(select(clients).where(clients.c.id.in_(ids)).order_by(clients.c.number)):
        if purpose == "marketing":
            out.append(
                {
                    "number": c.number,
                    "name": c.name,
                    "kind": c.kind,
                    "phone": c.phone,
                    "email": c.email,
                    "address": c.address,
                }
            )
        else:
            types = sorted(
                conn.execute(
                    select(matters_t.c.type).distinct().where(matters_t.c.client_id == c.id)
                ).scalars()
            )
            count = conn.execute(
                select(func.count()).where(matters_t.c.client_id == c.id)
            ).scalar_one()
            out.append(
                {
                    "number": c.number,
                    "kind": c.kind,
                    "class": c.class_letter,
                    "registered": c.created_at.date().isoformat(),
                    "matters": count,
                    "matter_types": ";".join(types),
                }
            )
    return out


def export(ctx: Context, purpose: str, out: str, *, overwrite: bool = False) -> ExportResult:
    """Write the clients who gave written consent for `purpose` to a CSV file; the others are
    left out and counted."""
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, Role.MANAGEMENT, action="export client lists")
    key = (purpose or "").strip().lower()
    if key not in PURPOSES:
        raise InvalidInput(
            f"unknown purpose {purpose[:30]!r}", "Purposes: " + ", ".join(PURPOSES) + "."
        )
    if not (out or "").lower().endswith(".csv"):
        raise InvalidInput(f"--out {out[:60]!r} is not a .csv file name")
    with ctx.ledger.write() as conn:
        total = conn.execute(select(func.count()).select_from(clients)).scalar_one()
        ids = consenting_ids(conn, key)
        rows = _rows(conn, key, ids)
        from archivist.core.output import csv_bytes

        data = csv_bytes(COLUMNS[key], ([r.get(c) for c in COLUMNS[key]] for r in rows))
        path = str(Path(out).resolve())
        audit.record(
            conn,
            actor.username,
            "client.export",
            "export",
            key,
            purpose=key,
            path=path,
            exported=len(rows),
            left_out=total - len(rows),
            clients=[r["number"] for r in rows],
        )
        write_out(out, data, home=ctx.home, overwrite=overwrite)
    return ExportResult(
        purpose=key, path=path, exported=len(rows), left_out=total - len(rows), columns=COLUMNS[key]
    )
