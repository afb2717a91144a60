"""`archivist backup` and `archivist restore`."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, progress_callback, warn
from archivist.core.i18n import _


@click.command()
@click.argument("dest", metavar="DEST")
@json_option
@pass_archive
def backup(archive: Any, dest: str, as_json: bool) -> None:
    """Back up the home to the folder DEST while others keep working.

    Takes an online snapshot of the ledger, copies every filed document it knows (verified by
    SHA-256) and writes DEST/backup-manifest.json with counts and checksums. Backing up again
    to the same DEST copies only what is new, and resumes a backup that was interrupted. Only
    the home's own files are copied (settings, templates, store, ledger); the index is not
    (restore rebuilds it). Needs the archivist or head role.

    \b
    Example:
      archivist backup /mnt/backup/archivist
    """
    from archivist.integrity import backup as backups

    with progress_callback("Backing up documents") as on_progress:
        result = backups.backup(archive, dest, progress=on_progress)
    for p in result.problems:
        warn(p)
    if as_json:
        emit({"number": result.home_id[:12], **result.model_dump(mode="json")}, True)
    else:
        rate = result.bytes_copied / 2**20 / result.seconds if result.seconds else 0.0
        click.echo(
            _("Backed up {documents} documents of {clients} clients to {dest}").format(
                documents=result.documents, clients=result.clients, dest=result.dest
            )
        )
        click.echo(
            _(
                "  copied {files_copied} files ({value:.1f} MB, {rate:.1f} MB/s), {files_skipped} already there; {audit_events} audit events"
            ).format(
                files_copied=result.files_copied,
                value=result.bytes_copied / 2**20,
                rate=rate,
                files_skipped=result.files_skipped,
                audit_events=result.audit_events,
            )
        )
        click.echo(_("  manifest {manifest}").format(manifest=result.manifest))
    if result.problems:
        click.echo(
            _("{count} documents could not be backed up; run `archivist check`.").format(
                count=len(result.problems)
            ),
            err=True,
        )
        raise click.exceptions.Exit(1)


@click.command()
@click.argument("src", metavar="SRC")
@click.option(
    "--home",
    "new_home",
    required=True,
    metavar="NEW_HOME",
    help="Where to create the restored home (must not exist, or be empty).",
)
@click.option(
    "--database",
    metavar="URL",
    help="Put the restored ledger on this empty PostgreSQL database "
    "(default: SQLite in the new home's archive_store/).",
)
@json_option
@click.pass_context
def restore(
    ctx: click.Context, src: str, new_home: str, database: str | None, as_json: bool
) -> None:
    """Rebuild a home from the backup in SRC at NEW_HOME.

    Verifies every file's checksum, rebuilds manifests and the full-text index, and ends with
    a full check. Refuses a backup whose audit chain does not reach the head its manifest
    recorded, and to restore over an existing home; running it again over a restore that was
    interrupted starts that one over. The acting user (--as) must be an archivist or head in
    the backed-up home.

    \b
    Example:
      archivist --as mei restore /mnt/backup/archivist --home ~/firm-restored
      archivist --as mei restore /mnt/backup/archivist --home ~/firm2 \\
          --database postgresql+psycopg://archivist@db/firm2
    """
    from archivist.integrity import backup as backups

    with progress_callback("Restoring files") as on_progress:
        result = backups.restore(
            src, new_home, ctx.find_root().obj.get("user"), progress=on_progress, database=database
        )
    if as_json:
        emit({"number": result.home, **result.model_dump(mode="json")}, True)
    else:
        click.echo(
            _(
                "Restored {documents} documents into {home} ({files_verified} files verified, {indexed} indexed)."
            ).format(
                documents=result.documents,
                home=result.home,
                files_verified=result.files_verified,
                indexed=result.indexed,
            )
        )
        if result.check.ok:
            click.echo(_("Check: everything agrees."))
        else:
            click.echo(_("Check found problems:"))
            for p in result.check.problems:
                click.echo(f"  {p.kind:<14} {p.path or ''}  {p.detail}")
    if not result.check.ok:
        raise click.exceptions.Exit(1)
