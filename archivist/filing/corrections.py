"""Correcting what was misfiled (issue 22): `move` a document to another client, section or
matter (renumbered in its new client; the old number stays as an alias that resolves to the
new one) and `withdraw` one with the head's approval (kept in the store's withdrawn area, out of
listings and search, restorable). Both are audited, both are refused in a sealed volume, and
`check`'s replay of the audit trail follows them (integrity/replay/corrections.py)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.clients import registry
from archivist.core import access, audit, clock, numbering
from archivist.core.context import Context
from archivist.core.errors import Conflict, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.core.safenames import safe_filename
from archivist.filing import service as filing
from archivist.ledger.tables.core import users
from archivist.ledger.tables.documents import documents
from archivist.ledger.tables.volumes import document_aliases, document_withdrawals
from archivist.models import Document
from archivist.volumes.guard import refuse_sealed

WITHDRAWN_DIR = "withdrawn"  # in the store: withdrawn/<client number>/<file>


def _link(src: Path, target: Path) -> None:
    """A second name for the file (same file system), never over an existing one."""
    from archivist.core.store import DIR_MODE

    missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    for folder in reversed(missing):  # each new folder for owner and group only
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)
    os.link(src, target)


def _reindex(ctx: Context, old: str | None, doc: Document | None) -> list[str]:
    """Drop `old` from the index and add `doc` again; failures are warnings (derived)."""
    warnings = []
    try:
        from archivist import search

        if old:
            search.delete_documents(ctx, [old])
        if doc is not None:
            from archivist.filing.extract import Limits, extract_file

            with ctx.ledger.read() as conn:
                kept = filing.kept_text(conn, doc.id)
            text = (
                kept
                or extract_file(
                    ctx.store.resolve(doc.path),
                    doc.original_name,
                    Limits.from_settings(ctx.settings),
                ).text
            )
            search.add_documents(ctx, [(doc, text)], new=False)
    except Exception as exc:  # noqa: BLE001  (the index is derived: `index rebuild` repairs)
        warnings.append(
            _("the index was not updated ({error}); run `archivist index rebuild`").format(
                error=exc
            )
        )
    return warnings


def _refresh(ctx: Context, client_ids: set[int]) -> None:
    for cid in sorted(client_ids):
        with contextlib.suppress(Exception):
            registry.refresh_manifest(ctx, cid)


def move(
    ctx: Context,
    number: str,
    to_client: str,
    section: str | None = None,
    matter_number: str | None = None,
) -> Document:
    """Move a misfiled document to `to_client` (its section and matter, or the ones given)."""
    from archivist.matters import service as matters_mod

    user = access.require_volume_keeper(ctx, _("move a filed document"))
    written: Path | None = None
    try:
        with ctx.ledger.write() as conn:
            doc = filing.get(conn, number)
            if withdrawn(conn, doc.id):
                raise Conflict(_("document {number} is withdrawn").format(number=doc.number))
            client = registry.get(conn, to_client)
            sec = filing._section(section) if section else doc.section
            matter_id = None
            if matter_number:
                matter = matters_mod.get(conn, matter_number)
                if matter.client_id != client.id:
                    raise InvalidInput(
                        _("matter {matter} belongs to client {owner}, not {client}").format(
                            matter=matter.number, owner=matter.client_number, client=client.number
                        )
                    )
                matter_id = matter.id
            elif client.id == doc.client_id:
                matter_id = doc.matter_id
            if (client.id, sec, matter_id) == (doc.client_id, doc.section, doc.matter_id):
                raise InvalidInput(
                    _("document {number} is already there").format(number=doc.number),
                    _("Give another --to, --section or --matter."),
                )
            refuse_sealed(conn, doc.matter_id, _("move a document out of it"))
            refuse_sealed(conn, matter_id, _("move a document into it"))
            new_number = doc.number
            if client.id != doc.client_id:
                seq = numbering.next_value(conn, f"doc:{client.number}")
                new_number = numbering.render(
                    ctx.settings.numbering.document, "document", client=client.number, seq=seq
                )
            src = ctx.store.resolve(doc.path)
            target = ctx.store.unique_target(
                ctx.store.section_dir(client.folder, sec),
                safe_filename(f"{new_number} {doc.original_name}"),
            )
            _link(src, target)
            written = target
            rel = ctx.store.relative(target)
            conn.execute(
                documents.update()
                .where(documents.c.id == doc.id)
                .values(
                    number=new_number,
                    client_id=client.id,
                    section=sec.value,
                    matter_id=matter_id,
                    path=rel,
                )
            )
            if new_number != doc.number:
                conn.execute(
                    document_aliases.insert().values(
                        alias=doc.number, document_id=doc.id, at=clock.now()
                    )
                )
            matter_no = matters_mod.by_id(conn, matter_id).number if matter_id else None
            details = {
                "from_number": doc.number,
                "from_client": doc.client_number,
                "to_client": client.number,
                "section": sec.value,
                "matter": matter_no,
                "path": rel,
            }
            if client.id != doc.client_id:  # the old client's trail shows where it went
                audit.record(
                    conn,
                    user.username,
                    "document.move_out",
                    "document",
                    doc.number,
                    doc.client_id,
                    to_number=new_number,
                    to_client=client.number,
                )
            audit.record(
                conn,
                user.username,
                "document.move",
                "document",
                new_number,
                client.id,
                **details,
            )
            moved = filing.by_id(conn, doc.id)
    except BaseException:
        if written is not None:
            with contextlib.suppress(OSError):
                written.unlink()
        raise
    with contextlib.suppress(OSError):
        src.unlink()
    moved.warnings += _reindex(ctx, doc.number, moved)
    _refresh(ctx, {doc.client_id, client.id})
    return moved


# ------------------------------------------------------------------------- withdrawal
def withdrawn(conn: Connection, document_id: int) -> bool:
    return (
        conn.execute(
            select(document_withdrawals.c.id).where(
                document_withdrawals.c.document_id == document_id,
                document_withdrawals.c.status == "withdrawn",
            )
        ).first()
        is not None
    )


def _withdrawal(conn: Connection, wid: int) -> dict[str, Any]:
    req = users.alias("req")
    dec = users.alias("dec")
    row = conn.execute(
        select(
            document_withdrawals,
            documents.c.number,
            req.c.username.label("requester"),
            dec.c.username.label("decider"),
        )
        .join(documents, documents.c.id == document_withdrawals.c.document_id)
        .join(req, req.c.id == document_withdrawals.c.requested_by)
        .outerjoin(dec, dec.c.id == document_withdrawals.c.decided_by)
        .where(document_withdrawals.c.id == wid)
    ).first()
    if row is None:
        raise NotFound(_("no withdrawal {id}").format(id=wid), _("See `archivist file withdrawn`."))
    return {
        "id": row.id,
        "document": row.number,
        "reason": row.reason,
        "status": row.status,
        "requested_by": row.requester,
        "requested_at": row.requested_at,
        "decided_by": row.decider,
        "decided_at": row.decided_at,
        "restored_at": row.restored_at,
    }


def request_withdrawal(ctx: Context, number: str, reason: str) -> dict[str, Any]:
    """Ask the head to withdraw a document filed by mistake."""
    from archivist.matters.service import clean_text

    user = access.require_volume_keeper(ctx, _("request a withdrawal"))
    reason = clean_text(reason, _("the reason"), 2000)
    with ctx.ledger.write() as conn:
        doc = filing.get(conn, number)
        if withdrawn(conn, doc.id):
            raise Conflict(_("document {number} is withdrawn already").format(number=doc.number))
        refuse_sealed(conn, doc.matter_id, _("withdraw a document from it"))
        wid = conn.execute(
            document_withdrawals.insert().values(
                document_id=doc.id,
                reason=reason,
                status="pending",
                requested_by=user.id,
                requested_at=clock.now(),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        audit.record(
            conn,
            user.username,
            "document.withdraw_request",
            "document",
            doc.number,
            doc.client_id,
            withdrawal=wid,
            reason=reason,
        )
        return _withdrawal(conn, int(wid))


def decide_withdrawal(ctx: Context, wid: int, approve: bool) -> dict[str, Any]:
    """The head (not the requester) approves: the file moves to the withdrawn area and leaves
    listings and search; or rejects."""
    user = access.require_decider(ctx, _("decide a withdrawal"))
    written: Path | None = None
    src: Path | None = None
    try:
        with ctx.ledger.write() as conn:
            w = _withdrawal(conn, wid)
            if w["status"] != "pending":
                raise Conflict(
                    _("withdrawal {id} is {status}, not pending").format(id=wid, status=w["status"])
                )
            access.require_not_requester(user, w["requested_by"], _("decide this withdrawal"))
            doc = filing.get(conn, w["document"])
            values: dict[str, Any] = {"decided_by": user.id, "decided_at": clock.now()}
            if approve:
                refuse_sealed(conn, doc.matter_id, _("withdraw a document from it"))
                src = ctx.store.resolve(doc.path)
                target = ctx.store.unique_target(
                    ctx.store.root / WITHDRAWN_DIR / doc.client_number, Path(doc.path).name
                )
                _link(src, target)
                written = target
                rel = ctx.store.relative(target)
                conn.execute(documents.update().where(documents.c.id == doc.id).values(path=rel))
                values.update(status="withdrawn", original_path=doc.path)
                audit.record(
                    conn,
                    user.username,
                    "document.withdraw",
                    "document",
                    doc.number,
                    doc.client_id,
                    withdrawal=wid,
                    path=rel,
                )
            else:
                values["status"] = "rejected"
                audit.record(
                    conn,
                    user.username,
                    "document.withdraw_reject",
                    "document",
                    doc.number,
                    doc.client_id,
                    withdrawal=wid,
                )
            conn.execute(
                document_withdrawals.update()
                .where(document_withdrawals.c.id == wid)
                .values(**values)
            )
            out = _withdrawal(conn, wid)
    except BaseException:
        if written is not None:
            with contextlib.suppress(OSError):
                written.unlink()
        raise
    if approve and src is not None:
        with contextlib.suppress(OSError):
            src.unlink()
        _reindex(ctx, doc.number, None)
        _refresh(ctx, {doc.client_id})
    return out


def restore(ctx: Context, number: str) -> Document:
    """Put a withdrawn document back where it was (the head)."""
    user = access.require_decider(ctx, _("restore a withdrawn document"))
    written: Path | None = None
    try:
        with ctx.ledger.write() as conn:
            doc = filing.get(conn, number)
            row = conn.execute(
                select(document_withdrawals).where(
                    document_withdrawals.c.document_id == doc.id,
                    document_withdrawals.c.status == "withdrawn",
                )
            ).first()
            if row is None:
                raise Conflict(_("document {number} is not withdrawn").format(number=doc.number))
            refuse_sealed(conn, doc.matter_id, _("restore a document into it"))
            src = ctx.store.resolve(doc.path)
            target = ctx.store.resolve(row.original_path)
            if target.exists():
                target = ctx.store.unique_target(target.parent, target.name)
            _link(src, target)
            written = target
            rel = ctx.store.relative(target)
            conn.execute(documents.update().where(documents.c.id == doc.id).values(path=rel))
            conn.execute(
                document_withdrawals.update()
                .where(document_withdrawals.c.id == row.id)
                .values(status="restored", restored_at=clock.now())
            )
            audit.record(
                conn,
                user.username,
                "document.restore",
                "document",
                doc.number,
                doc.client_id,
                withdrawal=row.id,
                path=rel,
            )
            back = filing.by_id(conn, doc.id)
    except BaseException:
        if written is not None:
            with contextlib.suppress(OSError):
                written.unlink()
        raise
    with contextlib.suppress(OSError):
        src.unlink()
    back.warnings += _reindex(ctx, None, back)
    _refresh(ctx, {doc.client_id})
    return back


def list_withdrawn(ctx: Context) -> list[dict[str, Any]]:
    user = access.require_volume_keeper(ctx, _("list withdrawn documents"))
    with ctx.ledger.write() as conn:
        ids = (
            conn.execute(
                select(document_withdrawals.c.id)
                .where(document_withdrawals.c.status.in_(("pending", "withdrawn")))
                .order_by(document_withdrawals.c.id)
            )
            .scalars()
            .all()
        )
        out = [_withdrawal(conn, i) for i in ids]
        audit.record(
            conn, user.username, "document.withdrawn_list", "document", "*", None, shown=len(out)
        )
    return out
