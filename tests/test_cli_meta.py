"""Meta-tests over every command: help with an example, --json on data commands, and no
command group importing heavy libraries at start-up."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from archivist.cli import LAZY, main

# Commands that neither show nor create data (they write files or change a setting).
NO_JSON = {"init", "upgrade"}


def _walk(cmd: click.Command, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], click.Command]]:
    out = [(path, cmd)]
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is not None:
                out += _walk(sub, (*path, name))
    return out


def all_commands() -> list[tuple[tuple[str, ...], click.Command]]:
    return [(p, c) for p, c in _walk(main, ()) if p]


@pytest.mark.parametrize(
    ("path", "cmd"), all_commands(), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_every_command_has_help_with_an_example(path: tuple[str, ...], cmd: click.Command) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    if not isinstance(cmd, click.Group):
        assert "Example" in (cmd.help or ""), f"`archivist {' '.join(path)}` help has no example"


def test_every_data_command_accepts_json() -> None:
    missing = []
    for path, cmd in all_commands():
        if isinstance(cmd, click.Group) or path[0] in NO_JSON:
            continue
        names = {o for p in cmd.params for o in getattr(p, "opts", [])}
        if "--json" not in names and not getattr(cmd, "no_json", False):
            missing.append(" ".join(path))
    assert not missing, f"commands without --json: {missing}"


def test_lazy_table_lists_only_modules_that_resolve() -> None:
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        assert main.get_command(ctx, name) is not None, name
    assert set(main.list_commands(ctx)) == set(LAZY)


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command" in result.output
