"""Borrowing: the library rules (states, roles, originals, access, overdue, client records)."""

from __future__ import annotations

from typing import Any

import pytest

from archivist.clients import registry
from archivist.core import access, clock, users
from archivist.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from archivist.ledger.tables.documents import documents
from archivist.loans import service as loans


def add_document(
    ctx: Any, client: Any, matter_number: str | None = None, title: str = "起訴狀"
) -> tuple[str, int]:
    """Insert a filed document row directly (independent of `file add`)."""
    from archivist.core import numbering
    from archivist.matters import service as matters

    with ctx.ledger.write() as conn:
        matter_id = matters.get(conn, matter_number).id if matter_number else None
        seq = numbering.next_value(conn, f"doc:{client.number}")
        number = f"{client.number}-{seq:04d}"
        doc_id = conn.execute(
            documents.insert().values(
                number=number,
                client_id=client.id,
                matter_id=matter_id,
                section="case",
                title=title,
                original_name=f"{title}.txt",
                path=f"{client.folder}/03 案件材料/{number} {title}.txt",
                size=10,
                checksum="0" * 64,
                checksum_algo="sha256",
                filetype="txt",
                text_status="ok",
                source="filed",
                filed_at=clock.now(),
                filed_by=1,
            )
        ).inserted_primary_key[0]
    return number, doc_id


@pytest.fixture
def setup(ctx: Any, ctx_as: Any, make_client: Any, make_matter: Any) -> dict[str, Any]:
    clock.set_now("2026-03-02T09:00:00")
    client = make_client("陳大文")
    matter = make_matter(client, lawyers=["zhao"])
    doc, doc_id = add_document(ctx, client, matter)
    return {
        "client": client,
        "matter": matter,
        "doc": doc,
        "doc_id": doc_id,
        "mei": ctx,
        "lin": ctx_as("lin"),
        "head2": ctx_as("head2"),
        "wu": ctx_as("wu"),
        "clerk": ctx_as("clerk"),
    }


def _out(s: dict[str, Any], who: str = "lin", **kw: Any) -> str:
    number = loans.request(s[who], s["client"].number, purpose="準備開庭", **kw).loan.number
    loans.approve(s["mei"] if who != "mei" else s["head2"], number)
    loans.checkout(s["clerk"], number, ack_confidentiality=True)
    return number


def _scope(s: dict[str, Any], who: str = "lin") -> Any:
    with s["mei"].ledger.read() as conn:
        return access.scope_for(conn, users.get(conn, who))


def test_request_defaults_numbering_and_cap(setup: dict[str, Any]) -> None:
    s = setup
    first = loans.request(s["lin"], s["client"].number, purpose="準備開庭")
    assert first.loan.number == "JY2026-0001"
    assert first.loan.days == 7 and first.loan.state == "pending"
    assert first.loan.scope == "archive" and first.loan.borrower == "lin"
    capped = loans.request(s["lin"], s["client"].number, purpose="x", days=90)
    assert capped.loan.number == "JY2026-0002" and capped.loan.days == 30
    assert "maximum of 30" in capped.warnings[0]
    with pytest.raises(InvalidInput, match="purpose is empty"):
        loans.request(s["lin"], s["client"].number, purpose="  ")
    with pytest.raises(InvalidInput, match="at least 1"):
        loans.request(s["lin"], s["client"].number, purpose="x", days=0)


def test_request_scopes_are_checked_against_the_client(
    setup: dict[str, Any], make_client: Any
) -> None:
    s = setup
    other = make_client("林小華")
    by_matter = loans.request(s["lin"], s["client"].number, purpose="x", matter=s["matter"])
    assert by_matter.loan.scope == "matter" and by_matter.loan.matter_number == s["matter"]
    by_doc = loans.request(
        s["lin"], s["client"].number, purpose="x", document_numbers=[s["doc"].lower()]
    )
    assert by_doc.loan.scope == "documents" and by_doc.loan.documents == [s["doc"]]
    with pytest.raises(NotFound, match="no document"):
        loans.request(s["lin"], other.number, purpose="x", document_numbers=[s["doc"]])
    with pytest.raises(InvalidInput, match="not a matter of client"):
        loans.request(s["lin"], other.number, purpose="x", matter=s["matter"])


def test_head_approving_own_request_is_refused(setup: dict[str, Any]) -> None:
    s = setup
    number = loans.request(s["mei"], s["client"].number, purpose="整理").loan.number
    with pytest.raises(Forbidden, match="their own request"):
        loans.approve(s["mei"], number)
    with pytest.raises(Forbidden, match="their own request"):
        loans.reject(s["mei"], number, "x")
    assert loans.approve(s["head2"], number).loan.approved_by == "head2"


