"""Disposal (銷毀) of volumes past their retention term: listed, proposed as a batch, approved
by the head (and a second approver when `[retention] second_approver`), then carried out: the
documents leave the store and the index, the ledger keeps the register (volume, documents with
their checksums, approvers, date, method, the backups that still hold them) and a Word 銷毀清冊
is written. Nothing under a legal hold, on loan or with an open complaint is proposed or
destroyed. Every step is audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from archivist.core import access, audit, clock, numbering
from archivist.core.context import Context
from archivist.core.errors import Conflict, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.complaints import complaints
from archivist.ledger.tables.core import audit_events, clients, users
from archivist.ledger.tables.documents import document_texts, documents
from archivist.ledger.tables.loans import loan_documents, loans
from archivist.ledger.tables.matters import matters
from archivist.ledger.tables.volumes import (
    disposal_items,
    disposals,
    document_aliases,
    document_withdrawals,
    volumes,
)
from archivist.models.volumes import Disposal, DisposalItem, Volume
from archivist.volumes.guard import held

REGISTER_DIR = "disposal_registers"  # in the home, outside the store


def blockers(conn: Connection, client_id: int, matter_id: int) -> list[str]:
    """Why a volume may not be disposed of now (a legal hold, a loan, an open complaint)."""
    out = []
    why = held(conn, client_id, matter_id)
    if why is not None:
        out.append(_("legal hold: {reason}").format(reason=why))
    doc_ids = select(documents.c.id).where(documents.c.matter_id == matter_id)
    lent = conn.execute(
        select(loans.c.number)
        .where(
            loans.c.client_id == client_id,
            loans.c.status.in_(("approved", "out")),
            or_(
                loans.c.scope == "archive",
                loans.c.matter_id == matter_id,
                loans.c.id.in_(
                    select(loan_documents.c.loan_id).where(
                        loan_documents.c.document_id.in_(doc_ids)
                    )
                ),
            ),
        )
        .limit(1)
    ).scalar()
    if lent:
        out.append(_("on loan ({loan})").format(loan=lent))
    complaint = conn.execute(
        select(complaints.c.number)
        .where(
            complaints.c.client_id == client_id,
            complaints.c.status != "closed",
            or_(complaints.c.matter_id.is_(None), complaints.c.matter_id == matter_id),
        )
        .limit(1)
    ).scalar()
    if complaint:
        out.append(_("open complaint ({complaint})").format(complaint=complaint))
    return out


def _due(ctx: Context, conn: Connection) -> list[tuple[Volume, list[str]]]:
    from archivist.matters import service as matters_mod
    from archivist.volumes import service

    today = clock.today()
    proposed = (
        select(disposal_items.c.matter_id)
        .join(disposals, disposals.c.id == disposal_items.c.disposal_id)
        .where(disposals.c.status.in_(("proposed", "approved")))
    )
    out = []
    for row in conn.execute(
        select(volumes.c.matter_id).where(
            volumes.c.status == "sealed", volumes.c.matter_id.not_in(proposed)
        )
    ).all():
        vol = service.build(ctx, conn, matters_mod.by_id(conn, row.matter_id))
        if vol.keep_until is not None and vol.keep_until < today:
            matter = matters_mod.by_id(conn, row.matter_id)
            out.append((vol, blockers(conn, matter.client_id, matter.id)))
    return out


def due(ctx: Context) -> list[dict[str, Any]]:
    """Sealed volumes past their term, with what blocks their disposal (audited read)."""
    user = access.require_volume_keeper(ctx, _("list volumes due for disposal"))
    with ctx.ledger.write() as conn:
        rows = _due(ctx, conn)
        audit.record(conn, user.username, "disposal.list", "disposal", "*", None, shown=len(rows))
    return [
        {
            "matter": v.matter_number,
            "client": v.client_number,
            "retention_class": v.retention_class,
            "keep_until": v.keep_until.isoformat() if v.keep_until else None,
            "documents": len(v.documents),
            "blocked": "; ".join(b),
        }
        for v, b in rows
    ]


def _model(conn: Connection, row: Any) -> Disposal:
    def name(uid: int | None) -> str | None:
        if uid is None:
            return None
        return conn.execute(select(users.c.username).where(users.c.id == uid)).scalar()

    items = []
    for it in conn.execute(
        select(disposal_items, matters.c.number, clients.c.number.label("client"))
        .join(matters, matters.c.id == disposal_items.c.matter_id)
        .join(clients, clients.c.id == matters.c.client_id)
        .where(disposal_items.c.disposal_id == row.id)
        .order_by(disposal_items.c.id)
    ):
        vol = conn.execute(
            select(volumes.c.retention_class).where(volumes.c.matter_id == it.matter_id)
        ).scalar()
        items.append(
            DisposalItem(
                matter_number=it.number,
                client_number=it.client,
                retention_class=vol or "",
                documents=json.loads(it.documents),
            )
        )
    return Disposal(
        number=row.number,
        status=row.status,
        proposed_by=name(row.proposed_by) or "",
        proposed_at=row.proposed_at,
        approved_by=name(row.approved_by),
        approved_at=row.approved_at,
        second_by=name(row.second_by),
        second_at=row.second_at,
        done_at=row.done_at,
        method=row.method,
        backups=json.loads(row.backups or "[]"),
        register_path=row.register_path,
        items=items,
    )


def _get(conn: Connection, number: str) -> Any:
    row = conn.execute(
        select(disposals).where(disposals.c.number == (number or "").strip().upper())
    ).first()
    if row is None:
        raise NotFound(
            _("no disposal {number!r}").format(number=number[:40]),
            _("See `archivist disposal show`."),
        )
    return row


def _doc_list(conn: Connection, matter_id: int) -> list[dict[str, Any]]:
    return [
        {
            "number": r.number,
            "title": r.title,
            "checksum": r.checksum,
            "checksum_algo": r.checksum_algo,
            "size": r.size,
            "path": r.path,
        }
        for r in conn.execute(
            select(documents).where(documents.c.matter_id == matter_id).order_by(documents.c.id)
        )
    ]


def propose(ctx: Context, matter_numbers: list[str]) -> Disposal:
    """A disposal batch of volumes past their term (none held, lent or under complaint)."""
    from archivist.matters import service as matters_mod
    from archivist.volumes import service

    user = access.require_volume_keeper(ctx, _("propose a disposal"))
    if not matter_numbers:
        raise InvalidInput(_("no volume given"), _("See `archivist disposal list`."))
    with ctx.ledger.write() as conn:
        chosen = []
        for number in dict.fromkeys(matter_numbers):
            matter = matters_mod.get(conn, number)
            vol = service.build(ctx, conn, matter)
            if vol.status != "sealed":
                raise Conflict(
                    _("the volume of matter {number} is not sealed").format(number=matter.number)
                )
            if vol.keep_until is None or vol.keep_until >= clock.today():
                raise Conflict(
                    _("the volume of matter {number} is kept until {until}").format(
                        number=matter.number,
                        until=vol.keep_until or _("forever (permanent)"),
                    )
                )
            why = blockers(conn, matter.client_id, matter.id)
            if why:
                raise Conflict(
                    _("the volume of matter {number} cannot be disposed of: {why}").format(
                        number=matter.number, why="; ".join(why)
                    )
                )
            chosen.append(matter)
        now = clock.now()
        seq = numbering.next_value(conn, f"disposal:{now.year}")
        number = f"XH{now.year}-{seq:04d}"
        did = conn.execute(
            disposals.insert().values(
                number=number, status="proposed", proposed_by=user.id, proposed_at=now
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        for matter in chosen:
            conn.execute(
                disposal_items.insert().values(
                    disposal_id=did,
                    matter_id=matter.id,
                    documents=json.dumps(_doc_list(conn, matter.id), ensure_ascii=False),
                )
            )
        audit.record(
            conn,
            user.username,
            "disposal.propose",
            "disposal",
            number,
            None,
            volumes=[m.number for m in chosen],
        )
        return _model(conn, _get(conn, number))


def approve(ctx: Context, number: str) -> Disposal:
    """The head approves (never the proposer); with `second_approver`, another head or
    management member approves second (neither the proposer nor the first approver)."""
    user = ctx.actor
    second = ctx.settings.retention.second_approver
    with ctx.ledger.write() as conn:
        row = _get(conn, number)
        d = _model(conn, row)
        if row.status != "proposed":
            raise Conflict(
                _("disposal {number} is {status}, not proposed").format(
                    number=d.number, status=d.status
                )
            )
        access.require_not_requester(user, d.proposed_by, _("approve this disposal"))
        now = clock.now()
        if row.approved_by is None:
            access.require_decider(ctx, _("approve a disposal"))
            values: dict[str, Any] = {"approved_by": user.id, "approved_at": now}
            step = "head"
        elif second and row.second_by is None:
            access.require_second_approver(ctx, _("give a disposal's second approval"))
            access.require_not_requester(
                user, d.approved_by or "", _("approve this disposal a second time")
            )
            values = {"second_by": user.id, "second_at": now}
            step = "second"
        else:
            raise Conflict(_("disposal {number} is already approved").format(number=d.number))
        done = step == "second" or not second
        if done:
            values["status"] = "approved"
        conn.execute(disposals.update().where(disposals.c.id == row.id).values(**values))
        audit.record(conn, user.username, "disposal.approve", "disposal", d.number, None, step=step)
        return _model(conn, _get(conn, number))


def reject(ctx: Context, number: str) -> Disposal:
    user = access.require_decider(ctx, _("reject a disposal"))
    with ctx.ledger.write() as conn:
        row = _get(conn, number)
        if row.status not in ("proposed", "approved"):
            raise Conflict(
                _("disposal {number} is {status}").format(number=row.number, status=row.status)
            )
        conn.execute(disposals.update().where(disposals.c.id == row.id).values(status="rejected"))
        audit.record(conn, user.username, "disposal.reject", "disposal", row.number, None)
        return _model(conn, _get(conn, number))


def _backups(conn: Connection) -> list[str]:
    return list(
        dict.fromkeys(
            json.loads(r.details).get("dest") or r.object_id
            for r in conn.execute(
                select(audit_events.c.object_id, audit_events.c.details)
                .where(audit_events.c.action == "home.backup")
                .order_by(audit_events.c.seq)
            )
        )
    )


def carry_out(ctx: Context, number: str, method: str) -> Disposal:
    """Destroy the approved batch's documents (store, index, ledger rows), keep the register,
    write the 銷毀清冊. Refused if anything became held, lent or complained about since."""
    from archivist.matters.service import clean_text

    user = access.require_volume_keeper(ctx, _("carry out a disposal"))
    method = clean_text(method, _("the method"), 200)
    with ctx.ledger.write() as conn:
        row = _get(conn, number)
        if row.status != "approved":
            raise Conflict(
                _("disposal {number} is {status}, not approved").format(
                    number=row.number, status=row.status
                )
            )
        items = conn.execute(
            select(disposal_items, matters.c.client_id, matters.c.number.label("matter"))
            .join(matters, matters.c.id == disposal_items.c.matter_id)
            .where(disposal_items.c.disposal_id == row.id)
        ).all()
        for it in items:
            why = blockers(conn, it.client_id, it.matter_id)
            if why:
                raise Conflict(
                    _("the volume of matter {number} cannot be disposed of: {why}").format(
                        number=it.matter, why="; ".join(why)
                    )
                )
        files: list[Path] = []
        numbers: list[str] = []
        now = clock.now()
        for it in items:
            docs = _doc_list(conn, it.matter_id)
            conn.execute(
                disposal_items.update()
                .where(disposal_items.c.id == it.id)
                .values(documents=json.dumps(docs, ensure_ascii=False))
            )
            ids = select(documents.c.id).where(documents.c.matter_id == it.matter_id)
            for table, col in (
                (document_texts, document_texts.c.document_id),
                (loan_documents, loan_documents.c.document_id),
                (document_aliases, document_aliases.c.document_id),
                (document_withdrawals, document_withdrawals.c.document_id),
            ):
                conn.execute(table.delete().where(col.in_(ids)))
            _clear_references(conn, ids)
            conn.execute(documents.delete().where(documents.c.matter_id == it.matter_id))
            conn.execute(
                volumes.update()
                .where(volumes.c.matter_id == it.matter_id)
                .values(status="disposed", disposed_at=now)
            )
            files += [ctx.store.resolve(d["path"]) for d in docs]
            numbers += [d["number"] for d in docs]
            audit.record(
                conn,
                user.username,
                "volume.dispose",
                "matter",
                it.matter,
                it.client_id,
                disposal=row.number,
                documents=[d["number"] for d in docs],
            )
        backups = _backups(conn)
        d = _model(conn, row)
        d.method, d.done_at, d.backups = method, now, backups
        register = _write_register(ctx, d)
        conn.execute(
            disposals.update()
            .where(disposals.c.id == row.id)
            .values(
                status="done",
                done_at=now,
                method=method,
                backups=json.dumps(backups),
                register_path=register,
            )
        )
        audit.record(
            conn,
            user.username,
            "disposal.carry_out",
            "disposal",
            row.number,
            None,
            method=method,
            documents=numbers,
            backups=backups,
        )
    for f in files:  # after the commit: a failed transaction destroys nothing
        f.unlink(missing_ok=True)
    from archivist.clients import registry

    for client_id in sorted({it.client_id for it in items}):
        registry.refresh_manifest(ctx, client_id)
    try:
        from archivist import search

        search.delete_documents(ctx, numbers)
    except Exception:  # noqa: BLE001  (the index is derived: check --repair rebuilds it)
        pass
    with ctx.ledger.read() as conn:
        return _model(conn, _get(conn, number))


def _clear_references(conn: Connection, ids: Any) -> None:
    """Other rows that point at the destroyed documents forget them (nullable references)."""
    from archivist.ledger.tables import metadata

    for table in metadata.sorted_tables:
        for col in table.columns:
            if table.name in ("documents",) and col.name in ("version_of", "copy_of"):
                conn.execute(table.update().where(col.in_(ids)).values({col.name: None}))
                continue
            if table.name in (
                "document_texts",
                "loan_documents",
                "document_aliases",
                "document_withdrawals",
                "documents",
            ):
                continue
            for fk in col.foreign_keys:
                if fk.column.table.name == "documents":
                    if col.nullable and not col.primary_key:
                        conn.execute(table.update().where(col.in_(ids)).values({col.name: None}))
                    else:
                        conn.execute(table.delete().where(col.in_(ids)))


def _write_register(ctx: Context, d: Disposal) -> str:
    """The 銷毀清冊 as Word, in the home's disposal_registers/ (outside the store)."""
    import io

    from docx import Document

    from archivist.volumes.paperwork import _fonts

    doc = Document()
    p = doc.add_paragraph()
    _fonts(p.add_run(ctx.settings.firm.name), 14)
    p = doc.add_paragraph()
    _fonts(p.add_run(f"銷毀清冊 {d.number}"), 22, True)
    lines = [
        f"提出：{d.proposed_by} {d.proposed_at:%Y-%m-%d}",
        f"批准：{d.approved_by or ''} {d.approved_at:%Y-%m-%d}" if d.approved_at else "批准：",
    ]
    if d.second_by:
        lines.append(f"復核：{d.second_by} {d.second_at:%Y-%m-%d}" if d.second_at else "")
    lines += [
        f"銷毀日期：{d.done_at:%Y-%m-%d}" if d.done_at else "",
        f"銷毀方式：{d.method}",
        "仍含本批文件的備份：" + ("、".join(d.backups) if d.backups else "無"),
    ]
    for line in lines:
        _fonts(doc.add_paragraph().add_run(line), 11)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, head in zip(
        table.rows[0].cells, ("卷號", "文件編號", "題名", "SHA-256", "大小"), strict=False
    ):
        _fonts(cell.paragraphs[0].add_run(head), 10, True)
    for item in d.items:
        for doc_row in item.documents:
            cells = table.add_row().cells
            for cell, text in zip(
                cells,
                (
                    item.matter_number,
                    doc_row["number"],
                    doc_row["title"],
                    doc_row["checksum"],
                    str(doc_row["size"]),
                ),
                strict=False,
            ):
                _fonts(cell.paragraphs[0].add_run(str(text)), 9)
    out = io.BytesIO()
    doc.save(out)
    folder = ctx.home.root / REGISTER_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"銷毀清冊-{d.number}.docx"
    _write_file(target, out.getvalue())
    return str(target.relative_to(ctx.home.root))


def show(ctx: Context, number: str | None = None) -> list[Disposal]:
    user = access.require_volume_keeper(ctx, _("read the disposal register"))
    with ctx.ledger.write() as conn:
        stmt = select(disposals).order_by(disposals.c.id)
        if number:
            stmt = stmt.where(disposals.c.id == _get(conn, number).id)
        out = [_model(conn, r) for r in conn.execute(stmt).all()]
        audit.record(conn, user.username, "disposal.show", "disposal", number or "*", None)
    return out


def _write_file(target: Path, data: bytes) -> None:
    """Written to a temp file, fsynced, renamed into place (owner only)."""
    import os

    tmp = target.with_name(f".tmp-{target.name}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
