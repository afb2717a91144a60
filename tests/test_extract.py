"""Text extraction: formats, encodings, hostile files (never a crash, always a flag)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from archivist.filing.extract import Limits, detect_type, extract_bytes, extract_file
from archivist.filing.extract.text import decode

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def make_docx(
    body_xml: str,
    headers: dict[str, str] | None = None,
    footers: dict[str, str] | None = None,
    pad: int = 0,
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        doc = f"<w:document {W_NS}><w:body>{body_xml}</w:body></w:document>"
        if pad:
            doc = doc.replace("</w:body>", "<!--" + " " * pad + "--></w:body>")
        z.writestr("word/document.xml", doc)
        for name, xml in (headers or {}).items():
            z.writestr(f"word/{name}.xml", f"<w:hdr {W_NS}>{xml}</w:hdr>")
        for name, xml in (footers or {}).items():
            z.writestr(f"word/{name}.xml", f"<w:ftr {W_NS}>{xml}</w:ftr>")
    return buf.getvalue()


def p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def pdf_with_text(text: str | None, *, encrypt: str | None = None) -> bytes:
    """A small PDF with one page of (Latin) text, or a blank page (no text layer)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    w = PdfWriter()
    page = w.add_blank_page(300, 300)
    if text is not None:
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): w._add_object(font)})}
        )
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 20 200 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = w._add_object(stream)
    if encrypt:
        w.encrypt(encrypt, algorithm="AES-256")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


# ------------------------------------------------------------------ formats
def test_docx_reading_order_tables_headers_footers() -> None:
    nested = (
        "<w:tbl><w:tr><w:tc>"
        + p("外格")
        + "<w:tbl><w:tr><w:tc>"
        + p("內格")
        + "</w:tc></w:tr></w:tbl></w:tc><w:tc>"
        + p("右格")
        + "</w:tc></w:tr></w:tbl>"
    )
    data = make_docx(
        p("第一段 違約責任") + nested + p("最後一段"),
        headers={"header1": p("頁首文字")},
        footers={"footer1": p("頁尾文字")},
    )
    ext = extract_bytes(data, "合同.docx")
    assert ext.flag is None
    text = ext.text
    order = ["頁首文字", "第一段 違約責任", "外格", "內格", "右格", "最後一段", "頁尾文字"]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions), text


def test_pdf_text_and_pages() -> None:
    ext = extract_bytes(pdf_with_text("Non-disclosure agreement"), "nda.pdf")
    assert ext.flag is None and ext.pages == 1
    assert "Non-disclosure agreement" in ext.text


@pytest.mark.parametrize(
    "text,enc",
    [
        ("本合約規定違約責任，甲方應支付違約金。", "big5"),
        ("本合同规定违约责任，甲方应支付违约金。", "gb18030"),
        ("合約", "gb18030"),
        ("違約責任", "big5"),
        ("律師", "gb18030"),
        ("陳大文", "big5"),
        ("訴訟代理", "gb18030"),
    ],
)
def test_encoding_big5_vs_gb18030_short_samples(text: str, enc: str) -> None:
    decoded, encoding, clean = decode(text.encode(enc))
    assert decoded == text and encoding == enc and clean


