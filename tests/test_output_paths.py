"""Issue 15 §1.4: no command writes a user-chosen output path inside the home's own data
(store, ledger, index, settings, templates), with or without --force."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from archivist.complaints import service as complaints
from archivist.core import clock
from archivist.filing import service as filing
from archivist.loans import service as loans


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"


@pytest.fixture
def world(ctx: Any, ctx_as: Any, make_client: Any, home_dir: Path) -> dict[str, Any]:
    clock.set_now("2026-03-02T09:00:00")
    client = make_client()
    doc = filing.file_bytes(
        ctx, client.number, "basic", "身份證明".encode(), "id.txt", source="filed"
    )
    loan = loans.request(ctx_as("lin"), client.number, purpose="x").loan.number
    complaint = complaints.file(ctx, client.number, "phone", "態度不好").number
    (home_dir / "templates").mkdir(exist_ok=True)
    return {"client": client.number, "doc": doc, "loan": loan, "complaint": complaint}


TARGETS = [
    "archive_store/ledger.sqlite3",
    "archivist.toml",
    "index/x.docx",
    "templates/x.docx",
    "archive_store/C/new.csv",
]


def _commands(w: dict[str, Any]) -> list[tuple[str | None, list[str]]]:
    """(the suffix the command insists on, its arguments with OUT for the output path)"""
    return [
        (None, ["template", "render", "contents-list", "--out", "OUT", "--force"]),
        (
            None,
            [
                "report",
                "complaints",
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
                "--out",
                "OUT",
                "--force",
            ],
        ),
        (".csv", ["loan", "register", "--out", "OUT", "--force"]),
        (".docx", ["loan", "form", w["loan"], "--out", "OUT", "--force"]),
        (".csv", ["client", "export", "--purpose", "statistics", "--out", "OUT", "--force"]),
        (".docx", ["client", "report", w["client"], "--out", "OUT", "--force"]),
        (None, ["complaint", "reply", w["complaint"], "--out", "OUT", "--force"]),
        (None, ["file", "export", w["doc"].number, "--to", "OUT"]),
    ]


@pytest.mark.parametrize("where", TARGETS)
def test_no_output_lands_in_the_homes_data(
    world: dict[str, Any], invoke: Any, home_dir: Path, where: str
) -> None:
    target = home_dir / where
    tried = 0
    for suffix, args in _commands(world):
        path = target.with_suffix(suffix) if suffix else target
        if where == "archivist.toml" and path != target:
            continue  # archivist.csv beside the settings is an ordinary output
        before = _digest(path)
        res = invoke(*[str(path) if a == "OUT" else a for a in args], code=1)
        assert "inside the archive's own data" in res.output, res.output
        assert _digest(path) == before
        tried += 1
    assert tried >= 4
    assert invoke.json("client", "show", world["client"])["number"] == world["client"]
    invoke("audit", "verify")


def test_a_link_into_the_store_is_followed(
    world: dict[str, Any], invoke: Any, home_dir: Path, tmp_path: Path
) -> None:
    link = tmp_path / "innocent"
    link.symlink_to(home_dir / "archive_store")
    res = invoke(
        "template",
        "render",
        "contents-list",
        "--out",
        str(link / "ledger.sqlite3"),
        "--force",
        code=1,
    )
    assert "inside the archive's own data" in res.output


def test_outputs_elsewhere_in_the_home_are_written(
    world: dict[str, Any], invoke: Any, home_dir: Path
) -> None:
    out = home_dir / "reports" / "借閱登記簿.csv"
    out.parent.mkdir()
    invoke("loan", "register", "--out", str(out))
    assert out.is_file()
