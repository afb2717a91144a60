"""`adopt`: an orphan in the store is filed under a proper number and nothing is lost."""

from __future__ import annotations

import pytest

from archivist.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from archivist.integrity import checker as integrity


@pytest.fixture
def client(make_client):
    return make_client("陳大文")


def test_adopt_files_the_orphan_and_check_is_clean(ctx, client):
    folder = ctx.store.resolve(client.folder)
    orphan = folder / "03 案件材料" / "掃描件.txt"
    orphan.write_text("判決書掃描", encoding="utf-8")
    assert integrity.check(ctx).summary == {"orphan": 1}
    doc = integrity.adopt(ctx, orphan, client.number, "case")
    assert doc.number.startswith(client.number) and doc.source == "adopted"
    filed = ctx.store.resolve(doc.path)
    assert filed.read_text(encoding="utf-8") == "判決書掃描"
    assert not orphan.exists()
    report = integrity.check(ctx)
    assert report.ok, report.problems


def test_adopt_moves_an_orphan_from_the_wrong_place(ctx, client, make_client):
    stray = ctx.store.root / "loose.txt"
    stray.write_bytes(b"loose")
    doc = integrity.adopt(ctx, "loose.txt", client.number, "basic")  # relative to the store
    assert doc.path.startswith(client.folder + "/01 基本信息/")
    assert not stray.exists() and integrity.check(ctx).ok


def test_adopt_refuses_what_is_not_an_orphan(ctx, client, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    with pytest.raises(InvalidInput, match="not inside the archive store"):
        integrity.adopt(ctx, outside, client.number, "case")
    folder = ctx.store.resolve(client.folder)
    with pytest.raises(InvalidInput, match="derived"):
        integrity.adopt(ctx, folder / "manifest.json", client.number, "case")
    with pytest.raises(InvalidInput):
        integrity.adopt(ctx, ctx.home.ledger_path, client.number, "case")
    with pytest.raises(NotFound):
        integrity.adopt(ctx, folder / "nope.txt", client.number, "case")
    with pytest.raises(InvalidInput):
        integrity.adopt(ctx, "../../etc/passwd", client.number, "case")
    (folder / ".DS_Store").write_bytes(b"x")
    with pytest.raises(InvalidInput):
        integrity.adopt(ctx, folder / ".DS_Store", client.number, "case")
    orphan = folder / "x.txt"
    orphan.write_text("x")
    doc = integrity.adopt(ctx, orphan, client.number, "case")
    with pytest.raises((Conflict, NotFound)):
        integrity.adopt(ctx, ctx.store.resolve(doc.path), client.number, "case")
    other = folder / "y.txt"
    other.write_text("y")
    with pytest.raises(InvalidInput):
        integrity.adopt(ctx, other, client.number, "nosuchsection")
    assert other.exists()


def test_adopt_needs_archivist(ctx_as, ctx, client):
    orphan = ctx.store.resolve(client.folder) / "x.txt"
    orphan.write_text("x")
    with pytest.raises(Forbidden):
        integrity.adopt(ctx_as("lin"), orphan, client.number, "case")
    assert orphan.exists()


def test_adopt_keeps_the_orphan_when_filing_fails(ctx, client, monkeypatch):
    from archivist.core.errors import StorageError
    from archivist.core.store import Store

    orphan = ctx.store.resolve(client.folder) / "keep.txt"
    orphan.write_text("keep me")

    def full(*a, **k):
        raise StorageError("the disk is full while writing x", "Free space and retry.")

    monkeypatch.setattr(Store, "write_stream", full)
    with pytest.raises(StorageError):
        integrity.adopt(ctx, orphan, client.number, "case")
    assert orphan.read_text() == "keep me"


def test_cli_file_adopt(ctx, client, invoke):
    orphan = ctx.store.resolve(client.folder) / "03 案件材料" / "掃描件.txt"
    orphan.write_text("掃描", encoding="utf-8")
    invoke("check", code=1)
    data = invoke.json("file", "adopt", str(orphan), "--client", client.number, "--section", "case")
    assert data["number"].startswith(client.number) and data["source"] == "adopted"
    invoke("check")
    out = invoke(
        "file", "adopt", str(orphan), "--client", client.number, "--section", "case", code=1
    ).output
    assert out.startswith("Error:") and "no file" in out
