"""Models of filed documents, import, search and the index."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from archivist.models.base import Model, Section


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
    # a scan (or a PDF with pages without text) that OCR should read (issue 24)
    needs_ocr: bool = False

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
    copy_of: int | None = None
    template: str | None = None
    template_version: str | None = None
    template_data: dict[str, Any] | None = None
    filed_at: datetime
    filed_by: str
    indexed: bool | None = None
    warnings: list[str] = Field(default_factory=list)
    # issue 24, filled by `file show`: how the text was produced (native | ocr | conversion),
    # the OCR job, the e-mail a document was attached to and the attachments filed from it
    text_method: str | None = None
    ocr: dict[str, Any] | None = None
    parent: str | None = None
    attachments: list[str] = Field(default_factory=list)


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
    highlighted: str | None = None  # snippet with \x02 \x03 around the matched words
    highlights: list[list[int]] = Field(default_factory=list)  # [start, end) in snippet


# The stable, language-neutral keys of a hit in `search --json` and /api/v1/search.
SEARCH_HIT_KEYS = (
    "client",
    "client_name",
    "document",
    "title",
    "original_name",
    "section",
    "date",
    "score",
    "snippet",
    "highlights",
    "matter",
    "filetype",
)


class SearchResult(Model):
    total: int
    page: int
    limit: int
    hits: list[SearchHit] = Field(default_factory=list)

    def public(self) -> dict[str, object]:
        """The shape every front end gives scripts: {total, page, limit, hits[...]}."""
        return {
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "hits": [{k: getattr(h, k) for k in SEARCH_HIT_KEYS} for h in self.hits],
        }


class IndexStatus(Model):
    missing: list[str] = Field(default_factory=list)  # in the ledger, not in the index
    stale: list[str] = Field(default_factory=list)  # in both, but the index holds an old state
    extra: list[str] = Field(default_factory=list)  # in the index, not in the ledger
    documents: int = 0
    indexed: int = 0
    version_ok: bool = True
    message: str | None = None
