"""Shared fixtures: a home under tmp_path, users of each role, a controlled clock, and an
`invoke` helper around CliRunner that shows the output when an assertion fails."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from archivist.cli import main
from archivist.core import clock, home, users
from archivist.core.context import Context, open_context
from archivist.models import Role

SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in ("ARCHIVIST_HOME", "ARCHIVIST_USER", "ARCHIVIST_NOW", "ARCHIVIST_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    clock.set_now(None)
    clock.allow_override(False)
    yield
    clock.set_now(None)
    clock.allow_override(False)


def _build_home(root: Path) -> None:
    """A home with user 'mei' (archivist + head) and lawyers/staff of every role."""
    home.create(root, "陳林律師事務所", "mei", "王美")
    ctx = open_context(root, "mei")
    try:
        with ctx.ledger.write() as conn:
            users.insert_user(
                conn,
                "mei",
                "lin",
                "林志明",
                [Role.LAWYER],
                licence_number="13101200910123456",
                practice_area="民商事訴訟",
            )
            users.insert_user(conn, "mei", "zhao", "趙小雲", [Role.LAWYER])
            users.insert_user(conn, "mei", "wu", "吳大同", [Role.STAFF])
            users.insert_user(conn, "mei", "boss", "周正", [Role.MANAGEMENT])
            users.insert_user(conn, "mei", "head2", "何主任", [Role.HEAD])
            users.insert_user(conn, "mei", "clerk", "李文書", [Role.ARCHIVIST])
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def _template_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture home built once per test run; each test gets its own copy (building a home
    runs the migrations and the first audit records, copying it is several times faster)."""
    root = tmp_path_factory.mktemp("template") / "home"
    clock.set_now(None)
    _build_home(root)
    return root


@pytest.fixture
def home_dir(tmp_path: Path, _template_home: Path) -> Path:
    """A fresh home with user 'mei' (archivist + head) and lawyers/staff of every role."""
    root = tmp_path / "home"
    shutil.copytree(_template_home, root, symlinks=True, copy_function=shutil.copy2)
    return root


def allow_clock_override(root: Path) -> None:
    """Let ARCHIVIST_NOW set the clock in this home ([testing] clock_override = true), for
    tests that run archivist in subprocesses at a fixed time."""
    config = root / "archivist.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\n[testing]\nclock_override = true\n",
        encoding="utf-8",
    )


@pytest.fixture
def ctx(home_dir: Path) -> Iterator[Context]:
    """A library Context acting as 'mei' (archivist + head)."""
    c = open_context(home_dir, "mei")
    yield c
    c.close()


@pytest.fixture
def ctx_as(home_dir: Path) -> Iterator[Any]:
    """ctx_as('lin') -> a Context acting as that user."""
    opened: list[Context] = []

    def make(username: str) -> Context:
        c = open_context(home_dir, username)
        opened.append(c)
        return c

    yield make
    for c in opened:
        c.close()


class Invoker:
    def __init__(self, home_dir: Path | None) -> None:
        self.home_dir = home_dir
        self.runner = CliRunner()

    def __call__(
        self,
        *args: str,
        user: str | None = "mei",
        ok: bool = True,
        code: int | None = None,
        input: str | None = None,
        env: dict[str, str] | None = None,
    ) -> Result:
        argv: list[str] = []
        if self.home_dir is not None:
            argv += ["--home", str(self.home_dir)]
        if user is not None:
            argv += ["--as", user]
        argv += list(args)
        result = self.runner.invoke(main, argv, input=input, env=env, catch_exceptions=True)
        shown = f"$ archivist {' '.join(argv)}\n{result.output}"
        if result.exception and not isinstance(result.exception, SystemExit):
            import traceback

            shown += "".join(traceback.format_exception(result.exception))
        if code is not None:
            assert result.exit_code == code, shown
        elif ok:
            assert result.exit_code == 0, shown
        else:
            assert result.exit_code != 0, shown
        if result.exit_code != 0:
            assert "Traceback" not in result.output, shown
        return result

    def json(self, *args: str, **kw: Any) -> Any:
        result = self(*args, "--json", **kw)
        return json.loads(result.stdout)


