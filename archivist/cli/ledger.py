"""`archivist ledger move`"""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive
from archivist.core.i18n import _


@click.group()
def ledger() -> None:
    """The ledger's database (SQLite in archive_store/, or PostgreSQL)."""


@ledger.command()
@click.option(
    "--to",
    "to",
    required=True,
    metavar="URL",
    help="postgresql+psycopg://USER@HOST/DB (an empty database), or `sqlite` for "
    "archive_store/ledger.sqlite3.",
)
@json_option
@pass_archive
def move(archive: Any, to: str, as_json: bool) -> None:
    """Move the ledger to another database, verified before the home switches to it.

    Every table is copied while writes wait; the copy must hold the same rows and an audit
    chain that verifies and ends where the old one does. Only then does archivist.toml name
    the new ledger. The old one is kept, marked as moved. Needs the archivist or head role.

    \b
    Example:
      archivist ledger move --to postgresql+psycopg://archivist@db.firm.local/archivist
      archivist ledger move --to sqlite
    """
    from archivist.core import access
    from archivist.ledger.move import move as do_move

    actor = access.require_ledger_keeper(archive, "move the ledger")
    archive.close()  # the move opens the ledgers itself
    result = do_move(archive.home, to, actor.username)
    if as_json:
        emit(result, True)
        return
    click.echo(
        _(
            "Moved the ledger from {from_} to {to} ({sum} rows in {count} tables, counts and audit chain verified)."
        ).format(
            from_=result["from"],
            to=result["to"],
            sum=sum(result["rows"].values()),
            count=len(result["rows"]),
        )
    )
    click.echo(_("archivist.toml now names the new ledger; the old one is kept, marked as moved."))
