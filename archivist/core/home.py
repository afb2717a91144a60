"""Where an archivist home lives and how one is created.

A home is a folder with `archivist.toml`, `archive_store/` (client folders and the ledger,
`archive_store/ledger.sqlite3`) and `index/` (the derived full-text index). It is found from an
explicit path, else `ARCHIVIST_HOME`, else the current directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from archivist.core.config import CONFIG_NAME
from archivist.core.errors import Conflict, HomeNotFound, InvalidInput
from archivist.core.i18n import _

STORE_DIR = "archive_store"
INDEX_DIR = "index"
LEDGER_FILE = "ledger.sqlite3"
TEMPLATES_DIR = "templates"  # the templates the firm added (archivist.documents.catalog)


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def store_dir(self) -> Path:
        return self.root / STORE_DIR

    @property
    def index_dir(self) -> Path:
        return self.root / INDEX_DIR

    @property
    def ledger_path(self) -> Path:
        return self.store_dir / LEDGER_FILE

    @property
    def witness_path(self) -> Path:
        """The audit chain's head, kept outside the ledger (archivist.ledger.witness)."""
        return self.store_dir / "audit-head.json"

    @property
    def sqlite_url(self) -> str:
        return f"sqlite:///{self.ledger_path}"

    @property
    def ledger_url(self) -> str:
        """The ledger this home's settings name ([ledger] url), else the SQLite file. Read
        from archivist.toml each time, so `archivist ledger move` switches every later
        command. (ARCHIVIST_DATABASE_URL is only the default of `init --database`: a variable
        left in an environment never redirects an existing home.)"""
        from archivist.core.config import read_ledger_url

        return read_ledger_url(self.config_path) or self.sqlite_url

    @property
    def on_sqlite(self) -> bool:
        return self.ledger_url.startswith("sqlite")

    def exists(self) -> bool:
        return self.config_path.is_file()


def _expand(raw: str | os.PathLike[str]) -> Path:
    """`~` and `~user` expanded where they can be; an unknown `~name` is a plain name."""
    try:
        return Path(raw).expanduser().absolute()
    except RuntimeError:
        return Path(raw).absolute()


def locate(explicit: str | os.PathLike[str] | None = None) -> Home:
    """The home to use, or HomeNotFound saying how to create one."""
    source = "--home"
    raw = explicit
    if raw is None:
        raw = os.environ.get("ARCHIVIST_HOME") or None
        source = "ARCHIVIST_HOME"
    if raw is None:
        raw = Path.cwd()
        source = "the current directory"
    if "\x00" in str(raw):
        raise InvalidInput(_("the home path contains a NUL character"))
    home = Home(_expand(raw))
    if not home.exists():
        raise HomeNotFound(
            _("no archivist home at {root} (from {source})").format(root=home.root, source=source),
            _(
                "Create one with `archivist init --home {root} --firm NAME --user USERNAME --name DISPLAY_NAME`, or point --home / ARCHIVIST_HOME at an existing one."
            ).format(root=home.root),
        )
    return home


def prepare_new(path: str | os.PathLike[str] | None) -> Home:
    raw = path or os.environ.get("ARCHIVIST_HOME") or Path.cwd()
    if "\x00" in str(raw):
        raise InvalidInput(_("the home path contains a NUL character"))
    home = Home(_expand(raw))
    if home.exists():
        raise Conflict(
            _("an archivist home already exists at {root}").format(root=home.root),
            _("Use it as it is, or choose another --home."),
        )
    if home.root.exists() and not home.root.is_dir():
        raise InvalidInput(_("{root} exists and is not a folder").format(root=home.root))
    return home


# What a folder may hold before `init` makes it a home (besides OS litter and empty folders).
HOME_NAMES = {CONFIG_NAME, STORE_DIR, INDEX_DIR, "templates", "lost+found", ".archivist-demo"}
PLACEHOLDERS = {"README.md"}  # the repository's notes in archive_store/ and index/


