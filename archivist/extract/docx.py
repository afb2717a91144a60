"""Word .docx: headers, body (paragraphs and tables, nested too, in reading order), footers.

Read straight from the zip with a bounded inflate, so a zip bomb stops at the limit instead of
filling memory."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from archivist.extract import Limits, cap
from archivist.models import Extraction

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BLOCKS = {W + "p"}
CELL_ENDS = {W + "tc"}


class ZipBomb(Exception):
    pass


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    if info.file_size >= budget[0]:
        raise ZipBomb()
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 16):
            out += chunk
            if len(out) >= budget[0]:
                raise ZipBomb()
    budget[0] -= len(out)
    return bytes(out)


def _part_text(xml: bytes) -> str:
    """Text of a WordprocessingML part in document order: paragraphs end with a newline, table
    cells with a tab."""
    out: list[str] = []
    for event, el in ET.iterparse(_BytesSource(xml), events=("end",)):
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "p":
            out.append("\n")
            el.clear()
        elif tag == W + "tc":
            if out and out[-1] == "\n":
                out[-1] = "\t"
            el.clear()
        elif tag == W + "tr":
            out.append("\n")
            el.clear()
        _ = event
    text = "".join(out)
    return re.sub(r"\t+\n", "\n", text)


class _BytesSource:
    def __init__(self, data: bytes) -> None:
        import io

        self._io = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self._io.read(n)


def _order(names: list[str], kind: str) -> list[str]:
    return sorted((n for n in names if re.fullmatch(rf"word/{kind}\d*\.xml", n)),
                  key=lambda n: int(re.sub(r"\D", "", n) or 0))


def extract_docx(path: Path, limits: Limits) -> Extraction:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with open(path, "rb") as fh:
            head = fh.read(4)
        reason = ("truncated or damaged .docx (the zip directory is missing)"
                  if head == b"PK\x03\x04" else "not a .docx (not a zip file)")
        return Extraction(filetype="docx", flag="truncated" if head == b"PK\x03\x04"
                          else "corrupt", reason=reason)
    budget = [limits.max_inflated_bytes]
    with zf:
        names = zf.namelist()
        if "word/document.xml" not in names:
            return Extraction(filetype="docx", flag="corrupt",
                              reason="not a Word document (no word/document.xml)")
        parts = _order(names, "header") + ["word/document.xml"] + _order(names, "footer")
        texts: list[str] = []
        try:
            for name in parts:
                xml = _read_part(zf, zf.getinfo(name), budget)
                texts.append(_part_text(xml).strip("\n"))
        except ZipBomb:
            return Extraction(filetype="docx", text="\n".join(texts)[:limits.max_chars],
                              flag="zip_bomb",
                              reason=f"the document inflates beyond "
                                     f"{limits.max_inflated_bytes // 2**20} MB; extraction stopped")
        except (zipfile.BadZipFile, EOFError, ET.ParseError, OSError) as exc:
            return Extraction(filetype="docx", flag="corrupt",
                              reason=f"damaged .docx ({type(exc).__name__}: {str(exc)[:100]})")
    text = "\n".join(t for t in texts if t)
    if not text.strip():
        return Extraction(filetype="docx", text="", flag="no_text",
                          reason="the document holds no text")
    return cap(text, limits, "docx")
