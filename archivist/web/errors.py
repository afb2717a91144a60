"""The one place where library errors become HTTP statuses (pages and API alike)."""

from __future__ import annotations

import logging
import secrets

from archivist.core import errors
from archivist.core.accounts import RateLimited, SignInFailed

log = logging.getLogger("archivist.web")

# Most specific first. Unreadable and nonexistent are both NotFound in the library (404).
STATUS: list[tuple[type[BaseException], int]] = [
    (SignInFailed, 401),
    (RateLimited, 429),
    (errors.NotFound, 404),
    (errors.HomeNotFound, 503),
    (errors.AlreadyFiled, 409),
    (errors.Conflict, 409),
    (errors.Forbidden, 403),
    (errors.InvalidInput, 400),
    (errors.TemplateError, 400),
    (errors.Busy, 503),
    (errors.LedgerVersionError, 503),
    (errors.StorageError, 507),
    (errors.IntegrityError, 500),
    (errors.ArchivistError, 400),
]


def status_of(exc: BaseException) -> int:
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    if type(exc).__module__.startswith("pydantic") and type(exc).__name__ == "ValidationError":
        return 400
    return 500


def message_of(exc: BaseException) -> tuple[int, str]:
    """(status, one-line message). An unexpected error is logged with a reference number and
    only the reference is shown (never a traceback)."""
    status = status_of(exc)
    if status == 500 and not isinstance(exc, errors.ArchivistError):
        ref = secrets.token_hex(4)
        log.exception("internal error, reference %s", ref)
        return 500, f"internal error (reference {ref})"
    if status == 404:
        return 404, "not found"  # the same words for 'does not exist' and 'not yours'
    if type(exc).__name__ == "ValidationError" and hasattr(exc, "errors"):
        parts = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()
        ]
        return status, "invalid input: " + "; ".join(parts)
    return status, " ".join(str(exc).split())
