"""Complaints: the lifecycle through the CLI, roles, refused transitions, overdue detection."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from archivist.complaints import service as complaints
from archivist.core import audit, clock
from archivist.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from archivist.models import SECTION_FOLDERS, Section


@pytest.fixture
def client(make_client: Any) -> Any:
    clock.set_now("2026-03-02T09:00:00")
    return make_client("陳大文")


def _record_file(ctx: Any, c: Any, number: str) -> str:
    folder = ctx.store.resolve(c.folder) / SECTION_FOLDERS[Section.COMPLAINT]
    return (folder / f"{number} 投訴處理記錄.txt").read_text(encoding="utf-8")


def test_whole_lifecycle_through_the_cli(
    invoke: Any, ctx: Any, client: Any, make_matter: Any
) -> None:
    matter = make_matter(client, lawyers=["zhao"])
    made = invoke.json(
        "complaint",
        "file",
        client.number,
        "--channel",
        "phone",
        "--content",
        "律師兩週未回電",
        "--matter",
        matter,
    )
    number = made["number"]
    assert number == "TS2026-0001"
    assert made["status"] == "received"
    assert made["due_date"] == "2026-03-17"  # complaint_days = 15
    assert made["first_response_due"] == "2026-03-04"  # complaint_first_response_days = 2
    assert made["first_response_at"] is None  # intake tells the client nothing by itself

    clock.set_now("2026-03-02T15:00:00")
    out = invoke("complaint", "notify", number, "--text", "已登記，三日內回覆").output
    assert "client notified" in out
    invoke(
        "complaint",
        "classify",
        number,
        "--category",
        "delay",
        "--cause",
        "未及時回電",
        "--responsibility",
        "lawyer",
    )
    about = invoke("complaint", "assign", number, "--to", "zhao", ok=False)  # it is about zhao
    assert "is about zhao" in about.output
    assigned = invoke.json("complaint", "assign", number, "--to", "lin", "--due", "2026-03-10")
    assert (assigned["assignee"], assigned["due_date"]) == ("lin", "2026-03-10")

    clock.set_now("2026-03-05T11:00:00")
    invoke(
        "complaint", "resolve", number, "--finding", "屬實", "--action", "每週回報進度", user="lin"
    )
    invoke("complaint", "propose", number, "--text", "回電時限兩個工作日")
    closed = invoke.json(
        "complaint", "feedback", number, "--result", "已改善", "--client-opinion", "satisfied"
    )
    assert closed["status"] == "closed"
    assert closed["closed_at"] == "2026-03-05T11:00:00"

    shown = invoke.json("complaint", "show", number)
    kinds = [e["kind"] for e in shown["history"]]
    assert kinds == ["filed", "notify", "classify", "assign", "resolve", "propose", "feedback"]
    assert shown["first_response_at"] == "2026-03-02T15:00:00"
    assert shown["matter"] == matter and shown["finding"] == "屬實"

    human = invoke("complaint", "show", number).output
    assert "每週回報進度" in human and "已改善" in human

    # every step audited, and the record in the client's 05 folder follows the changes
    with ctx.ledger.read() as conn:
        actions = [
            e.action for e in audit.query(conn, client_id=client.id) if e.object_id == number
        ]
    for step in ("file", "notify", "classify", "assign", "resolve", "propose", "feedback", "read"):
        assert f"complaint.{step}" in actions
    text = _record_file(ctx, client, number)
    assert "已結案 (closed)" in text and "回電時限兩個工作日" in text and "律師兩週未回電" in text

    listed = invoke.json("complaint", "list", "--client", client.number)
    assert [r["number"] for r in listed] == [number]
    assert invoke.json("complaint", "list", "--status", "received") == []
    assert invoke.json("client", "show", client.number)["complaints"][0]["number"] == number


def test_told_at_intake_is_the_first_notification(ctx: Any, client: Any) -> None:
    c = complaints.file(ctx, client.number, "in-person", "收費不清", told="已記錄，十五日內答覆")
    assert c.first_response_at == clock.now()
    shown = complaints.show(ctx, c.number)
    assert [(e.kind, e.text) for e in shown.history][1] == ("notify", "已記錄，十五日內答覆")


def test_bad_transitions_are_refused_naming_the_state(invoke: Any, ctx: Any, client: Any) -> None:
    number = invoke.json(
        "complaint", "file", client.number, "--channel", "email", "--content", "x"
    )["number"]
    r = invoke("complaint", "resolve", number, "--finding", "f", "--action", "a", code=1)
    assert f"complaint {number} is 'received'" in r.output
    assert "classify" in r.output  # says what to do next
    r = invoke(
        "complaint", "feedback", number, "--result", "r", "--client-opinion", "satisfied", code=1
    )
    assert "is 'received'" in r.output
    r = invoke("complaint", "assign", number, "--to", "lin", code=1)
    assert "is 'received'" in r.output
    invoke(
        "complaint",
        "classify",
        number,
        "--category",
        "fee",
        "--cause",
        "c",
        "--responsibility",
        "firm",
    )
    r = invoke(
        "complaint",
        "classify",
        number,
        "--category",
        "fee",
        "--cause",
        "c",
        "--responsibility",
        "firm",
        code=1,
    )
    assert "is 'classified'" in r.output
    complaints.assign(ctx, number, "財務部")
    complaints.resolve(ctx, number, "f", "a")
    r = invoke("complaint", "close", number, "--note", "n", code=1)
    assert "not disputed" in r.output
    complaints.feedback(ctx, number, "r", "no-reply")
    for args in (
        ["notify", number, "--text", "t"],
        ["assign", number, "--to", "lin"],
        ["resolve", number, "--finding", "f", "--action", "a"],
        ["feedback", number, "--result", "r", "--client-opinion", "satisfied"],
    ):
        r = invoke("complaint", *args, code=1)
        assert f"complaint {number} is 'closed'" in r.output
    # usage errors exit 2
    invoke("complaint", "file", client.number, "--channel", "pigeon", "--content", "x", code=2)
    invoke(
        "complaint",
        "classify",
        number,
        "--category",
        "x",
        "--cause",
        "c",
        "--responsibility",
        "firm",
        code=2,
    )


def test_unsatisfied_feedback_reopens_and_head_closes_a_disputed_one(
    ctx: Any, ctx_as: Any, client: Any
) -> None:
    c = complaints.file(ctx, client.number, "fax", "費用過高")
    complaints.classify(ctx, c.number, "fee", "報價不清", "firm")
    complaints.assign(ctx, c.number, "lin")
    complaints.resolve(ctx_as("lin"), c.number, "報價無誤", "解釋費用")
    clock.set_now("2026-03-10T10:00:00")
    assert c.first_response_at is None
    again = complaints.feedback(ctx, c.number, "已解釋", "unsatisfied", note="仍認為過高")
    assert again.first_response_at == clock.now()  # telling the result is a response too
    assert again.status == "reopened" and again.reopen_count == 1
    assert again.due_date == date(2026, 3, 25)  # complaint_days after the reopening
    with pytest.raises(Conflict, match="is 'reopened'"):
        complaints.resolve(ctx_as("lin"), c.number, "f", "a")
    complaints.assign(ctx, c.number, "zhao")
    complaints.resolve(ctx_as("zhao"), c.number, "覆核", "減免部分費用")
    twice = complaints.feedback(ctx, c.number, "已減免", "unsatisfied")
    assert twice.reopen_count == 2
    with pytest.raises(Forbidden, match="needs the role 'head'"):
        complaints.close(ctx_as("clerk"), c.number, "結案")
    closed = complaints.close(ctx_as("head2"), c.number, "已兩次處理，結案存檔")
    assert closed.status == "closed" and closed.reopen_count == 2
    assert [e.kind for e in complaints.show(ctx, c.number).history].count("feedback") == 2


def test_roles(ctx: Any, ctx_as: Any, client: Any) -> None:
    with pytest.raises(Forbidden, match="needs the role 'archivist' or 'head'"):
        complaints.file(ctx_as("lin"), client.number, "phone", "x")
    c = complaints.file(ctx_as("clerk"), client.number, "phone", "x")
    complaints.classify(ctx, c.number, "service", "態度", "lawyer")
    complaints.assign(ctx, c.number, "lin")
    with pytest.raises(NotFound, match="may read"):  # names no assignee to an outsider
        complaints.resolve(ctx_as("zhao"), c.number, "f", "a")
    with pytest.raises(Forbidden, match="assigned to lin"):
        complaints.resolve(ctx, c.number, "f", "a")  # not even the head: the assignee does it
    with pytest.raises(Forbidden):
        complaints.feedback(ctx_as("lin"), c.number, "r", "satisfied")
    # lawyers see only complaints assigned to them
    other = complaints.file(ctx, client.number, "email", "y")
    seen = [x.number for x in complaints.list_complaints(ctx_as("lin"))]
    assert seen == [c.number]
    with pytest.raises(NotFound):
        complaints.show(ctx_as("lin"), other.number)
    with pytest.raises(NotFound):
        complaints.show(ctx_as("zhao"), c.number)


def test_department_assignee_is_acted_for_by_staff(ctx: Any, ctx_as: Any, client: Any) -> None:
    c = complaints.file(ctx, client.number, "mailbox", "x")
    complaints.classify(ctx, c.number, "other", "c", "undetermined")
    with pytest.raises(NotFound, match="no user 'lni'"):
        complaints.assign(ctx, c.number, "lni")  # a typo is not a department
    a = complaints.assign(ctx, c.number, "客戶服務部")
    assert (a.assignee, a.assignee_kind) == ("客戶服務部", "department")
    assert complaints.assign(ctx, c.number, "dept:IT").assignee == "IT"
    with pytest.raises(NotFound, match="may read"):
        complaints.resolve(ctx_as("lin"), c.number, "f", "a")
    assert complaints.resolve(ctx_as("clerk"), c.number, "f", "a").status == "resolved"


def test_inputs_checked(ctx: Any, client: Any, make_client: Any, make_matter: Any) -> None:
    other = make_client("林小姐")
    theirs = make_matter(other)
    with pytest.raises(InvalidInput, match="belongs to client"):
        complaints.file(ctx, client.number, "phone", "x", matter=theirs)
    with pytest.raises(InvalidInput, match="empty"):
        complaints.file(ctx, client.number, "phone", "   ")
    with pytest.raises(NotFound):
        complaints.file(ctx, "Z9999", "phone", "x")
    c = complaints.file(ctx, client.number, "phone", "x")
    complaints.classify(ctx, c.number, "delay", "c", "lawyer")
    with pytest.raises(InvalidInput, match="before the complaint was received"):
        complaints.assign(ctx, c.number, "lin", "2026-01-01")
    with pytest.raises(NotFound):
        complaints.show(ctx, "TS2026-0999")


def test_overdue_with_a_controlled_clock(invoke: Any, ctx: Any, ctx_as: Any, client: Any) -> None:
    late = complaints.file(ctx, client.number, "phone", "一")  # due 03-17, reply by 03-04
    told = complaints.file(ctx, client.number, "email", "二", told="收到")
    complaints.classify(ctx, told.number, "fee", "c", "firm")
    complaints.assign(ctx, told.number, "lin", "2026-03-05")
    done = complaints.file(ctx, client.number, "fax", "三", told="收到")
    complaints.classify(ctx, done.number, "fee", "c", "firm")
    complaints.assign(ctx, done.number, "lin", "2026-03-03")
    complaints.resolve(ctx_as("lin"), done.number, "f", "a")  # resolved: no longer overdue

    def overdue() -> dict[str, str]:
        return {r["number"]: r["late"] for r in invoke.json("complaint", "list", "--overdue")}

    clock.set_now("2026-03-04T18:00:00")
    assert overdue() == {}  # deadlines are inclusive: the whole due day counts
    clock.set_now("2026-03-05T08:00:00")
    assert overdue() == {late.number: "first response"}
    clock.set_now("2026-03-06T08:00:00")
    assert overdue() == {late.number: "first response", told.number: "handling"}
    complaints.notify(ctx, late.number, "處理中")
    clock.set_now("2026-03-18T08:00:00")
    assert overdue() == {late.number: "handling", told.number: "handling"}
    table = invoke("complaint", "list", "--overdue").output
    assert late.number in table and done.number not in table
    assert complaints.show(ctx, late.number).overdue is True


def test_every_command_has_help_with_an_example(invoke: Any) -> None:
    for cmd in (
        "file",
        "notify",
        "classify",
        "assign",
        "resolve",
        "feedback",
        "close",
        "propose",
        "list",
        "show",
    ):
        out = invoke("complaint", cmd, "--help", user=None).output
        assert "Example:" in out and "--json" in out


def test_records_are_derived_from_the_ledger(ctx: Any, client: Any) -> None:
    from archivist.clients import records

    c = complaints.file(ctx, client.number, "phone", "一")
    with ctx.ledger.read() as conn:
        files = records.expected(conn, client)
    rel = f"{SECTION_FOLDERS[Section.COMPLAINT]}/{c.number} 投訴處理記錄.txt"
    assert files[rel] == _record_file(ctx, client, c.number)
    complaints.notify(ctx, c.number, "已收到，處理中")
    assert "已收到，處理中" in _record_file(ctx, client, c.number)
