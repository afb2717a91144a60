"""`archivist init` and `archivist upgrade`."""

from __future__ import annotations

import sys

import click

from archivist.cli.common import emit, json_option
from archivist.cli.firm import contact_options
from archivist.core.i18n import _


@click.command()
@click.option(
    "--home",
    "home_dir",
    metavar="DIR",
    help="Where to create the home (default: ARCHIVIST_HOME, else here).",
)
@click.option("--firm", required=True, help="The firm's name, printed on letters and contracts.")
@click.option("--user", "username", required=True, help="The first user's username.")
@click.option("--name", "display_name", required=True, help="The first user's full name.")
@click.option(
    "--force", is_flag=True, help="Create the home in a folder that already holds other files."
)
@click.option(
    "--database",
    metavar="URL",
    envvar="ARCHIVIST_DATABASE_URL",
    help="Put the ledger on PostgreSQL (postgresql+psycopg://USER@HOST/DB, an empty "
    "database; default: ARCHIVIST_DATABASE_URL, else SQLite in archive_store/).",
)
@click.option(
    "--lang",
    "language",
    metavar="LANG",
    help="The firm's language for messages and registers: zh_Hant (中文, the default) or en.",
)
@click.option(
    "--jurisdiction",
    type=click.Choice(["tw", "cn"]),
    default="tw",
    show_default=True,
    help="tw (Taiwan) or cn (mainland China): currency, identity labels, template wording "
    "and fee rules.",
)
@contact_options
@json_option
@click.pass_context
def init(
    ctx: click.Context,
    home_dir: str | None,
    firm: str,
    username: str,
    display_name: str,
    force: bool,
    database: str | None,
    jurisdiction: str,
    as_json: bool,
    language: str | None,
    **contact: str | None,
) -> None:
    """Create an archivist home: archivist.toml, archive_store/ (with the ledger) and index/.

    The first user gets the roles archivist and head. A folder that already holds other
    files is refused unless --force.

    \b
    Example:
      archivist init --home ~/firm --firm "陳林律師事務所" --user mei --name "王美" \\
        --jurisdiction tw --address "臺北市中正區重慶南路一段1號" --phone 02-2345-6789
    """
    from archivist.core import home as homes

    target = home_dir or ctx.find_root().obj.get("home")
    from archivist.core import firm as firms
    from archivist.ledger.engine import safe_url

    if not as_json and sys.stdin.isatty():  # asked on a terminal, never in a script
        for key in ("address", "phone", "email"):
            if contact.get(key) is None:
                contact[key] = click.prompt(
                    _("The firm's {key} (Enter to leave empty)").format(key=key),
                    default="",
                    show_default=False,
                    err=True,
                )
    home = homes.create(
        target,
        firm,
        username,
        display_name,
        force=force,
        database=database or None,
        language=language,
        jurisdiction=jurisdiction,
        contact=firms.clean({k: v for k, v in contact.items() if v is not None}),
    )
    ledger = safe_url(home.ledger_url) if database else str(home.ledger_path)
    from archivist.core import i18n

    if not i18n.explicit(ctx.find_root().params.get("lang")):
        i18n.set_language(i18n.firm_language(home.root) or i18n.current())
    data = {
        "home": str(home.root),
        "config": str(home.config_path),
        "store": str(home.store_dir),
        "index": str(home.index_dir),
        "ledger": ledger,
        "user": username,
        "roles": ["archivist", "head"],
    }
    if as_json:
        emit(data, True)
        return
    click.echo(_("Created an archivist home at {root}").format(root=home.root))
    click.echo(_("  settings  {config_path}").format(config_path=home.config_path))
    click.echo(_("  store     {store_dir}").format(store_dir=home.store_dir))
    click.echo(_("  index     {index_dir}").format(index_dir=home.index_dir))
    click.echo(_("  ledger    {ledger}").format(ledger=ledger))
    click.echo(
        _("User {username} has the roles archivist and head. Next:").format(username=username)
    )
    click.echo(
        _("  export ARCHIVIST_HOME={root} ARCHIVIST_USER={username}").format(
            root=home.root, username=username
        )
    )
    click.echo(_("  archivist client add --name 陳大文 --kind person"))


@click.command()
@json_option
@click.pass_context
def upgrade(ctx: click.Context, as_json: bool) -> None:
    """Bring the ledger's schema up to this version of archivist. Back up first.

    \b
    Example:
      archivist backup /mnt/backup && archivist upgrade
    """
    from archivist.core.context import open_context
    from archivist.ledger import migrations

    archive = open_context(ctx.find_root().obj.get("home"), check_version=False)
    try:
        applied = migrations.upgrade(archive.ledger)
    finally:
        archive.close()
    if as_json:
        emit({"applied": applied, "version": migrations.HEAD}, True)
    elif applied:
        click.echo(
            _("Upgraded the ledger to schema version {HEAD} (applied {map}).").format(
                HEAD=migrations.HEAD, map=", ".join(map(str, applied))
            )
        )
    else:
        click.echo(
            _("The ledger is up to date (schema version {HEAD}).").format(HEAD=migrations.HEAD)
        )
