"""`archivist file move|withdraw|withdraw-decide|restore|withdrawn`: correcting misfiled
documents (issue 22). Hooked into the `file` group by archivist/cli/file.py."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, warn
from archivist.core.i18n import _

SECTIONS = click.Choice(["basic", "contract", "case", "work", "complaint"])
WITHDRAWN_COLUMNS = ["id", "document", "status", "reason", "requested_by", "decided_by"]


@click.command("move")
@click.argument("document")
@click.option("--to", "to_client", required=True, metavar="CLIENT", help="The right client.")
@click.option("--section", type=SECTIONS, help="The right section (default: as it was).")
@click.option("--matter", metavar="NUMBER", help="The right matter (one of the client's).")
@json_option
@pass_archive
def move(
    archive: Any,
    document: str,
    to_client: str,
    section: str | None,
    matter: str | None,
    as_json: bool,
) -> None:
    """Move a misfiled document; in another client it gets a new number and the old number
    still finds it.

    \b
    Example:
      archivist file move C0001-0007 --to L0002 --section case --matter 2026-MS-0003
    """
    from archivist.filing import corrections

    doc = corrections.move(archive, document, to_client, section, matter)
    for w in doc.warnings:
        warn(w)
    if as_json:
        emit(doc, True)
    else:
        click.echo(
            _("{old} moved: now {number} of {client} ({section})").format(
                old=document, number=doc.number, client=doc.client_number, section=doc.section
            )
        )


@click.command("withdraw")
@click.argument("document")
@click.option("--reason", required=True, help="Why it must leave the archive.")
@json_option
@pass_archive
def withdraw(archive: Any, document: str, reason: str, as_json: bool) -> None:
    """Request the withdrawal of a document filed by mistake (the head decides).

    \b
    Example:
      archivist file withdraw C0001-0007 --reason "誤歸他人文件"
    """
    from archivist.filing import corrections

    w = corrections.request_withdrawal(archive, document, reason)
    if as_json:
        emit(w, True)
    else:
        click.echo(_("withdrawal {id} of {document} requested").format(**w))


@click.command("withdraw-decide")
@click.argument("withdrawal_id", type=int)
@click.option("--approve/--reject", required=True)
@json_option
@pass_archive
def withdraw_decide(archive: Any, withdrawal_id: int, approve: bool, as_json: bool) -> None:
    """Approve (the document goes to the withdrawn area) or reject a withdrawal (head).

    \b
    Example:
      archivist file withdraw-decide 1 --approve
    """
    from archivist.filing import corrections

    w = corrections.decide_withdrawal(archive, withdrawal_id, approve)
    if as_json:
        emit(w, True)
    else:
        click.echo(_("withdrawal {id} of {document}: {status}").format(**w))


@click.command("restore")
@click.argument("document")
@json_option
@pass_archive
def restore(archive: Any, document: str, as_json: bool) -> None:
    """Put a withdrawn document back where it was (head).

    \b
    Example:
      archivist file restore C0001-0007
    """
    from archivist.filing import corrections

    doc = corrections.restore(archive, document)
    if as_json:
        emit(doc, True)
    else:
        click.echo(_("{number} restored").format(number=doc.number))


@click.command("withdrawn")
@json_option
@pass_archive
def withdrawn(archive: Any, as_json: bool) -> None:
    """Withdrawals pending and documents withdrawn.

    \b
    Example:
      archivist file withdrawn
    """
    from archivist.filing import corrections

    emit(
        corrections.list_withdrawn(archive),
        as_json,
        columns=WITHDRAWN_COLUMNS,
        empty=_("Nothing is withdrawn."),
    )


def register(group: click.Group) -> None:
    for command in (move, withdraw, withdraw_decide, restore, withdrawn):
        group.add_command(command)
