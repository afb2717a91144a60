"""Archive volumes (issue 22): deadline from closure, checklist, sealing, manifest check,
amendments, legal holds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from archivist.core import clock
from archivist.core.errors import Conflict, Forbidden
from archivist.filing import service as filing
from archivist.matters import service as matters
from archivist.volumes import holds
from archivist.volumes import service as volumes

CIVIL_DOCS = [
    ("法律服務委託合同.txt", "委託合同 甲方乙方"),
    ("授權委託書.txt", "授權委託書 代理人"),
    ("民事起訴狀.txt", "起訴狀 被告違約"),
    ("證據目錄.txt", "證據一 合同"),
    ("民事判決書.txt", "判決如下"),
]


@pytest.fixture
def closed(ctx: Any, make_client: Any, make_matter: Any) -> tuple[Any, str]:
    clock.set_now(datetime(2026, 1, 10, 9, 0))
    client = make_client()
    number = make_matter(client)
    for name, text in CIVIL_DOCS:
        filing.file_bytes(
            ctx, client.number, "case", text.encode(), name, matter_number=number, source="filed"
        )
    clock.set_now(datetime(2026, 2, 1, 9, 0))
    matters.close(ctx, number, "判決勝訴", True)
    return client, number


def test_deadline_runs_from_closure_and_check_reports_it(
    ctx: Any, closed: Any, invoke: Any
) -> None:
    client, number = closed
    v = volumes.show(ctx, number)
    assert v.archive_by is not None and v.archive_by.isoformat() == "2026-05-01"
    assert not v.archiving_overdue
    clock.set_now(datetime(2026, 5, 2, 9, 0))
    rows = invoke.json("matter", "list", "--archiving-overdue")
    assert [r["matter_number"] for r in rows] == [number]
    from archivist.integrity import checker

    report = checker.check(ctx)
    assert not report.ok
    assert any(p.kind == "archiving-overdue" and number in p.detail for p in report.problems)
    volumes.seal(ctx, number, waive_rest="no closing report in a judgment matter")
    assert invoke.json("matter", "list", "--unarchived") == []
    report = checker.check(ctx)
    assert not any(p.kind == "archiving-overdue" for p in report.problems)


def test_checklist_shows_present_missing_and_waived(ctx: Any, closed: Any, invoke: Any) -> None:
    client, number = closed
    v = invoke.json("matter", "volume", number)
    states = {c["item"]: c["status"] for c in v["checklist"]}
    assert states["委託合同"] == "present" and states["判決或調解書"] == "present"
    assert states["結案報告"] == "missing"
    invoke(
        "matter",
        "volume",
        number,
        "--waive",
        "結案報告",
        "--reason",
        "判決書即結論",
        user="lin",
        code=1,
    )
    v = invoke.json("matter", "volume", number, "--waive", "結案報告", "--reason", "判決書即結論")
    item = next(c for c in v["checklist"] if c["item"] == "結案報告")
    assert item["status"] == "waived" and item["reason"] == "判決書即結論"
    out = invoke("matter", "volume", number).output
    assert "waived" in out and "判決書即結論" in out


def test_seal_needs_the_checklist_or_the_heads_waiver(
    ctx: Any, ctx_as: Any, closed: Any, invoke: Any
) -> None:
    client, number = closed
    r = invoke("matter", "archive", number, code=1)
    assert "結案報告" in r.output
    clerk = ctx_as("clerk")  # an archivist without the head role
    with pytest.raises(Forbidden):
        volumes.seal(clerk, number, waive_rest="x")
    filing.file_bytes(
        ctx,
        client.number,
        "case",
        "結案報告 本案終結".encode(),
        "結案報告.txt",
        matter_number=number,
        source="filed",
    )
    v = volumes.seal(clerk, number, room="A101", cabinet="3", box="12", custodian="mei")
    assert v.status == "sealed" and v.manifest_hash and v.box == "12" and v.custodian == "mei"
    assert v.retention_class == "long" and v.retention_years == 60


def test_sealed_volume_refuses_changes_until_an_approved_amendment(
    ctx: Any, ctx_as: Any, closed: Any, invoke: Any
) -> None:
    client, number = closed
    volumes.seal(ctx, number, waive_rest="判決結案")
    r = invoke(
        "file", "add", client.number, __file__, "--section", "case", "--matter", number, code=1
    )
    assert "sealed" in r.output
    a = volumes.request_amendment(ctx, number, "補入二審判決")
    with pytest.raises(Forbidden):  # mei asked: she may not approve her own request
        volumes.decide_amendment(ctx, a.id, True)
    with pytest.raises(Forbidden):  # a lawyer is no approver
        volumes.decide_amendment(ctx_as("lin"), a.id, True)
    volumes.decide_amendment(ctx_as("head2"), a.id, True)
    doc = filing.file_bytes(
        ctx,
        client.number,
        "case",
        "二審判決書".encode(),
        "二審判決.txt",
        matter_number=number,
        source="filed",
    )
    v = volumes.seal(ctx, number)
    assert doc.number in [d.number for d in v.documents]
    from archivist.integrity import checker

    assert not any(p.kind == "volume" for p in checker.check(ctx).problems)


def test_check_finds_a_sealed_volume_changed_behind_its_back(ctx: Any, closed: Any) -> None:
    client, number = closed
    volumes.seal(ctx, number, waive_rest="判決結案")
    from archivist.ledger.tables.documents import documents

    with ctx.ledger.write() as conn:  # a row edited outside archivist
        conn.execute(
            documents.update().where(documents.c.title == "證據目錄").values(matter_id=None)
        )
    from archivist.integrity import checker

    problems = [p for p in checker.check(ctx).problems if p.kind == "volume"]
    assert problems and number in problems[0].detail


def test_legal_hold_blocks_amendments_and_is_head_only(
    ctx: Any, ctx_as: Any, closed: Any, invoke: Any
) -> None:
    client, number = closed
    volumes.seal(ctx, number, waive_rest="判決結案")
    with pytest.raises(Forbidden):
        holds.place(ctx_as("clerk"), client.number, "訴訟保全")
    h = invoke.json("hold", "place", client.number, "--reason", "訴訟保全")
    listed = invoke.json("hold", "list")
    assert [x["reason"] for x in listed] == ["訴訟保全"]
    with pytest.raises(Conflict, match="legal hold"):
        volumes.request_amendment(ctx, number, "補件")
    invoke("hold", "release", str(h["id"]), "--reason", "保全解除")
    assert invoke.json("hold", "list") == []
    volumes.request_amendment(ctx, number, "補件")
    from sqlalchemy import select

    from archivist.ledger.tables.core import audit_events

    with ctx.ledger.read() as conn:
        actions = set(conn.execute(select(audit_events.c.action)).scalars())
    assert {"hold.place", "hold.release", "volume.seal", "volume.amend_request"} <= actions


def test_contents_cover_and_closing_sheet_are_filed_with_page_ranges(
    ctx: Any, make_client: Any, make_matter: Any, corpus: Any, invoke: Any
) -> None:
    import io
    import zipfile

    from archivist.documents.pdf import soffice

    client = make_client("林小美")
    number = make_matter(client)
    pdf = filing.file_path(
        ctx, client.number, corpus / "pdf" / "pdflatex-4-pages.pdf", "case", matter_number=number
    )
    word = filing.file_path(
        ctx, client.number, corpus / "docx" / "test.docx", "case", matter_number=number
    )
    text = filing.file_bytes(
        ctx,
        client.number,
        "case",
        "民事判決書 判決如下".encode(),
        "民事判決書.txt",
        matter_number=number,
        source="filed",
    )
    matters.close(ctx, number, "判決勝訴", True)
    out = invoke.json("matter", "volume", number, "--contents")
    rows = {d["number"]: d for d in out["documents"]}
    assert (rows[pdf.number]["first_page"], rows[pdf.number]["last_page"]) == (1, 4)
    if soffice():
        assert rows[word.number]["pages"] and rows[word.number]["first_page"] == 5
    else:
        assert rows[word.number]["pages"] is None and "頁數不詳" in rows[word.number]["remarks"]
    assert rows[text.number]["pages"] is None and "頁數不詳" in rows[text.number]["remarks"]
    docs = {d.number: d for d in filing.list_documents(ctx, client.number)}
    made = [docs[n] for n in out["filed"]]
    assert {d.template for d in made} == {"contents-list", "volume-cover", "volume-closing"}
    assert {d.filetype for d in made} == ({"docx", "pdf"} if soffice() else {"docx"})
    cover = next(d for d in made if d.template == "volume-cover" and d.filetype == "docx")
    with zipfile.ZipFile(io.BytesIO(ctx.store.resolve(cover.path).read_bytes())) as z:
        xml = z.read("word/document.xml").decode()
    assert "卷宗封面" in xml and number in xml and "長期" in xml and "60年" in xml
    contents = next(d for d in made if d.template == "contents-list" and d.filetype == "docx")
    with zipfile.ZipFile(io.BytesIO(ctx.store.resolve(contents.path).read_bytes())) as z:
        xml = z.read("word/document.xml").decode()
    assert "1-4" in xml and "民事判決書" in xml
    again = invoke.json("matter", "volume", number, "--contents")  # paperwork is not listed
    assert [d["number"] for d in again["documents"]] == [pdf.number, word.number, text.number]


def test_my_work_page_lists_volumes_to_archive(ctx: Any, closed: Any, home_dir: Any) -> None:
    from archivist.core import accounts
    from archivist.web.app import create_app
    from tests.test_web import sign_in

    client, number = closed
    accounts.set_password(ctx, "clerk", "correct horse 1", must_change=False)
    clock.set_now(datetime(2026, 6, 1, 9, 0))
    app = create_app(home_dir)
    try:
        page = sign_in(app, "clerk").get("/")  # a lawyer's access to a closed matter ends
        assert "待歸檔卷宗" in page.text and number in page.text and "逾期" in page.text
        volumes.seal(ctx, number, waive_rest="判決結案")
        assert number not in sign_in(app, "clerk").get("/").text
    finally:
        app.state.base.close()
