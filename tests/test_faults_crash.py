"""kill -9 during `file import`, again and again: afterwards no ledger row lacks its file, no
half-written file is registered, whatever check finds is fixed by --repair, and re-running the
import files everything exactly once. (Longer runs: bench/faults.py crash.)"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "faults.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_faults", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


@pytest.fixture
def bench():
    return _bench()


def test_kill_during_import_five_times(bench, tmp_path):
    result = bench.crash(tmp_path, kills=5, files=100, seed=7, min_s=0.3, max_s=1.8)
    assert result["ok"], result["failures"]
    assert result["documents"] == result["files"] >= 100


@pytest.mark.slow
def test_kill_during_import_many_times(bench, tmp_path):
    result = bench.crash(tmp_path, kills=40, files=300, seed=11, min_s=0.3, max_s=4.0)
    assert result["ok"], result["failures"]
    assert result["documents"] == result["files"] >= 300


def test_invariants_notice_a_registered_file_that_is_gone(bench, tmp_path):
    """The crash test's invariants would catch a lost file (guards the guard)."""
    from archivist.core.context import open_context
    from archivist.filing import service as filing

    home, clients = bench.make_home(tmp_path, 1)
    ctx = open_context(home, "mei")
    try:
        doc = filing.file_bytes(ctx, clients[0], "case", b"x", "a.txt", source="filed")
        ctx.store.resolve(doc.path).unlink()
    finally:
        ctx.close()
    assert any("missing" in b for b in bench.invariants(home))
