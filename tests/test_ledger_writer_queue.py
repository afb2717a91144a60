"""SQLite writers of one process queue on the Ledger's lock (issue 18, web load): concurrent
writes all commit; a writer that waits longer than the busy timeout gets Busy, not a hang."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from archivist.core import audit
from archivist.core.errors import Busy
from archivist.ledger.tables.core import audit_events


def test_concurrent_writes_of_one_process_all_commit(ctx: Any) -> None:
    with ctx.ledger.read() as conn:
        before = conn.execute(select(func.count()).select_from(audit_events)).scalar()
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(5):
                with ctx.ledger.write() as conn:
                    audit.record(conn, "mei", "test.write", "test", f"{i}-{j}")
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with ctx.ledger.read() as conn:
        after = conn.execute(select(func.count()).select_from(audit_events)).scalar()
    assert after - before == 40


def test_a_writer_kept_waiting_past_the_busy_timeout_gets_busy(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archivist.ledger import sqlite

    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 50)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with ctx.ledger.write():
            holding.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    holding.wait(10)
    try:
        with pytest.raises(Busy), ctx.ledger.write():
            pass
    finally:
        release.set()
        t.join()
    with ctx.ledger.write() as conn:  # free again
        audit.record(conn, "mei", "test.write", "test", "after")
