"""The ledger on SQLite and on PostgreSQL side by side (issue 19): concurrent numbering and
filing from several processes, `client list` and `check`, on the same machine.

    python -m bench.ledger_dialects [--procs 4] [--clients 25] [--docs 15] [--out FILE]

PostgreSQL is a throw-away local server (tests/pgserver.py: initdb + pg_ctl, TCP on
127.0.0.1, fsync off as in the tests, so its commits are cheaper than SQLite's synchronous=FULL
ones: read the PostgreSQL figures as the engine's locking cost, not its durability cost).
Each worker is one Python process with its own connection, like one CLI call or web worker.
Every run also counts duplicate numbers and rows lost (both must be 0)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ADD_CLIENTS = """
import sys
from archivist.clients import registry
from archivist.core.context import open_context
from archivist.models import ClientInput
ctx = open_context(sys.argv[1], "mei")
for i in range(int(sys.argv[3])):
    print(registry.add(ctx, ClientInput(name=f"{sys.argv[2]}{i}", kind="person")).client.number)
ctx.close()
"""

FILE_DOCS = """
import os, sys
from archivist.filing import service as filing
from archivist.core.context import open_context
ctx = open_context(sys.argv[1], "mei")
for i in range(int(sys.argv[3])):
    data = f"{sys.argv[2]} 文件 {i} ".encode() * 50 + os.urandom(8).hex().encode()
    print(filing.file_bytes(ctx, "C0001", "case", data, f"{sys.argv[2]}-{i}.txt").number)
ctx.close()
"""


def _parallel(root: Path, script: str, procs: int, per: int) -> tuple[float, list[str]]:
    env = {**os.environ, "ARCHIVIST_HOME": str(root), "ARCHIVIST_USER": "mei"}
    started = time.perf_counter()
    running = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(root), f"陳{p}x", str(per)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in range(procs)
    ]
    outs = [p.communicate(timeout=900) for p in running]
    seconds = time.perf_counter() - started
    for p, (_o, err) in zip(running, outs, strict=True):
        if p.returncode:
            raise RuntimeError(err[-2000:])
    return seconds, [n for out, _ in outs for n in out.split()]


def _timed_cli(root: Path, *args: str) -> float:
    env = {**os.environ, "ARCHIVIST_HOME": str(root), "ARCHIVIST_USER": "mei"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "archivist", *args], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - started


def measure(
    root: Path, database: str | None, procs: int, clients: int, docs: int
) -> dict[str, Any]:
    from archivist.core import home

    home.create(root, "Bench", "mei", "M", database=database)
    t_clients, numbers = _parallel(root, ADD_CLIENTS, procs, clients)
    t_files, doc_numbers = _parallel(root, FILE_DOCS, procs, docs)
    from sqlalchemy import func, select

    from archivist.core.context import open_context
    from archivist.ledger.tables.core import clients as clients_t
    from archivist.ledger.tables.documents import documents

    ctx = open_context(root, "mei")
    with ctx.ledger.read() as conn:
        n_clients = conn.execute(select(func.count()).select_from(clients_t)).scalar_one()
        n_docs = conn.execute(select(func.count()).select_from(documents)).scalar_one()
    ctx.close()
    total_clients, total_docs = procs * clients, procs * docs
    return {
        "numbering": {
            "processes": procs,
            "clients": total_clients,
            "seconds": round(t_clients, 2),
            "clients_per_s": round(total_clients / t_clients, 1),
            "duplicates": len(numbers) - len(set(numbers)),
            "lost": total_clients - n_clients,
        },
        "filing": {
            "processes": procs,
            "documents": total_docs,
            "seconds": round(t_files, 2),
            "documents_per_s": round(total_docs / t_files, 1),
            "duplicates": len(doc_numbers) - len(set(doc_numbers)),
            "lost": total_docs - n_docs,
        },
        "client_list_s": round(min(_timed_cli(root, "client", "list") for _ in range(3)), 3),
        "check_s": round(min(_timed_cli(root, "check") for _ in range(2)), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument("--clients", type=int, default=25, help="per process")
    parser.add_argument("--docs", type=int, default=15, help="per process")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests import pgserver

    results: dict[str, Any] = {"procs": args.procs, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="archivist-bench-ledger-") as tmp:
        results["sqlite"] = measure(Path(tmp) / "sqlite", None, args.procs, args.clients, args.docs)
        with pgserver.running() as server:
            if server is None:
                results["postgresql"] = "skipped: PostgreSQL is not installed"
            else:
                url = server.url(server.create_database())
                results["postgresql"] = measure(
                    Path(tmp) / "pg", url, args.procs, args.clients, args.docs
                )
    text = json.dumps(results, indent=1, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
