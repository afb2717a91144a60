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
    Column(
        "type", String(32), nullable=False
    ),  # civil, criminal, ... (see archivist.matters.service)
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

# Parties per matter: the client, opposing parties and related parties (legal representative,
# affiliates). `name_key` is textnorm.fold(name), the key the conflict check compares.
matter_parties = Table(
    "matter_parties",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("role", String(16), nullable=False),  # client | opposing | related
    Column("name", String(500), nullable=False),
    Column("name_key", String(500), nullable=False, index=True),
    Column("id_number", String(64), index=True),
    Column("relation", String(200)),  # for related parties: legal representative, affiliate...
    Column("client_id", ForeignKey("clients.id")),  # role 'client': the firm's client
    Column("added_at", DateTime, nullable=False),
    Column("added_by", ForeignKey("users.id"), nullable=False),
)

# Every conflict-of-interest check and its result; matter_id is NULL for a standalone check or
# a refused opening (which then names the client it was for).
conflict_checks = Table(
    "conflict_checks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), index=True),
    Column("client_id", ForeignKey("clients.id"), index=True),
    Column("purpose", String(32), nullable=False),  # search | matter-open | party-add
    Column("names", Text, nullable=False),  # JSON list
    Column("id_numbers", Text, nullable=False),  # JSON list
    Column("hits", Text, nullable=False),  # JSON list of hits
    Column("result", String(16), nullable=False),  # clear | hits | conflict | waived | refused
    Column("waiver", String(200)),
    Column("waiver_id", Integer),  # conflict_waivers.id (issue 21), when a waiver was used
    Column("checked_at", DateTime, nullable=False),
    Column("checked_by", ForeignKey("users.id"), nullable=False),
)

# The matter's timeline: acceptance, contact, plan, work records and progress reports, closure,
# follow-up, reopening, assignments. Append-only.
matter_events = Table(
    "matter_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("actor_id", ForeignKey("users.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("reported_to_client", Boolean, nullable=False, default=False),
)

# A dissatisfied client at closure opens a follow-up item that stays open until resolved.
matter_follow_ups = Table(
    "matter_follow_ups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("opened_at", DateTime, nullable=False),
    Column("reason", Text, nullable=False),
    Column("resolved_at", DateTime),
    Column("resolved_by", ForeignKey("users.id")),
    Column("resolution", Text),
)

# Consultations (policy 客戶服務流程 一): channel, summary, who handled it, follow-up date.
consultations = Table(
    "consultations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("client_id", ForeignKey("clients.id"), nullable=False, index=True),
    Column("channel", String(16), nullable=False),  # phone | email | fax | in-person
    Column("summary", Text, nullable=False),
    Column("summary_key", Text, nullable=False),  # textnorm.fold(summary), for conflict checks
    Column("handled_by", ForeignKey("users.id"), nullable=False),
    Column("consulted_at", DateTime, nullable=False),
    Column("follow_up", Date),
    Column("followed_up_at", DateTime),
    Column("follow_up_note", Text),
    Column("created_by", ForeignKey("users.id"), nullable=False),
)

# Other people named in a consultation (the other side, a company...), searched by conflicts.
consultation_parties = Table(
    "consultation_parties",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("consultation_id", ForeignKey("consultations.id"), nullable=False, index=True),
    Column("name", String(500), nullable=False),
    Column("name_key", String(500), nullable=False, index=True),
    Column("id_number", String(64), index=True),
)
