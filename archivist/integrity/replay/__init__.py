"""Replaying the audit chain against the ledger: every document, loan, matter, user and client
row must be what its audit events say it is, and every event's record must exist.

`replay(ledger)` streams the chain once in seq order (keyset paging) and returns findings;
`documents` merges the filing events with the document rows (both in filing order), so memory
stays flat with the number of documents; loans, matters, users and clients are replayed into
small per-record states."""

from archivist.integrity.replay.run import Finding, ReplayResult, replay

__all__ = ["Finding", "ReplayResult", "replay"]
