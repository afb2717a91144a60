"""`archivist file ...`: filing documents into client archives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from archivist.cli.common import (
    Vocabulary,
    emit,
    json_option,
    pass_archive,
    progress_callback,
    warn,
)
from archivist.cli.errors import visible
from archivist.core.i18n import _

SECTIONS = Vocabulary("section")
LIST_COLUMNS = [
    "number",
    "section",
    "matter_number",
    "title",
    "original_name",
    "filetype",
    "pages",
    "size",
    "filed_at",
    "flag",
]
LIST_HEADERS = [
    "number",
    "section",
    "matter",
    "title",
    "original name",
    "type",
    "pages",
    "size",
    "filed",
    "flag",
]


@click.group()
def file() -> None:
    """File documents into client archives and find them again."""


def _short(doc: Any) -> dict[str, Any]:
    d = doc.model_dump(mode="json")
    d["filed_at"] = (d.get("filed_at") or "")[:16].replace("T", " ")
    return d


@file.command("add")
@click.argument("client")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--section", required=True, type=SECTIONS, help="The archive section.")
@click.option("--matter", help="The matter the documents belong to.")
@click.option("--title", help="A title (default: the file name without extension).")
@click.option("--password", help="Password of an encrypted PDF (used for extraction only).")
@click.option("--again", is_flag=True, help="File a second copy of a file the client already has.")
@json_option
@pass_archive
def add(
    archive: Any,
    client: str,
    paths: tuple[str, ...],
    section: str,
    matter: str | None,
    title: str | None,
    password: str | None,
    again: bool,
    as_json: bool,
) -> None:
    """File one or more documents into a client's archive.

    Each file is copied (the original is never changed) under the next document number,
    checksummed, its text extracted and indexed. Unreadable files are filed and flagged.
    A file the client already has (same SHA-256) is refused unless --again is given.

    \b
    Example:
      archivist file add C0001 合同.pdf 附件.docx --section contract --matter 2026-MS-0001
    """
    from archivist.filing import service as filing

    docs = filing.file_paths(
        archive,
        client,
        [Path(p) for p in paths],
        section,
        title=title,
        matter_number=matter,
        password=password,
        again=again,
    )
    for doc in docs:
        for w in doc.warnings:
            warn(w)
    if as_json:
        out = [d.model_dump(mode="json") for d in docs]
        emit(out[0] if len(out) == 1 else out, True)
        return
    for doc in docs:
        flag = f"  [flagged: {doc.flag}]" if doc.flag else ""
        click.echo(visible(f"{doc.number}  {doc.original_name}{flag}"))


@file.command("import")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--client", help="The client every file goes to.")
@click.option("--section", type=SECTIONS, help="The section every file goes to.")
@click.option("--matter", help="The matter every file belongs to.")
@click.option(
    "--map",
    "map_csv",
    type=click.Path(dir_okay=False),
    help="CSV with columns path,client,section[,matter][,title] per file.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be filed; change nothing.")
@click.option(
    "--again",
    is_flag=True,
    help="File files the client already has as second copies (not skipped).",
)
@json_option
@pass_archive
def import_(
    archive: Any,
    directory: str,
    client: str | None,
    section: str | None,
    matter: str | None,
    map_csv: str | None,
    dry_run: bool,
    again: bool,
    as_json: bool,
) -> None:
    """File a whole folder tree, in parallel, skipping what is already filed.

    A file whose checksum is already filed for that client is skipped, so an interrupted
    import is resumed by running it again. Ends with a summary.

    \b
    Example:
      archivist file import ./scans --client C0001 --section case --matter 2026-MS-0001
      archivist file import ./old --map old.csv --dry-run
    """

    import tempfile

    from archivist.filing.importer import import_tree

    # every item goes to a spool file as it is decided, printed once the import is done: the
    # JSON report of a large import does not sit in memory, and an import that fails leaves
    # nothing half-printed on stdout
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:

        def keep(item: Any) -> None:
            spool.write(item.model_dump_json() + "\n")

        with progress_callback("Filing") as on_progress:
            summary = import_tree(
                archive,
                directory,
                client=client,
                section=section,
                matter=matter,
                map_csv=map_csv,
                dry_run=dry_run,
                again=again,
                progress=on_progress,
                keep_filed=False,
                on_item=keep if as_json else None,
            )
        if as_json:
            spool.seek(0)
            _print_import_json(summary, spool)
            return
    rows = [i.model_dump() for i in summary.items if i.outcome != "filed"]
    if rows:
        emit(rows, False, columns=["outcome", "path", "client", "document", "reason"])
    word = "would file" if dry_run else "filed"
    click.echo(
        _("{word} {filed}, skipped {skipped}, flagged {flagged}, failed {failed}").format(
            word=word,
            filed=summary.filed,
            skipped=summary.skipped,
            flagged=summary.flagged,
            failed=summary.failed,
        )
    )


def _print_import_json(summary: Any, spool: Any) -> None:
    """The summary as one JSON object, its `items` streamed from the spool (one JSON per line)."""
    import json

    head = json.dumps(
        summary.model_dump(mode="json", exclude={"items"}), ensure_ascii=False, indent=2
    )
    click.echo(head[:-2] + ',\n  "items": [', nl=False)
    first = True
    for line in spool:
        click.echo(("\n    " if first else ",\n    ") + line.rstrip("\n"), nl=False)
        first = False
    click.echo("]\n}" if first else "\n  ]\n}")


@file.command("list")
@click.argument("client", required=False)
@click.option("--section", type=SECTIONS)
@click.option("--matter")
@click.option("--flagged", is_flag=True, help="Only documents whose text could not be read.")
@json_option
@pass_archive
def list_(
    archive: Any,
    client: str | None,
    section: str | None,
    matter: str | None,
    flagged: bool,
    as_json: bool,
) -> None:
    """List a client's documents (or, with --flagged and no client, every flagged one).

    \b
    Example:
      archivist file list C0001 --section contract
      archivist file list --flagged
    """
    from archivist.filing import service as filing

    docs = filing.list_documents(
        archive, client, section=section, matter_number=matter, flagged=flagged
    )
    if as_json:
        emit(docs, True)
        return
    columns = (
        LIST_COLUMNS
        if not flagged
        else ["number", "client_number", "original_name", "flag", "flag_reason"]
    )
    emit(
        [_short(d) for d in docs],
        False,
        columns=columns,
        headers=LIST_HEADERS if not flagged else None,
        empty=_("No documents."),
    )


@file.command("show")
@click.argument("document")
@json_option
@pass_archive
def show(archive: Any, document: str, as_json: bool) -> None:
    """Show a document's details and extraction status (audited as a read).

    \b
    Example:
      archivist file show C0001-0003
    """
    from archivist.filing import service as filing

    doc = filing.show(archive, document)
    if as_json:
        emit(doc, True)
        return
    data = _short(doc)
    data["extraction"] = (
        f"flagged ({doc.flag}): {doc.flag_reason}"
        if doc.flag
        else f"ok, {doc.text_chars or 0} characters"
        + (f" ({doc.text_method})" if doc.text_method else "")
    )
    if doc.ocr:
        data["ocr"] = doc.ocr["status"] + (f": {doc.ocr['reason']}" if doc.ocr["reason"] else "")
        data["ocr_copy"] = doc.ocr["derived_path"]
    data["attached_to"] = doc.parent
    data["attachments"] = ", ".join(doc.attachments) or None
    emit(
        data,
        False,
        columns=[
            "number",
            "client_number",
            "client_name",
            "matter_number",
            "section",
            "title",
            "original_name",
            "filetype",
            "pages",
            "size",
            "checksum_algo",
            "checksum",
            "path",
            "source",
            "template",
            "filed_at",
            "filed_by",
            "extraction",
            *(k for k in ("ocr", "ocr_copy", "attached_to", "attachments") if data.get(k)),
        ],
    )


@file.command("export")
@click.argument("document")
@click.option(
    "--to", "to", required=True, type=click.Path(), help="A folder, or the path of the new file."
)
@json_option
@pass_archive
def export(archive: Any, document: str, to: str, as_json: bool) -> None:
    """Copy a document out of the archive (needs access; audited).

    \b
    Example:
      archivist file export C0001-0003 --to ~/Desktop/
    """
    from archivist.filing import service as filing

    dest = filing.export(archive, document, to)
    if as_json:
        emit({"number": document, "path": str(dest)}, True)
    else:
        click.echo(str(dest))


@file.command("extract")
@click.argument("document")
@click.option("--password", help="The password of an encrypted PDF.")
@json_option
@pass_archive
def extract(archive: Any, document: str, password: str | None, as_json: bool) -> None:
    """Extract a filed document's text again (e.g. an encrypted PDF with --password).

    \b
    Example:
      archivist file extract C0001-0004 --password openpassword
    """
    from archivist.filing import service as filing

    doc = filing.reextract(archive, document, password)
    for w in doc.warnings:
        warn(w)
    if as_json:
        emit(doc, True)
    elif doc.flag:
        click.echo(
            _("{number}: still flagged ({flag}): {flag_reason}").format(
                number=doc.number, flag=doc.flag, flag_reason=doc.flag_reason
            )
        )
    else:
        click.echo(
            _("{number}: text extracted ({text_chars} characters) and indexed").format(
                number=doc.number, text_chars=doc.text_chars
            )
        )


# ------------------------------------------------------------ adopt (integrity issue)
@file.command("adopt")
@click.argument("path")
@click.option("--client", "client_number", required=True, help="The client it belongs to.")
@click.option("--section", required=True, type=SECTIONS, help="The archive section.")
@click.option("--title", help="A title (default: the file name without extension).")
@json_option
@pass_archive
def adopt(
    archive: Any, path: str, client_number: str, section: str, title: str | None, as_json: bool
) -> None:
    """File an orphan that `archivist check` found in archive_store/.

    The file is filed under the next document number of the client's section (checksummed,
    indexed, audited); once the filed copy is verified, the orphan is removed. Needs the
    archivist or head role.

    \b
    Example:
      archivist file adopt "archive_store/C/C0001 陳大文/掃描件.pdf" --client C0001 --section case
    """
    from archivist.integrity import checker as integrity

    doc = integrity.adopt(archive, path, client_number, section, title=title)
    for w in doc.warnings:
        warn(w)
    if as_json:
        emit(doc, True)
    else:
        click.echo(f"{doc.number}  {doc.original_name}")
        click.echo(_("filed as {resolve}").format(resolve=archive.store.resolve(doc.path)))


# Moving and withdrawing misfiled documents (issue 22).
from archivist.cli.file_fix import register as _register_fixes  # noqa: E402

_register_fixes(file)
