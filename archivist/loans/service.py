"""Borrowing of client archives (policy 客戶檔案管理 三 檔案查閱).

A loan moves only forward:

    pending ─approve→ approved ─checkout→ out ─return→ returned
       │                 │                  └─ renew (stays out; the head approves again)
       ├─reject→ rejected│
       └─cancel→ cancelled (by the requester, before checkout)

- Anyone active may request; only a `head` approves or rejects, never their own request.
- Only an `archivist` checks a loan out, recording the borrower's confidentiality
  acknowledgement and setting the due date (end of the due day); only an archivist takes it back.
- Originals of a document are out to one borrower at a time; copies may overlap.
- While a loan is out the borrower reads the lent scope (see `archivist.core.access`); the access ends
  at return, or once overdue when `deadlines.overdue_loan_ends_access` (the default).

Register and form exports live in `archivist.loans.exports`."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archivist.core import access, audit, clock, numbering
from archivist.core.context import Context
from archivist.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.core import audit_events, clients, users
from archivist.ledger.tables.documents import documents
from archivist.ledger.tables.loans import loan_documents, loans
from archivist.ledger.tables.matters import matters
from archivist.models import (
    SECTION_FOLDERS,
    Client,
    Loan,
    LoanDetail,
    LoanResult,
    LoanScope,
    LoanStatus,
    LoanStep,
    Role,
    Section,
    User,
)

CONFIDENTIALITY_TEXT = (
    "本人確認已知悉：所借閱之客戶檔案屬律師事務所保密資料，僅用於所申請之用途，"
    "不得泄露、複製（經批准者除外）或轉借他人，並於到期日前歸還。"
)
HISTORY_FILE = f"{SECTION_FOLDERS[Section.BASIC]}/借閱記錄.txt"
STATUS_FILTERS = ("pending", "approved", "rejected", "out", "overdue", "returned", "cancelled")
MAX_TEXT = 2000


# ------------------------------------------------------------------------------ helpers
def _clean_text(value: str | None, what: str, required: bool = False) -> str | None:
    text = unicodedata.normalize("NFC", value or "").strip()
    if "\x00" in text:
        raise InvalidInput(_("{what} contains a NUL character").format(what=what))
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _("{what} is longer than {MAX_TEXT} characters").format(what=what, MAX_TEXT=MAX_TEXT)
        )
    if required and not text:
        raise InvalidInput(
            _("{what} is empty").format(what=what),
            _("Say {what} in a few words.").format(what=what),
        )
    return text or None


def _days(ctx: Context, days: int | None, warnings: list[str]) -> int:
    limits = ctx.settings.deadlines
    if days is None:
        return limits.loan_days
    if days < 1:
        raise InvalidInput(_("--days must be at least 1 (got {days})").format(days=days))
    if days > limits.loan_max_days:
        warnings.append(
            _(
                "{days} days is more than the maximum of {loan_max_days}; the loan is for {loan_max_days} days"
            ).format(days=days, loan_max_days=limits.loan_max_days)
        )
        return limits.loan_max_days
    return days


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))


def _row(conn: Connection, number: str) -> Any:
    text = unicodedata.normalize("NFKC", (number or "").strip())
    row = conn.execute(select(loans).where(loans.c.number == text)).first()
    if row is None:
        row = conn.execute(select(loans).where(func.upper(loans.c.number) == text.upper())).first()
    if row is None:
        raise access.not_found("loan", number)
    return row


def _chunks(ids: set[int], size: int = 500) -> list[list[int]]:
    items = sorted(ids)
    return [items[i : i + size] for i in range(0, len(items), size)]


def _models(conn: Connection, rows: Sequence[Any]) -> list[Loan]:
    """Loan models for ledger rows, with a few batched look-ups (not a query per loan)."""
    user_ids = {
        uid
        for r in rows
        for uid in (r.borrower_id, r.approved_by, r.rejected_by, r.checked_out_by, r.returned_by)
        if uid
    }
    names: dict[int, tuple[str, str]] = {}
    client_of: dict[int, tuple[str, str]] = {}
    matter_of: dict[int, str] = {}
    docs_of: dict[int, list[str]] = {}
    for part in _chunks(user_ids):
        names.update(
            (r.id, (r.username, r.display_name))
            for r in conn.execute(
                select(users.c.id, users.c.username, users.c.display_name).where(
                    users.c.id.in_(part)
                )
            )
        )
    for part in _chunks({r.client_id for r in rows}):
        client_of.update(
            (r.id, (r.number, r.name))
            for r in conn.execute(
                select(clients.c.id, clients.c.number, clients.c.name).where(clients.c.id.in_(part))
            )
        )
    for part in _chunks({r.matter_id for r in rows if r.matter_id is not None}):
        matter_of.update(
            (r.id, r.number)
            for r in conn.execute(
                select(matters.c.id, matters.c.number).where(matters.c.id.in_(part))
            )
        )
    paper_of: dict[int, str] = {}  # sealed volumes: the paper volume and where it is kept
    for part in _chunks({r.matter_id for r in rows if r.matter_id is not None}):
        from archivist.ledger.tables.volumes import volumes

        paper_of.update(
            (r.matter_id, " / ".join(x for x in (r.room, r.cabinet, r.box) if x))
            for r in conn.execute(
                select(volumes.c.matter_id, volumes.c.room, volumes.c.cabinet, volumes.c.box).where(
                    volumes.c.matter_id.in_(part), volumes.c.status == "sealed"
                )
            )
        )
    for part in _chunks({r.id for r in rows if r.scope == LoanScope.DOCUMENTS}):
        for r in conn.execute(
            select(loan_documents.c.loan_id, documents.c.number)
            .select_from(
                loan_documents.join(documents, documents.c.id == loan_documents.c.document_id)
            )
            .where(loan_documents.c.loan_id.in_(part))
            .order_by(documents.c.number)
        ):
            docs_of.setdefault(r.loan_id, []).append(r.number)
    now = clock.now()

    def who(uid: int | None) -> str | None:
        return names[uid][0] if uid is not None and uid in names else None

    out = []
    for row in rows:
        overdue = row.status == LoanStatus.OUT and row.due_at is not None and row.due_at < now
        days_overdue = (now.date() - row.due_at.date()).days if overdue else 0
        client_number, client_name = client_of[row.client_id]
        out.append(
            Loan(
                number=row.number,
                client_number=client_number,
                client_name=client_name,
                scope=LoanScope(row.scope),
                matter_number=matter_of.get(row.matter_id),
                documents=docs_of.get(row.id, []),
                paper_volume=(
                    paper_of.get(row.matter_id)
                    if row.scope == LoanScope.MATTER and not row.copy
                    else None
                ),
                borrower=names[row.borrower_id][0],
                borrower_name=names[row.borrower_id][1],
                purpose=row.purpose,
                days=row.days,
                copies=bool(row.copy),
                no_copies=bool(row.no_copies),
                status=LoanStatus(row.status),
                state="overdue" if overdue else row.status,
                overdue=overdue,
                days_overdue=max(days_overdue, 0),
                requested_at=row.requested_at,
                approved_by=who(row.approved_by),
                approved_at=row.approved_at,
                approval_note=row.approval_note,
                rejected_by=who(row.rejected_by),
                rejected_at=row.rejected_at,
                reject_reason=row.reject_reason,
                cancelled_at=row.cancelled_at,
                checked_out_by=who(row.checked_out_by),
                checked_out_at=row.checked_out_at,
                ack_confidentiality=bool(row.ack_confidentiality),
                due_date=row.due_at.date() if row.due_at else None,
                returned_by=who(row.returned_by),
                returned_at=row.returned_at,
                condition=row.condition,
                renewal_days=row.renewal_days,
                people={
                    names[uid][0]: names[uid][1]
                    for uid in (
                        row.borrower_id,
                        row.approved_by,
                        row.rejected_by,
                        row.checked_out_by,
                        row.returned_by,
                    )
                    if uid is not None and uid in names
                },
                renewals=row.renewals or 0,
            )
        )
    return out


def _model(conn: Connection, row: Any) -> Loan:
    return _models(conn, [row])[0]


def _refused(row: Any, wanted: str) -> Conflict:
    state = row.status
    if row.status == LoanStatus.OUT and row.due_at is not None and row.due_at < clock.now():
        state = "out (overdue)"
    return Conflict(
        _("loan {number} is '{state}'; {wanted}").format(
            number=row.number, state=state, wanted=wanted
        ),
        _next_step(row),
    )


def _next_step(row: Any) -> str:
    return {
        "pending": "It waits for the department head: `archivist loan approve`.",
        "approved": "An archivist checks it out: `archivist loan checkout --ack-confidentiality`.",
        "out": "An archivist takes it back with `archivist loan return`.",
    }.get(row.status, "It is finished; request a new loan if needed.")


def _update(conn: Connection, row: Any, **values: Any) -> None:
    conn.execute(loans.update().where(loans.c.id == row.id).values(**values))


def _refresh(ctx: Context, client_id: int) -> None:
    from archivist.clients.registry import refresh_manifest

    refresh_manifest(ctx, client_id)


# ------------------------------------------------------------------------------ originals
def _cover(conn: Connection, row: Any) -> tuple[int, str, int | None, set[int]]:
    docs = set(
        conn.execute(
            select(loan_documents.c.document_id).where(loan_documents.c.loan_id == row.id)
        ).scalars()
    )
    return row.client_id, row.scope, row.matter_id, docs


def _overlaps(
    conn: Connection,
    a: tuple[int, str, int | None, set[int]],
    b: tuple[int, str, int | None, set[int]],
) -> bool:
    """True if two loans lend some of the same material."""
    if a[0] != b[0]:
        return False
    if LoanScope.ARCHIVE in (a[1], b[1]):
        return True
    if a[1] == b[1] == LoanScope.MATTER:
        return a[2] == b[2]
    if a[1] == b[1] == LoanScope.DOCUMENTS:
        return bool(a[3] & b[3])
    matter_id, docs = (a[2], b[3]) if a[1] == LoanScope.MATTER else (b[2], a[3])
    return (
        bool(docs)
        and conn.execute(
            select(documents.c.id)
            .where(documents.c.id.in_(docs), documents.c.matter_id == matter_id)
            .limit(1)
        ).first()
        is not None
    )


def originals_out(conn: Connection, row: Any) -> list[Any]:
    """Other loans of originals, checked out now, that lend some of this loan's material."""
    if row.copy:
        return []
    mine = _cover(conn, row)
    others = conn.execute(
        select(loans).where(
            loans.c.client_id == row.client_id,
            loans.c.status == LoanStatus.OUT,
            loans.c.copy.is_(False),
            loans.c.id != row.id,
        )
    ).all()
    return [o for o in others if _overlaps(conn, mine, _cover(conn, o))]


