"""The firm's own details in archivist.toml ([firm]): contact lines, bank account, tax id,
the complaint line and mailbox, the jurisdiction. `archivist firm set` changes them here; the
change is audited."""

from __future__ import annotations

import re
from typing import Any

from archivist.core import audit, config
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.core.i18n import _
from archivist.models import Role

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KEYS = (*config.FIRM_CONTACT_KEYS, "name", "jurisdiction", "roc_dates")


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """The given values, stripped and checked (e-mail addresses, lengths, no control
    characters); None means 'not given'."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key not in KEYS:
            raise InvalidInput(_("{key} is not a firm setting").format(key=key))
        if isinstance(value, bool):
            out[key] = value
            continue
        text = str(value).strip()
        if any(ord(c) < 0x20 for c in text) or len(text) > 500:
            raise InvalidInput(
                _("the firm's {key} must be one line of at most 500 characters").format(key=key)
            )
        if key in ("email", "complaint_email") and text and not EMAIL_RE.match(text):
            raise InvalidInput(
                _("e-mail address {value!r} is not valid").format(value=text[:60]),
                _("Write it as name@domain."),
            )
        if key == "name" and not text:
            raise InvalidInput(_("the firm's name cannot be empty"))
        out[key] = text
    return out


def set_firm(ctx: Context, values: dict[str, Any]) -> dict[str, Any]:
    """Write the given [firm] settings (archivist or head only) and record `firm.set`; the
    settings of `ctx` are reloaded. Returns the firm's settings after the change."""
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("change the firm's settings"))
    given = clean(values)
    if not given:
        raise InvalidInput(
            _("nothing to set"), _("Pass at least one option, e.g. --phone 02-2345-6789.")
        )
    before = ctx.settings.firm.model_dump()
    with ctx.ledger.write() as conn:
        audit.record(
            conn,
            actor.username,
            "firm.set",
            "firm",
            ctx.settings.firm.name,
            old={k: before.get(k) for k in given},
            new=given,
        )
        config.write_firm(ctx.home.config_path, given)  # last: a failure rolls the event back
    ctx.settings = config.load(ctx.home.config_path)
    return ctx.settings.firm.model_dump()
