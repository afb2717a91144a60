"""Who may read what (policy 總則 三 保密 and 客戶檔案管理 三 檔案查閱).

- `archivist` and `head` see every archive.
- A `lawyer` sees the whole archive of every client on whose matters they are actively assigned.
- Anyone sees what they hold on a loan that is checked out (status 'out'): the whole archive, one
  matter, or listed documents, and nothing more (of a client lent in part: the client's name and
  number, and the lent matter or documents). An overdue loan stops giving access unless
  `deadlines.overdue_loan_ends_access = false`.
- Nobody else sees anything.
- Management oversees every matter's duties (overdue payments and deliverables) with the
  archivist and head (`oversees_all_matters`); a matter's fees are seen by them and by the
  matter's own lawyers (`require_fees`). The index is inspected and rebuilt by the archivist and
  head (`require_index_admin`).

Every read path asks a `Scope` (`may_read_archive`, `may_read_matter`, `may_read_document`,
`may_read_event`, `touches_client`), and answers a record the user may not read exactly as one
that does not exist (`not_found`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import PrivateAttr
from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from archivist.core import clock
from archivist.core.errors import Forbidden, NotFound
from archivist.core.i18n import N_, _
from archivist.ledger.tables.documents import documents
from archivist.ledger.tables.loans import loan_documents, loans
from archivist.ledger.tables.matters import matter_lawyers, matters
from archivist.models import Role, User
from archivist.models import Scope as _ScopeData

# Who oversees every matter's duties and fees; who looks after the search index.
OVERSEERS = (Role.ARCHIVIST, Role.HEAD, Role.MANAGEMENT)
INDEX_KEEPERS = (Role.ARCHIVIST, Role.HEAD)
LEDGER_KEEPERS = (Role.ARCHIVIST, Role.HEAD)  # who may move the ledger (ledger move)
# Who reads and verifies the audit trail (what each may read of it: Scope.may_read_event).
AUDIT_READERS = (Role.ARCHIVIST, Role.HEAD, Role.MANAGEMENT)


def oversees_all_matters(user: User) -> bool:
    """Whether the user sees every matter's payments and deliverables (management's view)."""
    return user.has(*OVERSEERS)


def require_fees(user: User, matter_number: str, lawyers: list[str]) -> None:
    """Forbidden unless the user may see the fees of this matter: an overseer or one of its
    lawyers."""
    if not (oversees_all_matters(user) or user.username in lawyers):
        raise Forbidden(
            _("{username} may not see the fees of matter {matter_number}").format(
                username=user.username, matter_number=matter_number
            )
        )


def require_index_admin(ctx: Any, action: str) -> User:
    """The acting user of `ctx` (a Context), if they may inspect or rebuild the index."""
    user: User = ctx.require(*INDEX_KEEPERS, action=action)
    return user


def require_ledger_keeper(ctx: Any, action: str) -> User:
    """The acting user of `ctx` (a Context), if they may move the ledger to another database."""
    user: User = ctx.require(*LEDGER_KEEPERS, action=action)
    return user


def require_audit_reader(ctx: Any, action: str) -> User:
    """The acting user of `ctx` (a Context), if they may read or verify the audit trail."""
    user: User = ctx.require(*AUDIT_READERS, action=action)
    return user


# Volumes (issue 22): who assembles and seals them, who decides what changes a sealed one or
# destroys it. A decision is never made by the person who asked for it.
VOLUME_KEEPERS = (Role.ARCHIVIST, Role.HEAD)
DECIDERS = (Role.HEAD,)
# who may give a disposal's second approval (`[retention] second_approver = true`)
SECOND_APPROVERS = (Role.HEAD, Role.MANAGEMENT)


def require_volume_keeper(ctx: Any, action: str) -> User:
    """The acting user, if they may assemble, seal and locate volumes, propose disposals and
    correct misfiled documents."""
    user: User = ctx.require(*VOLUME_KEEPERS, action=action)
    return user


def require_decider(ctx: Any, action: str) -> User:
    """The acting user, if they may waive checklist items, approve amendments, withdrawals and
    disposals, and place or release legal holds (the department head)."""
    user: User = ctx.require(*DECIDERS, action=action)
    return user


def require_second_approver(ctx: Any, action: str) -> User:
    """The acting user, if they may give a disposal's second approval."""
    user: User = ctx.require(*SECOND_APPROVERS, action=action)
    return user


