"""Request plumbing: the library Context for the signed-in user (session cookie or API token),
and CSRF checks on forms. The rules themselves are in archivist.core.accounts."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from archivist.core import accounts
from archivist.core.context import Context
from archivist.models import User

SESSION_COOKIE = "archivist_session"
PRE_CSRF_COOKIE = "archivist_csrf"


class NotSignedIn(Exception):
    """No valid session (pages redirect to sign-in) or token (the API answers 401)."""


class MustChangePassword(Exception):
    pass


class CsrfRefused(Exception):
    pass


@dataclass
class Actor:
    ctx: Context
    user: User
    csrf: str
    lang: str


def base(request: Request) -> Context:
    ctx: Context = request.app.state.base
    return ctx


def for_user(request: Request, user: User) -> Context:
    b = base(request)
    return Context(
        home=b.home, settings=b.settings, ledger=b.ledger, username=user.username, _actor=user
    )


def lang_of(request: Request) -> str:
    return "en" if request.cookies.get("lang") == "en" else "zh"


def page_actor(request: Request, allow_must_change: bool = False) -> Actor:
    found = accounts.session_user(
        base(request), request.cookies.get(SESSION_COOKIE), request.app.state.idle_minutes
    )
    if found is None:
        raise NotSignedIn()
    if found.must_change and not allow_must_change:
        raise MustChangePassword()
    return Actor(for_user(request, found.user), found.user, found.csrf, lang_of(request))


async def form_actor(request: Request, allow_must_change: bool = False) -> tuple[Actor, dict]:
    """The signed-in user of a form post, after its CSRF token was checked."""
    actor = page_actor(request, allow_must_change)
    form = await request.form()
    if not accounts.csrf_ok(actor.csrf, str(form.get("csrf") or "")):
        raise CsrfRefused()
    return actor, {k: v for k, v in form.multi_items()}


def api_actor(request: Request) -> Context:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    user = accounts.token_user(base(request), token)
    if user is None:
        raise NotSignedIn()
    return for_user(request, user)


def source(request: Request) -> str:
    return request.client.host if request.client else ""
