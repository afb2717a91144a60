"""OCR of scans (issue 24): filing queues, `ocr run` makes them searchable, failures recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archivist import search as index
from archivist.filing import ocr_queue
from archivist.filing import service as filing
from archivist.filing.extract import extract_file
from archivist.filing.extract.ocr import OcrError, image_to_pdf, ocr_to_pdf, tidy
from tests.scans import ENG, SIMP, TRAD, image_pdf, need_ocr, page


def _numbers(ctx: Any, query: str) -> set[str]:
    return {h.document for h in index.search(ctx, query).hits}


def test_tidy_joins_cjk_characters_but_not_words() -> None:
    assert tidy("合 同 糾 紛 Contract dispute\f") == "合同糾紛 Contract dispute"


def test_scanned_pdf_is_queued_not_ocred_while_filing(
    ctx: Any, make_client: Any, tmp_path: Path
) -> None:
    pytest.importorskip("PIL")
    client = make_client()
    scan = image_pdf(tmp_path / "掃描.pdf", page(TRAD[:1], size=(800, 400), font_px=30))
    doc = filing.file_path(ctx, client.number, scan, "case")
    assert doc.flag == "no_text" and "OCR" in (doc.flag_reason or "")
    st = ocr_queue.status(ctx)
    assert st.queued == 1 and st.jobs[0].document == doc.number


def test_scanned_trad_pdf_becomes_searchable(
    ctx: Any, make_client: Any, tmp_path: Path, invoke: Any
) -> None:
    need_ocr()
    client = make_client()
    scan = image_pdf(tmp_path / "scan.pdf", page(TRAD + ENG))
    before = scan.read_bytes()
    doc = filing.file_path(ctx, client.number, scan, "case")
    assert "律師事務所" not in _numbers(ctx, "律師事務所")
    out = invoke.json("ocr", "run")
    assert out["done"] == 1 and out["failed"] == 0, out
    for phrase in ("律師事務所", "訴訟案件", "Settlement"):
        assert doc.number in _numbers(ctx, phrase), phrase
    shown = invoke.json("file", "show", doc.number)
    assert shown["flag"] is None and shown["ocr"]["status"] == "done"
    derived = ctx.store.resolve(shown["ocr"]["derived_path"])
    assert derived.name.endswith(".ocr.pdf") and derived.is_file()
    stored = ctx.store.resolve(doc.path)
    assert stored.read_bytes() == before  # the original is never changed
    import hashlib

    assert hashlib.sha256(derived.read_bytes()).hexdigest() == shown["ocr"]["derived_checksum"]
    # the derived copy has a text layer and is not an orphan to `check`
    assert "律師" in tidy(extract_file(derived).text)
    assert "everything agrees" in invoke("check").output
    # and the OCR text survives an index rebuild
    invoke("index", "rebuild")
    assert doc.number in _numbers(ctx, "律師事務所")
    assert invoke.json("ocr", "status")["done"] == 1


def test_corrupt_and_huge_images_fail_with_a_reason(
    ctx: Any, make_client: Any, tmp_path: Path, invoke: Any
) -> None:
    need_ocr()
    client = make_client()
    bad = tmp_path / "壞.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50)
    from PIL import Image

    huge = tmp_path / "huge.png"
    Image.new("1", (20000, 12000), 1).save(huge)  # 240 Mpx, a few KB on disk
    enc = tmp_path / "enc.pdf"
    _encrypted_scan(enc, tmp_path)
    docs = [filing.file_path(ctx, client.number, p, "case") for p in (bad, huge)]
    assert all(d.flag for d in docs)
    # an encrypted scan waits for its password (`file extract --password`), not for OCR
    assert filing.file_path(ctx, client.number, enc, "case").flag == "encrypted"
    with pytest.raises(OcrError, match="encrypted"):
        ocr_to_pdf(enc, "pdf", tmp_path / "w", "eng")
    result = invoke("ocr", "run")
    assert "failed 2" in result.output
    with ctx.ledger.read() as conn:
        states = [ocr_queue.describe(conn, d.id) for d in docs]
    assert all(s and s["status"] == "failed" for s in states), states
    reasons = [s["reason"] for s in states if s]
    assert "damaged" in reasons[0] and "too large" in reasons[1], reasons
    assert all("\n" not in r and "Traceback" not in r for r in reasons)
    shown = invoke.json("file", "show", docs[0].number)
    assert shown["flag"] == "ocr_failed" and "OCR failed" in shown["flag_reason"]
    # nothing half-written beside the originals
    assert not list(ctx.store.resolve(docs[0].path).parent.glob("*.ocr.pdf"))
    # retried only on request
    assert invoke.json("ocr", "run")["failed"] == 0
    assert invoke.json("ocr", "run", "--retry")["failed"] == 2


def _encrypted_scan(path: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = image_pdf(tmp_path / "plain.pdf", page(ENG, size=(600, 300), font_px=24))
    writer = PdfWriter()
    for p in PdfReader(str(plain)).pages:
        writer.add_page(p)
    writer.encrypt("secret")
    with open(path, "wb") as fh:
        writer.write(fh)


def test_ocr_timeout_is_recorded(tmp_path: Path) -> None:
    need_ocr()
    src = image_pdf(tmp_path / "p.pdf", page(TRAD))
    with pytest.raises(OcrError, match="longer than"):
        ocr_to_pdf(src, "pdf", tmp_path / "w", "chi_tra+eng", timeout_s=0.5)


def test_multipage_tiff_becomes_a_multipage_pdf(tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    a, b = page(TRAD[:1], size=(800, 400), font_px=30), page(ENG[:1], size=(800, 400))
    tif = tmp_path / "scan.tif"
    a.save(tif, save_all=True, append_images=[b], dpi=(300, 300))
    assert image_to_pdf(tif, tmp_path / "out.pdf") == 2


@pytest.mark.slow
def test_rotated_simplified_tiff_and_mixed_pdf(
    ctx: Any, make_client: Any, tmp_path: Path, invoke: Any
) -> None:
    """A rotated Simplified page, a two-page TIFF and a PDF with one text page and one scan."""
    need_ocr()
    from pypdf import PdfReader, PdfWriter

    client = make_client()
    rotated = image_pdf(tmp_path / "rotated.pdf", page(SIMP * 3).rotate(90, expand=True))
    tif = tmp_path / "pages.tiff"
    page(TRAD[2:]).save(tif, save_all=True, append_images=[page(ENG)], dpi=(300, 300))
    # mixed: page 1 has a text layer (made by OCR), page 2 is a bare scan
    texty = ocr_to_pdf(
        image_pdf(tmp_path / "t.pdf", page(ENG[:1])), "pdf", tmp_path / "w", "eng"
    ).pdf
    scan = image_pdf(tmp_path / "s.pdf", page(TRAD[:2]))
    writer = PdfWriter()
    writer.add_page(PdfReader(str(texty)).pages[0])
    writer.add_page(PdfReader(str(scan)).pages[0])
    mixed = tmp_path / "mixed.pdf"
    with open(mixed, "wb") as fh:
        writer.write(fh)
    ext = extract_file(mixed)
    assert ext.needs_ocr and not ext.flag and "Contract" in ext.text
    docs = [filing.file_path(ctx, client.number, p, "case") for p in (rotated, tif, mixed)]
    out = invoke.json("ocr", "run", "--workers", "2")
    assert out["done"] == 3, out
    assert docs[0].number in _numbers(ctx, "仲裁委员会")
    assert docs[1].number in _numbers(ctx, "律師費用")
    assert docs[1].number in _numbers(ctx, "Taipei")  # the TIFF's second page
    assert docs[2].number in _numbers(ctx, "糾紛案件")  # the scanned page of the mixed PDF
    assert docs[2].number in _numbers(ctx, "Contract")  # its text page kept
