"""`archivist hold place|release|list`: legal holds on a client or matter (head only, issue 22)."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive
from archivist.core.i18n import _

COLUMNS = [
    "id",
    "client_number",
    "matter_number",
    "reason",
    "placed_by",
    "placed_at",
    "released_at",
]


@click.group()
def hold() -> None:
    """Legal holds: a held client or matter is never disposed of and its sealed volumes are not
    amended."""


@hold.command("place")
@click.argument("target", metavar="CLIENT|MATTER")
@click.option("--reason", required=True, help="Why (a lawsuit, an investigation...).")
@json_option
@pass_archive
def place(archive: Any, target: str, reason: str, as_json: bool) -> None:
    """Place a legal hold on a client's archive or one matter.

    \b
    Example:
      archivist hold place C0001 --reason "訴訟保全：2026民初123號"
    """
    from archivist.volumes import holds

    h = holds.place(archive, target, reason)
    if as_json:
        emit(h, True)
    else:
        click.echo(
            _("hold {id} placed on {target}").format(
                id=h.id, target=h.matter_number or h.client_number
            )
        )


@hold.command("release")
@click.argument("hold_id", type=int)
@click.option("--reason", required=True, help="Why the hold ends.")
@json_option
@pass_archive
def release(archive: Any, hold_id: int, reason: str, as_json: bool) -> None:
    """Release a legal hold.

    \b
    Example:
      archivist hold release 1 --reason "案件終結"
    """
    from archivist.volumes import holds

    h = holds.release(archive, hold_id, reason)
    if as_json:
        emit(h, True)
    else:
        click.echo(_("hold {id} released").format(id=h.id))


@hold.command("list")
@click.option("--all", "include_released", is_flag=True, help="Also released holds.")
@json_option
@pass_archive
def list_(archive: Any, include_released: bool, as_json: bool) -> None:
    """List legal holds and why.

    \b
    Example:
      archivist hold list
    """
    from archivist.volumes import holds

    emit(
        holds.list_holds(archive, include_released), as_json, columns=COLUMNS, empty=_("No holds.")
    )
