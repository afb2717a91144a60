"""Pages for the department's work beyond reading: filing uploads, generating contracts and
letters, handling complaints, managing users, downloading reports. Each route calls the library
function the CLI calls, as the signed-in user; the library decides every rule."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from archivist.core import accounts
from archivist.web import deps, uploads
from archivist.web.i18n import strings
from archivist.web.pages import error_page, render, see_other

router = APIRouter()
SECTIONS = ("basic", "contract", "case", "work", "complaint")


def _str(form: dict[str, Any], key: str) -> str:
    return str(form.get(key) or "").strip()


# ------------------------------------------------------------------------------ filing
@router.get("/filing", response_class=HTMLResponse)
def filing_form(
    request: Request, client: str = "", matter: str = "", section: str = ""
) -> Response:
    actor = deps.page_actor(request)
    return render(
        request,
        "filing.html",
        actor,
        sections=SECTIONS,
        client=client,
        matter=matter,
        section=section or "case",
        results=None,
        limit_mb=actor.ctx.settings.limits.max_file_mb,
    )


@router.post("/filing")
async def filing_upload(request: Request) -> Response:
    from archivist.filing import service as filing

    actor = deps.page_actor(request)
    limit_mb = actor.ctx.settings.limits.max_file_mb
    try:
        with uploads.receive(request, limit_mb * 2**20) as parse:
            form, files = await parse()
            if not accounts.csrf_ok(actor.csrf, form.get("csrf")):
                raise deps.CsrfRefused()
            client, matter, section = (
                _str(form, "client"),
                _str(form, "matter"),
                form.get("section"),
            )
            results = filing.file_uploads(
                actor.ctx,
                client,
                [(f.path, f.name) for f in files],
                str(section or ""),
                matter_number=matter or None,
            )
    except uploads.TooLarge:
        return error_page(request, 413, strings(actor.lang)["too_large"].format(mb=limit_mb))
    return render(
        request,
        "filing.html",
        actor,
        sections=SECTIONS,
        client=client,
        matter=matter,
        section=section,
        results=results,
        limit_mb=limit_mb,
    )


# ------------------------------------------------------------------------------ contracts
@router.get("/generate", response_class=HTMLResponse)
def generate_form(request: Request, matter: str = "", template: str = "") -> Response:
    from archivist.documents import catalog, fieldspec
    from archivist.documents import generate as gen

    actor = deps.page_actor(request)
    choices = gen.matter_templates(actor.ctx.home)
    chosen = catalog.get(template, actor.ctx.home) if template else None
    specs = fieldspec.field_specs(chosen.schema) if chosen else []
    return render(
        request,
        "generate.html",
        actor,
        templates=choices,
        chosen=chosen,
        fields=_form_fields(specs),
        matter=matter,
        values={},
        result=None,
    )


def _form_fields(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The user's fields of a template, each with how to show it: list-of-object fields carry
    their item fields as `columns`; items of lists the ledger fills are not asked for."""
    user = [s for s in specs if s["source"] == "user"]
    lists = {s["name"] for s in user if s["type"] == "list"}
    out: list[dict[str, Any]] = []
    for s in user:
        if "[]." in s["name"]:
            parent, _sep, sub = s["name"].partition("[].")
            if parent in lists:
                next(f for f in out if f["name"] == parent)["columns"].append({**s, "sub": sub})
            continue
        field = dict(s, columns=[])
        if s["type"].startswith("choice("):
            field["choices"] = s["type"][7:-1].split("|")
        out.append(field)
    return out


@router.post("/generate")
async def generate(request: Request) -> Response:
    from archivist.documents import catalog, fieldspec
    from archivist.documents import generate as gen

    actor, form = await deps.form_actor(request)
    name, matter = _str(form, "template"), _str(form, "matter")
    template = catalog.get(name, actor.ctx.home)
    values = {k: str(v) for k, v in form.items() if k not in ("csrf", "template", "matter")}
    result = gen.generate(
        actor.ctx,
        matter,
        template.name,
        data=fieldspec.form_data(template.schema, values),
        pdf=bool(form.get("pdf")),
    )
    return render(
        request,
        "generate.html",
        actor,
        templates=gen.matter_templates(actor.ctx.home),
        chosen=template,
        fields=_form_fields(fieldspec.field_specs(template.schema)),
        matter=matter,
        values=values,
        result=result,
    )


