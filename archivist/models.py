"""Pydantic models: what library functions take and return. Feature modules add their own
models here (one block per feature)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    # defer_build: validators are built on first use, not at import (start-up time)
    model_config = ConfigDict(frozen=False, extra="forbid", defer_build=True)


# --------------------------------------------------------------------------- users and roles
class Role(StrEnum):
    ARCHIVIST = "archivist"  # client-service staff who file and number
    HEAD = "head"  # client-service department head
    LAWYER = "lawyer"
    STAFF = "staff"
    MANAGEMENT = "management"


class User(Model):
    id: int
    username: str
    display_name: str
    roles: list[Role]
    active: bool = True
    licence_number: str | None = None
    practice_area: str | None = None
    created_at: datetime

    def has(self, *roles: Role | str) -> bool:
        return any(Role(r) in self.roles for r in roles)


# --------------------------------------------------------------------------- clients
class ClientKind(StrEnum):
    PERSON = "person"  # 自然人
    COMPANY = "company"  # 法人
    ORGANIZATION = "organization"  # 其他組織


class Section(StrEnum):
    """The five sections of a client's archive (policy 客戶檔案管理 一)."""

    BASIC = "basic"
    CONTRACT = "contract"
    CASE = "case"
    WORK = "work"
    COMPLAINT = "complaint"

    @property
    def folder(self) -> str:
        return SECTION_FOLDERS[self]


SECTION_FOLDERS: dict[Section, str] = {
    Section.BASIC: "01 基本信息",
    Section.CONTRACT: "02 法律服務合同",
    Section.CASE: "03 案件材料",
    Section.WORK: "04 律師工作記錄",
    Section.COMPLAINT: "05 投訴處理記錄",
}


class ClientInput(Model):
    name: str = Field(min_length=1, max_length=500)
    kind: ClientKind
    id_number: str | None = Field(None, max_length=64)
    phone: str | None = Field(None, max_length=64)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=2000)
    note: str | None = Field(None, max_length=10000)


class Client(Model):
    id: int
    number: str
    class_letter: str
    name: str
    kind: ClientKind
    id_number: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    note: str | None = None
    folder: str
    status: str = "active"
    created_at: datetime
    updated_at: datetime


class ClientAdded(Model):
    client: Client
    folder_path: str
    warnings: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- audit
class AuditEvent(Model):
    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    client_id: int | None = None
    details: dict[str, Any]
    prev_hash: str
    hash: str


# --------------------------------------------------------------------------- access
class Scope(Model):
    """What a user may read. `everything` for archivist/head; otherwise whole client archives,
    single matters and single documents (from assignments and active loans)."""

    everything: bool = False
    client_ids: set[int] = Field(default_factory=set)
    matter_ids: set[int] = Field(default_factory=set)
    document_ids: set[int] = Field(default_factory=set)

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.client_ids or self.matter_ids or self.document_ids)


DateLike = date | str


# --------------------------------------------------------------------------- matters
class MatterType(StrEnum):
    CRIMINAL = "criminal"
    CIVIL = "civil"
    ADMINISTRATIVE = "administrative"
    ARBITRATION = "arbitration"
    RETAINER = "retainer"
    NON_LITIGATION = "non-litigation"
    CONSULTATION = "consultation"

    @property
    def code(self) -> str:
        return MATTER_CODES[self]


MATTER_CODES: dict[MatterType, str] = {
    MatterType.CRIMINAL: "XS",
    MatterType.CIVIL: "MS",
    MatterType.ADMINISTRATIVE: "XZ",
    MatterType.ARBITRATION: "ZC",
    MatterType.RETAINER: "GW",
    MatterType.NON_LITIGATION: "FS",
    MatterType.CONSULTATION: "ZX",
}


