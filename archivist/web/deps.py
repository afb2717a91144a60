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


def lang_of(request: Request, user: User | None = None) -> str:
    """The page language: the `lang` cookie (the switch on every page), else the user's own
    setting, else the firm's, else Traditional Chinese. Returns zh or en."""
    from archivist.core import i18n

    if request.url.path.startswith("/api/"):
        # scripts: English unless the request asks for Traditional Chinese (Accept-Language)
        wanted = request.headers.get("accept-language", "").split(",")[0].split(";")[0]
        return "zh" if i18n.from_locale({"LANG": wanted}) == i18n.ZH else "en"
    cookie = request.cookies.get("lang")
    if cookie in ("zh", "en"):
        return cookie
    chosen = (user.language if user else None) or base(request).settings.firm.language
    return "en" if i18n.normalize(chosen) == i18n.EN else "zh"


def page_actor(request: Request, allow_must_change: bool = False) -> Actor:
    found = accounts.session_user(
        base(request), request.cookies.get(SESSION_COOKIE), request.app.state.idle_minutes
    )
    if found is None:
        raise NotSignedIn()
    if found.must_change and not allow_must_change:
        raise MustChangePassword()
    lang = lang_of(request, found.user)
    from archivist.core import i18n

    i18n.set_language(lang)
    return Actor(for_user(request, found.user), found.user, found.csrf, lang)


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
