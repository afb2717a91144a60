"""The command line only parses, calls and prints (issue 16): every rule lives in the library,
so a second front end (the web) cannot drift from it. This walks archivist/cli/ and fails on a
role name, a SQL table or statement, or an import of sqlalchemy there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import archivist.cli
from archivist.models import Role

CLI = Path(archivist.cli.__file__).parent
ROLE_VALUES = {r.value for r in Role}
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b")


def _findings(source: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import | ast.ImportFrom):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            names = [a.name for a in node.names]
            for mod in mods:
                if mod and (
                    mod.split(".")[0] == "sqlalchemy" or mod.startswith("archivist.ledger.tables")
                ):
                    out.append(f"{line}: imports {mod}")
            if "Role" in names:
                out.append(f"{line}: imports Role")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "Role":
                out.append(f"{line}: Role.{node.attr}")
        elif isinstance(node, ast.Compare):
            for part in [node.left, *node.comparators]:
                if isinstance(part, ast.Constant) and part.value in ROLE_VALUES:
                    out.append(f"{line}: compares with the role {part.value!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in {"has", "require"} and any(
                isinstance(a, ast.Constant) and a.value in ROLE_VALUES for a in node.args
            ):
                out.append(f"{line}: checks a role by name")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL.search(node.value)
        ):
            out.append(f"{line}: SQL {node.value[:40]!r}")
    return out


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_cli_module_holds_no_rule(path: Path) -> None:
    assert _findings(path.read_text(encoding="utf-8")) == []


def test_the_walk_finds_a_rule_written_in_a_command() -> None:
    """The checker itself catches each kind of rule, so the test above can fail."""
    source = (
        "from sqlalchemy import select\n"
        "from archivist.ledger.tables.core import clients\n"
        "from archivist.models import Role\n"
        "def cmd(user):\n"
        "    if user.has(Role.HEAD) or 'management' in user.roles:\n"
        "        q = 'SELECT * FROM clients'\n"
    )
    found = _findings(source)
    assert len(found) == 6, found
