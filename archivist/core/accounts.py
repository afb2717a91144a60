"""Sign-in: passwords (Argon2id), sessions with an idle timeout and a CSRF token, lockout after
repeated failures, and revocable API tokens. Secrets are kept only as hashes. Every sign-in,
failure and sign-out is audited. Front ends (web) call these; they hold no rule of their own."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import audit, clock
from archivist.core.context import Context
from archivist.core.errors import ArchivistError, Conflict, Forbidden, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.accounts import api_tokens, credentials, sessions
from archivist.ledger.tables.core import users as users_table
from archivist.models import Role, User

MIN_PASSWORD = 10
MAX_FAILURES = 5  # then the account is locked for LOCK_MINUTES
LOCK_MINUTES = 15
IDLE_MINUTES = 30  # a session unused this long is over
SOURCE_LIMIT = 20  # sign-in attempts per source per minute


class SignInFailed(Forbidden):
    """Wrong user name or password, a locked or deactivated account (one message for all)."""


class RateLimited(ArchivistError):
    """Too many sign-in attempts from one place."""


@dataclass(frozen=True)
class Session:
    token: str  # the cookie value, shown once
    csrf: str
    username: str
    must_change: bool


@dataclass(frozen=True)
class SessionUser:
    user: User
    csrf: str
    must_change: bool


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_password_rule(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > 512:
        raise InvalidInput("a password may have at most 512 characters")
    return password


def set_password(ctx: Context, username: str, password: str, *, must_change: bool = True) -> User:
    """The archivist (or head) sets `username`'s password; the user must change it at first
    sign-in (unless must_change=False, e.g. for the demo)."""
    from archivist.core import users

    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="set passwords")
    check_password_rule(password)
    hashed = _hasher().hash(password)
    with ctx.ledger.write() as conn:
        user = users.get(conn, username)
        _store_hash(conn, user.id, hashed, must_change)
        conn.execute(
            sessions.update()
            .where(sessions.c.user_id == user.id, sessions.c.ended_at.is_(None))
            .values(ended_at=clock.now())
        )
        audit.record(
            conn,
            actor.username,
            "user.password.set",
            "user",
            user.username,
            must_change=must_change,
        )
    return user


def _store_hash(conn: Connection, user_id: int, hashed: str, must_change: bool) -> None:
    values = {
        "password_hash": hashed,
        "must_change": must_change,
        "set_at": clock.now(),
        "failures": 0,
        "locked_until": None,
    }
    if (
        conn.execute(
            credentials.update().where(credentials.c.user_id == user_id).values(**values)
        ).rowcount
        == 0
    ):
        conn.execute(credentials.insert().values(user_id=user_id, **values))


class SourceLimiter:
    """At most `limit` attempts per source in a sliding minute (in this process)."""

    def __init__(self, limit: int = SOURCE_LIMIT, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, source: str) -> None:
        now = time.monotonic()
        with self._lock:
            q = self._seen.setdefault(source, deque())
            while q and now - q[0] > self.window:
                q.popleft()
            if len(q) >= self.limit:
                raise RateLimited(
                    "too many sign-in attempts from here", "Wait a minute and try again."
                )
            q.append(now)


def sign_in(ctx: Context, username: str, password: str, source: str = "") -> Session:
    """Check a password; on success open a session. Failures are counted and the account is
    locked for LOCK_MINUTES after MAX_FAILURES. Wrong name, wrong password, locked and
    deactivated accounts all fail with the same message."""
    from archivist.core import users

    failed = SignInFailed(
        "the user name or password is wrong, or the account is locked",
        "Try again, or ask the archivist to reset your password.",
    )
    now = clock.now()
    verdict: str
    with ctx.ledger.write() as conn:
        try:
            user = users.get(conn, username)
        except NotFound:
            audit.record(
                conn,
                username[:64] or "?",
                "signin.failure",
                "user",
                username[:64],
                reason="unknown user",
                source=source,
            )
            verdict = "fail"
        else:
            verdict = _check(conn, user, password, now, source)
            if verdict == "ok":
                token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
                conn.execute(
                    sessions.insert().values(
                        id_hash=_digest(token),
                        user_id=user.id,
                        csrf=csrf,
                        created_at=now,
                        last_seen=now,
                    )
                )
                must = bool(
                    conn.execute(
                        select(credentials.c.must_change).where(credentials.c.user_id == user.id)
                    ).scalar()
                )
                audit.record(conn, user.username, "signin", "user", user.username, source=source)
                return Session(token=token, csrf=csrf, username=user.username, must_change=must)
    raise failed


def _check(conn: Connection, user: User, password: str, now: datetime, source: str) -> str:
    from argon2.exceptions import Argon2Error

    row = conn.execute(select(credentials).where(credentials.c.user_id == user.id)).first()
    reason = ""
    if row is None:
        reason = "no password set"
    elif not user.active:
        reason = "deactivated"
    elif row.locked_until is not None and row.locked_until > now:
        reason = "locked"
    else:
        try:
            _hasher().verify(row.password_hash, password)
        except (Argon2Error, ValueError):
            reason = "wrong password"
    if not reason:
        conn.execute(
            credentials.update()
            .where(credentials.c.user_id == user.id)
            .values(failures=0, locked_until=None)
        )
        return "ok"
    details: dict[str, Any] = {"reason": reason, "source": source}
    if row is not None and reason == "wrong password":
        failures = row.failures + 1
        values: dict[str, object] = {"failures": failures}
        if failures >= MAX_FAILURES:
            values = {"failures": 0, "locked_until": now + timedelta(minutes=LOCK_MINUTES)}
            details["locked_until"] = values["locked_until"]
        conn.execute(credentials.update().where(credentials.c.user_id == user.id).values(**values))
    audit.record(conn, user.username, "signin.failure", "user", user.username, **details)
    return "fail"


def session_user(
    ctx: Context, token: str | None, idle_minutes: int = IDLE_MINUTES
) -> SessionUser | None:
    """The signed-in user of a session cookie, or None (unknown, ended, idle too long, or the
    user deactivated). Using a session moves its idle clock."""
    from archivist.core import users

    if not token:
        return None
    now = clock.now()
    # one query for the session, its user and the must-change flag, one for the roles: every
    # page asks this, so it is kept to two statements (most requests only read; the idle clock
    # moves rarely)
    with ctx.ledger.read() as conn:
        row = conn.execute(
            select(
                sessions.c.id_hash,
                sessions.c.csrf,
                sessions.c.last_seen,
                credentials.c.must_change,
                *[c.label(f"u_{c.name}") for c in users_table.c],
            )
            .select_from(
                sessions.join(users_table, users_table.c.id == sessions.c.user_id).outerjoin(
                    credentials, credentials.c.user_id == sessions.c.user_id
                )
            )
            .where(sessions.c.id_hash == _digest(token), sessions.c.ended_at.is_(None))
        ).first()
        if row is None:
            return None
        fields = {c.name: getattr(row, f"u_{c.name}") for c in users_table.c}
        user = users.from_row(conn, SimpleNamespace(**fields))
        must = bool(row.must_change)
    idle = now - row.last_seen
    if idle > timedelta(minutes=idle_minutes) or idle >= timedelta(seconds=30):
        with ctx.ledger.write() as conn:
            values = (
                {"ended_at": now} if idle > timedelta(minutes=idle_minutes) else {"last_seen": now}
            )
            conn.execute(
                sessions.update().where(sessions.c.id_hash == row.id_hash).values(**values)
            )
        if "ended_at" in values:
            return None
    if not user.active:
        return None
    return SessionUser(user=user, csrf=row.csrf, must_change=must)


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")


def sign_out(ctx: Context, token: str | None) -> None:
    if not token:
        return
    from archivist.core import users

    with ctx.ledger.write() as conn:
        row = conn.execute(
            select(sessions).where(
                sessions.c.id_hash == _digest(token), sessions.c.ended_at.is_(None)
            )
        ).first()
        if row is None:
            return
        conn.execute(
            sessions.update().where(sessions.c.id_hash == row.id_hash).values(ended_at=clock.now())
        )
        user = users.by_id(conn, row.user_id)
        audit.record(conn, user.username, "signout", "user", user.username)


def change_password(ctx: Context, username: str, old: str, new: str) -> None:
    """The signed-in user changes their own password (required after it was set for them)."""
    from argon2.exceptions import Argon2Error

    from archivist.core import users

    check_password_rule(new)
    if old == new:
        raise InvalidInput("the new password must differ from the old one")
    with ctx.ledger.write() as conn:
        user = users.get(conn, username)
        row = conn.execute(select(credentials).where(credentials.c.user_id == user.id)).first()
        if row is None:
            raise Forbidden("no password is set for you", "Ask the archivist.")
        try:
            _hasher().verify(row.password_hash, old)
        except (Argon2Error, ValueError):
            raise InvalidInput("the current password is wrong") from None
        _store_hash(conn, user.id, _hasher().hash(new), False)
        audit.record(conn, user.username, "user.password.change", "user", user.username)


def unlock(ctx: Context, username: str) -> User:
    """The archivist (or head) lifts a lockout after repeated failed sign-ins before its time
    is up; the failure count starts again."""
    from archivist.core import users

    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="unlock accounts")
    with ctx.ledger.write() as conn:
        user = users.get(conn, username)
        row = conn.execute(select(credentials).where(credentials.c.user_id == user.id)).first()
        if row is None or row.locked_until is None or row.locked_until <= clock.now():
            raise Conflict(_("user {user!r} is not locked").format(user=user.username))
        conn.execute(
            credentials.update()
            .where(credentials.c.user_id == user.id)
            .values(failures=0, locked_until=None)
        )
        audit.record(
            conn, actor.username, "user.unlock", "user", user.username, was=row.locked_until
        )
    return user


def account_states(ctx: Context) -> dict[str, dict[str, Any]]:
    """Per username: whether a password is set, must be changed, and until when the account is
    locked (None when it is not), for the archivist's users page."""
    ctx.require(Role.ARCHIVIST, Role.HEAD, action="manage users")
    now = clock.now()
    with ctx.ledger.read() as conn:
        rows = conn.execute(
            select(
                users_table.c.username,
                credentials.c.must_change,
                credentials.c.locked_until,
            ).select_from(
                users_table.outerjoin(credentials, credentials.c.user_id == users_table.c.id)
            )
        ).all()
    return {
        r.username: {
            "password_set": r.must_change is not None,
            "must_change": bool(r.must_change),
            "locked_until": r.locked_until
            if r.locked_until is not None and r.locked_until > now
            else None,
        }
        for r in rows
    }