def test_only_a_head_decides(setup: dict[str, Any]) -> None:
    s = setup
    number = loans.request(s["lin"], s["client"].number, purpose="x").loan.number
    with pytest.raises(Forbidden, match="needs the role 'head'"):
        loans.approve(s["clerk"], number)
    with pytest.raises(Forbidden, match="needs the role 'head'"):
        loans.approve(s["lin"], number)


def test_checkout_before_approval_is_refused(setup: dict[str, Any]) -> None:
    s = setup
    number = loans.request(s["lin"], s["client"].number, purpose="x").loan.number
    with pytest.raises(Conflict, match=r"is 'pending'.*approval"):
        loans.checkout(s["clerk"], number, ack_confidentiality=True)


def test_checkout_without_acknowledgement_is_refused(setup: dict[str, Any]) -> None:
    s = setup
    number = loans.request(s["lin"], s["client"].number, purpose="x").loan.number
    loans.approve(s["mei"], number)
    with pytest.raises(InvalidInput, match="confidentiality acknowledgement"):
        loans.checkout(s["clerk"], number, ack_confidentiality=False)
    assert loans.get(s["mei"], number).loan.state == "approved"
    with pytest.raises(Forbidden, match="needs the role 'archivist'"):
        loans.checkout(s["head2"], number, ack_confidentiality=True)
    out = loans.checkout(s["clerk"], number, ack_confidentiality=True).loan
    assert out.ack_confidentiality and out.checked_out_by == "clerk"
    assert str(out.due_date) == "2026-03-09"


def test_states_only_move_forward(setup: dict[str, Any]) -> None:
    s = setup
    number = _out(s)
    with pytest.raises(Conflict, match="is 'out'"):
        loans.approve(s["mei"], number)
    with pytest.raises(Conflict, match="is 'out'"):
        loans.cancel(s["lin"], number)
    with pytest.raises(Conflict, match="is 'out'"):
        loans.checkout(s["clerk"], number, ack_confidentiality=True)
    loans.return_(s["clerk"], number, "完好")
    for step in (
        lambda: loans.return_(s["clerk"], number),
        lambda: loans.renew(s["lin"], number, 3),
        lambda: loans.reject(s["mei"], number, "x"),
    ):
        with pytest.raises(Conflict, match="is 'returned'"):
            step()
    rejected = loans.request(s["lin"], s["client"].number, purpose="x").loan.number
    loans.reject(s["mei"], rejected, "用途不明")
    with pytest.raises(Conflict, match="is 'rejected'"):
        loans.approve(s["mei"], rejected)


def test_cancel_only_by_requester_before_checkout(setup: dict[str, Any]) -> None:
    s = setup
    number = loans.request(s["lin"], s["client"].number, purpose="x").loan.number
    with pytest.raises(Forbidden, match="Only the person who requested it"):
        loans.cancel(s["mei"], number)
    loans.approve(s["mei"], number)
    assert loans.cancel(s["lin"], number).loan.state == "cancelled"
    with pytest.raises(Conflict, match="is 'cancelled'"):
        loans.checkout(s["clerk"], number, ack_confidentiality=True)


def test_access_begins_at_checkout_and_ends_at_return(setup: dict[str, Any]) -> None:
    s = setup
    c = s["client"]
    number = loans.request(s["lin"], c.number, purpose="x", document_numbers=[s["doc"]]).loan.number
    assert not access.can_read_document(_scope(s), c.id, None, s["doc_id"])
    loans.approve(s["mei"], number)
    assert not access.can_read_document(_scope(s), c.id, None, s["doc_id"])
    loans.checkout(s["clerk"], number, ack_confidentiality=True)
    assert access.can_read_document(_scope(s), c.id, None, s["doc_id"])
    other_doc, other_id = add_document(s["mei"], c, title="證據目錄")
    assert not access.can_read_document(_scope(s), c.id, None, other_id)
    loans.return_(s["clerk"], number)
    assert not access.can_read_document(_scope(s), c.id, None, s["doc_id"])
    assert _scope(s).nothing


