"""Filing: numbering, atomic copies, checksums, audit, manifest, flags, access, import."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from archivist.core import audit
from archivist.core.errors import Forbidden, InvalidInput, NotFound
from archivist.filing import service as filing
from tests.test_extract import make_docx, p, pdf_with_text


def _events(ctx: Any, action: str) -> list[Any]:
    with ctx.ledger.read() as conn:
        return audit.query(conn, action=action)


def test_file_bytes_records_everything(ctx: Any, make_client: Any, make_matter: Any) -> None:
    client = make_client()
    matter = make_matter(client)
    data = make_docx(p("本合約規定違約責任"))
    doc = filing.file_bytes(
        ctx,
        client.number,
        "contract",
        data,
        "服務合約.docx",
        matter_number=matter,
        template="service",
        template_version="3",
        template_data={"fee": 1000},
    )
    assert doc.number == f"{client.number}-0001"
    assert doc.checksum == hashlib.sha256(data).hexdigest() and doc.checksum_algo == "sha256"
    assert doc.size == len(data) and doc.filetype == "docx" and doc.flag is None
    assert doc.matter_number == matter and doc.template_data == {"fee": 1000}
    assert doc.filed_by == "mei" and doc.title == "服務合約" and doc.indexed
    stored = ctx.store.resolve(doc.path)
    assert stored.read_bytes() == data
    assert "02 法律服務合同" in doc.path and stored.name.startswith(doc.number)
    manifest = ctx.store.read_manifest(client.folder)
    assert [d["number"] for d in manifest["documents"]] == [doc.number]
    ev = _events(ctx, "document.file")[-1]
    assert ev.object_id == doc.number and ev.details["checksum"] == doc.checksum
    doc2 = filing.file_bytes(ctx, client.number, "contract", data, "服務合約.docx")
    assert doc2.number == f"{client.number}-0002" and doc2.path != doc.path


def test_never_overwrites_an_existing_file(ctx: Any, make_client: Any) -> None:
    client = make_client()
    folder = ctx.store.section_dir(client.folder, "case")
    squatter = folder / f"{client.number}-0001 a.txt"
    squatter.write_bytes(b"already here")
    doc = filing.file_bytes(ctx, client.number, "case", b"new", "a.txt")
    assert squatter.read_bytes() == b"already here"
    assert ctx.store.resolve(doc.path).read_bytes() == b"new"


def test_index_failure_does_not_lose_the_document(
    ctx: Any, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archivist import search as index

    client = make_client()

    def broken(*a: Any, **k: Any) -> None:
        raise OSError("disk trouble")

    monkeypatch.setattr(index, "add_documents", broken)
    doc = filing.file_bytes(ctx, client.number, "case", "違約".encode(), "a.txt")
    assert doc.indexed is False and "index rebuild" in doc.warnings[0]
    monkeypatch.undo()
    with ctx.ledger.read() as conn:
        assert filing.get(conn, doc.number).checksum == doc.checksum
    assert index.status(ctx).missing == [doc.number]
    assert index.reindex_documents(ctx, [doc.number]) == 1
    assert index.status(ctx).missing == []


def test_rejects_bad_input(ctx: Any, make_client: Any, make_matter: Any) -> None:
    a, b = make_client("甲公司", "company"), make_client("乙公司", "company")
    m = make_matter(b)
    with pytest.raises(InvalidInput, match="belongs to client"):
        filing.file_bytes(ctx, a.number, "case", b"x", "x.txt", matter_number=m)
    with pytest.raises(InvalidInput, match="section"):
        filing.file_bytes(ctx, a.number, "nowhere", b"x", "x.txt")
    with pytest.raises(NotFound):
        filing.file_bytes(ctx, "Z9999", "case", b"x", "x.txt")
    # nothing half-filed: no stray files, no numbers consumed
    assert not [f for f in ctx.store.iter_files(a.folder) if f.name != "manifest.json"]


def test_who_may_file(ctx_as: Any, make_client: Any, make_matter: Any) -> None:
    client = make_client()
    make_matter(client, lawyers=["lin"])
    with pytest.raises(Forbidden):
        filing.file_bytes(ctx_as("wu"), client.number, "work", b"x", "x.txt")
    with pytest.raises(Forbidden):
        filing.file_bytes(ctx_as("zhao"), client.number, "work", b"x", "x.txt")
    assert filing.file_bytes(ctx_as("lin"), client.number, "work", b"x", "x.txt").number


def _hostile_files(tmp_path: Path) -> dict[str, Path]:
    data = {
        "empty.txt": b"",
        "scan.pdf": pdf_with_text(None),
        "locked.pdf": pdf_with_text("secret", encrypt="pw"),
        "cut.docx": make_docx(p("hello"))[:200],
        "garbage.pdf": b"%PDF-1.4\n" + b"\x00" * 500,
        "drawing.dwg": b"\x00\x01\x02",
        "bomb.docx": make_docx(p("x"), pad=3_000_000),
        "giant.txt": ("違約" * 300_000).encode(),
    }
    out = {}
    for name, content in data.items():
        (tmp_path / name).write_bytes(content)
        out[name] = tmp_path / name
    return out


def test_hostile_files_are_filed_and_flagged(
    invoke: Any, home_dir: Path, tmp_path: Path, make_client: Any
) -> None:
    cfg = home_dir / "archivist.toml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("max_extract_chars = 5000000", "max_extract_chars = 100000")
    text = text.replace("max_inflated_mb = 200", "max_inflated_mb = 1")
    cfg.write_text(text, encoding="utf-8")
    client = make_client()
    files = _hostile_files(tmp_path)
    out = invoke.json("file", "add", client.number, *map(str, files.values()), "--section", "case")
    flags = {d["original_name"]: d["flag"] for d in out}
    assert flags["empty.txt"] == "empty"
    assert flags["scan.pdf"] == "no_text"
    assert flags["locked.pdf"] == "encrypted"
    assert flags["cut.docx"] == "truncated"
    assert flags["garbage.pdf"] in ("corrupt", "truncated")
    assert flags["drawing.dwg"] == "unknown_type"
    assert flags["bomb.docx"] == "zip_bomb"
    assert flags["giant.txt"] == "too_large"
    listed = invoke.json("file", "list", "--flagged")
    assert {d["original_name"] for d in listed} == set(files)
    human = invoke("file", "list", "--flagged").output
    assert "encrypted" in human and "zip_bomb" in human
    locked = next(d["number"] for d in out if d["original_name"] == "locked.pdf")
    res = invoke("file", "extract", locked, "--password", "pw")
    assert "text extracted" in res.output
    assert invoke.json("search", "secret")["hits"][0]["document"] == locked
    # the unlocked text survives a rebuild (the password is not needed again)
    invoke("index", "rebuild")
    assert invoke.json("search", "secret")["hits"][0]["document"] == locked


def test_cli_add_show_list_export(
    invoke: Any, tmp_path: Path, make_client: Any, make_matter: Any
) -> None:
    client = make_client()
    matter = make_matter(client)
    src = tmp_path / "委託書.txt"
    src.write_bytes("委託律師處理訴訟".encode("big5"))
    before = src.read_bytes()
    doc = invoke.json(
        "file",
        "add",
        client.number,
        str(src),
        "--section",
        "case",
        "--matter",
        matter,
        "--title",
        "委託書",
    )
    assert doc["number"] == f"{client.number}-0001" and doc["encoding"] == "big5"
    assert src.read_bytes() == before
    shown = invoke.json("file", "show", doc["number"])
    assert shown["checksum"] == hashlib.sha256(before).hexdigest()
    assert "ok" in invoke("file", "show", doc["number"]).output
    rows = invoke.json("file", "list", client.number, "--section", "case")
    assert [r["number"] for r in rows] == [doc["number"]]
    assert invoke.json("file", "list", client.number, "--section", "basic") == []
    out = tmp_path / "out"
    out.mkdir()
    exported = invoke.json("file", "export", doc["number"], "--to", str(out))
    assert Path(exported["path"]).read_bytes() == before
    res = invoke("file", "export", doc["number"], "--to", str(out), code=1)
    assert "already exists" in res.output
    res = invoke(
        "file", "add", client.number, str(tmp_path / "nope.txt"), "--section", "case", code=1
    )
    assert "no file" in res.output
    invoke("file", "add", client.number, str(src), code=2)  # --section is required


def test_lawyer_access_to_documents(
    invoke: Any, ctx: Any, make_client: Any, make_matter: Any, tmp_path: Path
) -> None:
    mine, other = make_client("陳大文"), make_client("李小龍")
    make_matter(mine, lawyers=["lin"])
    d1 = filing.file_bytes(ctx, mine.number, "case", b"a", "a.txt")
    d2 = filing.file_bytes(ctx, other.number, "case", b"b", "b.txt")
    assert [d["number"] for d in invoke.json("file", "list", mine.number, user="lin")] == [
        d1.number
    ]
    res = invoke("file", "list", other.number, user="lin", code=1)
    assert "may read" in res.output
    invoke("file", "show", d2.number, user="lin", code=1)
    invoke("file", "export", d2.number, "--to", str(tmp_path / "x.txt"), user="lin", code=1)
    assert not (tmp_path / "x.txt").exists()
    invoke("file", "export", d1.number, "--to", str(tmp_path / "y.txt"), user="lin")
    ev = _events(ctx, "document.export")
    assert [(e.actor, e.object_id) for e in ev] == [("lin", d1.number)]


# ------------------------------------------------------------------ import
def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "sub").mkdir(parents=True)
    for i in range(12):
        (root / f"doc{i:02d}.txt").write_text(f"第{i}號文件 違約金 document{i}", "utf-8")
    (root / "sub" / "scan.pdf").write_bytes(pdf_with_text(None))
    (root / "sub" / "dup.txt").write_text("第0號文件 違約金 document0", "utf-8")  # same as doc00
    (root / ".DS_Store").write_bytes(b"litter")
    return root


def test_import_dry_run_then_idempotent(invoke: Any, tmp_path: Path, make_client: Any) -> None:
    client = make_client()
    root = _tree(tmp_path)
    dry = invoke.json(
        "file", "import", str(root), "--client", client.number, "--section", "case", "--dry-run"
    )
    assert dry["dry_run"] and dry["filed"] == 13 and dry["skipped"] == 1
    assert invoke.json("file", "list", client.number) == []
    first = invoke.json("file", "import", str(root), "--client", client.number, "--section", "case")
    assert (first["filed"], first["skipped"], first["flagged"], first["failed"]) == (13, 1, 1, 0)
    # --json reports every file as it was decided (spooled, not held in memory)
    outcomes = [(i["path"], i["outcome"]) for i in first["items"]]
    assert len(outcomes) == 14 and outcomes[0] == ("doc00.txt", "filed")
    assert ("sub/dup.txt", "skipped") in outcomes and ("sub/scan.pdf", "flagged") in outcomes
    assert sorted(i["path"] for i in dry["items"]) == sorted(p for p, _ in outcomes)
    again = invoke("file", "import", str(root), "--client", client.number, "--section", "case")
    assert "filed 0, skipped 14" in again.output
    assert len(invoke.json("file", "list", client.number)) == 13
    assert len(invoke.json("search", "违约金", "--limit", "100")["hits"]) == 12


def _stored_files(ctx: Any) -> list[Path]:
    """Every stored document file (named "<number> <original name>") in the store."""
    import re

    return [
        f.resolve()
        for f in ctx.store.root.rglob("*")
        if f.is_file() and re.match(r"C\d+-\d+ ", f.name)
    ]


def test_import_resumes_after_interruption(
    ctx: Any, make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are filed a batch per ledger transaction: an interruption in the middle of a batch
    leaves the batches before it filed (and indexed on the way out) and nothing of its own, not
    even a stored file; the next run files the rest."""
    from archivist import search as index
    from archivist.filing import importer as filing_import

    client = make_client()
    root = _tree(tmp_path)
    real = filing._insert
    calls = {"n": 0}

    def flaky(*a: Any, **k: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(filing_import, "FILE_BATCH", 2)
    monkeypatch.setattr(filing, "_insert", flaky)
    with pytest.raises(KeyboardInterrupt):
        filing_import.import_tree(ctx, root, client=client.number, section="case")
    monkeypatch.undo()
    filed = filing.list_documents(ctx, client.number)
    assert len(filed) == 4
    assert sorted(ctx.store.resolve(d.path) for d in filed) == sorted(_stored_files(ctx))
    assert index.status(ctx).missing == []  # what was filed got indexed on the way out
    summary = filing_import.import_tree(ctx, root, client=client.number, section="case")
    assert summary.filed == 9 and summary.skipped == 5
    assert len(filing.list_documents(ctx, client.number)) == 13
    st = index.status(ctx)
    assert (st.missing, st.extra, st.documents) == ([], [], 13)


def test_a_file_refused_inside_a_batch_leaves_nothing_and_the_chain_whole(
    ctx: Any, make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that fails after its audit event was appended (inside the batch's transaction)
    is taken back whole: no row, no stored file, no audit event, and the audit witness does
    not name the event taken back (`audit verify` and `check` find nothing amiss)."""
    from archivist.filing import importer as filing_import
    from archivist.integrity.chain import verify_trail

    client = make_client()
    root = tmp_path / "batch"
    root.mkdir()
    for i in range(3):  # the last of the batch fails: nothing after it moves the chain on
        (root / f"f{i}.txt").write_text(f"文件 {i} word{i}", "utf-8")
    real = filing.by_id
    calls = {"n": 0}

    def fails_third(conn: Any, document_id: int) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise InvalidInput("refused after its audit event")
        return real(conn, document_id)

    monkeypatch.setattr(filing, "by_id", fails_third)
    summary = filing_import.import_tree(ctx, root, client=client.number, section="case")
    monkeypatch.undo()
    assert (summary.filed, summary.failed) == (2, 1)
    [failed] = [i for i in summary.items if i.outcome == "failed"]
    assert failed.path == "f2.txt" and "refused after its audit event" in (failed.reason or "")
    docs = filing.list_documents(ctx, client.number)
    assert sorted(d.original_name for d in docs) == ["f0.txt", "f1.txt"]
    assert sorted(ctx.store.resolve(d.path) for d in docs) == sorted(_stored_files(ctx))
    assert len(_events(ctx, "document.file")) == 2
    count, problem, _info = verify_trail(ctx)
    assert problem is None and count > 2


def test_a_crash_between_the_ledger_and_the_index_commit_is_found_and_repaired(
    ctx: Any, make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger is the truth: documents whose batch committed but whose index commit never
    happened are reported missing from the index and come back with `index rebuild`."""
    from archivist import search as index
    from archivist.filing import importer as filing_import

    client = make_client()
    root = tmp_path / "crash"
    root.mkdir()
    for i in range(5):
        (root / f"c{i}.txt").write_text(f"違約金 crash{i}", "utf-8")

    def killed(*a: Any, **k: Any) -> None:
        raise KeyboardInterrupt  # the process dies before the index commit

    monkeypatch.setattr(filing_import, "_flush", killed)
    with pytest.raises(KeyboardInterrupt):
        filing_import.import_tree(ctx, root, client=client.number, section="case")
    monkeypatch.undo()
    numbers = sorted(d.number for d in filing.list_documents(ctx, client.number))
    assert len(numbers) == 5
    assert sorted(index.status(ctx).missing) == numbers
    index.rebuild(ctx)
    assert index.status(ctx).missing == []
    assert index.search(ctx, "crash3").total == 1


def test_import_with_map(invoke: Any, tmp_path: Path, make_client: Any, make_matter: Any) -> None:
    a, b = make_client("陳大文"), make_client("李小龍")
    m = make_matter(b)
    root = tmp_path / "m"
    root.mkdir()
    (root / "x.txt").write_text("甲", "utf-8")
    (root / "y.txt").write_text("乙", "utf-8")
    csv = tmp_path / "map.csv"
    csv.write_text(
        "path,client,section,matter,title\n"
        f"x.txt,{a.number},basic,,身份證\n"
        f"y.txt,{b.number},case,{m},起訴狀\n"
        f"z.txt,{b.number},case,,\n"
        f"x.txt,Z9999,case,,\n"
        "../../etc/passwd,{a.number},case,,\n",
        "utf-8",
    )
    out = invoke.json("file", "import", str(root), "--map", str(csv))
    assert (out["filed"], out["failed"]) == (2, 3)
    reasons = " ".join(i["reason"] or "" for i in out["items"])
    assert "does not exist" in reasons and "no client" in reasons and "outside" in reasons
    docs = invoke.json("file", "list", b.number)
    assert docs[0]["title"] == "起訴狀" and docs[0]["matter_number"] == m
    assert invoke.json("file", "list", a.number)[0]["section"] == "basic"


def test_import_needs_a_destination(invoke: Any, tmp_path: Path) -> None:
    res = invoke("file", "import", str(tmp_path), code=1)
    assert "--client" in res.output


def test_manifest_lists_filed_documents(ctx: Any, make_client: Any) -> None:
    client = make_client()
    doc = filing.file_bytes(ctx, client.number, "basic", b"id", "id.txt")
    manifest = json.loads((ctx.store.resolve(client.folder) / "manifest.json").read_text())
    assert manifest["documents"][0]["checksum"] == doc.checksum


def _killer(path: str, name: str, limits: Any, password: Any) -> Any:
    import os

    from archivist.filing.extract import extract_file

    if "die" in name:
        os._exit(1)  # a worker dying (out of memory, a crash in a C library)
    return extract_file(Path(path), name, limits, password)


def test_import_survives_a_dying_worker(
    ctx: Any, make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archivist.filing import importer as filing_import
    from archivist.filing.extract import parallel

    if parallel.workers() < 2:
        pytest.skip("needs two cores for a process pool")
    client = make_client()
    root = tmp_path / "d"
    root.mkdir()
    for i in range(10):
        (root / f"ok{i}.txt").write_text(f"文件 ok{i}", "utf-8")
    (root / "die.txt").write_text("killer", "utf-8")
    monkeypatch.setattr(parallel, "_work", _killer)
    summary = filing_import.import_tree(ctx, root, client=client.number, section="case")
    flagged = {i.path: i.reason for i in summary.items if i.outcome == "flagged"}
    assert list(flagged) == ["die.txt"] and "crashed" in flagged["die.txt"]
    assert summary.filed == 11 and summary.failed == 0


def test_import_streams_its_report_and_skips_copies_filed_moments_before(
    ctx: Any, tmp_path: Path, make_client: Any
) -> None:
    """Files are checked, filed and reported one at a time: copies of one file next to each other
    (extracted ahead together) are filed once, and a report without the filed items keeps
    only what needs a look, with the counts of everything."""
    from archivist.filing import importer as filing_import

    client = make_client()
    root = tmp_path / "adjacent"
    root.mkdir()
    for i in range(10):
        (root / f"a{i:02d}.txt").write_text(f"文件 {i}", "utf-8")
    (root / "a03 copy.txt").write_text("文件 3", "utf-8")  # walked right before a03.txt
    summary = filing_import.import_tree(
        ctx, root, client=client.number, section="case", keep_filed=False
    )
    assert (summary.filed, summary.skipped, summary.failed) == (10, 1, 0)
    [skipped] = summary.items
    first = next(
        d for d in filing.list_documents(ctx, client.number) if d.original_name == "a03 copy.txt"
    )
    assert skipped.path == "a03.txt" and skipped.document == first.number
    assert len(filing.list_documents(ctx, client.number)) == 10
    dry = filing_import.import_tree(ctx, root, client=client.number, section="case", dry_run=True)
    assert (dry.filed, dry.skipped) == (0, 11)
