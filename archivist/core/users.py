"""Users and roles."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archivist.core import access, audit, clock
from archivist.core.context import Context
from archivist.core.errors import Conflict, InvalidInput, NotFound
from archivist.ledger.tables.core import user_roles, users
from archivist.models import Role, User

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _roles_of(conn: Connection, user_ids: list[int]) -> dict[int, list[Role]]:
    out: dict[int, list[Role]] = {i: [] for i in user_ids}
    if not user_ids:
        return out
    for row in conn.execute(
        select(user_roles.c.user_id, user_roles.c.role)
        .where(user_roles.c.user_id.in_(user_ids))
        .order_by(user_roles.c.role)
    ):
        out[row.user_id].append(Role(row.role))
    return out


def _model(row: Any, roles: list[Role]) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        roles=roles,
        active=bool(row.active),
        licence_number=row.licence_number,
        practice_area=row.practice_area,
        created_at=row.created_at,
    )


def get(conn: Connection, username: str) -> User:
    """The user `username`; a name differing only in case is the same name (`MEI` is `mei`)."""
    row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None and username:
        rows = conn.execute(
            select(users).where(func.lower(users.c.username) == username.lower()).limit(2)
        ).all()
        row = rows[0] if len(rows) == 1 else None
    if row is None:
        raise NotFound(f"no user {username!r}", "See `archivist user list`.")
    return _model(row, _roles_of(conn, [row.id])[row.id])


def from_row(conn: Connection, row: Any) -> User:
    """The User of a row with the users table's columns (read by a caller's own query)."""
    return _model(row, _roles_of(conn, [row.id])[row.id])


def by_id(conn: Connection, user_id: int) -> User:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"no user with id {user_id}")
    return _model(row, _roles_of(conn, [row.id])[row.id])


def list_users(conn: Connection, include_inactive: bool = True) -> list[User]:
    stmt = select(users).order_by(users.c.username)
    if not include_inactive:
        stmt = stmt.where(users.c.active.is_(True))
    rows = conn.execute(stmt).all()
    roles = _roles_of(conn, [r.id for r in rows])
    return [_model(r, roles[r.id]) for r in rows]


def validate_username(username: str) -> str:
    if not USERNAME_RE.match(username or ""):
        raise InvalidInput(
            f"username {username[:40]!r} is not allowed",
            "Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
        )
    return username


def parse_roles(values: list[str] | tuple[str, ...]) -> list[Role]:
    roles = []
    for v in values:
        try:
            roles.append(Role(v.strip().lower()))
        except ValueError:
            raise InvalidInput(
                f"unknown role {v[:30]!r}", "Roles: " + ", ".join(r.value for r in Role) + "."
            ) from None
    if not roles:
        raise InvalidInput("a user needs at least one role", "Pass --role ROLE.")
    return sorted(set(roles), key=lambda r: r.value)


def insert_user(
    conn: Connection,
    actor: str,
    username: str,
    display_name: str,
    roles: list[Role],
    licence_number: str | None = None,
    practice_area: str | None = None,
) -> User:
    validate_username(username)
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > 200:
        raise InvalidInput("a user's display name must be 1-200 characters", "Pass --name.")
    same = conn.execute(
        select(users.c.username).where(func.lower(users.c.username) == username.lower())
    ).scalar()
    if same is not None:
        what = (
            f"user {username!r} already exists"
            if same == username
            else f"user {same!r} already exists (user names do not differ by case)"
        )
        raise Conflict(what, "Choose another username.")
    uid = conn.execute(
        users.insert().values(
            username=username,
            display_name=display_name,
            active=True,
            licence_number=licence_number,
            practice_area=practice_area,
            created_at=clock.now(),
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    conn.execute(user_roles.insert(), [{"user_id": uid, "role": r.value} for r in roles])
    by = conn.execute(select(users.c.id).where(users.c.username == actor)).scalar()
    bootstrap = by == uid and conn.execute(select(func.count()).select_from(users)).scalar() == 1
    record_grants(conn, uid, [], roles, None if bootstrap else by, bootstrap)
    audit.record(
        conn,
        actor,
        "user.add",
        "user",
        username,
        roles=[r.value for r in roles],
        display_name=display_name,
        licence_number=licence_number,
    )
    return get(conn, username)


def record_grants(
    conn: Connection,
    user_id: int,
    old: list[Role],
    new: list[Role],
    by_user_id: int | None,
    bootstrap: bool = False,
) -> None:
    """Keep each role granted or taken away, by whom (role_grants)."""
    from archivist.ledger.tables.conflicts import role_grants

    now = clock.now()
    for role in sorted(set(old) ^ set(new), key=lambda r: r.value):
        conn.execute(
            role_grants.insert().values(
                user_id=user_id,
                role=role.value,
                granted=role in new,
                by_user_id=by_user_id,
                bootstrap=bootstrap,
                at=now,
            )
        )


def grants(conn: Connection, username: str) -> list[dict[str, object]]:
    """The history of a user's roles: each grant and removal, by whom, and the bootstrap."""
    from archivist.ledger.tables.conflicts import role_grants

    user = get(conn, username)
    names = {r.id: r.username for r in conn.execute(select(users.c.id, users.c.username))}
    return [
        {
            "role": r.role,
            "granted": bool(r.granted),
            "by": names.get(r.by_user_id) if r.by_user_id else None,
            "bootstrap": bool(r.bootstrap),
            "at": r.at.isoformat(sep=" "),
        }
        for r in conn.execute(
            select(role_grants).where(role_grants.c.user_id == user.id).order_by(role_grants.c.id)
        )
    ]


