"""The core layer every feature stands on: errors, clock, settings, home and context, the store,
the audit trail, access rules, numbering, names and text; with archivist.ledger and archivist.models."""