@pytest.fixture
def invoke(home_dir: Path) -> Invoker:
    """invoke('client', 'add', ...) as 'mei' in the fixture home; invoke.json(...) parses."""
    return Invoker(home_dir)


@pytest.fixture
def corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present in this checkout")
    return SHARED_CORPUS


@pytest.fixture
def make_client(ctx: Context) -> Any:
    """make_client('陳大文') -> Client (registered by 'mei')."""
    from archivist.clients import registry
    from archivist.models import ClientInput

    def make(name: str = "陳大文", kind: str = "person", **kw: Any) -> Any:
        return registry.add(ctx, ClientInput(name=name, kind=kind, **kw)).client

    return make


@pytest.fixture
def make_matter(ctx: Context) -> Any:
    """make_matter(client, lawyers=['lin']) -> matter number. Inserts the rows directly (a
    fixture for features that need a matter, independent of `matter open`)."""
    from datetime import timedelta

    from archivist.core import audit, numbering
    from archivist.ledger.tables.matters import matter_lawyers, matters
    from archivist.models import MatterType

    def make(
        client: Any,
        lawyers: list[str] = ("lin",),
        type: str = "civil",  # noqa: A002
        title: str = "買賣合同糾紛",
    ) -> str:
        mtype = MatterType(type)
        now = clock.now()
        with ctx.ledger.write() as conn:
            seq = numbering.next_value(conn, f"matter:{now.year}:{mtype.code}")
            number = f"{now.year}-{mtype.code}-{seq:04d}"
            mid = conn.execute(
                matters.insert().values(
                    number=number,
                    client_id=client.id,
                    type=mtype.value,
                    code=mtype.code,
                    year=now.year,
                    title=title,
                    status="open",
                    accepted_at=now,
                    contact_deadline=(now + timedelta(days=3)).date(),
                    created_by=1,
                )
            ).inserted_primary_key[0]
            for username in lawyers:
                uid = users.get(conn, username).id
                conn.execute(
                    matter_lawyers.insert().values(matter_id=mid, user_id=uid, assigned_at=now)
                )
            audit.record(
                conn, "mei", "matter.open", "matter", number, client.id, lawyers=list(lawyers)
            )
        return number

    return make


def use_engine(root: Path, engine: str) -> None:
    """Switch a fixture home (before it is opened) to this full-text engine."""
    cfg = root / "archivist.toml"
    text = cfg.read_text(encoding="utf-8")
    import re

    cfg.write_text(re.sub(r'(?m)^engine = "\w+"', f'engine = "{engine}"', text), encoding="utf-8")


# ------------------------------------------------------------------ PostgreSQL (issue 19)
@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """One throw-away PostgreSQL server for the session (tests/pgserver.py); skips the test
    when PostgreSQL's binaries (initdb, pg_ctl) are not installed."""
    from tests import pgserver

    with pgserver.running() as server:
        if server is None and os.environ.get("ARCHIVIST_REQUIRE_POSTGRESQL"):
            pytest.fail("ARCHIVIST_REQUIRE_POSTGRESQL is set but PostgreSQL is not installed")
        if server is None:
            pytest.skip(
                "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in "
                "/usr/lib/postgresql/*/bin): apt-get install postgresql"
            )
        yield server


@pytest.fixture
def pg_url(pg_server: Any) -> Iterator[str]:
    """The URL of a new, empty database on the test server, dropped after the test."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> str | None:
    """Run a test on both ledgers: None for SQLite (the home's file), else a PostgreSQL URL."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def any_home(tmp_path: Path, database: str | None) -> Path:
    """A home like `home_dir` (mei, lin, wu, ...) on the ledger `database` chooses."""
    root = tmp_path / "home"
    home.create(root, "陳林律師事務所", "mei", "王美", database=database)
    ctx = open_context(root, "mei")
    try:
        with ctx.ledger.write() as conn:
            users.insert_user(conn, "mei", "lin", "林志明", [Role.LAWYER])
            users.insert_user(conn, "mei", "wu", "吳大同", [Role.STAFF])
            users.insert_user(conn, "mei", "head2", "何主任", [Role.HEAD])
    finally:
        ctx.close()
    return root
