"""CLI start-up: wall time of `archivist --help`, `client list` and `search` on a small home,
beside the bare interpreter, and which heavy modules each command imports."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bench.common import Section, archivist_argv, median, run_measured
from bench.corpus import Corpus

HEAVY = [
    "docxtpl",
    "docx",
    "pypdf",
    "whoosh",
    "opencc",
    "matplotlib",
    "sqlalchemy",
    "sqlalchemy.orm",
    "pydantic",
    "cryptography",
    "pypinyin",
    "charset_normalizer",
    "lxml",
    "jinja2",
]

_PROBE = """
import json, sys
sys.argv = ["archivist"] + json.loads(sys.argv[1])
from archivist.cli import main
try:
    main(standalone_mode=True)
except SystemExit:
    pass
heavy = %r
sys.stdout.flush()
sys.stderr.write("\\nHEAVY=" + json.dumps([m for m in heavy if m in sys.modules]) + "\\n")
"""


def loaded_heavy(args: list[str], env: dict[str, str]) -> list[str]:
    res = run_measured(
        [sys.executable, "-c", _PROBE % HEAVY, json.dumps(args)], env=env, timeout=120
    )
    for line in res.stderr.splitlines():
        if line.startswith("HEAVY="):
            return list(json.loads(line[6:]))
    return ["?"]


def run(sec: Section, work: Path, corpus: Corpus, runs: int) -> None:
    from bench.homes import add_clients, create_home

    home_dir = work / "startup-home"
    bh = create_home(home_dir, corpus.lawyers)
    # a small home: the first 20 clients
    add_clients(bh, corpus, limit=20)
    env = bh.env()
    arch = archivist_argv()
    commands: list[tuple[str, list[str]]] = [
        ("archivist --help", ["--help"]),
        ("archivist client list", ["client", "list"]),
    ]
    if run_measured(arch + ["search", "--help"], env=env).returncode == 0:
        commands.append(("archivist search 合同", ["search", "合同", "--limit", "5"]))
    else:
        sec.note("`archivist search` is not available yet: its start-up was not measured.")

    def med(argv: list[str]) -> tuple[float, float, float]:
        times, rss, cpu = [], [], []
        for _ in range(runs):
            r = run_measured(argv, env=env, timeout=60)
            r.check(" ".join(argv[-3:]))
            times.append(r.seconds)
            rss.append(r.maxrss_mb)
            cpu.append(r.cpu_s)
        return median(times), median(rss), median(cpu)

    # warm the page cache once
    run_measured([sys.executable, "-c", "pass"])
    run_measured(arch + ["--help"], env=env)
    bare, _, bare_cpu = med([sys.executable, "-c", "pass"])
    sec.row("python -c pass", bare, "s", runs=runs, cpu_s=bare_cpu)
    cpu_rows = []
    for label, args in commands:
        t, rss, cpu = med(arch + args)
        heavy = loaded_heavy(args, env)
        sec.row(
            label,
            t,
            "s",
            "python -c pass",
            bare,
            runs=runs,
            peak_rss_mb=rss,
            heavy_modules=heavy,
            cpu_s=cpu,
        )
        cpu_rows.append((label, cpu))
    # CPU time (user + system) hardly changes when other processes load the machine; wall
    # time does. Both are shown.
    for label, cpu in cpu_rows:
        sec.row(f"{label} (CPU time)", cpu, "s", "python -c pass (CPU time)", bare_cpu, runs=runs)
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        sec.note(
            f"the machine was busy (load average {load:.1f} on {os.cpu_count()} cores): "
            "wall times are inflated; the CPU-time rows are the steadier comparison"
        )
    targets = {"archivist --help": 0.150, "archivist client list": 0.300}
    for row in sec.rows:
        target = targets.get(row["figure"])
        if target is not None:
            row["target"] = target
            if row["value"] is not None and row["value"] > target:
                sec.note(
                    f"{row['figure']} median {row['value'] * 1000:.0f} ms is above the "
                    f"{target * 1000:.0f} ms target"
                )
