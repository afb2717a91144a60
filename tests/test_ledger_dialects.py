"""The core workflows on both ledgers: SQLite (the home's file) and PostgreSQL (a throw-away
server started by the `pg_server` fixture, tests/pgserver.py). Issue 19."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from archivist.core import home
from archivist.core.context import open_context
from tests.conftest import Invoker

CLIENT_WORKER = """
import sys
from archivist.clients import registry
from archivist.core.context import open_context
from archivist.models import ClientInput
ctx = open_context(sys.argv[1], "mei")
for i in range(int(sys.argv[3])):
    out = registry.add(ctx, ClientInput(name=f"{sys.argv[2]}{i}", kind="person"))
    print(out.client.number, flush=True)
ctx.close()
"""


def _env(root: Path, user: str = "mei") -> dict[str, str]:
    return {**os.environ, "ARCHIVIST_HOME": str(root), "ARCHIVIST_USER": user}


def _client(invoke: Invoker, name: str) -> str:
    return str(invoke.json("client", "add", "--name", name, "--kind", "person")["number"])


def test_core_workflow_on_both_ledgers(
    any_home: Path, database: str | None, tmp_path: Path
) -> None:
    invoke = Invoker(any_home)
    assert _client(invoke, "陳大文") == "C0001"
    assert _client(invoke, "王小明") == "W0001"
    assert _client(invoke, "陳美麗") == "C0002"
    listed = [c["number"] for c in invoke.json("client", "list")]
    assert listed == ["C0001", "C0002", "W0001"]
    matter = invoke.json(
        "matter", "open", "C0001", "--type", "civil", "--title", "租賃糾紛", "--lawyer", "lin"
    )
    assert matter["number"].endswith("-MS-0001")
    src = tmp_path / "起訴狀.txt"
    src.write_text("原告陳大文起訴被告租金糾紛", encoding="utf-8")
    invoke("file", "add", "C0001", str(src), "--section", "case")
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(3):
        (folder / f"證據{i}.txt").write_text(f"證據第{i}號 租約", encoding="utf-8")
    first = invoke("file", "import", str(folder), "--client", "C0001", "--section", "case")
    assert "filed 3, skipped 0" in first.output
    again = invoke("file", "import", str(folder), "--client", "C0001", "--section", "case")
    assert "filed 0, skipped 3" in again.output  # duplicates by checksum, on both ledgers
    shown = invoke.json("client", "show", "C0001")
    assert shown["documents_per_section"]["case"] == 4
    hits = invoke.json("search", "租約")
    assert hits["total"] == 3
    assert sorted(h["document"] for h in hits["hits"]) == ["C0001-0002", "C0001-0003", "C0001-0004"]
    loan = invoke.json("loan", "request", "C0001", "--purpose", "準備開庭", user="lin")["number"]
    invoke("loan", "approve", loan, user="head2")
    invoke("loan", "approve", loan, user="mei", code=1)  # approved once only
    invoke("loan", "checkout", loan, "--ack-confidentiality", user="mei")
    assert invoke.json("loan", "return", loan, user="mei")["state"] == "returned"
    assert "intact" in invoke("audit", "verify").output
    assert "everything agrees" in invoke("check").output
    text = (any_home / "archivist.toml").read_text(encoding="utf-8")
    assert ("[ledger]" in text) == (database is not None)


def test_concurrent_numbering_from_processes(any_home: Path, database: str | None) -> None:
    """8 processes adding 10 clients each into one class: 80 distinct numbers, none lost."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLIENT_WORKER, str(any_home), "陳", "10"],
            env=_env(any_home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_o, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    numbers = [n for out, _ in outs for n in out.split()]
    assert sorted(numbers) == [f"C{i:04d}" for i in range(1, 81)]
    ctx = open_context(any_home, "mei")
    try:
        from archivist.core import audit
        from archivist.ledger.tables.core import clients

        with ctx.ledger.read() as conn:
            assert conn.execute(select(func.count()).select_from(clients)).scalar() == 80
            assert audit.verify(conn)[1] is None
    finally:
        ctx.close()


def test_concurrent_filing_into_one_client_from_threads(
    any_home: Path, database: str | None, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from archivist.filing import service as filing

    invoke = Invoker(any_home)
    _client(invoke, "陳大文")
    sources = []
    for i in range(12):
        p = tmp_path / f"doc{i}.txt"
        p.write_text(f"文件 {i} " * 20, encoding="utf-8")
        sources.append(p)

    def file_one(path: Path) -> str:
        ctx = open_context(any_home, "mei")
        try:
            return str(filing.file_bytes(ctx, "C0001", "case", path.read_bytes(), path.name).number)
        finally:
            ctx.close()

    with ThreadPoolExecutor(4) as pool:
        numbers = sorted(pool.map(file_one, sources))
    assert numbers == [f"C0001-{i:04d}" for i in range(1, 13)]
    assert "everything agrees" in invoke("check").output


def test_two_heads_approving_one_loan_approve_it_once(any_home: Path, database: str | None) -> None:
    invoke = Invoker(any_home)
    _client(invoke, "陳大文")
    invoke("matter", "open", "C0001", "--type", "civil", "--title", "x", "--lawyer", "lin")
    loan = invoke.json("loan", "request", "C0001", "--purpose", "閱卷", user="lin")["number"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "archivist", "loan", "approve", loan],
            env=_env(any_home, who),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("mei", "head2")
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 1], outs
    assert all("Traceback" not in o + e for o, e in outs)
    events = invoke.json("audit", "log", "--action", "loan.approve")
    assert len(events) == 1


def test_backup_and_restore_on_both_ledgers(
    any_home: Path, database: str | None, tmp_path: Path, request: Any
) -> None:
    invoke = Invoker(any_home)
    _client(invoke, "陳大文")
    src = tmp_path / "a.txt"
    src.write_text("委任契約", encoding="utf-8")
    invoke("file", "add", "C0001", str(src), "--section", "contract")
    invoke("backup", str(tmp_path / "bk"))
    manifest = json.loads((tmp_path / "bk" / "backup-manifest.json").read_text("utf-8"))
    assert manifest["counts"]["clients"] == 1 and manifest["counts"]["documents"] == 1
    restored = tmp_path / "restored"
    invoke("restore", str(tmp_path / "bk"), "--home", str(restored))
    # the restored home never points at the backed-up home's live database
    assert "[ledger]" not in (restored / "archivist.toml").read_text("utf-8")
    again = Invoker(restored)
    assert [c["number"] for c in again.json("client", "list")] == ["C0001"]
    assert "everything agrees" in again("check").output
    if database is not None:  # onto another empty PostgreSQL database
        target = request.getfixturevalue("pg_server")
        url = target.url(target.create_database())
        onto = tmp_path / "restored-pg"
        invoke("restore", str(tmp_path / "bk"), "--home", str(onto), "--database", url)
        assert url in (onto / "archivist.toml").read_text("utf-8")
        pg = Invoker(onto)
        assert [c["number"] for c in pg.json("client", "list")] == ["C0001"]
        assert "everything agrees" in pg("check").output


def test_ledger_move_round_trip(home_dir: Path, pg_url: str, tmp_path: Path) -> None:
    invoke = Invoker(home_dir)
    _client(invoke, "陳大文")
    src = tmp_path / "a.txt"
    src.write_text("證物", encoding="utf-8")
    invoke("file", "add", "C0001", str(src), "--section", "case")
    stale = open_context(home_dir, "mei")  # opened before the move
    try:
        out = invoke("ledger", "move", "--to", pg_url).output
        assert "verified" in out
        assert pg_url in (home_dir / "archivist.toml").read_text("utf-8")
        from archivist.clients import registry
        from archivist.core.errors import Conflict
        from archivist.models import ClientInput

        with pytest.raises(Conflict, match="moved"):  # the old ledger takes no more writes
            registry.add(stale, ClientInput(name="王小明", kind="person"))
    finally:
        stale.close()
    assert _client(invoke, "王小明") == "W0001"  # on PostgreSQL now
    assert "everything agrees" in invoke("check").output
    invoke("ledger", "move", "--to", "sqlite")
    assert "[ledger]" not in (home_dir / "archivist.toml").read_text("utf-8")
    assert [c["number"] for c in invoke.json("client", "list")] == ["C0001", "W0001"]
    log = invoke.json("audit", "log", "--action", "ledger.move")
    assert len(log) == 2
    assert "everything agrees" in invoke("check").output
    # the PostgreSQL database still holds the old (marked) ledger: not a target again
    res = invoke("ledger", "move", "--to", pg_url, code=1)
    assert "already holds archivist tables" in res.output
    assert "[ledger]" not in (home_dir / "archivist.toml").read_text("utf-8")


def test_init_refuses_a_database_that_holds_a_ledger(tmp_path: Path, pg_url: str) -> None:
    home.create(tmp_path / "one", "F", "mei", "M", database=pg_url)
    res = Invoker(None)(
        "init",
        "--home",
        str(tmp_path / "two"),
        "--firm",
        "F",
        "--user",
        "mei",
        "--name",
        "M",
        "--database",
        pg_url,
        user=None,
        code=1,
    )
    assert "already holds archivist tables" in res.output
    assert not (tmp_path / "two" / "archivist.toml").exists()
    assert "everything agrees" in Invoker(tmp_path / "one")("check").output  # untouched


def test_unreachable_server_is_one_line(tmp_path: Path, pg_server: Any) -> None:
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"
    res = Invoker(None)(
        "init",
        "--home",
        str(tmp_path / "h"),
        "--firm",
        "F",
        "--user",
        "mei",
        "--name",
        "M",
        "--database",
        url,
        user=None,
        ok=False,
    )
    assert "could not be reached" in res.output and "secret" not in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "h").exists()


