"""The application factory: `create_app(home)` serves one archivist home."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from archivist.core.accounts import IDLE_MINUTES, SourceLimiter
from archivist.core.context import open_context
from archivist.core.errors import ArchivistError
from archivist.web import deps
from archivist.web.errors import message_of

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'self'"
)


def create_app(
    home: str | os.PathLike[str], *, idle_minutes: int = IDLE_MINUTES, secure_cookies: bool = False
) -> FastAPI:
    base = open_context(home)
    app = FastAPI(
        title="archivist",
        version="1",
        docs_url="/api/v1/docs",
        openapi_url="/api/v1/openapi.json",
        redoc_url=None,
    )
    app.state.base = base
    app.state.idle_minutes = idle_minutes
    app.state.secure_cookies = secure_cookies
    app.state.limiter = SourceLimiter()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from archivist.web import api, manage, pages

    app.include_router(pages.router)
    app.include_router(manage.router)
    app.include_router(api.router)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        try:
            response: Response = await call_next(request)
        except Exception as exc:  # noqa: BLE001 - a bug: a reference number, no traceback
            response = error_response(request, exc)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(deps.NotSignedIn)
    async def not_signed_in(request: Request, exc: Exception) -> Response:
        if wants_json(request):
            return JSONResponse(
                {"error": "not signed in", "status": 401},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return RedirectResponse("/signin", status_code=303)

    @app.exception_handler(deps.MustChangePassword)
    async def must_change(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/password", status_code=303)

    @app.exception_handler(deps.CsrfRefused)
    async def csrf_refused(request: Request, exc: Exception) -> Response:
        return pages.error_page(request, 403, "CSRF token missing or wrong; reload the page")

    def error_response(request: Request, exc: Exception) -> Response:
        status, text = message_of(exc)
        if wants_json(request):
            return JSONResponse({"error": text, "status": status}, status_code=status)
        return pages.error_page(request, status, text)

    @app.exception_handler(ArchivistError)
    async def library_error(request: Request, exc: Exception) -> Response:
        return error_response(request, exc)

    @app.exception_handler(ValidationError)
    async def invalid(request: Request, exc: Exception) -> Response:
        return error_response(request, exc)

    app.router.add_event_handler("shutdown", base.close)
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory` workers started by `archivist serve`."""
    return create_app(
        os.environ["ARCHIVIST_WEB_HOME"],
        secure_cookies=os.environ.get("ARCHIVIST_SECURE_COOKIES") == "1",
    )