@pytest.mark.parametrize(
    "data,encoding",
    [
        ("違約 contract".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "違約".encode(), "utf-8"),
        ("\ufeff違約責任".encode("utf-16-le"), "utf-16-le"),
        ("\ufeff違約責任".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_encoding_utf_and_bom(data: bytes, encoding: str) -> None:
    text, enc, clean = decode(data)
    assert "違約" in text and enc == encoding and clean and not text.startswith("\ufeff")


def test_text_file_big5_extracted() -> None:
    ext = extract_bytes("客戶陳大文委託律師處理買賣合約糾紛。".encode("big5"), "note.txt")
    assert ext.flag is None and ext.encoding == "big5" and "買賣合約" in ext.text


def test_undecodable_text_is_flagged_not_garbled() -> None:
    ext = extract_bytes(bytes(range(128, 256)) * 20, "weird.txt")
    assert ext.flag == "encoding"


def test_eml_headers_and_plain_body() -> None:
    raw = (
        (
            b"From: =?utf-8?b?6Zmz5aSn5paH?= <chen@example.com>\r\nTo: mei@firm.tw\r\n"
            b"Subject: =?big5?b?p1iscK/Sr8k=?=\r\nContent-Type: multipart/mixed; boundary=XX\r\n"
            b"\r\n--XX\r\nContent-Type: text/plain; charset=big5\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        )
        + "請確認違約金條款。".encode("big5")
        + (
            b"\r\n--XX\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--XX\r\n"
            b"Content-Type: application/pdf\r\nContent-Disposition: attachment; "
            b"filename=a.pdf\r\n\r\nxx\r\n--XX--\r\n"
        )
    )
    ext = extract_bytes(raw, "mail.eml")
    assert ext.flag is None
    assert "陳大文" in ext.text and "違約金條款" in ext.text and "html" not in ext.text
    assert "Subject:" in ext.text and "a.pdf" in ext.text


def test_detect_type() -> None:
    assert detect_type("x.bin", b"%PDF-1.7") == "pdf"
    assert detect_type("A.DOCX", b"PK\x03\x04") == "docx"
    assert detect_type("notes.TXT", b"abc") == "txt"
    assert detect_type("x.xyz", b"\x00\x01") == "xyz"
    assert detect_type("noext", b"\x00") == "unknown"


# ------------------------------------------------------------------ hostile files
def test_empty_file() -> None:
    assert extract_bytes(b"", "a.pdf").flag == "empty"


def test_unknown_type() -> None:
    ext = extract_bytes(b"\x00\x01\x02binary", "drawing.dwg")
    assert ext.flag == "unknown_type" and "dwg" in (ext.reason or "")


def test_encrypted_pdf_and_password() -> None:
    data = pdf_with_text("Secret settlement", encrypt="s3cret")
    ext = extract_bytes(data, "x.pdf")
    assert ext.flag == "encrypted"
    assert extract_bytes(data, "x.pdf", password="wrong").flag == "encrypted"
    ok = extract_bytes(data, "x.pdf", password="s3cret")
    assert ok.flag is None and "Secret settlement" in ok.text


def test_scanned_pdf_without_text_layer() -> None:
    ext = extract_bytes(pdf_with_text(None), "scan.pdf")
    assert ext.flag == "no_text" and ext.pages == 1


@pytest.mark.parametrize("cut", [20, 100, 300])
def test_truncated_pdf(cut: int) -> None:
    ext = extract_bytes(pdf_with_text("Hello world")[:cut], "cut.pdf")
    assert ext.flag in ("truncated", "corrupt", "no_text")


def test_corrupt_pdf() -> None:
    ext = extract_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100, "bad.pdf")
    assert ext.flag is not None


def test_truncated_docx() -> None:
    data = make_docx(p("hello"))
    ext = extract_bytes(data[: len(data) // 2], "cut.docx")
    assert ext.flag == "truncated"


def test_not_a_docx() -> None:
    assert extract_bytes(b"this is not a zip", "fake.docx").flag == "corrupt"


def test_zip_bomb_docx_is_stopped() -> None:
    data = make_docx(p("start"), pad=5_000_000)
    assert len(data) < 100_000
    ext = extract_bytes(data, "bomb.docx", Limits(max_inflated_bytes=1_000_000))
    assert ext.flag == "zip_bomb"


def test_giant_text_is_capped() -> None:
    ext = extract_bytes(("違約" * 50_000).encode(), "big.txt", Limits(max_chars=1000))
    assert ext.flag == "too_large" and len(ext.text) <= 1000


def test_slow_pdf_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PageObject

    def slow(self: object, *a: object, **k: object) -> str:
        time.sleep(5)
        return "never"

    monkeypatch.setattr(PageObject, "extract_text", slow)
    started = time.monotonic()
    ext = extract_bytes(pdf_with_text("x"), "slow.pdf", Limits(timeout_s=0.5))
    assert ext.flag == "timeout"
    assert time.monotonic() - started < 3


def test_unreadable_path(tmp_path: Path) -> None:
    ext = extract_file(tmp_path / "missing.txt")
    assert ext.flag == "corrupt"


# ------------------------------------------------------------------ the shared corpus
def test_corpus_never_crashes_and_flags_the_awkward(corpus: Path) -> None:
    results = {
        f.name: extract_file(f)
        for f in sorted(corpus.rglob("*.*"))
        if f.suffix in (".pdf", ".docx")
    }
    assert results["libreoffice-writer-password.pdf"].flag == "encrypted"
    assert results["imagemagick-CCITTFaxDecode.pdf"].flag == "no_text"
    assert "Crazy Ones" in results["crazyones-pdfa.pdf"].text
    hdr = results["hdr-header-footer.docx"].text
    assert "Header for section-1" in hdr
    assert "python-docx was here" in results["test.docx"].text
    for name, ext in results.items():
        assert ext.flag is None or ext.reason, name


def test_corpus_encrypted_pdf_opens_with_password(corpus: Path) -> None:
    ext = extract_file(corpus / "pdf" / "libreoffice-writer-password.pdf", password="openpassword")
    assert ext.flag is None and "Lorem ipsum" in ext.text


def test_corpus_nested_tables_in_reading_order(corpus: Path) -> None:
    text = extract_file(corpus / "docx" / "blk-inner-content.docx").text
    assert text.index("P1") < text.index("T2") < text.index("P3")
