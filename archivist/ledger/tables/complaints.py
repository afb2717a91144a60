"""Complaints (policy 客戶投訴處理): the complaint, and every step of its handling."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text

from archivist.ledger.tables.base import metadata

complaints = Table(
    "complaints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("client_id", ForeignKey("clients.id"), nullable=False, index=True),
    Column("matter_id", ForeignKey("matters.id")),
    # JSON list of the usernames the complaint is about (the matter's lawyers when it was filed)
    Column("about_lawyers", Text),
    Column("channel", String(16), nullable=False),  # phone|email|fax|in-person|mailbox
    Column("content", Text, nullable=False),
    # received | classified | assigned | resolved | reopened | closed
    Column("status", String(16), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("received_by", ForeignKey("users.id"), nullable=False),
    Column("first_response_due", Date, nullable=False),
    Column("due_date", Date, nullable=False),  # handling deadline of the current round
    Column("category", String(32)),
    Column("cause", Text),
    Column("responsibility", String(16)),
    Column("assignee_id", ForeignKey("users.id")),  # a user ...
    Column("assignee_department", String(100)),  # ... or a department
    Column("first_response_at", DateTime),
    Column("first_resolved_at", DateTime),
    Column("first_due_date", Date, nullable=False),  # handling deadline as first set
    Column("resolved_at", DateTime),  # the latest resolution
    Column("finding", Text),
    Column("action", Text),
    Column("client_opinion", String(16)),  # satisfied | unsatisfied | no-reply (latest)
    Column("reopen_count", Integer, nullable=False, default=0),
    Column("closed_at", DateTime),
    Column("updated_at", DateTime, nullable=False),
)

# The full history: filed, notify, classify, assign, resolve, feedback, reopen, close, propose.
complaint_events = Table(
    "complaint_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("complaint_id", ForeignKey("complaints.id"), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("kind", String(16), nullable=False, index=True),
    Column("text", Text),  # what the client was told, the finding, the proposal, ...
    Column("details", Text, nullable=False, default="{}"),  # canonical JSON
)
