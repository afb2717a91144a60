"""`archivist ocr ...`: the OCR queue of scanned documents (issue 24)."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, progress_callback, warn
from archivist.core.i18n import _


@click.group()
def ocr() -> None:
    """OCR scanned PDFs and page images so that they can be searched."""


@ocr.command("run")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Documents OCRed at the same time.",
)
@click.option("--retry", is_flag=True, help="Also retry the documents whose OCR failed.")
@json_option
@pass_archive
def run(archive: Any, workers: int, retry: bool, as_json: bool) -> None:
    """OCR the queued documents; each becomes searchable when its OCR is done.

    A searchable copy of each PDF (a text layer over the scanned pages) is stored beside the
    original, which is never changed. Failures are recorded with their reason.

    \b
    Example:
      archivist ocr run --workers 2
      archivist ocr run --retry
    """
    from archivist.filing import ocr_queue

    with progress_callback("OCR") as on_progress:
        summary = ocr_queue.run(archive, workers=workers, retry=retry, progress=on_progress)
    if as_json:
        emit(summary, True)
        return
    for item in summary.items:
        if item.status == "failed":
            warn(
                _("{document} {original_name}: OCR failed: {reason}").format(
                    document=item.document, original_name=item.original_name, reason=item.reason
                )
            )
    click.echo(
        _("OCR done {done}, failed {failed}").format(done=summary.done, failed=summary.failed)
    )


@ocr.command("status")
@json_option
@pass_archive
def status(archive: Any, as_json: bool) -> None:
    """Show the OCR queue: how many documents wait, failed or are done.

    \b
    Example:
      archivist ocr status --json
    """
    from archivist.filing import ocr_queue

    st = ocr_queue.status(archive)
    if as_json:
        emit(st, True)
        return
    click.echo(
        _("queued {queued}, failed {failed}, done {done}").format(
            queued=st.queued, failed=st.failed, done=st.done
        )
    )
    if st.message:
        warn(st.message)
    if st.jobs:
        emit(
            [j.model_dump() for j in st.jobs],
            False,
            columns=["document", "status", "attempts", "original_name", "reason"],
        )


@ocr.command("queue")
@click.option(
    "--flagged",
    is_flag=True,
    required=True,
    help="Queue the scans filed earlier and flagged as having no text.",
)
@json_option
@pass_archive
def queue(archive: Any, flagged: bool, as_json: bool) -> None:
    """Queue documents for OCR (scans filed before OCR was available).

    \b
    Example:
      archivist ocr queue --flagged
    """
    from archivist.filing import ocr_queue

    n = ocr_queue.queue_flagged(archive)
    if as_json:
        emit({"queued": n}, True)
    else:
        click.echo(_("queued {n} document(s); run `archivist ocr run`").format(n=n))
