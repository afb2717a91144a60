"""`archivist check` and `archivist backup` on the filed archive, beside reading (check) or
copying (backup) every stored file with SHA-256."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from bench.common import Section, archivist_argv, dir_size, median, run_measured, timed
from bench.homes import BenchHome

CHUNK = 1024 * 1024


def _files(root: Path) -> list[Path]:
    out = []
    for dirpath, _dirs, names in os.walk(root):
        out.extend(Path(dirpath) / n for n in names)
    return out


def sha_all(root: Path) -> float:
    def go() -> None:
        for p in _files(root):
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    h.update(chunk)

    return timed(go)[0]


def copy_sha_all(root: Path, dest: Path) -> float:
    from bench.filing import copy_sha256

    if dest.exists():
        shutil.rmtree(dest)

    def go() -> None:
        for p in _files(root):
            target = dest / p.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_sha256(p, target, fsync=True)

    t = timed(go)[0]
    shutil.rmtree(dest, ignore_errors=True)
    return t


def run_check(sec: Section, bh: BenchHome | None, n_docs: int, runs: int) -> None:
    if bh is None:
        sec.skip("no filed archive (filing did not run)")
        return
    argv = archivist_argv() + ["check", "--json"]
    if run_measured(archivist_argv() + ["check", "--help"], env=bh.env()).returncode != 0:
        sec.skip("`archivist check` is not available")
        return
    store = bh.root / "archive_store"
    ref = median(sha_all(store) for _ in range(runs))
    times, rss, codes = [], [], set()
    last: Any = None
    for _ in range(runs):
        res = run_measured(argv, env=bh.env(), timeout=24 * 3600)
        if res.returncode not in (0, 1):
            res.check("archivist check")
        codes.add(res.returncode)
        times.append(res.seconds)
        rss.append(res.maxrss_mb)
        last = res
    t = median(times)
    per_k = t / n_docs * 1000
    sec.row(
        "check, per 1,000 documents",
        per_k,
        "s",
        "SHA-256 of every stored file",
        ref / n_docs * 1000,
        runs=runs,
    )
    sec.row("check, whole archive", t, "s", "SHA-256 of every stored file", ref, runs=runs)
    sec.row("check peak memory", median(rss), "MB", runs=runs)
    if 1 in codes and last is not None:
        try:
            report = json.loads(last.stdout)
            problems = report.get("problems") or report.get("issues") or []
            sec.note(
                f"check exited 1 (found {len(problems)} problems), e.g. {str(problems[:2])[:300]}"
            )
        except ValueError:
            sec.note("check exited 1: " + last.stderr.strip()[-300:])


def run_backup(sec: Section, bh: BenchHome | None, work: Path, runs: int) -> None:
    if bh is None:
        sec.skip("no filed archive (filing did not run)")
        return
    if run_measured(archivist_argv() + ["backup", "--help"], env=bh.env()).returncode != 0:
        sec.skip("`archivist backup` is not available")
        return
    # The backup copies archive_store/ (documents, a ledger snapshot, derived records); the
    # index is derived and rebuilt on restore. The reference copies the same folder.
    store = bh.root / "archive_store"
    size_mb = dir_size(store) / 2**20
    ref = median(copy_sha_all(store, work / "copy-store") for _ in range(runs))
    times, rss, incr = [], [], []
    for _ in range(runs):
        dest = work / "backup"
        shutil.rmtree(dest, ignore_errors=True)
        res = run_measured(
            archivist_argv() + ["backup", str(dest), "--json"], env=bh.env(), timeout=24 * 3600
        ).check("archivist backup")
        times.append(res.seconds)
        rss.append(res.maxrss_mb)
        again = run_measured(
            archivist_argv() + ["backup", str(dest), "--json"], env=bh.env(), timeout=24 * 3600
        ).check("archivist backup (incremental)")
        incr.append(again.seconds)
    t = median(times)
    sec.row(
        "backup, full",
        size_mb / t,
        "MB/s",
        "copy + SHA-256 + fsync of archive_store",
        size_mb / ref,
        runs=runs,
        seconds=t,
        store_mb=size_mb,
    )
    sec.row("backup, incremental (nothing changed)", median(incr), "s", runs=runs)
    sec.row("backup peak memory", median(rss), "MB", runs=runs)
    shutil.rmtree(work / "backup", ignore_errors=True)
