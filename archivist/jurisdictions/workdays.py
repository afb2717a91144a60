"""Deadlines counted in working days: weekends, the jurisdiction's public holidays (the
`holidays` package: TW, CN) and the firm's own closed days (`[deadlines] extra_holidays`) are
skipped. Which deadlines count working days is `[deadlines] working_days` in archivist.toml."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any


def _closed_days(country: str, years: range) -> set[date]:
    import holidays

    return set(holidays.country_holidays(country, years=list(years)))


def add_working_days(start: date, days: int, country: str, extra: set[date]) -> date:
    """The date `days` working days after `start`."""
    closed = _closed_days(country, range(start.year, start.year + 2 + days // 200)) | extra
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            counted += 1
    return day


def deadline(settings: Any, start: date, days: int, kind: str) -> date:
    """`start` + `days` for the deadline `kind` (contact, complaint): calendar days, or
    working days when `[deadlines] working_days` names it."""
    d = settings.deadlines
    if kind not in d.working_days:
        return start + timedelta(days=days)
    from archivist.jurisdictions import get

    country = get(settings.firm.jurisdiction).holidays_country
    return add_working_days(start, days, country, set(d.extra_holidays))
