"""OCR and LibreOffice conversion speed (issue 24).

    python -m bench.ocr_convert --pages 4 --docs 12 --out bench/results-ocr.json

OCR: A4 pages rendered at 300 dpi with Noto Sans CJK (Traditional legal text, and English),
each OCRed by archivist.filing.extract.ocr.ocr_to_pdf (OCRmyPDF, one page per process, --jobs 1),
reported as pages per minute on one core. Conversion: the same .doc files converted to text by
one LibreOffice process for the batch vs one process per file."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

TRAD = (
    "本律師事務所受理委託人陳大文之訴訟案件，合同糾紛案件已經提交法院審理，委託人應當按照約定"
    "支付律師費用，本合同自雙方簽字之日起生效。"
)
ENG = (
    "The parties agree that any dispute arising from this agreement shall be submitted to "
    "arbitration in Taipei under the rules then in force."
)


def _page(text: str, per_line: int) -> Any:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 46, index=2)
    img = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(img)
    body = (text * 12)[: per_line * 28]
    for i in range(0, len(body), per_line):
        draw.text((180, 200 + (i // per_line) * 110), body[i : i + per_line], font=font, fill=0)
    return img


def bench_ocr(pages: int, tmp: Path) -> dict[str, Any]:
    from archivist.filing.extract.ocr import ocr_to_pdf

    out: dict[str, Any] = {}
    for label, text, per_line, langs in (
        ("chi_tra", TRAD, 40, "chi_tra"),
        ("eng", ENG, 80, "eng"),
        ("chi_tra+chi_sim+eng", TRAD, 40, "chi_tra+chi_sim+eng"),
    ):
        src = tmp / f"{label}.pdf"
        _page(text, per_line).save(src, "PDF", resolution=300)
        started = time.perf_counter()
        for i in range(pages):
            ocr_to_pdf(src, "pdf", tmp / f"w-{label}-{i}", langs)
        secs = time.perf_counter() - started
        out[label] = {
            "pages": pages,
            "seconds": round(secs, 2),
            "pages_per_minute": round(pages * 60 / secs, 2),
        }
    return out


def bench_convert(docs: int, tmp: Path) -> dict[str, Any]:
    import docx

    from archivist.filing.extract.convert import convert_batch

    exe = shutil.which("soffice")
    assert exe
    src = tmp / "docs"
    src.mkdir()
    for i in range(docs):
        d = docx.Document()
        d.add_paragraph(f"{TRAD} {i} {ENG}")
        d.save(str(src / f"d{i}.docx"))
    subprocess.run(
        [
            exe,
            "--headless",
            f"-env:UserInstallation={(tmp / 'p0').as_uri()}",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            str(src),
            *map(str, sorted(src.glob("*.docx"))),
        ],
        check=True,
        capture_output=True,
    )
    files = [(p, "doc") for p in sorted(src.glob("*.doc"))]
    started = time.perf_counter()
    batch = convert_batch(files)
    t_batch = time.perf_counter() - started
    started = time.perf_counter()
    single = [convert_batch([f])[0] for f in files]
    t_single = time.perf_counter() - started
    ok = sum(1 for e in batch if not e.flag) + sum(1 for e in single if not e.flag)
    return {
        "docs": len(files),
        "converted": ok,
        "batch_seconds": round(t_batch, 2),
        "batch_docs_per_s": round(len(files) / t_batch, 2),
        "per_file_seconds": round(t_single, 2),
        "per_file_docs_per_s": round(len(files) / t_single, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=3)
    ap.add_argument("--docs", type=int, default=12)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as t:
        tmp = Path(t)
        result = {
            "ocr_300dpi_one_core": bench_ocr(args.pages, tmp),
            "libreoffice_conversion": bench_convert(args.docs, tmp),
        }
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