def test_overdue_listing_and_access_with_controlled_clock(setup: dict[str, Any]) -> None:
    s = setup
    number = _out(s, days=3)  # out 2026-03-02, due 2026-03-05
    assert loans.overdue(s["mei"]) == []
    clock.set_now("2026-03-05T23:00:00")
    assert loans.overdue(s["mei"]) == [] and s["client"].id in _scope(s).client_ids
    clock.set_now("2026-03-08T10:00:00")
    late = loans.overdue(s["mei"])
    assert [(x.number, x.days_overdue, x.state) for x in late] == [(number, 3, "overdue")]
    assert [x.number for x in loans.list_loans(s["mei"], status="overdue")] == [number]
    assert [x.number for x in loans.list_loans(s["mei"], status="out")] == [number]
    assert loans.overdue(s["lin"])[0].number == number  # the borrower sees their own
    assert loans.overdue(s["wu"]) == []
    assert _scope(s).nothing  # overdue ends access (the default)
    with s["mei"].ledger.read() as conn:
        kept = access.scope_for(conn, users.get(conn, "lin"), overdue_ends_access=False)
    assert s["client"].id in kept.client_ids


def test_renewal_needs_approval_again(setup: dict[str, Any]) -> None:
    s = setup
    number = _out(s)  # due 2026-03-09
    with pytest.raises(NotFound):  # not wu's loan: for him it does not exist
        loans.renew(s["wu"], number, 5)
    pending = loans.renew(s["lin"], number, 5).loan
    assert pending.renewal_days == 5 and str(pending.due_date) == "2026-03-09"
    with pytest.raises(Conflict, match="already has a renewal"):
        loans.renew(s["lin"], number, 5)
    loans.reject(s["mei"], number, "不續借")
    assert loans.get(s["mei"], number).loan.renewal_days is None
    loans.renew(s["lin"], number, 5)
    renewed = loans.approve(s["mei"], number).loan
    assert str(renewed.due_date) == "2026-03-14" and renewed.renewals == 1
    assert renewed.state == "out"


def test_two_overlapping_loans_of_originals_second_refused(setup: dict[str, Any]) -> None:
    s = setup
    first = _out(s, document_numbers=[s["doc"]])
    second = loans.request(s["head2"], s["client"].number, purpose="y", matter=s["matter"])
    assert "out on loan " + first in second.warnings[0]
    loans.approve(s["mei"], second.loan.number)
    with pytest.raises(Conflict, match=f"already out to lin on loan {first}"):
        loans.checkout(s["clerk"], second.loan.number, ack_confidentiality=True)
    copies = loans.request(s["wu"], s["client"].number, purpose="z", copies=True).loan.number
    loans.approve(s["mei"], copies)
    assert loans.checkout(s["clerk"], copies, ack_confidentiality=True).loan.state == "out"
    loans.return_(s["clerk"], first)
    assert loans.checkout(s["clerk"], second.loan.number, True).loan.state == "out"


def test_unrelated_originals_do_not_clash(setup: dict[str, Any], make_client: Any) -> None:
    s = setup
    other_doc, _ = add_document(s["mei"], s["client"], title="證據目錄")
    _out(s, document_numbers=[s["doc"]])
    mine = loans.request(
        s["wu"], s["client"].number, purpose="y", document_numbers=[other_doc]
    ).loan.number
    loans.approve(s["mei"], mine)
    assert loans.checkout(s["clerk"], mine, True).loan.state == "out"


def test_visibility_of_loans(setup: dict[str, Any]) -> None:
    s = setup
    number = loans.request(s["lin"], s["client"].number, purpose="x").loan.number
    assert [x.number for x in loans.list_loans(s["wu"])] == []
    with pytest.raises(NotFound):
        loans.get(s["wu"], number)
    assert loans.get(s["lin"], number).loan.number == number
    assert [x.number for x in loans.list_loans(s["mei"], borrower="lin")] == [number]
    assert [
        x.number for x in loans.list_loans(s["mei"], status="pending", client=s["client"].number)
    ] == [number]


def test_every_step_audited_and_history_in_client_folder(setup: dict[str, Any]) -> None:
    s = setup
    number = _out(s)
    loans.return_(s["clerk"], number, "完好")
    steps = [(h.actor, h.action) for h in loans.get(s["mei"], number).history]
    assert steps == [
        ("lin", "loan.request"),
        ("mei", "loan.approve"),
        ("clerk", "loan.checkout"),
        ("clerk", "loan.return"),
    ]
    checkout = loans.get(s["mei"], number).history[2]
    assert (
        checkout.details["ack_confidentiality"] is True and "保密" in checkout.details["ack_text"]
    )
    path = s["mei"].store.resolve(s["client"].folder) / loans.HISTORY_FILE
    text = path.read_text(encoding="utf-8")
    assert number in text and "林志明" in text and "已歸還" in text and "完好" in text
    shown = registry.show(s["mei"], s["client"].number)
    assert [(x["number"], x["state"], x["returned"]) for x in shown["loans"]] == [
        (number, "returned", "2026-03-02")
    ]
    with s["mei"].ledger.read() as conn:
        from archivist.clients import records

        assert records.expected(conn, s["client"])[loans.HISTORY_FILE] == text
