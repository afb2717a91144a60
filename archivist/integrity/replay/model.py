"""What the replay reports."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Finding(BaseModel):
    kind: str  # document | loan | matter | user | client
    record: str  # the record's number or name
    detail: str
    client_id: int | None = None
    client: str | None = None  # the client number, where there is one


class ReplayResult(BaseModel):
    events: int = 0
    checked: dict[str, int] = Field(default_factory=dict)  # rows compared per kind
    findings: list[Finding] = Field(default_factory=list)
    seconds: float = 0.0

    def suspect_clients(self) -> set[int]:
        return {f.client_id for f in self.findings if f.client_id is not None}

    def suspect_documents(self) -> set[str]:
        return {f.record for f in self.findings if f.kind == "document"}
