"""Hostile input across the commands that take names, paths, dates, numbers and free text:
path traversal, absolute paths, NUL, very long names, malformed dates, negative or huge numbers,
SQL-ish strings, control characters. Every run ends in a result or a one-line error (exit 1 or
2), never a traceback or an internal error, and nothing is written outside the home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.cli import main

NASTY = [
    "../../../../etc/passwd",
    "/etc/passwd",
    "..",
    ".",
    "/",
    "~",
    "~root/.ssh",
    "~0",
    "~nosuchuser/x",
    "a\x00b",
    "\x00",
    "x" * 5000,
    "長" * 3000,
    "2026-02-30",
    "2026-13-01",
    "9999-99-99",
    "0000-00-00",
    "+99999999999",
    "-1",
    "0",
    "99999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "'; DROP TABLE clients; --",
    '" OR 1=1 --',
    "%",
    "_",
    "%_%",
    "\\",
    "\x1b[31mred\x1b[0m",
    "\r\n",
    "line1\nline2",
    "\t",
    "\u202eevil",
    "\ufeff",
    "\ud7ff",
    "CON",
    "NUL.txt",
    "C0001/../../x",
    "C0001\x00",
    "$(touch /tmp/pwned)",
    "`id`",
    "{0}",
    "{client}",
    "%s%s%s",
    "<script>",
    "*",
    "?",
    "\u3000",
    " ",
    "",
]
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)

# Commands and where the hostile value goes ({} is replaced). Paths that a user may point
# anywhere on purpose (--out, backup DEST) get a value inside the sandbox instead.
TEMPLATES = [
    ["client", "add", "--name", "{}", "--kind", "person"],
    ["client", "add", "--name", "陳大文", "--kind", "person", "--id-number", "{}"],
    ["client", "add", "--name", "x", "--kind", "company", "--email", "{}", "--phone", "{}"],
    ["client", "list", "-q", "{}"],
    ["client", "show", "{}"],
    ["client", "edit", "C0001", "--note", "{}"],
    ["client", "edit", "{}", "--address", "{}"],
    ["matter", "open", "C0001", "--type", "civil", "--title", "{}", "--lawyer", "lin"],
    ["matter", "open", "{}", "--type", "civil", "--title", "t", "--lawyer", "{}"],
    [
        "matter",
        "open",
        "C0001",
        "--type",
        "civil",
        "--title",
        "t",
        "--lawyer",
        "lin",
        "--opposing",
        "{}",
    ],
    ["matter", "show", "{}"],
    ["matter", "progress", "{}", "--note", "{}"],
    ["consult", "log", "C0001", "--channel", "phone", "--summary", "{}", "--follow-up", "{}"],
    ["loan", "request", "{}", "--purpose", "{}"],
    ["loan", "request", "C0001", "--purpose", "x", "--days", "{}"],
    ["loan", "request", "C0001", "--purpose", "x", "--documents", "{}"],
    ["loan", "approve", "{}", "--days", "{}"],
    ["complaint", "file", "C0001", "--channel", "phone", "--content", "{}"],
    ["audit", "log", "--since", "{}"],
    ["audit", "log", "--client", "{}", "--actor", "{}", "--action", "{}"],
    ["audit", "log", "--limit", "{}"],
    ["conflict", "check", "{}"],
    ["file", "add", "C0001", "{}", "--section", "case"],
    ["file", "add", "{}", "SANDBOX/ok.txt", "--section", "case", "--title", "{}"],
    ["file", "list", "{}"],
    ["file", "show", "{}"],
    ["file", "import", "{}", "--client", "C0001", "--section", "case", "--dry-run"],
    ["file", "adopt", "{}", "--client", "C0001", "--section", "case"],
    ["file", "export", "{}", "--to", "SANDBOX/out"],
    ["search", "{}"],
    ["search", "合同", "--from", "{}", "--to", "{}"],
    ["search", "{}", "--client", "{}", "--type", "{}"],
    ["check", "--client", "{}"],
    ["restore", "{}", "--home", "SANDBOX/restored"],
    ["report", "complaints", "--from", "{}", "--to", "{}"],
    ["loan", "register", "--from", "{}", "--to", "{}", "--out", "SANDBOX/reg.csv", "--force"],
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One home for all examples (fast), a sandbox as the working folder, and a snapshot of
    everything outside the home to compare against."""
    from archivist.clients import registry
    from archivist.core import home, users
    from archivist.core.context import open_context
    from archivist.filing import service as filing
    from archivist.models import ClientInput, Role

    base = tmp_path_factory.mktemp("hostile")
    root = base / "home"
    home.create(root, "陳林律師事務所", "mei", "王美")
    ctx = open_context(root, "mei")
    try:
        with ctx.ledger.write() as conn:
            users.insert_user(conn, "mei", "lin", "林志明", [Role.LAWYER])
        client = registry.add(ctx, ClientInput(name="陳大文", kind="person")).client
        filing.file_bytes(
            ctx, client.number, "case", "合同 違約金".encode(), "合同.txt", source="filed"
        )
    finally:
        ctx.close()
    sandbox = base / "sandbox"
    sandbox.mkdir()
    (sandbox / "ok.txt").write_text("ok", encoding="utf-8")
    return base, root, sandbox


