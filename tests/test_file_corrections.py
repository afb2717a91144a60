"""Correcting misfiled documents (issue 22): move (renumbered, old number an alias), withdraw
with the head's approval (out of listings and search, restorable), refused in a sealed volume,
and followed by check's replay of the audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from archivist.core.errors import Conflict, Forbidden
from archivist.filing import corrections
from archivist.filing import service as filing
from archivist.integrity import checker


@pytest.fixture
def misfiled(ctx: Any, make_client: Any) -> tuple[Any, Any, Any]:
    chen = make_client("陳大文")
    lin = make_client("林小美")
    doc = filing.file_bytes(
        ctx,
        chen.number,
        "basic",
        "林小美的身份證明 违约".encode(),
        "林小美身份證.txt",
        source="filed",
    )
    return chen, lin, doc


def _numbers(ctx: Any, client: Any) -> list[str]:
    return [d.number for d in filing.list_documents(ctx, client.number)]


def test_move_renumbers_keeps_an_alias_and_check_stays_clean(
    ctx: Any, misfiled: Any, invoke: Any, make_matter: Any
) -> None:
    chen, lin, doc = misfiled
    matter = make_matter(lin)
    out = invoke.json(
        "file", "move", doc.number, "--to", lin.number, "--section", "case", "--matter", matter
    )
    assert out["client_number"] == lin.number and out["number"].startswith(lin.number)
    assert out["section"] == "case" and out["matter_number"] == matter
    assert _numbers(ctx, chen) == [] and _numbers(ctx, lin) == [out["number"]]
    shown = invoke.json("file", "show", doc.number)  # the old number finds the new one
    assert shown["number"] == out["number"]
    assert not ctx.store.resolve(doc.path).exists()
    assert ctx.store.resolve(out["path"]).read_bytes() == "林小美的身份證明 违约".encode()
    hits = invoke.json("search", "违约")["hits"]
    assert [h["document"] for h in hits] == [out["number"]]
    report = checker.check(ctx)
    assert report.ok, report.problems


def test_a_move_the_trail_does_not_know_is_tampering(ctx: Any, misfiled: Any) -> None:
    chen, lin, doc = misfiled
    from archivist.ledger.tables.documents import documents

    with ctx.ledger.write() as conn:
        conn.execute(documents.update().where(documents.c.id == doc.id).values(client_id=lin.id))
    assert any(p.kind == "tampered" for p in checker.check(ctx).problems)


def test_withdrawal_needs_the_head_and_is_restorable(
    ctx: Any, ctx_as: Any, misfiled: Any, invoke: Any
) -> None:
    chen, lin, doc = misfiled
    w = invoke.json("file", "withdraw", doc.number, "--reason", "誤歸", user="clerk")
    with pytest.raises(Forbidden):
        corrections.decide_withdrawal(ctx_as("clerk"), w["id"], True)  # not a head
    with pytest.raises(Forbidden):
        corrections.decide_withdrawal(ctx_as("lin"), w["id"], True)
    assert _numbers(ctx, chen) == [doc.number]  # still there while pending
    corrections.decide_withdrawal(ctx, w["id"], True)
    assert _numbers(ctx, chen) == []
    assert invoke.json("search", "违约")["hits"] == []
    assert [x["document"] for x in invoke.json("file", "withdrawn")] == [doc.number]
    report = checker.check(ctx)
    assert report.ok, report.problems
    invoke("index", "rebuild")
    assert invoke.json("search", "违约")["hits"] == []  # a rebuild leaves it out too
    invoke("file", "restore", doc.number)
    assert _numbers(ctx, chen) == [doc.number]
    assert [h["document"] for h in invoke.json("search", "违约")["hits"]] == [doc.number]
    report = checker.check(ctx)
    assert report.ok, report.problems


def test_the_requester_cannot_approve_their_own_withdrawal(ctx: Any, misfiled: Any) -> None:
    chen, lin, doc = misfiled
    w = corrections.request_withdrawal(ctx, doc.number, "誤歸")
    with pytest.raises(Forbidden, match="made the request"):
        corrections.decide_withdrawal(ctx, w["id"], True)


def test_sealed_volumes_refuse_moves_and_withdrawals(
    ctx: Any, make_client: Any, make_matter: Any, invoke: Any
) -> None:
    from archivist.matters import service as matters
    from archivist.volumes import service as volumes

    client = make_client("趙一")
    other = make_client("錢二")
    number = make_matter(client)
    doc = filing.file_bytes(
        ctx,
        client.number,
        "case",
        "判決書".encode(),
        "判決書.txt",
        matter_number=number,
        source="filed",
    )
    matters.close(ctx, number, "完畢", True)
    volumes.seal(ctx, number, waive_rest="測試")
    r = invoke("file", "move", doc.number, "--to", other.number, code=1)
    assert "sealed" in r.output
    with pytest.raises(Conflict, match="sealed"):
        corrections.request_withdrawal(ctx, doc.number, "誤歸")
    assert _numbers(ctx, client) == [doc.number]
