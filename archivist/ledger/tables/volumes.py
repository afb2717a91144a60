"""Archive volumes (立卷歸檔, one matter one volume), their checklist waivers and amendments,
legal holds, disposals (銷毀) and corrections of misfiled documents (issue 22)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text

from archivist.ledger.tables.base import metadata

# One row per matter whose volume has been touched (sealed, located, classed); a matter without
# a row has an open, unsealed volume.
volumes = Table(
    "volumes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, unique=True),
    Column("status", String(16), nullable=False, default="open"),  # open|sealed|amending|disposed
    Column("retention_class", String(16)),  # permanent | long | short (None: the type's default)
    Column("sealed_at", DateTime),
    Column("sealed_by", ForeignKey("users.id")),
    Column("manifest", Text),  # canonical JSON: [[number, checksum], ...] in volume order
    Column("manifest_hash", String(64)),
    Column("room", String(100)),
    Column("cabinet", String(100)),
    Column("box", String(100)),
    Column("custodian_id", ForeignKey("users.id")),
    Column("disposed_at", DateTime),
)

# A checklist item a volume does without, and why (waived by the head).
volume_waivers = Table(
    "volume_waivers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("item", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("waived_by", ForeignKey("users.id"), nullable=False),
    Column("waived_at", DateTime, nullable=False),
)

# A change to a sealed volume: requested, approved by the head (not the requester), then closed
# by sealing again.
volume_amendments = Table(
    "volume_amendments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending | approved | rejected | closed
    Column("requested_by", ForeignKey("users.id"), nullable=False),
    Column("requested_at", DateTime, nullable=False),
    Column("decided_by", ForeignKey("users.id")),
    Column("decided_at", DateTime),
    Column("closed_at", DateTime),
)

# Legal holds on a whole client or one matter: active while released_at is NULL.
holds = Table(
    "holds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", ForeignKey("clients.id"), nullable=False, index=True),
    Column("matter_id", ForeignKey("matters.id"), index=True),
    Column("reason", Text, nullable=False),
    Column("placed_by", ForeignKey("users.id"), nullable=False),
    Column("placed_at", DateTime, nullable=False),
    Column("released_by", ForeignKey("users.id")),
    Column("released_at", DateTime),
    Column("release_reason", Text),
)

# A disposal batch: proposed, approved (head, and a second approver when configured), done.
disposals = Table(
    "disposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("status", String(16), nullable=False),  # proposed | approved | done | rejected
    Column("proposed_by", ForeignKey("users.id"), nullable=False),
    Column("proposed_at", DateTime, nullable=False),
    Column("approved_by", ForeignKey("users.id")),
    Column("approved_at", DateTime),
    Column("second_by", ForeignKey("users.id")),
    Column("second_at", DateTime),
    Column("done_at", DateTime),
    Column("method", String(200)),
    Column("backups", Text),  # JSON list of backup folders that still hold the documents
    Column("register_path", String(1000)),  # the 銷毀清冊, relative to archive_store/
)

# The register: one row per volume of a batch, with its documents as they were (JSON list of
# {number, title, checksum, checksum_algo, size}).
disposal_items = Table(
    "disposal_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("disposal_id", ForeignKey("disposals.id"), nullable=False, index=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("documents", Text, nullable=False),
)

# An old document number that now names a moved document.
document_aliases = Table(
    "document_aliases",
    metadata,
    Column("alias", String(48), primary_key=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
)

# Withdrawn documents: out of listings and search, kept in the withdrawn area, restorable.
document_withdrawals = Table(
    "document_withdrawals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending | withdrawn | rejected | restored
    Column("requested_by", ForeignKey("users.id"), nullable=False),
    Column("requested_at", DateTime, nullable=False),
    Column("decided_by", ForeignKey("users.id")),
    Column("decided_at", DateTime),
    Column("original_path", String(1000)),
    Column("restored_at", DateTime),
)
