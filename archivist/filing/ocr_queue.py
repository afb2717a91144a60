"""The OCR queue (issue 24): filing records a scan and queues it; `run` reads the queue.

Filing never waits for OCR. A document whose extraction `needs_ocr` (an image, a PDF without a
text layer, a PDF with some pages without text) gets a row in ocr_jobs. `run` OCRs the queued
documents (in worker threads, each running OCRmyPDF as a subprocess with a timeout), stores
the searchable PDF beside the original as a derived file (written atomically, checksummed; the
original is never touched), keeps the text (document_texts, so `index rebuild` keeps it) and
re-indexes the document. A failure is recorded on the job and the document with a one-line
reason and retried by `run(retry=True)`."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archivist.core import audit, clock
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.core.i18n import _
from archivist.filing.extract.ocr import OCR_TYPES, OcrError, OcrResult, missing_tools, ocr_to_pdf
from archivist.ledger.tables.documents import document_texts, documents
from archivist.ledger.tables.ocr import ocr_jobs
from archivist.models import Document, Extraction, Role
from archivist.models.base import Model

STATUSES = ("queued", "failed", "done")


class OcrJob(Model):
    document: str
    original_name: str
    status: str
    attempts: int = 0
    reason: str | None = None
    derived_path: str | None = None


class OcrQueueStatus(Model):
    queued: int = 0
    failed: int = 0
    done: int = 0
    available: bool = True
    message: str | None = None  # why OCR cannot run here
    jobs: list[OcrJob] = Field(default_factory=list)  # queued and failed ones


class OcrRunSummary(Model):
    done: int = 0
    failed: int = 0
    items: list[OcrJob] = Field(default_factory=list)


def queued_reason(extraction: Extraction) -> str | None:
    """The flag reason of a filed scan, saying that it waits for OCR (or what to install)."""
    if not extraction.needs_ocr or not extraction.flag:
        return extraction.reason
    why = missing_tools()
    if why:
        return f"{extraction.reason}; {why}, then run `archivist ocr run`"
    return f"{extraction.reason}; queued for OCR (`archivist ocr run`)"


def enqueue(conn: Connection, document_id: int, languages: str | None = None) -> bool:
    """Queue a document (again); False if it is already queued."""
    row = conn.execute(
        select(ocr_jobs.c.status).where(ocr_jobs.c.document_id == document_id)
    ).first()
    now = clock.now()
    if row is None:
        conn.execute(
            ocr_jobs.insert().values(
                document_id=document_id,
                status="queued",
                attempts=0,
                languages=languages,
                queued_at=now,
            )
        )
        return True
    if row.status == "queued":
        return False
    conn.execute(
        ocr_jobs.update()
        .where(ocr_jobs.c.document_id == document_id)
        .values(status="queued", reason=None, queued_at=now, languages=languages)
    )
    return True


def queue_flagged(ctx: Context) -> int:
    """Queue every document flagged for having no text whose type OCR reads (scans filed
    before OCR existed). Returns how many were queued."""
    user = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("queue documents for OCR"))
    n = 0
    with ctx.ledger.write() as conn:
        rows = conn.execute(
            select(documents.c.id, documents.c.number, documents.c.client_id)
            .where(documents.c.flag == "no_text", documents.c.filetype.in_(sorted(OCR_TYPES)))
            .order_by(documents.c.id)
        ).all()
        for row in rows:
            if enqueue(conn, row.id, ctx.settings.ocr.languages):
                n += 1
        audit.record(conn, user.username, "ocr.queue", "document", "*", None, queued=n)
    return n


def status(ctx: Context) -> OcrQueueStatus:
    ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("see the OCR queue"))
    out = OcrQueueStatus()
    with ctx.ledger.read() as conn:
        for st, n in conn.execute(
            select(ocr_jobs.c.status, func.count()).group_by(ocr_jobs.c.status)
        ):
            if st in STATUSES:
                setattr(out, st, int(n))
        out.jobs = [_job(r) for r in conn.execute(_jobs_query(("queued", "failed")))]
    why = missing_tools()
    out.available, out.message = why is None, why
    return out


def describe(conn: Connection, document_id: int) -> dict[str, Any] | None:
    """The OCR state of one document, for `file show` (None when it never needed OCR)."""
    row = conn.execute(select(ocr_jobs).where(ocr_jobs.c.document_id == document_id)).first()
    if row is None:
        return None
    return {
        "status": row.status,
        "reason": row.reason,
        "attempts": row.attempts,
        "derived_path": row.derived_path,
        "derived_checksum": row.derived_checksum,
        "derived_checksum_algo": row.derived_checksum_algo,
        "method": row.method,
        "languages": row.languages,
    }


def annotate(conn: Connection, doc: Document) -> None:
    """Fill the document's text method, OCR state and e-mail links (for `file show`)."""
    from archivist.filing.extract.convert import CONVERT_TYPES
    from archivist.ledger.tables.ocr import document_links

    doc.ocr = describe(conn, doc.id)
    if doc.ocr and doc.ocr["status"] == "done":
        doc.text_method = "ocr"
    elif doc.text_chars:
        doc.text_method = "conversion" if doc.filetype in CONVERT_TYPES else "native"
    parent = conn.execute(
        select(documents.c.number)
        .select_from(document_links.join(documents, documents.c.id == document_links.c.parent_id))
        .where(document_links.c.document_id == doc.id)
    ).scalar()
    doc.parent = parent
    doc.attachments = list(
        conn.execute(
            select(documents.c.number)
            .select_from(
                document_links.join(documents, documents.c.id == document_links.c.document_id)
            )
            .where(document_links.c.parent_id == doc.id)
            .order_by(documents.c.id)
        ).scalars()
    )


