"""Core tables: schema metadata, counters, users and roles, clients, the audit trail."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from archivist.ledger.tables.base import metadata

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Number allocation: one row per sequence ("client:C", "matter:2026:MS", "doc:C0001", ...).
counters = Table(
    "counters",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("value", Integer, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("licence_number", String(64)),
    Column("practice_area", String(200)),
    Column("created_at", DateTime, nullable=False),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("role", String(32), primary_key=True),
)

clients = Table(
    "clients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("class_letter", String(8), nullable=False),
    Column("name", String(500), nullable=False),
    Column("name_key", String(500), nullable=False, index=True),  # normalised for look-ups
    Column("kind", String(16), nullable=False),  # person | company | organization
    Column("id_number", String(64), unique=True),
    Column("phone", String(64)),
    Column("email", String(254)),
    Column("address", Text),
    Column("note", Text),
    Column("folder", String(400), nullable=False, unique=True),  # relative to archive_store/
    Column("status", String(16), nullable=False, default="active"),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# Written consent to use client information beyond the matter (policy 總則 三 4).
client_consents = Table(
    "client_consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", ForeignKey("clients.id"), nullable=False, index=True),
    Column("scope", Text, nullable=False),
    Column("document_id", ForeignKey("documents.id")),
    Column("expires_on", Date),  # issue 21: the consent's end (None: until revoked)
    Column("granted_at", DateTime, nullable=False),
    Column("granted_by", ForeignKey("users.id"), nullable=False),
    Column("revoked_at", DateTime),
    Column("revoked_by", ForeignKey("users.id")),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False, index=True),
    Column("object_type", String(32), nullable=False),
    Column("object_id", String(64), nullable=False),
    Column("client_id", ForeignKey("clients.id"), index=True),
    Column("details", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("hash"),
)

# A single row naming the chain's head. Updating it in every audited transaction serialises
# appends to the chain on every database (a row lock on PostgreSQL, the write lock on SQLite).
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)
