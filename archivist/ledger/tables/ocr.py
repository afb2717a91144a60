"""The OCR queue and derived files (issue 24), and links between documents (an e-mail and the
attachments filed from it). Added by schema version 4."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from archivist.ledger.tables.base import metadata

# one row per document that needs OCR: queued -> done | failed (failed is retried on request)
ocr_jobs = Table(
    "ocr_jobs",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("status", String(16), nullable=False),  # queued | done | failed
    Column("reason", Text),  # why it failed (one line)
    Column("attempts", Integer, nullable=False, default=0),
    Column("languages", String(64)),
    Column("queued_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    # the searchable PDF beside the original (relative to archive_store/), never the original
    Column("derived_path", String(1000), unique=True),
    Column("derived_size", Integer),
    Column("derived_checksum", String(128)),
    Column("derived_checksum_algo", String(16)),
    Column("method", String(16)),  # how the text was produced: ocr
)
Index("ix_ocr_jobs_status", ocr_jobs.c.status)

# a document filed from another one: an e-mail's attachment (kind "attachment")
document_links = Table(
    "document_links",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("parent_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
)