class Matter(Model):
    id: int
    number: str
    client_id: int
    client_number: str
    type: MatterType
    code: str
    year: int
    title: str
    status: str
    accepted_at: datetime
    contact_deadline: date
    contacted_at: datetime | None = None
    plan: str | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    satisfied: bool | None = None
    conflict_waiver: str | None = None
    lawyers: list[str] = Field(default_factory=list)  # usernames, active assignments
    follow_up_open: bool = False  # a dissatisfied closure's follow-up item is unresolved
    contact_overdue: bool = False  # open, not contacted, contact deadline passed


# --------------------------------------------------------------------------- integrity, backup
class CheckProblem(Model):
    """One thing `archivist check` found. `path` is a full path on disk when there is one."""

    kind: str  # missing | checksum | orphan | unfinished | temp | derived | folder | permissions |
    #            index-missing | index-stale | index-extra | audit
    path: str | None = None
    client: str | None = None
    document: str | None = None
    detail: str
    repairable: bool = False


class CheckReport(Model):
    ok: bool
    scope: str  # "all" or a client number
    counts: dict[str, int] = Field(default_factory=dict)  # what was checked
    problems: list[CheckProblem] = Field(default_factory=list)
    summary: dict[str, int] = Field(default_factory=dict)  # problems per kind
    repaired: list[str] = Field(default_factory=list)  # what --repair did, one line each
    seconds: float = 0.0


class BackupResult(Model):
    dest: str
    manifest: str
    home_id: str
    clients: int
    documents: int
    files_copied: int
    files_skipped: int
    bytes_copied: int
    audit_events: int
    problems: list[str] = Field(default_factory=list)
    seconds: float = 0.0


class RestoreResult(Model):
    home: str
    source: str
    documents: int
    files_verified: int
    indexed: int
    check: CheckReport
    seconds: dict[str, float] = Field(default_factory=dict)  # copy, index, check


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


# --------------------------------------------------------------------------- client service
# (consultations, conflict checks, matter parties and timelines: archivist.consultations,
# archivist.conflicts, archivist.matters)
class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    FAX = "fax"
    IN_PERSON = "in-person"


class PartyRole(StrEnum):
    CLIENT = "client"
    OPPOSING = "opposing"
    RELATED = "related"


class Party(Model):
    role: PartyRole
    name: str
    id_number: str | None = None
    relation: str | None = None
    client_number: str | None = None  # role 'client': the firm's client


class ConflictHit(Model):
    searched: str  # the name or id number that was searched
    found: str  # the name as recorded
    match: str  # name | id_number
    where: str  # client | client-party | opposing | related | consultation | consultation-mention
    reference: str  # client, matter or consultation number
    client_number: str | None = None  # whose archive it is in
    matter_number: str | None = None
    detail: str = ""
    blocking: bool = False  # the firm acts for this person: opening against them is refused


class ConflictCheck(Model):
    id: int
    matter_number: str | None = None
    client_number: str | None = None
    purpose: str
    names: list[str]
    id_numbers: list[str]
    hits: list[ConflictHit]
    result: str  # clear | hits | conflict | waived | refused
    waiver: str | None = None
    checked_at: datetime
    checked_by: str


class MatterEvent(Model):
    id: int
    matter_number: str
    at: datetime
    actor: str
    kind: str  # accepted | contact | plan | progress | closed | follow-up | ...
    text: str = ""
    reported_to_client: bool = False


class FollowUp(Model):
    id: int
    opened_at: datetime
    reason: str
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None


class MatterDetail(Model):
    matter: Matter
    client_name: str
    parties: list[Party]
    conflict_checks: list[ConflictCheck]
    follow_ups: list[FollowUp]
    events: list[MatterEvent]


class MatterOpened(Model):
    matter: Matter
    conflict_check: ConflictCheck
    warnings: list[str] = Field(default_factory=list)


class Consultation(Model):
    id: int
    number: str
    client_number: str
    client_name: str
    channel: Channel
    summary: str
    handled_by: str
    consulted_at: datetime
    follow_up: date | None = None
    followed_up_at: datetime | None = None
    follow_up_note: str | None = None
    parties: list[str] = Field(default_factory=list)
    due: bool = False  # follow-up date reached and not yet done


