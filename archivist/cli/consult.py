"""`archivist consult ...`: consultations and their follow-ups."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, warn
from archivist.core.i18n import _

CHANNELS = click.Choice(["phone", "email", "fax", "in-person"])
LIST_COLUMNS = [
    "number",
    "client_number",
    "client_name",
    "consulted_at",
    "channel",
    "handled_by",
    "summary",
    "follow_up",
    "state",
]
LIST_HEADERS = [
    "number",
    "client",
    "name",
    "when",
    "channel",
    "handled by",
    "summary",
    "follow up",
    "state",
]


def _row(c: Any) -> dict[str, Any]:
    state = "done" if c.followed_up_at else "DUE" if c.due else "waiting" if c.follow_up else ""
    return {
        **c.model_dump(mode="json"),
        "consulted_at": c.consulted_at.isoformat(sep=" ", timespec="minutes"),
        "state": state,
    }


@click.group()
def consult() -> None:
    """Client consultations (phone, e-mail, fax, in person) and their follow-ups."""


@consult.command("log")
@click.argument("client")
@click.option("--channel", required=True, type=CHANNELS, help="How the client consulted.")
@click.option("--summary", required=True, help="What the client asked and was told.")
@click.option("--handled-by", metavar="USER", help="Who handled it (default: you).")
@click.option(
    "--follow-up",
    "follow_up",
    metavar="DATE",
    help="Follow up by this date (YYYY-MM-DD, or +N days).",
)
@click.option(
    "--party",
    "parties",
    multiple=True,
    metavar="NAME[:ID]",
    help="Another person or company the consultation names (kept for conflict checks; repeatable).",
)
@json_option
@pass_archive
def log(
    archive: Any,
    client: str,
    channel: str,
    summary: str,
    handled_by: str | None,
    follow_up: str | None,
    parties: tuple[str, ...],
    as_json: bool,
) -> None:
    """Record a consultation in the client's archive; prints its number.

    Someone who only consults is registered as a client first (`archivist client add`).

    \b
    Example:
      archivist consult log C0001 --channel phone --summary "諮詢租賃合同違約責任" \\
        --follow-up +3 --party "李四貿易有限公司"
    """
    from archivist.matters import consultations

    c = consultations.log(archive, client, channel, summary, handled_by, follow_up, parties)
    for w in c.conflict_warnings:
        warn(w)
    if as_json:
        emit(c, True)
    else:
        click.echo(
            f"{c.number}  {c.client_number} {c.client_name}  ({c.channel.value}, "
            f"{c.handled_by})" + (f"  follow up by {c.follow_up}" if c.follow_up else "")
        )


@consult.command("prospect")
@click.argument("name")
@click.option("--channel", required=True, type=CHANNELS, help="How they enquired.")
@click.option("--summary", required=True, help="What they asked and were told.")
@click.option("--phone")
@click.option("--email")
@click.option("--prospect", metavar="PROSPECT", help="A prospect already on file (P2026-0001).")
@click.option(
    "--party", "parties", multiple=True, metavar="NAME[:ID]", help="Another party they name."
)
@json_option
@pass_archive
def prospect(
    archive: Any,
    name: str,
    channel: str,
    summary: str,
    phone: str | None,
    email: str | None,
    prospect: str | None,
    parties: tuple[str, ...],
    as_json: bool,
) -> None:
    """Record an enquiry by someone who is not a client (a prospect: no archive number or
    folder); they and the parties they name are checked for conflicts.

    \b
    Example:
      archivist consult prospect 李小姐 --channel phone --summary "詢問租約糾紛" --phone 0912
      archivist client add --from-prospect P2026-0001 --kind person
    """
    from archivist.clients import prospects

    out = prospects.log(
        archive,
        name,
        channel,
        summary,
        prospect=prospect,
        phone=phone,
        email=email,
        parties=parties,
    )
    for w in out["warnings"]:
        warn(w)
    emit(out, True) if as_json else click.echo(f"{out['number']}  {out['name']}")


@consult.command("prospects")
@json_option
@pass_archive
def prospects_(archive: Any, as_json: bool) -> None:
    """List prospects (enquirers who are not clients) and their consultations.

    \b
    Example:
      archivist consult prospects
    """
    from archivist.clients import prospects

    rows = prospects.list_prospects(archive)
    if as_json:
        emit(rows, True)
        return
    emit(
        [
            {
                "number": r["number"],
                "name": r["name"],
                "consultations": len(r["consultations"]),
                "client": r["client"] or "",
            }
            for r in rows
        ],
        False,
        empty=_("No prospects."),
    )


@consult.command("list")
@click.option("--client", metavar="NUMBER", help="Only this client's consultations.")
@click.option("--due", is_flag=True, help="Only follow-ups due today or overdue.")
@json_option
@pass_archive
def list_(archive: Any, client: str | None, due: bool, as_json: bool) -> None:
    """List consultations, oldest first.

    \b
    Example:
      archivist consult list --due
    """
    from archivist.matters import consultations

    rows = consultations.list_consultations(archive, client, due)
    if as_json:
        emit(rows, True)
        return
    emit(
        [_row(c) for c in rows],
        False,
        columns=LIST_COLUMNS,
        headers=LIST_HEADERS,
        empty="No follow-ups are due." if due else "No consultations.",
    )


@consult.command("done")
@click.argument("number")
@click.option("--note", required=True, help="How the client was followed up.")
@json_option
@pass_archive
def done(archive: Any, number: str, note: str, as_json: bool) -> None:
    """Record that a consultation was followed up (it leaves `consult list --due`).

    \b
    Example:
      archivist consult done ZX2026-0001 --note "已回電，客戶決定委託"
    """
    from archivist.matters import consultations

    c = consultations.done(archive, number, note)
    emit(c, True) if as_json else click.echo(f"{c.number}  followed up")
