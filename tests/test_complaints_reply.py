"""`complaint reply`: the 投訴處理回覆函 filled from a resolved complaint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archivist.complaints import service as complaints
from archivist.core import clock


def _text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    return "\n".join(p.text for p in doc.paragraphs)


def test_reply_letter_for_a_resolved_complaint(
    invoke: Any, ctx: Any, ctx_as: Any, make_client: Any, tmp_path: Path
) -> None:
    clock.set_now("2026-03-02T09:00:00")
    client = make_client("陳大文", address="台北市信義路一段1號")
    c = complaints.file(ctx, client.number, "fax", "律師兩週未回電")
    complaints.classify(ctx, c.number, "delay", "未及時回電", "lawyer")
    complaints.assign(ctx, c.number, "lin")
    out = tmp_path / "回覆函.docx"
    r = invoke("complaint", "reply", c.number, "--out", str(out), code=1)
    assert f"complaint {c.number} is 'assigned'" in r.output and not out.exists()

    complaints.resolve(ctx_as("lin"), c.number, "經查屬實", "律師每週回報進度")
    clock.set_now("2026-03-06T10:00:00")
    data = invoke.json("complaint", "reply", c.number, "--out", str(out), "--objection-days", "30")
    assert data["number"] == c.number and out.is_file()
    text = _text(out)
    for expected in (
        c.number,
        "陳大文",
        "台北市信義路一段1號",
        "傳真",
        "律師兩週未回電",
        "經查屬實",
        "律師每週回報進度",
        "林志明",
        "30日",
        "2026年3月6日",
        "2026年3月2日",
    ):
        assert expected in text, expected

    # not overwritten without --force; the letter is in the history and the record
    invoke("complaint", "reply", c.number, "--out", str(out), code=1)
    invoke(
        "complaint",
        "reply",
        c.number,
        "--out",
        str(out),
        "--force",
        "--findings",
        "另述",
        "--date",
        "2026-03-07",
    )
    assert "另述" in _text(out) and "2026年3月7日" in _text(out)
    assert [e.kind for e in complaints.show(ctx, c.number).history].count("reply") == 2
    invoke("complaint", "reply", c.number, "--out", str(tmp_path / "x.docx"), user="lin", code=1)
