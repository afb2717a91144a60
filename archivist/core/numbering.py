"""Number allocation. Every number comes from a counter row incremented inside the caller's
write transaction: a failed transaction consumes nothing, concurrent ones never share a number,
and since counters only go up, a number is never reused."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Connection

from archivist.core.errors import InvalidInput
from archivist.core.i18n import _
from archivist.ledger.tables.core import counters


def next_value(conn: Connection, key: str) -> int:
    """The next value of counter `key`: one UPDATE ... RETURNING (a row lock on PostgreSQL, the
    write lock on SQLite), so two transactions never read the same value."""
    value = conn.execute(
        counters.update()
        .where(counters.c.key == key)
        .values(value=counters.c.value + 1)
        .returning(counters.c.value)
    ).scalar()
    if value is None:
        conn.execute(counters.insert().values(key=key, value=1))
        return 1
    return int(value)


def render(fmt: str, what: str, **values: Any) -> str:
    try:
        return fmt.format(**values)
    except (KeyError, ValueError, IndexError) as exc:
        raise InvalidInput(
            _("the {what} number format {fmt!r} is invalid ({exc})").format(
                what=what, fmt=fmt, exc=exc
            ),
            _("Fix [numbering] in archivist.toml."),
        ) from None


@lru_cache(maxsize=4096)
def _pinyin_initial(char: str) -> str | None:
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")
    if out and out[0] and out[0][0].isascii() and out[0][0].isalpha():
        return out[0][0].upper()
    return None


def class_letter(name: str, person: bool = False) -> str:
    """The archive class of a client's name: the first letter of its romanisation (pinyin for
    Chinese characters; for a person, the surname's reading: 曾 Z, 單 S, 尉遲 Y, see
    core.surnames), the first Latin letter otherwise, '#' for anything else."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    if person:
        from archivist.core.surnames import surname_letter

        letter = surname_letter(text)
        if letter is not None:
            return letter
    for ch in text:
        if ch.isascii():
            if ch.isalpha():
                return ch.upper()
            continue  # digits and punctuation: look further
        base = unicodedata.normalize("NFKD", ch)[0]
        if base.isascii() and base.isalpha():
            return base.upper()  # É -> E
        if (
            "\u3400" <= ch <= "\u9fff"
            or "\uf900" <= ch <= "\ufaff"
            or "\U00020000" <= ch <= "\U0002ffff"
        ):
            return _pinyin_initial(ch) or "#"
        if ch.isalpha():
            return "#"
    return "#"
