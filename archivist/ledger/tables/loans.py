"""Borrowing of archives. Extended by the borrowing issue."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text

from archivist.ledger.tables.base import metadata

loans = Table(
    "loans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("client_id", ForeignKey("clients.id"), nullable=False, index=True),
    Column("matter_id", ForeignKey("matters.id")),
    Column("scope", String(16), nullable=False),  # archive | matter | documents
    Column("borrower_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("purpose", Text, nullable=False),
    Column("days", Integer, nullable=False),
    Column("copy", Boolean, nullable=False, default=False),
    # pending | approved | rejected | out | returned | cancelled
    Column("status", String(16), nullable=False, default="pending"),
    Column("requested_at", DateTime, nullable=False),
    Column("approved_by", ForeignKey("users.id")),
    Column("approved_at", DateTime),
    Column("checked_out_at", DateTime),
    Column("due_at", DateTime),
    Column("returned_at", DateTime),
)

loan_documents = Table(
    "loan_documents",
    metadata,
    Column("loan_id", ForeignKey("loans.id"), primary_key=True),
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
)