def _outside(base: Path, root: Path) -> set[str]:
    out = set()
    for dirpath, dirnames, filenames in os.walk(base):
        here = Path(dirpath)
        if here == root or root in here.parents:
            dirnames[:] = []
            continue
        out.update(str(here / n) for n in dirnames + filenames)
    return out


def _run(world, template: list[str], value: str, user: str = "mei") -> None:
    base, root, sandbox = world
    before = _outside(base, root)
    args = [
        a.replace("SANDBOX", str(sandbox)) if "SANDBOX" in a else (value if a == "{}" else a)
        for a in template
    ]
    cwd = os.getcwd()
    os.chdir(sandbox)
    try:
        result = CliRunner().invoke(main, ["--home", str(root), "--as", user, *args])
    finally:
        os.chdir(cwd)
    shown = f"$ archivist {args!r}\n{result.output}"
    assert result.exit_code in (0, 1, 2), shown
    assert "Traceback" not in result.output, shown
    assert "internal error" not in result.output, shown
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), shown
    if result.exit_code == 1 and "Error:" in result.output:
        error_lines = [ln for ln in result.output.splitlines() if ln.startswith("Error:")]
        assert len(error_lines) == 1, shown
    after = _outside(base, root)
    allowed = {str(sandbox / "out"), str(sandbox / "reg.csv")}
    new = {p for p in after - before if not any(p == a or p.startswith(a + "/") for a in allowed)}
    new = {p for p in new if not p.startswith(str(sandbox / "out"))}
    assert not new, f"{shown}\nwrote outside the home: {sorted(new)[:5]}"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: " ".join(t[:2]))
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=hostile)
def test_hostile_values_never_crash(world, template, value):
    _run(world, template, value)


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_every_nasty_value_as_a_lawyer(world, value):
    """Lawyers are refused cleanly too (different code paths from the archivist's)."""
    for template in (["search", "{}"], ["loan", "request", "{}", "--purpose", "{}"]):
        _run(world, template, value, user="lin")


@pytest.mark.slow
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: " ".join(t[:2]))
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=hostile)
def test_hostile_values_never_crash_long(world, template, value):
    _run(world, template, value)


def test_hostile_user_and_home_options(world, tmp_path):
    base, root, sandbox = world
    for user in ["", "\x00", "../mei", "mei'; --", "x" * 1000]:
        r = CliRunner().invoke(main, ["--home", str(root), "--as", user, "client", "list"])
        assert r.exit_code in (1, 2) and "Traceback" not in r.output, r.output
    for home in ["\x00", "/nonexistent/\x00", str(tmp_path / "nohome"), "x" * 5000]:
        r = CliRunner().invoke(main, ["--home", home, "--as", "mei", "client", "list"])
        assert r.exit_code in (1, 2) and "Traceback" not in r.output, r.output


def test_backup_destinations_are_checked(world, tmp_path):
    base, root, sandbox = world
    runner = CliRunner()
    for dest in ["\x00", str(root), str(root / "archive_store" / "bk"), str(root.parent)]:
        r = runner.invoke(main, ["--home", str(root), "--as", "mei", "backup", dest])
        assert r.exit_code == 1 and r.output.startswith("Error:"), (dest, r.output)
        assert r.output.count("\n") == 1
    f = tmp_path / "afile"
    f.write_text("x")
    r = runner.invoke(main, ["--home", str(root), "--as", "mei", "backup", str(f)])
    assert r.exit_code == 1 and "not a folder" in r.output