# ------------------------------------------------------------------------------ complaints
@router.post("/complaints")
async def complaint_intake(request: Request) -> Response:
    from archivist.complaints import service as complaints

    actor, form = await deps.form_actor(request)
    c = complaints.file(
        actor.ctx,
        _str(form, "client"),
        _str(form, "channel"),
        _str(form, "content"),
        matter=_str(form, "matter") or None,
        told=_str(form, "told") or None,
    )
    return see_other(f"/complaints/{c.number}")


@router.get("/complaints/{number}", response_class=HTMLResponse)
def complaint_page(request: Request, number: str) -> Response:
    from archivist.complaints import service as complaints

    actor = deps.page_actor(request)
    return render(
        request,
        "complaint.html",
        actor,
        c=complaints.show(actor.ctx, number),
        categories=complaints.CATEGORIES,
        responsibilities=complaints.RESPONSIBILITIES,
        opinions=complaints.OPINIONS,
    )


@router.post("/complaints/{number}/{step}")
async def complaint_step(request: Request, number: str, step: str) -> Response:
    from archivist.complaints import service as complaints

    actor, form = await deps.form_actor(request)
    ctx = actor.ctx
    if step == "classify":
        complaints.classify(
            ctx, number, _str(form, "category"), _str(form, "cause"), _str(form, "responsibility")
        )
    elif step == "assign":
        complaints.assign(ctx, number, _str(form, "to"), _str(form, "due") or None)
    elif step == "notify":
        complaints.notify(ctx, number, _str(form, "text"))
    elif step == "resolve":
        complaints.resolve(ctx, number, _str(form, "finding"), _str(form, "action"))
    elif step == "feedback":
        complaints.feedback(
            ctx, number, _str(form, "result"), _str(form, "opinion"), _str(form, "note") or None
        )
    elif step == "close":
        complaints.close(ctx, number, _str(form, "note"))
    elif step == "propose":
        complaints.propose(ctx, number, _str(form, "text"))
    else:
        return error_page(request, 404, "")
    return see_other(f"/complaints/{number}")


# ------------------------------------------------------------------------------ users
@router.get("/users", response_class=HTMLResponse)
def user_list(request: Request, done: str = "") -> Response:
    from archivist.core import users
    from archivist.models import Role

    actor = deps.page_actor(request)
    states = accounts.account_states(actor.ctx)  # refuses those who may not manage users
    with actor.ctx.ledger.read() as conn:
        people = users.list_users(conn)
    return render(
        request,
        "users.html",
        actor,
        people=people,
        states=states,
        roles=[r.value for r in Role],
        done=done,
    )


@router.post("/users")
async def user_add(request: Request) -> Response:
    from archivist.core import users

    actor, form = await deps.form_actor(request)
    roles = [str(v) for k, v in (await request.form()).multi_items() if k == "roles"]
    user = users.add(
        actor.ctx,
        _str(form, "username"),
        _str(form, "display_name"),
        roles,
        licence_number=_str(form, "licence_number") or None,
    )
    password = str(form.get("password") or "")
    if password:
        accounts.set_password(actor.ctx, user.username, password, must_change=True)
    return see_other(f"/users?done={user.username}#{user.username}")


@router.post("/users/{username}/{step}")
async def user_step(request: Request, username: str, step: str) -> Response:
    from archivist.core import users

    actor, form = await deps.form_actor(request)
    if step == "deactivate":
        users.set_active(actor.ctx, username, False)
    elif step == "activate":
        users.set_active(actor.ctx, username, True)
    elif step == "password":
        accounts.set_password(actor.ctx, username, str(form.get("password") or ""))
    elif step == "unlock":
        accounts.unlock(actor.ctx, username)
    else:
        return error_page(request, 404, "")
    return see_other(f"/users?done={username}#{username}")


# ------------------------------------------------------------------------------ reports
@router.get("/reports/complaints.csv")
def report_csv(request: Request, date_from: str = "", date_to: str = "") -> Response:
    from archivist.core import clock
    from archivist.reports import complaints as complaint_report

    actor = deps.page_actor(request)
    today = clock.today()
    start = date_from or today.replace(month=1, day=1).isoformat()
    end = date_to or today.isoformat()
    report = complaint_report.report(actor.ctx, start, end)
    return Response(
        complaint_report.to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="complaints-{start}-{end}.csv"'},
    )
