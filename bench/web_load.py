"""Load check of the web front end (issue 18): concurrent signed-in users searching and opening
documents against `archivist serve` (uvicorn) on a synthetic home.

    python -m bench.web_load                          # 1,000 documents, 20 users, 20 s
    python -m bench.web_load --docs 20000 --seconds 60 --out bench/results-web-load.json

Reports p50/p95/max page times per kind (search page, document page), errors, requests per
second and the server's resident memory (all its processes)."""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

WORDS = [
    "違約金",
    "買賣合同",
    "保密義務",
    "損害賠償",
    "租賃契約",
    "勞動爭議",
    "智慧財產",
    "和解",
    "上訴",
    "強制執行",
    "遺產繼承",
    "公司股權",
    "債務清償",
    "不動產",
    "商標",
]
FILLER = "本件當事人就下列事項協議如下並經雙方確認無誤，如有爭議依法處理。"
PASSWORD = "load-test-password"


def build_home(root: Path, docs: int, seed: int = 7) -> None:
    from archivist.clients import registry
    from archivist.core import accounts, home
    from archivist.core.context import open_context
    from archivist.filing import service as filing
    from archivist.models import ClientInput

    rng = random.Random(seed)
    home.create(root, "壓測律師事務所", "mei", "王美")
    ctx = open_context(root, "mei")
    try:
        clients = [
            registry.add(ctx, ClientInput(name=f"客戶{i:03d}", kind="person")).client
            for i in range(max(1, docs // 50))
        ]
        started = time.perf_counter()
        for i in range(docs):
            text = "".join(
                rng.choice(WORDS) + FILLER[: rng.randint(5, 30)] for _ in range(rng.randint(5, 20))
            )
            filing.file_bytes(
                ctx, clients[i % len(clients)].number, "case", text.encode(), f"文件{i:05d}.txt"
            )
            if i and i % 1000 == 0:
                print(
                    f"  filed {i} documents ({time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                )
        accounts.set_password(ctx, "mei", PASSWORD, must_change=False)
    finally:
        ctx.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    """Resident memory of `pid` and its children (uvicorn workers), in KiB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def sign_in(client: Any) -> None:
    page = client.get("/signin")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post("/signin", data={"username": "mei", "password": PASSWORD, "csrf": token})
    r.raise_for_status()


def user_loop(
    base: str,
    seconds: float,
    seed: int,
    out: dict[str, list[float]],
    errors: list[str],
    lock: threading.Lock,
    ready: threading.Barrier,
) -> None:
    """Sign in (not timed), wait until every user has, then search and open for `seconds`."""
    import httpx

    rng = random.Random(seed)
    times: dict[str, list[float]] = {"search": [], "document": []}
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as client:
        try:
            sign_in(client)
        except Exception as exc:  # noqa: BLE001 - counted as an error, the others go on
            errors.append(f"sign-in {type(exc).__name__}")
            ready.abort()
            return
        ready.wait()
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            word = rng.choice(WORDS)
            t0 = time.perf_counter()
            r = client.get("/search", params={"q": word, "page": rng.randint(1, 3)})
            times["search"].append(time.perf_counter() - t0)
            if r.status_code != 200:
                errors.append(f"search {r.status_code}")
                continue
            hits = re.findall(r'href="/documents/([^"/]+)"', r.text)
            if not hits:
                continue
            t0 = time.perf_counter()
            r = client.get(f"/documents/{rng.choice(hits)}")
            times["document"].append(time.perf_counter() - t0)
            if r.status_code != 200:
                errors.append(f"document {r.status_code}")
    with lock:
        for k, v in times.items():
            out[k].extend(v)


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--home", help="reuse this home (built on first use)")
    parser.add_argument("--out", help="write the figures as JSON here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="archivist-webload-") as tmp:
        root = Path(args.home) if args.home else Path(tmp) / "home"
        if not (root / "archivist.toml").exists():
            t0 = time.perf_counter()
            build_home(root, args.docs)
            print(
                f"built a home with {args.docs} documents in {time.perf_counter() - t0:.0f} s",
                file=sys.stderr,
            )
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "archivist",
                "--home",
                str(root),
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            stderr=subprocess.DEVNULL,
            env={**os.environ},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            import httpx

            for _ in range(200):
                try:
                    httpx.get(base + "/signin", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            times: dict[str, list[float]] = {"search": [], "document": []}
            errors: list[str] = []
            lock = threading.Lock()
            ready = threading.Barrier(args.users + 1)
            threads = [
                threading.Thread(
                    target=user_loop, args=(base, args.seconds, i, times, errors, lock, ready)
                )
                for i in range(args.users)
            ]
            for t in threads:
                t.start()
            ready.wait()  # every user signed in (sign-in is Argon2: slow on purpose)
            started = time.perf_counter()
            peak = 0
            while any(t.is_alive() for t in threads):
                peak = max(peak, rss_kb(server.pid))
                time.sleep(0.5)
            elapsed = time.perf_counter() - started
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    result: dict[str, Any] = {
        "docs": args.docs,
        "users": args.users,
        "seconds": round(elapsed, 1),
        "workers": args.workers,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "requests": sum(len(v) for v in times.values()),
        "requests_per_s": round(sum(len(v) for v in times.values()) / elapsed, 1),
        "server_rss_mb_peak": round(peak / 1024, 1),
    }
    for kind, values in times.items():
        result[kind] = {
            "n": len(values),
            "p50_ms": round(pct(values, 50), 1),
            "p95_ms": round(pct(values, 95), 1),
            "max_ms": round(max(values) * 1000, 1) if values else 0.0,
            "mean_ms": round(statistics.fmean(values) * 1000, 1) if values else 0.0,
        }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.out:
        Path(args.out).write_text(
            json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