def add(
    ctx: Context,
    username: str,
    display_name: str,
    roles: list[str] | list[Role],
    licence_number: str | None = None,
    practice_area: str | None = None,
) -> User:
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="manage users")
    parsed = parse_roles([str(r.value if isinstance(r, Role) else r) for r in roles])
    access.require_role_change(actor, username, [], parsed)
    with ctx.ledger.write() as conn:
        return insert_user(
            conn, actor.username, username, display_name, parsed, licence_number, practice_area
        )


def set_active(ctx: Context, username: str, active: bool) -> User:
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="manage users")
    with ctx.ledger.write() as conn:
        user = get(conn, username)
        if user.active == active:
            raise Conflict(f"user {username!r} is already {'active' if active else 'inactive'}")
        if not active and user.username == actor.username:
            raise Conflict("you cannot deactivate yourself", "Ask another archivist or the head.")
        conn.execute(users.update().where(users.c.id == user.id).values(active=active))
        audit.record(
            conn,
            actor.username,
            "user.activate" if active else "user.deactivate",
            "user",
            username,
            old=user.active,
            new=active,
        )
        return get(conn, username)


def edit(
    ctx: Context,
    username: str,
    *,
    display_name: str | None = None,
    licence_number: str | None = None,
    practice_area: str | None = None,
    roles: list[str] | None = None,
) -> User:
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="manage users")
    with ctx.ledger.write() as conn:
        user = get(conn, username)
        changes: dict[str, dict[str, object]] = {}
        values: dict[str, object] = {}
        for key, new in (
            ("display_name", display_name),
            ("licence_number", licence_number),
            ("practice_area", practice_area),
        ):
            if new is not None and new != getattr(user, key):
                changes[key] = {"old": getattr(user, key), "new": new}
                values[key] = new
        if values:
            conn.execute(users.update().where(users.c.id == user.id).values(**values))
        if roles is not None:
            parsed = parse_roles(roles)
            if parsed != user.roles:
                access.require_role_change(actor, user.username, user.roles, parsed)
                record_grants(conn, user.id, user.roles, parsed, actor.id)
                conn.execute(user_roles.delete().where(user_roles.c.user_id == user.id))
                conn.execute(
                    user_roles.insert(), [{"user_id": user.id, "role": r.value} for r in parsed]
                )
                changes["roles"] = {
                    "old": [r.value for r in user.roles],
                    "new": [r.value for r in parsed],
                }
        if not changes:
            raise InvalidInput("nothing to change", "Pass at least one new value.")
        audit.record(conn, actor.username, "user.edit", "user", username, changes=changes)
        return get(conn, username)


def role_history(ctx: Context, username: str) -> list[dict[str, object]]:
    """Who granted or took away each of the user's roles (archivist or head)."""
    ctx.require(Role.ARCHIVIST, Role.HEAD, action="read role grants")
    with ctx.ledger.read() as conn:
        return grants(conn, username)
