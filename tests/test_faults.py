"""Full disk and read-only store: filing fails with a clear error and leaves nothing half-done
(no ledger row, no file, no temp file, no consumed number); the store's permissions."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archivist.core.errors import StorageError
from archivist.filing import service as filing
from archivist.integrity import checker as integrity
from archivist.ledger.tables.documents import documents


def _count(ctx) -> int:
    with ctx.ledger.read() as conn:
        return conn.execute(select(func.count()).select_from(documents)).scalar_one()


def _files(ctx, client) -> list[Path]:
    return [
        p
        for p in ctx.store.resolve(client.folder).rglob("*")
        if p.is_file() and p.name != "manifest.json"
    ]


@pytest.fixture
def client(make_client):
    return make_client("陳大文")


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "disk is full"),
        (errno.EROFS, "not writable"),
        (errno.EACCES, "not writable"),
        (errno.EIO, "could not write"),
    ],
)
def test_os_error_while_writing_leaves_nothing(ctx, client, monkeypatch, code, words):
    import archivist.core.store as store_mod

    real_fsync = os.fsync

    def failing_fsync(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(store_mod.os, "fsync", failing_fsync)
    with pytest.raises(StorageError, match=words):
        filing.file_bytes(ctx, client.number, "case", b"x" * 5000, "a.txt", source="filed")
    monkeypatch.setattr(store_mod.os, "fsync", real_fsync)
    assert _count(ctx) == 0
    assert _files(ctx, client) == []  # no document, no .tmp-* file
    doc = filing.file_bytes(ctx, client.number, "case", b"ok", "a.txt", source="filed")
    assert doc.number == f"{client.number}-0001"  # the failed attempt consumed no number
    assert integrity.check(ctx).ok


def test_failure_when_linking_into_place(ctx, client, monkeypatch):
    import archivist.core.store as store_mod

    def no_link(src, dst, *a, **k):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store_mod.os, "link", no_link)
    with pytest.raises(StorageError, match="not writable"):
        filing.file_bytes(ctx, client.number, "case", b"data", "a.txt", source="filed")
    assert _count(ctx) == 0 and _files(ctx, client) == []


def test_failure_of_the_ledger_commit_removes_the_file(ctx, client, monkeypatch):
    from archivist.core import audit

    def broken(*a, **k):
        raise StorageError("the disk holding the ledger is full", "Free space and retry.")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(StorageError, match="ledger is full"):
        filing.file_bytes(ctx, client.number, "case", b"data", "a.txt", source="filed")
    monkeypatch.undo()
    assert _count(ctx) == 0 and _files(ctx, client) == []
    assert integrity.check(ctx).ok


def test_cli_reports_a_full_disk_in_one_line(ctx, client, invoke, tmp_path, monkeypatch):
    import archivist.core.store as store_mod

    src = tmp_path / "證據.txt"
    src.write_text("內容", encoding="utf-8")

    def failing_fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_mod.os, "fsync", failing_fsync)
    result = invoke("file", "add", client.number, str(src), "--section", "case", code=1)
    assert result.output.count("\n") <= 2 and "disk is full" in result.output
    monkeypatch.undo()
    assert _count(ctx) == 0


# ------------------------------------------------------------------ a real small file system
def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def small_fs(tmp_path):
    """A 4 MB tmpfs (root only; skipped elsewhere)."""
    if not _can_mount():
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True
    )
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_real_full_disk_and_read_only_store(small_fs):
    from archivist.clients import registry
    from archivist.core import home
    from archivist.core.context import open_context
    from archivist.models import ClientInput

    root = small_fs / "home"
    home.create(root, "所", "mei", "王美")
    ctx = open_context(root, "mei")
    try:
        client = registry.add(ctx, ClientInput(name="陳大文", kind="person")).client
        filing.file_bytes(ctx, client.number, "case", b"first", "a.txt", source="filed")
        filler = small_fs / "filler"
        with open(
            filler, "wb", buffering=0
        ) as fh:  # fill the disk, leaving less than the next file
            try:
                while True:
                    fh.write(b"\0" * 65536)
            except OSError:
                pass
        with pytest.raises(StorageError) as exc:
            filing.file_bytes(
                ctx, client.number, "case", os.urandom(200_000), "big.bin", source="filed"
            )
        assert "full" in str(exc.value)
        assert _count(ctx) == 1
        assert not [p for p in ctx.store.root.rglob(".tmp-*")]
        filler.unlink()

        ctx.ledger.dispose()  # no file open for writing, or the remount is refused (busy)
        r = subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"cannot remount read-only: {r.stderr.decode().strip()}")
        try:
            with pytest.raises(StorageError) as exc:
                filing.file_bytes(ctx, client.number, "case", b"second", "b.txt", source="filed")
            assert "writable" in str(exc.value) or "read-only" in str(exc.value)
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(small_fs)], capture_output=True)
        assert _count(ctx) == 1
        report = integrity.check(ctx, repair=True)
        assert report.ok, report.problems
    finally:
        ctx.close()


# ------------------------------------------------------------------ permissions
def test_filed_files_are_owner_and_group_only_whatever_the_umask(ctx, client):
    old = os.umask(0)
    try:
        doc = filing.file_bytes(ctx, client.number, "work", b"x", "note.txt", source="filed")
    finally:
        os.umask(old)
    path = ctx.store.resolve(doc.path)
    assert path.stat().st_mode & 0o777 == 0o640
    for p in [ctx.store.root, *ctx.store.root.rglob("*")]:
        if p.is_dir():
            assert p.stat().st_mode & 0o007 == 0, p
        else:
            assert p.stat().st_mode & 0o007 == 0, p
