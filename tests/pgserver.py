"""A throw-away PostgreSQL server for the tests: initdb + pg_ctl from the installed binaries
(Debian's `postgresql` package puts them in /usr/lib/postgresql/N/bin), in a temp folder, on
a free port on 127.0.0.1 with its unix socket in that folder and trust authentication. initdb
refuses to run as root, so as root the cluster belongs to the `postgres` OS user."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def find_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(d) / "initdb").is_file() and (Path(d) / "pg_ctl").is_file():
            return Path(d)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.tmp = Path(tempfile.mkdtemp(prefix="archivist-pg-"))
        self.data = self.tmp / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        self.superuser = pwd.getpwuid(os.getuid()).pw_name
        if os.getuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
            self.superuser = "postgres"

    def _run(self, *args: str) -> None:
        proc = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        if proc.returncode:
            raise RuntimeError(f"{args[0]} failed: {proc.stderr or proc.stdout}")

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            self.superuser,
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        opts = (
            f"-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200 -c shared_buffers=32MB"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "-l",
            str(self.tmp / "server.log"),
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"
            )
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.superuser} dbname=postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:16]
        self._admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running() -> Iterator[Server | None]:
    """A started server, or None when PostgreSQL's binaries are not installed."""
    bindir = find_bin()
    if bindir is None:
        yield None
        return
    server = Server(bindir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
