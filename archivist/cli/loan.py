"""`archivist loan ...`: borrowing client archives."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import Vocabulary, emit, json_option, pass_archive, warn
from archivist.core.i18n import _

LIST_COLUMNS = [
    "number",
    "client_number",
    "scope_text",
    "borrower",
    "state",
    "requested",
    "due_date",
    "days_overdue",
]
LIST_HEADERS = ["number", "client", "lent", "borrower", "state", "requested", "due", "days overdue"]
STATUSES = Vocabulary(
    "loan_status", ["pending", "approved", "out", "overdue", "returned", "rejected", "cancelled"]
)


@click.group()
def loan() -> None:
    """Borrowing archives: request, the head's approval, check-out, return.

    Reading a client's archive needs the department head's approval and a loan (policy
    檔案查閱). While a loan is out its borrower may read the lent archive, matter or documents;
    access ends at return or once the loan is overdue.
    """


def _scope_text(data: dict[str, Any]) -> str:
    if data["scope"] == "archive":
        text = _("archive")
    elif data["scope"] == "matter":
        text = _("matter {number}").format(number=data["matter_number"])
        if data.get("paper_volume") is not None:
            text += _(" (paper volume)")
    else:
        text = _("docs {numbers}").format(numbers=",".join(data["documents"]))
    return text + (_(" (copies)") if data.get("copies") else "")


def _row(loan_obj: Any) -> dict[str, Any]:
    data = loan_obj.model_dump(mode="json")
    data["scope_text"] = _scope_text(data)
    data["requested"] = data["requested_at"][:10]
    data["borrower"] = data["borrower_name"]  # people by name in tables
    if not data["days_overdue"]:
        data["days_overdue"] = None
    return data


def _done(result: Any, as_json: bool, message: str) -> None:
    for w in result.warnings:
        warn(w)
    if as_json:
        emit({**result.loan.model_dump(mode="json"), "warnings": result.warnings}, True)
    else:
        click.echo(message)


@loan.command("request")
@click.argument("client_number", metavar="CLIENT")
@click.option("--matter", help="Borrow only this matter's materials.")
@click.option("--documents", help="Borrow only these documents (numbers, comma-separated).")
@click.option("--purpose", required=True, help="Why you need the archive.")
@click.option("--days", type=int, help="How long (default from archivist.toml; capped).")
@click.option("--copy", "copies", is_flag=True, help="Ask for copies instead of the originals.")
@json_option
@pass_archive
def request(
    archive: Any,
    client_number: str,
    matter: str | None,
    documents: str | None,
    purpose: str,
    days: int | None,
    copies: bool,
    as_json: bool,
) -> None:
    """Ask to borrow a client's archive, one matter, or listed documents.

    Prints the loan number. The department head then approves or rejects it.

    \b
    Example:
      archivist --as lin loan request C0001 --matter 2026-MS-0001 --purpose "準備開庭"
    """
    from archivist.loans import service as loans

    docs = documents.split(",") if documents else None
    result = loans.request(
        archive,
        client_number,
        purpose=purpose,
        matter=matter,
        document_numbers=docs,
        days=days,
        copies=copies,
    )
    loan_obj = result.loan
    _done(
        result,
        as_json,
        _(
            "{number}  requested ({days} days, {scope}); waiting for the department head's approval"
        ).format(
            number=loan_obj.number,
            days=loan_obj.days,
            scope=_scope_text(loan_obj.model_dump(mode="json")),
        ),
    )


@loan.command("approve")
@click.argument("number", metavar="LOAN")
@click.option("--days", type=int, help="Change the lending period (capped).")
@click.option("--note", help="A note kept with the approval.")
@click.option(
    "--no-copies",
    is_flag=True,
    help="Read only, no copies (限閱覽不得複印): the borrower cannot export or download.",
)
@click.option(
    "--conflict-waiver",
    metavar="WAIVER",
    help="The approved written waiver (W3) when the borrower acts for the other side.",
)
@json_option
@pass_archive
def approve(
    archive: Any,
    number: str,
    days: int | None,
    note: str | None,
    as_json: bool,
    no_copies: bool = False,
    conflict_waiver: str | None = None,
) -> None:
    """Approve a pending loan, or a pending renewal (department head only; never your own).

    \b
    Example:
      archivist --as mei loan approve JY2026-0001 --note "限閱覽"
    """
    from archivist.loans import service as loans

    result = loans.approve(
        archive, number, days=days, note=note, no_copies=no_copies, conflict_waiver=conflict_waiver
    )
    lo = result.loan
    msg = (
        _("{number}  renewal approved: due {due}").format(number=lo.number, due=lo.due_date)
        if lo.status.value == "out"
        else _("{number}  approved for {days} days").format(number=lo.number, days=lo.days)
    )
    _done(result, as_json, msg)


@loan.command("reject")
@click.argument("number", metavar="LOAN")
@click.option("--reason", required=True, help="Why (kept with the loan).")
@json_option
@pass_archive
def reject(archive: Any, number: str, reason: str, as_json: bool) -> None:
    """Reject a pending loan or a pending renewal (department head only; never your own).

    \b
    Example:
      archivist --as mei loan reject JY2026-0002 --reason "用途不明"
    """
    from archivist.loans import service as loans

    result = loans.reject(archive, number, reason)
    lo = result.loan
    msg = (
        _("{number}  renewal rejected; still due {due}").format(number=lo.number, due=lo.due_date)
        if lo.status.value == "out"
        else _("{number}  rejected").format(number=lo.number)
    )
    _done(result, as_json, msg)


@loan.command("checkout")
@click.argument("number", metavar="LOAN")
@click.option(
    "--ack-confidentiality",
    "ack",
    is_flag=True,
    help="The borrower has acknowledged keeping the archive confidential (required).",
)
@json_option
@pass_archive
def checkout(archive: Any, number: str, ack: bool, as_json: bool) -> None:
    """Hand an approved loan to its borrower (archivist only) and set its due date.

    The borrower's confidentiality acknowledgement is required and recorded.

    \b
    Example:
      archivist --as mei loan checkout JY2026-0001 --ack-confidentiality
    """
    from archivist.loans import service as loans

    result = loans.checkout(archive, number, ack)
    lo = result.loan
    _done(
        result,
        as_json,
        _("{number}  out to {borrower} until {due}").format(
            number=lo.number, borrower=lo.borrower_name, due=lo.due_date
        ),
    )


@loan.command("return")
@click.argument("number", metavar="LOAN")
@click.option("--condition", help="The state of the material as returned.")
@json_option
@pass_archive
def return_(archive: Any, number: str, condition: str | None, as_json: bool) -> None:
    """Take a loan back (archivist only); the borrower's access ends.

    \b
    Example:
      archivist --as mei loan return JY2026-0001 --condition "完好"
    """
    from archivist.loans import service as loans

    result = loans.return_(archive, number, condition)
    lo = result.loan
    late = (
        _(" ({days} days late)").format(days=(lo.returned_at.date() - lo.due_date).days)
        if lo.returned_at and lo.due_date and lo.returned_at.date() > lo.due_date
        else ""
    )
    _done(result, as_json, _("{number}  returned{late}").format(number=lo.number, late=late))


@loan.command("renew")
@click.argument("number", metavar="LOAN")
@click.option("--days", type=int, required=True, help="How many more days.")
@json_option
@pass_archive
def renew(archive: Any, number: str, days: int, as_json: bool) -> None:
    """Ask for more days on a loan that is out; the head must approve it again.

    \b
    Example:
      archivist --as lin loan renew JY2026-0001 --days 7
    """
    from archivist.loans import service as loans

    result = loans.renew(archive, number, days)
    lo = result.loan
    _done(
        result,
        as_json,
        _(
            "{number}  renewal of {days} days requested; still due {due} until the department "
            "head approves"
        ).format(number=lo.number, days=lo.renewal_days, due=lo.due_date),
    )


@loan.command("cancel")
@click.argument("number", metavar="LOAN")
@json_option
@pass_archive
def cancel(archive: Any, number: str, as_json: bool) -> None:
    """Withdraw your own loan request before it is checked out.

    \b
    Example:
      archivist --as lin loan cancel JY2026-0003
    """
    from archivist.loans import service as loans

    result = loans.cancel(archive, number)
    _done(result, as_json, _("{number}  cancelled").format(number=result.loan.number))


@loan.command("list")
@click.option("--status", type=STATUSES, help="Only loans in this state.")
@click.option("--borrower", help="Only this borrower's loans (username).")
@click.option("--client", "client_number", help="Only loans of this client.")
@json_option
@pass_archive
def list_(
    archive: Any, status: str | None, borrower: str | None, client_number: str | None, as_json: bool
) -> None:
    """List loans, newest first. Borrowers see their own; archivists and the head see all.

    \b
    Example:
      archivist loan list --status pending
    """
    from archivist.loans import service as loans

    rows = loans.list_loans(archive, status=status, borrower=borrower, client=client_number)
    if as_json:
        emit(rows, True)
        return
    emit(
        [_row(r) for r in rows],
        False,
        columns=LIST_COLUMNS,
        headers=LIST_HEADERS,
        empty=_("No loans match."),
    )


@loan.command("overdue")
@json_option
@pass_archive
def overdue(archive: Any, as_json: bool) -> None:
    """Loans out past their due date, with the days overdue (most overdue first).

    \b
    Example:
      archivist loan overdue
    """
    from archivist.loans import service as loans

    rows = loans.overdue(archive)
    if as_json:
        emit(rows, True)
        return
    emit(
        [_row(r) for r in rows],
        False,
        columns=["number", "client_number", "scope_text", "borrower", "due_date", "days_overdue"],
        headers=["number", "client", "lent", "borrower", "due", "days overdue"],
        empty=_("No loans are overdue."),
    )


@loan.command("show")
@click.argument("number", metavar="LOAN")
@json_option
@pass_archive
def show(archive: Any, number: str, as_json: bool) -> None:
    """Show a loan and its history (every step, by whom and when).

    \b
    Example:
      archivist loan show JY2026-0001
    """
    from archivist.loans import service as loans

    detail = loans.get(archive, number)
    if as_json:
        emit(
            {
                **detail.loan.model_dump(mode="json"),
                "history": [s.model_dump(mode="json") for s in detail.history],
            },
            True,
        )
        return
    data = _row(detail.loan)
    keys = [
        "number",
        "client_number",
        "client_name",
        "scope_text",
        "borrower_name",
        "purpose",
        "days",
        "state",
        "requested_at",
        "approved_by",
        "approved_at",
        "approval_note",
        "rejected_by",
        "reject_reason",
        "cancelled_at",
        "checked_out_by",
        "checked_out_at",
        "ack_confidentiality",
        "due_date",
        "days_overdue",
        "renewal_days",
        "renewals",
        "returned_by",
        "returned_at",
        "condition",
    ]
    emit({k: data[k] for k in keys if data.get(k) not in (None, "")}, False)
    click.echo(_("history:"))
    for step in detail.history:
        click.echo(f"  {step.at.isoformat(sep=' ')}  {step.actor}  {step.action}")


@loan.command("register")
@click.option("--from", "start", help="First request date (YYYY-MM-DD).")
@click.option("--to", "end", help="Last request date (YYYY-MM-DD).")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="FILE.csv or FILE.docx."
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@json_option
@pass_archive
def register(
    archive: Any, start: str | None, end: str | None, out: str, force: bool, as_json: bool
) -> None:
    """Write the borrowing register (借閱登記簿) of loans requested in a period.

    Columns: number, client, lent scope, borrower, purpose, approver, out, due, returned,
    condition, state. CSV is UTF-8 with a BOM (Excel opens the Chinese correctly).
    Archivist or head only.

    \b
    Example:
      archivist loan register --from 2026-03-01 --to 2026-03-31 --out 借閱登記簿.docx
    """
    from pathlib import Path

    from archivist.core import clock
    from archivist.loans import exports as loan_exports

    result = loan_exports.write_register(
        archive,
        Path(out),
        start=clock.parse_date(start, "--from") if start else None,
        end=clock.parse_date(end, "--to") if end else None,
        force=force,
    )
    if as_json:
        emit(result, True)
    else:
        n = result["count"]
        click.echo(
            _("Wrote {n} loan{value} to {path}").format(
                n=n, value="" if n == 1 else "s", path=result["path"]
            )
        )


@loan.command("form")
@click.argument("number", metavar="LOAN")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="FILE.docx",
    help="Where to write the form.",
)
@click.option("--force", is_flag=True, help="Replace FILE.docx if it exists.")
@json_option
@pass_archive
def form(archive: Any, number: str, out: str, force: bool, as_json: bool) -> None:
    """Fill the loan approval form (借閱審批單) of a loan as a Word document.

    The borrower, archivists and the head may print it; the decision and approver are filled
    once the head has decided.

    \b
    Example:
      archivist loan form JY2026-0001 --out 借閱審批單.docx
    """
    from pathlib import Path

    from archivist.loans import exports as loan_exports

    result = loan_exports.write_form(archive, number, Path(out), force=force)
    if as_json:
        emit(result, True)
    else:
        click.echo(
            _("Wrote the form of {number} to {path}").format(
                number=result["number"], path=result["path"]
            )
        )
