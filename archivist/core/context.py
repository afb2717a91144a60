"""The Context: what a library call needs (home, settings, ledger, store, acting user)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from archivist.core import clock, config
from archivist.core.errors import Forbidden, NotFound
from archivist.core.home import Home, locate
from archivist.core.i18n import _
from archivist.ledger import Ledger
from archivist.models import Role, User

if TYPE_CHECKING:
    from archivist.core.store import Store


@dataclass
class Context:
    home: Home
    settings: config.Settings
    ledger: Ledger
    username: str | None = None
    _actor: User | None = field(default=None, repr=False)

    @cached_property
    def store(self) -> Store:
        from archivist.core.store import Store

        return Store(self.home.store_dir)

    @property
    def actor(self) -> User:
        """The acting user: known and active, or a clear refusal."""
        if self._actor is None:
            if not self.username:
                raise Forbidden(
                    _("no acting user was given"),
                    _("Pass --as USERNAME or set ARCHIVIST_USER."),
                )
            from archivist.core import users

            with self.ledger.read() as conn:
                try:
                    user = users.get(conn, self.username)
                except NotFound:
                    raise Forbidden(
                        _("user {username!r} is not known here").format(username=self.username),
                        _("Ask an archivist to add you with `archivist user add`."),
                    ) from None
            if not user.active:
                raise Forbidden(
                    _("user {username!r} is deactivated").format(username=self.username),
                    _("Ask an archivist to reactivate you."),
                )
            self._actor = user
        return self._actor

    def require(self, *roles: Role | str, action: str = "do this") -> User:
        """The actor, if they hold one of `roles`; otherwise Forbidden naming what is missing."""
        user = self.actor
        if not user.has(*roles):
            needed = " or ".join(f"'{Role(r).value}'" for r in roles)
            have = ", ".join(r.value for r in user.roles) or "none"
            raise Forbidden(
                _("{username} may not {action}: it needs the role {needed} (has: {have})").format(
                    username=user.username, action=action, needed=needed, have=have
                )
            )
        return user

    def close(self) -> None:
        self.ledger.dispose()


def open_context(
    home: str | os.PathLike[str] | Home | None = None,
    username: str | None = None,
    *,
    check_version: bool = True,
    restoring: bool = False,
) -> Context:
    from archivist.ledger import migrations

    h = home if isinstance(home, Home) else locate(home)
    if not restoring:
        from archivist.core.backup_marks import refuse_unfinished_restore

        refuse_unfinished_restore(h.root)
    settings = config.load(h.config_path)
    clock.set_zone(settings.firm.timezone)
    clock.allow_override(settings.testing.clock_override)
    ledger = Ledger(h.ledger_url, witness=h.witness_path)
    ledger.guard_moved = True
    if check_version:
        migrations.check(ledger)
    if username is None:
        username = os.environ.get("ARCHIVIST_USER") or None
    return Context(home=h, settings=settings, ledger=ledger, username=username)
