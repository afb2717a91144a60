"""Fault and load runs for archivist: crashes during `file import`, many processes at once, a
backup taken under load. The test suite runs short versions of these (tests/test_faults_*.py);
run the long ones here:

    .venv/bin/python bench/faults.py crash --kills 100 --files 400
    .venv/bin/python bench/faults.py load --workers 8 --seconds 120
    .venv/bin/python bench/faults.py backup --workers 6 --seconds 30
    .venv/bin/python bench/faults.py measure --documents 5000        # check and backup speed

Each prints a JSON summary and exits 1 if an invariant was broken."""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PY = sys.executable


def cli(home: Path, user: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "ARCHIVIST_HOME": str(home), "ARCHIVIST_USER": user}
    return subprocess.run(
        [PY, "-m", "archivist", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def make_home(base: Path, clients: int = 3) -> tuple[Path, list[str]]:
    """A home with users mei (archivist+head), lin and zhao (lawyers) and a few clients."""
    from archivist.clients import registry
    from archivist.core import home as homes
    from archivist.core import users
    from archivist.core.context import open_context
    from archivist.models import ClientInput, Role

    root = base / "home"
    homes.create(root, "陳林律師事務所", "mei", "王美")
    ctx = open_context(root, "mei")
    try:
        with ctx.ledger.write() as conn:
            users.insert_user(conn, "mei", "lin", "林志明", [Role.LAWYER])
            users.insert_user(conn, "mei", "zhao", "趙小雲", [Role.LAWYER])
        numbers = [
            registry.add(ctx, ClientInput(name=f"客戶{i}號", kind="person")).client.number
            for i in range(clients)
        ]
    finally:
        ctx.close()
    return root, numbers


def make_sources(folder: Path, n: int, seed: int = 0) -> Path:
    """n small text files with distinct contents (so each is filed exactly once)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sub = folder / f"卷{i // 50:02d}"
        sub.mkdir(exist_ok=True)
        body = f"第{i}號文件 {rng.random()} 合同 違約金 " + "內容" * rng.randint(1, 400)
        (sub / f"文件{i:04d}.txt").write_text(body, encoding="utf-8")
    return folder


# ------------------------------------------------------------------------------ invariants
SEEN: dict[str, int] = {}  # problem kinds check found after kills (all repairable)


def invariants(home: Path, repairable_only: bool = True) -> list[str]:
    """What must hold after any crash: every ledger row has its intact file, no checksum is
    filed twice for a client, and whatever check finds can be fixed by --repair."""
    from sqlalchemy import func, select

    from archivist.core.context import open_context
    from archivist.integrity import checker as integrity
    from archivist.ledger.tables.documents import documents

    broken: list[str] = []
    ctx = open_context(home, "mei")
    try:
        report = integrity.check(ctx)
        for p in report.problems:
            SEEN[p.kind] = SEEN.get(p.kind, 0) + 1
            if p.kind in ("missing", "checksum"):
                broken.append(f"{p.kind}: {p.path} {p.detail}")
            elif repairable_only and not p.repairable:
                broken.append(f"not repairable: {p.kind} {p.path} {p.detail}")
        with ctx.ledger.read() as conn:
            dups = conn.execute(
                select(documents.c.client_id, documents.c.checksum, func.count())
                .group_by(documents.c.client_id, documents.c.checksum)
                .having(func.count() > 1)
            ).all()
        broken += [f"checksum {d[1][:12]} filed {d[2]} times for client id {d[0]}" for d in dups]
    finally:
        ctx.close()
    return broken


def repair_and_check(home: Path) -> Any:
    from archivist.core.context import open_context
    from archivist.integrity import checker as integrity

    ctx = open_context(home, "mei")
    try:
        integrity.check(ctx, repair=True)
        return integrity.check(ctx)
    finally:
        ctx.close()


def count_documents(home: Path) -> int:
    from sqlalchemy import func, select

    from archivist.core.context import open_context
    from archivist.ledger.tables.documents import documents

    ctx = open_context(home, "mei")
    try:
        with ctx.ledger.read() as conn:
            return int(conn.execute(select(func.count()).select_from(documents)).scalar_one())
    finally:
        ctx.close()


# ------------------------------------------------------------------------------ crash
def crash(
    base: Path,
    kills: int = 5,
    files: int = 150,
    seed: int = 1,
    min_s: float = 0.4,
    max_s: float = 2.5,
) -> dict[str, Any]:
    """kill -9 `file import` at random moments, `kills` times; after each kill the invariants
    must hold; then the import is run to completion and must file every file exactly once."""
    rng = random.Random(seed)
    home, clients = make_home(base, 1)
    src = base / "src"
    make_sources(src / "批0", files, seed)
    total = files
    env = {**os.environ, "ARCHIVIST_HOME": str(home), "ARCHIVIST_USER": "mei"}
    args = [
        PY,
        "-m",
        "archivist",
        "file",
        "import",
        str(src),
        "--client",
        clients[0],
        "--section",
        "case",
    ]
    failures: list[str] = []
    progress = []
    started = time.monotonic()
    for i in range(kills):
        proc = subprocess.Popen(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        delay = rng.uniform(min_s, max_s)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the import and its extraction workers
            proc.wait()
        else:
            err = proc.stderr.read().decode() if proc.stderr else ""
            if proc.returncode != 0:
                failures.append(f"import {i} exited {proc.returncode}: {err.strip()[:300]}")
        if proc.stderr:
            proc.stderr.close()
        broken = invariants(home)
        failures += [f"after kill {i}: {b}" for b in broken]
        progress.append(count_documents(home))
        if progress[-1] >= total:  # all filed: give the next kills new work
            make_sources(src / f"批{i + 1}", files, seed * 1000 + i + 1)
            total += files
    final = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    if final.returncode != 0:
        failures.append(f"the resumed import failed: {final.stderr.strip()[:300]}")
    report = repair_and_check(home)
    if not report.ok:
        failures.append(f"check after --repair: {report.summary}")
    filed = count_documents(home)
    if filed != total:
        failures.append(f"{filed} documents filed for {total} source files")
    failures += invariants(home, repairable_only=False)
    return {
        "kills": kills,
        "files": total,
        "documents": filed,
        "filed_before_each_kill": progress,
        "repairable_problems_seen": dict(SEEN),
        "seconds": round(time.monotonic() - started, 1),
        "failures": failures,
        "ok": not failures,
    }


# ------------------------------------------------------------------------------ load
def worker(home: Path, seconds: float, seed: int, clients: list[str], out: Path) -> None:
    """One process doing a random mix of the department's work through the CLI (in-process,
    via click), recording every number it was given and every non-zero exit."""
    from click.testing import CliRunner

    from archivist.cli import main

    rng = random.Random(seed)
    runner = CliRunner()
    scratch = Path(tempfile.mkdtemp(prefix=f"worker{seed}-"))
    mine = list(clients)
    made: dict[str, list[str]] = {"clients": [], "documents": [], "matters": [], "loans": []}
    refusals: list[str] = []
    errors: list[str] = []
    ops = 0

    def run(user: str, *args: str) -> Any:
        nonlocal ops
        ops += 1
        r = runner.invoke(main, ["--home", str(home), "--as", user, *args])
        text = r.output
        if r.exit_code == 0:
            if "--json" in args:
                try:
                    return json.loads(r.stdout)
                except ValueError:
                    errors.append(f"{args[:2]}: not JSON: {text[:200]}")
            return {}
        bad = (
            r.exit_code not in (1,)
            or "Traceback" in text
            or "internal error" in text
            or "locked" in text
            or not text.startswith("Error:")
        )
        (errors if bad else refusals).append(f"{' '.join(args[:2])}: {text.strip()[:300]}")
        return None

    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        op = rng.choice(["client", "file", "file", "search", "matter", "loan", "list"])
        client = rng.choice(mine)
        if op == "client":
            d = run(
                "mei",
                "client",
                "add",
                "--name",
                f"併發客戶{seed}-{n}",
                "--kind",
                rng.choice(["person", "company"]),
                "--json",
            )
            if d:
                made["clients"].append(d["number"])
                mine.append(d["number"])
        elif op == "file":
            p = scratch / f"證據{seed}-{n}.txt"
            p.write_text(f"工人{seed} 第{n}份 違約金 {rng.random()}", encoding="utf-8")
            d = run(
                "mei",
                "file",
                "add",
                client,
                str(p),
                "--section",
                rng.choice(["case", "work", "contract"]),
                "--json",
            )
            if d:
                made["documents"].append(d["number"])
        elif op == "search":
            run(
                rng.choice(["mei", "lin"]),
                "search",
                rng.choice(["違約金", "工人", "合同"]),
                "--json",
            )
        elif op == "matter":
            d = run(
                "mei",
                "matter",
                "open",
                client,
                "--type",
                "civil",
                "--title",
                f"糾紛{seed}-{n}",
                "--lawyer",
                rng.choice(["lin", "zhao"]),
                "--json",
            )
            if d:
                made["matters"].append(d.get("number") or d.get("matter", {}).get("number"))
        elif op == "loan":
            d = run("zhao", "loan", "request", client, "--purpose", "準備開庭", "--json")
            number = d and (d.get("number") or d.get("loan", {}).get("number"))
            if number:
                made["loans"].append(number)
                if (
                    run("mei", "loan", "approve", number) is not None
                    and run("mei", "loan", "checkout", number, "--ack-confidentiality") is not None
                ):
                    run("mei", "loan", "return", number)
        else:
            run("mei", "client", "list", "--json")
    out.write_text(
        json.dumps(
            {"seed": seed, "ops": ops, "made": made, "refusals": refusals, "errors": errors},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


def start_workers(
    home: Path, workers: int, seconds: float, clients: list[str], base: Path
) -> list[tuple[subprocess.Popen, Path]]:
    procs = []
    for i in range(workers):
        out = base / f"worker-{i}.json"
        cmd = [
            PY,
            __file__,
            "worker",
            "--home",
            str(home),
            "--seconds",
            str(seconds),
            "--seed",
            str(i),
            "--clients",
            ",".join(clients),
            "--out",
            str(out),
        ]
        procs.append((subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE), out))
    return procs


def collect(procs: list[tuple[subprocess.Popen, Path]]) -> tuple[list[dict], list[str]]:
    results, failures = [], []
    for proc, out in procs:
        _o, err = proc.communicate(timeout=900)
        if proc.returncode != 0 or not out.exists():
            failures.append(f"worker exited {proc.returncode}: {err.decode()[-500:]}")
            continue
        results.append(json.loads(out.read_text(encoding="utf-8")))
    return results, failures


def verify_load(home: Path, results: list[dict]) -> list[str]:
    """No errors, no duplicate numbers, every number handed out is in the ledger, a clean
    check (after --repair of derived things only if needed: reported separately)."""
    from sqlalchemy import select

    from archivist.core.context import open_context
    from archivist.integrity import checker as integrity
    from archivist.ledger.tables.core import clients
    from archivist.ledger.tables.documents import documents
    from archivist.ledger.tables.loans import loans
    from archivist.ledger.tables.matters import matters

    failures: list[str] = []
    for r in results:
        failures += [f"worker {r['seed']}: {e}" for e in r["errors"]]
    ctx = open_context(home, "mei")
    try:
        with ctx.ledger.read() as conn:
            stored = {
                "clients": set(conn.execute(select(clients.c.number)).scalars()),
                "documents": set(conn.execute(select(documents.c.number)).scalars()),
                "matters": set(conn.execute(select(matters.c.number)).scalars()),
                "loans": set(conn.execute(select(loans.c.number)).scalars()),
            }
        for kind, have in stored.items():
            given = [n for r in results for n in r["made"][kind] if n]
            if len(given) != len(set(given)):
                failures.append(f"duplicate {kind} numbers handed out")
            lost = set(given) - have
            if lost:
                failures.append(
                    f"{kind} reported as made but not in the ledger: {sorted(lost)[:5]}"
                )
        report = integrity.check(ctx)
        if not report.ok:
            failures.append(
                f"check after the load: {report.summary} {[p.path for p in report.problems][:5]}"
            )
    finally:
        ctx.close()
    return failures


def load(base: Path, workers: int = 4, seconds: float = 10) -> dict[str, Any]:
    home, clients = make_home(base, 4)
    started = time.monotonic()
    results, failures = collect(start_workers(home, workers, seconds, clients, base))
    failures += verify_load(home, results)
    return {
        "workers": workers,
        "seconds": round(time.monotonic() - started, 1),
        "ops": sum(r["ops"] for r in results),
        "made": {
            k: sum(len(r["made"][k]) for r in results)
            for k in ("clients", "documents", "matters", "loans")
        },
        "refusals": sum(len(r["refusals"]) for r in results),
        "refusal_examples": sorted({x for r in results for x in r["refusals"]})[:8],
        "failures": failures,
        "ok": not failures,
    }


def backup_under_load(
    base: Path, workers: int = 3, seconds: float = 8, backups: int = 2
) -> dict[str, Any]:
    """Back up (several times, to the same folder) while workers write; the backup restores to
    a clean check and holds every document its snapshot knew."""
    from archivist.core.context import open_context
    from archivist.integrity import backup

    home, clients = make_home(base, 3)
    procs = start_workers(home, workers, seconds, clients, base)
    dest = base / "backup"
    results_b = []
    time.sleep(min(2.0, seconds / 3))
    ctx = open_context(home, "mei")
    try:
        for _ in range(backups):
            results_b.append(backup.backup(ctx, dest))
            time.sleep(seconds / (backups + 1))
    finally:
        ctx.close()
    results, failures = collect(procs)
    failures += verify_load(home, results)
    failures += [p for b in results_b for p in b.problems]
    restored = backup.restore(dest, base / "restored", "mei")
    if not restored.check.ok:
        failures.append(f"restored home does not check clean: {restored.check.summary}")
    return {
        "backups": [b.model_dump(mode="json", exclude={"problems"}) for b in results_b],
        "restored_documents": restored.documents,
        "ops": sum(r["ops"] for r in results),
        "failures": failures,
        "ok": not failures,
    }


# ------------------------------------------------------------------------------ measure
def measure(base: Path, documents: int = 2000, size: int = 20_000) -> dict[str, Any]:
    """Check time per 1,000 documents and backup throughput on `documents` files of `size`
    bytes filed with `file import`."""
    from archivist.core.context import open_context
    from archivist.integrity import backup
    from archivist.integrity import checker as integrity

    home, clients = make_home(base, 1)
    src = base / "src"
    src.mkdir()
    rng = random.Random(0)
    for i in range(documents):
        (src / f"d{i:05d}.txt").write_text(
            f"{i} " + "".join(rng.choice("合同違約金訴訟律師檔案 ") for _ in range(size // 3)),
            encoding="utf-8",
        )
    t = time.monotonic()
    r = cli(
        home,
        "mei",
        "file",
        "import",
        str(src),
        "--client",
        clients[0],
        "--section",
        "case",
        timeout=3600,
    )
    import_s = time.monotonic() - t
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    ctx = open_context(home, "mei")
    try:
        report = integrity.check(ctx)
        t = time.monotonic()
        b1 = backup.backup(ctx, base / "bk")
        first_s = time.monotonic() - t
        t = time.monotonic()
        b2 = backup.backup(ctx, base / "bk")
        second_s = time.monotonic() - t
    finally:
        ctx.close()
    t = time.monotonic()
    restored = backup.restore(base / "bk", base / "restored", "mei")
    restore_s = time.monotonic() - t
    return {
        "documents": documents,
        "bytes_each": size,
        "import_s": round(import_s, 1),
        "check_ok": report.ok,
        "check_s": report.seconds,
        "check_s_per_1000": round(report.seconds / documents * 1000, 2),
        "backup_first_s": round(first_s, 2),
        "backup_mb": round(b1.bytes_copied / 2**20, 1),
        "backup_mb_per_s": round(b1.bytes_copied / 2**20 / first_s, 1),
        "backup_again_s": round(second_s, 2),
        "backup_again_copied": b2.files_copied,
        "restore_s": round(restore_s, 1),
        "restore_parts_s": restored.seconds,
        "restore_check_ok": restored.check.ok,
    }


# ------------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("crash")
    c.add_argument("--kills", type=int, default=100)
    c.add_argument("--files", type=int, default=400)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--max-delay", type=float, default=5.0)
    ld = sub.add_parser("load")
    ld.add_argument("--workers", type=int, default=8)
    ld.add_argument("--seconds", type=float, default=120)
    b = sub.add_parser("backup")
    b.add_argument("--workers", type=int, default=6)
    b.add_argument("--seconds", type=float, default=30)
    b.add_argument("--backups", type=int, default=4)
    m = sub.add_parser("measure")
    m.add_argument("--documents", type=int, default=2000)
    m.add_argument("--size", type=int, default=20_000)
    w = sub.add_parser("worker")
    w.add_argument("--home", required=True)
    w.add_argument("--seconds", type=float, required=True)
    w.add_argument("--seed", type=int, required=True)
    w.add_argument("--clients", required=True)
    w.add_argument("--out", required=True)
    ap.add_argument("--keep", action="store_true", help="Keep the scratch folder.")
    args = ap.parse_args(argv)
    if args.cmd == "worker":
        worker(Path(args.home), args.seconds, args.seed, args.clients.split(","), Path(args.out))
        return 0
    base = Path(tempfile.mkdtemp(prefix=f"archivist-{args.cmd}-"))
    if args.cmd == "crash":
        result = crash(base, args.kills, args.files, args.seed, 0.3, args.max_delay)
    elif args.cmd == "load":
        result = load(base, args.workers, args.seconds)
    elif args.cmd == "backup":
        result = backup_under_load(base, args.workers, args.seconds, args.backups)
    else:
        result = measure(base, args.documents, args.size)
    result["scratch"] = str(base)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if not args.keep:
        import shutil

        shutil.rmtree(base, ignore_errors=True)
    return 0 if result.get("ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
