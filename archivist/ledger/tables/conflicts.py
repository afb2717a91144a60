"""Conflicts of interest and separation of duties (issue 21): other names of a client (aliases,
former names, related parties), written waivers of a conflict, and the history of role grants."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text

from archivist.ledger.tables.base import metadata

# Other names a client is known by, searched by the conflict check like the client's own name.
client_names = Table(
    "client_names",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", ForeignKey("clients.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # alias | former | related
    Column("name", String(500), nullable=False),
    Column("name_key", String(500), nullable=False, index=True),  # textnorm.fold(name)
    Column("relation", String(32)),  # related: parent | subsidiary | director | spouse | ...
    Column("id_number", String(64), index=True),
    Column("added_at", DateTime, nullable=False),
    Column("added_by", ForeignKey("users.id"), nullable=False),
)

# A written waiver of a conflict: asked for on a refused check, naming the filed documents that
# hold the affected clients' written consent, decided by a head who did not ask for it, and used
# once (matter_id/used_check_id) by the operation it was asked for.
conflict_waivers = Table(
    "conflict_waivers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("check_id", ForeignKey("conflict_checks.id"), nullable=False, index=True),
    Column("purpose", String(32), nullable=False),
    Column("client_id", ForeignKey("clients.id"), index=True),
    Column("documents", Text, nullable=False),  # JSON list of document numbers
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False),  # requested | approved | rejected | used
    Column("requested_by", ForeignKey("users.id"), nullable=False),
    Column("requested_at", DateTime, nullable=False),
    Column("decided_by", ForeignKey("users.id")),
    Column("decided_at", DateTime),
    Column("decision_note", Text),
    Column("used_check_id", ForeignKey("conflict_checks.id")),
    Column("matter_id", ForeignKey("matters.id"), index=True),
)

# Every change of a user's roles: who granted or took away which role, and the bootstrap of a new
# home (the first user, granted by nobody).
role_grants = Table(
    "role_grants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("role", String(32), nullable=False),
    Column("granted", Boolean, nullable=False),  # True: granted; False: taken away
    Column("by_user_id", ForeignKey("users.id")),  # None only for the bootstrap
    Column("bootstrap", Boolean, nullable=False, default=False),
    Column("at", DateTime, nullable=False),
)

# An enquirer who only consulted (policy: a client is someone who signed a service contract): the
# name, contact and consultations, and the conflict checks, without an archive number or folder.
# `client add --from-prospect` makes them a client and moves the consultations into the archive.
prospects = Table(
    "prospects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("name", String(500), nullable=False),
    Column("name_key", String(500), nullable=False, index=True),
    Column("kind", String(16)),
    Column("id_number", String(64)),
    Column("phone", String(64)),
    Column("email", String(254)),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("client_id", ForeignKey("clients.id")),  # set when the prospect became a client
    Column("converted_at", DateTime),
)

prospect_consultations = Table(
    "prospect_consultations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("prospect_id", ForeignKey("prospects.id"), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("parties", Text, nullable=False),  # JSON list of [name, id-number-or-null]
    Column("handled_by", ForeignKey("users.id"), nullable=False),
    Column("consulted_at", DateTime, nullable=False),
    Column("check_id", ForeignKey("conflict_checks.id")),
    Column("consultation_id", ForeignKey("consultations.id")),  # once moved into the archive
)
