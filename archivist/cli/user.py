"""`archivist user ...`"""

from __future__ import annotations

import click

from archivist.cli.common import emit, json_option, pass_archive

ROLE_HELP = "archivist, head, lawyer, staff or management (repeat for several)"
COLUMNS = ["username", "display_name", "roles", "active", "licence_number", "practice_area"]


@click.group()
def user() -> None:
    """Users and their roles. Only archivists and the department head manage users."""


@user.command("add")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
@click.option("--licence", "licence_number", help="Lawyer's licence number.")
@click.option("--practice-area", help="Lawyer's practice area.")
@json_option
@pass_archive
def add(archive, username, display_name, roles, licence_number, practice_area, as_json):
    """Add a user.

    \b
    Example:
      archivist user add lin --name 林志明 --role lawyer --licence 13101200910123456
    """
    from archivist.core import users

    created = users.add(archive, username, display_name, list(roles), licence_number, practice_area)
    if as_json:
        emit(created, True)
    else:
        click.echo(f"Added user {created.username} ({', '.join(r.value for r in created.roles)}).")


@user.command("list")
@click.option("--active-only", is_flag=True, help="Leave out deactivated users.")
@json_option
@pass_archive
def list_(archive, active_only, as_json):
    """List users and their roles.

    \b
    Example:
      archivist user list --json
    """
    from archivist.core import users

    archive.actor  # noqa: B018 - only known users may look
    with archive.ledger.read() as conn:
        rows = users.list_users(conn, include_inactive=not active_only)
    emit(rows, as_json, columns=COLUMNS)


@user.command("roles")
@click.argument("username")
@json_option
@pass_archive
def roles_(archive, username, as_json):
    """Show who granted or took away each of a user's roles (the first user: bootstrap).

    \b
    Example:
      archivist user roles lin
    """
    from archivist.core import users
    from archivist.core.i18n import _

    rows = users.role_history(archive, username)
    emit(
        rows,
        as_json,
        columns=["at", "role", "granted", "by", "bootstrap"],
        empty=_("No role grants recorded."),
    )


@user.command("deactivate")
@click.argument("username")
@json_option
@pass_archive
def deactivate(archive, username, as_json):
    """Deactivate a user: they can no longer act. Their records stay.

    \b
    Example:
      archivist user deactivate lin
    """
    from archivist.core import users

    changed = users.set_active(archive, username, False)
    emit(changed, True) if as_json else click.echo(f"Deactivated {username}.")


@user.command("activate")
@click.argument("username")
@json_option
@pass_archive
def activate(archive, username, as_json):
    """Reactivate a deactivated user.

    \b
    Example:
      archivist user activate lin
    """
    from archivist.core import users

    changed = users.set_active(archive, username, True)
    emit(changed, True) if as_json else click.echo(f"Activated {username}.")


@user.command("edit")
@click.argument("username")
@click.option("--name", "display_name", help="Full name.")
@click.option("--role", "roles", multiple=True, help="Replace the roles: " + ROLE_HELP)
@click.option("--licence", "licence_number", help="Lawyer's licence number.")
@click.option("--practice-area", help="Lawyer's practice area.")
@json_option
@pass_archive
def edit(archive, username, display_name, roles, licence_number, practice_area, as_json):
    """Change a user's name, roles, licence number or practice area (audited).

    \b
    Example:
      archivist user edit lin --licence 13101200910123456 --practice-area 民商事訴訟
    """
    from archivist.core import users

    changed = users.edit(
        archive,
        username,
        display_name=display_name,
        licence_number=licence_number,
        practice_area=practice_area,
        roles=list(roles) or None,
    )
    emit(changed, True) if as_json else click.echo(f"Updated {username}.")


@user.command("password")
@click.argument("username")
@click.option(
    "--stdin",
    "from_stdin",
    is_flag=True,
    help="Read the password from standard input (one line) instead of prompting.",
)
@click.option(
    "--no-change",
    is_flag=True,
    help="Do not make the user change it at first sign-in (demo homes only).",
)
@pass_archive
def password(archive, username, from_stdin, no_change):
    """Set a user's password for the web front end; they must change it at first sign-in.

    \b
    Example:
      archivist user password lin
      printf '%s\\n' "$PW" | archivist user password lin --stdin
    """
    import sys

    from archivist.core import accounts

    if from_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    else:
        secret = click.prompt("New password", hide_input=True, confirmation_prompt=True, err=True)
    accounts.set_password(archive, username, secret, must_change=not no_change)
    click.echo(
        f"Password set for {username}"
        + ("." if no_change else "; they must change it at first sign-in."),
        err=True,
    )


password.no_json = True  # type: ignore[attr-defined]  # prints nothing but a confirmation


@user.command("token")
@click.argument("username")
@click.option("--name", "label", default="api", show_default=True, help="A label for the token.")
@click.option("--revoke", "revoke_id", type=int, metavar="ID", help="Revoke token ID instead.")
@click.option("--list", "list_them", is_flag=True, help="List the user's tokens instead.")
@json_option
@pass_archive
def token(archive, username, label, revoke_id, list_them, as_json):
    """Make an API token for scripts (printed once; only its hash is kept), list or revoke one.

    \b
    Example:
      archivist user token lin --name nightly-report
      curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:8000/api/v1/search?q=合同
    """
    from archivist.core import accounts

    if revoke_id is not None:
        accounts.revoke_token(archive, revoke_id)
        click.echo(f"Revoked API token {revoke_id}.", err=True)
        return
    if list_them:
        emit(
            accounts.list_tokens(archive, username),
            as_json,
            columns=["id", "name", "created_at", "last_used", "revoked"],
        )
        return
    tid, secret = accounts.create_token(archive, username, label)
    if as_json:
        emit({"id": tid, "name": label, "token": secret}, True)
    else:
        click.echo(secret)
        click.echo(f"API token {tid} for {username}: shown once, keep it safe.", err=True)
