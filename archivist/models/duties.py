"""Models of rights and duties of lawyers and clients."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from archivist.models.base import Model


# --------------------------------------------------------------------------- rights and duties
class Reassignment(Model):
    id: int
    matter: str
    from_lawyer: str
    to_lawyer: str
    reason: str
    client_request: bool
    at: datetime
    by: str
    lawyers: list[str] = Field(default_factory=list)  # active lawyers after the change


class DeclinedEngagement(Model):
    id: int
    number: None = None  # a declined engagement takes no matter number
    client: str
    client_name: str = ""
    consultation: str | None = None
    type: str | None = None
    title: str | None = None
    reason: str
    declined_at: datetime
    declined_by: str


class Deliverable(Model):
    id: int  # the deliverable's number within its matter
    matter: str
    client: str
    title: str
    due: date
    source: str = "added"
    status: str  # open | overdue | done
    done_at: datetime | None = None
    done_by: str | None = None
    document: str | None = None
    lawyers: list[str] = Field(default_factory=list)


class Evaluation(Model):
    id: int
    matter: str
    client: str
    lawyer: str
    score: int
    comment: str | None = None
    at_closure: bool = False
    recorded_at: datetime
    recorded_by: str


class LawyerServiceSummary(Model):
    lawyer: str
    display_name: str
    evaluations: int
    average: float
    lowest: int
    highest: int
    low_scores: int  # 1 or 2
    matters: int


class Instalment(Model):
    seq: int
    matter: str
    client: str
    due: date
    amount: str  # Decimal as text, 2 places
    description: str | None = None
    paid: str = "0.00"  # covered by payments (oldest instalment first)
    outstanding: str = "0.00"
    status: str = "open"  # paid | open | overdue


class Payment(Model):
    id: int
    matter: str
    client: str
    amount: str
    paid_on: date
    reference: str | None = None
    recorded_at: datetime
    recorded_by: str


class Consent(Model):
    id: int
    client: str
    scope: str
    purposes: list[str] = Field(default_factory=list)
    document: str | None = None
    expires_on: date | None = None  # None: until revoked
    granted_at: datetime
    granted_by: str
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ExportResult(Model):
    purpose: str
    path: str
    exported: int
    left_out: int  # clients without written consent for the purpose
    columns: list[str] = Field(default_factory=list)


class ClientReportResult(Model):
    client: str
    path: str
    matters: list[str] = Field(default_factory=list)
    lawyers: list[str] = Field(default_factory=list)
    progress_records: int = 0  # records marked as reported to the client
    internal_left_out: int = 0  # work records not marked for the client
    deliverables: int = 0
