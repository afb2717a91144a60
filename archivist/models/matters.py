"""Models of matters (cases) and their types."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from archivist.models.base import Model


# --------------------------------------------------------------------------- matters
class MatterType(StrEnum):
    CRIMINAL = "criminal"
    CIVIL = "civil"
    FAMILY = "family"  # 家事 / 婚姻家事: divorce, custody, inheritance
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
    MatterType.FAMILY: "JS",
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
    lawyer_names: list[str] = Field(default_factory=list)  # their names, in the same order
    follow_up_open: bool = False  # a dissatisfied closure's follow-up item is unresolved
    contact_overdue: bool = False  # open, not contacted, contact deadline passed
    engagement_signed_on: date | None = None  # the engagement contract signed and returned
    engagement_document: str | None = None  # the filed signed copy's number
