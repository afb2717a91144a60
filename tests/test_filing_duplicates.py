"""Issue 15 §4: a file whose SHA-256 the client already has is refused (or, for an import,
skipped) with the existing number unless `--again`; the decision is made inside the write
transaction, so two concurrent imports of one folder file each file once; `check` reports
duplicates filed before this rule."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from archivist.core.errors import AlreadyFiled
from archivist.filing import importer as filing_import
from archivist.filing import service as filing
from archivist.ledger.tables.documents import documents


def test_file_add_of_an_identical_file_is_refused_unless_again(
    invoke: Any, tmp_path: Path, make_client: Any
) -> None:
    client = make_client()
    first = tmp_path / "合同.txt"
    first.write_text("同一份合同", "utf-8")
    copy = tmp_path / "合同 copy.txt"
    copy.write_bytes(first.read_bytes())
    invoke("file", "add", client.number, str(first), "--section", "contract")
    refused = invoke("file", "add", client.number, str(copy), "--section", "contract", code=1)
    assert f"already filed as {client.number}-0001" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    listed = invoke.json("file", "list", client.number)
    assert len(listed) == 1
    again = invoke.json("file", "add", client.number, str(copy), "--section", "contract", "--again")
    assert again["number"] == f"{client.number}-0002" and again["copy_of"] is not None
    assert "OK" in invoke("check").output  # a deliberate copy is no finding


def test_file_add_refuses_before_filing_anything(
    invoke: Any, tmp_path: Path, make_client: Any
) -> None:
    client = make_client()
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("甲", "utf-8")
    b.write_text("甲", "utf-8")
    out = invoke("file", "add", client.number, str(a), str(b), "--section", "case", code=1)
    assert "the same file" in out.output
    assert invoke.json("file", "list", client.number) == []


def test_the_decision_is_made_in_the_write_transaction(
    ctx: Any, tmp_path: Path, make_client: Any
) -> None:
    """The early (read-only) check is passed over: the transaction still refuses, and leaves
    no file behind in the store."""
    client = make_client()
    src = tmp_path / "x.txt"
    src.write_text("內容", "utf-8")
    filing.file_path(ctx, client.number, src, "case")
    before = sorted(ctx.store.iter_files())
    with pytest.raises(AlreadyFiled) as err:
        filing.file_path(ctx, client.number, src, "case")  # no pre-check on this path
    assert err.value.document == f"{client.number}-0001"
    assert sorted(ctx.store.iter_files()) == before
    other = make_client("李四")
    assert filing.file_path(ctx, other.number, src, "case").number  # another client may


def test_import_again_files_second_copies(ctx: Any, tmp_path: Path, make_client: Any) -> None:
    client = make_client()
    root = tmp_path / "in"
    root.mkdir()
    for i in range(3):
        (root / f"{i}.txt").write_text(f"文件{i}", "utf-8")
    assert filing_import.import_tree(ctx, root, client=client.number, section="case").filed == 3
    assert filing_import.import_tree(ctx, root, client=client.number, section="case").skipped == 3
    again = filing_import.import_tree(ctx, root, client=client.number, section="case", again=True)
    assert again.filed == 3
    assert all(d.copy_of for d in filing.list_documents(ctx, client.number)[3:])


def _import(home: Path, root: Path, client: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ARCHIVIST_HOME": str(home), "ARCHIVIST_USER": "mei"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archivist",
            "file",
            "import",
            str(root),
            "--client",
            client,
            "--section",
            "case",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize(
    "files", [pytest.param(30, id="fast"), pytest.param(150, id="long", marks=pytest.mark.slow)]
)
def test_two_concurrent_imports_file_each_file_once(
    home_dir: Path, ctx: Any, tmp_path: Path, make_client: Any, files: int
) -> None:
    client = make_client()
    root = tmp_path / "scans"
    root.mkdir()
    for i in range(files):
        (root / f"{i:03d}.txt").write_text(f"掃描件 {i} " * 20, "utf-8")
    procs = [_import(home_dir, root, client.number) for _ in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
        assert b"Traceback" not in err
    docs = filing.list_documents(ctx, client.number)
    assert len(docs) == files
    assert len({d.checksum for d in docs}) == files


def test_check_reports_duplicates_filed_before(
    invoke: Any, ctx: Any, tmp_path: Path, make_client: Any
) -> None:
    client = make_client()
    src = tmp_path / "x.txt"
    src.write_text("內容", "utf-8")
    filing.file_path(ctx, client.number, src, "case")
    second = filing.file_path(ctx, client.number, src, "case", again=True)
    with ctx.ledger.write() as conn:  # as an older archivist (or a race) left it
        conn.execute(update(documents).where(documents.c.id == second.id).values(copy_of=None))
    report = invoke.json("check", ok=False)
    [dup] = [p for p in report["problems"] if p["kind"] == "duplicate"]
    assert dup["document"] == second.number and f"{client.number}-0001" in dup["detail"]