class TimelineEntry(Model):
    at: datetime
    actor: str
    action: str  # the audit action, e.g. matter.open, consultation.log
    reference: str  # the object's number
    text: str = ""


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
    borrower: str
    borrower_name: str
    purpose: str
    days: int
    copies: bool = False  # copies lent, not the originals
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


# --------------------------------------------------------------------------- documents and search
class Extraction(Model):
    """The text of one file, or why there is none (a flagged document is still filed)."""

    filetype: str
    text: str = ""
    pages: int | None = None
    flag: str | None = None  # encrypted|no_text|corrupt|truncated|unknown_type|empty|too_large|
    #                          zip_bomb|timeout|encoding
    reason: str | None = None
    encoding: str | None = None

    @property
    def flagged(self) -> bool:
        return self.flag is not None


class Document(Model):
    id: int
    number: str
    client_id: int
    client_number: str
    client_name: str = ""
    matter_id: int | None = None
    matter_number: str | None = None
    section: Section
    title: str
    original_name: str
    path: str  # relative to archive_store/
    size: int
    checksum: str
    checksum_algo: str = "sha256"
    filetype: str
    pages: int | None = None
    text_status: str = "ok"  # ok | flagged
    flag: str | None = None
    flag_reason: str | None = None
    text_chars: int | None = None
    encoding: str | None = None
    source: str = "filed"
    version_of: int | None = None
    template: str | None = None
    template_version: str | None = None
    template_data: dict[str, Any] | None = None
    filed_at: datetime
    filed_by: str
    indexed: bool | None = None
    warnings: list[str] = Field(default_factory=list)


class ImportItem(Model):
    path: str
    outcome: str  # filed | skipped | flagged | failed | would-file | would-skip
    document: str | None = None
    client: str | None = None
    reason: str | None = None


class ImportSummary(Model):
    filed: int = 0
    skipped: int = 0
    flagged: int = 0
    failed: int = 0
    dry_run: bool = False
    items: list[ImportItem] = Field(default_factory=list)


class SearchHit(Model):
    client: str
    client_name: str
    document: str
    title: str
    original_name: str
    section: str
    date: str
    score: float
    snippet: str
    matter: str | None = None
    filetype: str | None = None
    highlighted: str | None = None  # snippet with [[ ]] around the matched words


class SearchResult(Model):
    total: int
    page: int
    limit: int
    hits: list[SearchHit] = Field(default_factory=list)


class IndexStatus(Model):
    missing: list[str] = Field(default_factory=list)  # in the ledger, not in the index
    stale: list[str] = Field(default_factory=list)  # in both, but the index holds an old state
    extra: list[str] = Field(default_factory=list)  # in the index, not in the ledger
    documents: int = 0
    indexed: int = 0
    version_ok: bool = True
    message: str | None = None


# --------------------------------------------------------------------------- documents (templates)
class TemplateField(Model):
    name: str  # dotted path; `lawyers[].name` is a field of each item of the list `lawyers`
    type: str  # text, integer, date, money, percent, boolean, list, list[text], choice(a|b)
    required: bool
    source: str = "user"  # user | ledger (filled by archivist) | computed
    default: Any = None
    description: str = ""


class TemplateInfo(Model):
    name: str
    title: str
    source: str  # shipped | added
    version: str
    path: str
    fields: int = 0
    added_by: str | None = None
    added_at: str | None = None


class GeneratedDocument(Model):
    number: str  # the document number (same as `document`)
    document: str
    path: str  # absolute path of the filed .docx
    relative_path: str
    client: str
    matter: str
    template: str
    template_version: str
    title: str
    version_of: str | None = None  # the document number this one supersedes
    pdf: str | None = None  # document number of the filed PDF
    pdf_path: str | None = None
    warnings: list[str] = Field(default_factory=list)


class BatchRowResult(Model):
    line: int
    matter: str
    ok: bool
    document: str | None = None
    path: str | None = None
    error: str | None = None


class BatchResult(Model):
    generated: int = 0
    failed: int = 0
    rows: list[BatchRowResult] = Field(default_factory=list)
