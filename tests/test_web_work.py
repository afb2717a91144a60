"""The department's work in the web front end (issue 18): filing uploads (duplicates, size limit,
hostile files, one result per file), contracts and letters from a template's field schema,
check-out / return / overdue loans, complaint handling, users and roles, report CSV."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from archivist.core import accounts, audit, clock  # noqa: E402
from archivist.documents import catalog, fieldspec  # noqa: E402
from archivist.filing import service as filing  # noqa: E402
from archivist.web.app import create_app  # noqa: E402
from tests.test_web import PASSWORD, csrf_of, sign_in  # noqa: E402

TERMS = {
    "scope": "代理一審訴訟，包括起草訴狀、出庭",
    "stages": "一審\n二審",
    "authority": "general",
    "fee_type": "fixed",
    "fee_amount": "50000",
    "payment_method": "銀行轉賬",
    "dispute_venue": "上海市浦東新區人民法院",
}


@pytest.fixture
def world(ctx: Any, make_client: Any, make_matter: Any) -> dict[str, Any]:
    client = make_client("陳大文", id_number="A123456789", address="臺北市中正區重慶南路一段1號")
    matter = make_matter(client, lawyers=["lin"])
    for user in ("mei", "lin", "zhao", "head2", "boss", "wu"):
        accounts.set_password(ctx, user, PASSWORD, must_change=False)
    return {"client": client.number, "matter": matter}


@pytest.fixture
def small_limit(home_dir: Path) -> int:
    toml = home_dir / "archivist.toml"
    text = toml.read_text(encoding="utf-8")
    assert "max_file_mb = 512" in text
    toml.write_text(text.replace("max_file_mb = 512", "max_file_mb = 1"), encoding="utf-8")
    return 1


@pytest.fixture
def app(home_dir: Path, small_limit: int) -> Any:
    application = create_app(home_dir)
    yield application
    application.state.base.close()


def upload(browser: TestClient, world: Any, files: list[tuple[str, bytes]], **extra: str) -> Any:
    page = browser.get("/filing")
    data = {
        "csrf": csrf_of(page.text),
        "client": world["client"],
        "section": "case",
        "matter": world["matter"],
        **extra,
    }
    return browser.post(
        "/filing", data=data, files=[("files", (name, body)) for name, body in files]
    )


def result_rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr class="outcome-(\w+)"><td>([^<]*)</td>', html)


# ------------------------------------------------------------------------------ filing
def test_archivist_uploads_several_files_with_one_result_each(
    app: Any, world: Any, ctx: Any
) -> None:
    earlier = filing.file_bytes(ctx, world["client"], "case", b"already here", "old.txt")
    mei = sign_in(app, "mei")
    r = upload(
        mei,
        world,
        [
            ("起訴狀.txt", "民事起訴狀，請求違約金。".encode()),
            ("again.txt", b"already here"),  # the client has it: refused, naming the document
            ("big.txt", b"x" * (2**20 + 10)),  # over the 1 MB limit
            ("fake.pdf", b"MZ\x90\x00 not a pdf at all"),  # hostile/unreadable: filed, flagged
        ],
    )
    assert r.status_code == 200
    rows = result_rows(r.text)
    assert rows == [
        ("filed", "起訴狀.txt"),
        ("skipped", "again.txt"),
        ("failed", "big.txt"),
        ("flagged", "fake.pdf"),
    ]
    assert earlier.number in r.text and "1 MB" in r.text
    docs = {d.original_name: d for d in filing.list_documents(ctx, world["client"])}
    assert set(docs) == {"old.txt", "起訴狀.txt", "fake.pdf"}
    assert docs["起訴狀.txt"].matter_number == world["matter"]
    assert docs["起訴狀.txt"].section.value == "case" and docs["fake.pdf"].flag
    from archivist import search as index

    assert index.search(ctx, "違約金").total == 1  # filed documents are indexed


def test_upload_temporary_files_are_removed_and_csrf_checked(
    app: Any, world: Any, ctx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "spool"))
    (tmp_path / "spool").mkdir()
    mei = sign_in(app, "mei")
    r = upload(mei, world, [("a.txt", b"one"), ("b.txt", b"two")])
    assert [o for o, _n in result_rows(r.text)] == ["filed", "filed"]
    assert list((tmp_path / "spool").iterdir()) == []
    r = mei.post(
        "/filing",
        data={"csrf": "forged", "client": world["client"], "section": "case"},
        files=[("files", ("c.txt", b"three"))],
    )
    assert r.status_code == 403
    assert len(filing.list_documents(ctx, world["client"])) == 2


def test_upload_refusals_are_one_line_and_file_nothing(app: Any, world: Any, ctx: Any) -> None:
    wu = sign_in(app, "wu")  # staff: may not file
    r = upload(wu, world, [("a.txt", b"one")])
    assert r.status_code == 403 and "may not file" in r.text and "Traceback" not in r.text
    mei = sign_in(app, "mei")
    r = upload(mei, world, [("a.txt", b"one")], client="C9999")
    assert r.status_code == 404
    assert filing.list_documents(ctx, world["client"]) == []


def test_a_request_larger_than_any_upload_is_refused_before_it_is_read(
    app: Any, world: Any
) -> None:
    mei = sign_in(app, "mei")
    page = mei.get("/filing")
    r = mei.post(
        "/filing",
        content=b"x",
        headers={
            "content-type": "multipart/form-data; boundary=zz",
            "content-length": str(10**12),
            "cookie": "; ".join(f"{k}={v}" for k, v in mei.cookies.items()),
        },
    )
    assert r.status_code == 413 and csrf_of(page.text)


# ------------------------------------------------------------------------------ contracts
def test_form_data_builds_nested_lists_and_rows() -> None:
    template = catalog.get("service-contract")
    data = fieldspec.form_data(
        template.schema,
        {
            "stages": "一審\n二審、執行",
            "client.representative": "王大明",
            "fee_stages[0].stage": "一審",
            "fee_stages[0].amount": "30000",
            "fee_stages[0].due": "簽約後七日",
            "fee_stages[1].stage": "",
            "fee_stages[2].stage": "二審",
            "fee_stages[2].amount": "20000",
            "fee_stages[2].due": "上訴時",
            "scope": "  ",
            "unknown": "ignored",
        },
    )
    assert data == {
        "stages": ["一審", "二審", "執行"],
        "client": {"representative": "王大明"},
        "fee_stages": [
            {"stage": "一審", "amount": "30000", "due": "簽約後七日"},
            {"stage": "二審", "amount": "20000", "due": "上訴時"},
        ],
    }


def test_lawyer_generates_a_contract_from_the_form_and_downloads_it(
    app: Any, world: Any, ctx: Any
) -> None:
    lin = sign_in(app, "lin")
    page = lin.get("/generate", params={"matter": world["matter"], "template": "service-contract"})
    assert page.status_code == 200
    assert re.search(r"委託事項的內容和範圍 \*", page.text)  # required fields marked
    assert 'name="fee_stages[0].stage"' in page.text and "add-row" in page.text
    r = lin.post(
        "/generate",
        data={
            "csrf": csrf_of(page.text),
            "template": "service-contract",
            "matter": world["matter"],
            **TERMS,
        },
    )
    assert r.status_code == 200, r.text
    number = re.search(r'id="download-docx" href="/documents/([^/]+)/content', r.text)
    assert number
    got = lin.get(f"/documents/{number.group(1)}/content?download=1")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    xml = zipfile.ZipFile(io.BytesIO(got.content)).read("word/document.xml").decode()
    assert "上海市浦東新區人民法院" in xml and "二審" in xml
    doc = filing.show(ctx, number.group(1))
    assert doc.section.value == "contract" and doc.matter_number == world["matter"]


def test_generate_lists_what_is_missing_and_files_nothing(app: Any, world: Any, ctx: Any) -> None:
    lin = sign_in(app, "lin")
    page = lin.get("/generate", params={"matter": world["matter"], "template": "service-contract"})
    r = lin.post(
        "/generate",
        data={
            "csrf": csrf_of(page.text),
            "template": "service-contract",
            "matter": world["matter"],
            "fee_type": "fixed",
        },
    )
    assert r.status_code == 400 and "scope" in r.text and "dispute_venue" in r.text
    assert filing.list_documents(ctx, world["client"]) == []
    zhao = sign_in(app, "zhao")  # not the matter's lawyer
    page = zhao.get("/generate")
    r = zhao.post(
        "/generate",
        data={
            "csrf": csrf_of(page.text),
            "template": "service-contract",
            "matter": world["matter"],
            **TERMS,
        },
    )
    assert r.status_code == 403


def test_closure_letter_needs_a_closed_matter_in_the_library(ctx: Any, world: Any) -> None:
    from archivist.core.errors import Conflict
    from archivist.documents import generate as gen

    with pytest.raises(Conflict, match="closed"):
        gen.generate(ctx, world["matter"], "closure-letter", sets=["documents_returned=[]"])
    names = [t.name for t in gen.matter_templates()]
    assert "service-contract" in names and "loan-form" not in names


# ------------------------------------------------------------------------------ loans
def test_checkout_needs_the_acknowledgement_then_return_and_overdue_list(
    app: Any, world: Any, ctx: Any
) -> None:
    zhao = sign_in(app, "zhao")
    page = zhao.get("/loans")
    r = zhao.post(
        "/loans",
        data={
            "client": world["client"],
            "purpose": "查閱",
            "days": "3",
            "csrf": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    number = r.headers["location"].split("#")[1]
    head = sign_in(app, "head2")
    head.post(f"/loans/{number}/approve", data={"csrf": csrf_of(head.get("/loans").text)})
    mei = sign_in(app, "mei")
    token = csrf_of(mei.get("/loans").text)
    refused = mei.post(f"/loans/{number}/checkout", data={"csrf": token})
    assert refused.status_code in (400, 409) and "confidential" in refused.text.lower()
    mei.post(f"/loans/{number}/checkout", data={"csrf": token, "ack": "1"})
    assert "借出中" in mei.get("/loans").text
    clock.set_now(clock.now() + timedelta(days=10))
    mei = sign_in(app, "mei")
    overdue = mei.get("/loans", params={"overdue": 1})
    assert f'id="{number}"' in overdue.text and "逾期" in overdue.text
    mei.post(f"/loans/{number}/return", data={"csrf": csrf_of(overdue.text)})
    assert f'id="{number}"' not in mei.get("/loans", params={"overdue": 1}).text
    with ctx.ledger.read() as conn:
        actions = [e.action for e in audit.query(conn, actor="mei")]
    assert "loan.checkout" in actions and "loan.return" in actions


# ------------------------------------------------------------------------------ complaints
def test_complaint_intake_classify_assign_resolve_feedback(app: Any, world: Any, ctx: Any) -> None:
    mei = sign_in(app, "mei")
    page = mei.get("/complaints")
    assert 'id="complaint-form"' in page.text
    r = mei.post(
        "/complaints",
        data={
            "csrf": csrf_of(page.text),
            "client": world["client"],
            "channel": "phone",
            "content": "律師未按時回電",
        },
        follow_redirects=False,
    )
    url = r.headers["location"]
    number = url.rsplit("/", 1)[1]
    token = csrf_of(mei.get(url).text)
    due = (clock.today() + timedelta(days=5)).isoformat()
    for step, data in (
        ("classify", {"category": "delay", "cause": "案件繁忙", "responsibility": "lawyer"}),
        ("assign", {"to": "lin", "due": due}),
    ):
        assert mei.post(f"{url}/{step}", data={"csrf": token, **data}).status_code == 200
    detail = mei.get(url).text
    assert "已指派" in detail and due in detail and "延誤" in detail
    # only the assignee resolves it
    refused = mei.post(f"{url}/resolve", data={"csrf": token, "finding": "x", "action": "y"})
    assert refused.status_code == 403
    lin = sign_in(app, "lin")
    lin_page = lin.get(url)
    assert lin_page.status_code == 200
    lin.post(
        f"{url}/resolve",
        data={"csrf": csrf_of(lin_page.text), "finding": "確有延誤", "action": "每日回覆"},
    )
    mei.post(
        f"{url}/feedback",
        data={"csrf": token, "result": "已致歉並改善", "opinion": "satisfied"},
    )
    final = mei.get(url).text
    assert 'id="complaint-status">已結案' in final and "確有延誤" in final
    zhao = sign_in(app, "zhao")
    assert zhao.get(url).status_code == zhao.get("/complaints/2099-0001").status_code == 404
    with ctx.ledger.read() as conn:
        kinds = [e.action for e in audit.query(conn) if e.object_id == number]
    assert {"complaint.file", "complaint.classify", "complaint.assign"} <= set(kinds)


# ------------------------------------------------------------------------------ users
def test_archivist_adds_resets_deactivates_and_unlocks_users(
    app: Any, world: Any, ctx: Any
) -> None:
    mei = sign_in(app, "mei")
    page = mei.get("/users")
    assert page.status_code == 200 and 'id="lin"' in page.text
    token = csrf_of(page.text)
    r = mei.post(
        "/users",
        data={
            "csrf": token,
            "username": "newbie",
            "display_name": "新同事",
            "roles": ["lawyer", "staff"],
            "password": "first pass 12",
        },
    )
    assert r.status_code == 200 and 'id="newbie"' in r.text
    fresh = TestClient(app)
    r = fresh.post(
        "/signin",
        data={
            "username": "newbie",
            "password": "first pass 12",
            "csrf": csrf_of(fresh.get("/signin").text),
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/password"  # must change it first
    # lock lin out, then unlock from the page
    other = TestClient(app)
    t2 = csrf_of(other.get("/signin").text)
    for _ in range(accounts.MAX_FAILURES):
        other.post("/signin", data={"username": "lin", "password": "wrong wrong 1", "csrf": t2})
    listing = mei.get("/users").text
    assert re.search(r'action="/users/lin/unlock"', listing)
    mei.post("/users/lin/unlock", data={"csrf": token})
    assert 'action="/users/lin/unlock"' not in mei.get("/users").text
    sign_in(app, "lin")  # works again before the lock time is up
    # reset: the user must change it at the next sign-in
    mei.post("/users/zhao/password", data={"csrf": token, "password": "reset pass 123"})
    z = TestClient(app)
    r = z.post(
        "/signin",
        data={
            "username": "zhao",
            "password": "reset pass 123",
            "csrf": csrf_of(z.get("/signin").text),
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/password"
    # deactivate: signing in fails
    mei.post("/users/zhao/deactivate", data={"csrf": token})
    assert "停用" in mei.get("/users").text
    z2 = TestClient(app)
    r = z2.post(
        "/signin",
        data={
            "username": "zhao",
            "password": "reset pass 123",
            "csrf": csrf_of(z2.get("/signin").text),
        },
    )
    assert r.status_code == 401
    with ctx.ledger.read() as conn:
        actions = {e.action for e in audit.query(conn, actor="mei")}
    assert {"user.add", "user.unlock", "user.deactivate", "user.password.set"} <= actions


def test_users_page_is_for_the_archivist_only(app: Any, world: Any) -> None:
    lin = sign_in(app, "lin")
    assert lin.get("/users").status_code == 403
    r = lin.post("/users/zhao/deactivate", data={"csrf": csrf_of(lin.get("/").text)})
    assert r.status_code == 403


def test_unlock_of_an_account_that_is_not_locked_is_refused(ctx: Any, world: Any) -> None:
    from archivist.core.errors import Conflict

    with pytest.raises(Conflict, match="not locked"):
        accounts.unlock(ctx, "lin")


# ------------------------------------------------------------------------------ reports
def test_complaints_report_downloads_as_csv(app: Any, world: Any, ctx: Any) -> None:
    from archivist.complaints import service as complaints

    complaints.file(ctx, world["client"], "email", "收費不清")
    boss = sign_in(app, "boss")
    page = boss.get("/reports")
    assert 'id="report-csv"' in page.text
    r = boss.get("/reports/complaints.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    text = r.content.decode("utf-8-sig")
    assert "total,received,1" in text and "by_channel,email,1" in text
    assert re.search(r"\nopen,[^,]+,C0001,", text)  # the open complaint is listed


def test_too_many_files_is_a_one_line_refusal(app: Any, world: Any, ctx: Any) -> None:
    from archivist.web.uploads import MAX_FILES

    mei = sign_in(app, "mei")
    files = [(f"f{i}.txt", f"file {i}".encode()) for i in range(MAX_FILES + 1)]
    r = upload(mei, world, files)
    assert r.status_code == 400 and "could not be read" in r.text and "reference" not in r.text
    assert filing.list_documents(ctx, world["client"]) == []


def test_new_pages_in_english(app: Any, world: Any) -> None:
    mei = sign_in(app, "mei")
    mei.cookies.set("lang", "en")
    assert "Upload and file" in mei.get("/filing").text
    assert "Reset password" in mei.get("/users").text
    page = mei.get("/generate", params={"matter": world["matter"], "template": "service-contract"})
    assert "Generate and file" in page.text and "Fields marked *" in page.text


def test_api_checkout_return_and_overdue(app: Any, world: Any, ctx: Any, ctx_as: Any) -> None:
    from archivist.loans import service as loans

    _id, mei_token = accounts.create_token(ctx, "mei")
    api = TestClient(app, headers={"Authorization": f"Bearer {mei_token}"})
    loan = loans.request(ctx, world["client"], purpose="查閱", days=2).loan
    loans.approve(ctx_as("head2"), loan.number)
    r = api.post(f"/api/v1/loans/{loan.number}/checkout", json={})
    assert r.status_code == 400 and "confidential" in r.json()["error"]
    r = api.post(f"/api/v1/loans/{loan.number}/checkout", json={"ack_confidentiality": True})
    assert r.status_code == 200 and r.json()["loan"]["status"] == "out"
    clock.set_now(clock.now() + timedelta(days=5))
    overdue = api.get("/api/v1/loans/overdue").json()
    assert [x["number"] for x in overdue] == [loan.number]
    r = api.post(f"/api/v1/loans/{loan.number}/return", json={"condition": "完好"})
    assert r.status_code == 200 and r.json()["loan"]["status"] == "returned"
    assert api.get("/api/v1/loans/overdue").json() == []


def test_a_read_only_loan_lets_the_borrower_view_but_not_download(
    app: Any, world: Any, ctx: Any
) -> None:
    doc = filing.file_bytes(ctx, world["client"], "case", "借閱文件內容".encode(), "c.txt")
    zhao = sign_in(app, "zhao")
    r = zhao.post(
        "/loans",
        data={"client": world["client"], "purpose": "閱覽", "csrf": csrf_of(zhao.get("/").text)},
        follow_redirects=False,
    )
    number = r.headers["location"].split("#")[1]
    head = sign_in(app, "head2")
    page = head.get("/loans").text
    assert 'name="no_copies"' in page
    head.post(f"/loans/{number}/approve", data={"csrf": csrf_of(page), "no_copies": "1"})
    mei = sign_in(app, "mei")
    mei.post(f"/loans/{number}/checkout", data={"csrf": csrf_of(mei.get("/").text), "ack": "1"})
    assert zhao.get(f"/documents/{doc.number}").status_code == 200
    assert zhao.get(f"/documents/{doc.number}/content").status_code == 200
    refused = zhao.get(f"/documents/{doc.number}/content?download=1")
    assert refused.status_code == 403 and "no copies" in refused.text
