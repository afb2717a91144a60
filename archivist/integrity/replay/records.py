"""Loans, matters, users and clients: their state as the audit events leave it, compared with
their rows. These are few next to documents, so each keeps a small state per record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.integrity.replay.model import Finding
from archivist.ledger.paging import chunks
from archivist.ledger.tables.core import clients, user_roles, users
from archivist.ledger.tables.documents import documents
from archivist.ledger.tables.loans import loan_documents, loans
from archivist.ledger.tables.matters import matter_lawyers, matters

CHUNK = 1000
DISAGREES = "ledger disagrees with the audit trail"

LOAN_STATES = {
    "loan.request": "pending",
    "loan.approve": "approved",
    "loan.reject": "rejected",
    "loan.checkout": "out",
    "loan.return": "returned",
    "loan.cancel": "cancelled",
}


class Records:
    """The state the chain gives each record, keyed by its number (or username)."""

    def __init__(self) -> None:
        # loan number -> [status, client_id, borrower, approved?, scope, document numbers]
        self.loans: dict[str, list[Any]] = {}
        # matter number -> [client_id, lawyers (set) or None when not recorded, status]
        self.matters: dict[str, list[Any]] = {}
        self.users: dict[str, list[Any]] = {}  # username -> [roles (set), active]
        self.clients: dict[str, list[Any]] = {}  # number -> [client_id, folder, name, id no.]
        self.orphans: list[Finding] = []
        # documents renumbered by a move (origin -> now) and destroyed by a disposal
        self.renamed: dict[str, str] = {}
        self.gone: set[str] = set()

    def event(self, ev: Any, d: dict[str, Any]) -> None:
        action = ev.action
        if action in LOAN_STATES:
            if action == "loan.request":
                self.loans[ev.object_id] = [
                    "pending",
                    ev.client_id,
                    ev.actor,
                    False,
                    d.get("scope"),
                    d.get("documents"),
                ]
            elif (state := self.loans.get(ev.object_id)) is not None:
                state[0] = LOAN_STATES[action]
                if action == "loan.approve":
                    state[3] = True
        elif action == "matter.open":
            lawyers = d.get("lawyers")
            self.matters[ev.object_id] = [
                ev.client_id,
                None if lawyers is None else set(lawyers),
                "open",
            ]
        elif action in ("matter.reassign", "matter.close", "matter.reopen"):
            m = self.matters.get(ev.object_id)
            if m is None:
                return
            if action == "matter.close":
                m[2] = "closed"
            elif action == "matter.reopen":
                m[2] = "open"
            elif m[1] is not None:
                m[1].discard(d.get("old"))
                m[1].add(d.get("new"))
        elif action == "user.add":
            self.users[ev.object_id] = [set(d.get("roles") or []), True]
        elif action in ("user.activate", "user.deactivate"):
            if (u := self.users.get(ev.object_id)) is not None:
                u[1] = action == "user.activate"
        elif action == "user.edit":
            roles = (d.get("changes") or {}).get("roles")
            if roles and (u := self.users.get(ev.object_id)) is not None:
                u[0] = set(roles.get("new") or [])
        elif action == "client.add":
            new = d.get("new") or {}
            self.clients[ev.object_id] = [
                ev.client_id,
                d.get("folder"),
                new.get("name"),
                new.get("id_number"),
            ]
        elif action == "client.edit" and (c := self.clients.get(ev.object_id)) is not None:
            changes = d.get("changes") or {}
            for i, key in ((2, "name"), (3, "id_number")):
                if key in changes:
                    c[i] = changes[key].get("new")


def _rows(conn: Connection, stmt: Any, key: Any) -> Iterator[Any]:
    for rows in chunks(conn, stmt, key, CHUNK):
        yield from rows


def compare(
    conn: Connection, rec: Records, findings: list[Finding], checked: dict[str, int]
) -> None:
    """Every row against the state its events left; then the states no row matched."""

    def add(
        kind: str, record: str, detail: str, cid: int | None = None, client: str | None = None
    ) -> None:
        findings.append(
            Finding(
                kind=kind,
                record=record,
                detail=f"{DISAGREES}: {detail}",
                client_id=cid,
                client=client,
            )
        )

    names = {
        r.id: r.username for r in _rows(conn, select(users.c.id, users.c.username), users.c.id)
    }
    cnum: dict[int, str] = {}

    # clients
    n = 0
    for row in _rows(
        conn,
        select(
            clients.c.id, clients.c.number, clients.c.folder, clients.c.name, clients.c.id_number
        ),
        clients.c.id,
    ):
        n += 1
        cnum[row.id] = row.number
        state = rec.clients.pop(row.number, None)
        if state is None:
            add(
                "client",
                row.number,
                f"client {row.number} has a ledger row but no `client.add` event",
                row.id,
                row.number,
            )
            continue
        for label, want, have in (
            ("id", state[0], row.id),
            ("folder", state[1], row.folder),
            ("name", state[2], row.name),
            ("identity number", state[3], row.id_number),
        ):
            if want != have and (want is not None or label in ("name", "identity number")):
                add(
                    "client",
                    row.number,
                    f"client {row.number}'s {label} differs from its events",
                    row.id,
                    row.number,
                )
    for number, state in rec.clients.items():
        add(
            "client",
            number,
            f"client {number} was added (audit trail) but its row is gone",
            state[0],
            number,
        )
    checked["clients"] = n

    # loans
    n = 0
    lent: dict[int, set[str]] = {}
    for row in conn.execute(
        select(loan_documents.c.loan_id, documents.c.number).join(
            documents, documents.c.id == loan_documents.c.document_id
        )
    ):
        lent.setdefault(row.loan_id, set()).add(row.number)
    for row in _rows(
        conn,
        select(
            loans.c.id,
            loans.c.number,
            loans.c.status,
            loans.c.client_id,
            loans.c.borrower_id,
            loans.c.approved_by,
            loans.c.scope,
        ),
        loans.c.id,
    ):
        n += 1
        state = rec.loans.pop(row.number, None)
        client = cnum.get(row.client_id)
        if state is None:
            add(
                "loan",
                row.number,
                f"loan {row.number} has a ledger row but no `loan.request` event",
                row.client_id,
                client,
            )
            continue
        status, cid, borrower, approved, scope, numbers = state
        if scope is not None and row.scope != scope:
            add(
                "loan",
                row.number,
                f"loan {row.number} lends {row.scope!r} in the ledger but {scope!r} was requested",
                row.client_id,
                client,
            )
        if numbers is not None and lent.get(row.id, set()) != (
            {rec.renamed.get(n, n) for n in numbers} - rec.gone
        ):
            add(
                "loan",
                row.number,
                f"loan {row.number} lends other documents than were requested",
                row.client_id,
                client,
            )
        if row.status != status:
            add(
                "loan",
                row.number,
                f"loan {row.number} is {row.status!r} in the ledger but {status!r} by its events",
                row.client_id,
                client,
            )
        if row.client_id != cid:
            add(
                "loan",
                row.number,
                f"loan {row.number} names another client than its request",
                row.client_id,
                client,
            )
        if names.get(row.borrower_id) != borrower:
            add(
                "loan",
                row.number,
                f"loan {row.number}'s borrower is "
                f"{names.get(row.borrower_id)!r} in the ledger but {borrower!r} requested it",
                row.client_id,
                client,
            )
        if row.approved_by is not None and not approved:
            add(
                "loan",
                row.number,
                f"loan {row.number} names an approver but was never approved in the audit trail",
                row.client_id,
                client,
            )
    for number, state in rec.loans.items():
        add(
            "loan",
            number,
            f"loan {number} was requested (audit trail) but its row is gone",
            state[1],
            cnum.get(state[1]),
        )
    checked["loans"] = n

    # matters and their lawyers
    n = 0
    lawyers: dict[int, set[str]] = {}
    for row in _rows(
        conn,
        select(matter_lawyers.c.id, matter_lawyers.c.matter_id, matter_lawyers.c.user_id).where(
            matter_lawyers.c.removed_at.is_(None)
        ),
        matter_lawyers.c.id,
    ):
        lawyers.setdefault(row.matter_id, set()).add(names.get(row.user_id, f"#{row.user_id}"))
    for row in _rows(
        conn,
        select(matters.c.id, matters.c.number, matters.c.client_id, matters.c.status),
        matters.c.id,
    ):
        n += 1
        state = rec.matters.pop(row.number, None)
        client = cnum.get(row.client_id)
        if state is None:
            add(
                "matter",
                row.number,
                f"matter {row.number} has a ledger row but no `matter.open` event",
                row.client_id,
                client,
            )
            continue
        cid, want, status = state
        have = lawyers.get(row.id, set())
        if row.client_id != cid:
            add(
                "matter",
                row.number,
                f"matter {row.number} names another client than when it was opened",
                row.client_id,
                client,
            )
        if want is not None and have != want:
            add(
                "matter",
                row.number,
                f"matter {row.number}'s lawyers are "
                f"{', '.join(sorted(have)) or 'nobody'} in the ledger but "
                f"{', '.join(sorted(want)) or 'nobody'} by its events",
                row.client_id,
                client,
            )
        if row.status != status:
            add(
                "matter",
                row.number,
                f"matter {row.number} is {row.status!r} in the ledger but {status!r} by its events",
                row.client_id,
                client,
            )
    for number, state in rec.matters.items():
        add(
            "matter",
            number,
            f"matter {number} was opened (audit trail) but its row is gone",
            state[0],
            cnum.get(state[0]),
        )
    checked["matters"] = n

    # users and their roles
    roles: dict[int, set[str]] = {}
    for row in conn.execute(select(user_roles.c.user_id, user_roles.c.role)):  # few
        roles.setdefault(row.user_id, set()).add(row.role)
    n = 0
    for row in _rows(conn, select(users.c.id, users.c.username, users.c.active), users.c.id):
        n += 1
        state = rec.users.pop(row.username, None)
        if state is None:
            add(
                "user",
                row.username,
                f"user {row.username} has a ledger row but no `user.add` event",
            )
            continue
        have = roles.get(row.id, set())
        if have != state[0]:
            add(
                "user",
                row.username,
                f"user {row.username}'s roles are "
                f"{', '.join(sorted(have)) or 'none'} in the ledger but "
                f"{', '.join(sorted(state[0])) or 'none'} by the audit trail",
            )
        if bool(row.active) != state[1]:
            add(
                "user",
                row.username,
                f"user {row.username} is "
                f"{'active' if row.active else 'inactive'} in the ledger but not by the "
                "audit trail",
            )
    for username, _state in rec.users.items():
        add("user", username, f"user {username} was added (audit trail) but its row is gone")
    checked["users"] = n
