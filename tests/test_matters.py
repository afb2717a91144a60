"""Matters from acceptance to closure: the lifecycle through the CLI, numbering, deadlines,
who may record work, errors that change nothing, and the registers in the client's folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archivist.core import audit, clock, users
from archivist.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from archivist.matters import service as matters
from archivist.models import SECTION_FOLDERS, Section


def _folder(home_dir: Path, client: Any) -> Path:
    return home_dir / "archive_store" / client.folder


def _open(invoke: Any, client: str = "C0001", *extra: str) -> dict[str, Any]:
    return invoke.json(
        "matter",
        "open",
        client,
        "--type",
        "civil",
        "--title",
        "買賣合同糾紛",
        "--lawyer",
        "lin",
        *extra,
    )


def test_full_lifecycle_from_consultation_to_closure(
    invoke: Any, home_dir: Path, tmp_path: Path
) -> None:
    clock.set_now("2026-03-02T09:00:00")
    client = invoke.json(
        "client", "add", "--name", "陳大文", "--kind", "person", "--id-number", "A123456789"
    )
    assert client["number"] == "C0001"
    consult = invoke.json(
        "consult",
        "log",
        "C0001",
        "--channel",
        "phone",
        "--summary",
        "詢問租賃合同違約責任",
        "--follow-up",
        "2026-03-03",
    )
    assert consult["number"] == "ZX2026-0001"

    opened = _open(
        invoke, "C0001", "--opposing", "李四貿易有限公司", "--related", "李四:B222333444"
    )
    number = opened["number"]
    assert number == "2026-MS-0001"
    assert opened["lawyers"] == ["lin"]
    assert opened["contact_deadline"] == "2026-03-05"  # default 3 days
    assert opened["conflict_check"]["result"] == "clear"

    clock.set_now("2026-03-03T10:00:00")
    invoke("matter", "contact", number, "--note", "電話聯繫客戶，約定面談", user="lin")
    plan = tmp_path / "plan.txt"
    plan.write_text("一、收集證據\n二、發律師函\n三、起訴", encoding="utf-8")
    invoke("matter", "plan", number, "--file", str(plan), user="lin")
    out = invoke.json(
        "matter", "progress", number, "--note", "已發律師函", "--reported-to-client", user="lin"
    )
    assert out["number"] == number and out["event"]["reported_to_client"] is True
    invoke("matter", "progress", number, "--note", "整理證據目錄", user="lin")

    clock.set_now("2026-06-01T16:00:00")
    closed = invoke.json(
        "matter",
        "close",
        number,
        "--outcome",
        "調解結案",
        "--dissatisfied",
        "--note",
        "客戶認為費用過高",
        user="lin",
    )
    assert closed["status"] == "closed" and closed["follow_up_open"] is True
    refused = invoke("matter", "progress", number, "--note", "補記", user="lin", code=1)
    assert "closed" in refused.output and "reopen" in refused.output
    invoke("matter", "follow-up", number, "--note", "主任致電客戶", user="mei")
    done = invoke.json(
        "matter", "follow-up", number, "--resolved", "--note", "減免部分費用", user="lin"
    )
    assert done["follow_up_open"] is False
    invoke("matter", "follow-up", number, "--resolved", "--note", "again", user="lin", code=1)

    invoke("matter", "reopen", number, "--note", "對方反悔，需執行", user="mei")
    invoke("matter", "progress", number, "--note", "申請強制執行", user="lin")
    invoke("matter", "close", number, "--outcome", "執行完畢", "--satisfied", user="lin")

    shown = invoke.json("matter", "show", number)
    kinds = [e["kind"] for e in shown["events"]]
    assert kinds == [
        "accepted",
        "contact",
        "plan",
        "progress",
        "progress",
        "closed",
        "follow-up-opened",
        "follow-up",
        "follow-up-resolved",
        "reopened",
        "progress",
        "closed",
    ]
    assert shown["matter"]["plan"].startswith("一、收集證據")
    assert shown["matter"]["contacted_at"] == "2026-03-03T10:00:00"
    assert [p["role"] for p in shown["parties"]] == ["client", "opposing", "related"]
    assert shown["parties"][2]["id_number"] == "B222333444"
    assert shown["follow_ups"][0]["resolved_by"] == "lin"

    # the register in 04 律師工作記錄, readable without the software
    folder = home_dir / "archive_store" / client["folder_relative"]
    register = folder / SECTION_FOLDERS[Section.WORK] / f"{number} 律師工作記錄.md"
    text = register.read_text(encoding="utf-8")
    assert "申請強制執行" in text and "已發律師函" in text and "執行完畢" in text
    assert "李四貿易有限公司" in text
    assert "詢問租賃合同違約責任" in (
        folder / SECTION_FOLDERS[Section.BASIC] / "諮詢記錄.md"
    ).read_text(encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["matters"][0]["number"] == number

    shown_client = invoke.json("client", "show", "C0001")
    assert shown_client["matters"][0]["number"] == number
    assert shown_client["consultations"][0]["number"] == "ZX2026-0001"

    timeline = invoke.json("client", "timeline", "C0001")
    actions = [t["action"] for t in timeline]
    assert actions[:3] == ["client.add", "consultation.log", "matter.open"]
    assert actions.count("matter.progress") == 3 and actions[-1] == "matter.close"
    assert [t["at"] for t in timeline] == sorted(t["at"] for t in timeline)
    assert not any(a.endswith(".read") for a in actions)
    human = invoke("client", "timeline", "C0001")
    assert "matter.reopen" in human.output


def test_numbers_per_year_and_type(ctx: Any, make_client: Any) -> None:
    c = make_client()
    clock.set_now("2026-05-01T09:00:00")
    a = matters.open_matter(ctx, c.number, "civil", "一", ["lin"]).matter.number
    b = matters.open_matter(ctx, c.number, "criminal", "二", ["lin"]).matter.number
    d = matters.open_matter(ctx, c.number, "MS", "三", ["lin", "zhao"]).matter
    clock.set_now("2027-01-02T09:00:00")
    e = matters.open_matter(ctx, c.number, "civil", "四", ["lin"]).matter.number
    assert (a, b, d.number, e) == ("2026-MS-0001", "2026-XS-0001", "2026-MS-0002", "2027-MS-0001")
    assert d.lawyers == ["lin", "zhao"]


def test_number_format_and_contact_days_come_from_settings(home_dir: Path, invoke: Any) -> None:
    cfg = home_dir / "archivist.toml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace('matter = "{year}-{code}-{seq:04d}"', 'matter = "{code}{year}-{seq:03d}"')
    text = text.replace("contact_days = 3", "contact_days = 5")
    cfg.write_text(text, encoding="utf-8")
    clock.set_now("2026-03-02T09:00:00")
    invoke("client", "add", "--name", "陳大文", "--kind", "person")
    out = invoke.json(
        "matter",
        "open",
        "C0001",
        "--type",
        "retainer",
        "--title",
        "常年法律顧問",
        "--lawyer",
        "lin",
    )
    assert out["number"] == "GW2026-001"
    assert out["contact_deadline"] == "2026-03-07"


def test_overdue_contact_listing_follows_the_clock(ctx: Any, make_client: Any, invoke: Any) -> None:
    c = make_client()
    clock.set_now("2026-03-01T09:00:00")
    late = matters.open_matter(ctx, c.number, "civil", "逾期", ["lin"]).matter.number
    other = make_client("王小明")
    met = matters.open_matter(ctx, other.number, "civil", "已聯繫", ["zhao"]).matter.number
    clock.set_now("2026-03-04T18:00:00")  # the deadline day itself is not overdue
    assert invoke.json("matter", "list", "--overdue") == []
    matters.record_contact(ctx, met, "已電話聯繫")
    clock.set_now("2026-03-05T08:00:00")
    rows = invoke.json("matter", "list", "--overdue")
    assert [r["number"] for r in rows] == [late]
    assert rows[0]["contact_overdue"] is True
    human = invoke("matter", "list", "--overdue")
    assert "CONTACT OVERDUE" in human.output and met not in human.output
    # lin sees their overdue matter, zhao none
    assert [r["number"] for r in invoke.json("matter", "list", "--overdue", user="lin")] == [late]
    assert invoke.json("matter", "list", "--overdue", user="zhao") == []
    matters.record_contact(ctx, late, "終於聯繫上")
    assert invoke.json("matter", "list", "--overdue") == []


def test_only_assigned_lawyers_and_the_department_record_work(
    ctx: Any, ctx_as: Any, make_client: Any, invoke: Any
) -> None:
    c = make_client()
    number = matters.open_matter(ctx, c.number, "civil", "糾紛", ["lin"]).matter.number
    # Who may not read the matter is told it is not there, and no lawyer is named
    missing = invoke("matter", "progress", "2026-MS-0999", "--note", "x", user="zhao", code=1)
    for user in ("zhao", "wu"):
        result = invoke("matter", "progress", number, "--note", "偷記", user=user, code=1)
        assert "lin" not in result.output
        assert result.output == missing.output.replace("2026-MS-0999", number)
    # zhao reads the client's archive through a matter of his own: he is told who may write
    matters.open_matter(ctx, c.number, "civil", "另案", ["zhao"])
    result = invoke("matter", "progress", number, "--note", "偷記", user="zhao", code=1)
    assert "only its assigned lawyers (lin)" in result.output
    with pytest.raises(Forbidden, match="lin"):
        matters.record_plan(ctx_as("zhao"), number, "plan")
    matters.record_progress(ctx_as("lin"), number, "正常記錄")
    matters.record_progress(ctx_as("clerk"), number, "檔案員代記")
    with ctx.ledger.read() as conn:
        m = matters.get(conn, number)
        matters.require_writer(conn, users.get(conn, "head2"), m)
        with pytest.raises(NotFound):
            matters.require_writer(conn, users.get(conn, "boss"), m)
    shown = invoke.json("matter", "show", number)
    assert [e["text"] for e in shown["events"] if e["kind"] == "progress"] == [
        "正常記錄",
        "檔案員代記",
    ]


def test_lawyers_must_be_active_users_with_the_lawyer_role(
    ctx: Any, make_client: Any, invoke: Any
) -> None:
    make_client()
    r = invoke(
        "matter", "open", "C0001", "--type", "civil", "--title", "x", "--lawyer", "wu", code=1
    )
    assert "not a lawyer" in r.output
    r = invoke(
        "matter",
        "open",
        "C0001",
        "--type",
        "civil",
        "--title",
        "x",
        "--lawyer",
        "lin",
        "--lawyer",
        "nobody",
        code=1,
    )
    assert "nobody" in r.output
    users.set_active(ctx, "zhao", False)
    r = invoke(
        "matter", "open", "C0001", "--type", "civil", "--title", "x", "--lawyer", "zhao", code=1
    )
    assert "deactivated" in r.output
    assert invoke.json("matter", "list") == []
    # and no number was consumed
    assert _open(invoke)["number"].endswith("-MS-0001")


def test_errors_are_one_line_and_change_nothing(ctx: Any, make_client: Any, invoke: Any) -> None:
    make_client()
    number = _open(invoke)["number"]
    with ctx.ledger.read() as conn:
        before = len(audit.query(conn))
    r = invoke(
        "matter",
        "open",
        "C0001",
        "--type",
        "civil",
        "--title",
        "x",
        "--lawyer",
        "lin",
        user="lin",
        code=1,
    )
    assert "needs the role" in r.output
    invoke("matter", "open", "C9999", "--type", "civil", "--title", "x", "--lawyer", "lin", code=1)
    invoke(
        "matter", "open", "C0001", "--type", "maritime", "--title", "x", "--lawyer", "lin", code=2
    )
    invoke("matter", "progress", "2026-MS-9999", "--note", "x", code=1)
    invoke("matter", "close", number, "--outcome", "x", code=2)  # satisfaction is required
    invoke("matter", "plan", number, code=2)
    invoke("matter", "reopen", number, "--note", "x", code=1)  # not closed
    invoke("matter", "follow-up", number, "--note", "x", code=1)  # nothing to follow up
    invoke("matter", "progress", number, "--note", "   ", code=1)
    invoke("matter", "list", "--lawyer", "nobody", code=1)
    with pytest.raises(InvalidInput):
        matters.open_matter(ctx, "C0001", "civil", "", ["lin"])
    with pytest.raises(NotFound):
        matters.record_contact(ctx, "2026-XX-0001", "x")
    with ctx.ledger.read() as conn:
        events = audit.query(conn)
    changes = [e for e in events[before:] if not e.action.endswith((".read", ".list"))]
    assert changes == []


def test_closed_matter_takes_no_records_until_reopened(ctx: Any, make_client: Any) -> None:
    c = make_client()
    number = matters.open_matter(ctx, c.number, "civil", "x", ["lin"]).matter.number
    matters.close(ctx, number, "勝訴", True)
    for fn in (
        lambda: matters.record_progress(ctx, number, "x"),
        lambda: matters.record_plan(ctx, number, "x"),
        lambda: matters.record_contact(ctx, number, "x"),
        lambda: matters.close(ctx, number, "x", True),
    ):
        with pytest.raises(Conflict, match="closed"):
            fn()
    reopened = matters.reopen(ctx, number, "上訴")
    assert reopened.status == "open" and reopened.outcome is None
    with ctx.ledger.read() as conn:
        actions = [e.action for e in audit.query(conn, client_id=c.id)]
    assert "matter.reopen" in actions


def test_reads_are_audited_and_limited_to_what_the_user_may_see(
    ctx: Any, make_client: Any, invoke: Any
) -> None:
    c = make_client()
    other = make_client("王小明")
    mine = matters.open_matter(ctx, c.number, "civil", "x", ["lin"]).matter.number
    theirs = matters.open_matter(ctx, other.number, "civil", "y", ["zhao"]).matter.number
    assert [m["number"] for m in invoke.json("matter", "list", user="lin")] == [mine]
    assert [m["number"] for m in invoke.json("matter", "list", "--lawyer", "zhao")] == [theirs]
    assert [m["number"] for m in invoke.json("matter", "list", "--client", other.number)] == [
        theirs
    ]
    assert invoke.json("matter", "list", "--status", "closed") == []
    invoke("matter", "show", theirs, user="lin", code=1)
    invoke("matter", "show", mine, user="lin")
    with ctx.ledger.read() as conn:
        reads = [e for e in audit.query(conn, action="matter.read")]
    assert [(e.actor, e.object_id) for e in reads] == [("lin", mine)]


def test_add_event_is_reusable_by_other_features(ctx: Any, make_client: Any) -> None:
    c = make_client()
    number = matters.open_matter(ctx, c.number, "civil", "x", ["lin"]).matter.number
    with ctx.ledger.write() as conn:
        m = matters.get(conn, number)
        event = matters.add_event(conn, m, "lin", "deliverable", "交付判決書", True)
    assert event.actor == "lin" and event.matter_number == number
    from archivist.matters import views as matter_views

    kinds = [e.kind for e in matter_views.show(ctx, number).events]
    assert kinds == ["accepted", "deliverable"]
