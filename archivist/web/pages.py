"""Server-rendered pages. Each route calls the same library functions the CLI calls, with the
signed-in user as the actor; no rule lives here."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from archivist.core import accounts
from archivist.search.snippets import MARK_OFF, MARK_ON
from archivist.web import deps
from archivist.web.i18n import field_name, section_name, strings, value_name

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.auto_reload = False  # the templates ship with the package: no stat() per page
INLINE_TYPES = {
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
PAGE_SIZE = 20


def highlight(marked: str | None) -> Markup:
    """A snippet with the library's match markers turned into <mark>, everything else escaped."""
    text = str(escape(marked or ""))
    return Markup(text.replace(MARK_ON, "<mark>").replace(MARK_OFF, "</mark>"))


templates.env.filters["highlight"] = highlight


def render(
    request: Request, name: str, actor: deps.Actor | None, code: int = 200, **data: Any
) -> HTMLResponse:
    lang = actor.lang if actor else deps.lang_of(request)
    from archivist.core import i18n

    i18n.set_language(lang)
    context = {
        "t": strings(lang),
        "lang": lang,
        "actor": actor,
        "user": actor.user if actor else None,
        "csrf": actor.csrf if actor else "",
        "section_name": lambda s: section_name(s, lang),
        "field": lambda k: field_name(k, lang),
        "val": lambda v: value_name(v, lang),
        **data,
    }
    return templates.TemplateResponse(request, name, context, status_code=code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    t = strings(deps.lang_of(request))
    text = t["not_found"] if status == 404 else message
    return render(request, "error.html", None, code=status, status_code=status, message=text)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ------------------------------------------------------------------------------ sign-in
@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request) -> Response:
    token = request.cookies.get(deps.PRE_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "signin.html", None, pre_csrf=token, failed=False)
    response.set_cookie(
        deps.PRE_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.secure_cookies,
    )
    return response


@router.post("/signin")
async def signin(request: Request) -> Response:
    form = await request.form()
    expected = request.cookies.get(deps.PRE_CSRF_COOKIE) or ""
    if not expected or not accounts.csrf_ok(expected, str(form.get("csrf") or "")):
        raise deps.CsrfRefused()
    source = deps.source(request)
    request.app.state.limiter.check(source)
    try:
        session = accounts.sign_in(
            deps.base(request),
            str(form.get("username") or ""),
            str(form.get("password") or ""),
            source,
        )
    except accounts.SignInFailed:
        return render(request, "signin.html", None, code=401, pre_csrf=expected, failed=True)
    response = see_other("/password" if session.must_change else "/")
    response.set_cookie(
        deps.SESSION_COOKIE,
        session.token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.secure_cookies,
        path="/",
    )
    response.delete_cookie(deps.PRE_CSRF_COOKIE)
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    await deps.form_actor(request, allow_must_change=True)
    accounts.sign_out(deps.base(request), request.cookies.get(deps.SESSION_COOKIE))
    response = see_other("/signin")
    response.delete_cookie(deps.SESSION_COOKIE, path="/")
    return response


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request) -> Response:
    actor = deps.page_actor(request, allow_must_change=True)
    return render(request, "password.html", actor, message="")


@router.post("/password")
async def password_change(request: Request) -> Response:
    actor, form = await deps.form_actor(request, allow_must_change=True)
    accounts.change_password(
        actor.ctx, actor.user.username, str(form.get("old") or ""), str(form.get("new") or "")
    )
    return see_other("/")


@router.get("/lang/{code}")
def set_lang(request: Request, code: str) -> Response:
    from urllib.parse import urlparse

    back = urlparse(request.headers.get("referer") or "/")  # a path here, never another site
    response = see_other((back.path or "/") + (f"?{back.query}" if back.query else ""))
    response.set_cookie("lang", "en" if code == "en" else "zh", samesite="lax", httponly=True)
    return response


# ------------------------------------------------------------------------------ pages
@router.get("/", response_class=HTMLResponse)
def my_work(request: Request) -> Response:
    from archivist.complaints import service as complaints
    from archivist.loans import service as loans

    actor = deps.page_actor(request)
    roles = {r.value for r in actor.user.roles}
    mine = [
        x
        for x in loans.list_loans(actor.ctx, borrower=actor.user.username)
        if x.status.value in ("pending", "approved", "out")
    ]
    approvals = loans.list_loans(actor.ctx, status="pending") if "head" in roles else []
    overdue = loans.overdue(actor.ctx) if roles & {"head", "archivist"} else []
    my_complaints = [
        c for c in complaints.list_complaints(actor.ctx) if c.status.value not in ("closed",)
    ][:50]
    from archivist.volumes import service as volumes

    return render(
        request,
        "mywork.html",
        actor,
        mine=mine,
        approvals=approvals,
        overdue=overdue,
        complaints=my_complaints,
        volumes=volumes.unarchived(actor.ctx)[:50],  # closed matters to archive (issue 22)
    )