# ----------------------------------------------------------------------------- API tokens
def create_token(ctx: Context, username: str, name: str = "") -> tuple[int, str]:
    """A new API token for `username` (archivist or head, or the user for themselves).
    Returns (id, token); the token is shown once and only its hash is kept."""
    from archivist.core import users

    actor = ctx.actor
    if actor.username.lower() != username.lower():
        ctx.require(Role.ARCHIVIST, Role.HEAD, action="make tokens for others")
    name = (name or "api").strip()[:200] or "api"
    token = "arch_" + secrets.token_urlsafe(32)
    with ctx.ledger.write() as conn:
        user = users.get(conn, username)
        tid = conn.execute(
            api_tokens.insert().values(
                user_id=user.id, name=name, token_hash=_digest(token), created_at=clock.now()
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        audit.record(
            conn, actor.username, "token.create", "user", user.username, token_id=tid, name=name
        )
    return int(tid), token


def revoke_token(ctx: Context, token_id: int) -> None:
    from archivist.core import users

    actor = ctx.actor
    with ctx.ledger.write() as conn:
        row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
        if row is None:
            raise NotFound(f"no API token {token_id}")
        owner = users.by_id(conn, row.user_id)
        if owner.username != actor.username:
            ctx.require(Role.ARCHIVIST, Role.HEAD, action="revoke others' tokens")
        if row.revoked_at is not None:
            raise Conflict(f"API token {token_id} is already revoked")
        conn.execute(
            api_tokens.update().where(api_tokens.c.id == token_id).values(revoked_at=clock.now())
        )
        audit.record(
            conn, actor.username, "token.revoke", "user", owner.username, token_id=token_id
        )


def list_tokens(ctx: Context, username: str) -> list[dict[str, object]]:
    from archivist.core import users

    actor = ctx.actor
    if actor.username.lower() != username.lower():
        ctx.require(Role.ARCHIVIST, Role.HEAD, action="list others' tokens")
    with ctx.ledger.read() as conn:
        user = users.get(conn, username)
        rows = conn.execute(
            select(api_tokens).where(api_tokens.c.user_id == user.id).order_by(api_tokens.c.id)
        ).all()
    return [
        {
            "id": r.id,
            "name": r.name,
            "created_at": r.created_at,
            "last_used": r.last_used,
            "revoked": r.revoked_at is not None,
        }
        for r in rows
    ]


def token_user(ctx: Context, token: str | None) -> User | None:
    """The active user of a valid, unrevoked API token, or None."""
    from archivist.core import users

    if not token:
        return None
    with ctx.ledger.read() as conn:
        row = conn.execute(
            select(api_tokens).where(
                api_tokens.c.token_hash == _digest(token), api_tokens.c.revoked_at.is_(None)
            )
        ).first()
        if row is None:
            return None
        user = users.by_id(conn, row.user_id)
    return user if user.active else None
