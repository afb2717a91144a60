"""Models of the client-service process: consultations, conflicts, parties, progress."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from archivist.models.base import Model
from archivist.models.matters import Matter


# --------------------------------------------------------------------------- client service
# (consultations, conflict checks, matter parties and timelines: archivist.matters.consultations,
# archivist.matters.conflicts, archivist.matters.service)
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
    rule: str = "same-name"  # which rule matched (archivist/matters/conflict_names.py)
    strength: int = 100  # how strongly (0-100)
    kind: str = ""  # our-client | opposing | related | consultation | lawyer (what the hit is)


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
    waiver_id: int | None = None
    waiver_detail: str | None = None  # the waiver, its consent documents and its approval
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
    conflict_warnings: list[str] = Field(default_factory=list)  # from the check when logged


class TimelineEntry(Model):
    at: datetime
    actor: str
    action: str  # the audit action, e.g. matter.open, consultation.log
    reference: str  # the object's number
    text: str = ""
