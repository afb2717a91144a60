"""Word .docx: headers, body (paragraphs and tables, nested too, in reading order), footers.

Read straight from the zip with a bounded inflate, so a zip bomb stops at the limit instead of
filling memory."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from archivist.filing.extract import Limits, cap
from archivist.models import Extraction

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BLOCK_ENDS = {W + "p", W + "tc", W + "tr", W + "tbl", W + "sdt"}


class ZipBomb(Exception):
    pass


class _Full(Exception):
    """The text limit is reached: stop reading."""


def _part_text(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], room: int
) -> tuple[str, bool]:
    """Text of a WordprocessingML part in document order (paragraphs end with a newline, table
    cells with a tab), streamed: the part is inflated and parsed a chunk at a time, counted
    against `budget` (a zip bomb raises ZipBomb), and reading stops once `room` characters are
    collected. Returns (text, full)."""
    if info.file_size >= budget[0]:
        raise ZipBomb()
    out: list[str] = []
    size = [0]
    parser: Any = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []

    def add(piece: str) -> None:
        out.append(piece)
        size[0] += len(piece)
        if size[0] >= room:
            raise _Full()

    full = False
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 16):
                budget[0] -= len(chunk)
                if budget[0] <= 0:
                    raise ZipBomb()
                parser.feed(chunk)
                el: Any
                for event, el in parser.read_events():
                    if event == "start":
                        stack.append(el)
                        continue
                    stack.pop()
                    tag = el.tag
                    if tag == W + "t":
                        add(el.text or "")
                    elif tag == W + "tab":
                        add("\t")
                    elif tag in (W + "br", W + "cr") or tag == W + "p":
                        add("\n")
                    elif tag == W + "tc":
                        if out and out[-1] == "\n":
                            out[-1] = "\t"
                    elif tag == W + "tr":
                        add("\n")
                    if tag in BLOCK_ENDS:
                        el.clear()
                        if stack:  # drop finished blocks so the tree never grows
                            parent = stack[-1]
                            if len(parent) and parent[-1] is el:
                                parent.remove(el)
            parser.close()
    except _Full:
        full = True
    text = "".join(out)[:room]
    return re.sub(r"\t+\n", "\n", text), full


def _order(names: list[str], kind: str) -> list[str]:
    return sorted(
        (n for n in names if re.fullmatch(rf"word/{kind}\d*\.xml", n)),
        key=lambda n: int(re.sub(r"\D", "", n) or 0),
    )


def extract_docx(path: Path, limits: Limits) -> Extraction:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with open(path, "rb") as fh:
            head = fh.read(4)
        reason = (
            "truncated or damaged .docx (the zip directory is missing)"
            if head == b"PK\x03\x04"
            else "not a .docx (not a zip file)"
        )
        return Extraction(
            filetype="docx", flag="truncated" if head == b"PK\x03\x04" else "corrupt", reason=reason
        )
    budget = [limits.max_inflated_bytes]
    with zf:
        names = zf.namelist()
        if "word/document.xml" not in names:
            return Extraction(
                filetype="docx", flag="corrupt", reason="not a Word document (no word/document.xml)"
            )
        parts = _order(names, "header") + ["word/document.xml"] + _order(names, "footer")
        texts: list[str] = []
        room = limits.max_chars
        full = False
        try:
            for name in parts:
                part, full = _part_text(zf, zf.getinfo(name), budget, room)
                part = part.strip("\n")
                texts.append(part)
                room -= len(part) + 1
                if full or room <= 0:
                    full = True
                    break
        except ZipBomb:
            return Extraction(
                filetype="docx",
                text="\n".join(texts)[: limits.max_chars],
                flag="zip_bomb",
                reason=f"the document inflates beyond "
                f"{limits.max_inflated_bytes // 2**20} MB; extraction stopped",
            )
        except (zipfile.BadZipFile, EOFError, ET.ParseError, OSError) as exc:
            return Extraction(
                filetype="docx",
                flag="corrupt",
                reason=f"damaged .docx ({type(exc).__name__}: {str(exc)[:100]})",
            )
    if full:
        return Extraction(
            filetype="docx",
            text="\n".join(t for t in texts if t)[: limits.max_chars],
            flag="too_large",
            reason=f"text stopped at the limit of {limits.max_chars} characters",
        )
    text = "\n".join(t for t in texts if t)
    if not text.strip():
        return Extraction(
            filetype="docx", text="", flag="no_text", reason="the document holds no text"
        )
    return cap(text, limits, "docx")
