"""The audit trail: append-only, hash-chained, verifiable."""

from __future__ import annotations

from pathlib import Path

from archivist.core import audit
from tests.conftest import Invoker


def test_every_change_is_audited_and_chain_verifies(invoke: Invoker) -> None:
    invoke("client", "add", "--name", "陳大文", "--kind", "person")
    events = invoke.json("audit", "log")
    assert [e["action"] for e in events][:2] == ["home.init", "user.add"]
    assert events[-1]["action"] == "client.add" and events[-1]["object_id"] == "C0001"
    for prev, cur in zip(events, events[1:], strict=False):
        assert cur["prev_hash"] == prev["hash"]
    assert "intact" in invoke("audit", "verify").output


def test_tampered_row_is_detected_and_named(invoke: Invoker, ctx) -> None:  # type: ignore[no-untyped-def]
    invoke("client", "add", "--name", "陳大文", "--kind", "person")
    invoke("client", "add", "--name", "李四", "--kind", "person")
    with ctx.ledger.write() as conn:
        conn.exec_driver_sql(
            "UPDATE audit_events SET details = replace(details, '李四', '王五') "
            "WHERE action = 'client.add' AND object_id = 'L0001'"
        )
        seq = conn.exec_driver_sql(
            "SELECT seq FROM audit_events WHERE object_id = 'L0001'"
        ).scalar()
    result = invoke("audit", "verify", code=1)
    assert f"event {seq} (client.add by mei) was altered" in result.output
    assert invoke.json("audit", "verify", code=1)["ok"] is False


def test_deleted_last_event_is_detected(invoke: Invoker, ctx) -> None:  # type: ignore[no-untyped-def]
    invoke("client", "add", "--name", "陳大文", "--kind", "person")
    with ctx.ledger.write() as conn:
        conn.exec_driver_sql(
            "DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)"
        )
        count, problem = audit.verify(conn)
    assert problem is not None and "head" in problem


def test_filters_and_role(invoke: Invoker, home_dir: Path) -> None:
    invoke("client", "add", "--name", "陳大文", "--kind", "person")
    assert all(e["actor"] == "mei" for e in invoke.json("audit", "log", "--actor", "mei"))
    assert invoke.json("audit", "log", "--since", "2999-01-01") == []
    assert "not a date" in invoke("audit", "log", "--since", "yesterday-ish", code=1).output
    assert "needs the role" in invoke("audit", "log", user="lin", code=1).output