def require_not_requester(user: User, requester: str, action: str) -> None:
    """Separation of duties: nobody approves their own request."""
    if user.username == requester:
        raise Forbidden(
            _("{user} may not {action}: they made the request").format(
                user=user.username, action=action
            ),
            _("Another approver must decide."),
        )


# Who changes users' roles (issue 21): another user with the archivist role; granting or taking
# away `head` needs a head as well. No one changes their own roles. The first user of a new home
# is the bootstrap (recorded as such in role_grants).
ROLE_KEEPERS = (Role.ARCHIVIST,)


def require_role_change(actor: User, target: str, old: list[Role], new: list[Role]) -> None:
    """Forbidden unless `actor` may change `target`'s roles from `old` to `new`."""
    if set(old) == set(new):
        return
    if actor.username == target:
        raise Forbidden(
            _("{user} may not change their own roles").format(user=actor.username),
            _("No one grants themselves a role: another archivist makes the change."),
        )
    if not actor.has(*ROLE_KEEPERS):
        raise Forbidden(
            _("{user} may not change roles: that needs the archivist role").format(
                user=actor.username
            ),
            _("Ask a user with the archivist role."),
        )
    if (Role.HEAD in old) != (Role.HEAD in new) and not actor.has(Role.HEAD):
        raise Forbidden(
            _(
                "{user} may not grant or take away the head role: that needs an existing head"
            ).format(user=actor.username),
            _("Ask a head who is also an archivist."),
        )


# Who may search the conflict register by identity number (issue 21): it maps a number to a
# client and matter, so it is kept to the client-service department.
ID_NUMBER_SEARCHERS = (Role.ARCHIVIST, Role.HEAD)


def require_id_number_search(user: User) -> None:
    if not user.has(*ID_NUMBER_SEARCHERS):
        raise Forbidden(
            _("{user} may not search by identity number").format(user=user.username),
            _("Identity-number checks are made by the archivist or the head."),
        )


HINTS = {
    "client": N_("See `archivist client list`."),
    "matter": N_("See `archivist matter list`."),
    "document": N_("See `archivist file list CLIENT`."),
    "loan": N_("See `archivist loan list`."),
    "complaint": N_("See `archivist complaint list`."),
    "consultation": N_("See `archivist consult list`."),
}
# what each kind of record is called in the refusal
KIND_NAMES = {
    "client": N_("client"),
    "matter": N_("matter"),
    "document": N_("document"),
    "loan": N_("loan"),
    "complaint": N_("complaint"),
    "consultation": N_("consultation"),
}


def not_found(kind: str, ref: str) -> NotFound:
    """The one answer for a record that does not exist and for one the user may not read: the
    same words and the same exit, so an error never tells who or what exists."""
    return NotFound(
        _("no {kind} {ref!r} that you may read").format(
            kind=_(KIND_NAMES.get(kind, kind)), ref=str(ref)[:40]
        ),
        _(
            HINTS.get(
                kind,
                N_(
                    "Lawyers read their own matters; others request a loan "
                    "(`archivist loan request`)."
                ),
            )
        ),
    )


# Keys of audit details that hold a client's confidential content (consultation summaries,
# work notes, identity numbers, search terms, document text...), at any depth.
CONFIDENTIAL_KEYS = frozenset(
    {
        "summary",
        "note",
        "notes",
        "id_number",
        "id_numbers",
        "query",
        "text",
        "content",
        "plan",
        "names",
        "purpose",
        "reason",
        "outcome",
        "resolution",
        "approval_note",
        "said",
        "reply",
        "address",
        "phone",
        "email",
        "title",
        "original_name",
        "clients",
        "documents",
        "parties",
        "client",
        "matter",
        "path",
        "moved_to",
    }
)
REDACTED = "[redacted]"
# Objects whose id is itself confidential (a search's object is its query; a quarantined
# file's is its path, which names the client).
CONFIDENTIAL_OBJECTS = frozenset({"search", "conflict_check", "file"})


