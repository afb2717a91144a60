"""The complaint report: exact figures for a known set, the .docx with its chart, --json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archivist.complaints import service as complaints
from archivist.core import clock
from archivist.core.errors import Forbidden, InvalidInput
from archivist.reports import charts
from archivist.reports import complaints as rc

AS_OF = "2026-03-25T09:00:00"


def at(when: str) -> None:
    clock.set_now(when)


@pytest.fixture
def known_set(ctx: Any, ctx_as: Any, make_client: Any, make_matter: Any) -> list[str]:
    """Four complaints received in March 2026 (and one in April):

    1  phone, matter of lin, handled by zhao; told at intake (0 h); due 03-03, resolved
       03-04 09:00 (48 h, late)
    2  email, matter of lin+zhao; told after 6 h; department; resolved after 240 h, reopened,
       resolved again after 408 h (17 days); closed
    3  in-person, no matter, assigned to zhao due 03-06; told after 36 h; never resolved
    4  mailbox, unclassified, nobody told; due 03-25 (not yet overdue on 03-25)
    """
    at("2026-03-01T08:00:00")
    a = make_client("陳大文")
    b = make_client("林小美")
    m1 = make_matter(a, ["lin"])
    m2 = make_matter(b, ["lin", "zhao"])

    at("2026-03-02T09:00:00")
    c1 = complaints.file(ctx, a.number, "phone", "律師未回電", matter=m1, told="已登記").number
    complaints.classify(ctx, c1, "delay", "未及時回電", "lawyer")
    complaints.assign(ctx, c1, "zhao", "2026-03-03")  # not lin: it is about lin
    at("2026-03-03T10:00:00")
    c2 = complaints.file(ctx, b.number, "email", "收費不清", matter=m2).number
    at("2026-03-03T16:00:00")
    complaints.notify(ctx, c2, "已轉財務部")
    complaints.classify(ctx, c2, "fee", "收費說明不清", "firm")
    complaints.assign(ctx, c2, "財務部")
    at("2026-03-04T09:00:00")
    complaints.resolve(ctx_as("zhao"), c1, "屬實", "每週回報")
    complaints.propose(ctx, c1, "回電時限兩個工作日")
    at("2026-03-05T09:00:00")
    complaints.feedback(ctx, c1, "已改善", "satisfied")
    c3 = complaints.file(ctx, a.number, "in-person", "態度不佳").number
    complaints.classify(ctx, c3, "service", "態度", "lawyer")
    complaints.assign(ctx, c3, "zhao", "2026-03-06")
    at("2026-03-06T21:00:00")
    complaints.notify(ctx, c3, "調查中")
    at("2026-03-10T09:00:00")
    c4 = complaints.file(ctx, b.number, "mailbox", "信箱投訴").number
    at("2026-03-13T10:00:00")
    complaints.resolve(ctx, c2, "說明不足", "寄送費用明細")
    at("2026-03-14T10:00:00")
    complaints.feedback(ctx, c2, "已寄明細", "unsatisfied")
    complaints.assign(ctx, c2, "財務部")
    at("2026-03-20T10:00:00")
    complaints.resolve(ctx, c2, "覆核", "退還部分費用")
    complaints.propose(ctx, c2, "報價單列明各項費用")
    at("2026-03-21T10:00:00")
    complaints.feedback(ctx, c2, "已退費", "satisfied")
    at("2026-04-01T09:00:00")
    complaints.file(ctx, a.number, "phone", "四月的投訴")  # outside the period
    at(AS_OF)
    return [c1, c2, c3, c4]


def test_figures_are_exact_for_a_known_set(ctx: Any, known_set: list[str]) -> None:
    c1, c2, c3, c4 = known_set
    rep = rc.report(ctx, "2026-03-01", "2026-03-31")
    assert rep.total == 4
    assert rep.by_category == {"delay": 1, "fee": 1, "service": 1, "unclassified": 1}
    assert rep.by_channel == {"email": 1, "in-person": 1, "mailbox": 1, "phone": 1}
    assert rep.by_responsibility == {"lawyer": 2, "firm": 1, "unclassified": 1}
    assert rep.by_cause == {"unclassified": 1, "態度": 1, "收費說明不清": 1, "未及時回電": 1}
    assert rep.by_lawyer == {"lin": 2, "zhao": 2, "(none)": 1}
    assert rep.by_status == {"closed": 2, "assigned": 1, "received": 1}

    fr = rep.first_response  # 0 h, 6 h, 36 h
    assert (fr.count, fr.median_hours, fr.median_days) == (3, 6.0, 0.25)
    assert (fr.worst_hours, fr.worst_days, fr.worst_complaint) == (36.0, 1.5, c3)
    rs = rep.resolution  # 48 h, 408 h: the median of an even count is the mean of the middle
    assert (rs.count, rs.median_hours, rs.median_days) == (2, 228.0, 9.5)
    assert (rs.worst_hours, rs.worst_days, rs.worst_complaint) == (408.0, 17.0, c2)

    assert [r.number for r in rep.overdue] == [c1, c3]  # c1 resolved late, c3 still open late
    assert [(r.number, r.reopen_count) for r in rep.reopened] == [(c2, 1)]
    assert [r.number for r in rep.open] == [c3, c4]
    assert [(p.complaint, p.text) for p in rep.proposals] == [
        (c1, "回電時限兩個工作日"),
        (c2, "報價單列明各項費用"),
    ]


def test_period_bounds_are_inclusive_days(ctx: Any, known_set: list[str]) -> None:
    assert rc.report(ctx, "2026-03-02", "2026-03-02").total == 1
    assert rc.report(ctx, "2026-03-03", "2026-03-10").total == 3
    assert rc.report(ctx, "2026-04-01", "2026-04-30").total == 1
    assert rc.report(ctx, "2026-05-01", "2026-05-31").total == 0
    with pytest.raises(InvalidInput, match="before --from"):
        rc.report(ctx, "2026-03-31", "2026-03-01")


def test_docx_opens_and_contains_the_chart(ctx: Any, known_set: list[str], tmp_path: Path) -> None:
    from docx import Document

    out = rc.write_docx(
        rc.report(ctx, "2026-03-01", "2026-03-31"),
        tmp_path / "r.docx",
        "陳林律師事務所",
        home=ctx.home,
    )
    doc = Document(str(out))
    assert len(doc.inline_shapes) >= 1
    images = [r for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert images and images[0].target_part.blob.startswith(b"\x89PNG")
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "客戶投訴匯總分析報告" in text
    assert "報價單列明各項費用" in text  # the proposals section
    assert known_set[2] in cells and "9.50" in cells and "17.00" in cells


def test_cli_json_and_docx(invoke: Any, known_set: list[str], tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    data = invoke.json(
        "report", "complaints", "--from", "2026-03-01", "--to", "2026-03-31", "--out", str(out)
    )
    assert out.is_file()
    assert data["total"] == 4 and data["by_lawyer"] == {"lin": 2, "zhao": 2, "(none)": 1}
    assert data["resolution"]["median_days"] == 9.5
    assert [r["number"] for r in data["overdue"]] == [known_set[0], known_set[2]]
    human = invoke("report", "complaints", "--from", "2026-03-01", "--to", "2026-03-31").output
    assert "median 9.5" in human
    assert f"overdue: {known_set[0]}, {known_set[2]}" in human
    invoke("report", "complaints", "--from", "2026-03-01", "--to", "junk", code=1)
    invoke("report", "complaints", "--from", "2026-03-01", code=2)
    r = invoke(
        "report", "complaints", "--from", "2026-03-01", "--to", "2026-03-31", user="lin", code=1
    )
    assert "needs the role" in r.output
    assert "Example:" in invoke("report", "complaints", "--help", user=None).output


def test_report_is_for_management_and_audited(ctx: Any, ctx_as: Any) -> None:
    from archivist.core import audit

    with pytest.raises(Forbidden):
        rc.report(ctx_as("wu"), "2026-01-01", "2026-12-31")
    assert rc.report(ctx_as("boss"), "2026-01-01", "2026-12-31").total == 0
    with ctx.ledger.read() as conn:
        assert audit.query(conn, action="report.complaints")[-1].actor == "boss"


def test_durations_median_and_worst() -> None:
    d = rc.durations([(3600.0, "A"), (7200.0, "B"), (7200.0, "C"), (90000.0, "D")])
    assert (d.median_hours, d.worst_hours, d.worst_days, d.worst_complaint) == (
        2.0,
        25.0,
        1.04,
        "D",
    )
    tie = rc.durations([(10.0, "A"), (10.0, "B")])
    assert tie.worst_complaint == "A"
    assert rc.durations([]).median_days is None


def test_chart_labels_fall_back_to_ascii_without_a_cjk_font(
    monkeypatch: pytest.MonkeyPatch, ctx: Any, known_set: list[str], tmp_path: Path
) -> None:
    from archivist.complaints.service import LABELS_ZH

    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert charts.label("delay", LABELS_ZH) == "delay"
    assert charts.label("態度", None).isascii()
    png = charts.bar_chart({"delay": 2, "fee": 1}, "Complaints by category")
    assert png.startswith(b"\x89PNG")
    out = rc.write_docx(
        rc.report(ctx, "2026-03-01", "2026-03-31"), tmp_path / "a.docx", home=ctx.home
    )
    assert out.stat().st_size > 5000


def test_out_file_is_not_replaced_without_force(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    out.write_bytes(b"keep me")
    r = invoke(
        "report",
        "complaints",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--out",
        str(out),
        code=1,
    )
    assert "already exists" in r.output and out.read_bytes() == b"keep me"
    invoke(
        "report",
        "complaints",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--out",
        str(out),
        "--force",
    )
    assert out.read_bytes().startswith(b"PK")
    invoke(
        "report",
        "complaints",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--out",
        str(tmp_path / "no" / "r.docx"),
        code=1,
    )


def test_docx_lists_are_short(
    monkeypatch: pytest.MonkeyPatch, ctx: Any, known_set: list[str], tmp_path: Path
) -> None:
    from docx import Document

    monkeypatch.setattr(rc, "DOCX_ROWS", 1)
    out = rc.write_docx(
        rc.report(ctx, "2026-03-01", "2026-03-31"), tmp_path / "s.docx", home=ctx.home
    )
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "2 in all; the 1 oldest are listed" in text
