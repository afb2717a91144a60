"""Matters (cases), their lawyers and parties. Extended by the client-service process issue."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text

from archivist.ledger.tables.base import metadata

matters = Table(
    "matters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("client_id", ForeignKey("clients.id"), nullable=False, index=True),
    Column("type", String(32), nullable=False),  # civil, criminal, ... (see archivist.matters)
    Column("code", String(8), nullable=False),  # MS, XS, ...
    Column("year", Integer, nullable=False),
    Column("title", String(500), nullable=False),
    Column("status", String(16), nullable=False, default="open"),  # open | closed
    Column("accepted_at", DateTime, nullable=False),
    Column("contact_deadline", Date, nullable=False),
    Column("contacted_at", DateTime),
    Column("plan", Text),
    Column("closed_at", DateTime),
    Column("outcome", Text),
    Column("satisfied", Boolean),
    Column("conflict_waiver", String(200)),
    Column("created_by", ForeignKey("users.id"), nullable=False),
)

# Assignment history: an assignment is active while removed_at is NULL.
matter_lawyers = Table(
    "matter_lawyers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("assigned_at", DateTime, nullable=False),
    Column("removed_at", DateTime),
)
