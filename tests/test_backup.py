"""`archivist backup` / `archivist restore`: verified copies, incremental backups, refusal to
restore over a home, a restored home that checks clean."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from archivist.core.context import open_context
from archivist.core.errors import Conflict, Forbidden, IntegrityError, InvalidInput
from archivist.core.store import sha256_file
from archivist.integrity import backup
from archivist.integrity import checker as integrity
from tests.test_check_helpers import put_document


def _files(dest: Path) -> dict[str, dict]:
    manifest = backup.read_manifest(dest)
    assert manifest is not None
    listing = backup.open_file_list(dest, manifest)
    try:
        return dict(listing.items())
    finally:
        listing.close()


@pytest.fixture
def filed(ctx, make_client):
    a = make_client("陳大文")
    b = make_client("林小明")
    docs = [put_document(ctx, a, f"證據{i}.txt", f"第{i}號".encode() * 100) for i in range(3)]
    docs.append(put_document(ctx, b, "合同.txt", b"contract", section="contract"))
    return a, b, docs


def test_backup_then_restore_is_clean(ctx, filed, tmp_path, invoke):
    dest = tmp_path / "bk"
    result = backup.backup(ctx, dest)
    assert result.documents == 4 and result.files_copied >= 4 and not result.problems
    manifest = json.loads((dest / "backup-manifest.json").read_text())
    assert manifest["counts"]["documents"] == 4 and manifest["counts"]["clients"] == 2
    docs = {k: v for k, v in _files(dest).items() if v["kind"] == "document"}
    assert len(docs) == 4 and all(len(v["sha256"]) == 64 for v in docs.values())
    assert manifest["ledger"]["sha256"]
    new = tmp_path / "restored"
    restored = backup.restore(dest, new, "mei")
    assert restored.check.ok, restored.check.problems
    assert restored.documents == 4
    for d in filed[2]:
        assert (new / "archive_store" / d.rel).read_bytes() == d.path.read_bytes()
    # the restored home works and checks clean from the CLI too
    invoke("--home", str(new), "check")
    assert (new / "archive_store").stat().st_mode & 0o007 == 0


def test_cli_backup_and_restore(ctx, filed, tmp_path, invoke):
    dest = tmp_path / "bk"
    out = invoke("backup", str(dest)).output
    assert "Backed up 4 documents of 2 clients" in out
    data = invoke.json("backup", str(dest))
    assert data["files_skipped"] >= 4 and data["files_copied"] == 0 and data["number"]
    new = tmp_path / "new"
    out = invoke("restore", str(dest), "--home", str(new)).output
    assert "Check: everything agrees" in out
    out = invoke("restore", str(dest), "--home", str(new), code=1).output
    assert "already exists" in out


def test_repeated_backup_copies_only_what_is_new(ctx, filed, tmp_path):
    a, _b, _docs = filed
    dest = tmp_path / "bk"
    first = backup.backup(ctx, dest)
    second = backup.backup(ctx, dest)
    assert second.files_copied == 0 and second.files_skipped == first.files_copied
    put_document(ctx, a, "新證據.txt", b"new")
    third = backup.backup(ctx, dest)
    assert third.files_copied == 1 and third.documents == 5
    log = (dest / "backup-log.jsonl").read_text().splitlines()
    assert len(log) == 3


def test_backup_refuses_a_folder_inside_the_home_or_foreign(ctx, filed, tmp_path, home_dir):
    with pytest.raises(InvalidInput):
        backup.backup(ctx, home_dir / "bk")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "x.txt").write_text("x")
    with pytest.raises(Conflict):
        backup.backup(ctx, foreign)


def test_backup_of_another_home_is_refused(ctx, filed, tmp_path):
    from archivist.core import home

    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    other = home.create(tmp_path / "other", "別所", "mei", "王美")
    octx = open_context(other.root, "mei")
    try:
        with pytest.raises(Conflict, match="another home"):
            backup.backup(octx, dest)
    finally:
        octx.close()


def test_backup_needs_a_role(ctx_as, filed, tmp_path):
    with pytest.raises(Forbidden):
        backup.backup(ctx_as("lin"), tmp_path / "bk")


def test_damaged_live_file_is_not_backed_up_and_reported(ctx, filed, tmp_path, invoke):
    docs = filed[2]
    docs[0].path.write_bytes(b"tampered")
    result = invoke("backup", str(tmp_path / "bk"), code=1)
    assert str(docs[0].path) in result.output


def test_restore_refuses_existing_home_and_nonempty_folder(ctx, filed, tmp_path, home_dir):
    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    with pytest.raises(Conflict):
        backup.restore(dest, home_dir, "mei")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    with pytest.raises(Conflict):
        backup.restore(dest, busy, "mei")
    assert (busy / "keep.txt").read_text() == "mine"


def test_restore_detects_a_damaged_backup_and_leaves_nothing(ctx, filed, tmp_path):
    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    rel = next(k for k, v in _files(dest).items() if v["kind"] == "document")
    target = dest / "data" / rel
    target.write_bytes(target.read_bytes()[:-1] + b"?")
    new = tmp_path / "new"
    with pytest.raises(IntegrityError, match="checksum"):
        backup.restore(dest, new, "mei")
    assert not new.exists()
    target.unlink()
    with pytest.raises(IntegrityError, match="missing"):
        backup.restore(dest, new, "mei")
    assert not new.exists()


def test_restore_refuses_unsafe_manifest_paths(ctx, filed, tmp_path):
    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    path = dest / "backup-manifest.json"
    manifest = json.loads(path.read_text())
    listing = dest / manifest["file_list"]["path"]
    con = sqlite3.connect(listing)
    with con:
        con.execute(
            "INSERT INTO files VALUES ('../../evil.txt', 1, ?, 'home', NULL, NULL)", ("0" * 64,)
        )
    con.close()
    with pytest.raises(IntegrityError, match="does not match its checksum"):
        backup.restore(dest, tmp_path / "new", "mei")  # the list was changed
    manifest["file_list"]["sha256"] = sha256_file(listing)
    path.write_text(json.dumps(manifest))
    with pytest.raises(IntegrityError, match="unsafe"):
        backup.restore(dest, tmp_path / "new", "mei")
    assert not (tmp_path / "evil.txt").exists()


def test_restore_needs_an_archivist_of_the_backed_up_home(ctx, filed, tmp_path, invoke):
    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    with pytest.raises(Forbidden):
        backup.restore(dest, tmp_path / "n1", "lin")
    assert not (tmp_path / "n1").exists()
    out = invoke("restore", str(dest), "--home", str(tmp_path / "n2"), user=None, code=1).output
    assert "--as" in out


def test_restore_from_a_folder_without_backup(tmp_path, invoke):
    (tmp_path / "empty").mkdir()
    out = invoke("restore", str(tmp_path / "empty"), "--home", str(tmp_path / "n"), code=1).output
    assert "backup-manifest.json" in out


def test_backup_snapshot_is_a_single_self_contained_file(ctx, filed, tmp_path):
    import sqlite3

    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    ledger = dest / "data" / "archive_store" / "ledger.sqlite3"
    assert not Path(str(ledger) + "-wal").exists()
    con = sqlite3.connect(ledger)
    try:
        assert con.execute("select count(*) from documents").fetchone()[0] == 4
    finally:
        con.close()


def test_restored_home_backup_is_independent(ctx, filed, tmp_path):
    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    new = tmp_path / "new"
    backup.restore(dest, new, "mei")
    rctx = open_context(new, "mei")
    try:
        assert integrity.check(rctx).ok
        from archivist.core import audit

        with rctx.ledger.read() as conn:
            assert audit.query(conn, action="home.restore")
    finally:
        rctx.close()


def test_backup_with_a_missing_document_restores_the_rest(ctx, filed, tmp_path, invoke):
    docs = filed[2]
    docs[0].path.unlink()
    dest = tmp_path / "bk"
    invoke("backup", str(dest), code=1)
    manifest = json.loads((dest / "backup-manifest.json").read_text())
    assert any(docs[0].number in p for p in manifest["problems"])
    new = tmp_path / "new"
    out = invoke("restore", str(dest), "--home", str(new), code=1).output
    assert "missing" in out and docs[0].number in out
    assert (new / "archive_store" / docs[1].rel).read_bytes() == docs[1].path.read_bytes()


def test_failed_backup_leaves_no_snapshot_behind(ctx, filed, tmp_path, monkeypatch):
    from archivist.core.errors import StorageError

    dest = tmp_path / "bk"
    backup.backup(ctx, dest)

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "copy_verified", boom)
    put_document(ctx, filed[0], "new.txt", b"new")
    with pytest.raises(StorageError, match="No space left"):
        backup.backup(ctx, dest)
    assert not list(dest.glob(".tmp-*"))
    monkeypatch.undo()
    # the previous backup is still whole and restorable
    assert backup.restore(dest, tmp_path / "new", "mei").check.ok


def test_backup_lists_its_files_apart_and_reads_a_format_1_backup(ctx, filed, tmp_path):
    """The file list is an SQLite file beside the manifest (written and read a row at a time,
    so memory stays flat at any size); a backup made in format 1 (the list inside the
    manifest) is still brought up to date and restored."""
    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    manifest = json.loads((dest / "backup-manifest.json").read_text())
    assert manifest["format"] == "archivist-backup/2" and "files" not in manifest
    first = manifest["file_list"]["path"]
    files = _files(dest)
    assert manifest["file_list"]["files"] == len(files) == manifest["counts"]["files"]
    # turn it into a format 1 backup, as an older archivist wrote it
    old = dict(manifest, format="archivist-backup/1", files=files)
    del old["file_list"]
    (dest / first).unlink()
    (dest / "backup-manifest.json").write_text(json.dumps(old))
    legacy = backup.restore(dest, tmp_path / "from-v1", "mei")
    assert legacy.check.ok and legacy.documents == 4
    again = backup.backup(ctx, dest)
    assert again.files_copied == 0 and again.files_skipped >= 4
    manifest = json.loads((dest / "backup-manifest.json").read_text())
    documents = {k: v for k, v in files.items() if v["kind"] == "document"}
    assert manifest["format"] == "archivist-backup/2"
    assert {k: v for k, v in _files(dest).items() if v["kind"] == "document"} == documents
    third = backup.backup(ctx, dest)
    assert third.files_copied == 0
    lists = sorted(p.name for p in dest.glob("backup-files-*"))
    assert (dest / lists[0]).stat().st_mode & 0o007 == 0  # it names every client's files
    assert lists == [
        json.loads((dest / "backup-manifest.json").read_text())["file_list"]["path"]
    ]  # earlier lists are removed


def test_backup_over_a_damaged_file_list_copies_everything_again(ctx, filed, tmp_path):
    dest = tmp_path / "bk"
    backup.backup(ctx, dest)
    for listing in dest.glob("backup-files-*"):
        listing.write_bytes(b"not a database")
    again = backup.backup(ctx, dest)
    assert again.files_copied >= 4 and again.files_skipped == 0
    assert any("copied again" in p for p in again.problems)
    restored = backup.restore(dest, tmp_path / "new", "mei")
    assert restored.check.ok and restored.documents == 4
