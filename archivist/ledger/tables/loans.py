"""Borrowing of archives (policy 客戶檔案管理 三 檔案查閱): requests, the department head's
approval, check-out with the borrower's confidentiality acknowledgement, renewal, return."""

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
    Column("days", Integer, nullable=False),  # the lending period (as requested or approved)
    Column("copy", Boolean, nullable=False, default=False),  # copies, not the originals
    # approved "read only, no copies" (限閱覽不得複印): no export or download for the borrower
    Column("no_copies", Boolean, nullable=False, default=False),
    # pending | approved | rejected | out | returned | cancelled ("overdue" is out past due_at)
    Column("status", String(16), nullable=False, default="pending", index=True),
    Column("requested_at", DateTime, nullable=False, index=True),
    Column("approved_by", ForeignKey("users.id")),
    Column("approved_at", DateTime),
    Column("approval_note", Text),
    Column("rejected_by", ForeignKey("users.id")),
    Column("rejected_at", DateTime),
    Column("reject_reason", Text),
    Column("cancelled_at", DateTime),
    Column("checked_out_by", ForeignKey("users.id")),
    Column("checked_out_at", DateTime),
    Column("ack_confidentiality", Boolean, nullable=False, default=False),
    Column("ack_text", Text),  # the statement the borrower acknowledged at check-out
    Column("due_at", DateTime),  # end of the due day; access ends after it when overdue
    Column("returned_by", ForeignKey("users.id")),
    Column("returned_at", DateTime),
    Column("condition", Text),  # state of the material at return
    # a renewal waiting for the head's approval (the loan stays 'out' meanwhile)
    Column("renewal_days", Integer),
    Column("renewal_requested_at", DateTime),
    Column("renewals", Integer, nullable=False, default=0),
)

loan_documents = Table(
    "loan_documents",
    metadata,
    Column("loan_id", ForeignKey("loans.id"), primary_key=True),
    Column("document_id", ForeignKey("documents.id"), primary_key=True),
)
