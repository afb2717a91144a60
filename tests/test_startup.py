"""Start-up stays light: commands import only what they use (issue 9).

Each check runs the CLI in a fresh interpreter and looks at sys.modules afterwards: behaviour,
not timing (timing is measured by `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archivist.cli import LAZY

# Never needed to show help or list clients.
HEAVY = [
    "docxtpl",
    "docx",
    "pypdf",
    "whoosh",
    "opencc",
    "matplotlib",
    "jinja2",
    "lxml",
    "pypinyin",
    "charset_normalizer",
    "cryptography",
]
# Not needed by `--help` either (measured: SQLAlchemy alone costs ~100 ms, pydantic ~60 ms).
HELP_ALSO_ABSENT = ["sqlalchemy", "pydantic", "sqlalchemy.orm"]

_PROBE = """
import json, sys
from archivist.cli import main
try:
    main(json.loads(sys.argv[1]), standalone_mode=True)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stdout.flush()
print("\\nMODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr)
print("EXIT=" + json.dumps(code), file=sys.stderr)
"""


def loaded_after(args: list[str], env: dict[str, str] | None = None) -> tuple[set[str], object]:
    import os

    full_env = {**os.environ, **(env or {})}
    res = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )
    modules: set[str] = set()
    code: object = None
    for line in res.stderr.splitlines():
        if line.startswith("MODULES="):
            modules = set(json.loads(line[len("MODULES=") :]))
        elif line.startswith("EXIT="):
            code = json.loads(line[len("EXIT=") :])
    assert modules, res.stderr[-2000:]
    return modules, code


def present(modules: set[str], names: list[str]) -> list[str]:
    return [n for n in names if n in modules]


def test_help_imports_no_heavy_module() -> None:
    modules, code = loaded_after(["--help"])
    assert code in (0, None)
    assert present(modules, HEAVY + HELP_ALSO_ABSENT) == []


def test_importing_the_cli_imports_no_heavy_module() -> None:
    res = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, json, archivist.cli; print(json.dumps(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    modules = set(json.loads(res.stdout))
    assert present(modules, HEAVY + HELP_ALSO_ABSENT) == []


@pytest.mark.parametrize("module", sorted({spec[0] for spec in LAZY.values()}))
def test_command_modules_import_heavy_libraries_lazily(module: str) -> None:
    """Every command group module, imported alone, pulls in no heavy library (they belong
    inside the command functions)."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} does not exist yet")
    code = (
        f"import sys, json, {module}; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads(res.stdout) == [], f"{module} imports heavy modules at import time"


def test_group_help_imports_no_heavy_module() -> None:
    modules, code = loaded_after(["client", "--help"])
    assert code in (0, None)
    assert present(modules, HEAVY) == []


def test_client_list_imports_only_what_it_uses(home_dir: Path) -> None:
    modules, code = loaded_after(["--home", str(home_dir), "--as", "mei", "client", "list"])
    assert code in (0, None)
    assert (
        present(
            modules,
            [
                "docxtpl",
                "docx",
                "pypdf",
                "whoosh",
                "matplotlib",
                "jinja2",
                "sqlalchemy.orm",
                "pypinyin",
                "cryptography",
            ],
        )
        == []
    )
    # only the models it shows: users and clients, not loans, complaints, templates ...
    assert sorted(m for m in modules if m.startswith("archivist.models.")) == [
        "archivist.models.base"
    ]


def test_the_console_script_keeps_exit_codes_and_resumes_the_collector(home_dir: Path) -> None:
    probe = (
        "import gc, sys\n"
        "import archivist.cli.common as c\n"
        "seen = []\n"
        "orig = c.resume_gc\n"
        "def spy():\n"
        "    orig(); seen.append(gc.isenabled())\n"
        "c.resume_gc = spy\n"
        "from archivist.cli import run\n"
        "try:\n"
        "    run()\n"
        "finally:\n"
        "    print('GC', seen, gc.isenabled(), file=sys.stderr)\n"
    )
    ok = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            "--home",
            str(home_dir),
            "--as",
            "mei",
            "client",
            "list",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == []
    assert "GC [True] True" in ok.stderr  # collecting again once the context was open
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "archivist",
            "--home",
            str(home_dir),
            "--as",
            "mei",
            "client",
            "show",
            "Z9999",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1, bad.stderr


def test_search_does_not_load_document_libraries(home_dir: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("archivist.cli.search") is None:
        pytest.skip("archivist search has not landed yet")
    modules, _code = loaded_after(["--home", str(home_dir), "--as", "mei", "search", "合同"])
    assert (
        present(modules, ["docxtpl", "docx", "pypdf", "matplotlib", "jinja2", "cryptography"]) == []
    )
    # a Tantivy home (the default) does not load Whoosh, not even its tokenizer base class
    assert present(modules, ["whoosh", "whoosh.analysis"]) == []
