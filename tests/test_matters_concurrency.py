"""Matter numbers stay unique when several processes open matters at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from archivist.matters import views as matter_views
from tests.conftest import allow_clock_override

PROCESSES = 6


def test_concurrent_matter_opening_never_duplicates_numbers(
    home_dir: Path, ctx: Any, make_client: Any
) -> None:
    make_client()
    make_client("王小明")
    allow_clock_override(home_dir)
    env = {
        **os.environ,
        "ARCHIVIST_HOME": str(home_dir),
        "ARCHIVIST_USER": "mei",
        "ARCHIVIST_NOW": "2026-04-01T10:00:00",
    }
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "archivist",
                "matter",
                "open",
                ("C0001", "W0001")[i % 2],
                "--type",
                "civil",
                "--title",
                f"並發案件 {i}",
                "--lawyer",
                "lin",
                "--json",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    numbers = sorted(json.loads(out)["number"] for out, _ in outputs)
    assert numbers == [f"2026-MS-{i:04d}" for i in range(1, PROCESSES + 1)]
    listed = sorted(m.number for m in matter_views.list_matters(ctx))
    assert listed == numbers
