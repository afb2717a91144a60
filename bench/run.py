"""Run every benchmark on a synthetic archive and write bench/results.json plus a table.

    python -m bench.run                  # --size quick: 2,000 documents, a few minutes
    python -m bench.run --size 20k       # 20,000 documents
    python -m bench.run --size large     # 100,000 documents (long)
    python -m bench.run --only startup,search

Every figure is the median of several runs and sits beside a reference measured in the same run
on the same data (ratio = how many times the reference's cost). A section whose feature has not
landed is skipped with a note; the command itself never fails because of that."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import Section


@dataclass(frozen=True)
class Size:
    docs: int
    queries: int
    runs: int  # repetitions of the short measurements
    heavy_runs: int  # repetitions of filing / check / backup
    startup_runs: int
    renders: int
    batch: int


SIZES = {
    "tiny": Size(docs=40, queries=20, runs=1, heavy_runs=1, startup_runs=2, renders=3, batch=3),
    "quick": Size(
        docs=2000, queries=300, runs=3, heavy_runs=3, startup_runs=15, renders=40, batch=200
    ),
    "20k": Size(
        docs=20000, queries=300, runs=3, heavy_runs=1, startup_runs=15, renders=40, batch=200
    ),
    "large": Size(
        docs=100000, queries=300, runs=2, heavy_runs=1, startup_runs=15, renders=40, batch=200
    ),
}
SECTIONS = ["startup", "filing", "search", "contracts", "check", "backup"]
TITLES = {
    "startup": "CLI start-up",
    "filing": "Filing",
    "search": "Index and search",
    "contracts": "Contracts",
    "check": "Check",
    "backup": "Backup",
}
BENCH_DIR = Path(__file__).resolve().parent


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def load_corpus(work: Path, size: Size) -> Any:
    from bench.corpus import generate

    return generate(work / "corpus", size.docs, n_queries=size.queries)


def run_sections(
    names: list[str],
    size: Size,
    work: Path,
    reuse: bool = False,
    skip: frozenset[str] = frozenset(),
) -> dict[str, Section]:
    from bench import check_backup, contracts, filing, search, startup

    t0 = time.perf_counter()
    corpus = load_corpus(work, size)
    print(
        f"corpus: {len(corpus.docs)} documents, {corpus.total_bytes / 2**20:.1f} MB "
        f"({time.perf_counter() - t0:.1f} s)",
        file=sys.stderr,
    )
    results: dict[str, Section] = {}
    home = filing.existing_home(work, corpus) if reuse else None
    if home is not None:
        print(f"reusing the filed home {home.root}", file=sys.stderr)
    needs_filed = bool({"search", "check", "backup"} & set(names))
    for name in SECTIONS:
        if name == "filing" and home is not None and name not in names:
            continue
        if name not in names and not (name == "filing" and needs_filed):
            continue
        if name == "contracts" and home is None:
            # contracts need clients and matters, not filed documents
            from bench.homes import add_clients, create_home

            light = work / "contracts-home"
            if light.exists():
                shutil.rmtree(light)
            home = add_clients(
                create_home(light, corpus.lawyers), corpus, limit=max(20, size.batch // 2)
            )
        sec = Section(name, TITLES[name])
        started = time.perf_counter()
        print(f"[{name}] ...", file=sys.stderr, flush=True)
        try:
            if name == "startup":
                startup.run(sec, work, corpus, size.startup_runs)
            elif name == "filing":
                home = filing.run(sec, work, corpus, size.heavy_runs)
            elif name == "search":
                search.run(sec, work, corpus, size.runs, home, size.heavy_runs, skip)
            elif name == "contracts":
                contracts.run(sec, work, size.renders, size.batch, home)
            elif name == "check":
                check_backup.run_check(sec, home, len(corpus.docs), size.heavy_runs)
            elif name == "backup":
                check_backup.run_backup(sec, home, work, size.heavy_runs)
        except Exception as exc:  # noqa: BLE001 - one broken section must not end the bench
            sec.status = "error" if not sec.rows else "partial"
            sec.note(f"error: {type(exc).__name__}: {exc!s:.500}")
            traceback.print_exc(file=sys.stderr)
        sec.seconds = time.perf_counter() - started
        print(f"[{name}] {sec.status} in {sec.seconds:.1f} s", file=sys.stderr, flush=True)
        if name in names:
            results[name] = sec
    return results


# ------------------------------------------------------------------------------ table
def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit in ("MB", "MB/s"):
        return f"{value:.1f} {unit}"
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"


def table(results: dict[str, Any]) -> str:
    lines = []
    header = ("Section", "Figure", "archivist", "Reference", "Reference value", "Ratio")
    rows = []
    for name, sec in results["sections"].items():
        for r in sec["rows"]:
            rows.append(
                (
                    sec["title"],
                    r["figure"],
                    fmt(r["value"], r["unit"]),
                    r["reference"] or "",
                    fmt(r["ref_value"], r["unit"]) if r["reference"] else "",
                    f"{r['ratio']:.2f}x" if r["ratio"] is not None else "",
                )
            )
        if not sec["rows"]:
            rows.append((sec["title"], f"({sec['status']})", "", "", "", ""))
        del name
    widths = [max(_w(x[i]) for x in [header, *rows]) for i in range(len(header))]
    lines.append("| " + " | ".join(_pad(h, widths[i]) for i, h in enumerate(header)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        lines.append("| " + " | ".join(_pad(c, widths[i]) for i, c in enumerate(row)) + " |")
    notes = [f"- {sec['title']}: {n}" for sec in results["sections"].values() for n in sec["notes"]]
    m = results["machine"]
    lines.append("")
    lines.append(
        f"{results['docs']} documents ({results['size']}), {m['cores']} cores, "
        f"{m['cpu']}, Python {m['python']}, load average {m.get('load_at_start')} at "
        f"start; ratio = times the reference's cost (>1 slower or bigger)."
    )
    lines.extend(notes)
    return "\n".join(lines)


def _w(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _w(text))


# ------------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--size", choices=list(SIZES), default="quick")
    p.add_argument("--docs", type=int, help="Override the number of documents.")
    p.add_argument(
        "--heavy-runs",
        type=int,
        help="Override how often filing, rebuild, check and backup are repeated.",
    )
    p.add_argument("--startup-runs", type=int, help="Override the start-up repetitions.")
    p.add_argument("--only", help="Comma-separated sections: " + ",".join(SECTIONS))
    p.add_argument(
        "--out",
        type=Path,
        help="Results file (default bench/results.json for "
        "quick, bench/results-SIZE.json otherwise).",
    )
    p.add_argument(
        "--workdir",
        type=Path,
        help="Where the corpus and homes are made (default: a temporary folder, "
        "removed at the end).",
    )
    p.add_argument("--keep", action="store_true", help="Keep the work folder.")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="Reuse a home filed by an earlier run in --workdir (skips filing unless "
        "it is asked for with --only).",
    )
    p.add_argument(
        "--skip",
        default="",
        help="Comma-separated: reference (the raw-Whoosh index), rebuild (`index "
        "rebuild`); at 100k documents each costs about as long as filing.",
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="Keep the other sections already in the results file (with --only).",
    )
    a = p.parse_args(argv)
    size = SIZES[a.size]
    from dataclasses import replace

    if a.docs:
        size = replace(size, docs=a.docs)
    if a.heavy_runs:
        size = replace(size, heavy_runs=a.heavy_runs)
    if a.startup_runs:
        size = replace(size, startup_runs=a.startup_runs)
    names = SECTIONS if not a.only else [s.strip() for s in a.only.split(",") if s.strip()]
    skip = frozenset(x.strip() for x in a.skip.split(",") if x.strip())
    if skip - {"reference", "rebuild"}:
        p.error(f"unknown --skip: {', '.join(sorted(skip - {'reference', 'rebuild'}))}")
    unknown = set(names) - set(SECTIONS)
    if unknown:
        p.error(f"unknown sections: {', '.join(sorted(unknown))}")
    out = a.out or (BENCH_DIR / ("results.json" if a.size == "quick" else f"results-{a.size}.json"))
    work = a.workdir or Path(tempfile.mkdtemp(prefix=f"archivist-bench-{a.size}-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ARCHIVIST_NOW", "2026-03-02T09:30:00")
    started = time.time()
    load0 = [round(x, 2) for x in os.getloadavg()]
    try:
        sections = run_sections(names, size, work, a.reuse, skip)
    finally:
        if not a.keep and a.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    results = {
        "size": a.size,
        "docs": size.docs,
        "queries": size.queries,
        "runs": {"short": size.runs, "heavy": size.heavy_runs, "startup": size.startup_runs},
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "machine": {**machine(), "load_at_start": load0},
        "sections": {name: sec.as_dict() for name, sec in sections.items()},
    }
    if a.update and out.exists():
        old = json.loads(out.read_text(encoding="utf-8"))
        merged = {k: v for k, v in old.get("sections", {}).items() if k not in sections}
        for sec in merged.values():
            sec.setdefault("from_run", old.get("started"))
        results["sections"] = {
            k: (results["sections"].get(k) or merged[k])
            for k in SECTIONS
            if k in results["sections"] or k in merged
        }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwritten: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
