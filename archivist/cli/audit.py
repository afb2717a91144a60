"""`archivist audit ...`"""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive
from archivist.core.i18n import _


@click.group()
def audit() -> None:
    """The audit trail: every change and every read of a client's archive."""


@audit.command("log")
@click.option("--client", "client_number", help="Only events of this client.")
@click.option("--actor", help="Only events by this user.")
@click.option("--since", help="Only events on or after this date (YYYY-MM-DD).")
@click.option("--action", help="Only this action, e.g. client.add, search.")
@click.option("--limit", type=click.IntRange(1, 10_000_000))
@json_option
@pass_archive
def log(
    archive: Any,
    client_number: str | None,
    actor: str | None,
    since: str | None,
    action: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """Show audit events, oldest first. Needs the archivist, head or management role; each
    user sees the events about what they may read, with confidential values (summaries, notes,
    identity numbers, search terms) shown only where they may read that content. Reading the
    trail is itself audited.

    \b
    Example:
      archivist audit log --client C0001 --since 2026-01-01
    """
    from datetime import datetime

    from archivist.core import clock
    from archivist.integrity import audit_read

    since_dt = (
        datetime.combine(clock.parse_date(since, "--since"), datetime.min.time()) if since else None
    )
    events = audit_read.read_log(
        archive, client=client_number, actor=actor, since=since_dt, action=action, limit=limit
    )
    if as_json:
        emit(events, True)
        return
    rows = [
        {
            "seq": e.seq,
            "at": e.at.isoformat(sep=" "),
            "actor": e.actor,
            "action": e.action,
            "object": f"{e.object_type} {e.object_id}",
            "details": ", ".join(f"{k}={v}" for k, v in e.details.items()),
        }
        for e in events
    ]
    emit(
        rows,
        False,
        columns=["seq", "at", "actor", "action", "object", "details"],
        empty=_("No audit events match."),
    )


@audit.command("verify")
@json_option
@pass_archive
def verify(archive: Any, as_json: bool) -> None:
    """Check the hash chain and its witness: exit 1 naming the first altered, missing or
    reordered event, or a chain cut short of (or rewritten since) the head witnessed outside the
    ledger.

    \b
    Example:
      archivist audit verify
    """
    from archivist.integrity.chain import verify_trail

    count, problem, head = verify_trail(archive)
    if as_json:
        emit({"events": count, "ok": problem is None, "problem": problem, "head": head}, True)
    elif problem is None:
        click.echo(
            _("The audit trail is intact: {count} events (head {hash}, witnessed).").format(
                count=count, hash=head["hash"][:16]
            )
        )
    else:
        click.echo(_("The audit trail is broken: {problem}.").format(problem=problem))
    if problem is not None:
        raise click.exceptions.Exit(1)
