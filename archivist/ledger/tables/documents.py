"""Filed documents. Extended by the filing and search issue."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from archivist.ledger.tables.base import metadata

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(48), nullable=False, unique=True),
    Column("client_id", ForeignKey("clients.id"), nullable=False, index=True),
    Column("matter_id", ForeignKey("matters.id"), index=True),
    Column("section", String(16), nullable=False),  # basic | contract | case | work | complaint
    Column("title", String(500), nullable=False),
    Column("original_name", String(500), nullable=False),
    Column("path", String(1000), nullable=False, unique=True),  # relative to archive_store/
    Column("size", Integer, nullable=False),
    Column("checksum", String(128), nullable=False),
    Column("checksum_algo", String(16), nullable=False, default="sha256"),
    Column("filetype", String(16), nullable=False),  # pdf, docx, txt, eml, ... or "unknown"
    Column("pages", Integer),
    Column("text_status", String(16), nullable=False, default="ok"),  # ok | flagged
    Column("flag", String(16)),  # encrypted|no_text|corrupt|truncated|unknown_type|empty|...
    Column("flag_reason", Text),
    Column("text_chars", Integer),
    Column("encoding", String(32)),
    Column("source", String(16), nullable=False, default="filed"),  # filed|generated|adopted
    Column("version_of", ForeignKey("documents.id")),
    # a deliberate second copy of a file the client already has (`--again`, or generated)
    Column("copy_of", ForeignKey("documents.id")),
    # generated documents: which template (and its version) and the data it was filled with
    Column("template", String(64)),
    Column("template_version", String(64)),
    Column("template_data", Text),
    Column("filed_at", DateTime, nullable=False),
    Column("filed_by", ForeignKey("users.id"), nullable=False),
)

Index("ix_documents_client_checksum", documents.c.client_id, documents.c.checksum)

# Text that needed something the store does not hold to extract (a PDF password given at
# `file extract --password`): kept so that `index rebuild` can index it again.
document_texts = Table(
    "document_texts",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
    Column("text", Text, nullable=False),
    Column("reason", String(32), nullable=False),  # "password"
)
