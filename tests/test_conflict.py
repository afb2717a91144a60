"""The conflict-of-interest check: folding of names, exact identity numbers, where hits are
found, refusal of a matter against the firm's own client, and the waiver."""

from __future__ import annotations

from typing import Any

import pytest

from archivist.core import audit, clock
from archivist.core.errors import Conflict, Forbidden, InvalidInput
from archivist.matters import conflicts, consultations
from archivist.matters import service as matters
from archivist.matters import views as matter_views


@pytest.mark.parametrize("spelling", ["陈大文", "陳　大文", "陈　大文", " 陳 大 文 ", "陳大文"])
def test_finds_chan_tai_man_in_either_script_and_with_a_full_width_space(
    invoke: Any, make_client: Any, spelling: str
) -> None:
    make_client("陳大文", id_number="A123456789")
    out = invoke.json("conflict", "check", spelling)
    assert [(h["where"], h["reference"], h["found"]) for h in out["hits"]] == [
        ("client", "C0001", "陳大文")
    ]
    assert out["result"] == "hits" and out["number"] == str(out["id"])


def test_case_width_and_identity_numbers(ctx: Any, make_client: Any) -> None:
    make_client("Acme Trading Ltd", kind="company", id_number="91310000MA1FL0001X")
    hits = conflicts.check(ctx, ["ＡＣＭＥ  trading ltd"]).hits
    assert [h.reference for h in hits] == ["A0001"]
    assert [h.found for h in hits] == ["Acme Trading Ltd"]
    by_id = conflicts.check(ctx, [], ["91310000ma1fl0001x"]).hits
    assert [(h.match, h.found) for h in by_id] == [("id_number", "Acme Trading Ltd")]
    assert conflicts.check(ctx, [], ["91310000MA1FL0001"]).hits == []  # exact, not a prefix
    assert conflicts.check(ctx, ["Acme"]).hits == []  # a part of a name is not the name


def test_searches_matter_parties_and_consultations(ctx: Any, make_client: Any, invoke: Any) -> None:
    clock.set_now("2026-03-01T09:00:00")
    c = make_client("陳大文")
    consultations.log(
        ctx,
        c.number,
        "in-person",
        "客戶想起訴張小龍欠款",
        parties=["華美實業有限公司:91440300MA5ABCDE1X"],
    )
    number = matters.open_matter(
        ctx,
        c.number,
        "civil",
        "欠款糾紛",
        ["lin"],
        opposing=["李四貿易有限公司"],
        related=["李四:B222333444"],
    ).matter.number
    found = {
        h["where"]: h
        for h in invoke.json(
            "conflict", "check", "李四贸易有限公司", "李四", "华美实业有限公司", "張小龍"
        )["hits"]
    }
    assert found["opposing"]["reference"] == number
    assert found["opposing"]["client_number"] == c.number
    assert found["related"]["found"] == "李四"
    assert found["consultation"]["reference"] == "ZX2026-0001"
    assert found["consultation-mention"]["searched"] == "張小龍"
    ids = invoke.json(
        "conflict", "check", "--id-number", "b222333444", "--id-number", "91440300MA5ABCDE1X"
    )["hits"]
    assert {h["where"] for h in ids} == {"related", "consultation"}
    human = invoke("conflict", "check", "李四")
    assert number in human.output
    clear = invoke("conflict", "check", "完全無關的人")
    assert "No conflicts found" in clear.output


def test_checks_are_kept_and_audited(ctx: Any, ctx_as: Any, make_client: Any, invoke: Any) -> None:
    make_client("陳大文")
    conflicts.check(ctx_as("lin"), ["陈大文"])
    with pytest.raises(Forbidden):
        conflicts.check(ctx_as("wu"), ["陈大文"])
    with pytest.raises(InvalidInput):
        conflicts.check(ctx, [])
    invoke("conflict", "check", code=1)
    listed = invoke.json("conflict", "list")
    assert listed[0]["checked_by"] == "lin" and listed[0]["result"] == "hits"
    with ctx.ledger.read() as conn:
        events = audit.query(conn, action="conflict.check")
    assert events[0].actor == "lin" and events[0].details["hits"] == 1
    invoke("conflict", "list", user="lin", code=1)


