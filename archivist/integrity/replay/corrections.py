"""The legitimate later changes to filed documents (issue 22): a move to another client,
section or matter (renumbered), a withdrawal into the withdrawn area and its restoration, and
destruction by an approved disposal. They are read before the main pass (few events, selected
by action), so each filing event is compared with the state its corrections leave."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.ledger.tables.core import audit_events

ACTIONS = ("document.move", "document.withdraw", "document.restore", "volume.dispose")


@dataclass
class DocState:
    origin: str
    number: str
    client_id: int | None = None
    moved: bool = False
    section: str | None = None
    matter: str | None = None
    path: str | None = None
    gone: bool = False


@dataclass
class Corrections:
    by_origin: dict[str, DocState] = field(default_factory=dict)

    @property
    def renamed(self) -> dict[str, str]:
        return {o: s.number for o, s in self.by_origin.items() if s.number != o}

    @property
    def gone(self) -> set[str]:
        return {s.number for s in self.by_origin.values() if s.gone}

    def apply(
        self, origin: str, client_id: int | None, d: dict[str, Any]
    ) -> tuple[str, int | None, dict[str, Any]]:
        """(the number, client and filing details the row should now have)."""
        state = self.by_origin.get(origin)
        if state is None:
            return origin, client_id, d
        d = dict(d)
        if state.moved:
            client_id = state.client_id
            d["section"] = state.section
            d["matter"] = state.matter
        if state.path is not None:
            d["path"] = state.path
        return state.number, client_id, d


def load(conn: Connection) -> Corrections:
    current: dict[str, DocState] = {}  # by current number
    for ev in conn.execute(
        select(
            audit_events.c.action,
            audit_events.c.object_id,
            audit_events.c.client_id,
            audit_events.c.details,
        )
        .where(audit_events.c.action.in_(ACTIONS))
        .order_by(audit_events.c.seq)
    ):
        try:
            d = json.loads(ev.details)
        except ValueError:
            continue
        if not isinstance(d, dict):
            continue
        if ev.action == "document.move":
            old = str(d.get("from_number") or "")
            state = current.pop(old, None) or DocState(origin=old, number=old)
            state.number = ev.object_id
            state.client_id = ev.client_id
            state.moved = True
            state.section = d.get("section")
            state.matter = d.get("matter")
            state.path = d.get("path")
            current[ev.object_id] = state
        elif ev.action in ("document.withdraw", "document.restore"):
            state = current.setdefault(ev.object_id, DocState(ev.object_id, ev.object_id))
            state.path = d.get("path")
        elif ev.action == "volume.dispose":
            for number in d.get("documents") or []:
                state = current.setdefault(number, DocState(number, number))
                state.gone = True
    return Corrections(by_origin={s.origin: s for s in current.values()})
