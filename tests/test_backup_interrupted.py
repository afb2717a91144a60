"""Interrupted backups resume, interrupted restores are marked, a backup whose audit chain was
cut is refused, a backup holds only the home's own files, and leftovers of a killed
`index rebuild` are found and removed."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archivist.core.errors import IntegrityError, StorageError
from archivist.core.store import sha256_file
from archivist.integrity import backup
from archivist.integrity import checker as integrity
from tests.test_check_helpers import put_document


@pytest.fixture
def filed(ctx: Any, make_client: Any) -> list[Any]:
    a = make_client("陳大文")
    return [put_document(ctx, a, f"證據{i}.txt", f"第{i}號".encode() * 50) for i in range(6)]


def _interrupt_after(monkeypatch: pytest.MonkeyPatch, n: int, exc: BaseException) -> None:
    real = backup.copy_verified
    calls = {"n": 0}

    def copy(src: Path, dst: Path, fsync: bool = True) -> tuple[int, str]:
        calls["n"] += 1
        if calls["n"] > n:
            raise exc
        return real(src, dst, fsync)

    monkeypatch.setattr(backup, "copy_verified", copy)


@pytest.mark.parametrize(
    "exc",
    [KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left")],
    ids=["killed", "disk-full"],
)
def test_interrupted_first_backup_is_resumed(
    ctx: Any,
    filed: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    exc: BaseException,
    invoke: Any,
) -> None:
    dest = tmp_path / "bk"
    _interrupt_after(monkeypatch, 3, exc)
    with pytest.raises((KeyboardInterrupt, StorageError)):
        backup.backup(ctx, dest)
    assert (dest / ".backup-unfinished").exists()
    assert not (dest / "backup-manifest.json").exists()
    monkeypatch.undo()
    out = invoke("backup", str(dest)).output  # resumes instead of refusing
    assert "Backed up 6 documents" in out
    assert not (dest / ".backup-unfinished").exists()
    restored = backup.restore(dest, tmp_path / "restored", "mei")
    assert restored.check.ok, restored.check.problems


def test_backup_holds_only_the_homes_own_files(
    ctx: Any, filed: Any, home_dir: Path, tmp_path: Path
) -> None:
    for rel in (".venv/lib/site.py", ".git/config", "Documents/personal.txt", "notes.txt"):
        (home_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (home_dir / rel).write_text("not the archive's")
    (home_dir / "templates").mkdir(exist_ok=True)
    (home_dir / "templates" / "委任契約.docx").write_bytes(b"PK template")
    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    data = dest / "data"
    held = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()}
    assert "archivist.toml" in held and "templates/委任契約.docx" in held
    assert not [
        h for h in held if h.split("/")[0] in (".venv", ".git", "Documents", "notes.txt")
    ], held


def test_backup_shows_progress(ctx: Any, filed: Any, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    backup.backup(ctx, tmp_path / "bk", progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (6, 6)
    restored: list[tuple[int, int]] = []
    backup.restore(
        tmp_path / "bk", tmp_path / "new", "mei", progress=lambda d, t: restored.append((d, t))
    )
    assert restored and restored[-1][0] == restored[-1][1] >= 6


def _forge_backup_ledger(dest: Path, edit: str) -> None:
    """Edit the backed-up ledger and make the file list and manifest checksums agree, as a
    forger would: only the audit head the manifest recorded is left as it was."""
    ledger = dest / "data" / "archive_store" / "ledger.sqlite3"
    db = sqlite3.connect(ledger)
    db.executescript(edit)
    db.commit()
    db.close()
    listing = next(dest.glob("backup-files-*.sqlite3"))
    con = sqlite3.connect(listing)
    con.execute(
        "UPDATE files SET size = ?, sha256 = ? WHERE kind = 'ledger'",
        (ledger.stat().st_size, sha256_file(ledger)),
    )
    con.commit()
    con.close()
    manifest = json.loads((dest / "backup-manifest.json").read_text())
    manifest["file_list"]["sha256"] = sha256_file(listing)
    (dest / "backup-manifest.json").write_text(json.dumps(manifest))


def test_restore_refuses_a_backup_whose_chain_was_cut(ctx: Any, filed: Any, tmp_path: Path) -> None:
    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    _forge_backup_ledger(
        dest,
        "DELETE FROM audit_events WHERE seq > (SELECT MAX(seq) - 2 "
        "FROM audit_events); UPDATE audit_head SET seq = (SELECT "
        "MAX(seq) FROM audit_events), hash = (SELECT hash FROM "
        "audit_events ORDER BY seq DESC LIMIT 1);",
    )
    with pytest.raises(IntegrityError, match="audit chain was cut"):
        backup.restore(dest, tmp_path / "new", "mei")
    assert not (tmp_path / "new").exists()


def test_killed_restore_leaves_a_marked_home(
    ctx: Any, filed: Any, tmp_path: Path, invoke: Any
) -> None:
    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    new = tmp_path / "new"
    script = (
        "import os, signal, sys\n"
        "from archivist.integrity import backup\n"
        "def die(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "from archivist.integrity import restore\n"
        "restore._finish = die\n"
        f"backup.restore({str(dest)!r}, {str(new)!r}, 'mei')\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert (new / ".restore-unfinished").exists() and (new / "archivist.toml").exists()
    result = invoke("--home", str(new), "client", "list", code=1)
    assert "unfinished restore" in result.output and "restore" in result.output
    assert len(result.output.strip().splitlines()) <= 2
    # running the same restore again finishes it
    restored = backup.restore(dest, new, "mei")
    assert restored.check.ok and not (new / ".restore-unfinished").exists()
    invoke("--home", str(new), "client", "list")


def test_index_rebuild_leftovers_are_reported_and_removed(
    ctx: Any, filed: Any, home_dir: Path
) -> None:
    dead = 4_000_000 + os.getpid() % 1000  # above pid_max: never a live process
    leftover = home_dir / f".index.rebuild-{dead}"
    leftover.mkdir()
    (leftover / "segment").write_text("half an index")
    report = integrity.check(ctx)
    assert report.summary.get("index-leftover") == 1
    assert report.problems[0].path == str(leftover)
    repaired = integrity.check(ctx, repair=True)
    assert repaired.ok and not leftover.exists()


def _kill_loop(ctx: Any, make_client: Any, tmp_path: Path, kills: int) -> dict[str, int]:
    """Back up (then restore) in a child process killed with SIGKILL at a random moment, again
    and again: every next run must resume (never refuse), and the last must restore clean."""
    import random
    import time

    client = make_client("王大明")
    for i in range(40):
        put_document(ctx, client, f"卷{i}.txt", os.urandom(20_000))
    home = ctx.home.root
    dest = tmp_path / "bk"
    rng = random.Random(15)
    cli = [sys.executable, "-m", "archivist", "--home", str(home), "--as", "mei"]
    stats = {"backup_killed": 0, "restore_killed": 0, "runs": 0}
    for argv, key in (
        ([*cli, "backup", str(dest)], "backup_killed"),
        ([*cli, "restore", str(dest), "--home", str(tmp_path / "new")], "restore_killed"),
    ):
        finished = False
        for _ in range(kills):
            new = tmp_path / "new"
            done_before = (new / "archivist.toml").exists() and not (
                new / ".restore-unfinished"
            ).exists()
            if key == "restore_killed" and done_before:
                finished = True  # the kill came after the restore had completed
                break
            proc = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
            )  # its own group: workers die too
            time.sleep(rng.uniform(0.4, 2.5))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            _out, err = proc.communicate(timeout=120)
            stats["runs"] += 1
            if proc.returncode == -signal.SIGKILL:
                stats[key] += 1
            else:  # it finished first: it must have succeeded
                assert proc.returncode == 0, err.decode()
                if key == "restore_killed":
                    finished = True  # restored before the kill: a restore over it is refused
                    break
        if not finished:
            done = subprocess.run(argv, capture_output=True, timeout=300)
            assert done.returncode == 0, done.stderr.decode()
    assert not (dest / ".backup-unfinished").exists()
    assert not (tmp_path / "new" / ".restore-unfinished").exists()
    report = integrity.check(
        __import__("archivist.core.context").core.context.open_context(tmp_path / "new", "mei")
    )
    assert report.ok, report.problems
    return stats


def test_killed_backups_and_restores_resume(ctx: Any, make_client: Any, tmp_path: Path) -> None:
    stats = _kill_loop(ctx, make_client, tmp_path, kills=2)
    assert stats["runs"] >= 2


@pytest.mark.slow
def test_killed_backups_and_restores_resume_long(
    ctx: Any, make_client: Any, tmp_path: Path
) -> None:
    stats = _kill_loop(ctx, make_client, tmp_path, kills=12)
    print(stats)
    assert stats["backup_killed"] >= 1


def test_unfinished_backup_of_another_home_is_not_mixed_in(
    ctx: Any, filed: Any, tmp_path: Path
) -> None:
    from archivist.core.errors import Conflict

    dest = tmp_path / "bk"
    dest.mkdir()
    (dest / ".backup-unfinished").write_text(json.dumps({"home": "/elsewhere/home"}))
    (dest / "data").mkdir()
    with pytest.raises(Conflict, match="unfinished backup of another home"):
        backup.backup(ctx, dest)
