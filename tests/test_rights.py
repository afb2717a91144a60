"""Rights and duties, library level: change of lawyer, declines, deliverables, payments,
evaluations, written consent and the consent-respecting export."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from archivist.core import access, audit, clock, users
from archivist.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from archivist.ledger.tables.core import counters
from archivist.ledger.tables.documents import documents
from archivist.matters import service as matters
from archivist.matters.duties import consent, decline, deliverables, evaluations, payments, reassign


def file_doc(ctx: Any, client: Any, number: str, title: str = "書面同意書") -> str:
    """Insert a filed document row directly (the filing feature is another module's)."""
    with ctx.ledger.write() as conn:
        conn.execute(
            documents.insert().values(
                number=number,
                client_id=client.id,
                section="basic",
                title=title,
                original_name=f"{number}.pdf",
                path=f"{client.folder}/01/{number}.pdf",
                size=1,
                checksum="0" * 64,
                filetype="pdf",
                filed_at=clock.now(),
                filed_by=1,
            )
        )
    return number


@pytest.fixture
def setup(ctx: Any, make_client: Any, make_matter: Any) -> dict[str, Any]:
    clock.set_now("2026-03-01T09:00:00")
    client = make_client("陳大文")
    return {"client": client, "matter": make_matter(client, ["lin"])}


# ----------------------------------------------------------------------------- reassignment
def test_reassign_moves_write_and_search_access(ctx: Any, ctx_as: Any, setup: Any) -> None:
    number, client = setup["matter"], setup["client"]
    with ctx.ledger.read() as conn:
        lin, zhao = users.get(conn, "lin"), users.get(conn, "zhao")
        assert client.id in access.scope_for(conn, lin).client_ids
        assert client.id not in access.scope_for(conn, zhao).client_ids
    # the old lawyer can record work before the change
    deliverables.add(ctx_as("lin"), number, "起訴狀", "2026-03-10")

    result = reassign.reassign(ctx, number, "lin", "zhao", "客戶要求更換", client_request=True)
    assert result.lawyers == ["zhao"]
    with ctx.ledger.read() as conn:
        assert client.id not in access.scope_for(conn, lin).client_ids
        assert client.id in access.scope_for(conn, zhao).client_ids
        assert matters.get(conn, number).lawyers == ["zhao"]
        events = audit.query(conn, action="matter.reassign")
    assert events[-1].details["old"] == "lin" and events[-1].details["client_request"] is True
    with pytest.raises(NotFound):  # lin may no longer read the matter: it is not there for him
        deliverables.add(ctx_as("lin"), number, "答辯狀", "2026-03-12")
    deliverables.add(ctx_as("zhao"), number, "答辯狀", "2026-03-12")
    # the lawyer no longer sees the deliverables of the matter
    assert deliverables.list_deliverables(ctx_as("lin")) == []
    assert len(deliverables.list_deliverables(ctx_as("zhao"))) == 2
    # recorded in the client's archive folder
    folder = ctx.store.resolve(client.folder)
    text = next(folder.glob("04 */*權利義務記錄.txt")).read_text(encoding="utf-8")
    assert "lin -> zhao（客戶要求）" in text  # in the firm's language (issue 20)


def test_reassign_refusals_change_nothing(ctx: Any, ctx_as: Any, setup: Any) -> None:
    number = setup["matter"]
    with ctx.ledger.read() as conn:
        before = conn.execute(select(func.count()).select_from(audit.audit_events)).scalar_one()
    with pytest.raises(Conflict, match="zhao is not assigned"):
        reassign.reassign(ctx, number, "zhao", "lin", "x")
    with pytest.raises(InvalidInput, match="not a lawyer"):
        reassign.reassign(ctx, number, "lin", "wu", "x")
    with pytest.raises(InvalidInput, match="reason"):
        reassign.reassign(ctx, number, "lin", "zhao", "  ")
    with pytest.raises(Forbidden, match="needs the role"):
        reassign.reassign(ctx_as("lin"), number, "lin", "zhao", "x")
    with pytest.raises(NotFound):
        reassign.reassign(ctx, "2026-MS-9999", "lin", "zhao", "x")
    with ctx.ledger.read() as conn:
        after = conn.execute(select(func.count()).select_from(audit.audit_events)).scalar_one()
        assert matters.get(conn, number).lawyers == ["lin"]
    assert after == before


# ----------------------------------------------------------------------------- decline
def test_decline_consumes_no_matter_number(ctx: Any, setup: Any, make_matter: Any) -> None:
    client = setup["client"]
    with ctx.ledger.read() as conn:
        counts_before = dict(conn.execute(select(counters.c.key, counters.c.value)).all())
    declined = decline.decline(
        ctx, client.number, "利益衝突，不予受理", type="civil", title="借款糾紛"
    )
    assert declined.number is None and declined.client == client.number
    with ctx.ledger.read() as conn:
        assert dict(conn.execute(select(counters.c.key, counters.c.value)).all()) == counts_before
        assert (
            audit.query(conn, action="matter.decline")[-1].details["reason"] == "利益衝突，不予受理"
        )
    # the next matter takes the number right after the last one
    assert make_matter(client) == "2026-MS-0002"
    assert [d.reason for d in decline.list_declined(ctx, client.number)] == ["利益衝突，不予受理"]
    text = next(ctx.store.resolve(client.folder).glob("01 */拒絕代理記錄.txt")).read_text("utf-8")
    assert "借款糾紛" in text and "利益衝突" in text
    with pytest.raises(InvalidInput, match="unknown matter type"):
        decline.decline(ctx, client.number, "x", type="tax")


# ----------------------------------------------------------------------------- deliverables
def test_overdue_deliverables_with_controlled_clock(
    ctx: Any, setup: Any, make_client: Any, make_matter: Any
) -> None:
    number = setup["matter"]
    other = make_matter(make_client("林小華"), ["zhao"])
    deliverables.add(ctx, number, "起訴狀", "2026-03-05")
    deliverables.add(ctx, number, "證據目錄", "2026-03-20")
    deliverables.add(ctx, other, "法律意見書", "2026-03-04")
    assert deliverables.list_deliverables(ctx, overdue=True) == []

    clock.set_now("2026-03-06T10:00:00")
    overdue = deliverables.list_deliverables(ctx, overdue=True)
    assert [(d.matter, d.title) for d in overdue] == [(other, "法律意見書"), (number, "起訴狀")]
    assert [d.title for d in deliverables.list_deliverables(ctx, overdue=True, lawyer="lin")] == [
        "起訴狀"
    ]
    file_doc(ctx, setup["client"], "C0001-0001", "起訴狀")
    done = deliverables.done(ctx, number, 1, document="C0001-0001")
    assert done.status == "done" and done.document == "C0001-0001"
    assert [d.title for d in deliverables.list_deliverables(ctx, overdue=True)] == ["法律意見書"]
    with ctx.ledger.read() as conn:
        mid = matters.get(conn, number).id
        assert [d.title for d in deliverables.open_deliverables(conn, mid)] == ["證據目錄"]
        assert audit.query(conn, action="deliverable.done")[-1].details["days_late"] == 1
    with pytest.raises(Conflict, match="already done"):
        deliverables.done(ctx, number, 1)
    with pytest.raises(NotFound):
        deliverables.done(ctx, number, 9)
    with pytest.raises(InvalidInput, match="in the past"):
        deliverables.add(ctx, number, "上訴狀", "2026-03-01")
    with pytest.raises(InvalidInput, match="not a date"):
        deliverables.add(ctx, number, "上訴狀", "next week")


# ----------------------------------------------------------------------------- payments
def test_unpaid_instalments_with_controlled_clock(ctx: Any, setup: Any) -> None:
    number = setup["matter"]
    plan = payments.set_schedule(
        ctx, number, ["2026-03-10:30000:簽約後", "2026-05-01:20000", "2026-07-01:10000.50"]
    )
    assert [i.amount for i in plan] == ["30000.00", "20000.00", "10000.50"]
    assert payments.unpaid(ctx) == []

    clock.set_now("2026-03-15T09:00:00")
    assert [(i.seq, i.outstanding) for i in payments.unpaid(ctx)] == [(1, "30000.00")]
    payments.record_payment(ctx, number, "10000", "2026-03-12", reference="轉賬 001")
    assert [(i.seq, i.outstanding) for i in payments.unpaid(ctx)] == [(1, "20000.00")]
    payments.record_payment(ctx, number, "25000", "today")
    assert payments.unpaid(ctx) == []

    clock.set_now("2026-05-02T09:00:00")
    unpaid = payments.unpaid(ctx)
    assert [(i.seq, i.paid, i.outstanding) for i in unpaid] == [(2, "5000.00", "15000.00")]
    assert payments.unpaid(ctx, lawyer="zhao") == []
    with ctx.ledger.read() as conn:
        assert audit.query(conn, action="payment.record")[0].details["amount"] == "10000.00"
    for bad in ("-5", "abc", "0", "1.234"):
        with pytest.raises(InvalidInput):
            payments.record_payment(ctx, number, bad, "today")
    with pytest.raises(InvalidInput, match="future"):
        payments.record_payment(ctx, number, "5", "2026-06-01")
    with pytest.raises(InvalidInput, match="DATE:AMOUNT"):
        payments.set_schedule(ctx, number, ["2026-06-01"])


# ----------------------------------------------------------------------------- evaluations
def test_evaluations_and_summary(
    ctx: Any, ctx_as: Any, setup: Any, make_client: Any, make_matter: Any
) -> None:
    number = setup["matter"]
    other = make_matter(make_client("林小華"), ["lin", "zhao"])
    assert [e.lawyer for e in evaluations.evaluate(ctx, number, 4, "回覆及時")] == ["lin"]
    assert [e.lawyer for e in evaluations.evaluate(ctx, other, 2, "拖延")] == ["lin", "zhao"]
    evaluations.evaluate(ctx, other, 5, lawyer="zhao")
    summary = {s.lawyer: s for s in evaluations.summary(ctx)}
    assert (
        summary["lin"].evaluations,
        summary["lin"].average,
        summary["lin"].low_scores,
        summary["lin"].matters,
    ) == (2, 3.0, 1, 2)
    assert (summary["zhao"].average, summary["zhao"].lowest, summary["zhao"].highest) == (3.5, 2, 5)
    for bad in (0, 6):
        with pytest.raises(InvalidInput):
            evaluations.evaluate(ctx, number, bad)
    with pytest.raises(InvalidInput, match="never worked"):
        evaluations.evaluate(ctx, number, 3, lawyer="zhao")
    with pytest.raises(Forbidden):
        evaluations.evaluate(ctx_as("lin"), number, 5)
    with pytest.raises(Forbidden):
        evaluations.summary(ctx_as("lin"))
    assert evaluations.summary(ctx_as("boss"))


# ----------------------------------------------------------------------------- consent + export
def test_export_leaves_out_clients_without_consent(
    ctx: Any, make_client: Any, tmp_path: Path
) -> None:
    a = make_client("陳大文", phone="0912")
    b = make_client("林小華")
    c = make_client("王大明")
    make_client("張三")
    consent.grant(ctx, a.number, "統計及市場推廣", file_doc(ctx, a, "A-1"))
    consent.grant(ctx, b.number, "statistics only", file_doc(ctx, b, "B-1"))
    granted = consent.grant(ctx, c.number, "marketing", file_doc(ctx, c, "C-1"))
    assert granted.purposes == ["marketing"]
    consent.revoke(ctx, c.number)

    out = tmp_path / "marketing.csv"
    result = consent.export(ctx, "marketing", str(out))
    assert (result.exported, result.left_out) == (1, 3)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["number"], r["name"], r["phone"]) for r in rows] == [(a.number, "陳大文", "0912")]

    stats = consent.export(ctx, "statistics", str(tmp_path / "stats.csv"))
    assert (stats.exported, stats.left_out) == (2, 2)
    assert "name" not in stats.columns
    with ctx.ledger.read() as conn:
        event = audit.query(conn, action="client.export")[-1]
    assert event.details["left_out"] == 2 and event.details["purpose"] == "statistics"
    # the consent register in the folder shows the revocation
    text = next(ctx.store.resolve(c.folder).glob("01 */書面同意記錄.txt")).read_text("utf-8")
    assert "撤銷" in text