class Scope(_ScopeData):
    """What a user may read, with the decisions. `client_ids` are whole archives;
    `matter_ids` and `document_ids` are single matters and documents (from loans)."""

    _parts: dict[int, tuple[set[str], set[str]]] = PrivateAttr(default_factory=dict)

    def may_read_archive(self, client_id: int | None) -> bool:
        """The whole archive: identity, consultations, loans, complaints, every document."""
        return self.everything or (client_id is not None and client_id in self.client_ids)

    def may_read_matter(self, client_id: int, matter_id: int) -> bool:
        return self.may_read_archive(client_id) or matter_id in self.matter_ids

    def may_read_document(self, client_id: int, matter_id: int | None, document_id: int) -> bool:
        return (
            self.may_read_archive(client_id)
            or (matter_id is not None and matter_id in self.matter_ids)
            or document_id in self.document_ids
        )

    def touches_client(self, conn: Connection, client_id: int) -> bool:
        """True if the scope reaches any part of the client's archive (its name and number)."""
        if self.may_read_archive(client_id):
            return True
        docs, mats = self.parts_of(conn, client_id)
        return bool(docs or mats)

    def parts_of(self, conn: Connection, client_id: int) -> tuple[set[str], set[str]]:
        """(document numbers, matter numbers) the scope reaches in a client's archive lent in
        part (empty for a whole archive: ask `may_read_archive` first)."""
        if client_id in self._parts:
            return self._parts[client_id]
        docs: set[str] = set()
        mats: set[str] = set()
        if self.matter_ids:
            mats.update(
                conn.execute(
                    select(matters.c.number).where(
                        matters.c.client_id == client_id, matters.c.id.in_(self.matter_ids)
                    )
                ).scalars()
            )
        if self.matter_ids or self.document_ids:
            conds = []
            if self.matter_ids:
                conds.append(documents.c.matter_id.in_(self.matter_ids))
            if self.document_ids:
                conds.append(documents.c.id.in_(self.document_ids))
            docs.update(
                conn.execute(
                    select(documents.c.number).where(
                        documents.c.client_id == client_id, or_(*conds)
                    )
                ).scalars()
            )
        self._parts[client_id] = (docs, mats)
        return docs, mats

    def may_read_event(self, conn: Connection, event: Any) -> bool:
        """An audit event is read through the same rules as what it is about: events of a whole
        archive the user reads, of a lent matter or document, and events about no client."""
        if event.client_id is None or self.may_read_archive(event.client_id):
            return True
        docs, mats = self.parts_of(conn, event.client_id)
        if event.object_type == "document":
            return event.object_id in docs
        if event.object_type == "matter":
            return event.object_id in mats
        return False

    def may_read_content(self, event: Any, reader: User) -> bool:
        """Whether the confidential values of a readable event may be shown: to whoever reads
        what the event is about, and to the user who did it."""
        if self.everything or event.actor == reader.username:
            return True
        return event.client_id is not None


