"""`archivist matter ...`: matters from acceptance to closure, with lawyer work records."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import Vocabulary, emit, json_option, pass_archive, warn
from archivist.core.i18n import _
from archivist.core.vocabulary import label
from archivist.matters.views import KIND_LABELS

TYPES = Vocabulary("matter_type")
LIST_COLUMNS = [
    "number",
    "client_number",
    "type",
    "title",
    "status",
    "lawyers",
    "contact_deadline",
    "contacted",
    "notes",
]
LIST_HEADERS = [
    "number",
    "client",
    "type",
    "title",
    "status",
    "lawyers",
    "contact by",
    "contacted",
    "notes",
]


def _row(m: Any) -> dict[str, Any]:
    notes = []
    if m.contact_overdue:
        notes.append(_("CONTACT OVERDUE"))
    if m.follow_up_open:
        notes.append(_("follow-up open"))
    if m.conflict_waiver:
        notes.append(_("waiver {conflict_waiver}").format(conflict_waiver=m.conflict_waiver))
    return {
        **m.model_dump(mode="json"),
        "contacted": m.contacted_at.date().isoformat() if m.contacted_at else "",
        "lawyers": ", ".join(m.lawyer_names or m.lawyers),
        "notes": ", ".join(notes),
    }


def _event_out(event: Any, as_json: bool, what: str) -> None:
    if as_json:
        emit({"number": event.matter_number, "event": event.model_dump(mode="json")}, True)
    else:
        click.echo(
            _("{matter_number}  {what} recorded ({isoformat}, {actor})").format(
                matter_number=event.matter_number,
                what=what,
                isoformat=event.at.isoformat(sep=" "),
                actor=event.actor,
            )
        )


def _matter_out(m: Any, as_json: bool, what: str) -> None:
    if as_json:
        emit(m, True)
    else:
        click.echo(
            _("{number}  {what}  (status: {status})").format(
                number=m.number, what=what, status=label("matter_status", m.status)
            )
        )


@click.group()
def matter() -> None:
    """Matters (cases) from acceptance to closure, with lawyer work records."""


@matter.command("open")
@click.argument("client")
@click.option(
    "--type",
    "matter_type",
    required=True,
    type=TYPES,
    help="criminal (XS), civil (MS), family (JS), administrative (XZ), arbitration (ZC), "
    "retainer (GW), non-litigation (FS), consultation (ZX).",
)
@click.option("--title", required=True, help="What the matter is about.")
@click.option(
    "--lawyer",
    "lawyers",
    multiple=True,
    required=True,
    metavar="USER",
    help="An assigned lawyer (repeat for several).",
)
@click.option(
    "--opposing",
    multiple=True,
    metavar="NAME[:ID]",
    help="An opposing party, optionally with its identity number (repeatable).",
)
@click.option(
    "--related",
    multiple=True,
    metavar="NAME[:ID]",
    help="A related party: legal representative, affiliate... (repeatable).",
)
@click.option(
    "--conflict-waiver",
    metavar="WAIVER",
    help="The approved written waiver (W3, from `conflict waive`), when the conflict check "
    "finds the firm acts for the other side.",
)
@json_option
@pass_archive
def open_(
    archive: Any,
    client: str,
    matter_type: str,
    title: str,
    lawyers: tuple[str, ...],
    opposing: tuple[str, ...],
    related: tuple[str, ...],
    conflict_waiver: str | None,
    as_json: bool,
) -> None:
    """Accept a matter for a client: runs the conflict check, prints the matter number.

    Opening is refused when an opposing party is a client of the firm (or a party it acts
    for), unless --conflict-waiver records the written waiver. The check and its result are
    kept with the matter. The lawyers must contact the client within deadlines.contact_days.

    \b
    Example:
      archivist matter open C0001 --type civil --title "買賣合同糾紛" --lawyer lin \\
        --opposing "李四貿易有限公司" --related "李四:A987654321"
    """
    from archivist.matters import service as matters

    result = matters.open_matter(
        archive, client, matter_type, title, lawyers, opposing, related, conflict_waiver
    )
    for w in result.warnings:
        warn(w)
    m = result.matter
    if as_json:
        emit(
            {
                **m.model_dump(mode="json"),
                "conflict_check": result.conflict_check.model_dump(mode="json"),
                "warnings": result.warnings,
            },
            True,
        )
        return
    click.echo(
        _("{number}  {title}  (client {client_number})").format(
            number=m.number, title=m.title, client_number=m.client_number
        )
    )
    click.echo(
        _("lawyers: {lawyers}; contact the client by {isoformat}").format(
            lawyers=", ".join(m.lawyer_names or m.lawyers), isoformat=m.contact_deadline.isoformat()
        )
    )
    click.echo(
        _("conflict check: {result}{value}").format(
            result=label("conflict_result", result.conflict_check.result),
            value=_(" (waiver {waiver})").format(waiver=m.conflict_waiver)
            if m.conflict_waiver
            else "",
        )
    )


@matter.command("party")
@click.argument("number")
@click.option(
    "--opposing", multiple=True, metavar="NAME[:ID]", help="An opposing party to add (repeatable)."
)
@click.option(
    "--related", multiple=True, metavar="NAME[:ID]", help="A related party to add (repeatable)."
)
@click.option(
    "--relation", metavar="TEXT", help="How the related parties relate: 法定代表人, affiliate..."
)
@click.option(
    "--conflict-waiver",
    metavar="WAIVER",
    help="The approved written waiver (W3, from `conflict waive`), when the check finds the "
    "firm acts for an opposing party.",
)
@json_option
@pass_archive
def party(
    archive: Any,
    number: str,
    opposing: tuple[str, ...],
    related: tuple[str, ...],
    relation: str | None,
    conflict_waiver: str | None,
    as_json: bool,
) -> None:
    """Add parties to an open matter; runs and keeps the conflict check like `matter open`.

    \b
    Example:
      archivist matter party 2026-MS-0001 --related 李四 --relation 法定代表人
    """
    from archivist.matters import parties as matter_parties

    check = matter_parties.add_parties(
        archive, number, opposing, related, relation, conflict_waiver
    )
    if as_json:
        emit({"number": check.matter_number, "conflict_check": check.model_dump(mode="json")}, True)
        return
    click.echo(
        _("{matter_number}  parties added; conflict check: {result}").format(
            matter_number=check.matter_number, result=label("conflict_result", check.result)
        )
    )
    for h in check.hits:
        warn(f"{h.searched}: {h.detail}")


@matter.command("contact")
@click.argument("number")
@click.option("--note", required=True, help="How and when the client was contacted.")
@json_option
@pass_archive
def contact(archive: Any, number: str, note: str, as_json: bool) -> None:
    """Record that the lawyer contacted the client (meets the contact deadline).

    \b
    Example:
      archivist --as lin matter contact 2026-MS-0001 --note "電話聯繫，約定週三面談"
    """
    from archivist.matters import service as matters

    _event_out(matters.record_contact(archive, number, note), as_json, _("contact"))


@matter.command("plan")
@click.argument("number")
@click.option("--text", help="The service plan.")
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False),
    help="A UTF-8 text file holding the service plan.",
)
@json_option
@pass_archive
def plan(archive: Any, number: str, text: str | None, path: str | None, as_json: bool) -> None:
    """Record (or revise) the matter's service plan.

    \b
    Example:
      archivist --as lin matter plan 2026-MS-0001 --text "一、證據收集；二、發律師函；三、起訴"
    """
    from archivist.core.errors import InvalidInput
    from archivist.matters import service as matters

    if (text is None) == (path is None):
        raise click.UsageError(_("give exactly one of --text and --file"))
    if path is not None:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read(1_000_000)
        except UnicodeDecodeError:
            raise InvalidInput(
                _("{path} is not UTF-8 text").format(path=path), _("Save it as UTF-8.")
            ) from None
    _event_out(matters.record_plan(archive, number, text or ""), as_json, _("service plan"))


@matter.command("progress")
@click.argument("number")
@click.option("--note", required=True, help="What was done, or what the client was told.")
@click.option(
    "--reported-to-client", is_flag=True, help="This is a progress report given to the client."
)
@json_option
@pass_archive
def progress(archive: Any, number: str, note: str, reported_to_client: bool, as_json: bool) -> None:
    """Record a lawyer work record or a progress report to the client.

    Only the matter's assigned lawyers (and the archivist or head) may; a closed matter takes
    no new records until reopened.

    \b
    Example:
      archivist --as lin matter progress 2026-MS-0001 --note "已向法院遞交起訴狀" \\
        --reported-to-client
    """
    from archivist.matters import service as matters

    what = _("progress report") if reported_to_client else _("work record")
    _event_out(matters.record_progress(archive, number, note, reported_to_client), as_json, what)
    unsigned = matters.unsigned_warning_for(archive, number)
    if unsigned:
        warn(unsigned)


@matter.command("signed")
@click.argument("number")
@click.option(
    "--date", "signed_on", required=True, metavar="YYYY-MM-DD", help=_("The date it was signed.")
)
@click.option(
    "--document",
    required=True,
    metavar="DOCUMENT",
    help=_("The filed signed copy (`archivist file add ... --section contract`)."),
)
@json_option
@pass_archive
def signed(archive: Any, number: str, signed_on: str, document: str, as_json: bool) -> None:
    """Record that the engagement contract came back signed, with its filed signed copy.

    \b
    Example:
      archivist file add C0001 簽回委任契約.pdf --section contract --matter 2026-MS-0001
      archivist matter signed 2026-MS-0001 --date 2026-03-05 --document C0001-0003
    """
    from archivist.core import clock
    from archivist.matters import service as matters

    day = clock.parse_date(signed_on, "--date")
    m = matters.record_signed(archive, number, day, document)
    _matter_out(m, as_json, _("engagement signed"))


@matter.command("close")
@click.argument("number")
@click.option("--outcome", required=True, help="The result reported to the client.")
@click.option(
    "--satisfied/--dissatisfied",
    "satisfied",
    default=None,
    help="The client's satisfaction (required). Dissatisfied opens a follow-up.",
)
@click.option("--note", help="What the client said.")
@json_option
@pass_archive
def close(
    archive: Any, number: str, outcome: str, satisfied: bool | None, note: str | None, as_json: bool
) -> None:
    """Close a matter with its outcome and the client's satisfaction.

    A dissatisfied client opens a follow-up item that stays open until
    `matter follow-up MATTER --resolved --note ...`.

    \b
    Example:
      archivist --as lin matter close 2026-MS-0001 --outcome "調解結案，對方賠付20萬" --satisfied
    """
    from archivist.matters import service as matters

    if satisfied is None:
        raise click.UsageError(
            _("say whether the client is satisfied: --satisfied or --dissatisfied")
        )
    m = matters.close(archive, number, outcome, satisfied, note)
    _matter_out(m, as_json, _("closed") + ("" if satisfied else _("; follow-up opened")))
    for message in (matters.unsigned_warning(m), matters.unpaid_at_closure(archive, m.number)):
        if message:
            warn(message)
    try:
        from archivist.cli.matter_duties import warn_open_deliverables
    except ModuleNotFoundError:  # pragma: no cover
        warn_open_deliverables = None  # type: ignore[assignment]
    if warn_open_deliverables is not None:
        warn_open_deliverables(archive, m.number)
    if not satisfied and not as_json:
        warn(
            _(
                "the client is dissatisfied: follow up with `archivist matter follow-up {number} --note ...`"
            ).format(number=m.number)
        )


@matter.command("follow-up")
@click.argument("number")
@click.option("--note", required=True, help="What was done for the dissatisfied client.")
@click.option("--resolved", is_flag=True, help="The follow-up item is resolved.")
@json_option
@pass_archive
def follow_up(archive: Any, number: str, note: str, resolved: bool, as_json: bool) -> None:
    """Record follow-up of a dissatisfied client after closure; --resolved ends it.

    \b
    Example:
      archivist --as lin matter follow-up 2026-MS-0001 --resolved --note "已面談並減免部分費用"
    """
    from archivist.matters import service as matters

    m = matters.follow_up(archive, number, note, resolved)
    _matter_out(m, as_json, _("follow-up resolved") if resolved else _("follow-up noted"))


@matter.command("reopen")
@click.argument("number")
@click.option("--note", required=True, help="Why the matter is reopened.")
@json_option
@pass_archive
def reopen(archive: Any, number: str, note: str, as_json: bool) -> None:
    """Reopen a closed matter so it can take new records again (audited).

    \b
    Example:
      archivist matter reopen 2026-MS-0001 --note "對方上訴"
    """
    from archivist.matters import service as matters

    _matter_out(matters.reopen(archive, number, note), as_json, _("reopened"))


@matter.command("list")
@click.option("--client", metavar="NUMBER", help="Only this client's matters.")
@click.option("--lawyer", metavar="USER", help="Only matters this lawyer is assigned to.")
@click.option("--status", type=Vocabulary("matter_status"))
@click.option(
    "--overdue",
    is_flag=True,
    help="Only open matters whose contact deadline passed without contact.",
)
@click.option(
    "--unpaid",
    is_flag=True,
    help="Instead: fee instalments past due and not paid (as `matter unpaid`).",
)
@click.option(
    "--unsigned",
    is_flag=True,
    help=_("Only open matters whose engagement contract has not come back signed."),
)
@click.option(
    "--unarchived", is_flag=True, help=_("Instead: closed matters whose volume is not sealed.")
)
@click.option(
    "--archiving-overdue",
    is_flag=True,
    help=_("Instead: closed matters past their archiving deadline."),
)
@json_option
@pass_archive
def list_(
    archive: Any,
    client: str | None,
    lawyer: str | None,
    status: str | None,
    overdue: bool,
    as_json: bool,
    unpaid: bool = False,
    unsigned: bool = False,
    unarchived: bool = False,
    archiving_overdue: bool = False,
) -> None:
    """List the matters you may see.

    \b
    Example:
      archivist matter list --overdue
      archivist matter list --unsigned
      archivist matter list --unpaid
      archivist matter list --archiving-overdue
    """
    if unpaid:
        from archivist.cli.matter_duties import show_unpaid

        show_unpaid(archive, client, lawyer, as_json)
        return
    if unarchived or archiving_overdue:
        from archivist.cli.volume import UNARCHIVED_COLUMNS, unarchived_rows
        from archivist.volumes import service as volumes

        vols = volumes.unarchived(archive, overdue_only=archiving_overdue)
        if as_json:
            emit(vols, True)
        else:
            emit(
                unarchived_rows(vols),
                False,
                columns=UNARCHIVED_COLUMNS,
                empty=_("No volumes are due."),
            )
        return
    from archivist.matters import views as matter_views

    rows = matter_views.list_matters(archive, client, lawyer, status, overdue, unsigned)
    if as_json:
        emit(rows, True)
        return
    emit(
        [_row(m) for m in rows],
        False,
        columns=LIST_COLUMNS,
        headers=LIST_HEADERS,
        empty="No overdue matters." if overdue else "No matters match.",
    )


@matter.command("show")
@click.argument("number")
@json_option
@pass_archive
def show(archive: Any, number: str, as_json: bool) -> None:
    """Show a matter: parties, conflict checks, plan and its full timeline (audited as a read).

    \b
    Example:
      archivist matter show 2026-MS-0001
    """
    from archivist.matters import views as matter_views

    d = matter_views.show(archive, number)
    if as_json:
        emit(d, True)
        return
    m = d.matter
    emit(
        {
            "number": m.number,
            "title": m.title,
            "type": f"{label('matter_type', m.type)} ({m.code})",
            "client": f"{m.client_number} {d.client_name}",
            "status": m.status,
            "lawyers": ", ".join(m.lawyer_names or m.lawyers),
            "accepted": m.accepted_at.isoformat(sep=" "),
            "contact by": m.contact_deadline.isoformat()
            + (_(" OVERDUE") if m.contact_overdue else ""),
            "contacted": m.contacted_at.isoformat(sep=" ") if m.contacted_at else "",
            "outcome": m.outcome or "",
            "waiver": m.conflict_waiver or "",
            "follow-up": _("open") if m.follow_up_open else "",
        },
        False,
    )
    click.echo(_("parties:"))
    for p in d.parties:
        click.echo(
            f"  {label('party_role', p.role)}  {p.name}"
            + "".join(f"  {x}" for x in (p.id_number, p.client_number) if x)
        )
    click.echo(_("conflict checks:"))
    for c in d.conflict_checks:
        click.echo(
            _("  {isoformat}  {result}  {count} hits  by {checked_by}").format(
                isoformat=c.checked_at.isoformat(sep=" "),
                result=label("conflict_result", c.result),
                count=len(c.hits),
                checked_by=c.checked_by,
            )
        )
        for h in c.hits:
            click.echo(f"    {h.searched}: {h.detail}  [{h.rule} {h.strength}]")
        if c.waiver_detail:
            click.echo(_("    waiver {waiver_detail}").format(waiver_detail=c.waiver_detail))
    if m.plan:
        click.echo(_("plan:"))
        for line in m.plan.splitlines():
            click.echo(f"  {line}")
    click.echo(_("timeline:"))
    for e in d.events:
        told = _("  [reported to client]") if e.reported_to_client else ""
        kind = _(KIND_LABELS[e.kind]) if e.kind in KIND_LABELS else e.kind
        click.echo(
            f"  {e.at.isoformat(sep=' ')}  {e.actor}  {kind}  {' '.join(e.text.split())}{told}"
        )


# Reassignment, declines, deliverables, payments, evaluations (rights and duties).
from archivist.cli.matter_duties import register as _register_duties  # noqa: E402

_register_duties(matter)

from archivist.cli.volume import register as _register_volume  # noqa: E402

_register_volume(matter)
