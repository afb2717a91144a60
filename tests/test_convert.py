"""Older formats through LibreOffice in batches, and e-mail attachments as child documents
(issue 24)."""

from __future__ import annotations

import shutil
import subprocess
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from archivist import search as index
from archivist.filing import service as filing
from archivist.filing.extract import extract_file
from archivist.filing.extract.convert import convert_batch

BODY = "本委託合約約定違約金條款 Breach penalty clause"


@pytest.fixture(scope="module")
def old_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A .doc, .rtf, .odt, .wps (a Word 97 file under the Works name) and .xls, made by
    LibreOffice here from a .docx and a .csv."""
    exe = shutil.which("soffice")
    if exe is None:
        pytest.skip("conversion tests need LibreOffice (Debian package libreoffice-writer)")
    d = tmp_path_factory.mktemp("old")
    import docx

    word = docx.Document()
    word.add_paragraph(BODY)
    word.save(str(d / "合約.docx"))
    (d / "費用.csv").write_text("項目,金額\n律師費,30000\n仲裁費,1200\n", encoding="utf-8")
    profile = (d / "profile").as_uri()
    for target, src in (
        ("doc:MS Word 97", "合約.docx"),
        ("rtf", "合約.docx"),
        ("odt", "合約.docx"),
        ("xls:MS Excel 97", "費用.csv"),
    ):
        utf8 = ["--infilter=CSV:44,34,76"] if src.endswith(".csv") else []
        subprocess.run(
            [
                exe,
                "--headless",
                f"-env:UserInstallation={profile}",
                *utf8,
                "--convert-to",
                target,
                "--outdir",
                str(d),
                str(d / src),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    shutil.copy(d / "合約.doc", d / "合約.wps")
    return {
        ext: d / f"{'費用' if ext == 'xls' else '合約'}.{ext}"
        for ext in ("doc", "rtf", "odt", "wps", "xls")
    }


@pytest.mark.slow
def test_one_batch_converts_every_format_and_flags_a_bad_file(
    old_files: dict[str, Path], tmp_path: Path
) -> None:
    bad = tmp_path / "壞.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    items = [(path, ext) for ext, path in old_files.items()] + [(bad, "doc")]
    results = convert_batch(items)
    for (path, _ext), ext in zip(items[:4], results[:4], strict=True):
        assert ext.flag is None and "違約金條款" in ext.text and "Breach" in ext.text, path
    assert results[4].flag is None and "律師費" in results[4].text and "30000" in results[4].text
    assert results[5].flag == "corrupt" and "LibreOffice" in (results[5].reason or "")


@pytest.mark.slow
def test_a_single_doc_is_extracted_when_filed(old_files: dict[str, Path]) -> None:
    ext = extract_file(old_files["doc"])
    assert ext.filetype == "doc" and "違約金條款" in ext.text


def test_doc_and_rtf_filed_by_a_user_are_found(
    old_files: dict[str, Path], invoke: Any, make_client: Any, ctx: Any
) -> None:
    client = make_client()
    out = invoke.json(
        "file",
        "add",
        client.number,
        str(old_files["doc"]),
        str(old_files["xls"]),
        "--section",
        "contract",
    )
    numbers = [d["number"] for d in out]
    assert numbers[0] in invoke("search", "違約金條款").output
    assert numbers[1] in {h.document for h in index.search(ctx, "仲裁費").hits}
    shown = invoke.json("file", "show", numbers[0])
    assert shown["text_method"] == "conversion" and shown["flag"] is None


def test_eml_attachments_become_linked_child_documents(
    old_files: dict[str, Path], ctx: Any, make_client: Any, tmp_path: Path, invoke: Any
) -> None:
    client = make_client()
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.com", "b@example.com", "合約草稿"
    msg.set_content("請查收附件。")
    msg.add_attachment(
        old_files["doc"].read_bytes(), maintype="application", subtype="msword", filename="草稿.doc"
    )
    msg.add_attachment(
        "附件備忘錄：保密義務條款".encode(), maintype="text", subtype="plain", filename="備忘.txt"
    )
    eml = tmp_path / "mail.eml"
    eml.write_bytes(msg.as_bytes())
    doc = filing.file_path(ctx, client.number, eml, "case")
    assert len(doc.attachments) == 2
    found = {h.document for h in index.search(ctx, "違約金條款").hits}
    assert doc.attachments[0] in found
    assert doc.attachments[1] in {h.document for h in index.search(ctx, "保密義務").hits}
    shown = invoke.json("file", "show", doc.number)
    assert shown["attachments"] == doc.attachments
    child = invoke.json("file", "show", doc.attachments[0])
    assert child["parent"] == doc.number and child["original_name"] == "草稿.doc"
    assert "Attached to" in invoke("file", "show", doc.attachments[1]).output