def redact(value: Any) -> Any:
    """`value` with every confidential field replaced by REDACTED (at any depth)."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if k in CONFIDENTIAL_KEYS and v not in (None, "", [], {}) else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


# A lawyer's access to the archive of a closed matter's client ends this many days after the
# closure (issue 21; [deadlines] closed_matter_access_days); after that, a loan.
CLOSED_MATTER_ACCESS_DAYS = 90


def _assigned_clients(conn: Connection, user: User, closed_access_days: int) -> set[int]:
    """Clients of the matters the lawyer is assigned to: open, or closed less than
    `closed_access_days` ago."""
    since = clock.now() - timedelta(days=closed_access_days)
    rows = conn.execute(
        select(matters.c.client_id)
        .distinct()
        .select_from(matter_lawyers.join(matters, matters.c.id == matter_lawyers.c.matter_id))
        .where(
            matter_lawyers.c.user_id == user.id,
            matter_lawyers.c.removed_at.is_(None),
            or_(matters.c.closed_at.is_(None), matters.c.closed_at >= since),
        )
    )
    return {r.client_id for r in rows}


def scope_for(
    conn: Connection,
    user: User,
    overdue_ends_access: bool | Any = True,
    closed_access_days: int | None = None,
) -> Scope:
    """What `user` may read. `overdue_ends_access` is the flag or the [deadlines] settings
    (which also carry closed_matter_access_days)."""
    if not isinstance(overdue_ends_access, bool):
        deadlines = overdue_ends_access
        overdue_ends_access = deadlines.overdue_loan_ends_access
        if closed_access_days is None:
            closed_access_days = deadlines.closed_matter_access_days
    if closed_access_days is None:
        closed_access_days = CLOSED_MATTER_ACCESS_DAYS
    if user.has(Role.ARCHIVIST, Role.HEAD):
        return Scope(everything=True)
    scope = Scope()
    if user.has(Role.LAWYER):
        scope.client_ids.update(_assigned_clients(conn, user, closed_access_days))
    cond = [loans.c.borrower_id == user.id, loans.c.status == "out"]
    if overdue_ends_access:
        cond.append(or_(loans.c.due_at.is_(None), loans.c.due_at >= clock.now()))
    for loan in conn.execute(
        select(loans.c.id, loans.c.scope, loans.c.client_id, loans.c.matter_id).where(and_(*cond))
    ):
        if loan.scope == "archive":
            scope.client_ids.add(loan.client_id)
        elif loan.scope == "matter" and loan.matter_id is not None:
            scope.matter_ids.add(loan.matter_id)
        else:
            scope.document_ids.update(
                r.document_id
                for r in conn.execute(
                    select(loan_documents.c.document_id).where(loan_documents.c.loan_id == loan.id)
                )
            )
    return scope


def require_copy_allowed(
    conn: Connection,
    user: User,
    client_id: int,
    matter_id: int | None,
    document_id: int,
    number: str,
    closed_access_days: int = CLOSED_MATTER_ACCESS_DAYS,
) -> None:
    """Forbidden when the user reads this document only through loans approved "read only, no
    copies" (限閱覽不得複印): no export and no download for them."""
    if user.has(Role.ARCHIVIST, Role.HEAD):
        return
    if user.has(Role.LAWYER) and client_id in _assigned_clients(conn, user, closed_access_days):
        return
    covering = []
    for loan in conn.execute(
        select(loans.c.id, loans.c.scope, loans.c.client_id, loans.c.matter_id, loans.c.no_copies)
        .where(loans.c.borrower_id == user.id, loans.c.status == "out")
        .where(loans.c.client_id == client_id)
    ):
        if (
            loan.scope == "archive"
            or (loan.scope == "matter" and matter_id is not None and loan.matter_id == matter_id)
            or conn.execute(
                select(loan_documents.c.document_id).where(
                    loan_documents.c.loan_id == loan.id,
                    loan_documents.c.document_id == document_id,
                )
            ).first()
        ):
            covering.append(bool(loan.no_copies))
    if covering and all(covering):
        raise Forbidden(
            _("{user} may read {number} but not copy it: the loan is read only, no copies").format(
                user=user.username, number=number
            ),
            _("限閱覽不得複印: read it in the archive; ask for a loan with copies if needed."),
        )


def touches_client(conn: Connection, scope: _ScopeData, client_id: int) -> bool:
    """True if the scope reaches any part of the client's archive."""
    return _as_scope(scope).touches_client(conn, client_id)


def can_read_document(
    scope: _ScopeData, client_id: int, matter_id: int | None, document_id: int
) -> bool:
    return _as_scope(scope).may_read_document(client_id, matter_id, document_id)


def _as_scope(scope: _ScopeData) -> Scope:
    return scope if isinstance(scope, Scope) else Scope.model_validate(scope.model_dump())


def require_client(
    conn: Connection,
    user: User,
    client_id: int,
    client_number: str,
    overdue_ends_access: bool | Any = True,
) -> Scope:
    """The user's scope, if it reaches the client's whole archive; otherwise the not-found
    answer (a client lent in part does not open its consultations, loans or complaints)."""
    scope = scope_for(conn, user, overdue_ends_access)
    if not scope.may_read_archive(client_id):
        raise not_found("client", client_number)
    return scope
