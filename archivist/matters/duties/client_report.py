"""The status letter for the client (知情權, 參與權): their matters, the lawyers with licence
numbers and practice areas, the progress records marked as reported to the client (only those:
a lawyer's internal work records stay internal), deliverables and their dates, and the payment
schedule. Written as .docx with python-docx."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archivist.clients import registry
from archivist.core import audit, clock
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.core.i18n import _
from archivist.ledger.tables.base import metadata
from archivist.ledger.tables.core import users
from archivist.ledger.tables.matters import matter_lawyers, matters
from archivist.matters.duties import deliverables, payments
from archivist.matters.duties.common import write_out
from archivist.models import ClientReportResult

STATUS_ZH = {"open": "辦理中", "closed": "已結案"}
DELIVERABLE_ZH = {"open": "待提交", "overdue": "逾期", "done": "已提交"}
PAYMENT_ZH = {"open": "未到期", "overdue": "逾期未付", "paid": "已付清"}
FONT = "Noto Serif CJK TC"


def _events(conn: Connection, matter_id: int) -> tuple[list[Any], int]:
    """(records reported to the client, count of internal ones)."""
    table = metadata.tables.get("matter_events")
    if table is None:
        return [], 0
    shown = conn.execute(
        select(table.c.at, table.c.text)
        .where(table.c.matter_id == matter_id, table.c.reported_to_client.is_(True))
        .order_by(table.c.at, table.c.id)
    ).all()
    hidden = conn.execute(
        select(func.count()).where(
            table.c.matter_id == matter_id, table.c.reported_to_client.is_(False)
        )
    ).scalar_one()
    return list(shown), int(hidden)


def _lawyers(conn: Connection, matter_id: int) -> Sequence[Any]:
    return conn.execute(
        select(
            users.c.username, users.c.display_name, users.c.licence_number, users.c.practice_area
        )
        .select_from(matter_lawyers.join(users, users.c.id == matter_lawyers.c.user_id))
        .where(matter_lawyers.c.matter_id == matter_id, matter_lawyers.c.removed_at.is_(None))
        .order_by(matter_lawyers.c.id)
    ).all()


def collect(conn: Connection, client_id: int) -> list[dict[str, Any]]:
    """What the letter says, per matter (also used by tests and --json)."""
    out = []
    for m in conn.execute(
        select(matters).where(matters.c.client_id == client_id).order_by(matters.c.id)
    ):
        shown, hidden = _events(conn, m.id)
        out.append(
            {
                "number": m.number,
                "title": m.title,
                "type": m.type,
                "status": m.status,
                "accepted": m.accepted_at.date(),
                "closed": m.closed_at.date() if m.closed_at else None,
                "lawyers": [dict(r._mapping) for r in _lawyers(conn, m.id)],
                "progress": [{"date": r.at.date(), "text": r.text} for r in shown],
                "internal": hidden,
                "deliverables": deliverables.for_matter(conn, m.id),
                "schedule": payments.schedule(conn, m.id),
            }
        )
    return out


def _doc(firm: str, client: Any, items: list[dict[str, Any]]) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    doc.add_heading("案件進展情況報告", level=0)
    doc.add_paragraph(f"{client.name}（檔案編號 {client.number}）：")
    doc.add_paragraph(
        f"本所謹將貴方委託事項的辦理情況報告如下（截至 {clock.today():%Y年%m月%d日}）。"
        "如有疑問或意見，請與承辦律師或本所客戶服務部聯繫。"
    )
    if not items:
        doc.add_paragraph("目前沒有委託事項。")
    for m in items:
        doc.add_heading(f"{m['number']}　{m['title']}", level=1)
        doc.add_paragraph(
            f"狀態：{STATUS_ZH.get(m['status'], m['status'])}；受理日期："
            f"{m['accepted']}" + (f"；結案日期：{m['closed']}" if m["closed"] else "")
        )
        doc.add_heading("承辦律師", level=2)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("姓名", "執業證號", "業務領域"), strict=True):
            cell.text = text
        for lw in m["lawyers"]:
            cells = table.add_row().cells
            cells[0].text = lw["display_name"]
            cells[1].text = lw["licence_number"] or "—"
            cells[2].text = lw["practice_area"] or "—"
        doc.add_heading("辦理進展", level=2)
        if not m["progress"]:
            doc.add_paragraph("暫無向貴方報告的進展記錄。")
        for p in m["progress"]:
            doc.add_paragraph(f"{p['date']}　{p['text']}", style="List Bullet")
        if m["deliverables"]:
            doc.add_heading("法律文書及提交期限", level=2)
            table = doc.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            for cell, text in zip(
                table.rows[0].cells, ("文書", "期限", "狀態", "提交日期"), strict=True
            ):
                cell.text = text
            for d in m["deliverables"]:
                cells = table.add_row().cells
                cells[0].text = d.title
                cells[1].text = d.due.isoformat()
                cells[2].text = DELIVERABLE_ZH.get(d.status, d.status)
                cells[3].text = f"{d.done_at:%Y-%m-%d}" if d.done_at else ""
        if m["schedule"]:
            doc.add_heading("費用支付安排", level=2)
            table = doc.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            for cell, text in zip(
                table.rows[0].cells, ("期限", "金額", "已付", "狀態"), strict=True
            ):
                cell.text = text
            for i in m["schedule"]:
                cells = table.add_row().cells
                cells[0].text = i.due.isoformat()
                cells[1].text = i.amount
                cells[2].text = i.paid
                cells[3].text = PAYMENT_ZH.get(i.status, i.status)
    doc.add_paragraph("")
    doc.add_paragraph(firm)
    doc.add_paragraph(f"{clock.today():%Y年%m月%d日}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def report(
    ctx: Context, client_number: str, out: str, *, overwrite: bool = False
) -> ClientReportResult:
    """Write the status letter for one client (audited as a read of the archive)."""
    if not (out or "").lower().endswith(".docx"):
        raise InvalidInput(
            _("--out {value!r} is not a .docx file name").format(value=(out or "")[:60])
        )
    with ctx.ledger.write() as conn:
        client, _scope = registry.get_archive(ctx, conn, client_number)
        items = collect(conn, client.id)
        data = _doc(ctx.settings.firm.name, client, items)
        from pathlib import Path

        path = str(Path(out).resolve())
        result = ClientReportResult(
            client=client.number,
            path=path,
            matters=[m["number"] for m in items],
            lawyers=sorted({lw["username"] for m in items for lw in m["lawyers"]}),
            progress_records=sum(len(m["progress"]) for m in items),
            internal_left_out=sum(m["internal"] for m in items),
            deliverables=sum(len(m["deliverables"]) for m in items),
        )
        audit.record(
            conn,
            ctx.actor.username,
            "client.report",
            "client",
            client.number,
            client.id,
            path=path,
            matters=result.matters,
            progress_records=result.progress_records,
            internal_left_out=result.internal_left_out,
        )
        write_out(out, data, home=ctx.home, overwrite=overwrite)
    return result
