"""Text out of filed documents: .docx, .pdf, .txt/.md/.csv, .eml, older office formats through
LibreOffice (archivist.filing.extract.convert); scans are marked for OCR (archivist.filing.extract.ocr).

`extract_file(path, name)` never raises for a bad file: it returns an `Extraction` whose `flag`
says why there is no (or only partial) text. Memory and time are bounded by `Limits`
(settings.limits): text stops at `max_chars`, a .docx whose parts inflate beyond
`max_inflated_bytes` is a zip bomb, and a PDF is given `timeout_s` seconds."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archivist.models import Extraction

TEXT_TYPES = {"txt", "md", "csv", "eml", "text"}
KNOWN_TYPES = TEXT_TYPES | {"pdf", "docx"}


@dataclass(frozen=True)
class Limits:
    max_chars: int = 5_000_000
    max_inflated_bytes: int = 200 * 2**20
    timeout_s: float = 60.0
    max_index_bytes: int = 10 * 2**20  # [index] max_index_mb
    max_index_terms: int = 100_000  # [index] max_index_terms

    @classmethod
    def from_settings(cls, settings: object) -> Limits:
        lim = settings.limits  # type: ignore[attr-defined]
        idx = getattr(settings, "index", None)
        return cls(
            max_chars=lim.max_extract_chars,
            max_inflated_bytes=lim.max_inflated_mb * 2**20,
            timeout_s=float(lim.extract_timeout_s),
            max_index_bytes=(idx.max_index_mb * 2**20 if idx else cls.max_index_bytes),
            max_index_terms=(idx.max_index_terms if idx else cls.max_index_terms),
        )


class ExtractTimeout(Exception):
    pass


def detect_type(name: str, head: bytes) -> str:
    """The document type from its name and first bytes: pdf, docx, txt, md, csv, eml, or the
    lower-case extension for anything else (which is not extracted)."""
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if ext in ("docx", "docm", "dotx"):
        return "docx"
    if ext in ("txt", "text", "md", "markdown", "csv", "eml", "log"):
        return {"text": "txt", "markdown": "md", "log": "txt"}.get(ext, ext)
    if ext == "pdf":
        return "pdf"
    return ext[:16] or "unknown"


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise ExtractTimeout in this (main) thread after `seconds`. Elsewhere, a no-op: the
    extractors also check the clock between pages."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def _fire(_sig: int, _frame: object) -> None:
        raise ExtractTimeout()

    old = signal.signal(signal.SIGALRM, _fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def extract_file(
    path: Path, name: str | None = None, limits: Limits | None = None, password: str | None = None
) -> Extraction:
    """Extract the text of the file at `path` (whose original name is `name`): at most what
    the index takes (see archivist.filing.extract.budget); a longer text is cut and flagged."""
    limits = limits or Limits()
    result = _extract(path, name, limits, password)
    if not result.text:
        return result
    from archivist.filing.extract.budget import index_cut

    text, why = index_cut(result.text, limits.max_index_bytes, limits.max_index_terms)
    if why is None:
        return result
    if result.flag:
        return result.model_copy(update={"text": text, "reason": f"{result.reason}; {why}"})
    return result.model_copy(update={"text": text, "flag": "too_large", "reason": why})


def _extract(path: Path, name: str | None, limits: Limits, password: str | None) -> Extraction:
    name = name or path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        return Extraction(filetype="unknown", flag="corrupt", reason=f"cannot read: {exc}")
    ftype = detect_type(name, head)
    if size == 0:
        return Extraction(filetype=ftype, flag="empty", reason="the file is empty")
    try:
        with deadline(limits.timeout_s):
            if ftype == "pdf":
                from archivist.filing.extract.pdf import extract_pdf

                return extract_pdf(path, limits, password)
            if ftype == "docx":
                from archivist.filing.extract.docx import extract_docx

                return extract_docx(path, limits)
            if ftype == "eml":
                from archivist.filing.extract.text import extract_eml

                return extract_eml(path, limits)
            if ftype in TEXT_TYPES:
                from archivist.filing.extract.text import extract_text

                return extract_text(path, ftype, limits)
            from archivist.filing.extract.convert import CONVERT_TYPES
            from archivist.filing.extract.ocr import IMAGE_TYPES

            if ftype in CONVERT_TYPES:
                from archivist.filing.extract.convert import convert_file

                return convert_file(path, ftype, limits, limits.timeout_s)
            if ftype in IMAGE_TYPES:
                return Extraction(
                    filetype=ftype,
                    flag="no_text",
                    needs_ocr=True,
                    reason="a scanned image: its text needs OCR",
                )
    except ExtractTimeout:
        return Extraction(
            filetype=ftype,
            flag="timeout",
            reason=f"extraction took longer than {limits.timeout_s:g} s",
        )
    except MemoryError:
        return Extraction(filetype=ftype, flag="too_large", reason="extraction ran out of memory")
    except RecursionError:
        return Extraction(filetype=ftype, flag="corrupt", reason="the file is nested too deeply")
    except Exception as exc:  # a hostile file must never crash filing
        return Extraction(
            filetype=ftype,
            flag="corrupt",
            reason=f"unreadable {ftype} ({type(exc).__name__}: {str(exc)[:120]})",
        )
    return Extraction(
        filetype=ftype, flag="unknown_type", reason=f"no text extraction for .{ftype} files"
    )


def extract_bytes(
    data: bytes, name: str, limits: Limits | None = None, password: str | None = None
) -> Extraction:
    import tempfile

    with tempfile.NamedTemporaryFile(prefix="archivist-x-", suffix=Path(name).suffix[:16]) as tmp:
        tmp.write(data)
        tmp.flush()
        return extract_file(Path(tmp.name), name, limits, password)


def cap(text: str, limits: Limits, ftype: str, **kw: Any) -> Extraction:
    """An Extraction, truncated and flagged if the text is over the limit."""
    if len(text) > limits.max_chars:
        return Extraction(
            filetype=ftype,
            text=text[: limits.max_chars],
            flag="too_large",
            reason=f"text stopped at the limit of {limits.max_chars} characters",
            **kw,
        )
    return Extraction(filetype=ftype, text=text, **kw)
