"""Issue 15 §1.6: every CSV a spreadsheet opens keeps a cell starting with = + - @, tab or CR
as text (one helper, archivist.core.output.spreadsheet_cell)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from archivist.core.output import csv_bytes, spreadsheet_cell
from tests.test_rights_cli import client_of, file_doc

NASTY = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("value", NASTY)
def test_a_formula_start_is_kept_as_text(value: str) -> None:
    assert spreadsheet_cell(value) == "'" + value
    assert spreadsheet_cell("陳大文") == "陳大文" and spreadsheet_cell(3) == 3
    rows = list(csv.reader(csv_bytes(["a"], [[value]]).decode("utf-8-sig").splitlines()))
    assert rows[1][0].startswith("'")


def test_client_export_escapes_formulas(ctx: Any, invoke: Any, tmp_path: Path) -> None:
    c = invoke.json(
        "client",
        "add",
        "--name",
        '=HYPERLINK("http://evil","點我")',
        "--kind",
        "person",
        "--phone",
        "+886-2-1234",
        "--email",
        "a@b.tw",
        "--address",
        "@台北",
    )["number"]
    file_doc(ctx, client_of(ctx, c), f"{c}-0009")
    invoke("client", "consent", c, "--scope", "marketing", "--document", f"{c}-0009")
    out = tmp_path / "m.csv"
    invoke("client", "export", "--purpose", "marketing", "--out", str(out))
    row = next(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert row["name"] == '\'=HYPERLINK("http://evil","點我")'
    assert row["phone"] == "'+886-2-1234" and row["address"] == "'@台北"
    assert row["email"] == "a@b.tw"
