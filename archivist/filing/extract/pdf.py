"""PDF text with pypdf (AES through the `cryptography` package).

Encrypted without the password, no text layer (scanned), truncated or damaged files are
flagged. Time is bounded by the caller's deadline and checked between pages."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from archivist.filing.extract import ExtractTimeout, Limits
from archivist.models import Extraction

logging.getLogger("pypdf").setLevel(logging.ERROR)


def extract_pdf(path: Path, limits: Limits, password: str | None = None) -> Extraction:
    import warnings

    from pypdf import PdfReader
    from pypdf.errors import (
        DependencyError,
        EmptyFileError,
        FileNotDecryptedError,
        PdfReadError,
        PdfStreamError,
        WrongPasswordError,
    )

    started = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                ok = False
                for pw in ([password] if password else []) + [""]:
                    try:
                        ok = bool(reader.decrypt(pw))
                    except (WrongPasswordError, FileNotDecryptedError):
                        ok = False
                    if ok:
                        break
                if not ok:
                    return Extraction(
                        filetype="pdf",
                        flag="encrypted",
                        reason="encrypted PDF: the password is needed"
                        if not password
                        else "encrypted PDF: wrong password",
                    )
            n = len(reader.pages)
        except DependencyError as exc:
            return Extraction(
                filetype="pdf",
                flag="encrypted",
                reason=f"encrypted PDF that cannot be opened here ({exc})",
            )
        except FileNotDecryptedError:
            return Extraction(
                filetype="pdf", flag="encrypted", reason="encrypted PDF: the password is needed"
            )
        except EmptyFileError:
            return Extraction(filetype="pdf", flag="empty", reason="the PDF is empty")
        except PdfStreamError as exc:
            return Extraction(
                filetype="pdf",
                flag="truncated",
                reason=f"truncated or damaged PDF ({str(exc)[:100]})",
            )
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
            return Extraction(
                filetype="pdf",
                flag="corrupt",
                reason=f"damaged PDF ({type(exc).__name__}: {str(exc)[:100]})",
            )
        parts: list[str] = []
        total = 0
        failed_pages = 0
        for i in range(n):
            if time.monotonic() - started > limits.timeout_s:
                raise ExtractTimeout()
            try:
                page_text = reader.pages[i].extract_text() or ""
            except ExtractTimeout:
                raise
            except DependencyError as exc:
                return Extraction(
                    filetype="pdf",
                    pages=n,
                    flag="encrypted",
                    reason=f"encrypted PDF that cannot be opened here ({exc})",
                )
            except Exception:
                failed_pages += 1
                continue
            parts.append(page_text)
            total += len(page_text)
            if total > limits.max_chars:
                text = "\n\f".join(parts)[: limits.max_chars]
                return Extraction(
                    filetype="pdf",
                    pages=n,
                    text=text,
                    flag="too_large",
                    reason=f"text stopped at the limit of {limits.max_chars} "
                    f"characters (page {i + 1} of {n})",
                )
    text = "\n\f".join(parts)
    if failed_pages and failed_pages == n:
        return Extraction(
            filetype="pdf", pages=n, flag="corrupt", reason="no page of the PDF could be read"
        )
    if not text.strip():
        return Extraction(
            filetype="pdf",
            pages=n,
            flag="no_text",
            needs_ocr=True,
            reason="the PDF has no text layer (scanned?)",
        )
    if failed_pages:
        return Extraction(
            filetype="pdf",
            pages=n,
            text=text,
            flag="corrupt",
            reason=f"{failed_pages} of {n} pages could not be read",
        )
    # a mixed PDF: OCR reads the pages without text (issue 24)
    return Extraction(
        filetype="pdf", pages=n, text=text, needs_ocr=any(not p.strip() for p in parts)
    )
