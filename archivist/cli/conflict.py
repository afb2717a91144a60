"""`archivist conflict ...`: conflict-of-interest checks."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive
from archivist.core.i18n import _

HIT_COLUMNS = ["searched", "found", "match", "where", "reference", "detail"]


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
        click.echo(
            _("No conflicts found for {searched} (check {id}).").format(
                searched=searched, id=result.id
            )
        )
        return
    from archivist.matters.conflicts import describe

    rows = [{**h.model_dump(mode="json"), "detail": describe(h)} for h in result.hits]
    emit(rows, False, columns=HIT_COLUMNS)
    click.echo(
        _("{count} hits for {searched} (check {id}).").format(
            count=len(result.hits), searched=searched, id=result.id
        ),
        err=True,
    )


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
        empty=_("No conflict checks yet."),
    )
