"""Sign-in tables (issue 18): password hashes, sessions, API tokens. Secrets are stored only as
hashes: Argon2 for passwords, SHA-256 for session ids and tokens (random, 256-bit)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table

from archivist.ledger.tables.base import metadata

credentials = Table(
    "credentials",
    metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("must_change", Boolean, nullable=False, default=True),
    Column("set_at", DateTime, nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("locked_until", DateTime),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("ended_at", DateTime),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("last_used", DateTime),
    Column("revoked_at", DateTime),
)
