"""The borrowing register (借閱登記簿) as CSV or Word, and the 借閱審批單 form of one loan."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from archivist.core import audit, clock
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.core.i18n import N_, _
from archivist.loans.service import _scope_text, list_loans
from archivist.models import Loan, Role

# the register's columns (in the language in effect when it is written)
REGISTER_HEADERS = [
    N_("Loan number"),
    N_("Client number"),
    N_("Client name"),
    N_("Lent"),
    N_("Originals/copies"),
    N_("Borrower"),
    N_("Purpose"),
    N_("Requested"),
    N_("Approved by"),
    N_("Checked out"),
    N_("Due"),
    N_("Returned"),
    N_("Condition"),
    N_("State"),
]


def headers() -> list[str]:
    return [_(h) for h in REGISTER_HEADERS]


def _d(value: datetime | date | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def register_row(loan: Loan) -> list[str]:
    """One loan as the register shows it, naming people by their names."""
    from archivist.core.vocabulary import label

    state = label("loan_status", loan.status)
    if loan.overdue:
        state += _(" (overdue {days} days)").format(days=loan.days_overdue)
    names = loan.people
    return [
        loan.number,
        loan.client_number,
        loan.client_name,
        _scope_text(loan),
        _("copies") if loan.copies else _("originals"),
        loan.borrower_name,
        loan.purpose,
        _d(loan.requested_at),
        names.get(loan.approved_by, loan.approved_by) if loan.approved_by else "",
        _d(loan.checked_out_at),
        _d(loan.due_date),
        _d(loan.returned_at),
        loan.condition or "",
        state,
    ]


def register_loans(ctx: Context, start: date | None, end: date | None) -> list[Loan]:
    """The loans requested between `start` and `end` (inclusive), oldest first."""
    if start and end and start > end:
        raise InvalidInput(_("--from {start} is after --to {end}").format(start=start, end=end))
    rows = list_loans(ctx, requested_from=start, requested_to=end)
    return sorted(rows, key=lambda loan: (loan.requested_at, loan.number))


def csv_bytes(loans: list[Loan]) -> bytes:
    """The register as CSV; a purpose like '=HYPERLINK(...)' stays text in a spreadsheet."""
    from archivist.core.output import csv_bytes as spreadsheet_csv

    return spreadsheet_csv(headers(), (register_row(loan) for loan in loans))


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
    doc.add_heading(_("{firm} Borrowing register").format(firm=ctx.settings.firm.name), level=1)
    period = _("{start} to {end}").format(
        start=start or _("the first loan"), end=end or clock.today()
    )
    doc.add_paragraph(
        _("Period (date requested): {period}    {count} loans    made {when}").format(
            period=period, count=len(loans), when=clock.now().strftime("%Y-%m-%d %H:%M")
        )
    )
    doc.styles["Normal"].font.size = Pt(8)
    table = doc.add_table(rows=len(loans) + 1, cols=len(REGISTER_HEADERS))
    table.style = "Table Grid"
    rows = table.rows
    _repeat_as_header(rows[0])
    for row, values in zip(rows, [headers(), *map(register_row, loans)], strict=True):
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


def write_file(ctx: Context, path: Path, data: bytes, force: bool) -> None:
    """Write `data` to `path` atomically; refuse to replace an existing file unless `force`."""
    from archivist.core.output import write_atomic

    write_atomic(path, data, home=ctx.home, overwrite=force)


def write_register(
    ctx: Context,
    path: Path,
    start: date | None = None,
    end: date | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Write the register of loans requested in [start, end] to FILE.csv or FILE.docx."""
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("export the loan register"))
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("csv", "docx"):
        raise InvalidInput(_("--out {name!r} must end in .csv or .docx").format(name=path.name))
    loans = register_loans(ctx, start, end)
    data = csv_bytes(loans) if kind == "csv" else docx_bytes(ctx, loans, start, end)
    write_file(ctx, path, data, force)
    with ctx.ledger.write() as conn:
        audit.record(
            conn,
            actor.username,
            "loan.register",
            "loan",
            "register",
            start=start,
            end=end,
            count=len(loans),
            path=str(path),
        )
    return {
        "path": str(path),
        "format": kind,
        "count": len(loans),
        "numbers": [loan.number for loan in loans],
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
    }


