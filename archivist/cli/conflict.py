"""`archivist conflict ...`: conflict-of-interest checks."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive
from archivist.core.i18n import _

HIT_COLUMNS = ["searched", "found", "match", "rule", "strength", "where", "reference", "detail"]


@click.group()
def conflict() -> None:
    """Conflict-of-interest checks over clients, matter parties and consultations."""


@conflict.command("check")
@click.argument("names", nargs=-1)
@click.option(
    "--id-number",
    "id_numbers",
    multiple=True,
    metavar="ID",
    help="An identity number to match exactly (repeatable).",
)
@json_option
@pass_archive
def check(archive: Any, names: tuple[str, ...], id_numbers: tuple[str, ...], as_json: bool) -> None:
    """Search every client, every party of every matter and consultations for NAMEs.

    Names match whatever the script (Traditional/Simplified), width, case or spacing;
    identity numbers match exactly. The check and its result are kept (audited).

    \b
    Example:
      archivist conflict check 陈大文 "李四贸易有限公司" --id-number A123456789
    """
    from archivist.matters import conflicts

    result = conflicts.check(archive, names, id_numbers)
    if as_json:
        emit({"number": str(result.id), **result.model_dump(mode="json")}, True)
        return
    searched = ", ".join(result.names + result.id_numbers)
    if not result.hits:
        click.echo(f"No conflicts found for {searched} (check {result.id}).")
        return
    emit(result.hits, False, columns=HIT_COLUMNS)
    click.echo(f"{len(result.hits)} hits for {searched} (check {result.id}).", err=True)


@conflict.command("list")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@json_option
@pass_archive
def list_(archive: Any, limit: int, as_json: bool) -> None:
    """List the most recent conflict checks (archivist/head).

    \b
    Example:
      archivist conflict list --limit 10
    """
    from archivist.matters import conflicts

    rows = conflicts.list_checks(archive, limit)
    if as_json:
        emit(rows, True)
        return
    emit(
        [
            {
                "id": c.id,
                "checked_at": c.checked_at.isoformat(sep=" "),
                "by": c.checked_by,
                "purpose": c.purpose,
                "matter": c.matter_number or "",
                "client": c.client_number or "",
                "searched": ", ".join(c.names + c.id_numbers),
                "result": c.result,
                "hits": len(c.hits),
            }
            for c in rows
        ],
        False,
        empty="No conflict checks yet.",
    )


WAIVER_COLUMNS = ["number", "check", "purpose", "status", "consent_documents", "requested_by"]


@conflict.command("waive")
@click.argument("check_id", metavar="CHECK", type=int)
@click.option(
    "--consent",
    "documents",
    multiple=True,
    required=True,
    metavar="DOCUMENT",
    help=_("The filed document holding the written consent (its number; repeatable)."),
)
@click.option("--reason", required=True, help=_("Why the firm may act despite the conflict."))
@json_option
@pass_archive
def waive(
    archive: Any, check_id: int, documents: tuple[str, ...], reason: str, as_json: bool
) -> None:
    """Ask for a written waiver of the conflict a refused CHECK found; a head approves it.

    \b
    Example:
      archivist conflict waive 3 --consent Y0001-0002 --reason "雙方書面同意"
    """
    from archivist.matters import conflict_waivers

    made = conflict_waivers.request(archive, check_id, documents, reason)
    if as_json:
        emit(made, True)
        return
    click.echo(
        _(
            "{number}  asked; a head who did not ask approves it: archivist conflict approve {number}"
        ).format(number=made["number"])
    )


@conflict.command("approve")
@click.argument("waiver")
@click.option("--note", help=_("A note on the decision."))
@json_option
@pass_archive
def approve(archive: Any, waiver: str, note: str | None, as_json: bool) -> None:
    """Approve a waiver (head; not the one who asked for it).

    \b
    Example:
      archivist --as head2 conflict approve W1
    """
    from archivist.matters import conflict_waivers

    done = conflict_waivers.decide(archive, waiver, True, note)
    emit(done, True) if as_json else click.echo(
        _("{number}  approved").format(number=done["number"])
    )


@conflict.command("reject")
@click.argument("waiver")
@click.option("--reason", required=True, help=_("Why the waiver is refused."))
@json_option
@pass_archive
def reject(archive: Any, waiver: str, reason: str, as_json: bool) -> None:
    """Reject a waiver (head; not the one who asked for it).

    \b
    Example:
      archivist --as head2 conflict reject W1 --reason "同意書未經雙方簽署"
    """
    from archivist.matters import conflict_waivers

    done = conflict_waivers.decide(archive, waiver, False, reason)
    emit(done, True) if as_json else click.echo(
        _("{number}  rejected").format(number=done["number"])
    )


@conflict.command("waivers")
@json_option
@pass_archive
def waivers(archive: Any, as_json: bool) -> None:
    """List conflict waivers, newest first (archivist/head).

    \b
    Example:
      archivist conflict waivers
    """
    from archivist.matters import conflict_waivers

    rows = conflict_waivers.list_waivers(archive)
    if as_json:
        emit(rows, True)
        return
    emit(
        [{**r, "consent_documents": ", ".join(r["consent_documents"])} for r in rows],
        False,
        columns=WAIVER_COLUMNS,
        empty=_("No conflict waivers yet."),
    )
