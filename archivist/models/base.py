"""Models of users, roles, clients, the audit trail and access scopes; and Model, the base of every model."""

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
    name: str = Field("", max_length=500)  # empty: the prospect's name (from_prospect)
    kind: ClientKind
    id_number: str | None = Field(None, max_length=64)
    phone: str | None = Field(None, max_length=64)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=2000)
    note: str | None = Field(None, max_length=10000)
    # other names the conflict check searches (issue 21): 'NAME' or 'NAME:ID-NUMBER'
    aliases: list[str] = Field(default_factory=list, max_length=50)
    former_names: list[str] = Field(default_factory=list, max_length=50)
    related: list[str] = Field(default_factory=list, max_length=50)
    relations: list[str] = Field(default_factory=list, max_length=50)
    from_prospect: str | None = None  # a prospect (P2026-0001) who becomes this client


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
