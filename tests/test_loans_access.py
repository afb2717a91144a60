"""A loan opens the lent scope to its borrower at checkout and closes it at return or when
overdue: through `file export` and `file show` (archivist.filing.service)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archivist.core import clock
from archivist.core.errors import NotFound
from archivist.filing import service as filing
from archivist.loans import service as loans


@pytest.fixture
def lent(ctx: Any, ctx_as: Any, make_client: Any, make_matter: Any) -> dict[str, Any]:
    clock.set_now("2026-03-02T09:00:00")
    client = make_client("陳大文")
    matter = make_matter(client, lawyers=["zhao"])
    doc = filing.file_bytes(
        ctx,
        client.number,
        "case",
        "起訴狀 原告陳大文 買賣合同".encode(),
        "起訴狀.txt",
        matter_number=matter,
        source="filed",
    )
    other = filing.file_bytes(
        ctx, client.number, "basic", "身份證明 陳大文".encode(), "身份證明.txt", source="filed"
    )
    return {
        "client": client,
        "matter": matter,
        "doc": doc.number,
        "other": other.number,
        "lin": ctx_as("lin"),
        "clerk": ctx_as("clerk"),
        "mei": ctx,
    }


def test_file_export_begins_at_checkout_and_ends_at_return(
    lent: dict[str, Any], tmp_path: Path
) -> None:
    s = lent
    number = loans.request(
        s["lin"], s["client"].number, purpose="準備開庭", matter=s["matter"]
    ).loan.number
    with pytest.raises(NotFound, match="may read"):
        filing.export(s["lin"], s["doc"], tmp_path / "before.txt")
    loans.approve(s["mei"], number)
    with pytest.raises(NotFound, match="may read"):
        filing.export(s["lin"], s["doc"], tmp_path / "approved.txt")
    loans.checkout(s["clerk"], number, ack_confidentiality=True)
    out = filing.export(s["lin"], s["doc"], tmp_path / "during.txt")
    assert "陳大文" in out.read_text(encoding="utf-8")
    with pytest.raises(NotFound):  # outside the lent matter
        filing.export(s["lin"], s["other"], tmp_path / "other.txt")
    loans.return_(s["clerk"], number)
    with pytest.raises(NotFound, match="may read"):
        filing.show(s["lin"], s["doc"])


def test_overdue_loan_ends_file_access(lent: dict[str, Any], tmp_path: Path) -> None:
    s = lent
    number = loans.request(
        s["lin"], s["client"].number, purpose="x", days=1, document_numbers=[s["doc"]]
    ).loan.number
    loans.approve(s["mei"], number)
    loans.checkout(s["clerk"], number, ack_confidentiality=True)
    clock.set_now("2026-03-03T23:59:00")  # the due day: still readable
    assert filing.show(s["lin"], s["doc"]).number == s["doc"]
    clock.set_now("2026-03-04T00:00:01")
    with pytest.raises(NotFound, match="may read"):
        filing.export(s["lin"], s["doc"], tmp_path / "late.txt")


def test_search_hits_begin_at_checkout_and_end_at_return(lent: dict[str, Any], invoke: Any) -> None:
    """Through `archivist search` (the index filters by archivist.core.access)."""
    s = lent

    def hits(who: str = "lin") -> list[str]:
        return [h["document"] for h in invoke.json("search", "陳大文", user=who)["hits"]]

    assert sorted(hits("mei")) == sorted([s["doc"], s["other"]])
    number = loans.request(
        s["lin"], s["client"].number, purpose="x", matter=s["matter"]
    ).loan.number
    loans.approve(s["mei"], number)
    assert hits() == []
    loans.checkout(s["clerk"], number, ack_confidentiality=True)
    assert hits() == [s["doc"]]  # the lent matter only
    clock.set_now("2026-04-01T09:00:00")  # overdue: access has ended
    assert hits() == []
    clock.set_now("2026-03-03T09:00:00")
    assert hits() == [s["doc"]]
    loans.return_(s["clerk"], number)
    assert hits() == []


def test_client_list_shows_the_owner_of_a_lent_matter_only_while_out(lent: dict[str, Any]) -> None:
    from archivist.clients import registry

    s = lent
    assert registry.list_clients(s["lin"]) == []
    number = loans.request(
        s["lin"], s["client"].number, purpose="準備開庭", matter=s["matter"]
    ).loan.number
    loans.approve(s["mei"], number)
    loans.checkout(s["clerk"], number, ack_confidentiality=True)
    assert [c.number for c in registry.list_clients(s["lin"])] == [s["client"].number]
    loans.return_(s["clerk"], number)
    assert registry.list_clients(s["lin"]) == []
