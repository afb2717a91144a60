"""`make bench` works end to end: the bench runs at a tiny size and writes the results file with
the expected shape (sections whose feature has not landed are skipped, never failing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = {"startup", "filing", "search", "contracts", "check", "backup"}
ROW_KEYS = {"figure", "value", "unit", "reference", "ref_value", "ratio"}


@pytest.mark.slow
def test_bench_runs_at_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--size",
            "tiny",
            "--docs",
            "24",
            "--out",
            str(out),
            "--workdir",
            str(tmp_path / "work"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"size", "docs", "queries", "started", "seconds", "machine", "sections"} <= set(data)
    assert data["size"] == "tiny" and data["docs"] == 24
    assert {"cpu", "cores", "python"} <= set(data["machine"])
    assert set(data["sections"]) == SECTIONS
    for name, sec in data["sections"].items():
        assert {"title", "status", "rows", "notes", "seconds"} <= set(sec), name
        assert sec["status"] in {"ok", "partial", "skipped", "error"}, name
        assert sec["status"] != "error", (name, sec["notes"])
        if sec["status"] == "skipped":
            assert sec["notes"], f"{name} was skipped without saying why"
        for row in sec["rows"]:
            assert set(row) >= ROW_KEYS, (name, row)
            if row["reference"] and row["value"] and row["ref_value"]:
                assert row["ratio"] is not None and row["ratio"] > 0
    startup = {r["figure"]: r for r in data["sections"]["startup"]["rows"]}
    assert "archivist --help" in startup and "python -c pass" in startup
    assert startup["archivist --help"]["reference"] == "python -c pass"
    assert "| Section" in res.stdout  # the table


def test_corpus_is_deterministic_and_mixed(tmp_path: Path) -> None:
    from bench.corpus import generate

    a = generate(tmp_path / "a", 30, n_queries=10)
    b = generate(tmp_path / "b", 30, n_queries=10)
    assert [d.text for d in a.docs] == [d.text for d in b.docs]
    assert a.queries == b.queries and len(a.queries) == 10
    assert {d.kind for d in a.docs} == {"txt", "docx", "pdf"}
    assert {d.script for d in a.docs} >= {"tc", "sc"}
    assert all((a.root / d.path).stat().st_size == d.size for d in a.docs)


def test_generated_files_extract_to_their_text(tmp_path: Path) -> None:
    """The hand-written .docx and .pdf files are real: python-docx and pypdf read the text."""
    import docx
    import pypdf

    from bench.corpus import generate

    c = generate(tmp_path / "c", 30, n_queries=1)
    pdf = next(d for d in c.docs if d.kind == "pdf")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(c.root / pdf.path).pages)
    first = pdf.text.split("\n")[1][:20]
    assert first in text.replace("\n", "")
    word = next(d for d in c.docs if d.kind == "docx")
    paras = [p.text for p in docx.Document(str(c.root / word.path)).paragraphs]
    assert paras[0] == word.text.split("\n")[0]


@pytest.mark.slow
def test_bench_can_skip_the_reference_and_the_rebuild(tmp_path: Path) -> None:
    """The 100k run skips the raw-Whoosh reference and the rebuild (each as long as filing)."""
    out = tmp_path / "results.json"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--size",
            "tiny",
            "--docs",
            "16",
            "--only",
            "search",
            "--skip",
            "reference,rebuild",
            "--out",
            str(out),
            "--workdir",
            str(tmp_path / "work"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    sec = json.loads(out.read_text(encoding="utf-8"))["sections"]["search"]
    figures = {r["figure"] for r in sec["rows"]}
    assert sec["status"] == "ok", sec["notes"]
    assert "search p95 (top 10, highlights)" in figures
    assert not any(f.startswith("raw Whoosh") or f.startswith("index rebuild") for f in figures)
    assert any("--skip reference" in n for n in sec["notes"])
    bad = subprocess.run(
        [sys.executable, "-m", "bench.run", "--skip", "everything"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "unknown --skip" in bad.stderr
