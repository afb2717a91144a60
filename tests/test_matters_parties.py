"""Parties added after opening run and keep the conflict check like `matter open`."""

from __future__ import annotations

from typing import Any

from archivist.matters import service as matters


def test_adding_parties_checks_and_keeps_the_check(
    ctx: Any, make_client: Any, invoke: Any, home_dir: Any
) -> None:
    chan = make_client("陳大文")
    wong = make_client("王小明")
    number = matters.open_matter(ctx, wong.number, "civil", "x", ["lin"]).matter.number

    out = invoke.json(
        "matter",
        "party",
        number,
        "--related",
        "王大明:C111222333",
        "--relation",
        "法定代表人",
        user="lin",
    )
    assert out["number"] == number and out["conflict_check"]["result"] == "clear"

    refused = invoke("matter", "party", number, "--opposing", "陈大文", user="lin", code=1)
    assert "conflict of interest" in refused.output and "the firm's client" in refused.output
    assert chan.number not in refused.output  # lin may not read that client (issue 21)
    invoke("matter", "party", number, "--opposing", "趙六", user="zhao", code=1)  # not assigned
    invoke("matter", "party", number, user="lin", code=1)  # nothing to add

    refused_check = invoke.json("conflict", "list")[0]["id"]
    consent = home_dir / "consent.txt"
    consent.write_text("陳大文書面同意。\n", encoding="utf-8")
    doc = invoke.json("file", "add", chan.number, str(consent), "--section", "basic")
    doc_number = doc[0]["number"] if isinstance(doc, list) else doc["number"]
    invoke("conflict", "waive", str(refused_check), "--consent", doc_number, "--reason", "同意")
    invoke("conflict", "approve", "W1", code=1)  # mei asked: she may not approve it herself
    invoke("conflict", "approve", "W1", user="head2")
    ok = invoke.json(
        "matter", "party", number, "--opposing", "陈大文", "--conflict-waiver", "W1", user="lin"
    )
    assert ok["conflict_check"]["result"] == "waived"

    shown = invoke.json("matter", "show", number)
    assert [(p["role"], p["name"]) for p in shown["parties"]] == [
        ("client", "王小明"),
        ("related", "王大明"),
        ("opposing", "陈大文"),
    ]
    assert shown["parties"][1]["relation"] == "法定代表人"
    assert [c["result"] for c in shown["conflict_checks"]] == [
        "clear",
        "clear",
        "refused",
        "waived",
    ]
    assert shown["matter"]["conflict_waiver"] == "W1"
    register = (
        home_dir / "archive_store" / wong.folder / "04 律師工作記錄" / f"{number} 律師工作記錄.md"
    ).read_text(encoding="utf-8")
    assert "增加當事人" in register and "refused" in register

    # now that 陈大文 is an opposing party here, searching finds it there
    hits = invoke.json("conflict", "check", "陳大文")["hits"]
    assert {h["where"] for h in hits} == {"client", "opposing"}

    matters.close(ctx, number, "done", True)
    invoke("matter", "party", number, "--related", "x", user="lin", code=1)
