"""Numbers, amounts, percentages and dates for people to read, in the language in effect
(archivist.core.i18n), through Babel's CLDR data: 1,234 / 12,500.50 / 25% and 2026年3月5日 in
Traditional Chinese (Taiwan), March 5, 2026 in English.

JSON output never goes through here: it keeps plain numbers and ISO dates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from archivist.core.i18n import EN, current

# the Babel locale of each interface language
LOCALES = {"zh_Hant": "zh_Hant_TW", EN: "en_US"}


@cache
def _locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(LOCALES.get(lang, "en_US"))


def locale() -> Any:
    """The Babel locale of the language in effect."""
    return _locale(current())


def number(value: int | float | Decimal) -> str:
    """A count with grouping: 1,234."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=locale()))


def decimal(value: float | Decimal, places: int = 2) -> str:
    """A number with exactly `places` decimals: 3.50."""
    from babel.numbers import format_decimal

    pattern = "#,##0." + "0" * places if places else "#,##0"
    return str(format_decimal(value, format=pattern, locale=locale()))


def amount(value: float | Decimal | str, currency: str = "TWD") -> str:
    """A sum of money with its currency as the language writes it: NT$12,500.50 / 12,500.50."""
    from babel.numbers import format_currency

    return str(format_currency(Decimal(str(value)), currency, locale=locale()))


def percent(value: float) -> str:
    """A share: 25%."""
    from babel.numbers import format_percent

    return str(format_percent(value, locale=locale()))


def day(value: date | datetime | None) -> str:
    """A date: 2026年3月5日 / Mar 5, 2026."""
    if value is None:
        return "-"
    from babel.dates import format_date

    if isinstance(value, datetime):
        value = value.date()
    return str(format_date(value, format="medium", locale=locale()))


def moment(value: datetime | None) -> str:
    """A date and time to the minute: 2026年3月5日 下午2:30 / Mar 5, 2026, 2:30 PM."""
    if value is None:
        return "-"
    from babel.dates import format_time

    clock = str(format_time(value, format="short", locale=locale())).replace("\u202f", " ")
    return f"{day(value)} {clock}"
