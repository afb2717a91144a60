"""The client registry: numbering by name, folders, manifests, edits, failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.clients import registry
from archivist.core.errors import Conflict, InvalidInput, StorageError
from archivist.core.numbering import class_letter
from archivist.models import SECTION_FOLDERS, ClientInput
from tests.conftest import Invoker


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("陳大文", "C"),
        ("歐陽志遠", "O"),
        ("陈大文", "C"),
        ("Acme Trading Ltd", "A"),
        ("ＡＢＣ有限公司", "A"),
        ("123 Holdings", "H"),
        ("Émile Zola", "E"),
        ("김철수", "#"),
        ("!!!", "#"),
    ],
)
def test_class_letter_from_romanisation(name: str, cls: str) -> None:
    assert class_letter(name) == cls


def test_add_prints_number_and_folder_with_five_sections(invoke: Invoker, home_dir: Path) -> None:
    data = invoke.json(
        "client",
        "add",
        "--name",
        "陳大文",
        "--kind",
        "person",
        "--id-number",
        "a123456789",
        "--phone",
        "0912-345-678",
    )
    assert data["number"] == "C0001"
    folder = Path(data["folder"])
    assert folder == home_dir / "archive_store" / "C" / "C0001 陳大文"
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == sorted(
        SECTION_FOLDERS.values()
    )
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["client"]["number"] == "C0001"
    assert data["id_number"] == "A123456789"
    second = invoke.json("client", "add", "--name", "歐陽志遠", "--kind", "person")
    third = invoke.json("client", "add", "--name", "陳氏貿易有限公司", "--kind", "company")
    assert (second["number"], third["number"]) == ("O0001", "C0002")
    text = invoke("client", "add", "--name", "Acme Ltd", "--kind", "company").output
    assert text.startswith("A0001  Acme Ltd")


def test_store_permissions_owner_and_group_only(make_client, ctx) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    folder = ctx.store.resolve(client.folder)
    assert folder.stat().st_mode & 0o007 == 0
    assert (folder / "manifest.json").stat().st_mode & 0o007 == 0


def test_duplicate_id_number_is_refused_and_consumes_no_number(invoke: Invoker) -> None:
    invoke("client", "add", "--name", "陳大文", "--kind", "person", "--id-number", "A1")
    out = invoke(
        "client", "add", "--name", "陳小明", "--kind", "person", "--id-number", " a1 ", code=1
    ).output
    assert "already registered to client C0001" in out
    assert invoke.json("client", "add", "--name", "陳小明", "--kind", "person")["number"] == "C0002"


def test_similar_name_is_allowed_but_warned(invoke: Invoker) -> None:
    invoke("client", "add", "--name", "陳大文", "--kind", "person")
    result = invoke("client", "add", "--name", "陈　大文", "--kind", "person")
    assert "very similar name exists: C0001 陳大文" in result.stderr


def test_bad_input_one_line_errors(invoke: Invoker) -> None:
    for args, expect in [
        (["--name", "  ", "--kind", "person"], "name is empty"),
        (["--name", "X", "--kind", "person", "--email", "not-an-email"], "e-mail"),
        (["--name", "X", "--kind", "person", "--id-number", "<script>"], "identity number"),
        (["--name", "X", "--kind", "alien"], "Invalid value for '--kind'"),
    ]:
        result = invoke("client", "add", *args, ok=False)
        assert expect in result.output
        assert result.output.strip().count("\n") <= 3
    assert invoke.json("client", "list") == []


def test_wrong_role_is_refused(invoke: Invoker) -> None:
    out = invoke("client", "add", "--name", "X", "--kind", "person", user="lin", code=1).output
    assert "may not register clients" in out and "'archivist' or 'head'" in out


def test_failed_add_leaves_nothing_behind(ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def boom(folder: str, manifest: dict) -> None:
        raise StorageError("the disk is full while writing manifest")

    monkeypatch.setattr(ctx.store, "write_manifest", boom)
    with pytest.raises(StorageError):
        registry.add(ctx, ClientInput(name="陳大文", kind="person"))
    monkeypatch.undo()
    assert list((ctx.home.store_dir).glob("C/*")) == []
    with ctx.ledger.read() as conn:
        assert conn.exec_driver_sql("select count(*) from clients").scalar() == 0
    # the number was not consumed
    assert registry.add(ctx, ClientInput(name="陳大文", kind="person")).client.number == "C0001"


def test_interrupted_add_skeleton_is_reused(ctx) -> None:  # type: ignore[no-untyped-def]
    ctx.store.create_client_folder("C/C0001 陳大文")  # as if killed before commit
    added = registry.add(ctx, ClientInput(name="陳大文", kind="person"))
    assert added.client.folder == "C/C0001 陳大文"


def test_list_query_show_and_edit(invoke: Invoker, home_dir: Path) -> None:
    invoke("client", "add", "--name", "陳大文", "--kind", "person")
    invoke("client", "add", "--name", "Acme Ltd", "--kind", "company")
    assert [c["number"] for c in invoke.json("client", "list", "--query", "陈大")] == ["C0001"]
    assert [c["number"] for c in invoke.json("client", "list", "--query", "acme")] == ["A0001"]
    invoke("client", "edit", "C0001", "--name", "陳大武", "--phone", "02-1234")
    shown = invoke.json("client", "show", "c0001")
    assert shown["name"] == "陳大武" and shown["phone"] == "02-1234"
    assert shown["folder_path"].endswith("C0001 陳大文")  # the folder keeps its name
    manifest = json.loads(Path(shown["folder_path"], "manifest.json").read_text("utf-8"))
    assert manifest["client"]["name"] == "陳大武"
    edits = invoke.json("audit", "log", "--client", "C0001", "--action", "client.edit")
    assert edits[0]["details"]["changes"]["name"] == {"old": "陳大文", "new": "陳大武"}
    reads = invoke.json("audit", "log", "--client", "C0001", "--action", "client.read")
    assert reads and reads[0]["actor"] == "mei"
    assert "nothing to change" in invoke("client", "edit", "C0001", code=1).output
    assert "no client" in invoke("client", "show", "Z9999", code=1).output


def test_lawyer_sees_only_clients_of_own_matters(invoke: Invoker, make_client, make_matter) -> None:  # type: ignore[no-untyped-def]
    mine = make_client("陳大文")
    make_client("李四")
    make_matter(mine, lawyers=["lin"])
    assert [c["number"] for c in invoke.json("client", "list", user="lin")] == ["C0001"]
    assert invoke.json("client", "list", user="zhao") == []
    out = invoke("client", "show", "L0001", user="lin", code=1).output
    assert "may read" in out
    # the same answer as for a client that does not exist: nothing is hinted at
    assert "may read" in invoke("client", "show", "L0999", user="lin", code=1).output


def test_ten_processes_adding_clients_get_distinct_numbers(home_dir: Path) -> None:
    env = {**os.environ, "ARCHIVIST_HOME": str(home_dir), "ARCHIVIST_USER": "mei"}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "archivist",
                "client",
                "add",
                "--name",
                f"陳{i}號",
                "--kind",
                "person",
                "--json",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(10)
    ]
    numbers = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        numbers.append(json.loads(out)["number"])
    assert sorted(numbers) == [f"C{i:04d}" for i in range(1, 11)]
    folders = list((home_dir / "archive_store" / "C").iterdir())
    assert len(folders) == 10


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(min_size=1, max_size=300))
def test_any_name_stays_inside_the_store(ctx, name: str) -> None:  # type: ignore[no-untyped-def]
    try:
        added = registry.add(ctx, ClientInput(name=name, kind="person"))
    except (InvalidInput, Conflict):
        return
    folder = Path(added.folder_path).resolve()
    store = ctx.home.store_dir.resolve()
    assert store in folder.parents
    assert folder.parent.parent == store  # exactly <class>/<number name>
    assert len(folder.name.encode("utf-8")) <= 255
    with ctx.ledger.read() as conn:
        assert registry.get(conn, added.client.number).name == registry.clean_name(name)
