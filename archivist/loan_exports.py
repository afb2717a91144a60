"""The borrowing register (借閱登記簿) as CSV or Word, and the 借閱審批單 form of one loan."""

from __future__ import annotations

import contextlib
import csv
import io
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from archivist import audit, clock
from archivist.context import Context
from archivist.errors import Conflict, InvalidInput, StorageError
from archivist.loans import STATUS_ZH, _scope_text, list_loans
from archivist.models import Loan, Role

REGISTER_HEADERS = ["借閱編號", "客戶編號", "客戶名稱", "借閱範圍", "原件/複印件", "借閱人",
                    "用途", "申請日期", "批准人", "借出日期", "應還日期", "歸還日期",
                    "歸還狀況", "狀態"]


def _d(value: datetime | date | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def register_row(loan: Loan) -> list[str]:
    state = STATUS_ZH[loan.status.value] + (f"（逾期 {loan.days_overdue} 天）"
                                            if loan.overdue else "")
    return [loan.number, loan.client_number, loan.client_name, _scope_text(loan),
            "複印件" if loan.copies else "原件", f"{loan.borrower_name}（{loan.borrower}）",
            loan.purpose, _d(loan.requested_at), loan.approved_by or "",
            _d(loan.checked_out_at), _d(loan.due_date), _d(loan.returned_at),
            loan.condition or "", state]


def register_loans(ctx: Context, start: date | None, end: date | None) -> list[Loan]:
    """The loans requested between `start` and `end` (inclusive), oldest first."""
    if start and end and start > end:
        raise InvalidInput(f"--from {start} is after --to {end}")
    rows = list_loans(ctx, requested_from=start, requested_to=end)
    return sorted(rows, key=lambda loan: (loan.requested_at, loan.number))


def csv_bytes(loans: list[Loan]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(REGISTER_HEADERS)
    for loan in loans:
        writer.writerow([_cell_safe(v) for v in register_row(loan)])
    return buf.getvalue().encode("utf-8-sig")


def _cell_safe(value: str) -> str:
    """Keep a spreadsheet from running a purpose like '=HYPERLINK(...)' as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def docx_bytes(ctx: Context, loans: list[Loan], start: date | None, end: date | None) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    doc.add_heading(f"{ctx.settings.firm.name} 客戶檔案借閱登記簿", level=1)
    period = f"{start or '最早'} 至 {end or clock.today()}"
    doc.add_paragraph(f"期間（申請日期）：{period}    共 {len(loans)} 筆    "
                      f"製表：{clock.now().strftime('%Y-%m-%d %H:%M')}")
    doc.styles["Normal"].font.size = Pt(8)
    table = doc.add_table(rows=len(loans) + 1, cols=len(REGISTER_HEADERS))
    table.style = "Table Grid"
    rows = table.rows
    _repeat_as_header(rows[0])
    for row, values in zip(rows, [REGISTER_HEADERS, *map(register_row, loans)], strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _repeat_as_header(row: Any) -> None:
    """Repeat the header row at the top of every printed page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def write_file(path: Path, data: bytes, force: bool) -> None:
    """Write `data` to `path` atomically; refuse to replace an existing file unless `force`."""
    if path.exists() and not force:
        raise Conflict(f"{path} already exists", "Choose another --out, or pass --force.")
    if not path.parent.is_dir():
        raise InvalidInput(f"folder {path.parent} does not exist", "Create it first.")
    tmp = path.parent / f".tmp-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StorageError(f"could not write {path}: {exc.strerror or exc}") from None


def write_register(ctx: Context, path: Path, start: date | None = None,
                   end: date | None = None, force: bool = False) -> dict[str, Any]:
    """Write the register of loans requested in [start, end] to FILE.csv or FILE.docx."""
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="export the loan register")
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("csv", "docx"):
        raise InvalidInput(f"--out {path.name!r} must end in .csv or .docx")
    loans = register_loans(ctx, start, end)
    data = csv_bytes(loans) if kind == "csv" else docx_bytes(ctx, loans, start, end)
    write_file(path, data, force)
    with ctx.ledger.write() as conn:
        audit.record(conn, actor.username, "loan.register", "loan", "register",
                     start=start, end=end, count=len(loans), path=str(path))
    return {"path": str(path), "format": kind, "count": len(loans),
            "numbers": [loan.number for loan in loans],
            "from": start.isoformat() if start else None, "to": end.isoformat() if end else None}
