"""`archivist firm ...`: the firm's own details (address, phone, bank account, complaint line)."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive
from archivist.core.i18n import _

CONTACT_OPTIONS = (
    ("--address", "address", "The firm's address, printed on letters and contracts."),
    ("--phone", "phone", "The firm's telephone."),
    ("--email", "email", "The firm's e-mail address."),
    ("--fax", "fax", "The firm's fax number."),
    ("--bank-account", "bank_account", "The account clients pay fees into."),
    ("--tax-id", "tax_id", "The firm's tax id (統一編號 / 納稅人識別號)."),
    ("--complaint-phone", "complaint_phone", "The dedicated complaint telephone."),
    ("--complaint-email", "complaint_email", "The dedicated complaint mailbox."),
)


def contact_options(func: Any) -> Any:
    for flag, name, text in reversed(CONTACT_OPTIONS):
        func = click.option(flag, name, default=None, help=_(text))(func)
    return func


@click.group()
def firm() -> None:
    """The firm's details in archivist.toml."""


@firm.command("set")
@click.option("--name", default=None, help=_("The firm's name."))
@contact_options
@click.option(
    "--jurisdiction",
    type=click.Choice(["tw", "cn"]),
    default=None,
    help=_("tw (Taiwan) or cn (mainland China)."),
)
@click.option(
    "--roc-dates/--no-roc-dates",
    default=None,
    help=_("Show dates in documents in the ROC calendar (民國115年12月1日)."),
)
@json_option
@pass_archive
def set_(archive: Any, as_json: bool, **values: Any) -> None:
    """Change the firm's details; the change is recorded in the audit trail.

    An empty value ('') clears one. Letters and contracts whose template shows an empty
    contact field are refused, naming it.

    \b
    Example:
      archivist firm set --address "臺北市中正區重慶南路一段1號" --phone 02-2345-6789 \\
        --email office@chenlin.tw --complaint-phone 02-2345-6000
    """
    from archivist.core import firm as firms

    result = firms.set_firm(archive, values)
    if as_json:
        emit(result, True)
        return
    shown = [k for k, v in values.items() if v is not None]
    click.echo(_("Set {keys}.").format(keys=", ".join(shown)))


@firm.command("show")
@json_option
@pass_archive
def show(archive: Any, as_json: bool) -> None:
    """Show the firm's details.

    \b
    Example:
      archivist firm show --json
    """
    archive.actor  # noqa: B018 - only known users may look
    data = archive.settings.firm.model_dump()
    if as_json:
        emit(data, True)
        return
    emit(data, False)  # headings in words, aligned for CJK (cli.common.print_record)
