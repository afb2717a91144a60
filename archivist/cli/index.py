"""`archivist index ...`: the full-text index is derived; check it and rebuild it."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, progress_callback
from archivist.core.i18n import _


@click.group("index")
def index() -> None:
    """The full-text index: status and rebuild."""


@index.command("status")
@json_option
@pass_archive
def status(archive: Any, as_json: bool) -> None:
    """Compare the index with the ledger: missing, stale and extra entries.

    Exits 1 when they do not agree.

    \b
    Example:
      archivist index status
    """
    from archivist import search as ix
    from archivist.core import access

    access.require_index_admin(archive, "inspect the index")
    st = ix.status(archive)
    if as_json:
        emit(st, True)
    else:
        from archivist.search.engine import configured

        click.echo(
            _(
                "documents in the ledger: {documents}; in the index: {indexed} (engine: {configured})"
            ).format(documents=st.documents, indexed=st.indexed, configured=configured(archive))
        )
        if st.message:
            click.echo(st.message)
        for label, items in (("missing", st.missing), ("stale", st.stale), ("extra", st.extra)):
            if items:
                more = f" … (+{len(items) - 20})" if len(items) > 20 else ""
                click.echo(f"{label} ({len(items)}): " + ", ".join(items[:20]) + more)
        if not (st.missing or st.stale or st.extra) and st.version_ok:
            click.echo(_("The index agrees with the ledger."))
    if st.missing or st.stale or st.extra or not st.version_ok:
        raise SystemExit(1)


@index.command("rebuild")
@click.option(
    "--engine",
    type=click.Choice(["tantivy", "whoosh"]),
    help="Build with this engine and make it the home's engine (archivist.toml).",
)
@json_option
@pass_archive
def rebuild(archive: Any, engine: str | None, as_json: bool) -> None:
    """Rebuild the index from the ledger and the stored files (chunked; progress on stderr).

    The new index is built beside the old one and swapped in at the end; searches use the old
    one until then.

    \b
    Example:
      archivist index rebuild
      archivist index rebuild --engine whoosh
    """

    from archivist import search as ix
    from archivist.core import access

    access.require_index_admin(archive, "rebuild the index")
    with progress_callback("Indexing") as on_progress:
        n = ix.rebuild(archive, progress=on_progress, engine=engine)
    from archivist.search.engine import configured

    if as_json:
        emit({"indexed": n, "engine": configured(archive)}, True)
    else:
        click.echo(
            _("Indexed {n} documents ({configured}).").format(n=n, configured=configured(archive))
        )