def derived_paths(conn: Connection, paths: list[str]) -> set[str]:
    """Which of these store paths are OCR copies the ledger knows (for `check`)."""
    return set(
        conn.execute(
            select(ocr_jobs.c.derived_path).where(ocr_jobs.c.derived_path.in_(paths))
        ).scalars()
    )


def _jobs_query(states: tuple[str, ...]) -> Any:
    return (
        select(
            ocr_jobs,
            documents.c.number,
            documents.c.original_name,
            documents.c.path,
            documents.c.filetype,
            documents.c.flag,
        )
        .select_from(ocr_jobs.join(documents, documents.c.id == ocr_jobs.c.document_id))
        .where(ocr_jobs.c.status.in_(states))
        .order_by(ocr_jobs.c.document_id)
    )


def _job(row: Any) -> OcrJob:
    return OcrJob(
        document=row.number,
        original_name=row.original_name,
        status=row.status,
        attempts=row.attempts,
        reason=row.reason,
        derived_path=row.derived_path,
    )


def run(
    ctx: Context,
    workers: int = 1,
    retry: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> OcrRunSummary:
    """OCR the queued documents (and, with `retry`, the failed ones); each becomes searchable
    as soon as its OCR is recorded."""
    user = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("run OCR"))
    if workers < 1:
        raise InvalidInput(_("--workers must be at least 1"))
    states = ("queued", "failed") if retry else ("queued",)
    with ctx.ledger.read() as conn:
        rows = conn.execute(_jobs_query(states)).all()
    summary = OcrRunSummary()
    total = len(rows)
    if progress:
        progress(0, total)
    if not rows:
        return summary
    settings = ctx.settings.ocr
    with (
        tempfile.TemporaryDirectory(prefix="archivist-ocr-") as tmp,
        ThreadPoolExecutor(max_workers=workers) as pool,
    ):
        futures: list[tuple[Any, Future[OcrResult]]] = []
        for i, row in enumerate(rows):
            languages = row.languages or settings.languages
            futures.append(
                (
                    row,
                    pool.submit(
                        ocr_to_pdf,
                        ctx.store.resolve(row.path),
                        row.filetype,
                        Path(tmp) / f"job{i}",
                        languages,
                        settings.timeout_s,
                        settings.rotate_threshold,
                    ),
                )
            )
        for done, (row, fut) in enumerate(futures, 1):
            try:
                result = fut.result()
            except OcrError as exc:
                summary.items.append(_fail(ctx, user.username, row, str(exc)))
                summary.failed += 1
            except Exception as exc:  # never a traceback for one bad scan
                summary.items.append(
                    _fail(
                        ctx,
                        user.username,
                        row,
                        f"OCR failed ({type(exc).__name__}: {str(exc)[:120]})",
                    )
                )
                summary.failed += 1
            else:
                summary.items.append(_finish(ctx, user.username, row, result))
                summary.done += 1
            if progress:
                progress(done, total)
    return summary


