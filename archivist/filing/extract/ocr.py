"""OCR of scanned PDFs and page images through OCRmyPDF over Tesseract (issue 24).

`ocr_to_pdf` turns a scanned PDF, or a PNG/JPEG/TIFF (every frame of a multi-page TIFF), into a
searchable PDF (a text layer over the page images) and its text. Pages that already carry text
are left alone (`--skip-text`), pages are turned upright (`--rotate-pages`) and straightened
(`--deskew`). `--optimize 0`: OCRmyPDF 14's optimizer re-encodes the JPEG pages of a PDF
it made itself into an invalid PDF (exit 4) when such a file is OCRed again. OCRmyPDF runs as a subprocess in its own process group with a timeout; every
failure is an `OcrError` with a one-line reason, and nothing is written outside `workdir`."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from archivist.core.i18n import _

IMAGE_TYPES = frozenset({"png", "jpg", "jpeg", "tif", "tiff"})
OCR_TYPES = IMAGE_TYPES | {"pdf"}
MAX_PIXELS = 200_000_000  # per frame: a 300 dpi A0 page is ~140 Mpx
MAX_FRAMES = 2000
INSTALL_HINT = (
    "install the Debian packages ocrmypdf, tesseract-ocr, tesseract-ocr-chi-tra and "
    "tesseract-ocr-chi-sim"
)
# OCRmyPDF's exit codes (ocrmypdf.ExitCode)
_EXIT_REASONS = {
    2: "the file is not a PDF OCRmyPDF can read",
    3: "a program OCRmyPDF needs is missing (" + INSTALL_HINT + ")",
    4: "OCRmyPDF produced an invalid PDF",
    5: "OCRmyPDF could not write its output",
    6: "the PDF already has text",
    7: "OCRmyPDF failed on a child process",
    8: "the PDF is encrypted: OCR needs it decrypted first",
    9: "the PDF is not a valid input for OCR",
    10: "the PDF could not be converted to PDF/A",
    15: "OCRmyPDF failed (another error)",
}
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")


class OcrError(Exception):
    """OCR failed; str() is a one-line reason for the document's flag."""


@dataclass(frozen=True)
class OcrResult:
    pdf: Path  # the searchable PDF, inside workdir
    text: str
    pages: int


def missing_tools() -> str | None:
    """Why OCR cannot run here (None when it can)."""
    missing = [t for t in ("ocrmypdf", "tesseract") if shutil.which(t) is None]
    if missing:
        return f"OCR needs {' and '.join(missing)}: {INSTALL_HINT}"
    return None


def tidy(text: str) -> str:
    """Tesseract separates CJK characters by spaces; join them again so phrases are found."""
    text = text.replace("\f", "\n\f")
    return _CJK_GAP.sub("", text).strip()


def image_to_pdf(src: Path, dest: Path, dpi: int = 300) -> int:
    """Every frame of an image as one page of a PDF; returns the page count."""
    import warnings

    from PIL import Image, ImageSequence, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(src) as img:
                frames = []
                for i, frame in enumerate(ImageSequence.Iterator(img)):
                    if i >= MAX_FRAMES:
                        raise OcrError(
                            _("the image has more than {MAX_FRAMES} frames").format(
                                MAX_FRAMES=MAX_FRAMES
                            )
                        )
                    w, h = frame.size
                    if w * h > MAX_PIXELS:
                        raise OcrError(
                            _(
                                "the image is too large to OCR ({w}x{h} pixels; the limit is {value} million)"
                            ).format(w=w, h=h, value=MAX_PIXELS // 1_000_000)
                        )
                    res = frame.info.get("dpi", (dpi, dpi))
                    page_dpi = float(res[0]) if res and float(res[0] or 0) >= 70 else dpi
                    frames.append(
                        (
                            frame.convert("L" if frame.mode in ("1", "L", "P", "LA") else "RGB"),
                            page_dpi,
                        )
                    )
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise OcrError(
                _("the image is too large to OCR ({exc})").format(exc=str(exc)[:80])
            ) from None
        except UnidentifiedImageError:
            raise OcrError(_("the image is damaged or not an image")) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise OcrError(
                _("the image is damaged ({name__}: {exc})").format(
                    name__=type(exc).__name__, exc=str(exc)[:80]
                )
            ) from None
    if not frames:
        raise OcrError(_("the image has no frames"))
    first, first_dpi = frames[0]
    first.save(
        dest, "PDF", resolution=first_dpi, save_all=True, append_images=[f for f, _ in frames[1:]]
    )
    return len(frames)


def _run(cmd: list[str], timeout_s: float) -> subprocess.CompletedProcess[bytes]:
    """Run `cmd` in its own process group; on timeout the whole group is killed."""
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise OcrError(
            _("OCR took longer than {timeout_s:g} s and was stopped").format(timeout_s=timeout_s)
        ) from None
    except BaseException:  # the caller's own deadline or Ctrl-C: leave no process behind
        _kill(proc)
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def _last_line(err: bytes) -> str:
    lines = [ln.strip() for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1][:160] if lines else ""


def pdf_text(pdf: Path, timeout_s: float = 120) -> str:
    """The text of a PDF (native and OCR layers) by poppler's pdftotext, else pypdf."""
    if shutil.which("pdftotext"):
        try:
            res = _run(["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"], timeout_s)
        except OcrError:
            res = None
        if res is not None and res.returncode == 0:
            return res.stdout.decode("utf-8", "replace")
    from pypdf import PdfReader

    return "\n\f".join((p.extract_text() or "") for p in PdfReader(str(pdf)).pages)


def ocr_to_pdf(
    src: Path,
    filetype: str,
    workdir: Path,
    languages: str,
    timeout_s: float = 600,
    rotate_threshold: float = 1.5,
) -> OcrResult:
    """OCR `src` (a PDF or an image) into workdir/ocr.pdf and return it with its text."""
    why = missing_tools()
    if why:
        raise OcrError(why)
    if filetype not in OCR_TYPES:
        raise OcrError(_("no OCR for .{filetype} files").format(filetype=filetype))
    workdir.mkdir(parents=True, exist_ok=True)
    source = src
    if filetype in IMAGE_TYPES:
        source = workdir / "image.pdf"
        image_to_pdf(src, source)
    out = workdir / "ocr.pdf"
    cmd = [
        "ocrmypdf",
        "--skip-text",
        "--rotate-pages",
        "--rotate-pages-threshold",
        f"{rotate_threshold:g}",
        "--deskew",
        "-l",
        languages,
        "--output-type",
        "pdf",
        "--optimize",
        "0",
        "--jobs",
        "1",
        "--quiet",
        str(source),
        str(out),
    ]
    res = _run(cmd, timeout_s)
    if res.returncode != 0 or not out.is_file():
        reason = _EXIT_REASONS.get(res.returncode, f"OCRmyPDF failed (exit {res.returncode})")
        detail = _last_line(res.stderr)
        raise OcrError(
            f"{reason}: {detail}" if detail and res.returncode in (2, 7, 9, 15) else reason
        )
    from pypdf import PdfReader

    try:
        pages = len(PdfReader(str(out)).pages)
    except Exception as exc:  # an output we cannot read is a failed OCR
        raise OcrError(
            _("OCRmyPDF produced an unreadable PDF ({name__})").format(name__=type(exc).__name__)
        ) from None
    return OcrResult(pdf=out, text=tidy(pdf_text(out)), pages=pages)
