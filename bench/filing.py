"""Filing throughput: archivist end to end (copy into the store, checksum, extract text, ledger,
audit, manifest, index) beside a plain copy + SHA-256 of the same files.

Our figure runs in a child process (`python -m bench.child file ...`) so its own peak memory is
measured. It uses `archivist file import --map` when that exists (the command a user runs for a
whole tree), else the library's `archivist.filing.service.file_paths`."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from bench.common import Section, archivist_argv, dir_size, fresh_dir, median, run_measured, timed
from bench.corpus import Corpus
from bench.homes import BenchHome, add_clients, create_home

CHUNK = 1024 * 1024


def copy_sha256(src: Path, dst: Path, fsync: bool) -> str:
    digest = hashlib.sha256()
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(CHUNK):
            digest.update(chunk)
            fout.write(chunk)
        if fsync:
            fout.flush()
            os.fsync(fout.fileno())
    return digest.hexdigest()


def reference(corpus: Corpus, target: Path, fsync: bool) -> float:
    fresh_dir(target)

    def go() -> None:
        made: set[Path] = set()
        for d in corpus.docs:
            dst = target / d.path
            if dst.parent not in made:
                dst.parent.mkdir(parents=True, exist_ok=True)
                made.add(dst.parent)
            copy_sha256(corpus.root / d.path, dst, fsync)

    t, _ = timed(go)
    shutil.rmtree(target, ignore_errors=True)
    return t


def write_map(corpus: Corpus, bh: BenchHome, path: Path) -> Path:
    """The CSV for `file import --map`: path, client, section, matter, title."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "client", "section", "matter", "title"])
        for d in corpus.docs:
            matter = bh.matter_numbers.get((d.client, d.matter)) if d.matter is not None else ""
            w.writerow([d.path, bh.client_numbers[d.client], d.section, matter or "", d.title])
    return path


def write_plan(corpus: Corpus, bh: BenchHome, path: Path) -> Path:
    plan = [
        {
            "path": str(corpus.root / d.path),
            "client": bh.client_numbers[d.client],
            "section": d.section,
            "matter": bh.matter_numbers.get((d.client, d.matter)) if d.matter is not None else None,
            "title": d.title,
        }
        for d in corpus.docs
    ]
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return path


def import_supports_map() -> bool:
    res = run_measured(archivist_argv() + ["file", "import", "--help"], timeout=60)
    return res.returncode == 0 and "--map" in res.stdout


def library_available() -> bool:
    res = run_measured(
        [
            sys.executable,
            "-c",
            "import archivist.filing.service as f; assert hasattr(f, 'file_paths') or "
            "hasattr(f, 'file_bytes')",
        ],
        timeout=60,
    )
    return res.returncode == 0


def file_corpus(corpus: Corpus, bh: BenchHome, work: Path) -> tuple[float, float, str]:
    """File every document into `bh`; (seconds, peak RSS MB, how)."""
    if import_supports_map():
        mapping = write_map(corpus, bh, work / "import-map.csv")
        # as a user runs it: the report lists what needs a look (--json would list every file)
        res = run_measured(
            archivist_argv() + ["file", "import", str(corpus.root), "--map", str(mapping)],
            env=bh.env(),
            cwd=corpus.root,
            timeout=24 * 3600,
        )
        res.check("archivist file import --map")
        return res.seconds, res.maxrss_mb, "archivist file import --map (CLI, one process)"
    plan = write_plan(corpus, bh, work / "file-plan.json")
    res = run_measured(
        [sys.executable, "-m", "bench.child", "file", str(bh.root), str(plan)],
        env=bh.env(),
        timeout=24 * 3600,
    )
    res.check("bench.child file")
    return res.seconds, res.maxrss_mb, "archivist.filing.service library, one process"


def run(sec: Section, work: Path, corpus: Corpus, runs: int) -> BenchHome | None:
    """Measures filing and leaves the last filed home for the search/check/backup sections."""
    n = len(corpus.docs)
    mb = corpus.total_bytes / 2**20
    ref_plain = median(reference(corpus, work / "copy-ref", fsync=False) for _ in range(runs))
    ref_fsync = median(reference(corpus, work / "copy-ref", fsync=True) for _ in range(runs))
    sec.note(
        f"corpus: {n} documents, {mb:.1f} MB, "
        + ", ".join(
            f"{k} {sum(1 for d in corpus.docs if d.kind == k)}" for k in ("txt", "docx", "pdf")
        )
    )
    if not (import_supports_map() or library_available()):
        sec.row("copy + SHA-256", n / ref_plain, "docs/s", runs=runs)
        sec.row("copy + SHA-256 + fsync", n / ref_fsync, "docs/s", runs=runs)
        sec.skip("filing has not landed (no `file import --map`, no archivist.filing.service)")
        return None
    times, rss = [], []
    bh: BenchHome | None = None
    how = ""
    for i in range(runs):
        root = work / f"home-{i}"
        if root.exists():
            shutil.rmtree(root)
        bh = add_clients(create_home(root, corpus.lawyers), corpus)
        t, r, how = file_corpus(corpus, bh, work)
        times.append(t)
        rss.append(r)
        if i < runs - 1:
            shutil.rmtree(root, ignore_errors=True)
    assert bh is not None
    sec.note(f"ours: {how}")
    t = median(times)
    sec.row(
        "filing, end to end",
        n / t,
        "docs/s",
        "copy + SHA-256",
        n / ref_plain,
        runs=runs,
        mb_per_s=mb / t,
        target=100.0,
    )
    sec.row(
        "filing, end to end (vs fsync copy)",
        n / t,
        "docs/s",
        "copy + SHA-256 + fsync",
        n / ref_fsync,
        runs=runs,
    )
    sec.row("filing peak memory", median(rss), "MB", runs=runs)
    sec.row("store size", dir_size(bh.root / "archive_store") / 2**20, "MB", "corpus", mb)
    return bh


def existing_home(work: Path, corpus: Corpus) -> BenchHome | None:
    """A home a previous run filed the same corpus into (for --reuse), else None."""
    import sqlite3

    root = work / "home-0"
    ledger = root / "archive_store" / "ledger.sqlite3"
    if not (root / "archivist.toml").is_file() or not ledger.is_file():
        return None
    con = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        n = con.execute("select count(*) from documents").fetchone()[0]
        matters = [r[0] for r in con.execute("select number from matters order by id")]
    finally:
        con.close()
    if n < len(corpus.docs):
        return None
    bh = BenchHome(root)
    bh.matter_numbers = {(i, 0): m for i, m in enumerate(matters)}
    return bh
