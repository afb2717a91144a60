"""The list of every file in a backup, with its size and SHA-256.

Since backup format 2 the list is an SQLite file beside the manifest (`backup-files-N.sqlite3`,
named and checksummed by `backup-manifest.json`), so that a backup of any size is written,
compared with the previous one and restored a file at a time: memory does not grow with the
archive. SQLite is a stable, documented, widely readable format (the ledger in the backup is
one too); `sqlite3 backup-files-N.sqlite3 "select * from files"` lists it.

Format 1 backups kept the list inside the manifest (`"files": {path: entry}`); they are still
read (`LegacyFileList`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archivist.core.errors import IntegrityError
from archivist.core.i18n import _

COLUMNS = ("path", "size", "sha256", "kind", "number", "mtime")
SCHEMA = """
CREATE TABLE files (
    path   TEXT PRIMARY KEY,   -- relative to the backup's data/ folder
    size   INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    kind   TEXT NOT NULL,      -- document | derived | home | ledger
    number TEXT,               -- the document number (documents)
    mtime  INTEGER             -- the file's modification time (home files)
) WITHOUT ROWID
"""
BATCH = 1000


def _entry(row: tuple[Any, ...]) -> dict[str, Any]:
    return {k: v for k, v in zip(COLUMNS[1:], row[1:], strict=True) if v is not None}


class FileList:
    """An SQLite file list, opened to read (`open`) or made anew (`create`)."""

    def __init__(self, con: sqlite3.Connection, path: Path):
        self.con = con
        self.path = path
        self._pending: list[tuple[Any, ...]] = []

    @classmethod
    def create(cls, path: Path) -> FileList:
        path.unlink(missing_ok=True)
        con = sqlite3.connect(str(path), isolation_level=None)
        con.execute("PRAGMA journal_mode = OFF")  # a temp file until finished and renamed
        con.execute("PRAGMA synchronous = OFF")
        con.execute(SCHEMA)
        con.execute("BEGIN")
        return cls(con, path)

    @classmethod
    def open(cls, path: Path) -> FileList:
        try:
            con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            con.execute("SELECT count(*) FROM files").fetchone()
        except sqlite3.Error as exc:
            raise IntegrityError(
                _("{path} is not a readable backup file list ({exc})").format(path=path, exc=exc),
                _("The backup is damaged; use an older one."),
            ) from None
        return cls(con, path)

    def add(self, rel: str, entry: dict[str, Any]) -> None:
        self._pending.append(
            (
                rel,
                entry["size"],
                entry["sha256"],
                entry["kind"],
                entry.get("number"),
                entry.get("mtime"),
            )
        )
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.con.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", self._pending
            )
            self._pending.clear()

    def get(self, rel: str) -> dict[str, Any] | None:
        self._flush()
        row = self.con.execute("SELECT * FROM files WHERE path = ?", (rel,)).fetchone()
        return None if row is None else _entry(row)

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every (path, entry) in path order, read as it goes."""
        self._flush()
        for row in self.con.execute("SELECT * FROM files ORDER BY path"):
            yield row[0], _entry(row)

    def counts(self) -> dict[str, int]:
        self._flush()
        return dict(self.con.execute("SELECT kind, count(*) FROM files GROUP BY kind"))

    def finish(self) -> None:
        """Commit and close a list made with `create` (the caller then fsyncs and renames)."""
        self._flush()
        self.con.execute("COMMIT")
        self.con.close()

    def close(self) -> None:
        self.con.close()


class LegacyFileList:
    """The list inside a format 1 manifest, behind the same methods."""

    def __init__(self, files: dict[str, dict[str, Any]]):
        self.files = files

    def get(self, rel: str) -> dict[str, Any] | None:
        return self.files.get(rel)

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        yield from sorted(self.files.items())

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for entry in self.files.values():
            out[entry.get("kind", "")] = out.get(entry.get("kind", ""), 0) + 1
        return out

    def close(self) -> None:
        pass