def test_consent_refusals(ctx: Any, ctx_as: Any, make_client: Any, tmp_path: Path) -> None:
    a, b = make_client("陳大文"), make_client("林小華")
    file_doc(ctx, b, "B-1")
    with pytest.raises(InvalidInput, match="written"):
        consent.grant(ctx, a.number, "marketing", "")
    with pytest.raises(NotFound, match="no filed document"):
        consent.grant(ctx, a.number, "marketing", "X-9")
    with pytest.raises(InvalidInput, match="another client"):
        consent.grant(ctx, a.number, "marketing", "B-1")
    with pytest.raises(Conflict, match="no active consent"):
        consent.revoke(ctx, a.number)
    with pytest.raises(Forbidden):
        consent.export(ctx_as("lin"), "marketing", str(tmp_path / "x.csv"))
    with pytest.raises(InvalidInput, match="unknown purpose"):
        consent.export(ctx, "sales", str(tmp_path / "x.csv"))
    consent.export(ctx, "marketing", str(tmp_path / "x.csv"))
    with pytest.raises(Conflict, match="already exists"):
        consent.export(ctx, "marketing", str(tmp_path / "x.csv"))
    with ctx.ledger.read() as conn:
        assert len(audit.query(conn, action="client.export")) == 1


def test_folder_registers_do_not_depend_on_the_date(ctx: Any, setup: Any) -> None:
    """`archivist check` compares derived files with the ledger: they must not change with
    the clock alone (no 'overdue' in them)."""
    from archivist.clients import records, registry

    number, client = setup["matter"], setup["client"]
    deliverables.add(ctx, number, "起訴狀", "2026-03-05")
    payments.set_schedule(ctx, number, ["2026-03-10:30000"])
    with ctx.ledger.read() as conn:
        before = records.expected(conn, registry.by_id(conn, client.id), "en")
    clock.set_now("2026-09-01T09:00:00")
    with ctx.ledger.read() as conn:
        after = records.expected(conn, registry.by_id(conn, client.id), "en")
    ours = [k for k in before if "權利義務記錄" in k]
    assert ours and all(before[k] == after[k] for k in ours)
    assert "outstanding 30000.00" in before[ours[0]]


def test_evaluation_at_closure_is_marked(ctx: Any, setup: Any) -> None:
    number = setup["matter"]
    evaluations.evaluate(ctx, number, 5)
    matters.close(ctx, number, "調解結案", True)
    closing = evaluations.evaluate(ctx, number, 3, "費用偏高")
    with ctx.ledger.read() as conn:
        rows = evaluations.for_matter(conn, matters.get(conn, number).id)
    assert [e.at_closure for e in rows] == [False, True] and closing[0].comment == "費用偏高"
