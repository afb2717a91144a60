"""archivist init, finding the home, the acting user, schema versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.core import home
from archivist.core.context import open_context
from archivist.core.errors import Conflict, HomeNotFound, LedgerVersionError
from archivist.ledger import Ledger, migrations
from tests.conftest import Invoker


def test_init_creates_settings_store_index_and_first_user(tmp_path: Path) -> None:
    invoke = Invoker(None)
    target = tmp_path / "firm"
    result = invoke(
        "init",
        "--home",
        str(target),
        "--firm",
        "陳林律師事務所",
        "--user",
        "mei",
        "--name",
        "王美",
        user=None,
    )
    assert "Created an archivist home" in result.output
    assert (target / "archivist.toml").is_file()
    assert (target / "archive_store" / "ledger.sqlite3").is_file()
    assert (target / "index").is_dir()
    assert 'name = "陳林律師事務所"' in (target / "archivist.toml").read_text(encoding="utf-8")
    users = Invoker(target).json("user", "list")
    assert users[0]["username"] == "mei"
    assert set(users[0]["roles"]) == {"archivist", "head"}


def test_init_refuses_an_existing_home(home_dir: Path) -> None:
    result = Invoker(None)(
        "init",
        "--home",
        str(home_dir),
        "--firm",
        "X",
        "--user",
        "a",
        "--name",
        "A",
        user=None,
        code=1,
    )
    assert "already exists" in result.output


def test_init_with_bad_username_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "firm"
    result = Invoker(None)(
        "init",
        "--home",
        str(target),
        "--firm",
        "X",
        "--user",
        "../evil",
        "--name",
        "A",
        user=None,
        code=1,
    )
    assert "username" in result.output
    assert not (target / "archivist.toml").exists()
    assert not (target / "archive_store" / "ledger.sqlite3").exists()


def test_command_without_a_home_says_how_to_create_one(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = Invoker(None)("client", "list", user="mei", code=1)
    assert "no archivist home" in result.output
    assert "archivist init" in result.output


def test_home_from_environment(home_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVIST_HOME", str(home_dir))
    monkeypatch.setenv("ARCHIVIST_USER", "mei")
    result = Invoker(None)("user", "list", user=None)
    assert "mei" in result.output


def test_home_from_current_directory(home_dir: Path, monkeypatch) -> None:
    monkeypatch.chdir(home_dir)
    assert home.locate().root == home_dir.absolute()


def test_unknown_and_missing_users_are_refused(invoke: Invoker) -> None:
    assert "not known" in invoke("client", "list", user="nobody", code=1).output
    assert "--as" in invoke("client", "list", user=None, code=1).output


def test_deactivated_user_is_refused(invoke: Invoker) -> None:
    invoke("user", "deactivate", "wu")
    assert "deactivated" in invoke("client", "list", user="wu", code=1).output


def test_newer_ledger_is_refused_and_older_is_upgraded(home_dir: Path) -> None:
    ledger = Ledger.for_path(home_dir / "archive_store" / "ledger.sqlite3")
    with ledger.write() as conn:
        migrations._set_version(conn, migrations.HEAD + 5)
    with pytest.raises(LedgerVersionError, match="newer"):
        open_context(home_dir, "mei")
    result = Invoker(home_dir)("client", "list", code=1)
    assert "newer than this archivist" in result.output

    head = migrations.HEAD
    with ledger.write() as conn:
        migrations._set_version(conn, head)
    calls = []

    def step_next(conn):  # type: ignore[no-untyped-def]
        migrations.add_column(conn, "clients", "nickname VARCHAR(50)")
        calls.append(head + 1)

    assert migrations.upgrade(ledger, steps={head + 1: step_next}, head=head + 1) == [head + 1]
    assert calls == [head + 1]
    with ledger.read() as conn:
        assert migrations.current_version(conn) == head + 1
        cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(clients)")]
    assert "nickname" in cols
    with pytest.raises(LedgerVersionError, match=f"needs {head}|newer"):
        migrations.check(ledger)
    ledger.dispose()


def test_upgrade_command_on_current_ledger(invoke: Invoker) -> None:
    assert "up to date" in invoke("upgrade").output


def test_prepare_new_refuses_existing(home_dir: Path) -> None:
    with pytest.raises(Conflict):
        home.prepare_new(home_dir)
    with pytest.raises(HomeNotFound):
        home.locate(home_dir / "nope")


def test_a_version_1_ledger_gains_copy_of(tmp_path: Path) -> None:
    """Schema 2 (issue 15): step 2 adds documents.copy_of (a second copy filed with --again)."""
    ledger = Ledger.for_path(tmp_path / "old.sqlite3")
    with ledger.write() as conn:
        conn.exec_driver_sql("CREATE TABLE documents (id INTEGER PRIMARY KEY, checksum TEXT)")
        migrations.STEPS[2](conn)
    with ledger.read() as conn:
        cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(documents)")]
    assert migrations.HEAD >= 2 and "copy_of" in cols
    ledger.dispose()
