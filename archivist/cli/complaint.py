"""`archivist complaint ...`: client complaints from intake to feedback."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, warn

CHANNELS = click.Choice(["phone", "email", "fax", "in-person", "mailbox"])
CATEGORIES = click.Choice(["service", "fee", "conduct", "delay", "confidentiality", "other"])
RESPONSIBILITIES = click.Choice(["firm", "lawyer", "client", "none", "undetermined"])
OPINIONS = click.Choice(["satisfied", "unsatisfied", "no-reply"])
STATUSES = click.Choice(["received", "classified", "assigned", "resolved", "reopened", "closed"])
LIST_COLUMNS = [
    "number",
    "client_number",
    "received_at",
    "channel",
    "category",
    "status",
    "assignee",
    "due_date",
    "late",
]
LIST_HEADERS = [
    "number",
    "client",
    "received",
    "channel",
    "category",
    "status",
    "assignee",
    "due",
    "overdue",
]


def _row(c: Any) -> dict[str, Any]:
    late = []
    if c.overdue:
        late.append("handling")
    if c.first_response_overdue:
        late.append("first response")
    return {
        **c.model_dump(mode="json", exclude={"history", "content"}),
        "received_at": c.received_at.isoformat(sep=" ", timespec="minutes"),
        "late": ", ".join(late),
    }


def _done(c: Any, as_json: bool, what: str) -> None:
    if as_json:
        emit(c, True)
    else:
        click.echo(f"{c.number}  {what}  (status: {c.status.value})")


@click.group()
def complaint() -> None:
    """Client complaints: received, classified, assigned, resolved, fed back."""


@complaint.command("file")
@click.argument("client")
@click.option("--channel", required=True, type=CHANNELS, help="How the complaint came in.")
@click.option("--content", required=True, help="What the client complains about.")
@click.option("--matter", help="The matter it concerns (one of the client's).")
@click.option("--received-by", metavar="USER", help="Who took it (default: you).")
@click.option(
    "--told",
    metavar="TEXT",
    help="What the client was told at intake (recorded as the first notification).",
)
@json_option
@pass_archive
def file_(
    archive: Any,
    client: str,
    channel: str,
    content: str,
    matter: str | None,
    received_by: str | None,
    told: str | None,
    as_json: bool,
) -> None:
    """Take a complaint in; prints its number and deadlines.

    No notification is recorded automatically: tell the client with --told or
    `complaint notify` within the first-response time (deadlines.complaint_first_response_days).

    \b
    Example:
      archivist complaint file C0001 --channel phone --content "律師兩週未回電" \\
        --told "已登記，將於15日內答覆"
    """
    from archivist.complaints import service as complaints

    c = complaints.file(archive, client, channel, content, matter, received_by, told)
    if as_json:
        emit(c, True)
        return
    click.echo(f"{c.number}  received from {c.client_number} {c.client_name}")
    click.echo(f"first response due {c.first_response_due}; handling due {c.due_date}")
    if c.first_response_at is None:
        warn(
            f"tell the client by {c.first_response_due}: "
            f"archivist complaint notify {c.number} --text ..."
        )


@complaint.command("notify")
@click.argument("number")
@click.option("--text", required=True, help="What the client was told.")
@json_option
@pass_archive
def notify(archive: Any, number: str, text: str, as_json: bool) -> None:
    """Record what the client was told about the progress (and when: now).

    \b
    Example:
      archivist complaint notify TS2026-0001 --text "已交承辦律師調查"
    """
    from archivist.complaints import service as complaints

    _done(complaints.notify(archive, number, text), as_json, "client notified")


@complaint.command("classify")
@click.argument("number")
@click.option("--category", required=True, type=CATEGORIES)
@click.option("--cause", required=True, help="The cause, in a few words.")
@click.option("--responsibility", required=True, type=RESPONSIBILITIES)
@json_option
@pass_archive
def classify(
    archive: Any, number: str, category: str, cause: str, responsibility: str, as_json: bool
) -> None:
    """Classify a complaint and record its cause and responsibility.

    \b
    Example:
      archivist complaint classify TS2026-0001 --category delay --cause "未及時回電" \\
        --responsibility lawyer
    """
    from archivist.complaints import service as complaints

    _done(
        complaints.classify(archive, number, category, cause, responsibility), as_json, "classified"
    )


@complaint.command("assign")
@click.argument("number")
@click.option(
    "--to",
    "to",
    required=True,
    metavar="USER|DEPARTMENT",
    help="A username, or a department's name (or dept:NAME).",
)
@click.option(
    "--due",
    metavar="DATE",
    help="Handling deadline (default: deadlines.complaint_days after receipt).",
)
@click.option(
    "--conflict-waiver",
    metavar="WAIVER",
    help="The approved written waiver (W3) when the assignee acts for the other side.",
)
@json_option
@pass_archive
def assign(
    archive: Any,
    number: str,
    to: str,
    due: str | None,
    as_json: bool,
    conflict_waiver: str | None = None,
) -> None:
    """Hand a complaint to the person or department responsible, with a deadline.

    \b
    Example:
      archivist complaint assign TS2026-0001 --to lin --due 2026-03-10
    """
    from archivist.complaints import service as complaints

    c = complaints.assign(archive, number, to, due, conflict_waiver)
    _done(c, as_json, f"assigned to {c.assignee}, due {c.due_date}")


@complaint.command("resolve")
@click.argument("number")
@click.option("--finding", required=True, help="What the investigation found.")
@click.option("--action", required=True, help="The corrective action taken.")
@json_option
@pass_archive
def resolve(archive: Any, number: str, finding: str, action: str, as_json: bool) -> None:
    """Record the investigation result and corrective action (the assignee does this).

    \b
    Example:
      archivist --as lin complaint resolve TS2026-0001 --finding "屬實" --action "每週回報進度"
    """
    from archivist.complaints import service as complaints

    _done(complaints.resolve(archive, number, finding, action), as_json, "resolved")


@complaint.command("feedback")
@click.argument("number")
@click.option("--result", required=True, help="The result as told to the client.")
@click.option("--client-opinion", "opinion", required=True, type=OPINIONS)
@click.option("--note", help="Anything else the client said.")
@json_option
@pass_archive
def feedback(
    archive: Any, number: str, result: str, opinion: str, note: str | None, as_json: bool
) -> None:
    """Record the result told to the client and their opinion.

    satisfied or no-reply closes the complaint; unsatisfied reopens it for further handling.

    \b
    Example:
      archivist complaint feedback TS2026-0001 --result "已改善" --client-opinion satisfied
    """
    from archivist.complaints import service as complaints

    c = complaints.feedback(archive, number, result, opinion, note)
    what = (
        f"reopened (x{c.reopen_count}), due {c.due_date}"
        if c.status.value == "reopened"
        else "closed"
    )
    _done(c, as_json, what)


@complaint.command("close")
@click.argument("number")
@click.option("--note", required=True, help="The head's decision and why.")
@json_option
@pass_archive
def close(archive: Any, number: str, note: str, as_json: bool) -> None:
    """Close a disputed (reopened) complaint: the department head's decision.

    \b
    Example:
      archivist complaint close TS2026-0001 --note "已兩次處理，客戶仍不接受，結案存檔"
    """
    from archivist.complaints import service as complaints

    _done(complaints.close(archive, number, note), as_json, "closed by the head")


@complaint.command("propose")
@click.argument("number")
@click.option("--text", required=True, help="The improvement proposal.")
@json_option
@pass_archive
def propose(archive: Any, number: str, text: str, as_json: bool) -> None:
    """Record an improvement proposal drawn from a complaint (shown in the report).

    \b
    Example:
      archivist complaint propose TS2026-0001 --text "律師回電時限定為兩個工作日"
    """
    from archivist.complaints import service as complaints

    _done(complaints.propose(archive, number, text), as_json, "proposal recorded")


@complaint.command("list")
@click.option("--status", multiple=True, type=STATUSES, help="Only these (repeatable).")
@click.option("--client", metavar="CLIENT", help="Only this client's complaints.")
@click.option(
    "--overdue",
    is_flag=True,
    help="Only those past the handling deadline or the first-response time.",
)
@json_option
@pass_archive
def list_(
    archive: Any, status: tuple[str, ...], client: str | None, overdue: bool, as_json: bool
) -> None:
    """List complaints (staff see all; others those assigned to them).

    \b
    Example:
      archivist complaint list --overdue
    """
    from archivist.complaints import service as complaints

    rows = complaints.list_complaints(archive, status, client, overdue)
    if as_json:
        emit([_row(c) for c in rows], True)
    else:
        emit(
            [_row(c) for c in rows],
            False,
            columns=LIST_COLUMNS,
            headers=LIST_HEADERS,
            empty="No complaints match.",
        )


@complaint.command("show")
@click.argument("number")
@json_option
@pass_archive
def show(archive: Any, number: str, as_json: bool) -> None:
    """Show a complaint with its full history (audited as a read).

    \b
    Example:
      archivist complaint show TS2026-0001
    """
    from archivist.complaints import service as complaints

    c = complaints.show(archive, number)
    if as_json:
        emit(c, True)
    else:
        click.echo(complaints.record_text(c), nl=False)


@complaint.command("reply")
@click.argument("number")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="FILE.docx",
    help="Where to write the letter.",
)
@click.option(
    "--objection-days",
    type=click.IntRange(1, 365),
    help="Days the client has to object (template default: 15).",
)
@click.option("--date", "reply_date", metavar="DATE", help="The letter's date (default: today).")
@click.option(
    "--findings",
    help="Investigation result as worded in the letter (default: the recorded finding).",
)
@click.option(
    "--resolution",
    help="Result and corrective action as worded in the letter (default: the recorded action).",
)
@click.option("--force", is_flag=True, help="Replace FILE.docx if it exists.")
@json_option
@pass_archive
def reply(
    archive: Any,
    number: str,
    out: str,
    objection_days: int | None,
    reply_date: str | None,
    findings: str | None,
    resolution: str | None,
    force: bool,
    as_json: bool,
) -> None:
    """Fill the 投訴處理回覆函 (template complaint-reply) for a resolved complaint.

    \b
    Example:
      archivist complaint reply TS2026-0001 --out 回覆函.docx
    """
    from archivist.complaints import service as complaints
    from archivist.core.output import check_target, write_atomic

    check_target(out, home=archive.home, overwrite=force)
    c, blob = complaints.reply(archive, number, objection_days, reply_date, findings, resolution)
    path = write_atomic(out, blob, home=archive.home, overwrite=force)
    if as_json:
        emit({"number": c.number, "path": str(path), "bytes": len(blob)}, True)
    else:
        click.echo(f"{c.number}  reply letter written to {path}")
