"""`archivist client ...`"""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, warn

KINDS = click.Choice(["person", "company", "organization"])


def _name_options(fn: Any) -> Any:
    """--alias, --former-name, --related and --relation (the names the conflict check searches)."""
    from archivist.core.i18n import _

    for decorator in reversed(
        [
            click.option(
                "--alias",
                "aliases",
                multiple=True,
                metavar="NAME",
                help=_("Another name the client is known by (repeatable)."),
            ),
            click.option(
                "--former-name",
                "former_names",
                multiple=True,
                metavar="NAME",
                help=_("A name the client had before (repeatable)."),
            ),
            click.option(
                "--related",
                multiple=True,
                metavar="NAME[:ID]",
                help=_("A related party: parent company, subsidiary, director, spouse..."),
            ),
            click.option(
                "--relation",
                "relations",
                multiple=True,
                metavar="RELATION",
                help=_(
                    "How each --related party is related (one for all, or one each): parent, "
                    "subsidiary, affiliate, shareholder, director, legal-representative, "
                    "spouse, family, employee, other."
                ),
            ),
        ]
    ):
        fn = decorator(fn)
    return fn


LIST_COLUMNS = ["number", "name", "kind", "id_number", "phone", "status"]


@click.group()
def client() -> None:
    """Register clients and read their archives."""


@client.command("add")
@click.option("--name", help="The client's name, as on their identity papers.")
@click.option(
    "--kind",
    required=True,
    type=KINDS,
    help="person (自然人), company (法人) or organization (其他組織).",
)
@click.option("--id-number", help="Identity card / passport / unified credit code.")
@click.option("--phone")
@click.option("--email")
@click.option("--address")
@click.option("--note")
@_name_options
@click.option(
    "--from-prospect",
    metavar="PROSPECT",
    help="A prospect (P2026-0001) who signed: their name and consultations come over.",
)
@json_option
@pass_archive
def add(archive: Any, as_json: bool, **fields: Any) -> None:
    """Register a client: prints the archive number and the new folder.

    \b
    Example:
      archivist client add --name 陳大文 --kind person --id-number A123456789
      archivist client add --name 永豐精密工業股份有限公司 --kind company \\
        --alias 永豐精密 --related 永豐控股股份有限公司 --relation parent
    """
    from archivist.clients import registry
    from archivist.models import ClientInput

    fields = {
        k: (list(v) if isinstance(v, tuple) else v) for k, v in fields.items() if v is not None
    }
    result = registry.add(archive, ClientInput(**fields))
    for w in result.warnings:
        warn(w)
    if as_json:
        emit(
            {
                **result.client.model_dump(mode="json"),
                "folder": result.folder_path,
                "folder_relative": result.client.folder,
                "warnings": result.warnings,
            },
            True,
        )
    else:
        click.echo(f"{result.client.number}  {result.client.name}")
        click.echo(f"folder: {result.folder_path}")


@client.command("list")
@click.option("--query", "-q", help="Part of a name (either Chinese script), a number or an ID.")
@click.option("--limit", type=click.IntRange(1, 100000), help="At most this many.")
@json_option
@pass_archive
def list_(archive: Any, query: str | None, limit: int | None, as_json: bool) -> None:
    """List the clients you may see.

    \b
    Example:
      archivist client list --query 陈
    """
    from archivist.clients import registry

    rows = registry.list_clients(archive, query, limit)
    emit(rows, as_json, columns=LIST_COLUMNS, empty="No clients match.")


@client.command("show")
@click.argument("number")
@json_option
@pass_archive
def show(archive: Any, number: str, as_json: bool) -> None:
    """Show a client's details, folder and archive contents (audited as a read).

    \b
    Example:
      archivist client show C0001
    """
    from archivist.clients import registry

    data = registry.show(archive, number)
    if as_json:
        emit(data, True)
        return
    emit(
        {
            k: data[k]
            for k in (
                "number",
                "name",
                "kind",
                "id_number",
                "phone",
                "email",
                "address",
                "note",
                "status",
                "folder_path",
                "created_at",
            )
            if k in data
        },
        False,
    )
    click.echo(
        "documents: " + ", ".join(f"{k} {v}" for k, v in data["documents_per_section"].items())
    )
    if data.get("part"):
        click.echo("(only what your loan lends is shown)")
    for key in ("other_names", "matters", "documents", "consultations", "loans", "complaints"):
        items = data.get(key)
        if items:
            click.echo(f"{key}:")
            for item in items:
                click.echo("  " + "  ".join(str(v) for v in item.values() if v is not None))


@client.command("edit")
@click.argument("number")
@click.option("--name")
@click.option("--kind", type=KINDS)
@click.option("--id-number")
@click.option("--phone")
@click.option("--email")
@click.option("--address")
@click.option("--note")
@_name_options
@json_option
@pass_archive
def edit(archive: Any, number: str, as_json: bool, **changes: Any) -> None:
    """Change a client's details; every change is audited with old and new values.

    The archive number never changes, and the folder keeps the name it was created with
    (manifest.json and `client show` carry the current name).

    \b
    Example:
      archivist client edit C0001 --phone "02-2345 6789"
    """
    from archivist.clients import registry

    updated = registry.edit(archive, number, **changes)
    emit(updated, True) if as_json else click.echo(f"Updated client {updated.number}.")


@client.command("timeline")
@click.argument("number")
@json_option
@pass_archive
def timeline(archive: Any, number: str, as_json: bool) -> None:
    """List every event of a client, oldest first: registration, consultations, matters and
    their work records, documents, loans, complaints (audited as a read).

    \b
    Example:
      archivist client timeline C0001
    """
    from archivist.matters import views as matter_views

    rows = matter_views.client_timeline(archive, number)
    if as_json:
        emit(rows, True)
        return
    emit(
        [
            {**r.model_dump(mode="json"), "at": r.at.isoformat(sep=" ", timespec="minutes")}
            for r in rows
        ],
        False,
        columns=["at", "actor", "action", "reference", "text"],
        empty="No events.",
    )


# Consent, status letter and export (policy: written consent, the client's right to know).
from archivist.cli.client_rights import register as _register_rights  # noqa: E402

_register_rights(client)
