"""Retention and disposal (issue 22): volumes past their term are proposed, approved by the
head (and a second approver when configured), destroyed from store, index and ledger, and
kept in the register; holds, loans and open complaints block it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from archivist.core import clock
from archivist.core.errors import Conflict, Forbidden
from archivist.filing import service as filing
from archivist.matters import service as matters
from archivist.volumes import disposal, holds
from archivist.volumes import service as volumes


@pytest.fixture
def old_volume(ctx: Any, make_client: Any, make_matter: Any) -> tuple[Any, str, list[Any]]:
    """A short-term volume sealed in 1990, past its 30 years by 2026."""
    clock.set_now(datetime(1990, 3, 1, 9, 0))
    client = make_client()
    number = make_matter(client, type="consultation", title="諮詢")
    docs = [
        filing.file_bytes(
            ctx,
            client.number,
            "case",
            f"諮詢記錄 第{i}次 违约".encode(),
            f"諮詢記錄{i}.txt",
            matter_number=number,
            source="filed",
        )
        for i in (1, 2)
    ]
    matters.close(ctx, number, "諮詢完畢", True)
    volumes.seal(ctx, number, retention_class="short")
    clock.set_now(datetime(2026, 6, 1, 9, 0))
    return client, number, docs


def test_a_volume_past_its_term_is_disposed_of_with_approval_and_a_register(
    ctx: Any, ctx_as: Any, old_volume: Any, invoke: Any, home_dir: Any, tmp_path: Any
) -> None:
    client, number, docs = old_volume
    invoke("backup", str(tmp_path / "bk"))
    due = invoke.json("disposal", "list")
    assert [d["matter"] for d in due] == [number] and due[0]["blocked"] == ""
    clerk = ctx_as("clerk")
    batch = disposal.propose(clerk, [number])
    with pytest.raises(Forbidden):  # a lawyer cannot approve
        disposal.approve(ctx_as("lin"), batch.number)
    with pytest.raises(Conflict):  # not yet approved
        disposal.carry_out(clerk, batch.number, "碎紙機銷毀")
    disposal.approve(ctx, batch.number)  # mei, the head, did not propose it
    files = [ctx.store.resolve(d.path) for d in docs]
    assert all(f.exists() for f in files)
    done = json.loads(
        invoke(
            "disposal",
            "carry-out",
            batch.number,
            "--method",
            "碎紙機銷毀",
            "--yes",
            "--json",
            user="clerk",
        ).stdout
    )
    assert done["status"] == "done" and done["method"] == "碎紙機銷毀"
    assert not any(f.exists() for f in files)
    register = done["items"][0]["documents"]
    assert {d["number"]: d["checksum"] for d in register} == {d.number: d.checksum for d in docs}
    assert str(tmp_path / "bk") in done["backups"]
    assert (home_dir / done["register_path"]).is_file()
    assert filing.list_documents(ctx, client.number) == []
    assert invoke.json("search", "违约")["hits"] == []
    assert volumes.show(ctx, number).status == "disposed"
    from archivist.integrity import checker

    report = checker.check(ctx)
    assert report.ok, report.problems  # the replay knows the disposal is no tampering


def test_the_proposer_cannot_approve_and_a_second_approver_is_configurable(
    ctx: Any, ctx_as: Any, old_volume: Any, home_dir: Any
) -> None:
    client, number, docs = old_volume
    batch = disposal.propose(ctx, [number])
    with pytest.raises(Forbidden, match="made the request"):
        disposal.approve(ctx, batch.number)
    config = home_dir / "archivist.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "second_approver = false", "second_approver = true"
        ),
        encoding="utf-8",
    )
    head2 = ctx_as("head2")
    assert disposal.approve(head2, batch.number).status == "proposed"  # one more needed
    with pytest.raises(Forbidden):
        disposal.approve(head2, batch.number)  # not the same person twice
    with pytest.raises(Forbidden):
        disposal.approve(ctx_as("lin"), batch.number)
    assert disposal.approve(ctx_as("boss"), batch.number).status == "approved"


def test_holds_loans_and_open_complaints_block_disposal(
    ctx: Any, ctx_as: Any, old_volume: Any, invoke: Any
) -> None:
    client, number, docs = old_volume
    h = holds.place(ctx, number, "監管調查")
    with pytest.raises(Conflict, match="legal hold"):
        disposal.propose(ctx, [number])
    assert "legal hold" in invoke.json("disposal", "list")[0]["blocked"]
    holds.release(ctx, h.id, "調查結束")
    batch = disposal.propose(ctx_as("clerk"), [number])
    disposal.approve(ctx, batch.number)
    holds.place(ctx, client.number, "訴訟保全")  # placed after approval: still blocks
    with pytest.raises(Conflict, match="legal hold"):
        disposal.carry_out(ctx, batch.number, "碎紙機銷毀")
    assert all(ctx.store.resolve(d.path).exists() for d in docs)
    invoke("complaint", "file", client.number, "--channel", "phone", "--content", "服務不滿")
    for h in holds.list_holds(ctx):
        holds.release(ctx, h.id, "解除")
    with pytest.raises(Conflict, match="complaint"):
        disposal.carry_out(ctx, batch.number, "碎紙機銷毀")


def test_permanent_and_unexpired_volumes_are_not_proposed(
    ctx: Any, make_client: Any, make_matter: Any
) -> None:
    clock.set_now(datetime(1950, 1, 1, 9, 0))
    client = make_client()
    number = make_matter(client, type="consultation")
    filing.file_bytes(
        ctx,
        client.number,
        "case",
        "諮詢記錄".encode(),
        "諮詢記錄.txt",
        matter_number=number,
        source="filed",
    )
    matters.close(ctx, number, "完畢", True)
    volumes.seal(ctx, number, retention_class="永久")
    clock.set_now(datetime(2026, 1, 1, 9, 0))
    with pytest.raises(Conflict, match="permanent"):
        disposal.propose(ctx, [number])
    assert disposal.due(ctx) == []


def test_a_sealed_volume_is_lent_as_paper_and_a_loan_blocks_its_disposal(
    ctx: Any, ctx_as: Any, old_volume: Any
) -> None:
    from archivist.loans import exports
    from archivist.loans import service as loans

    client, number, docs = old_volume
    volumes.locate(ctx, number, room="檔案室A", cabinet="3", box="12")
    loan = loans.request(ctx_as("lin"), client.number, purpose="再審準備", matter=number).loan
    assert loan.paper_volume == "檔案室A / 3 / 12"
    from archivist.core import i18n

    with i18n.using("zh_Hant"):  # the register in the reader's language (issue 20)
        row = exports.register_row(loans.list_loans(ctx)[0])
    assert f"案件 {number} 的紙本卷宗，存放於 檔案室A / 3 / 12" in row
    loans.approve(ctx, loan.number)
    with pytest.raises(Conflict, match="on loan"):
        disposal.propose(ctx, [number])
