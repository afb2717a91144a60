"""`archivist ledger move`: put a home's ledger on another database (SQLite <-> PostgreSQL).

1. The source must be at this program's schema version. The destination must be empty (a
   PostgreSQL database holding no archivist tables; for SQLite a new file beside the old one).
2. The source's writer lock is taken and held to the end (BEGIN IMMEDIATE / the advisory lock),
   so no write lands in the source after the copy; readers carry on.
3. Every table is copied in one destination transaction, then verified: row counts per table,
   and an audit chain that verifies and ends at the source's head. The move itself is audited
   in the new ledger.
4. Only then do the settings ([ledger] url in archivist.toml) name the new ledger, and the old
   one is marked `moved_to` in its meta table, so a process that opened it before the switch
   (and every later one) refuses to write to it rather than writing into a ledger no one reads.
   The old ledger is kept as it was (its SQLite file, or the PostgreSQL tables) until you remove
   it; a move back to SQLite replaces the old marked file.
If any step fails, the settings are unchanged and the copy is removed."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from archivist.core import clock
from archivist.core.errors import Conflict, InvalidInput
from archivist.core.home import Home
from archivist.core.i18n import _
from archivist.ledger.engine import Ledger, safe_url

MOVED_KEY = "moved_to"


def target_url(home: Home, to: str) -> str:
    if to in ("sqlite", home.sqlite_url) or to.startswith("sqlite:"):
        if to not in ("sqlite", home.sqlite_url):
            raise InvalidInput(
                _("a SQLite ledger lives in the home's archive_store/"), _("Pass --to sqlite.")
            )
        return home.sqlite_url
    if not to.startswith(("postgresql", "postgres://")):
        raise InvalidInput(
            _("cannot move the ledger to {safe_url!r}").format(safe_url=safe_url(to)),
            _("Pass --to postgresql+psycopg://USER@HOST/DB or --to sqlite."),
        )
    return to


def move(home: Home, to: str, actor: str) -> dict[str, Any]:
    from archivist.core import audit, config
    from archivist.ledger import migrations, transfer
    from archivist.ledger.tables.core import meta

    source_url = home.ledger_url
    dest_url = target_url(home, to)
    from archivist.ledger.postgresql import normalise_url

    if normalise_url(dest_url) == normalise_url(source_url):
        raise Conflict(_("the ledger is already on {safe_url}").format(safe_url=safe_url(dest_url)))
    source = Ledger(source_url, witness=home.witness_path)
    tmp_file = home.store_dir / f".tmp-ledger-move-{os.getpid()}.sqlite3"
    to_sqlite = dest_url.startswith("sqlite")
    dest = Ledger(f"sqlite:///{tmp_file}" if to_sqlite else dest_url, witness=home.witness_path)
    made = False
    try:
        migrations.check(source)
        if to_sqlite:
            for leftover in (tmp_file, *_sidecars(tmp_file)):
                leftover.unlink(missing_ok=True)
        else:
            migrations.require_empty(dest)
        with source.write() as held:
            made = True
            copied = transfer.copy(held, dest)
            transfer.verify(held, dest)
            with dest.write() as conn:
                audit.record(
                    conn,
                    actor,
                    "ledger.move",
                    "ledger",
                    "ledger",
                    source=safe_url(source_url),
                    to=safe_url(dest_url),
                    rows=sum(copied.values()),
                )
            held.execute(meta.delete().where(meta.c.key == MOVED_KEY))
            held.execute(meta.insert().values(key=MOVED_KEY, value=safe_url(dest_url)))
            if to_sqlite:
                dest.dispose()  # the last connection checkpoints the WAL into the file
                os.chmod(tmp_file, 0o640)
                os.replace(tmp_file, home.ledger_path)
                for side in _sidecars(home.ledger_path):
                    side.unlink(missing_ok=True)  # the old marked file's WAL, if any
            config.write_ledger_url(home.config_path, None if to_sqlite else dest_url)
            made = False  # switched: the copy is the ledger now
        return {
            "from": safe_url(source_url),
            "to": safe_url(dest_url),
            "rows": copied,
            "at": clock.now().isoformat(),
        }
    finally:
        source.dispose()
        dest.dispose()
        if made:
            _undo(home, dest_url, tmp_file)


def _sidecars(path: Any) -> list[Any]:
    from pathlib import Path

    return [Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


def _undo(home: Home, dest_url: str, tmp_file: Any) -> None:
    """A move that failed before the switch: remove the copy (the settings never changed)."""
    from archivist.ledger import migrations

    if dest_url.startswith("sqlite"):
        for leftover in (tmp_file, *_sidecars(tmp_file)):
            leftover.unlink(missing_ok=True)
        return
    with contextlib.suppress(Exception):
        ledger = Ledger(dest_url)
        try:
            migrations.drop(ledger)
        finally:
            ledger.dispose()
