"""Complaints. Extended by the complaints issue."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text

from archivist.ledger.tables.base import metadata

complaints = Table(
    "complaints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("client_id", ForeignKey("clients.id"), nullable=False, index=True),
    Column("matter_id", ForeignKey("matters.id")),
    Column("channel", String(16), nullable=False),
    Column("content", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("received_by", ForeignKey("users.id"), nullable=False),
)
