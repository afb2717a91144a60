"""Consultations: logging, follow-ups due with a controlled clock, access, the readable log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archivist.core import audit, clock
from archivist.core.errors import Conflict, NotFound
from archivist.matters import consultations
from archivist.matters import service as matters
from archivist.models import SECTION_FOLDERS, Section


def test_log_and_list_through_the_cli(invoke: Any, make_client: Any, home_dir: Path) -> None:
    clock.set_now("2026-03-02T09:30:00")
    c = make_client("陳大文")
    out = invoke.json(
        "consult",
        "log",
        c.number,
        "--channel",
        "in-person",
        "--summary",
        "諮詢離婚財產分割",
        "--handled-by",
        "lin",
        "--follow-up",
        "+2",
        "--party",
        "陳太太",
    )
    assert out["number"] == "ZX2026-0001"
    assert (out["channel"], out["handled_by"], out["follow_up"]) == (
        "in-person",
        "lin",
        "2026-03-04",
    )
    assert out["parties"] == ["陳太太"]
    invoke("consult", "log", c.number, "--channel", "email", "--summary", "補充材料")
    rows = invoke.json("consult", "list", "--client", c.number)
    assert [r["number"] for r in rows] == ["ZX2026-0001", "ZX2026-0002"]
    human = invoke("consult", "list")
    assert "諮詢離婚財產分割" in human.output and "waiting" in human.output
    log = (
        home_dir / "archive_store" / c.folder / SECTION_FOLDERS[Section.BASIC] / "諮詢記錄.md"
    ).read_text(encoding="utf-8")
    assert "ZX2026-0001" in log and "補充材料" in log and "陳太太" in log


def test_follow_ups_due_follow_the_clock(ctx: Any, make_client: Any, invoke: Any) -> None:
    clock.set_now("2026-03-02T09:00:00")
    c = make_client()
    soon = consultations.log(ctx, c.number, "phone", "問訴訟時效", follow_up="2026-03-04")
    consultations.log(ctx, c.number, "fax", "傳真合同草稿")  # no follow-up: never due
    later = consultations.log(ctx, c.number, "phone", "再聯繫", follow_up="2026-03-10")
    assert invoke.json("consult", "list", "--due") == []
    clock.set_now("2026-03-04T08:00:00")
    assert [r["number"] for r in invoke.json("consult", "list", "--due")] == [soon.number]
    clock.set_now("2026-03-11T08:00:00")
    due = invoke.json("consult", "list", "--due")
    assert [r["number"] for r in due] == [soon.number, later.number]
    assert all(r["due"] for r in due)
    invoke("consult", "done", soon.number, "--note", "已回電")
    assert [r["number"] for r in invoke.json("consult", "list", "--due")] == [later.number]
    with pytest.raises(Conflict, match="already followed up"):
        consultations.done(ctx, soon.number, "again")
    assert "DUE" in invoke("consult", "list").output


def test_bad_input_is_refused_and_changes_nothing(ctx: Any, make_client: Any, invoke: Any) -> None:
    clock.set_now("2026-03-02T09:00:00")
    c = make_client()
    base = ["consult", "log", c.number, "--summary", "x"]
    invoke(*base, "--channel", "pigeon", code=2)
    r = invoke(*base, "--channel", "phone", "--follow-up", "2026-03-01", code=1)
    assert "in the past" in r.output
    r = invoke(*base, "--channel", "phone", "--follow-up", "03/05/2026", code=1)
    assert "YYYY-MM-DD" in r.output
    invoke(*base, "--channel", "phone", "--handled-by", "nobody", code=1)
    invoke("consult", "log", "C9999", "--channel", "phone", "--summary", "x", code=1)
    invoke("consult", "log", c.number, "--channel", "phone", "--summary", "  ", code=1)
    invoke("consult", "done", "ZX2026-0099", "--note", "x", code=1)
    assert invoke.json("consult", "list") == []
    with ctx.ledger.read() as conn:
        assert audit.query(conn, action="consultation.log") == []
    # a failed log consumed no number
    assert invoke.json(*base, "--channel", "phone")["number"] == "ZX2026-0001"


def test_lawyers_log_and_see_only_their_clients(ctx: Any, ctx_as: Any, make_client: Any) -> None:
    mine = make_client("陳大文")
    other = make_client("王小明")
    matters.open_matter(ctx, mine.number, "civil", "x", ["lin"])
    lin = ctx_as("lin")
    consultations.log(lin, mine.number, "phone", "客戶來電詢問進度")
    consultations.log(ctx, other.number, "phone", "別人的諮詢")
    with pytest.raises(Exception) as info:
        consultations.log(lin, other.number, "phone", "x")
    assert type(info.value).__name__ in ("Forbidden", "NotFound")
    assert [c.client_number for c in consultations.list_consultations(lin)] == [mine.number]
    with pytest.raises(NotFound):
        consultations.done(ctx_as("zhao"), "ZX" + str(clock.today().year) + "-0002", "x")
    with pytest.raises(Exception, match="role"):
        consultations.log(ctx_as("wu"), mine.number, "phone", "x")
