"""`archivist disposal list|propose|approve|reject|carry-out|show`: disposal (銷毀) of volumes
past their retention term, with approval and a register (issue 22)."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive
from archivist.core.i18n import _

DUE_COLUMNS = ["matter", "client", "retention_class", "keep_until", "documents", "blocked"]


def _out(d: Any, as_json: bool) -> None:
    if as_json:
        emit(d, True)
        return
    count = sum(len(i.documents) for i in d.items)
    click.echo(
        _("{number}  {status}  {volumes} volumes, {count} documents").format(
            number=d.number, status=_(d.status), volumes=len(d.items), count=count
        )
    )
    if d.register_path:
        click.echo(_("register: {path}").format(path=d.register_path))
    for b in d.backups:
        click.echo(_("backup still holding these documents: {path}").format(path=b))


@click.group()
def disposal() -> None:
    """Disposal of volumes past their retention term: list, propose, approve, carry out."""


@disposal.command("list")
@json_option
@pass_archive
def list_(archive: Any, as_json: bool) -> None:
    """Sealed volumes past their retention term, and what blocks their disposal.

    \b
    Example:
      archivist disposal list
    """
    from archivist.volumes import disposal as service

    emit(service.due(archive), as_json, columns=DUE_COLUMNS, empty=_("No volume is past its term."))


@disposal.command("propose")
@click.argument("matters", nargs=-1, required=True)
@json_option
@pass_archive
def propose(archive: Any, matters: tuple[str, ...], as_json: bool) -> None:
    """Propose a disposal batch of volumes past their term.

    \b
    Example:
      archivist disposal propose 1990-MS-0001 1990-MS-0002
    """
    from archivist.volumes import disposal as service

    _out(service.propose(archive, list(matters)), as_json)


@disposal.command("approve")
@click.argument("number")
@json_option
@pass_archive
def approve(archive: Any, number: str, as_json: bool) -> None:
    """Approve a disposal batch (the head; then a second approver when configured).

    \b
    Example:
      archivist disposal approve XH2026-0001
    """
    from archivist.volumes import disposal as service

    _out(service.approve(archive, number), as_json)


@disposal.command("reject")
@click.argument("number")
@json_option
@pass_archive
def reject(archive: Any, number: str, as_json: bool) -> None:
    """Reject a disposal batch (the head).

    \b
    Example:
      archivist disposal reject XH2026-0001
    """
    from archivist.volumes import disposal as service

    _out(service.reject(archive, number), as_json)


@disposal.command("carry-out")
@click.argument("number")
@click.option("--method", required=True, help="How the paper was destroyed (e.g. shredded).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_archive
def carry_out(archive: Any, number: str, method: str, yes: bool, as_json: bool) -> None:
    """Destroy an approved batch's documents (store, index) and write the 銷毀清冊.

    \b
    Example:
      archivist disposal carry-out XH2026-0001 --method "碎紙機銷毀" --yes
    """
    from archivist.volumes import disposal as service

    if not yes:
        click.confirm(
            _("Destroy the documents of {number}? This cannot be undone").format(number=number),
            abort=True,
            err=True,
        )
    _out(service.carry_out(archive, number, method), as_json)


@disposal.command("show")
@click.argument("number", required=False)
@json_option
@pass_archive
def show(archive: Any, number: str | None, as_json: bool) -> None:
    """The disposal register: every batch, or one.

    \b
    Example:
      archivist disposal show XH2026-0001
    """
    from archivist.volumes import disposal as service

    found = service.show(archive, number)
    if as_json:
        emit(found, True)
        return
    for d in found:
        _out(d, False)
        for item in d.items:
            for doc in item.documents:
                click.echo(
                    f"  {item.matter_number}  {doc['number']}  {str(doc['checksum'])[:16]}  {doc['title']}"
                )
