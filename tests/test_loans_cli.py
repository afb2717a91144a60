"""Borrowing through the CLI: the whole path, refusals and exit codes, lists, the register."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from archivist.core import clock


@pytest.fixture
def client_no(make_client: Any, make_matter: Any) -> str:
    clock.set_now("2026-03-02T09:00:00")
    client = make_client("陳大文")
    make_matter(client, lawyers=["zhao"])
    return client.number


def test_whole_path_through_the_cli(invoke: Any, client_no: str) -> None:
    made = invoke.json(
        "loan", "request", client_no, "--purpose", "準備開庭", "--days", "5", user="lin"
    )
    number = made["number"]
    assert number == "JY2026-0001" and made["state"] == "pending" and made["days"] == 5
    text = invoke("loan", "approve", number, "--note", "限閱覽", user="head2").output
    assert f"{number}  approved for 5 days" in text
    out = invoke.json("loan", "checkout", number, "--ack-confidentiality", user="clerk")
    assert out["state"] == "out" and out["due_date"] == "2026-03-07"
    assert out["ack_confidentiality"] is True
    listed = invoke.json("loan", "list", "--status", "out", user="mei")
    assert [x["number"] for x in listed] == [number]
    table = invoke("loan", "list", user="lin").output
    assert number in table and "2026-03-07" in table
    invoke("loan", "renew", number, "--days", "3", user="lin")
    renewed = invoke.json("loan", "approve", number, user="mei")
    assert renewed["due_date"] == "2026-03-10" and renewed["renewals"] == 1
    back = invoke.json("loan", "return", number, "--condition", "完好", user="clerk")
    assert back["state"] == "returned" and back["condition"] == "完好"
    shown = invoke("loan", "show", number).output
    for action in (
        "loan.request",
        "loan.approve",
        "loan.checkout",
        "loan.renew",
        "loan.renewal.approve",
        "loan.return",
    ):
        assert action in shown
    client = invoke.json("client", "show", client_no)
    assert client["loans"][0]["number"] == number
    assert client["loans"][0]["state"] == "returned"
    assert number in invoke("client", "show", client_no).output


def test_refusals_exit_1_and_name_the_state(invoke: Any, client_no: str) -> None:
    number = invoke.json("loan", "request", client_no, "--purpose", "x", user="mei")["number"]
    res = invoke("loan", "approve", number, user="mei", code=1)
    assert "their own request" in res.output and res.output.startswith("Error:")
    res = invoke("loan", "checkout", number, "--ack-confidentiality", user="clerk", code=1)
    assert "'pending'" in res.output and "approval" in res.output
    invoke("loan", "approve", number, user="head2")
    res = invoke("loan", "checkout", number, user="clerk", code=1)
    assert "confidentiality acknowledgement" in res.output and "--ack-confidentiality" in res.output
    res = invoke("loan", "reject", number, "--reason", "x", user="head2", code=1)
    assert "is 'approved'" in res.output
    res = invoke("loan", "cancel", number, user="lin", code=1)
    assert f"no loan '{number}' that you may read" in res.output
    invoke("loan", "cancel", number, user="mei")
    res = invoke("loan", "show", "JY2026-0999", code=1)
    assert "no loan" in res.output
    invoke("loan", "list", "--status", "lost", code=2)
    invoke("loan", "reject", number, code=2)  # --reason is required


def test_overdue_command_with_controlled_clock(invoke: Any, client_no: str) -> None:
    number = invoke.json("loan", "request", client_no, "--purpose", "x", "--days", "2", user="lin")[
        "number"
    ]
    invoke("loan", "approve", number)
    invoke("loan", "checkout", number, "--ack-confidentiality")
    assert invoke.json("loan", "overdue") == []
    res = invoke("loan", "overdue")
    assert "No loans are overdue." in res.output
    clock.set_now("2026-03-10T08:00:00")
    late = invoke.json("loan", "overdue")
    assert [(x["number"], x["days_overdue"]) for x in late] == [(number, 6)]
    assert number in invoke("loan", "overdue").output


def _make(invoke: Any, client_no: str, when: str, checkout: bool = True) -> str:
    clock.set_now(when)
    number = invoke.json(
        "loan", "request", client_no, "--purpose", f"用途 {when[:10]}", user="lin"
    )["number"]
    invoke("loan", "approve", number)
    if checkout:
        invoke("loan", "checkout", number, "--ack-confidentiality")
        invoke("loan", "return", number, "--condition", "完好")
    return number


def test_register_lists_exactly_the_loans_in_the_period(
    invoke: Any, client_no: str, tmp_path: Path
) -> None:
    before = _make(invoke, client_no, "2026-02-28T17:00:00")
    first = _make(invoke, client_no, "2026-03-01T00:00:00")
    second = _make(invoke, client_no, "2026-03-31T23:59:00", checkout=False)
    _make(invoke, client_no, "2026-04-01T08:00:00")
    out = tmp_path / "register.csv"
    res = invoke.json(
        "--lang",
        "zh_Hant",
        "loan",
        "register",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--out",
        str(out),
    )
    assert res["count"] == 2 and res["numbers"] == [first, second]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # utf-8-sig: Excel reads the Chinese
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["借閱編號", "客戶編號", "客戶名稱"]
    assert [r[0] for r in rows[1:]] == [first, second]
    # people by their names (issue 20): the borrower 林志明 (lin), approved by 王美 (mei)
    assert rows[1][5] == "林志明" and rows[1][8] == "王美" and rows[1][12] == "完好"
    assert rows[1][13] == "已歸還"
    assert rows[2][9] == ""  # approved, never checked out
    invoke("loan", "register", "--out", str(out), code=1)  # exists: refuses
    everything = invoke.json("loan", "register", "--out", str(out), "--force")
    assert everything["count"] == 4 and before in everything["numbers"]
    docx_path = tmp_path / "register.docx"
    invoke(
        "loan", "register", "--from", "2026-03-01", "--to", "2026-03-31", "--out", str(docx_path)
    )
    from docx import Document

    table = Document(str(docx_path)).tables[0]
    assert [row.cells[0].text for row in table.rows[1:]] == [first, second]
    invoke("loan", "register", "--out", str(tmp_path / "r.xlsx"), code=1)
    invoke("loan", "register", "--out", str(tmp_path / "r2.csv"), user="lin", code=1)
    invoke(
        "loan",
        "register",
        "--from",
        "2026-04-01",
        "--to",
        "2026-03-01",
        "--out",
        str(tmp_path / "r3.csv"),
        code=1,
    )


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for s in doc.sections for p in s.header.paragraphs]
    parts += [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_loan_form_fills_the_template(
    invoke: Any, ctx: Any, client_no: str, tmp_path: Path
) -> None:
    from archivist.clients import registry
    from tests.test_loans import add_document

    with ctx.ledger.read() as conn:
        client = registry.get(conn, client_no)
    doc, _ = add_document(ctx, client, title="借款合同原件")
    number = invoke.json(
        "loan",
        "request",
        client_no,
        "--documents",
        doc,
        "--purpose",
        "核對借款合同",
        "--days",
        "3",
        user="lin",
    )["number"]
    pending = tmp_path / "pending.docx"
    invoke("loan", "form", number, "--out", str(pending), user="lin")
    text = _docx_text(pending)
    assert number in text and "林志明" in text and "律師" in text and "借款合同原件" in text
    assert "批准" not in text.replace("審批", "")  # no decision yet
    invoke("loan", "approve", number, "--note", "限閱覽", user="head2")
    out = tmp_path / "form.docx"
    res = invoke.json("loan", "form", number, "--out", str(out), user="mei")
    assert res["number"] == number and res["data"]["approver"] == "何主任"
    text = _docx_text(out)
    assert "陳林律師事務所" in text and client_no in text and "批准：限閱覽" in text
    assert "何主任" in text and "核對借款合同" in text and "2026年3月5日" in text
    invoke("loan", "form", number, "--out", str(out), code=1)  # exists
    invoke("loan", "form", number, "--out", str(tmp_path / "w.docx"), user="wu", code=1)
    events = invoke.json("audit", "log", "--action", "loan.form")
    assert [e["object_id"] for e in events] == [number, number]
