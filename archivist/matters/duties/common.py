"""Shared helpers of the rights-and-duties modules: who may act on a matter, look-ups of users
and filed documents, clean text and money."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core.errors import Forbidden, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.core import users
from archivist.ledger.tables.documents import documents
from archivist.matters import service as matters_mod
from archivist.models import Matter, Role, User

MAX_TEXT = 10000
CENT = Decimal("0.01")


def require_writer(conn: Connection, user: User, matter: Matter) -> None:
    """Archivist/head, or a lawyer actively assigned to the matter. Uses the matters module's
    rule when it has one, so both features agree on who may write."""
    fn = getattr(matters_mod, "require_writer", None)
    if fn is not None:
        fn(conn, user, matter)
        return
    if user.has(Role.ARCHIVIST, Role.HEAD) or user.username in matter.lawyers:
        return
    who = ", ".join(matter.lawyers) or "nobody"
    raise Forbidden(
        _(
            "{username} may not record work on matter {number}: only its assigned lawyers ({who}), an archivist or the head may"
        ).format(username=user.username, number=matter.number, who=who)
    )


def add_event(
    conn: Connection,
    matter: Matter,
    actor: User,
    kind: str,
    text: str,
    reported_to_client: bool = False,
) -> None:
    """Put a line on the matter's timeline when the matters module keeps one."""
    fn = getattr(matters_mod, "add_event", None)
    if fn is not None:
        fn(conn, matter, actor, kind, text, reported_to_client=reported_to_client)


def clean_text(
    value: str | None, what: str, *, required: bool = True, limit: int = MAX_TEXT
) -> str | None:
    text = (value or "").strip()
    if "\x00" in text:
        raise InvalidInput(_("{what} contains a NUL character").format(what=what))
    if not text:
        if required:
            raise InvalidInput(
                _("{what} is empty").format(what=what), _("Give {what}.").format(what=what)
            )
        return None
    if len(text) > limit:
        raise InvalidInput(
            _("{what} is longer than {limit} characters").format(what=what, limit=limit)
        )
    return text


def parse_amount(value: str | Decimal | int | float, what: str = "--amount") -> Decimal:
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(
            _("{what} {text!r} is not an amount").format(what=what, text=text[:30]),
            _("Write it as digits, e.g. 15000 or 15000.50."),
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(
            _("{what} {text!r} must be more than 0").format(what=what, text=text[:30])
        )
    if amount != amount.quantize(CENT):
        raise InvalidInput(
            _("{what} {text!r} has more than 2 decimal places").format(what=what, text=text[:30])
        )
    if amount >= Decimal("1e12"):
        raise InvalidInput(_("{what} {text!r} is too large").format(what=what, text=text[:30]))
    return amount.quantize(CENT)


def money(value: Decimal | int | float | str | None) -> str:
    return str(Decimal(str(value or 0)).quantize(CENT))


def lawyer(conn: Connection, username: str, what: str = "lawyer") -> User:
    from archivist.core import users as users_mod

    user = users_mod.get(conn, (username or "").strip())
    if not user.active:
        raise InvalidInput(
            _("user {username!r} is deactivated").format(username=user.username),
            _("Choose an active lawyer (see `archivist user list`)."),
        )
    if not user.has(Role.LAWYER):
        raise InvalidInput(
            _("{what} {username!r} is not a lawyer").format(what=what, username=user.username),
            _("Choose a user with the role 'lawyer' (see `archivist user list`)."),
        )
    return user


def usernames(conn: Connection) -> dict[int, str]:
    return {r.id: r.username for r in conn.execute(select(users.c.id, users.c.username))}


def document_id(conn: Connection, number: str, client_id: int, what: str = "--document") -> int:
    """The id of a filed document of this client, by its number."""
    text = (number or "").strip()
    row = conn.execute(
        select(documents.c.id, documents.c.client_id).where(documents.c.number == text)
    ).first()
    if row is None:
        row = conn.execute(
            select(documents.c.id, documents.c.client_id).where(documents.c.number == text.upper())
        ).first()
    if row is None:
        raise NotFound(
            _("{what}: no filed document {text!r}").format(what=what, text=text[:48]),
            _("File the signed document first (`archivist file add`) and pass its number."),
        )
    if row.client_id != client_id:
        raise InvalidInput(
            _("{what}: document {text} belongs to another client's archive").format(
                what=what, text=text[:48]
            )
        )
    return int(row.id)


def document_numbers(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        r.id: r.number
        for r in conn.execute(
            select(documents.c.id, documents.c.number).where(documents.c.id.in_(ids))
        )
    }


def write_out(path: str, data: bytes, *, home: Any, overwrite: bool = False) -> str:
    """Write an output file (a report, an export) by temp file and rename: a half-written file
    never appears. Refuses to replace an existing file unless `overwrite`."""
    from pathlib import Path

    from archivist.core.output import write_atomic

    return str(write_atomic(Path(path), data, home=home, overwrite=overwrite))


def new_id(result: Any) -> int:
    """The primary key of the row an insert created."""
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every table here has an integer key
        raise RuntimeError("the insert returned no key")
    return int(key[0])
