"""Older office formats to text through LibreOffice headless, many files per process (issue 24).

.doc, .rtf, .odt, .wps (and .docx-likes LibreOffice reads) become UTF-8 text; .xls, .xlsx, .ods
become the text of every cell of every sheet (CSV of each sheet). One `soffice` process converts
a whole batch, with a private profile directory (-env:UserInstallation) so parallel batches and a
user's own LibreOffice never meet, and a timeout after which its process group is killed. A
file LibreOffice cannot read gets a flagged Extraction with a one-line reason."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from archivist.filing.extract import Limits, cap
from archivist.models import Extraction

WRITER_TYPES = frozenset({"doc", "rtf", "odt", "wps", "dot", "wpd", "sxw"})
CALC_TYPES = frozenset({"xls", "xlsx", "ods", "et"})
CONVERT_TYPES = WRITER_TYPES | CALC_TYPES
INSTALL_HINT = "install the Debian package libreoffice-writer (and libreoffice-calc)"
TEXT_FILTER = "txt:Text (encoded):UTF8"
# Text CSV options: comma, double quote, UTF-8, from row 1, (default column types), language,
# quoted as text, detect special numbers, save as shown, export formulas, remove space,
# and -1: every sheet to its own file (LibreOffice 7.2+)
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing_tools() -> str | None:
    return None if soffice() else f"conversion needs LibreOffice: {INSTALL_HINT}"


def _run_batch(
    exe: str, files: list[Path], target: str, outdir: Path, profile: Path, timeout_s: float
) -> str | None:
    """One soffice process over `files`; returns a reason when the whole batch failed."""
    from archivist.filing.extract.ocr import OcrError, _run

    cmd = [
        exe,
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    try:
        res = _run(cmd, timeout_s)
    except OcrError:
        return f"LibreOffice took longer than {timeout_s:g} s and was stopped"
    except OSError as exc:
        return f"LibreOffice could not start ({exc.strerror or exc})"
    if res.returncode != 0:
        return f"LibreOffice failed (exit {res.returncode})"
    return None


def _cells(csv_text: str) -> str:
    """The non-empty cells of a CSV, one row a line, tab-separated."""
    import csv
    import io

    rows = []
    for row in csv.reader(io.StringIO(csv_text)):
        cells = [c.strip() for c in row if c.strip()]
        if cells:
            rows.append("\t".join(cells))
    return "\n".join(rows)


def convert_batch(
    items: Sequence[tuple[Path, str]], limits: Limits | None = None, timeout_s: float = 300
) -> list[Extraction]:
    """Text of each (path, filetype) pair, in order; one LibreOffice process per kind."""
    limits = limits or Limits()
    results: list[Extraction | None] = [None] * len(items)
    exe = soffice()
    if exe is None:
        return [Extraction(filetype=t, flag="no_text", reason=missing_tools()) for _p, t in items]
    with tempfile.TemporaryDirectory(prefix="archivist-soffice-") as tmp:
        root = Path(tmp)
        profile = root / "profile"
        for kind, types, target in (
            ("w", WRITER_TYPES, TEXT_FILTER),
            ("c", CALC_TYPES, CSV_FILTER),
        ):
            batch = [(i, p, t) for i, (p, t) in enumerate(items) if t in types]
            if not batch:
                continue
            indir, outdir = root / f"in-{kind}", root / f"out-{kind}"
            indir.mkdir()
            outdir.mkdir()
            inputs = []
            for i, p, t in batch:  # unique, ASCII names: no collisions, no quoting trouble
                link = indir / f"f{i:06d}.{t}"
                link.symlink_to(Path(p).resolve())
                inputs.append(link)
            failed = _run_batch(exe, inputs, target, outdir, profile, timeout_s)
            for i, _p, t in batch:
                results[i] = _collect(outdir, f"f{i:06d}", t, kind == "c", failed, limits)
    return [
        r
        if r is not None
        else Extraction(filetype=t, flag="unknown_type", reason=f"no conversion for .{t} files")
        for r, (_p, t) in zip(results, items, strict=True)
    ]


def _collect(
    outdir: Path, stem: str, ftype: str, sheets: bool, failed: str | None, limits: Limits
) -> Extraction:
    outs = sorted(outdir.glob(f"{stem}-*.csv")) if sheets else []
    if sheets and not outs:
        outs = sorted(outdir.glob(f"{stem}.csv"))
    if not sheets:
        outs = [outdir / f"{stem}.txt"] if (outdir / f"{stem}.txt").is_file() else []
    if not outs:
        return Extraction(
            filetype=ftype,
            flag="corrupt",
            reason=failed
            or "LibreOffice could not read the file (damaged, encrypted or not really a ."
            + ftype
            + " file)",
        )
    parts = []
    for out in outs:
        text = out.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
        parts.append(_cells(text) if sheets else text)
    text = "\n\n".join(p for p in parts if p.strip())
    if not text.strip():
        return Extraction(filetype=ftype, flag="no_text", reason="the document holds no text")
    return cap(text, limits, ftype, pages=len(outs) if sheets else None)


def convert_paths(
    paths: Sequence[Path], limits: Limits | None = None, timeout_s: float = 300
) -> dict[Path, Extraction]:
    """The Extractions of the files among `paths` that LibreOffice converts, in one batch
    (when there are at least two; a single file is converted by the ordinary extraction)."""
    from archivist.filing.extract import detect_type

    todo = []
    for p in paths:
        try:
            with open(p, "rb") as fh:
                head = fh.read(8)
            if p.stat().st_size == 0:
                continue
        except OSError:
            continue
        ftype = detect_type(p.name, head)
        if ftype in CONVERT_TYPES:
            todo.append((p, ftype))
    if len(todo) < 2:
        return {}
    return dict(zip([p for p, _t in todo], convert_batch(todo, limits, timeout_s), strict=True))


def convert_file(
    path: Path, ftype: str, limits: Limits | None = None, timeout_s: float = 300
) -> Extraction:
    return convert_batch([(path, ftype)], limits, timeout_s)[0]
