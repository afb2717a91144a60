"""`archivist matter reassign|decline|declined|deliverable|evaluate|schedule|payment|unpaid`:
the clients' and lawyers' rights and duties on a matter. Hooked into the `matter` group by
archivist/cli/matter.py through `register()`."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, warn

DELIVERABLE_COLUMNS = ["matter", "id", "title", "due", "status", "lawyers", "document"]
INSTALMENT_COLUMNS = [
    "matter",
    "client",
    "seq",
    "due",
    "amount",
    "paid",
    "outstanding",
    "status",
    "description",
]
TYPES = click.Choice(
    [
        "criminal",
        "civil",
        "administrative",
        "arbitration",
        "retainer",
        "non-litigation",
        "consultation",
    ]
)


@click.command("reassign")
@click.argument("matter")
@click.option("--from", "from_user", required=True, metavar="USER", help="The lawyer replaced.")
@click.option("--to", "to_user", required=True, metavar="USER", help="The new lawyer.")
@click.option("--reason", required=True, help="Why the lawyer is changed.")
@click.option("--client-request", is_flag=True, help="The client asked for the change (選擇權).")
@click.option(
    "--conflict-waiver",
    metavar="WAIVER",
    help="The approved written waiver (W3) when the new lawyer acts for the other side.",
)
@json_option
@pass_archive
def reassign(
    archive: Any,
    matter: str,
    from_user: str,
    to_user: str,
    reason: str,
    client_request: bool,
    as_json: bool,
    conflict_waiver: str | None = None,
) -> None:
    """Replace a matter's lawyer (archivist or head). The old lawyer loses write and read access
    to the matter, the new one gains it; recorded on the matter and in the client's archive.

    \b
    Example:
      archivist matter reassign 2026-MS-0001 --from lin --to zhao --reason "客戶要求更換" --client-request
    """
    from archivist.matters.duties import reassign as lib

    result = lib.reassign(
        archive, matter, from_user, to_user, reason, client_request, conflict_waiver
    )
    if as_json:
        emit({"number": result.matter, **result.model_dump(mode="json")}, True)
    else:
        click.echo(
            f"{result.matter}  lawyer {result.from_lawyer} -> {result.to_lawyer}  "
            f"(now: {', '.join(result.lawyers)})"
        )


@click.command("decline")
@click.argument("client")
@click.option("--reason", required=True, help="Why the engagement is refused.")
@click.option("--consultation", metavar="NUMBER", help="The consultation it was declined on.")
@click.option("--type", "matter_type", type=TYPES, help="The kind of matter that was asked for.")
@click.option("--title", help="What the client asked the firm to take on.")
@json_option
@pass_archive
def decline(
    archive: Any,
    client: str,
    reason: str,
    consultation: str | None,
    matter_type: str | None,
    title: str | None,
    as_json: bool,
) -> None:
    """Record an engagement declined at intake (拒絕代理): what was refused and why. No matter
    number is used up.

    \b
    Example:
      archivist --as lin matter decline C0001 --type civil --title "借款糾紛" --reason "與現有客戶利益衝突"
    """
    from archivist.matters.duties import decline as lib

    result = lib.decline(
        archive, client, reason, consultation=consultation, type=matter_type, title=title
    )
    if as_json:
        emit(result, True)
    else:
        click.echo(
            f"{result.client}  engagement declined (record {result.id}; no matter number used)"
        )


@click.command("declined")
@click.option("--client", metavar="NUMBER", help="Only this client's.")
@json_option
@pass_archive
def declined(archive: Any, client: str | None, as_json: bool) -> None:
    """List declined engagements.

    \b
    Example:
      archivist matter declined --client C0001
    """
    from archivist.matters.duties import decline as lib

    emit(
        lib.list_declined(archive, client),
        as_json,
        columns=[
            "id",
            "client",
            "client_name",
            "declined_at",
            "declined_by",
            "type",
            "title",
            "reason",
        ],
        empty="No declined engagements.",
    )


# ------------------------------------------------------------------------------ deliverables
@click.group("deliverable")
def deliverable() -> None:
    """Deliverables with due dates (按時提交法律文書): add, done, list."""


@deliverable.command("add")
@click.argument("matter")
@click.option("--title", required=True, help="The legal document due, e.g. 起訴狀.")
@click.option("--due", required=True, metavar="DATE", help="Due date, YYYY-MM-DD (or +N days).")
@json_option
@pass_archive
def deliverable_add(archive: Any, matter: str, title: str, due: str, as_json: bool) -> None:
    """Add a deliverable to a matter (its lawyers, archivist or head).

    \b
    Example:
      archivist --as lin matter deliverable add 2026-MS-0001 --title 起訴狀 --due 2026-03-20
    """
    from archivist.matters.duties import deliverables as lib

    item = lib.add(archive, matter, title, due)
    if as_json:
        emit({"number": item.matter, **item.model_dump(mode="json")}, True)
    else:
        click.echo(f"{item.matter}  deliverable {item.id} due {item.due}: {item.title}")


@deliverable.command("done")
@click.argument("matter")
@click.argument("deliverable_id", metavar="ID", type=click.IntRange(1))
@click.option("--document", metavar="DOC", help="The filed document delivered.")
@click.option("--note")
@json_option
@pass_archive
def deliverable_done(
    archive: Any,
    matter: str,
    deliverable_id: int,
    document: str | None,
    note: str | None,
    as_json: bool,
) -> None:
    """Mark a deliverable done, linking the filed document.

    \b
    Example:
      archivist --as lin matter deliverable done 2026-MS-0001 1 --document C0001-0003
    """
    from archivist.matters.duties import deliverables as lib

    item = lib.done(archive, matter, deliverable_id, document, note)
    if as_json:
        emit({"number": item.matter, **item.model_dump(mode="json")}, True)
    else:
        click.echo(f"{item.matter}  deliverable {item.id} done: {item.title}")
        if item.done_at and item.done_at.date() > item.due:
            warn(f"delivered {(item.done_at.date() - item.due).days} day(s) after its due date")


@deliverable.command("list")
@click.option("--matter", metavar="NUMBER", help="Only this matter's.")
@click.option("--overdue", is_flag=True, help="Only those past their due date.")
@click.option("--lawyer", metavar="USER", help="Only matters this lawyer is assigned to.")
@click.option("--all", "include_done", is_flag=True, help="Include those already done.")
@json_option
@pass_archive
def deliverable_list(
    archive: Any,
    matter: str | None,
    overdue: bool,
    lawyer: str | None,
    include_done: bool,
    as_json: bool,
) -> None:
    """List open deliverables you may see, soonest due first.

    \b
    Example:
      archivist matter deliverable list --overdue --lawyer lin
    """
    from archivist.matters.duties import deliverables as lib

    rows = lib.list_deliverables(
        archive, matter=matter, overdue=overdue, lawyer=lawyer, include_done=include_done
    )
    emit(
        rows,
        as_json,
        columns=DELIVERABLE_COLUMNS,
        empty="No overdue deliverables." if overdue else "No deliverables.",
    )


# ------------------------------------------------------------------------------ evaluations
@click.command("evaluate")
@click.argument("matter", required=False)
@click.option("--score", type=click.IntRange(1, 5), help="The client's score, 1 (poor) to 5.")
@click.option("--comment", help="What the client said.")
@click.option("--lawyer", metavar="USER", help="The lawyer evaluated (default: all assigned).")
@click.option("--summary", is_flag=True, help="Instead: the evaluations summarised per lawyer.")
@click.option("--from", "since", metavar="DATE", help="With --summary: from this date.")
@click.option("--to", "until", metavar="DATE", help="With --summary: up to this date.")
@json_option
@pass_archive
def evaluate(
    archive: Any,
    matter: str | None,
    score: int | None,
    comment: str | None,
    lawyer: str | None,
    summary: bool,
    since: str | None,
    until: str | None,
    as_json: bool,
) -> None:
    """Record the client's evaluation of the lawyer's service (監督權), at closure or any time;
    --summary shows the evaluations per lawyer for management.

    \b
    Example:
      archivist matter evaluate 2026-MS-0001 --score 4 --comment "回覆及時"
      archivist matter evaluate --summary --from 2026-01-01
    """
    from archivist.matters.duties import evaluations as lib

    if summary:
        show_service(archive, since, until, as_json)
        return
    if not matter or score is None:
        raise click.UsageError("give MATTER and --score 1-5 (or --summary)")
    rows = lib.evaluate(archive, matter, score, comment, lawyer)
    if as_json:
        emit({"number": rows[0].matter, "evaluations": rows}, True)
    else:
        click.echo(
            f"{rows[0].matter}  evaluation {score}/5 recorded for "
            f"{', '.join(r.lawyer for r in rows)}"
        )


def show_service(archive: Any, since: str | None, until: str | None, as_json: bool) -> None:
    """Print the evaluations per lawyer (shared with `report service`)."""
    from archivist.matters.duties import evaluations as lib

    emit(
        lib.summary(archive, since, until),
        as_json,
        columns=[
            "lawyer",
            "display_name",
            "evaluations",
            "average",
            "lowest",
            "highest",
            "low_scores",
            "matters",
        ],
        empty="No evaluations recorded.",
    )


# ------------------------------------------------------------------------------ payments
@click.command("schedule")
@click.argument("matter")
@click.option(
    "--instalment",
    "instalments",
    multiple=True,
    metavar="DATE:AMOUNT[:TEXT]",
    help="One instalment of the contract's schedule (repeat). Replaces the schedule.",
)
@click.option("--document", metavar="DOC", help="The filed contract that sets the schedule.")
@click.option(
    "--from-contract",
    "contract",
    metavar="DOC",
    help="Take the schedule from a generated service contract (its fee stages or "
    "fixed fee, and their payment times).",
)
@json_option
@pass_archive
def schedule(
    archive: Any,
    matter: str,
    instalments: tuple[str, ...],
    document: str | None,
    contract: str | None,
    as_json: bool,
) -> None:
    """Record the payment schedule given in the contract, or show it (without --instalment)
    with what each instalment has received.

    \b
    Example:
      archivist matter schedule 2026-MS-0001 --from-contract C0001-0002
      archivist matter schedule 2026-MS-0001 --instalment 2026-03-10:30000:簽約後 --instalment 2026-06-01:20000
    """
    from archivist.matters.duties import payments as lib

    if contract:
        if instalments or document:
            raise click.UsageError("--from-contract does not take --instalment or --document")
        rows = lib.set_schedule_from_contract(archive, matter, contract)
    elif instalments:
        rows = lib.set_schedule(archive, matter, list(instalments), document=document)
    else:
        if document:
            raise click.UsageError("--document goes with --instalment")
        rows = _show_schedule(archive, matter)
    if as_json:
        emit(
            {"number": rows[0].matter if rows else matter.strip().upper(), "instalments": rows},
            True,
        )
    else:
        emit(rows, False, columns=INSTALMENT_COLUMNS[2:], empty="No payment schedule recorded.")


def _show_schedule(archive: Any, matter: str) -> list[Any]:
    from archivist.matters.duties import payments as lib

    return lib.read_schedule(archive, matter)


@click.command("payment")
@click.argument("matter")
@click.option("--amount", required=True, help="The amount received, e.g. 30000 or 12500.50.")
@click.option(
    "--date",
    "paid_on",
    default="today",
    show_default=True,
    metavar="DATE",
    help="When it was received (YYYY-MM-DD).",
)
@click.option("--reference", help="Receipt or transfer reference.")
@json_option
@pass_archive
def payment(
    archive: Any, matter: str, amount: str, paid_on: str, reference: str | None, as_json: bool
) -> None:
    """Record a payment received from the client (archivist or head).

    \b
    Example:
      archivist matter payment 2026-MS-0001 --amount 30000 --date 2026-03-09 --reference 轉賬001
    """
    from archivist.matters.duties import payments as lib

    paid = lib.record_payment(archive, matter, amount, paid_on, reference)
    if as_json:
        emit({"number": paid.matter, **paid.model_dump(mode="json")}, True)
    else:
        click.echo(f"{paid.matter}  payment {paid.amount} received {paid.paid_on}")


@click.command("unpaid")
@click.option("--client", metavar="NUMBER", help="Only this client's matters.")
@click.option("--lawyer", metavar="USER", help="Only matters this lawyer is assigned to.")
@json_option
@pass_archive
def unpaid(archive: Any, client: str | None, lawyer: str | None, as_json: bool) -> None:
    """List fee instalments past their due date and not yet paid (same as `matter list --unpaid`).

    \b
    Example:
      archivist matter unpaid --json
    """
    show_unpaid(archive, client, lawyer, as_json)


def show_unpaid(archive: Any, client: str | None, lawyer: str | None, as_json: bool) -> None:
    from archivist.matters.duties import payments as lib

    emit(
        lib.unpaid(archive, client=client, lawyer=lawyer),
        as_json,
        columns=INSTALMENT_COLUMNS,
        empty="No unpaid instalments past due.",
    )


def warn_open_deliverables(archive: Any, matter_number: str) -> None:
    """At closure: warn (stderr) about deliverables still open on the matter."""
    from archivist.matters import service as matters
    from archivist.matters.duties import deliverables as lib

    with archive.ledger.read() as conn:
        items = lib.open_deliverables(conn, matters.get(conn, matter_number).id)
    for d in items:
        warn(
            f"deliverable {d.id} of {d.matter} is still open ({d.title}, due {d.due}): "
            f"`archivist matter deliverable done {d.matter} {d.id} --document DOC`"
        )


def register(matter_group: click.Group) -> None:
    for command in (reassign, decline, declined, deliverable, evaluate, schedule, payment, unpaid):
        matter_group.add_command(command)
