"""`archivist client consent|report|export`: written consent, the client's status letter, and
the consent-respecting export. Hooked into the `client` group by archivist/cli/client.py
through `register()`."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, warn

CONSENT_COLUMNS = [
    "id",
    "scope",
    "purposes",
    "document",
    "expires_on",
    "granted_at",
    "granted_by",
    "revoked_at",
    "revoked_by",
]


@click.command("consent")
@click.argument("client")
@click.option("--scope", help="What the client consents to, e.g. 統計及市場推廣, statistics.")
@click.option("--document", metavar="DOC", help="The filed, signed consent (required to grant).")
@click.option(
    "--expires",
    metavar="DATE",
    help="When the consent ends (YYYY-MM-DD or +DAYS); without it, until revoked.",
)
@click.option("--revoke", is_flag=True, help="Revoke the client's active consent(s).")
@click.option("--id", "consent_id", type=click.IntRange(1), help="With --revoke: only this one.")
@json_option
@pass_archive
def consent(
    archive: Any,
    client: str,
    scope: str | None,
    document: str | None,
    revoke: bool,
    consent_id: int | None,
    as_json: bool,
    expires: str | None = None,
) -> None:
    """Record a client's written consent to use their information beyond their matters
    (保密原則), revoke it, or show the client's consents (no options).

    Purposes are read from the scope: statistics (統計), marketing (市場推廣, 營銷, 宣傳) or all
    (全部). Exports leave out clients without an active consent for their purpose.

    \b
    Example:
      archivist client consent C0001 --scope "統計及市場推廣" --document C0001-0002
      archivist client consent C0001 --revoke
    """
    from archivist.matters.duties import consent as lib

    if revoke:
        if scope or document:
            raise click.UsageError("--revoke does not take --scope or --document")
        rows = lib.revoke(archive, client, consent_id)
        if as_json:
            emit({"number": rows[0].client, "revoked": rows}, True)
        else:
            click.echo(f"{rows[0].client}  consent {', '.join(str(r.id) for r in rows)} revoked")
        return
    if consent_id is not None:
        raise click.UsageError("--id goes with --revoke")
    if scope is None and document is None:
        emit(
            lib.show(archive, client),
            as_json,
            columns=CONSENT_COLUMNS,
            empty="No consent recorded: this client's information is used for their matters only.",
        )
        return
    if not scope:
        raise click.UsageError("--scope is required to record a consent")
    granted = lib.grant(archive, client, scope, document or "", expires)
    if not granted.purposes:
        warn(
            "no export purpose (statistics, marketing, all) is named in the scope: no export "
            "will include this client"
        )
    if as_json:
        emit({"number": granted.client, **granted.model_dump(mode="json")}, True)
    else:
        click.echo(
            f"{granted.client}  consent {granted.id} recorded "
            f"(purposes: {', '.join(granted.purposes) or 'none'})"
        )


@click.command("report")
@click.argument("client")
@click.option("--out", required=True, metavar="FILE.docx", help="Where to write the letter.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@json_option
@pass_archive
def report(archive: Any, client: str, out: str, force: bool, as_json: bool) -> None:
    """Write a status letter for the client (知情權): their matters, the lawyers with licence
    numbers, progress records marked as reported to the client, deliverables and dates, and
    the payment schedule. Internal work records are left out. Audited as a read.

    \b
    Example:
      archivist client report C0001 --out 陳大文-進展報告.docx
    """
    from archivist.matters.duties import client_report as lib

    result = lib.report(archive, client, out, overwrite=force)
    if as_json:
        emit({"number": result.client, **result.model_dump(mode="json")}, True)
    else:
        click.echo(f"{result.path}")
        click.echo(
            f"{len(result.matters)} matter(s), {result.progress_records} progress "
            f"record(s) for the client, {result.deliverables} deliverable(s); "
            f"{result.internal_left_out} internal record(s) left out"
        )


@click.command("export")
@click.option(
    "--purpose",
    required=True,
    type=click.Choice(["statistics", "marketing"]),
    help="What the list is for; only clients who consented to it are included.",
)
@click.option("--out", required=True, metavar="FILE.csv", help="Where to write the CSV.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@json_option
@pass_archive
def export(archive: Any, purpose: str, out: str, force: bool, as_json: bool) -> None:
    """Export a client list for statistics or marketing. Clients without an active written
    consent for that purpose are left out, and the count left out is reported.

    \b
    Example:
      archivist client export --purpose marketing --out clients.csv
    """
    from archivist.matters.duties import consent as lib

    result = lib.export(archive, purpose, out, overwrite=force)
    if as_json:
        emit(result, True)
        return
    click.echo(
        f"Exported {result.exported} client(s) to {result.path}; left out "
        f"{result.left_out} without written consent for {result.purpose}."
    )


def register(client_group: click.Group) -> None:
    for command in (consent, report, export):
        client_group.add_command(command)
