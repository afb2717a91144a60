"""Models of borrowing (loans) of archives."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from archivist.models.base import Model


# --------------------------------------------------------------------------- loans (borrowing)
class LoanStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    OUT = "out"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class LoanScope(StrEnum):
    ARCHIVE = "archive"  # the client's whole archive
    MATTER = "matter"  # one matter's materials
    DOCUMENTS = "documents"  # listed documents


class Loan(Model):
    number: str
    client_number: str
    client_name: str
    scope: LoanScope
    matter_number: str | None = None
    documents: list[str] = Field(default_factory=list)  # document numbers (scope documents)
    # a matter's sealed volume lent as originals: the paper volume, with where it is kept
    paper_volume: str | None = None
    borrower: str
    borrower_name: str
    purpose: str
    days: int
    copies: bool = False  # copies lent, not the originals
    no_copies: bool = False  # read only, no copies (限閱覽不得複印): no export or download
    status: LoanStatus
    state: str  # status, or "overdue" for a loan out past its due date
    overdue: bool = False
    days_overdue: int = 0
    requested_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None
    approval_note: str | None = None
    rejected_by: str | None = None
    rejected_at: datetime | None = None
    reject_reason: str | None = None
    cancelled_at: datetime | None = None
    checked_out_by: str | None = None
    checked_out_at: datetime | None = None
    ack_confidentiality: bool = False
    due_date: date | None = None
    returned_by: str | None = None
    returned_at: datetime | None = None
    condition: str | None = None
    renewal_days: int | None = None  # a renewal waiting for approval
    renewals: int = 0
    # the name of each user named above (username -> name), for registers read by people
    people: dict[str, str] = Field(default_factory=dict)


class LoanStep(Model):
    at: datetime
    actor: str
    action: str
    details: dict[str, Any] = Field(default_factory=dict)


class LoanResult(Model):
    loan: Loan
    warnings: list[str] = Field(default_factory=list)


class LoanDetail(Model):
    loan: Loan
    history: list[LoanStep] = Field(default_factory=list)