@router.get("/clients", response_class=HTMLResponse)
def client_list(request: Request, q: str = "") -> Response:
    from archivist.clients import registry

    actor = deps.page_actor(request)
    rows = registry.list_clients(actor.ctx, q or None, 500)
    return render(request, "clients.html", actor, clients=rows, q=q)


@router.get("/clients/{number}", response_class=HTMLResponse)
def client_page(request: Request, number: str) -> Response:
    from archivist.clients import registry
    from archivist.filing import service as filing

    actor = deps.page_actor(request)
    data = registry.show(actor.ctx, number)
    docs = filing.list_documents(actor.ctx, number)
    by_section: dict[str, list[Any]] = {
        s: [] for s in ("basic", "contract", "case", "work", "complaint")
    }
    for d in docs:
        by_section.setdefault(d.section.value, []).append(d)
    return render(request, "client.html", actor, client=data, by_section=by_section)


@router.get("/documents/{number}", response_class=HTMLResponse)
def document_page(request: Request, number: str) -> Response:
    from archivist.filing import service as filing

    actor = deps.page_actor(request)
    doc, path = filing.open_content(actor.ctx, number, "view")
    with actor.ctx.ledger.read() as conn:
        text = filing.kept_text(conn, doc.id) or ""
    if not text and doc.text_status == "ok":
        from archivist.filing.extract import extract_file

        text = extract_file(path, doc.original_name).text
    return render(
        request,
        "document.html",
        actor,
        doc=doc,
        text=text[:20000],
        inline=doc.filetype in INLINE_TYPES,
    )


@router.get("/documents/{number}/content")
def document_content(request: Request, number: str, download: int = 0) -> Response:
    from archivist.filing import service as filing

    actor = deps.page_actor(request)
    doc, path = filing.open_content(actor.ctx, number, "download" if download else "view")
    inline = not download and doc.filetype in INLINE_TYPES
    response = FileResponse(
        path,
        media_type=INLINE_TYPES.get(doc.filetype, "application/octet-stream"),
        filename=doc.original_name,
        content_disposition_type="inline" if inline else "attachment",
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "", page: int = 1, section: str = "") -> Response:
    from archivist import search as index

    actor = deps.page_actor(request)
    result = None
    if q.strip():
        result = index.search(
            actor.ctx, q, section=section or None, limit=PAGE_SIZE, page=max(page, 1)
        )
    return render(
        request, "search.html", actor, q=q, result=result, section=section, page_size=PAGE_SIZE
    )


@router.get("/loans", response_class=HTMLResponse)
def loan_list(request: Request, status: str = "", overdue: int = 0) -> Response:
    from archivist.loans import service as loans

    actor = deps.page_actor(request)
    if overdue:
        rows = loans.overdue(actor.ctx)
    else:
        rows = loans.list_loans(actor.ctx, status=status or None)
    return render(request, "loans.html", actor, loans=rows, status=status, overdue=overdue)


@router.post("/loans")
async def loan_request(request: Request) -> Response:
    from archivist.loans import service as loans

    actor, form = await deps.form_actor(request)
    days = str(form.get("days") or "").strip()
    result = loans.request(
        actor.ctx,
        str(form.get("client") or ""),
        purpose=str(form.get("purpose") or ""),
        matter=str(form.get("matter") or "") or None,
        days=int(days) if days.isdigit() else None,
    )
    return see_other(f"/loans#{result.loan.number}")


@router.post("/loans/{number}/{step}")
async def loan_step(request: Request, number: str, step: str) -> Response:
    from archivist.loans import service as loans

    actor, form = await deps.form_actor(request)
    if step == "approve":
        loans.approve(
            actor.ctx,
            number,
            note=str(form.get("note") or "") or None,
            no_copies=bool(form.get("no_copies")),
        )
    elif step == "reject":
        loans.reject(actor.ctx, number, str(form.get("reason") or ""))
    elif step == "checkout":
        loans.checkout(actor.ctx, number, bool(form.get("ack")))
    elif step == "return":
        loans.return_(actor.ctx, number)
    elif step == "cancel":
        loans.cancel(actor.ctx, number)
    else:
        return error_page(request, 404, "")
    return see_other(f"/loans#{number}")


@router.get("/complaints", response_class=HTMLResponse)
def complaint_list(request: Request) -> Response:
    from archivist.complaints import service as complaints

    actor = deps.page_actor(request)
    return render(
        request,
        "complaints.html",
        actor,
        complaints=complaints.list_complaints(actor.ctx),
        channels=complaints.CHANNELS,
    )


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, date_from: str = "", date_to: str = "") -> Response:
    from archivist.core import clock
    from archivist.reports import complaints as complaint_report

    actor = deps.page_actor(request)
    today = clock.today()
    start = date_from or today.replace(month=1, day=1).isoformat()
    end = date_to or today.isoformat()
    report = complaint_report.report(actor.ctx, start, end)
    return render(
        request,
        "reports.html",
        actor,
        report=report.model_dump(mode="json"),
        date_from=start,
        date_to=end,
    )
