"""Models of Word templates and generated documents."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from archivist.models.base import Model


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
