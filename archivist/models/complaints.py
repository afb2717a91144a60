"""Models of complaints and the complaints report."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from archivist.models.base import Model


# --------------------------------------------------------------------------- complaints
class ComplaintStatus(StrEnum):
    RECEIVED = "received"
    CLASSIFIED = "classified"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"


class ComplaintEvent(Model):
    at: datetime
    actor: str
    kind: str  # filed, notify, classify, assign, resolve, feedback, reopen, close, propose
    text: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class Complaint(Model):
    id: int
    number: str
    client_id: int
    client_number: str
    client_name: str
    matter: str | None = None
    about_lawyers: list[str] = Field(default_factory=list)  # the matter's lawyers when filed
    handled_by: str | None = None  # who resolved it (the latest resolution)
    channel: str
    content: str
    status: ComplaintStatus
    received_at: datetime
    received_by: str
    first_response_due: date
    first_response_at: datetime | None = None
    due_date: date
    first_due_date: date
    category: str | None = None
    cause: str | None = None
    responsibility: str | None = None
    assignee: str | None = None  # a username or a department name
    assignee_kind: str | None = None  # user | department
    first_resolved_at: datetime | None = None
    resolved_at: datetime | None = None
    finding: str | None = None
    action: str | None = None
    client_opinion: str | None = None
    reopen_count: int = 0
    closed_at: datetime | None = None
    updated_at: datetime
    overdue: bool = False  # open past its handling deadline (as of now)
    first_response_overdue: bool = False  # nobody has told the client anything in time
    history: list[ComplaintEvent] = Field(default_factory=list)


class ComplaintDurations(Model):
    """Durations from receipt, over the complaints that reached the step."""

    count: int = 0
    median_hours: float | None = None
    median_days: float | None = None
    worst_hours: float | None = None
    worst_days: float | None = None
    worst_complaint: str | None = None


class ComplaintReportRow(Model):
    number: str
    client_number: str
    received_at: datetime
    channel: str
    category: str | None = None
    status: ComplaintStatus
    assignee: str | None = None
    due_date: date
    reopen_count: int = 0


class ComplaintProposal(Model):
    complaint: str
    at: datetime
    by: str
    text: str


class ComplaintReport(Model):
    period_from: date
    period_to: date
    as_of: datetime
    total: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    by_cause: dict[str, int]
    by_responsibility: dict[str, int]
    by_channel: dict[str, int]
    by_lawyer: dict[str, int]
    first_response: ComplaintDurations
    resolution: ComplaintDurations
    overdue: list[ComplaintReportRow]
    reopened: list[ComplaintReportRow]
    open: list[ComplaintReportRow]
    proposals: list[ComplaintProposal]
