"""The Ledger: an engine plus the transaction discipline every module uses.

with ledger.write() as conn:   # one transaction: the change and its audit record
    ...
with ledger.read() as conn:
    ...
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from archivist.core.errors import Busy, InvalidInput, StorageError
from archivist.ledger import witness

RETRIES = 8


def safe_url(url: str) -> str:
    """A database URL with its password masked."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


class Ledger:
    def __init__(self, url: str, witness: Path | None = None) -> None:
        from archivist.ledger import postgresql

        url = postgresql.normalise_url(url)
        self.url = url
        # archive_store/audit-head.json: written before each commit that appends audit events
        self.witness = witness
        # refuse writes to a ledger `archivist ledger move` has moved away (open_context sets it)
        self.guard_moved = False
        self.is_sqlite = url.startswith("sqlite")
        # SQLite has one writer: threads of this process (the web server's) queue for it here,
        # woken as soon as it is free, instead of in SQLite's busy handler, which polls with
        # growing sleeps and lets a writer wait seconds behind luckier ones
        self._writers = threading.RLock()
        self.is_postgresql = postgresql.is_postgresql(url)
        if not (self.is_sqlite or self.is_postgresql):
            raise InvalidInput(
                f"unsupported ledger database {safe_url(url)!r}",
                "Use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB.",
            )
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            kwargs.update(postgresql.engine_kwargs())
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except (ArgumentError, ValueError) as exc:
            raise InvalidInput(f"the ledger URL {safe_url(url)!r} is invalid ({exc})") from None
        if self.is_sqlite:
            from archivist.ledger import sqlite

            sqlite.configure(self.engine)
        else:
            postgresql.configure(self.engine)

    @property
    def display_url(self) -> str:
        """The URL without its password, for messages and reports."""
        return safe_url(self.url)

    @classmethod
    def for_path(cls, path: Path) -> Ledger:
        return cls(f"sqlite:///{path}")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                witness.take(conn.info)
                yield conn
                self._witness(conn)
        except OperationalError as exc:
            raise self._translate(exc) from None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction. Commits on success, rolls back and re-raises on failure.
        Lock waits are handled by the database's busy timeout; a lock that outlasts it becomes
        `Busy`. Use `retrying()` around a whole unit of work to retry it from the start."""
        try:
            with (
                self._queue(),
                self.engine.connect().execution_options(archivist_write=True) as conn,
                conn.begin(),
            ):
                witness.take(conn.info)
                if self.guard_moved:
                    self._refuse_moved(conn)
                yield conn
                self._witness(conn)
        except OperationalError as exc:
            raise self._translate(exc) from None

    @contextmanager
    def _queue(self) -> Iterator[None]:
        """Wait for this process's other SQLite writers (as long as SQLite's own busy timeout
        would), then hold the turn for the transaction."""
        if not self.is_sqlite:
            yield
            return
        from archivist.ledger.sqlite import BUSY_TIMEOUT_MS

        if not self._writers.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            raise Busy(
                "the ledger stayed locked by another writer of this process",
                "Wait a moment and try again.",
            )
        try:
            yield
        finally:
            self._writers.release()

    @staticmethod
    def _refuse_moved(conn: Connection) -> None:
        """A process that opened this ledger before `ledger move` switched the home to a new
        one waited for the move's lock: its write would land where no one reads it."""
        from sqlalchemy import select

        from archivist.core.errors import Conflict
        from archivist.ledger.tables.core import meta

        moved = conn.execute(select(meta.c.value).where(meta.c.key == "moved_to")).scalar()
        if moved is not None:
            raise Conflict(
                f"the ledger was moved to {moved}; nothing was changed",
                "Run the command again (it uses the new ledger).",
            )

    def _witness(self, conn: Connection) -> None:
        """Still inside the transaction (holding the write lock): record the new head outside
        the ledger. A witness that cannot be written fails the transaction; one that this
        chain does not continue (cut or rewritten by hand) is left as it is."""
        span = witness.take(conn.info)
        if span is None or self.witness is None:
            return
        try:
            if not witness.follows(conn, self.witness, span):
                return  # the chain no longer reaches the witness: keep it for `check`
            witness.write(self.witness, span)
        except OSError as exc:
            raise StorageError(
                f"the audit witness {self.witness} could not be written: {exc.strerror or exc}",
                "Check that archive_store/ is writable and not full.",
            ) from None

    def retrying(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run `fn(*args, **kwargs)` (which opens its own write()), retrying on Busy."""
        for attempt in range(RETRIES):
            try:
                return fn(*args, **kwargs)
            except Busy:
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * (2**attempt) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def _translate(self, exc: OperationalError) -> Exception:
        from archivist.ledger import postgresql
        from archivist.ledger.sqlite import is_busy_error

        text = str(exc.orig) if exc.orig is not None else str(exc)
        if self.is_sqlite and is_busy_error(exc):
            return Busy(
                "the ledger stayed locked by another archivist process",
                "Wait a moment and run the command again.",
            )
        if self.is_postgresql:
            if postgresql.is_retryable_error(exc):
                return Busy(
                    "the ledger's transaction collided with another one (a "
                    "serialization failure or deadlock)",
                    "Wait a moment and run the command again.",
                )
            if postgresql.is_unreachable(exc):
                return StorageError(
                    f"the PostgreSQL ledger {self.display_url} could not be "
                    f"reached: {text.strip().splitlines()[0][:200]}",
                    "Check that the server runs and the URL is right.",
                )
        if "disk" in text.lower() and "full" in text.lower():
            return StorageError("the disk holding the ledger is full", "Free space and retry.")
        if "unable to open database file" in text.lower():
            return StorageError(
                "the ledger could not be opened: its folder is read-only or missing",
                "Check that archive_store/ is mounted read-write.",
            )
        if "readonly" in text.lower() or "read-only" in text.lower():
            return StorageError("the ledger is read-only", "Check the store's permissions.")
        return StorageError(f"the ledger could not be used: {text}")

    def dispose(self) -> None:
        self.engine.dispose()
