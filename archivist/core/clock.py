"""The one clock every date in archivist comes from.

Times are the firm's local wall time, stored without a zone (the zone is named in
`archivist.toml`). Tests control the clock with `ARCHIVIST_NOW=2026-03-01T09:30:00` (also seen
by subprocesses) or `set_now()` in-process. `ARCHIVIST_NOW` is honoured only in a home whose
`archivist.toml` says `[testing] clock_override = true` (`allow_override`): elsewhere it is
ignored, and `ignored_override()` says so for a warning, so nobody reads again past a loan's due
date or writes audit times backwards by setting it."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

from archivist.core.errors import InvalidInput
from archivist.core.i18n import _

_fixed: datetime | None = None
_zone: str | None = None
_override_allowed = False


def set_now(value: datetime | str | None) -> None:
    """Freeze the clock at `value` (None unfreezes)."""
    global _fixed
    _fixed = parse_datetime(value) if isinstance(value, str) else value


def set_zone(zone: str | None) -> None:
    global _zone
    _zone = zone


def allow_override(allowed: bool) -> None:
    """Whether `ARCHIVIST_NOW` is honoured (the home's `[testing] clock_override`)."""
    global _override_allowed
    _override_allowed = allowed


def ignored_override() -> str | None:
    """The `ARCHIVIST_NOW` value that is set but not honoured here, else None."""
    env = os.environ.get("ARCHIVIST_NOW")
    return env if env and not _override_allowed else None


def warning() -> str | None:
    """A one-line warning when `ARCHIVIST_NOW` is set where it is not honoured."""
    env = ignored_override()
    if env is None:
        return None
    return (
        f"ARCHIVIST_NOW={env[:40]} is ignored: this home's archivist.toml does not say "
        "[testing] clock_override = true; the real clock is used"
    )


def now() -> datetime:
    if _fixed is not None:
        return _fixed
    env = os.environ.get("ARCHIVIST_NOW")
    if env and _override_allowed:
        return parse_datetime(env)
    if _zone:
        from zoneinfo import ZoneInfo

        try:
            return datetime.now(ZoneInfo(_zone)).replace(tzinfo=None, microsecond=0)
        except Exception:  # unknown zone name: fall back to the machine's zone
            pass
    return datetime.now().replace(microsecond=0)


def today() -> date:
    return now().date()


def parse_date(value: str | date, what: str = "date") -> date:
    """YYYY-MM-DD (also 'today', '+N' days from today). One clear error otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if text == "today":
        return today()
    if text.startswith("+") and text[1:].isdigit() and len(text) < 6:
        return today() + timedelta(days=int(text[1:]))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            _("{what} {text!r} is not a date").format(what=what, text=text[:40]),
            _("Write it as YYYY-MM-DD, e.g. 2026-03-31."),
        ) from None


def parse_datetime(value: str | datetime, what: str = "time") -> datetime:
    if isinstance(value, datetime):
        return value
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            _("{what} {text!r} is not a date/time").format(what=what, text=text[:40]),
            _("Write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS."),
        ) from None
    return parsed.replace(tzinfo=None)
