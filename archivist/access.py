"""Who may read what (policy 總則 三 保密 and 客戶檔案管理 三 檔案查閱).

- `archivist` and `head` see every archive.
- A `lawyer` sees the whole archive of every client on whose matters they are actively assigned.
- Anyone sees what they hold on a loan that is checked out (status 'out'): the whole archive, one
  matter, or listed documents. An overdue loan stops giving access unless
  `deadlines.overdue_loan_ends_access = false`.
- Nobody else sees anything.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from archivist import clock
from archivist.errors import Forbidden
from archivist.ledger.tables.documents import documents
from archivist.ledger.tables.loans import loan_documents, loans
from archivist.ledger.tables.matters import matter_lawyers, matters
from archivist.models import Role, Scope, User


def scope_for(conn: Connection, user: User, overdue_ends_access: bool = True) -> Scope:
    if user.has(Role.ARCHIVIST, Role.HEAD):
        return Scope(everything=True)
    scope = Scope()
    if user.has(Role.LAWYER):
        rows = conn.execute(
            select(matters.c.client_id).distinct()
            .select_from(matter_lawyers.join(matters, matters.c.id == matter_lawyers.c.matter_id))
            .where(matter_lawyers.c.user_id == user.id, matter_lawyers.c.removed_at.is_(None))
        )
        scope.client_ids.update(r.client_id for r in rows)
    cond = [loans.c.borrower_id == user.id, loans.c.status == "out"]
    if overdue_ends_access:
        cond.append(or_(loans.c.due_at.is_(None), loans.c.due_at >= clock.now()))
    for loan in conn.execute(select(loans.c.id, loans.c.scope, loans.c.client_id,
                                    loans.c.matter_id).where(and_(*cond))):
        if loan.scope == "archive":
            scope.client_ids.add(loan.client_id)
        elif loan.scope == "matter" and loan.matter_id is not None:
            scope.matter_ids.add(loan.matter_id)
        else:
            scope.document_ids.update(
                r.document_id for r in conn.execute(
                    select(loan_documents.c.document_id).where(loan_documents.c.loan_id == loan.id))
            )
    return scope


def touches_client(conn: Connection, scope: Scope, client_id: int) -> bool:
    """True if the scope reaches any part of the client's archive."""
    if scope.everything or client_id in scope.client_ids:
        return True
    if scope.matter_ids and conn.execute(
        select(matters.c.id).where(matters.c.client_id == client_id,
                                   matters.c.id.in_(scope.matter_ids)).limit(1)
    ).first():
        return True
    return bool(scope.document_ids) and conn.execute(
        select(documents.c.id).where(documents.c.client_id == client_id,
                                     documents.c.id.in_(scope.document_ids)).limit(1)
    ).first() is not None


def can_read_document(scope: Scope, client_id: int, matter_id: int | None, document_id: int
                      ) -> bool:
    return (scope.everything or client_id in scope.client_ids
            or (matter_id is not None and matter_id in scope.matter_ids)
            or document_id in scope.document_ids)


def require_client(conn: Connection, user: User, client_id: int, client_number: str,
                   overdue_ends_access: bool = True) -> Scope:
    scope = scope_for(conn, user, overdue_ends_access)
    if not touches_client(conn, scope, client_id):
        raise Forbidden(
            f"{user.username} may not read the archive of client {client_number}",
            "Lawyers read the archives of their own matters; otherwise request a loan "
            "(`archivist loan request`) and have the department head approve it.",
        )
    return scope