def _fail(ctx: Context, username: str, row: Any, reason: str) -> OcrJob:
    reason = " ".join(reason.split())[:300]
    with ctx.ledger.write() as conn:
        conn.execute(
            ocr_jobs.update()
            .where(ocr_jobs.c.document_id == row.document_id)
            .values(
                status="failed",
                reason=reason,
                attempts=ocr_jobs.c.attempts + 1,
                finished_at=clock.now(),
            )
        )
        if row.flag:  # a document without text says why it still has none
            conn.execute(
                documents.update()
                .where(documents.c.id == row.document_id)
                .values(flag="ocr_failed", flag_reason=f"OCR failed: {reason}")
            )
        audit.record(
            conn,
            username,
            "document.ocr",
            "document",
            row.number,
            None,
            outcome="failed",
            reason=reason,
        )
    return OcrJob(
        document=row.number,
        original_name=row.original_name,
        status="failed",
        attempts=row.attempts + 1,
        reason=reason,
    )


def _finish(ctx: Context, username: str, row: Any, result: OcrResult) -> OcrJob:
    from archivist.filing import service as filing

    original = ctx.store.resolve(row.path)
    target = ctx.store.unique_target(original.parent, f"{original.stem}.ocr.pdf")
    with open(result.pdf, "rb") as src:
        size, digest = ctx.store.write_stream(target, src)
    rel = ctx.store.relative(target)
    text = result.text
    try:
        with ctx.ledger.write() as conn:
            conn.execute(
                ocr_jobs.update()
                .where(ocr_jobs.c.document_id == row.document_id)
                .values(
                    status="done",
                    reason=None,
                    attempts=ocr_jobs.c.attempts + 1,
                    finished_at=clock.now(),
                    derived_path=rel,
                    derived_size=size,
                    derived_checksum=digest,
                    derived_checksum_algo="sha256",
                    method="ocr",
                )
            )
            empty = not text.strip()
            conn.execute(
                documents.update()
                .where(documents.c.id == row.document_id)
                .values(
                    text_status="flagged" if empty else "ok",
                    flag="no_text" if empty else None,
                    flag_reason="OCR found no text on the pages" if empty else None,
                    text_chars=len(text),
                    pages=result.pages,
                )
            )
            conn.execute(
                document_texts.delete().where(document_texts.c.document_id == row.document_id)
            )
            if not empty:
                conn.execute(
                    document_texts.insert().values(
                        document_id=row.document_id, text=text, reason="ocr"
                    )
                )
            audit.record(
                conn,
                username,
                "document.ocr",
                "document",
                row.number,
                None,
                outcome="done",
                derived_path=rel,
                checksum=digest,
                chars=len(text),
            )
            doc = filing.by_id(conn, row.document_id)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    filing._after(ctx, [(doc, text)], refresh=False, new=False)
    return OcrJob(
        document=row.number,
        original_name=row.original_name,
        status="done",
        attempts=row.attempts + 1,
        derived_path=rel,
    )
