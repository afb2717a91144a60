"""scripts/rewrite_imports.py moves code written on the flat layout to the feature packages
(issue 16); other branches are rewritten with it at merge time, so it must be right and
idempotent."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "rewrite_imports.py"
spec = importlib.util.spec_from_file_location("rewrite_imports", SCRIPT)
assert spec and spec.loader
rw = importlib.util.module_from_spec(spec)
sys.modules["rewrite_imports"] = rw
spec.loader.exec_module(rw)

OLD = """from archivist import access, matters, registry
from archivist.filing import file_bytes
from archivist.index.query import parse
from archivist.errors import (
    Conflict,
    NotFound,
)
script = "from archivist import backup\\n"
monkeypatch.setattr("archivist.filing._select", None)
"""


def test_old_imports_become_the_new_layout_and_stay_so() -> None:
    new = rw.rewrite_text(OLD)
    assert "from archivist.core import access" in new
    assert "from archivist.matters import service as matters" in new
    assert "from archivist.clients import registry" in new
    assert "from archivist.filing.service import file_bytes" in new
    assert "from archivist.search.query import parse" in new
    assert "from archivist.core.errors import Conflict, NotFound" in new
    assert '"from archivist.integrity import backup\\n"' in new
    assert '"archivist.filing.service._select"' in new
    assert rw.rewrite_text(new) == new


def test_every_target_of_the_map_exists() -> None:
    for new in rw.MOVES.values():
        assert importlib.util.find_spec(new) is not None, new


def test_the_tree_is_already_rewritten() -> None:
    root = SCRIPT.parents[1]
    for path in [*(root / "archivist").rglob("*.py"), *(root / "tests").rglob("*.py")]:
        if path.name == "test_rewrite_imports.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert rw.rewrite_text(text) == text, path