# ------------------------------------------------------------------------------ request
def request(
    ctx: Context,
    client_number: str,
    *,
    purpose: str,
    matter: str | None = None,
    document_numbers: list[str] | None = None,
    days: int | None = None,
    copies: bool = False,
) -> LoanResult:
    """Ask to borrow a client's whole archive, one matter, or listed documents."""
    from archivist.clients import registry
    from archivist.matters import service as matter_lib

    actor = ctx.actor
    warnings: list[str] = []
    text = _clean_text(purpose, _("the purpose"), required=True)
    period = _days(ctx, days, warnings)
    wanted = [n.strip() for n in (document_numbers or []) if n.strip()]
    if document_numbers is not None and not wanted:
        raise InvalidInput(
            _("--documents names no document"),
            _(
                "List document numbers, comma-separated, or leave --documents out to borrow the archive."
            ),
        )
    wanted = list(dict.fromkeys(unicodedata.normalize("NFKC", n) for n in wanted))
    with ctx.ledger.write() as conn:
        client = registry.get(conn, client_number)
        matter_id = None
        matter_number = None
        if matter:
            m = matter_lib.get(conn, matter)
            if m.client_id != client.id:
                raise InvalidInput(
                    _("matter {number} is not a matter of client {number2}").format(
                        number=m.number, number2=client.number
                    ),
                    _("See `archivist client show {number}`.").format(number=client.number),
                )
            matter_id, matter_number = m.id, m.number
        doc_ids: list[int] = []
        found: list[str] = []
        for number in wanted:
            cols = select(
                documents.c.id, documents.c.number, documents.c.client_id, documents.c.matter_id
            )
            doc = (
                conn.execute(cols.where(documents.c.number == number)).first()
                or conn.execute(
                    cols.where(func.upper(documents.c.number) == number.upper()).where(
                        documents.c.client_id == client.id
                    )
                ).first()
            )
            if doc is None or doc.client_id != client.id:
                raise NotFound(
                    _("no document {number!r} in the archive of client {number2}").format(
                        number=number[:48], number2=client.number
                    ),
                    _("Use the document numbers the archive lists."),
                )
            if matter_id is not None and doc.matter_id != matter_id:
                raise InvalidInput(
                    _("document {number} is not filed under matter {matter}").format(
                        number=number, matter=matter
                    )
                )
            doc_ids.append(doc.id)
            found.append(doc.number)
        scope = (
            LoanScope.DOCUMENTS
            if doc_ids
            else LoanScope.MATTER
            if matter_id is not None
            else LoanScope.ARCHIVE
        )
        now = clock.now()
        seq = numbering.next_value(conn, f"loan:{now.year}")
        number = numbering.render(ctx.settings.numbering.loan, "loan", year=now.year, seq=seq)
        loan_id = conn.execute(
            loans.insert().values(
                number=number,
                client_id=client.id,
                matter_id=matter_id,
                scope=scope.value,
                borrower_id=actor.id,
                purpose=text,
                days=period,
                copy=copies,
                status=LoanStatus.PENDING.value,
                requested_at=now,
                renewals=0,
                ack_confidentiality=False,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        if doc_ids:
            conn.execute(
                loan_documents.insert(), [{"loan_id": loan_id, "document_id": d} for d in doc_ids]
            )
        audit.record(
            conn,
            actor.username,
            "loan.request",
            "loan",
            number,
            client.id,
            scope=scope.value,
            matter=matter_number,
            documents=found,
            purpose=text,
            days=period,
            copies=copies,
        )
        row = _row(conn, number)
        for other in originals_out(conn, row):
            warnings.append(
                _(
                    "the originals are out on loan {number} until {date}; checkout must wait for their return"
                ).format(number=other.number, date=other.due_at.date())
            )
        loan = _model(conn, row)
    _refresh(ctx, client.id)
    return LoanResult(loan=loan, warnings=warnings)


# ------------------------------------------------------------------------------ decisions
def _require_head(ctx: Context, row: Any, action: str) -> User:
    actor = ctx.require(Role.HEAD, action=_("{action} loans").format(action=action))
    if row.borrower_id == actor.id:
        raise Forbidden(
            _("{username} may not {action} loan {number}: it is their own request").format(
                username=actor.username, action=action, number=row.number
            ),
            _("Another department head must decide it."),
        )
    return actor


def approve(
    ctx: Context,
    number: str,
    days: int | None = None,
    note: str | None = None,
    no_copies: bool = False,
    conflict_waiver: str | None = None,
) -> LoanResult:
    """The head approves a pending loan (optionally changing its days), or a pending renewal.
    A borrower who acts for the other side of any of the client's matters is refused unless a
    written waiver is given (issue 21); `no_copies`: read only, no copies (限閱覽不得複印)."""
    from archivist.core import users as users_mod
    from archivist.matters import conflict_assess

    warnings: list[str] = []
    note = _clean_text(note, _("the note"))
    with ctx.ledger.read() as conn:
        pending = _row(conn, number)
        _require_head(ctx, pending, "approve")
        borrower = users_mod.by_id(conn, pending.borrower_id)
    if pending.status == LoanStatus.PENDING:
        conflict_assess.require_lawyer_clear(
            ctx,
            "loan-approve",
            pending.client_id,
            borrower,
            conflict_waiver,
            pending.matter_id,
            _("loan {loan} was not approved").format(loan=pending.number),
        )
    with ctx.ledger.write() as conn:
        row = _row(conn, number)
        actor = _require_head(ctx, row, "approve")
        now = clock.now()
        if row.status == LoanStatus.PENDING:
            period = _days(ctx, days, warnings) if days is not None else row.days
            _update(
                conn,
                row,
                status=LoanStatus.APPROVED.value,
                approved_by=actor.id,
                approved_at=now,
                approval_note=note,
                days=period,
                no_copies=no_copies,
            )
            audit.record(
                conn,
                actor.username,
                "loan.approve",
                "loan",
                row.number,
                row.client_id,
                days=period,
                note=note,
                no_copies=no_copies,
            )
        elif row.status == LoanStatus.OUT and row.renewal_days:
            extra = _days(ctx, days, warnings) if days is not None else row.renewal_days
            due = _end_of(row.due_at.date() + timedelta(days=extra))
            _update(
                conn,
                row,
                due_at=due,
                renewal_days=None,
                renewal_requested_at=None,
                renewals=(row.renewals or 0) + 1,
                days=row.days + extra,
                approved_by=actor.id,
                approved_at=now,
                approval_note=note,
            )
            audit.record(
                conn,
                actor.username,
                "loan.renewal.approve",
                "loan",
                row.number,
                row.client_id,
                days=extra,
                old_due=row.due_at.date(),
                new_due=due.date(),
                note=note,
            )
        else:
            raise _refused(row, "only a pending loan or a renewal request can be approved")
        for other in originals_out(conn, row) if row.status == LoanStatus.PENDING else []:
            warnings.append(
                _(
                    "the originals are out on loan {number} until {date}; checkout must wait for their return"
                ).format(number=other.number, date=other.due_at.date())
            )
        loan = _model(conn, _row(conn, number))
    _refresh(ctx, row.client_id)
    return LoanResult(loan=loan, warnings=warnings)


def reject(ctx: Context, number: str, reason: str) -> LoanResult:
    """The head rejects a pending loan, or a pending renewal (the loan then stays out)."""
    text = _clean_text(reason, _("the reason"), required=True)
    with ctx.ledger.write() as conn:
        row = _row(conn, number)
        actor = _require_head(ctx, row, "reject")
        now = clock.now()
        if row.status == LoanStatus.PENDING:
            _update(
                conn,
                row,
                status=LoanStatus.REJECTED.value,
                rejected_by=actor.id,
                rejected_at=now,
                reject_reason=text,
            )
            audit.record(
                conn, actor.username, "loan.reject", "loan", row.number, row.client_id, reason=text
            )
        elif row.status == LoanStatus.OUT and row.renewal_days:
            _update(conn, row, renewal_days=None, renewal_requested_at=None)
            audit.record(
                conn,
                actor.username,
                "loan.renewal.reject",
                "loan",
                row.number,
                row.client_id,
                days=row.renewal_days,
                reason=text,
            )
        else:
            raise _refused(row, "only a pending loan or a renewal request can be rejected")
        loan = _model(conn, _row(conn, number))
    _refresh(ctx, row.client_id)
    return LoanResult(loan=loan)


# ------------------------------------------------------------------------------ check-out, return
def checkout(ctx: Context, number: str, ack_confidentiality: bool) -> LoanResult:
    """Hand an approved loan to its borrower: records the confidentiality acknowledgement and
    sets the due date (today + the loan's days, to the end of that day)."""
    actor = ctx.require(Role.ARCHIVIST, action=_("check out loans"))
    with ctx.ledger.write() as conn:
        row = _row(conn, number)
        if row.status != LoanStatus.APPROVED:
            if row.status == LoanStatus.PENDING:
                raise Conflict(
                    _(
                        "loan {number} is 'pending'; it needs the department head's approval before checkout"
                    ).format(number=row.number),
                    _next_step(row),
                )
            raise _refused(row, "only an approved loan can be checked out")
        if not ack_confidentiality:
            raise InvalidInput(
                _(
                    "loan {number} cannot be checked out without the borrower's confidentiality acknowledgement (policy 檔案查閱: readers must keep the archive confidential)"
                ).format(number=row.number),
                _("Have the borrower acknowledge it, then pass --ack-confidentiality."),
            )
        # Serialise checkouts of one client's material (a row lock on PostgreSQL; SQLite's
        # write transaction already holds the database lock).
        conn.execute(select(clients.c.id).where(clients.c.id == row.client_id).with_for_update())
        clash = originals_out(conn, row)
        if clash:
            other = clash[0]
            holder = conn.execute(
                select(users.c.username).where(users.c.id == other.borrower_id)
            ).scalar_one()
            raise Conflict(
                _(
                    "the originals of loan {number} are already out to {holder} on loan {number2} (due {date})"
                ).format(
                    number=row.number, holder=holder, number2=other.number, date=other.due_at.date()
                ),
                _("Wait for their return, or lend copies (a new request with --copy)."),
            )
        now = clock.now()
        due = _end_of(now.date() + timedelta(days=row.days))
        _update(
            conn,
            row,
            status=LoanStatus.OUT.value,
            checked_out_by=actor.id,
            checked_out_at=now,
            ack_confidentiality=True,
            ack_text=CONFIDENTIALITY_TEXT,
            due_at=due,
        )
        audit.record(
            conn,
            actor.username,
            "loan.checkout",
            "loan",
            row.number,
            row.client_id,
            due=due.date(),
            ack_confidentiality=True,
            ack_text=CONFIDENTIALITY_TEXT,
            copies=bool(row.copy),
        )
        loan = _model(conn, _row(conn, number))
    _refresh(ctx, row.client_id)
    return LoanResult(loan=loan)


def return_(ctx: Context, number: str, condition: str | None = None) -> LoanResult:
    """Take a loan back: records the time and the state of the material. Access ends here."""
    actor = ctx.require(Role.ARCHIVIST, action=_("take back loans"))
    text = _clean_text(condition, _("the condition"))
    with ctx.ledger.write() as conn:
        row = _row(conn, number)
        if row.status != LoanStatus.OUT:
            raise _refused(row, "only a loan that is out can be returned")
        now = clock.now()
        late = max((now.date() - row.due_at.date()).days, 0) if row.due_at else 0
        _update(
            conn,
            row,
            status=LoanStatus.RETURNED.value,
            returned_by=actor.id,
            returned_at=now,
            condition=text,
            renewal_days=None,
            renewal_requested_at=None,
        )
        audit.record(
            conn,
            actor.username,
            "loan.return",
            "loan",
            row.number,
            row.client_id,
            condition=text,
            days_late=late,
        )
        loan = _model(conn, _row(conn, number))
    _refresh(ctx, row.client_id)
    return LoanResult(loan=loan)


def renew(ctx: Context, number: str, days: int) -> LoanResult:
    """Ask for more days on a loan that is out; the head approves it again
    (`approve`), which moves the due date."""
    warnings: list[str] = []
    actor = ctx.actor
    extra = _days(ctx, days, warnings)
    with ctx.ledger.write() as conn:
        row = _row(conn, number)
        if row.borrower_id != actor.id and not _sees_all(actor):
            raise access.not_found("loan", number)
        if row.borrower_id != actor.id and not actor.has(Role.ARCHIVIST):
            raise Forbidden(
                _("{username} may not renew loan {number}").format(
                    username=actor.username, number=row.number
                ),
                _("Only its borrower or an archivist asks for a renewal."),
            )
        if row.status != LoanStatus.OUT:
            raise _refused(row, "only a loan that is out can be renewed")
        if row.renewal_days:
            raise Conflict(
                _(
                    "loan {number} already has a renewal of {renewal_days} days waiting for approval"
                ).format(number=row.number, renewal_days=row.renewal_days),
                _("The department head decides it with `archivist loan approve` or `loan reject`."),
            )
        _update(conn, row, renewal_days=extra, renewal_requested_at=clock.now())
        audit.record(
            conn,
            actor.username,
            "loan.renew",
            "loan",
            row.number,
            row.client_id,
            days=extra,
            due=row.due_at.date(),
        )
        loan = _model(conn, _row(conn, number))
    _refresh(ctx, row.client_id)
    return LoanResult(loan=loan, warnings=warnings)


def cancel(ctx: Context, number: str) -> LoanResult:
    """The requester withdraws a loan before it is checked out."""
    actor = ctx.actor
    with ctx.ledger.write() as conn:
        row = _row(conn, number)
        if row.borrower_id != actor.id and not _sees_all(actor):
            raise access.not_found("loan", number)
        if row.borrower_id != actor.id:
            raise Forbidden(
                _("{username} may not cancel loan {number}").format(
                    username=actor.username, number=row.number
                ),
                _("Only the person who requested it can cancel it."),
            )
        if row.status not in (LoanStatus.PENDING, LoanStatus.APPROVED):
            raise _refused(row, "only a pending or approved loan can be cancelled")
        _update(conn, row, status=LoanStatus.CANCELLED.value, cancelled_at=clock.now())
        audit.record(
            conn, actor.username, "loan.cancel", "loan", row.number, row.client_id, old=row.status
        )
        loan = _model(conn, _row(conn, number))
    _refresh(ctx, row.client_id)
    return LoanResult(loan=loan)


# ------------------------------------------------------------------------------ reading
def _sees_all(user: User) -> bool:
    return user.has(Role.ARCHIVIST, Role.HEAD)


def get(ctx: Context, number: str) -> LoanDetail:
    """One loan with its history (from the audit trail). Borrowers see their own loans;
    archivists and the head see all."""
    user = ctx.actor
    with ctx.ledger.read() as conn:
        row = _row(conn, number)
        if row.borrower_id != user.id and not _sees_all(user):
            raise access.not_found("loan", number)
        loan = _model(conn, row)
        steps = [
            LoanStep(at=e.at, actor=e.actor, action=e.action, details=json.loads(e.details))
            for e in conn.execute(
                select(audit_events)
                .where(audit_events.c.object_type == "loan", audit_events.c.object_id == row.number)
                .order_by(audit_events.c.seq)
            )
        ]
    return LoanDetail(loan=loan, history=steps)


def list_loans(
    ctx: Context,
    status: str | None = None,
    borrower: str | None = None,
    client: str | None = None,
    requested_from: date | None = None,
    requested_to: date | None = None,
) -> list[Loan]:
    """Loans, newest first. `status` 'overdue' means out past the due date ('out' includes
    overdue loans). Users without the archivist or head role see only their own."""
    from archivist.clients import registry
    from archivist.core import users as user_lib

    user = ctx.actor
    if status is not None and status not in STATUS_FILTERS:
        raise InvalidInput(
            _("unknown loan status {status!r}").format(status=status[:20]),
            _("Use one of: {STATUS_FILTERS}.").format(STATUS_FILTERS=", ".join(STATUS_FILTERS)),
        )
    with ctx.ledger.read() as conn:
        stmt = select(loans).order_by(loans.c.requested_at.desc(), loans.c.id.desc())
        if status == "overdue":
            stmt = stmt.where(loans.c.status == LoanStatus.OUT, loans.c.due_at < clock.now())
        elif status is not None:
            stmt = stmt.where(loans.c.status == status)
        if borrower:
            stmt = stmt.where(loans.c.borrower_id == user_lib.get(conn, borrower).id)
        if not _sees_all(user):
            stmt = stmt.where(loans.c.borrower_id == user.id)
        if client:
            stmt = stmt.where(loans.c.client_id == registry.filter_id(ctx, conn, client))
        if requested_from is not None:
            stmt = stmt.where(loans.c.requested_at >= datetime.combine(requested_from, time()))
        if requested_to is not None:
            stmt = stmt.where(
                loans.c.requested_at < datetime.combine(requested_to + timedelta(days=1), time())
            )
        return _models(conn, conn.execute(stmt).all())


def overdue(ctx: Context) -> list[Loan]:
    """Loans out past their due date, most overdue first."""
    rows = list_loans(ctx, status="overdue")
    return sorted(rows, key=lambda loan: (-loan.days_overdue, loan.number))


# ------------------------------------------------------------------------------ client records
def client_history(conn: Connection, client_id: int) -> list[dict[str, Any]]:
    """The client's loans, oldest first, for `client show`."""
    rows = conn.execute(
        select(loans)
        .where(loans.c.client_id == client_id)
        .order_by(loans.c.requested_at, loans.c.id)
    ).all()
    out = []
    for loan in _models(conn, rows):
        out.append(
            {
                "number": loan.number,
                "state": loan.state,
                "borrower": loan.borrower,
                "lent": _scope_text(loan) + ("（複印件）" if loan.copies else "（原件）"),
                "requested": loan.requested_at.date().isoformat(),
                "out": loan.checked_out_at.date().isoformat() if loan.checked_out_at else None,
                "due": loan.due_date.isoformat() if loan.due_date else None,
                "returned": loan.returned_at.date().isoformat() if loan.returned_at else None,
            }
        )
    return out


def _scope_text(loan: Loan) -> str:
    if loan.scope == LoanScope.ARCHIVE:
        return _("the whole archive")
    if loan.scope == LoanScope.MATTER:
        if loan.paper_volume is not None:  # the sealed volume's paper originals (issue 22)
            where = (
                _(", kept at {place}").format(place=loan.paper_volume) if loan.paper_volume else ""
            )
            return _("paper volume of matter {number}{where}").format(
                number=loan.matter_number, where=where
            )
        return _("matter {number}").format(number=loan.matter_number)
    return _("documents {numbers}").format(numbers=", ".join(loan.documents))


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def derived_records(conn: Connection, client: Client) -> dict[str, str]:
    """`01 基本信息/借閱記錄.txt`: the readable loan history of the client's archive, regenerated
    from the ledger on every change (nothing time-dependent in it, so `check` can compare), in
    the firm's language (set by clients.records.expected), naming people by their names."""
    from archivist.core.vocabulary import label

    rows = conn.execute(
        select(loans)
        .where(loans.c.client_id == client.id)
        .order_by(loans.c.requested_at, loans.c.id)
    ).all()
    if not rows:
        return {}
    lines = [
        _("Loans of the client's archive  {number} {name}").format(
            number=client.number, name=client.name
        ),
        "",
        _("(generated by archivist from the ledger; do not edit by hand)"),
        "",
    ]
    for loan in _models(conn, rows):
        people = loan.people

        def name(username: str | None, people: dict[str, str] = people) -> str:
            return people.get(username or "", username or "")

        lines.append(f"{loan.number}  {label('loan_status', loan.status)}")
        lines.append(
            _("  Borrower: {name} ({username})").format(
                name=loan.borrower_name, username=loan.borrower
            )
        )
        lines.append(
            _("  Scope: {scope}; {form}; {days} days").format(
                scope=_scope_text(loan),
                form=_("copies") if loan.copies else _("originals"),
                days=loan.days,
            )
        )
        lines.append(_("  Purpose: {purpose}").format(purpose=loan.purpose))
        lines.append(_("  Requested: {when}").format(when=_when(loan.requested_at)))
        if loan.approved_by:
            lines.append(
                _("  Approved: {who} {when}").format(
                    who=name(loan.approved_by), when=_when(loan.approved_at)
                )
                + (f" ({loan.approval_note})" if loan.approval_note else "")
            )
        if loan.rejected_by:
            lines.append(
                _("  Rejected: {who} {when} ({reason})").format(
                    who=name(loan.rejected_by),
                    when=_when(loan.rejected_at),
                    reason=loan.reject_reason,
                )
            )
        if loan.cancelled_at:
            lines.append(_("  Withdrawn: {when}").format(when=_when(loan.cancelled_at)))
        if loan.checked_out_at:
            lines.append(
                _("  Checked out: {who} {when}; confidentiality acknowledged; due {due}").format(
                    who=name(loan.checked_out_by),
                    when=_when(loan.checked_out_at),
                    due=loan.due_date,
                )
                + (
                    _(" (renewed {count} times)").format(count=loan.renewals)
                    if loan.renewals
                    else ""
                )
            )
        if loan.renewal_days:
            lines.append(
                _("  Renewal asked: {days} days, waiting for approval").format(
                    days=loan.renewal_days
                )
            )
        if loan.returned_at:
            lines.append(
                _("  Returned: {who} {when}").format(
                    who=name(loan.returned_by), when=_when(loan.returned_at)
                )
                + (
                    _("; condition: {condition}").format(condition=loan.condition)
                    if loan.condition
                    else ""
                )
            )
        lines.append("")
    return {HISTORY_FILE: "\n".join(lines)}


__all__ = [
    "CONFIDENTIALITY_TEXT",
    "approve",
    "cancel",
    "checkout",
    "client_history",
    "derived_records",
    "get",
    "list_loans",
    "originals_out",
    "overdue",
    "reject",
    "renew",
    "request",
    "return_",
]
