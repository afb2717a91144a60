"""Pydantic models: what library functions take and return. Feature modules add their own
models here (one block per feature)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid")


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
