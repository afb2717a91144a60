"""Shared helpers for the benchmarks: timing, medians, child processes with their peak memory,
and the result rows every section reports.

A row is one figure beside its reference, measured in the same run on the same data:

    {"figure": "archivist --help", "value": 0.061, "unit": "s",
     "reference": "python -c pass", "ref_value": 0.012, "ratio": 5.1, "runs": 15}

`ratio` is always "how many times the reference's cost" (> 1 means slower or bigger than the
reference): ours / reference for times and sizes, reference / ours for throughputs."""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HIGHER_IS_BETTER = {"docs/s", "renders/s", "MB/s", "files/s"}


def median(values: Iterable[float]) -> float:
    vals = list(values)
    return statistics.median(vals) if vals else float("nan")


def percentile(values: Iterable[float], p: float) -> float:
    vals = sorted(values)
    if not vals:
        return float("nan")
    k = (len(vals) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (k - lo)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def repeat(fn: Callable[[], Any], runs: int) -> list[float]:
    return [timed(fn)[0] for _ in range(runs)]


@dataclass
class ChildResult:
    seconds: float
    maxrss_mb: float  # the process's own peak RSS (VmHWM)
    returncode: int
    stdout: str
    stderr: str
    tree_rss_mb: float = 0.0  # highest RSS seen summed over the process and its children
    cpu_s: float = 0.0  # user + system CPU time of the process (and its waited-for children)

    def check(self, what: str) -> ChildResult:
        if self.returncode != 0:
            tail = (self.stderr or self.stdout).strip().splitlines()[-5:]
            raise RuntimeError(f"{what} exited {self.returncode}: " + " | ".join(tail))
        return self


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out.extend(int(c) for c in fh.read().split())
    except (OSError, ValueError):
        pass
    return out


def _tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(_children(p))
    return seen


def run_measured(
    argv: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    poll: float = 0.005,
) -> ChildResult:
    """Run a process: wall time from spawn to exit, and its peak memory read from
    /proc/PID/status while it runs (VmHWM of the process; VmRSS summed over its process tree).
    (ru_maxrss from wait4 is useless here: Linux carries the parent's peak across fork+exec.)"""
    import tempfile

    full_env = {**os.environ, **(env or {})}
    hwm = tree = 0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            argv, env=full_env, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        deadline = None if timeout is None else t0 + timeout
        i = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            hwm = max(hwm, _status_kb(proc.pid, "VmHWM"))
            if i % 20 == 0:
                tree = max(tree, sum(_status_kb(p, "VmRSS") for p in _tree(proc.pid)))
            i += 1
            if deadline is not None and time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise RuntimeError(f"{argv[:4]} timed out after {timeout} s")
            time.sleep(poll)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildResult(
            elapsed,
            hwm / 1024,
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            max(tree, hwm) / 1024,
            usage.ru_utime + usage.ru_stime,
        )


def archivist_argv() -> list[str]:
    """How a user starts archivist: the console script next to this interpreter."""
    script = Path(sys.executable).with_name("archivist")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "archivist"]


def dir_size(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


@dataclass
class Section:
    name: str
    title: str
    status: str = "ok"  # ok | partial | skipped | error
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def row(
        self,
        figure: str,
        value: float | None,
        unit: str,
        reference: str | None = None,
        ref_value: float | None = None,
        runs: int | None = None,
        **extra: Any,
    ) -> None:
        ratio = None
        if value is not None and ref_value not in (None, 0) and value == value:
            assert ref_value is not None
            ratio = (
                (ref_value / value if unit in HIGHER_IS_BETTER else value / ref_value)
                if value
                else None
            )
        row: dict[str, Any] = {
            "figure": figure,
            "value": _round(value),
            "unit": unit,
            "reference": reference,
            "ref_value": _round(ref_value),
            "ratio": _round(ratio, 2),
        }
        if runs is not None:
            row["runs"] = runs
        row.update({k: _round(v) if isinstance(v, float) else v for k, v in extra.items()})
        self.rows.append(row)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def skip(self, reason: str) -> Section:
        if not self.rows:
            self.status = "skipped"
        elif self.status == "ok":
            self.status = "partial"
        self.note(reason)
        return self

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "status": self.status,
            "seconds": round(self.seconds, 1),
            "rows": self.rows,
            "notes": self.notes,
        }


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None:
        return None
    if value != value:  # NaN
        return None
    if abs(value) >= 100:
        return round(value, 1)
    return float(f"{value:.{digits}g}")


def feature(module: str, *names: str) -> Any | None:
    """The module if it imports and has all `names`, else None (the feature has not landed)."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except Exception:  # noqa: BLE001 - a half-written module must not break the bench
        return None
    return mod if all(hasattr(mod, n) for n in names) else None


def cli_has(group: str, *args: str) -> bool:
    """True when `archivist GROUP [ARGS] --help` works (the command exists)."""
    res = run_measured(archivist_argv() + [group, *args, "--help"], timeout=60)
    return res.returncode == 0
