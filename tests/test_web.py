"""The web front end and JSON API (issue 18): sign-in, lockout, CSRF, session expiry, access
rules (unreadable answers like nonexistent), audited reads, API tokens."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from archivist.core import accounts, audit, clock  # noqa: E402
from archivist.filing import service as filing  # noqa: E402
from archivist.web.app import create_app  # noqa: E402

PASSWORD = "correct horse 1"


@pytest.fixture
def world(ctx: Any, make_client: Any, make_matter: Any) -> dict[str, Any]:
    mine, other = make_client("陳大文"), make_client("李小龍")
    make_matter(mine, lawyers=["lin"])
    d_mine = filing.file_bytes(
        ctx, mine.number, "case", "本合約規定違約金新台幣十萬元。".encode(), "合約.txt"
    )
    d_other = filing.file_bytes(ctx, other.number, "case", "違約金 other".encode(), "b.txt")
    for user in ("mei", "lin", "zhao", "head2", "boss"):
        accounts.set_password(ctx, user, PASSWORD, must_change=False)
    return {"mine": mine, "other": other, "d_mine": d_mine.number, "d_other": d_other.number}


@pytest.fixture
def app(home_dir: Path) -> Any:
    application = create_app(home_dir)
    yield application
    application.state.base.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def sign_in(app: Any, user: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app)
    page = client.get("/signin")
    r = client.post(
        "/signin",
        data={"username": user, "password": password, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


def test_sign_in_shows_my_work_in_chinese_and_audits(app: Any, world: Any, ctx: Any) -> None:
    client = sign_in(app, "lin")
    page = client.get("/")
    assert page.status_code == 200 and "我的工作" in page.text and "林志明" in page.text
    cookie = client.cookies.get("archivist_session")
    assert cookie
    r = client.post("/signout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303  # back to sign-in
    with ctx.ledger.read() as conn:
        actions = [e.action for e in audit.query(conn, actor="lin")]
    assert "signin" in actions and "signout" in actions


def test_session_cookie_is_httponly_and_samesite(app: Any, world: Any) -> None:
    client = TestClient(app)
    page = client.get("/signin")
    r = client.post(
        "/signin",
        data={"username": "lin", "password": PASSWORD, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    header = r.headers["set-cookie"].lower()
    assert "archivist_session=" in header and "httponly" in header and "samesite=lax" in header
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_wrong_password_fails_and_lockout_after_repeated_failures(
    app: Any, world: Any, ctx: Any
) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/signin").text)
    for _ in range(accounts.MAX_FAILURES):
        r = client.post(
            "/signin", data={"username": "lin", "password": "wrong wrong 1", "csrf": token}
        )
        assert r.status_code == 401 and "帳號或密碼錯誤" in r.text
    # locked: even the right password is refused now
    r = client.post("/signin", data={"username": "lin", "password": PASSWORD, "csrf": token})
    assert r.status_code == 401
    with ctx.ledger.read() as conn:
        fails = [e for e in audit.query(conn, actor="lin") if e.action == "signin.failure"]
    assert len(fails) == accounts.MAX_FAILURES + 1
    assert fails[0].details["reason"] in ("locked", "wrong password")
    # after the lock time it works again
    clock.set_now(clock.now() + timedelta(minutes=accounts.LOCK_MINUTES + 1))
    r = client.post(
        "/signin",
        data={"username": "lin", "password": PASSWORD, "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_sign_in_rate_limited_per_source(app: Any, world: Any) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/signin").text)
    codes = [
        client.post(
            "/signin", data={"username": f"nobody{i}", "password": "x" * 12, "csrf": token}
        ).status_code
        for i in range(accounts.SOURCE_LIMIT + 1)
    ]
    assert codes[-1] == 429 and set(codes[:-1]) == {401}


def test_form_without_csrf_token_is_refused(app: Any, world: Any) -> None:
    client = sign_in(app, "lin")
    r = client.post("/loans", data={"client": world["mine"].number, "purpose": "開庭"})
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post(
        "/loans", data={"client": world["mine"].number, "purpose": "開庭", "csrf": "forged"}
    )
    assert r.status_code == 403
    fresh = TestClient(app)  # sign-in form too
    r = fresh.post("/signin", data={"username": "lin", "password": PASSWORD})
    assert r.status_code == 403


def test_idle_session_expires(app: Any, world: Any) -> None:
    client = sign_in(app, "lin")
    assert client.get("/", follow_redirects=False).status_code == 200
    clock.set_now(clock.now() + timedelta(minutes=accounts.IDLE_MINUTES + 1))
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/signin"


def test_first_sign_in_must_change_password(app: Any, world: Any, ctx: Any) -> None:
    accounts.set_password(ctx, "zhao", "temporary pw 1")
    client = TestClient(app)
    page = client.get("/signin")
    r = client.post(
        "/signin",
        data={"username": "zhao", "password": "temporary pw 1", "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/password"
    assert client.get("/search", follow_redirects=False).headers["location"] == "/password"
    form = client.get("/password")
    r = client.post(
        "/password",
        data={"old": "temporary pw 1", "new": "my own secret 2", "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert client.get("/search").status_code == 200


def test_lawyer_cannot_see_another_clients_archive_same_404(app: Any, world: Any) -> None:
    client = sign_in(app, "lin")
    assert client.get(f"/clients/{world['mine'].number}").status_code == 200
    hidden = client.get(f"/clients/{world['other'].number}")
    missing = client.get("/clients/C9999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace(world["other"].number, "X") == missing.text.replace("C9999", "X")
    assert client.get(f"/documents/{world['d_other']}").status_code == 404
    assert client.get(f"/documents/{world['d_other']}/content").status_code == 404


def test_search_highlights_and_document_read_is_audited(app: Any, world: Any, ctx: Any) -> None:
    client = sign_in(app, "lin")
    page = client.get("/search", params={"q": "違約金"})
    assert page.status_code == 200
    assert "<mark>違約金</mark>" in page.text and world["d_mine"] in page.text
    assert world["d_other"] not in page.text  # not hers: never shown or counted
    assert 'id="total">1 ' in page.text
    doc = client.get(f"/documents/{world['d_mine']}")
    assert doc.status_code == 200 and "十萬元" in doc.text
    content = client.get(f"/documents/{world['d_mine']}/content?download=1")
    assert content.status_code == 200 and "違約金".encode() in content.content
    assert "attachment" in content.headers["content-disposition"]
    with ctx.ledger.read() as conn:
        actions = [e.action for e in audit.query(conn, actor="lin")]
    assert "document.download" in actions and "document.view" in actions


def test_snippet_markup_is_escaped(ctx: Any, app: Any, world: Any) -> None:
    filing.file_bytes(
        ctx, world["mine"].number, "case", "<script>alert(1)</script> 違約金".encode(), "x.txt"
    )
    client = sign_in(app, "lin")
    page = client.get("/search", params={"q": "違約金"})
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text


def test_loan_request_and_head_approval_through_pages(app: Any, world: Any) -> None:
    lin = sign_in(app, "lin")
    page = lin.get("/loans")
    r = lin.post(
        "/loans",
        data={"client": world["mine"].number, "purpose": "準備開庭", "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    number = r.headers["location"].split("#")[1]
    # lin is no head: approving is refused by the library's rule
    page = lin.get("/loans")
    r = lin.post(f"/loans/{number}/approve", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 403
    head = sign_in(app, "head2")
    home = head.get("/")
    assert number in home.text  # waiting for the head's approval
    r = head.post(
        f"/loans/{number}/approve", data={"csrf": csrf_of(home.text)}, follow_redirects=False
    )
    assert r.status_code == 303
    assert "已核准" in head.get("/loans").text


def test_reports_for_management_only(app: Any, world: Any) -> None:
    assert sign_in(app, "boss").get("/reports").status_code == 200
    assert sign_in(app, "lin").get("/reports").status_code == 403


def test_english_is_selectable(app: Any, world: Any) -> None:
    client = sign_in(app, "lin")
    client.get("/lang/en")
    assert "My work" in client.get("/").text


# ------------------------------------------------------------------------------ API
def test_api_needs_a_valid_token(app: Any, world: Any, ctx: Any) -> None:
    client = TestClient(app)
    assert client.get("/api/v1/search", params={"q": "違約金"}).status_code == 401
    assert (
        client.get(
            "/api/v1/search", params={"q": "x"}, headers={"Authorization": "Bearer nope"}
        ).status_code
        == 401
    )
    tid, token = accounts.create_token(ctx, "lin", "script")
    auth = {"Authorization": f"Bearer {token}"}
    r = client.get("/api/v1/search", params={"q": "违约金"}, headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 1 and body["hits"][0]["document"] == world["d_mine"]
    assert set(body["hits"][0]) >= {"client", "document", "snippet", "highlights"}
    assert (
        client.get(f"/api/v1/clients/{world['mine'].number}", headers=auth).json()["number"]
        == world["mine"].number
    )
    assert client.get(f"/api/v1/clients/{world['other'].number}", headers=auth).status_code == 404
    assert client.get("/api/v1/clients/C9999", headers=auth).status_code == 404
    assert (
        client.get(f"/api/v1/documents/{world['d_other']}/content", headers=auth).status_code == 404
    )
    assert (
        client.get(f"/api/v1/documents/{world['d_mine']}/content", headers=auth).status_code == 200
    )
    accounts.revoke_token(ctx, tid)
    assert client.get("/api/v1/search", params={"q": "x"}, headers=auth).status_code == 401


def test_api_loans_request_and_approve(app: Any, world: Any, ctx: Any) -> None:
    client = TestClient(app)
    _, lin = accounts.create_token(ctx, "lin")
    _, head = accounts.create_token(ctx, "head2")
    r = client.post(
        "/api/v1/loans",
        json={"client": world["mine"].number, "purpose": "閱卷"},
        headers={"Authorization": f"Bearer {lin}"},
    )
    assert r.status_code == 201, r.text
    number = r.json()["loan"]["number"]
    r = client.post(f"/api/v1/loans/{number}/approve", headers={"Authorization": f"Bearer {lin}"})
    assert r.status_code == 403 and "error" in r.json()
    r = client.post(f"/api/v1/loans/{number}/approve", headers={"Authorization": f"Bearer {head}"})
    assert r.status_code == 200 and r.json()["loan"]["status"] == "approved"


def test_tokens_are_hashed_at_rest(ctx: Any, world: Any) -> None:
    from sqlalchemy import select

    from archivist.ledger.tables.accounts import api_tokens, credentials

    _, token = accounts.create_token(ctx, "lin")
    with ctx.ledger.read() as conn:
        stored = [r.token_hash for r in conn.execute(select(api_tokens))]
        hashes = [r.password_hash for r in conn.execute(select(credentials))]
    assert token not in stored and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)


# ------------------------------------------------------------------------------ CLI
def test_cli_password_from_stdin_and_token(invoke: Any, app: Any, world: Any) -> None:
    invoke("user", "password", "zhao", "--stdin", input="brand new pw 9\n")
    client = TestClient(app)
    page = client.get("/signin")
    r = client.post(
        "/signin",
        data={"username": "zhao", "password": "brand new pw 9", "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/password"  # must change at first sign-in
    short = invoke("user", "password", "zhao", "--stdin", input="short\n", ok=False)
    assert "at least" in short.output
    token = invoke("user", "token", "lin", "--name", "nightly").stdout.strip()
    r = client.get("/api/v1/clients", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    invoke("user", "token", "lin", "--revoke", "1")
    r = client.get("/api/v1/clients", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    # only archivists and the head set passwords
    invoke("user", "password", "zhao", "--stdin", input="another pw 99\n", user="lin", ok=False)


def test_unexpected_error_shows_reference_not_traceback(
    app: Any, world: Any, monkeypatch: Any
) -> None:
    from archivist.clients import registry

    def boom(*a: Any, **k: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(registry, "list_clients", boom)
    client = sign_in(app, "lin")
    r = client.get("/clients")
    assert r.status_code == 500 and "reference" in r.text and "secret internals" not in r.text
    assert datetime  # noqa: B018


def test_pages_follow_the_language_switch_and_the_api_accept_language(
    app: Any, world: Any, ctx: Any
) -> None:
    """One set of catalogs for both front ends (issue 20): pages in the firm's language
    (Traditional Chinese for a new home) until the switch says English; the API's messages in
    English unless Accept-Language asks for Traditional Chinese; its JSON keys never change."""
    client = sign_in(app, "lin")
    page = client.get(f"/clients/{world['mine'].number}").text
    assert "自然人" in page and "案件資料" in page and "申訴" in page
    client.get("/lang/en")
    page = client.get(f"/clients/{world['mine'].number}").text
    assert "natural person" in page and "case materials" in page and "自然人" not in page
    _tid, token = accounts.create_token(ctx, "lin", "script")
    auth = {"Authorization": f"Bearer {token}"}
    query = {"q": "x" * 2000}
    plain = TestClient(app).get("/api/v1/search", params=query, headers=auth)
    zh = TestClient(app).get(
        "/api/v1/search", params=query, headers={**auth, "Accept-Language": "zh-TW,zh;q=0.9"}
    )
    assert plain.status_code == zh.status_code and plain.status_code >= 400
    assert "longer than" in plain.text and "檢索查詢超過" in zh.text
    assert set(plain.json()) == set(zh.json())
