"""Rights and duties (policy 客戶的權利和義務, 律師的權利和義務): change of lawyer, declined
engagements, deliverables with due dates, evaluations, the payment schedule and payments.
Written consent lives in core.client_consents."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from archivist.ledger.tables.base import metadata

# A change of lawyer (選擇權). The assignment itself moves in matter_lawyers (removed_at set on
# the old row, a new row inserted); this keeps why, and whether the client asked for it.
matter_reassignments = Table(
    "matter_reassignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("from_user_id", ForeignKey("users.id"), nullable=False),
    Column("to_user_id", ForeignKey("users.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("client_request", Boolean, nullable=False, default=False),
    Column("at", DateTime, nullable=False),
    Column("by_user_id", ForeignKey("users.id"), nullable=False),
)

# An engagement refused at intake (拒絕代理). No matter number is allocated for it.
declined_engagements = Table(
    "declined_engagements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", ForeignKey("clients.id"), nullable=False, index=True),
    Column("consultation", String(32)),  # the consultation's number, when declined on one
    Column("type", String(32)),
    Column("title", String(500)),
    Column("reason", Text, nullable=False),
    Column("declined_at", DateTime, nullable=False),
    Column("declined_by", ForeignKey("users.id"), nullable=False),
)

# Legal documents due to the client (按時提交法律文書). `seq` numbers them within a matter.
deliverables = Table(
    "deliverables",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("title", String(500), nullable=False),
    Column("due", Date, nullable=False, index=True),
    Column("source", String(16), nullable=False, default="added"),  # contract | added
    Column("created_at", DateTime, nullable=False),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("done_at", DateTime),
    Column("done_by", ForeignKey("users.id")),
    Column("document_id", ForeignKey("documents.id")),
    Column("note", Text),
    UniqueConstraint("matter_id", "seq", name="uq_deliverables_matter_seq"),
)

# The client's evaluation of a lawyer's service on a matter (監督權), one row per lawyer.
evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("lawyer_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("score", Integer, nullable=False),
    Column("comment", Text),
    Column("at_closure", Boolean, nullable=False, default=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("recorded_by", ForeignKey("users.id"), nullable=False),
)

# The fee instalments the contract sets (支付法律服務費用的義務).
payment_schedule = Table(
    "payment_schedule",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("due", Date, nullable=False),
    Column("amount", Numeric(14, 2), nullable=False),
    Column("description", String(200)),
    Column("source", String(16), nullable=False, default="contract"),
    Column("document_id", ForeignKey("documents.id")),
    Column("active", Boolean, nullable=False, default=True),  # replaced schedules stay on file
    Column("created_at", DateTime, nullable=False),
    Column("created_by", ForeignKey("users.id"), nullable=False),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id"), nullable=False, index=True),
    Column("amount", Numeric(14, 2), nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("reference", String(200)),
    Column("recorded_at", DateTime, nullable=False),
    Column("recorded_by", ForeignKey("users.id"), nullable=False),
)