def test_upgrade_on_both_ledgers(any_home: Path, database: str | None) -> None:
    """The runner's steps (plain Core and add_column) run on both databases, each in its own
    transaction; a ledger newer than the program is then refused by `upgrade` too."""
    from sqlalchemy import inspect

    from archivist.ledger import migrations

    invoke = Invoker(any_home)
    assert invoke.json("upgrade") == {"applied": [], "version": migrations.HEAD}
    nxt = migrations.HEAD + 1

    def step(conn: Any) -> None:
        migrations.add_column(conn, "clients", "referred_by INTEGER REFERENCES clients(id)")

    ctx = open_context(any_home, "mei")
    try:
        assert migrations.upgrade(ctx.ledger, {nxt: step}, nxt) == [nxt]
        with ctx.ledger.read() as conn:
            assert "referred_by" in {c["name"] for c in inspect(conn).get_columns("clients")}
            assert migrations.current_version(conn) == nxt
    finally:
        ctx.close()
    res = invoke("upgrade", ok=False)
    assert "newer than this archivist" in res.output


def test_killed_writer_leaves_nothing_half_done(any_home: Path, database: str | None) -> None:
    """kill -9 in the middle of a write transaction: nothing of it stays, the writer lock is
    released, and the next write goes through."""
    script = """
import sys, time
from archivist.clients import registry
from archivist.core.context import open_context
from archivist.models import ClientInput
ctx = open_context(sys.argv[1], "mei")
real = registry.records.refresh if hasattr(registry, "records") else None
with ctx.ledger.write() as conn:
    from archivist.ledger.tables.core import counters
    conn.execute(counters.insert().values(key="client:Z", value=99))
    print("inside", flush=True)
    time.sleep(60)
"""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(any_home)],
        env=_env(any_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    invoke = Invoker(any_home)
    started = time.monotonic()
    assert _client(invoke, "趙子龍") == "Z0001"  # the killed counter row never committed
    assert time.monotonic() - started < 20
    assert "everything agrees" in invoke("check").output
