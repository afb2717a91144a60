"""States only move forward: random sequences of steps against a small model of the rules.
Also: the overdue setting, read from archivist.toml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.core import access, clock, users
from archivist.core.context import open_context
from archivist.core.errors import Conflict
from archivist.loans import service as loans

STEPS = ["approve", "reject", "checkout", "return", "renew", "cancel"]

# (state, pending renewal) -> step -> next state; a missing entry must be refused (Conflict)
MOVES: dict[str, dict[str, str]] = {
    "pending": {"approve": "approved", "reject": "rejected", "cancel": "cancelled"},
    "approved": {"checkout": "out", "cancel": "cancelled"},
    "out": {"return": "returned", "renew": "out+renewal"},
    "out+renewal": {"approve": "out", "reject": "out", "return": "returned"},
    "rejected": {},
    "returned": {},
    "cancelled": {},
}


@pytest.fixture
def world(ctx: Any, ctx_as: Any, make_client: Any) -> dict[str, Any]:
    clock.set_now("2026-03-02T09:00:00")
    return {
        "client": make_client("陳大文"),
        "mei": ctx,
        "lin": ctx_as("lin"),
        "clerk": ctx_as("clerk"),
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.sampled_from(STEPS), min_size=1, max_size=6))
def test_random_step_sequences_follow_the_rules(world: dict[str, Any], steps: list[str]) -> None:
    ctx, lin, clerk = world["mei"], world["lin"], world["clerk"]
    number = loans.request(lin, world["client"].number, purpose="x", copies=True).loan.number
    do = {
        "approve": lambda: loans.approve(ctx, number),
        "reject": lambda: loans.reject(ctx, number, "no"),
        "checkout": lambda: loans.checkout(clerk, number, ack_confidentiality=True),
        "return": lambda: loans.return_(clerk, number),
        "renew": lambda: loans.renew(lin, number, 3),
        "cancel": lambda: loans.cancel(lin, number),
    }
    state = "pending"
    for step in steps:
        expected = MOVES[state].get(step)
        if expected is None:
            with pytest.raises(Conflict) as err:
                do[step]()
            assert f"is '{state.split('+')[0]}'" in str(err.value) or "renewal" in str(err.value)
        else:
            do[step]()
            state = expected
        loan = loans.get(ctx, number).loan
        assert loan.status.value == state.split("+")[0]
        assert (loan.renewal_days is not None) == state.endswith("+renewal")


def test_overdue_keeps_access_when_configured(
    home_dir: Path, ctx: Any, ctx_as: Any, make_client: Any
) -> None:
    clock.set_now("2026-03-02T09:00:00")
    client = make_client("陳大文")
    number = loans.request(ctx_as("lin"), client.number, purpose="x", days=1).loan.number
    loans.approve(ctx, number)
    loans.checkout(ctx_as("clerk"), number, ack_confidentiality=True)
    config = home_dir / "archivist.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "overdue_loan_ends_access = true", "overdue_loan_ends_access = false"
        ),
        encoding="utf-8",
    )
    clock.set_now("2026-03-20T09:00:00")
    lenient = open_context(home_dir, "lin")
    try:
        assert lenient.settings.deadlines.overdue_loan_ends_access is False
        from archivist.clients import registry

        assert [c.number for c in registry.list_clients(lenient)] == [client.number]
        with lenient.ledger.read() as conn:
            assert access.scope_for(conn, users.get(conn, "lin")).nothing  # the default ends it
    finally:
        lenient.close()
