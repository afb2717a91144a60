"""`archivist check`: each kind of damage is found (with its full path), `--repair` fixes only
what is derived, and the exit codes say clean (0) or not (1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from archivist.core.errors import Forbidden
from archivist.integrity import checker as integrity
from tests.test_check_helpers import put_document


@pytest.fixture
def filed(ctx, make_client):
    client = make_client("陳大文")
    docs = [put_document(ctx, client, f"證據{i}.txt", f"第{i}號證據".encode()) for i in range(3)]
    return client, docs


def kinds(report) -> dict[str, int]:
    return report.summary


def test_clean_archive_passes(ctx, filed, invoke):
    report = integrity.check(ctx)
    assert report.ok, report.problems
    assert report.counts["documents"] == 3
    result = invoke("check")
    assert "OK" in result.output
    data = invoke.json("check")
    assert data["ok"] is True and data["problems"] == []


def test_deleted_file_is_missing(ctx, filed, invoke):
    _client, docs = filed
    docs[0].path.unlink()
    report = integrity.check(ctx)
    assert kinds(report) == {"missing": 1}
    problem = report.problems[0]
    assert problem.path == str(docs[0].path) and problem.document == docs[0].number
    assert not problem.repairable
    result = invoke("check", code=1)
    assert str(docs[0].path) in result.output and "1 missing files" in result.output
    # repair cannot bring an original back, and says so by still failing
    repaired = integrity.check(ctx, repair=True)
    assert kinds(repaired) == {"missing": 1}


def test_flipped_byte_is_a_checksum_mismatch(ctx, filed):
    _client, docs = filed
    data = bytearray(docs[1].path.read_bytes())
    data[0] ^= 0x01
    docs[1].path.write_bytes(bytes(data))
    report = integrity.check(ctx)
    assert kinds(report) == {"checksum": 1}
    assert report.problems[0].path == str(docs[1].path)
    before = docs[1].path.read_bytes()
    integrity.check(ctx, repair=True)
    assert docs[1].path.read_bytes() == before  # the original is never touched


def test_stray_file_is_an_orphan_but_litter_is_not(ctx, filed, invoke):
    client, _docs = filed
    folder = ctx.store.resolve(client.folder)
    stray = folder / "03 案件材料" / "掃描件.pdf"
    stray.write_bytes(b"%PDF-1.4 stray")
    for litter in (".DS_Store", "Thumbs.db", "desktop.ini", "~$草稿.docx", ".nfs0001"):
        (folder / litter).write_bytes(b"x")
    (folder / "@eaDir").mkdir()
    (folder / "@eaDir" / "thumb.jpg").write_bytes(b"x")
    report = integrity.check(ctx)
    assert kinds(report) == {"orphan": 1}
    assert report.problems[0].path == str(stray)
    assert report.problems[0].client == client.number
    result = invoke("check", code=1)
    assert str(stray) in result.output and "file adopt" in result.output
    integrity.check(ctx, repair=True)
    assert stray.exists()  # never deleted


def test_stray_file_at_the_store_root_is_an_orphan(ctx, filed):
    stray = ctx.store.root / "notes.txt"
    stray.write_text("x")
    report = integrity.check(ctx)
    assert [p.path for p in report.problems] == [str(stray)]


def test_leftover_temp_file_is_reported_and_removed_by_repair(ctx, filed):
    client, _docs = filed
    folder = ctx.store.resolve(client.folder) / "03 案件材料"
    # a writer that is gone (pid 2**22+1 does not exist on Linux) left half a file
    tmp = folder / ".tmp-4194305-deadbeef"
    tmp.write_bytes(b"half")
    report = integrity.check(ctx)
    assert kinds(report) == {"temp": 1}
    assert report.problems[0].repairable and report.problems[0].path == str(tmp)
    repaired = integrity.check(ctx, repair=True)
    assert repaired.ok and not tmp.exists()
    assert any(str(tmp) in line for line in repaired.repaired)


def test_temp_file_of_a_live_writer_is_not_removed(ctx, filed):
    client, _docs = filed
    tmp = ctx.store.resolve(client.folder) / f".tmp-{os.getppid()}-cafe"
    tmp.write_bytes(b"in progress")
    report = integrity.check(ctx, repair=True)
    assert kinds(report) == {"temp": 1} and not report.problems[0].repairable
    assert tmp.exists()


def test_edited_manifest_is_drift_and_repair_rewrites_it(ctx, filed, invoke):
    client, _docs = filed
    manifest = ctx.store.resolve(client.folder) / "manifest.json"
    good = manifest.read_text(encoding="utf-8")
    manifest.write_text(good.replace("證據0", "證據X"), encoding="utf-8")
    report = integrity.check(ctx)
    assert kinds(report) == {"derived": 1}
    assert report.problems[0].path == str(manifest)
    result = invoke("check", "--repair")
    assert f"rewrote {manifest}" in result.output
    assert manifest.read_text(encoding="utf-8") == good


def test_deleted_manifest_is_recreated(ctx, filed):
    client, _docs = filed
    manifest = ctx.store.resolve(client.folder) / "manifest.json"
    manifest.unlink()
    assert kinds(integrity.check(ctx)) == {"derived": 1}
    assert integrity.check(ctx, repair=True).ok and manifest.exists()


def test_edited_audit_row_breaks_the_chain(ctx, filed, invoke):
    with ctx.ledger.write() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    report = integrity.check(ctx, repair=True)
    assert "audit" in report.summary and not report.ok
    problem = next(p for p in report.problems if p.kind == "audit")
    assert "event 2" in problem.detail and problem.path == str(ctx.home.ledger_path)
    result = invoke("check", code=1)
    assert "audit chain" in result.output


def test_missing_client_folder_and_section(ctx, filed, make_client):
    other = make_client("林小明")
    base = ctx.store.resolve(other.folder)
    (base / "05 投訴處理記錄").rmdir()
    report = integrity.check(ctx)
    assert kinds(report) == {"folder": 1}
    assert integrity.check(ctx, repair=True).ok


def test_folder_not_named_after_client(ctx, make_client):
    client = make_client("林小明")
    with ctx.ledger.write() as conn:
        conn.execute(
            text("UPDATE clients SET folder = 'L/L9999 別人' WHERE id = :i"), {"i": client.id}
        )
    report = integrity.check(ctx)
    assert "folder" in report.summary
    assert any("not named after client" in p.detail for p in report.problems)


def test_loose_permissions_are_reported_and_tightened(ctx, filed):
    _client, docs = filed
    os.chmod(docs[0].path, 0o644)
    report = integrity.check(ctx)
    assert kinds(report) == {"permissions": 1}
    assert integrity.check(ctx, repair=True).ok
    assert docs[0].path.stat().st_mode & 0o777 == 0o640


def test_store_is_owner_and_group_only(ctx, filed):
    root = ctx.store.root
    for dirpath, _dirnames, filenames in os.walk(root):
        for p in [Path(dirpath), *(Path(dirpath) / f for f in filenames)]:
            assert p.stat().st_mode & 0o007 == 0, f"{p} is readable by others"
    for dirpath, dirnames, _ in os.walk(root):
        for d in dirnames:
            assert (Path(dirpath) / d).stat().st_mode & 0o777 == 0o750


def test_check_one_client_only(ctx, filed, make_client, invoke):
    client, docs = filed
    other = make_client("林小明")
    put_document(ctx, other, "a.txt", b"a")
    docs[0].path.unlink()
    assert integrity.check(ctx, client_number=other.number).ok
    report = integrity.check(ctx, client_number=client.number)
    assert report.summary == {"missing": 1} and report.scope == client.number
    invoke("check", "--client", other.number)
    invoke("check", "--client", client.number, code=1)
    result = invoke("check", "--client", "Z9999", code=1)
    assert "no client" in result.output


def test_check_needs_a_role(ctx, filed, ctx_as, invoke):
    with pytest.raises(Forbidden):
        integrity.check(ctx_as("lin"))
    assert integrity.check(ctx_as("boss")).ok  # management may check
    with pytest.raises(Forbidden):
        integrity.check(ctx_as("boss"), repair=True)
    result = invoke("check", user="lin", code=1)
    assert "needs the role" in result.output


def test_check_is_recorded_in_the_audit_trail(ctx, filed):
    from archivist.core import audit

    integrity.check(ctx)
    with ctx.ledger.read() as conn:
        events = audit.query(conn, action="archive.check")
    assert events and events[-1].details["ok"] is True


def test_several_kinds_at_once_summary(ctx, filed, invoke):
    client, docs = filed
    docs[0].path.unlink()
    (ctx.store.resolve(client.folder) / "stray.txt").write_text("x")
    (ctx.store.resolve(client.folder) / "manifest.json").write_text("{}")
    result = invoke("check", code=1)
    last = result.output.strip().splitlines()
    assert any(line.startswith("PROBLEMS:") for line in last)
    assert "1 missing files" in result.output and "1 orphans" in result.output
    assert "1 manifest/register drift" in result.output
    data = invoke.json("check", code=1)
    assert data["summary"] == {"missing": 1, "derived": 1, "orphan": 1}
    assert all(p["path"].startswith("/") for p in data["problems"])


def test_unfinished_filing_is_moved_to_lost_and_found(ctx, filed, home_dir, invoke):
    client, _docs = filed
    # a filing killed between writing its file and committing its row leaves this behind
    left = ctx.store.resolve(client.folder) / "03 案件材料" / f"{client.number}-0009 起訴狀.txt"
    left.write_bytes(b"complete copy of the source")
    report = integrity.check(ctx)
    assert kinds(report) == {"unfinished": 1}
    assert report.problems[0].document == f"{client.number}-0009"
    out = invoke("check", "--repair").output
    assert "lost+found" in out
    assert not left.exists()
    moved = list((home_dir / "lost+found").rglob("*起訴狀.txt"))
    assert len(moved) == 1 and moved[0].read_bytes() == b"complete copy of the source"
    invoke("check")


def test_a_numbered_looking_file_of_another_client_stays_an_orphan(ctx, filed, make_client):
    client, _docs = filed
    left = ctx.store.resolve(client.folder) / "03 案件材料" / "L0001-0001 x.txt"
    left.write_bytes(b"x")
    assert kinds(integrity.check(ctx, repair=True)) == {"orphan": 1}
    assert left.exists()


def test_index_entry_removed_is_missing_and_repair_reindexes(ctx, filed, invoke):
    from archivist import search as index

    _client, docs = filed
    index.delete_documents(ctx, [docs[1].number])
    report = integrity.check(ctx)
    assert kinds(report) == {"index-missing": 1}
    assert report.problems[0].document == docs[1].number
    assert report.problems[0].path == str(ctx.home.index_dir)
    out = invoke("check", "--repair").output
    assert "re-indexed 1 documents" in out
    assert integrity.check(ctx).ok


def test_index_extra_entry_is_reported_and_removed(ctx, filed):
    from archivist import search as index

    _client, docs = filed
    ghost = docs[0].doc.model_copy(update={"number": "Z9999-0001"})
    index.add_documents(ctx, [(ghost, "ghost")])
    report = integrity.check(ctx)
    assert kinds(report) == {"index-extra": 1}
    assert integrity.check(ctx, repair=True).ok


def test_deleted_index_is_rebuilt_by_repair(ctx, filed, invoke):
    import shutil

    shutil.rmtree(ctx.home.index_dir)
    report = integrity.check(ctx)
    assert set(kinds(report)) == {"index-missing"}
    out = invoke("check", "--repair").output
    assert "index" in out
    assert integrity.check(ctx).ok


def test_filing_while_check_runs_is_not_an_orphan_or_drift(ctx, filed):
    """A document filed after check read the ledger is neither an orphan nor manifest drift."""
    client, _docs = filed
    checker = integrity._Checker(ctx, None, None)
    checker.load()
    put_document(ctx, client, "晚到.txt", b"late")
    checker.check_folders()
    checker.check_orphans()
    assert checker.problems == []


def test_check_reads_the_ledger_in_chunks_and_misses_nothing(ctx, make_client, monkeypatch):
    """check streams documents and clients a chunk at a time (flat memory at any size); with
    chunks of two rows, damage in a later chunk and another client's folder is still found."""
    monkeypatch.setattr(integrity, "LEDGER_CHUNK", 2)
    monkeypatch.setattr(integrity, "LOOKUP_CHUNK", 2)
    first, second, third = (make_client(n) for n in ("陳大文", "李小明", "Acme & Sons"))
    docs = [
        put_document(ctx, c, f"文件{i}.txt", f"{c.number} 第{i}號".encode())
        for c in (first, second, third)
        for i in range(3)
    ]
    assert integrity.check(ctx).ok
    docs[7].path.unlink()  # the fourth chunk
    stray = docs[8].path.parent / "來歷不明.txt"  # last client's folder
    stray.write_text("?", encoding="utf-8")
    report = integrity.check(ctx)
    assert report.counts["documents"] == 9 and report.counts["clients"] == 3
    assert kinds(report) == {"missing": 1, "orphan": 1}
    found = {p.kind: p for p in report.problems}
    assert found["missing"].document == docs[7].number
    assert found["orphan"].path == str(stray) and found["orphan"].client == third.number
    one = integrity.check(ctx, client_number=first.number)
    assert one.ok and one.counts["documents"] == 3
