"""Archive volumes, legal holds, disposals, corrections of misfiled documents (issue 22)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from archivist.models.base import Model


class ChecklistItem(Model):
    item: str
    status: str  # present | missing | waived
    documents: list[str] = Field(default_factory=list)  # document numbers that meet it
    reason: str | None = None  # why it was waived
    waived_by: str | None = None


class VolumeDocument(Model):
    """One row of the contents list (卷內目錄)."""

    seq: int
    number: str
    responsible: str  # 責任者: who made the document (the firm for generated ones)
    title: str
    date: date
    pages: int | None = None  # None: unknown
    first_page: int | None = None
    last_page: int | None = None
    remarks: str = ""


class Volume(Model):
    matter_number: str
    matter_id: int
    client_number: str
    client_name: str
    title: str
    type: str
    matter_status: str
    lawyers: list[str] = Field(default_factory=list)
    status: str  # open | sealed | amending | disposed
    accepted_at: datetime
    closed_at: datetime | None = None
    archive_by: date | None = None  # the archiving deadline (closure + archive_months)
    archiving_overdue: bool = False
    retention_class: str  # permanent | long | short
    retention_years: int | None = None  # None: permanent
    keep_until: date | None = None  # closure + retention years
    sealed_at: datetime | None = None
    sealed_by: str | None = None
    manifest_hash: str | None = None
    room: str | None = None
    cabinet: str | None = None
    box: str | None = None
    custodian: str | None = None
    held: bool = False
    checklist: list[ChecklistItem] = Field(default_factory=list)
    documents: list[VolumeDocument] = Field(default_factory=list)
    filed: list[str] = Field(default_factory=list)  # generated documents filed by --contents
    warnings: list[str] = Field(default_factory=list)


class Amendment(Model):
    id: int
    matter_number: str
    reason: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None


class Hold(Model):
    id: int
    client_number: str
    matter_number: str | None = None
    reason: str
    placed_by: str
    placed_at: datetime
    released_by: str | None = None
    released_at: datetime | None = None
    release_reason: str | None = None


class DisposalItem(Model):
    matter_number: str
    client_number: str
    retention_class: str
    keep_until: date | None = None
    documents: list[dict[str, object]] = Field(default_factory=list)


class Disposal(Model):
    number: str
    status: str
    proposed_by: str
    proposed_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None
    second_by: str | None = None
    second_at: datetime | None = None
    done_at: datetime | None = None
    method: str | None = None
    backups: list[str] = Field(default_factory=list)
    register_path: str | None = None
    items: list[DisposalItem] = Field(default_factory=list)