def test_matter_against_a_client_is_refused_without_waiver_and_accepted_with_it(
    ctx: Any, make_client: Any, invoke: Any, home_dir: Any
) -> None:
    chan = make_client("陳大文", id_number="A123456789")
    make_client("王小明")
    first = matters.open_matter(ctx, chan.number, "civil", "陳的案件", ["lin"]).matter.number

    open_args = (
        "matter",
        "open",
        "W0001",
        "--type",
        "civil",
        "--title",
        "起訴陳大文",
        "--lawyer",
        "zhao",
        "--opposing",
        "陈　大文",
    )
    refused = invoke(*open_args, code=1)
    assert "conflict of interest" in refused.output and chan.number in refused.output
    assert "--conflict-waiver" in refused.output
    assert invoke.json("matter", "list", "--client", "W0001") == []
    checks = invoke.json("conflict", "list")
    assert checks[0]["result"] == "refused" and checks[0]["client_number"] == "W0001"
    assert checks[0]["matter_number"] is None

    # by identity number alone, under another name
    invoke(
        "matter",
        "open",
        "W0001",
        "--type",
        "civil",
        "--title",
        "x",
        "--lawyer",
        "zhao",
        "--opposing",
        "Chan Tai Man:a123456789",
        code=1,
    )

    # free text is no waiver; a waiver names the filed consent and a head approves it
    free = invoke(*open_args, "--conflict-waiver", "口頭同意", code=1)
    assert "not a written waiver" in free.output
    refused_check = checks[0]["id"]
    invoke(
        "conflict", "waive", str(refused_check), "--consent", "口頭同意", "--reason", "x", code=1
    )
    consent = home_dir / "consent.txt"
    consent.write_text("陳大文同意本所代理王小明。\n", encoding="utf-8")
    doc = invoke.json("file", "add", chan.number, str(consent), "--section", "basic")
    doc_number = doc[0]["number"] if isinstance(doc, list) else doc["number"]
    asked = invoke.json(
        "conflict",
        "waive",
        str(refused_check),
        "--consent",
        doc_number,
        "--reason",
        "雙方同意",
        user="lin",
    )
    assert asked["status"] == "requested" and asked["number"] == "W1"
    invoke(*open_args, "--conflict-waiver", "W1", code=1)  # not approved yet
    invoke("conflict", "approve", "W1", user="lin", code=1)  # a lawyer is no head
    invoke.json("conflict", "approve", "W1", user="head2")
    opened = invoke.json(*open_args, "--conflict-waiver", "W1")
    assert opened["number"] == "2026-MS-0002"  # the refusals consumed no number
    assert opened["conflict_waiver"] == "W1"
    assert opened["conflict_check"]["result"] == "waived"
    assert opened["conflict_check"]["hits"][0]["reference"] == chan.number
    assert doc_number in opened["conflict_check"]["waiver_detail"]
    assert "head2" in opened["conflict_check"]["waiver_detail"]
    shown = invoke.json("matter", "show", opened["number"])
    assert [c["result"] for c in shown["conflict_checks"]] == ["waived"]
    assert "conflict-waiver" in [e["kind"] for e in shown["events"]]
    human = invoke("matter", "show", opened["number"]).output
    assert "waiver W1: consent " + doc_number in human
    invoke(*open_args, "--conflict-waiver", "W1", code=1)  # a waiver is used once
    assert first != opened["number"]


def test_related_party_hits_warn_but_do_not_refuse(ctx: Any, make_client: Any, invoke: Any) -> None:
    make_client("陳大文")
    make_client("王小明")
    result = invoke(
        "matter",
        "open",
        "W0001",
        "--type",
        "non-litigation",
        "--title",
        "盡職調查",
        "--lawyer",
        "lin",
        "--related",
        "陳大文",
    )
    assert "related party 陳大文" in result.output  # the warning (stderr is mixed in)
    assert "FS-0001" in result.output
    waived = matters.open_matter(
        ctx, "W0001", "civil", "x", ["lin"], opposing=["趙六"], conflict_waiver="W9"
    )
    assert waived.matter.conflict_waiver is None and waived.conflict_check.result == "clear"
    assert any("not needed" in w for w in waived.warnings)


def test_opposing_the_matters_own_client_is_refused(ctx: Any, make_client: Any) -> None:
    c = make_client("陳大文")
    with pytest.raises(Conflict, match="conflict of interest"):
        matters.open_matter(ctx, c.number, "civil", "x", ["lin"], opposing=["陳大文"])
    assert matter_views.list_matters(ctx) == []