def _is_repository(root: Path) -> bool:
    """The archivist source checkout itself (its layout is the demo's home: `make demo`)."""
    try:
        project = (root / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return (root / "archivist" / "__init__.py").is_file() and 'name = "archivist"' in project


def unknown_entries(root: Path) -> list[str]:
    """What in `root` a new home would not own: files and non-empty folders other than the
    home's own (whose store and index may hold only the repository's README)."""
    from archivist.core.store import is_litter

    if not root.is_dir() or _is_repository(root):
        return []
    found: list[str] = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        name = entry.name
        if is_litter(name):
            continue
        if (
            name in HOME_NAMES
            and name in (STORE_DIR, INDEX_DIR)
            and entry.is_dir()
            and not entry.is_symlink()
        ):
            found += [
                f"{name}/{c.name}"
                for c in sorted(entry.iterdir(), key=lambda e: e.name)
                if c.name not in PLACEHOLDERS and not is_litter(c.name)
            ]
            continue
        if name in HOME_NAMES:
            continue
        if entry.is_dir() and not entry.is_symlink() and not any(entry.iterdir()):
            continue
        found.append(name + ("/" if entry.is_dir() else ""))
    return found


def create(
    path: str | os.PathLike[str] | None,
    firm: str,
    username: str,
    display_name: str,
    force: bool = False,
    database: str | None = None,
    jurisdiction: str = "tw",
    contact: dict[str, str] | None = None,
    language: str | None = None,
) -> Home:
    """Create a home: archivist.toml, archive_store/ with the ledger, index/, and the first user
    (roles archivist and head). Nothing is left behind if any step fails. A folder holding
    files the home would not own is refused unless `force` (they would sit beside client
    files, and a backup holds only the home's own). `database` (default
    ARCHIVIST_DATABASE_URL) puts the ledger on PostgreSQL; that database must be empty."""
    import shutil

    from archivist.core import clock, config, users
    from archivist.core.i18n import LANGUAGES, NEW_HOME_LANGUAGE, normalize

    if language is not None and normalize(language) is None:
        raise InvalidInput(
            _("unknown language {value!r}").format(value=language[:40]),
            _("Use one of: {known}.").format(known=", ".join(LANGUAGES)),
        )
    language = normalize(language) or NEW_HOME_LANGUAGE
    from archivist.ledger import Ledger, migrations
    from archivist.models import Role

    firm = (firm or "").strip()
    if not firm or "\x00" in firm or len(firm) > 200:
        raise InvalidInput(_("the firm's name must be 1-200 characters"), _("Pass --firm NAME."))
    users.validate_username(username)
    from archivist.jurisdictions import get as profile

    jurisdiction = profile(jurisdiction).code
    home = prepare_new(path)
    strangers = [] if force else unknown_entries(home.root)
    if strangers:
        shown = ", ".join(strangers[:5]) + (
            f" and {len(strangers) - 5} more" if len(strangers) > 5 else ""
        )
        raise Conflict(
            _("{root} already holds files that are not an archivist home's ({shown})").format(
                root=home.root, shown=shown
            ),
            _("Choose an empty folder, or pass --force to use it anyway."),
        )
    if home.ledger_path.exists():
        raise Conflict(
            _("{ledger_path} already exists without an archivist.toml").format(
                ledger_path=home.ledger_path
            ),
            _("Move it away or choose another --home."),
        )
    database = database or os.environ.get("ARCHIVIST_DATABASE_URL") or None
    if database is not None and "\x00" in database:
        raise InvalidInput(_("the database URL contains a NUL character"))
    made: list[Path] = []
    tables_made = False
    try:
        for d in (home.root, home.store_dir, home.index_dir):
            if not d.exists():
                d.mkdir(mode=0o750, parents=True)
                made.append(d)
        for d in (home.store_dir, home.index_dir):
            os.chmod(d, 0o750)  # client files: owner and group only, even in a checkout
            for f in d.iterdir():  # e.g. the repository's README.md in the default store
                if f.is_file() and not f.is_symlink():
                    os.chmod(f, 0o640)
        text = config.default_text(firm, jurisdiction, contact, language)
        text += config.ledger_section(database)
        settings = config.Settings.model_validate(__import__("tomllib").loads(text))
        clock.set_zone(settings.firm.timezone)
        ledger = Ledger(database or home.sqlite_url, witness=home.witness_path)
        try:
            if not ledger.is_sqlite:
                migrations.require_empty(ledger)
            migrations.create(ledger)  # one transaction, DDL included on PostgreSQL
            tables_made = database is not None
            if home.ledger_path.exists():  # SQLite gives -wal/-shm the same mode
                os.chmod(home.ledger_path, 0o640)
            with ledger.write() as conn:
                from archivist.core import audit

                audit.record(
                    conn, username, "home.init", "home", str(home.root), firm=firm, at=clock.now()
                )
                users.insert_user(
                    conn, username, username, display_name, [Role.ARCHIVIST, Role.HEAD]
                )
        finally:
            ledger.dispose()
        tmp = home.config_path.with_suffix(".toml.tmp")
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # settings: owner only
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, home.config_path)  # last: a home exists only once it is complete
    except BaseException:
        if tables_made and database is not None:
            _drop_new_tables(database)
        for leftover in (
            home.ledger_path,
            Path(str(home.ledger_path) + "-wal"),
            Path(str(home.ledger_path) + "-shm"),
            home.witness_path,
        ):
            leftover.unlink(missing_ok=True)  # did not exist before (checked above)
        for d in reversed(made):
            shutil.rmtree(d, ignore_errors=True)
        raise
    return home


def _drop_new_tables(url: str) -> None:
    """Undo a failed init's tables, which it made in a database that held none (best
    effort)."""
    import contextlib

    from archivist.core.errors import ArchivistError
    from archivist.ledger import Ledger, migrations

    with contextlib.suppress(ArchivistError, Exception):
        ledger = Ledger(url)
        try:
            migrations.drop(ledger)
        finally:
            ledger.dispose()
