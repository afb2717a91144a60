"""Rights and duties through the CLI: parsing, output, exit codes, nothing changed on bad input."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from archivist.clients import registry
from archivist.core import clock
from archivist.ledger.tables.core import audit_events, counters
from tests.test_rights import file_doc


def client_of(ctx: Any, number: str) -> Any:
    with ctx.ledger.read() as conn:
        return registry.get(conn, number)


def audit_count(ctx: Any) -> int:
    with ctx.ledger.read() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_events)).scalar_one())


@pytest.fixture
def case(ctx: Any, invoke: Any) -> dict[str, str]:
    clock.set_now("2026-03-01T09:00:00")
    client = invoke.json("client", "add", "--name", "陳大文", "--kind", "person")["number"]
    matter = invoke.json(
        "matter", "open", client, "--type", "civil", "--title", "買賣合同糾紛", "--lawyer", "lin"
    )["number"]
    return {"client": client, "matter": matter}


def test_reassign_moves_write_and_read_access(ctx: Any, invoke: Any, case: Any) -> None:
    m, c = case["matter"], case["client"]
    invoke("client", "show", c, user="lin")
    out = invoke.json(
        "matter",
        "reassign",
        m,
        "--from",
        "lin",
        "--to",
        "zhao",
        "--reason",
        "客戶要求更換",
        "--client-request",
    )
    assert out["number"] == m and out["lawyers"] == ["zhao"] and out["client_request"] is True
    refused = invoke("matter", "progress", m, "--note", "x", user="lin", code=1)
    assert refused.output.startswith("Error:") and len(refused.output.strip().splitlines()) == 1
    invoke("client", "show", c, user="lin", code=1)
    invoke("client", "show", c, user="zhao")
    invoke("matter", "progress", m, "--note", "已閱卷", user="zhao")
    shown = invoke.json("matter", "show", m)
    assert any("lin" in e["text"] and "zhao" in e["text"] for e in shown["events"])


def test_reassign_bad_input_changes_nothing(ctx: Any, invoke: Any, case: Any) -> None:
    m = case["matter"]
    before = audit_count(ctx)
    for args, code in (
        (["--from", "zhao", "--to", "lin", "--reason", "x"], 1),
        (["--from", "lin", "--to", "nobody", "--reason", "x"], 1),
        (["--from", "lin", "--to", "zhao"], 2),
    ):
        result = invoke("matter", "reassign", m, *args, code=code)
        assert "Traceback" not in result.output
    invoke(
        "matter",
        "reassign",
        m,
        "--from",
        "lin",
        "--to",
        "zhao",
        "--reason",
        "x",
        user="lin",
        code=1,
    )
    assert audit_count(ctx) == before


def test_decline_consumes_no_number(ctx: Any, invoke: Any, case: Any) -> None:
    with ctx.ledger.read() as conn:
        before = dict(conn.execute(select(counters.c.key, counters.c.value)).all())
    out = invoke.json(
        "matter",
        "decline",
        case["client"],
        "--type",
        "civil",
        "--title",
        "借款糾紛",
        "--reason",
        "利益衝突",
        user="lin",
    )
    assert out["number"] is None and out["client"] == case["client"]
    with ctx.ledger.read() as conn:
        assert dict(conn.execute(select(counters.c.key, counters.c.value)).all()) == before
    nxt = invoke.json(
        "matter", "open", case["client"], "--type", "civil", "--title", "租賃", "--lawyer", "lin"
    )["number"]
    assert nxt == "2026-MS-0002"
    listed = invoke.json("matter", "declined", "--client", case["client"])
    assert [d["reason"] for d in listed] == ["利益衝突"]
    invoke("matter", "decline", case["client"], "--reason", "x", user="wu", code=1)


def test_deliverables_overdue_and_closure_warning(ctx: Any, invoke: Any, case: Any) -> None:
    m = case["matter"]
    assert (
        invoke.json(
            "matter",
            "deliverable",
            "add",
            m,
            "--title",
            "起訴狀",
            "--due",
            "2026-03-05",
            user="lin",
        )["id"]
        == 1
    )
    invoke("matter", "deliverable", "add", m, "--title", "證據目錄", "--due", "2026-03-20")
    assert invoke.json("matter", "deliverable", "list", "--overdue") == []
    clock.set_now("2026-03-06T09:00:00")
    rows = invoke.json("matter", "deliverable", "list", "--overdue", "--lawyer", "lin")
    assert [(r["matter"], r["title"], r["status"]) for r in rows] == [(m, "起訴狀", "overdue")]
    table = invoke("matter", "deliverable", "list", "--overdue").stdout
    assert "起訴狀" in table and "證據目錄" not in table
    assert invoke.json("matter", "deliverable", "list", user="zhao") == []
    before = audit_count(ctx)
    invoke("matter", "deliverable", "add", m, "--title", "x", "--due", "2026-13-01", code=1)
    invoke("matter", "deliverable", "done", m, "7", code=1)
    invoke("matter", "deliverable", "done", m, "0", code=2)
    assert audit_count(ctx) == before
    file_doc(ctx, client_of(ctx, case["client"]), "C0001-0001")
    done = invoke.json(
        "matter", "deliverable", "done", m, "1", "--document", "C0001-0001", user="lin"
    )
    assert done["status"] == "done" and done["document"] == "C0001-0001"
    closed = invoke("matter", "close", m, "--outcome", "調解結案", "--satisfied", user="lin")
    assert "deliverable 2" in closed.stderr and "證據目錄" in closed.stderr
    assert "起訴狀" not in closed.stderr


def test_schedule_payments_and_unpaid_list(ctx: Any, invoke: Any, case: Any) -> None:
    m = case["matter"]
    out = invoke.json(
        "matter",
        "schedule",
        m,
        "--instalment",
        "2026-03-10:30000:簽約後",
        "--instalment",
        "2026-05-01:20000",
    )
    assert [i["amount"] for i in out["instalments"]] == ["30000.00", "20000.00"]
    assert invoke.json("matter", "list", "--unpaid") == []
    clock.set_now("2026-03-11T09:00:00")
    unpaid = invoke.json("matter", "list", "--unpaid")
    assert [(u["matter"], u["seq"], u["outstanding"]) for u in unpaid] == [(m, 1, "30000.00")]
    assert invoke.json("matter", "unpaid") == unpaid
    paid = invoke.json(
        "matter",
        "payment",
        m,
        "--amount",
        "30000",
        "--date",
        "2026-03-11",
        "--reference",
        "轉賬001",
    )
    assert paid["number"] == m and paid["amount"] == "30000.00"
    assert invoke.json("matter", "list", "--unpaid") == []
    shown = invoke.json("matter", "schedule", m, user="lin")["instalments"]
    assert [i["status"] for i in shown] == ["paid", "open"]
    invoke("matter", "schedule", m, user="zhao", code=1)
    before = audit_count(ctx)
    invoke("matter", "payment", m, "--amount", "abc", code=1)
    invoke("matter", "payment", m, "--amount", "10", user="lin", code=1)
    invoke("matter", "schedule", m, "--instalment", "soon:100", code=1)
    assert audit_count(ctx) == before


def test_evaluate_and_service_report(ctx: Any, invoke: Any, case: Any) -> None:
    m = case["matter"]
    out = invoke.json("matter", "evaluate", m, "--score", "4", "--comment", "回覆及時")
    assert out["number"] == m and out["evaluations"][0]["lawyer"] == "lin"
    invoke("matter", "evaluate", m, "--score", "9", code=2)
    invoke("matter", "evaluate", m, code=2)
    summary = invoke.json("report", "service", user="boss")
    assert [(s["lawyer"], s["evaluations"], s["average"]) for s in summary] == [("lin", 1, 4.0)]
    assert invoke.json("matter", "evaluate", "--summary") == summary
    invoke("report", "service", user="lin", code=1)


def test_consent_and_export_leave_out_clients(
    ctx: Any, invoke: Any, case: Any, tmp_path: Path
) -> None:
    c1 = case["client"]
    c2 = invoke.json("client", "add", "--name", "林小華", "--kind", "person")["number"]
    invoke.json("client", "add", "--name", "王大明", "--kind", "company")
    file_doc(ctx, client_of(ctx, c1), "C0001-0009")
    granted = invoke.json(
        "client", "consent", c1, "--scope", "市場推廣", "--document", "C0001-0009"
    )
    assert granted["number"] == c1 and granted["purposes"] == ["marketing"]
    before = audit_count(ctx)
    invoke("client", "consent", c2, "--scope", "marketing", code=1)  # not written
    invoke("client", "consent", c2, "--revoke", code=1)  # nothing to revoke
    assert audit_count(ctx) == before
    out = tmp_path / "m.csv"
    result = invoke("client", "export", "--purpose", "marketing", "--out", str(out))
    assert "left out 2 without written consent" in result.stdout
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["number"] for r in rows] == [c1]
    stats = invoke.json(
        "client", "export", "--purpose", "statistics", "--out", str(tmp_path / "s.csv")
    )
    assert (stats["exported"], stats["left_out"]) == (0, 3)
    invoke("client", "consent", c1, "--revoke")
    again = invoke.json("client", "export", "--purpose", "marketing", "--out", str(out), "--force")
    assert (again["exported"], again["left_out"]) == (0, 3)
    assert [r["revoked_by"] for r in invoke.json("client", "consent", c1)] == ["mei"]
    invoke("client", "export", "--purpose", "sales", "--out", str(out), code=2)


def test_client_report_cli(ctx: Any, invoke: Any, case: Any, tmp_path: Path) -> None:
    m, c = case["matter"], case["client"]
    invoke("matter", "progress", m, "--note", "已遞交起訴狀", "--reported-to-client", user="lin")
    invoke("matter", "progress", m, "--note", "內部：對方證據薄弱", user="lin")
    out = tmp_path / "r.docx"
    data = invoke.json("client", "report", c, "--out", str(out), user="lin")
    assert data["number"] == c and data["matters"] == [m] and data["internal_left_out"] >= 1
    from tests.test_rights_report import docx_text

    text = docx_text(out)
    assert "已遞交起訴狀" in text and "對方證據薄弱" not in text
    invoke("client", "report", c, "--out", str(out), code=1)
    invoke("client", "report", c, "--out", str(tmp_path / "z.docx"), user="zhao", code=1)


@pytest.mark.parametrize(
    "args",
    [
        ["matter", "reassign"],
        ["matter", "decline"],
        ["matter", "declined"],
        ["matter", "deliverable", "add"],
        ["matter", "deliverable", "done"],
        ["matter", "deliverable", "list"],
        ["matter", "evaluate"],
        ["matter", "schedule"],
        ["matter", "payment"],
        ["matter", "unpaid"],
        ["client", "consent"],
        ["client", "report"],
        ["client", "export"],
        ["report", "service"],
    ],
)
def test_help_has_example_and_json(invoke: Any, args: list[str]) -> None:
    text = invoke(*args, "--help").stdout
    assert "Example:" in text and "--json" in text


def test_decline_on_a_consultation(ctx: Any, invoke: Any, case: Any) -> None:
    consult = invoke.json(
        "consult", "log", case["client"], "--channel", "phone", "--summary", "想委託處理借款糾紛"
    )["number"]
    out = invoke.json(
        "matter",
        "decline",
        case["client"],
        "--consultation",
        consult,
        "--reason",
        "超出本所業務範圍",
    )
    assert out["consultation"] == consult
    other = invoke.json("client", "add", "--name", "林小華", "--kind", "person")["number"]
    before = audit_count(ctx)
    invoke("matter", "decline", other, "--consultation", consult, "--reason", "x", code=1)
    invoke("matter", "decline", other, "--consultation", "ZX2026-9999", "--reason", "x", code=1)
    assert audit_count(ctx) == before


def test_search_access_follows_the_reassignment(
    ctx: Any, invoke: Any, case: Any, tmp_path: Path
) -> None:
    m, c = case["matter"], case["client"]
    doc = tmp_path / "起訴狀.txt"
    doc.write_text("原告請求被告支付違約金及利息。", encoding="utf-8")
    filed = invoke.json("file", "add", c, str(doc), "--section", "case", "--matter", m)
    number = filed["number"] if isinstance(filed, dict) else filed[0]["number"]
    assert [h["document"] for h in invoke.json("search", "違約金", user="lin")["hits"]] == [number]
    assert invoke.json("search", "違約金", user="zhao")["hits"] == []
    invoke("matter", "reassign", m, "--from", "lin", "--to", "zhao", "--reason", "客戶要求")
    assert invoke.json("search", "違約金", user="lin")["hits"] == []
    assert [h["document"] for h in invoke.json("search", "違約金", user="zhao")["hits"]] == [number]
    # the filed document closes the deliverable and can carry a written consent
    invoke("matter", "deliverable", "add", m, "--title", "起訴狀", "--due", "+3", user="zhao")
    invoke("matter", "deliverable", "done", m, "1", "--document", number, user="zhao")
    invoke("matter", "deliverable", "done", m, "1", "--document", number, user="lin", code=1)
