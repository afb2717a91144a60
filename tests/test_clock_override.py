"""Issue 15 §1.5: ARCHIVIST_NOW sets the clock only where the home's archivist.toml allows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import allow_clock_override

PAST = "2020-01-02T03:04:05"


def test_archivist_now_is_ignored_with_a_warning_unless_the_home_allows_it(
    invoke: Any, home_dir: Path
) -> None:
    res = invoke(
        "client",
        "add",
        "--name",
        "陳大文",
        "--kind",
        "person",
        "--json",
        env={"ARCHIVIST_NOW": PAST},
    )
    assert not res.stdout.count("2020-01-02")
    warnings = [line for line in res.stderr.splitlines() if "ARCHIVIST_NOW" in line]
    assert len(warnings) == 1 and "clock_override" in warnings[0]
    events = invoke.json("audit", "log", "--action", "client.add", env={"ARCHIVIST_NOW": PAST})
    assert not events[0]["at"].startswith("2020")

    allow_clock_override(home_dir)
    res = invoke(
        "client",
        "add",
        "--name",
        "王小明",
        "--kind",
        "person",
        "--json",
        env={"ARCHIVIST_NOW": PAST},
    )
    assert '"created_at": "2020-01-02T03:04:05"' in res.stdout
    assert "ARCHIVIST_NOW" not in res.stderr


def test_an_overdue_borrower_cannot_turn_the_clock_back(
    invoke: Any, ctx: Any, ctx_as: Any, make_client: Any
) -> None:
    from archivist.core import clock
    from archivist.filing import service as filing
    from archivist.loans import service as loans

    client = make_client()
    doc = filing.file_bytes(
        ctx, client.number, "basic", "身份證明".encode(), "id.txt", source="filed"
    ).number
    clock.set_now("2026-03-02T09:00:00")
    number = loans.request(
        ctx_as("lin"), client.number, purpose="x", days=1, document_numbers=[doc]
    ).loan.number
    loans.approve(ctx, number)
    loans.checkout(ctx_as("clerk"), number, ack_confidentiality=True)
    clock.set_now(None)  # the real clock (after 2026-03-03): the loan is overdue
    res = invoke(
        "file", "show", doc, user="lin", code=1, env={"ARCHIVIST_NOW": "2026-03-02T10:00:00"}
    )
    assert "may read" in res.output
