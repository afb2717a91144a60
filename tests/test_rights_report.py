"""The client's status letter: matters, lawyers with licence numbers, only the progress
records marked as reported to the client, deliverables and dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archivist.core import audit, clock, users
from archivist.core.errors import Conflict, InvalidInput, NotFound
from archivist.ledger.tables.base import metadata
from archivist.matters import service as matters
from archivist.matters.duties import client_report, deliverables, payments


def docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def add_record(ctx: Any, number: str, text: str, reported: bool) -> None:
    table = metadata.tables.get("matter_events")
    if table is None:
        pytest.skip("the matters feature's timeline (matter_events) is not installed")
    with ctx.ledger.write() as conn:
        mid = matters.get(conn, number).id
        conn.execute(
            table.insert().values(
                matter_id=mid,
                at=clock.now(),
                kind="progress",
                actor_id=users.get(conn, "lin").id,
                text=text,
                reported_to_client=reported,
            )
        )


def test_report_leaves_out_internal_records(
    ctx: Any, ctx_as: Any, make_client: Any, make_matter: Any, tmp_path: Path
) -> None:
    clock.set_now("2026-03-01T09:00:00")
    client = make_client("陳大文")
    number = make_matter(client, ["lin"])
    add_record(ctx, number, "已向法院遞交起訴狀", True)
    add_record(ctx, number, "內部判斷：對方證據薄弱，可考慮壓價和解", False)
    deliverables.add(ctx, number, "起訴狀", "2026-03-05")
    payments.set_schedule(ctx, number, ["2026-03-10:30000"])

    out = tmp_path / "report.docx"
    result = client_report.report(ctx_as("lin"), client.number, str(out))
    assert (result.progress_records, result.deliverables) == (1, 1)
    assert result.internal_left_out >= 1
    text = docx_text(out)
    assert "已向法院遞交起訴狀" in text
    assert "對方證據薄弱" not in text
    assert "林志明" in text and "13101200910123456" in text and "民商事訴訟" in text
    assert number in text and "起訴狀" in text and "2026-03-05" in text and "30000.00" in text
    with ctx.ledger.read() as conn:
        event = audit.query(conn, action="client.report")[-1]
    assert event.actor == "lin" and event.details["internal_left_out"] >= 1


def test_report_refusals(ctx: Any, ctx_as: Any, make_client: Any, tmp_path: Path) -> None:
    client = make_client("陳大文")
    with pytest.raises(NotFound):
        client_report.report(ctx_as("zhao"), client.number, str(tmp_path / "r.docx"))
    with pytest.raises(InvalidInput, match="docx"):
        client_report.report(ctx, client.number, str(tmp_path / "r.pdf"))
    client_report.report(ctx, client.number, str(tmp_path / "r.docx"))
    with pytest.raises(Conflict):
        client_report.report(ctx, client.number, str(tmp_path / "r.docx"))
    assert not (tmp_path / "r.pdf").exists()
    with ctx.ledger.read() as conn:
        assert len(audit.query(conn, action="client.report")) == 1
