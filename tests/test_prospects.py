"""Prospects (issue 21): an enquirer who only called gets no archive number or folder; the
consultation and its conflict check are kept, and becoming a client carries them over."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_an_enquirer_is_a_prospect_until_they_sign(
    invoke: Any, make_client: Any, home_dir: Path
) -> None:
    make_client("永豐精密工業股份有限公司", kind="company")
    out = invoke(
        "consult",
        "prospect",
        "李小姐",
        "--channel",
        "phone",
        "--summary",
        "想告供應商",
        "--phone",
        "0912",
        "--party",
        "永豐精密工業有限公司",
    )
    assert "P20" in out.output and "Y0001" in out.output  # a warning: we act for the supplier
    listed = invoke.json("consult", "prospects")
    assert listed[0]["name"] == "李小姐" and listed[0]["client"] is None
    number = listed[0]["number"]
    assert invoke.json("client", "list", "--query", "李小姐") == []  # not a client
    assert not list((home_dir / "archive_store").glob("L/*李小姐*"))  # and no folder
    check = invoke.json("conflict", "list")[0]
    assert check["purpose"] == "consultation" and check["result"] == "hits"

    invoke(
        "consult", "prospect", "", "--prospect", number, "--channel", "email", "--summary", "再詢問"
    )
    made = invoke.json("client", "add", "--from-prospect", number, "--kind", "person")
    assert made["name"] == "李小姐" and any(number in w for w in made["warnings"])
    moved = invoke.json("consult", "list", "--client", made["number"])
    assert [c["summary"] for c in moved] == ["想告供應商", "再詢問"]
    invoke("client", "add", "--from-prospect", number, "--kind", "person", code=1)  # once
    assert invoke.json("consult", "prospects")[0]["client"] is not None