# ------------------------------------------------------------------------------ 借閱審批單
ROLE_ZH = {
    "lawyer": "律師",
    "staff": "職員",
    "archivist": "檔案管理員",
    "head": "部門負責人",
    "management": "管理層",
}


def form_data(ctx: Context, number: str) -> dict[str, Any]:
    """The data of the 借閱審批單 (template loan-form) for one loan. The borrower, archivists
    and the head may print it."""
    from datetime import timedelta

    from sqlalchemy import select

    from archivist.core import users
    from archivist.ledger.tables.documents import documents
    from archivist.ledger.tables.loans import loan_documents
    from archivist.ledger.tables.matters import matters
    from archivist.loans.service import _row, get

    loan = get(ctx, number).loan  # refuses a loan the actor may not see
    with ctx.ledger.read() as conn:
        row = _row(conn, loan.number)
        borrower = users.get(conn, loan.borrower)
        deciding = loan.approved_by or loan.rejected_by
        decider = users.get(conn, deciding).display_name if deciding else ""
        stmt = select(documents.c.number, documents.c.title).order_by(documents.c.number)
        if loan.scope == "documents":
            stmt = stmt.select_from(
                loan_documents.join(documents, documents.c.id == loan_documents.c.document_id)
            ).where(loan_documents.c.loan_id == row.id)
        elif loan.scope == "matter":
            stmt = stmt.where(
                documents.c.matter_id
                == select(matters.c.id)
                .where(matters.c.number == loan.matter_number)
                .scalar_subquery()
            )
        items = (
            [{"number": r.number, "title": r.title} for r in conn.execute(stmt)]
            if loan.scope != "archive"
            else []
        )
    scope = {
        "archive": "全卷",
        "matter": f"案件 {loan.matter_number} 全部材料",
        "documents": "指定文件",
    }[loan.scope.value]
    due = loan.due_date or (loan.requested_at.date() + timedelta(days=loan.days))
    decided = loan.approved_at or loan.rejected_at
    return {
        "client": {"number": loan.client_number, "name": loan.client_name},
        "loan_number": loan.number,
        "requester": loan.borrower_name,
        "requester_role": "、".join(ROLE_ZH.get(r.value, r.value) for r in borrower.roles),
        "matter_number": loan.matter_number or "",
        "scope": scope + ("（複印件）" if loan.copies else "（原件）"),
        "items": items,
        "purpose": loan.purpose,
        "requested_date": loan.requested_at.date().isoformat(),
        "due_date": due.isoformat(),
        "decision": (
            "批准" + (f"：{loan.approval_note}" if loan.approval_note else "")
            if loan.approved_by
            else f"不批准：{loan.reject_reason}"
            if loan.rejected_by
            else ""
        )[:500],
        "approver": decider,
        "decided_date": decided.date().isoformat() if decided else None,
    }


def write_form(ctx: Context, number: str, path: Path, force: bool = False) -> dict[str, Any]:
    """Fill the 借閱審批單 of a loan and write it to FILE.docx."""
    from archivist import documents
    from archivist.clients.registry import get as get_client
    from archivist.core.output import check_target

    if path.suffix.lower() != ".docx":
        raise InvalidInput(_("--out {name!r} must end in .docx").format(name=path.name))
    check_target(path, home=ctx.home, overwrite=force)
    data = form_data(ctx, number)
    blob = documents.render_to_bytes(ctx, "loan-form", data)
    write_file(ctx, path, blob, force)
    with ctx.ledger.write() as conn:
        client = get_client(conn, data["client"]["number"])
        audit.record(
            conn,
            ctx.actor.username,
            "loan.form",
            "loan",
            data["loan_number"],
            client.id,
            path=str(path),
        )
    return {"number": data["loan_number"], "path": str(path), "data": data}
