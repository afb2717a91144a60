"""One pass over the chain, then the rows."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from archivist.integrity.replay.documents import FILING_ACTIONS, DocumentMerge
from archivist.integrity.replay.model import Finding, ReplayResult
from archivist.integrity.replay.records import Records, compare
from archivist.ledger import Ledger
from archivist.ledger.paging import chunks
from archivist.ledger.tables.core import audit_events

EVENT_CHUNK = 5000
# events whose details the replay reads; the rest are only counted
WANTED = set(FILING_ACTIONS) | {
    "loan.request",
    "loan.approve",
    "loan.reject",
    "loan.checkout",
    "loan.return",
    "loan.cancel",
    "matter.open",
    "matter.reassign",
    "matter.close",
    "matter.reopen",
    "user.add",
    "user.activate",
    "user.deactivate",
    "user.edit",
    "client.add",
    "client.edit",
}


def replay(ledger: Ledger) -> ReplayResult:
    """Replay the whole chain against the ledger, in one read transaction (one snapshot)."""
    started = time.monotonic()
    result = ReplayResult()
    findings: list[Finding] = []
    with ledger.read() as conn:
        from archivist.integrity.replay import corrections

        fixes = corrections.load(conn)
        docs = DocumentMerge(conn, findings, fixes)
        rec = Records()
        rec.renamed, rec.gone = fixes.renamed, fixes.gone
        stmt = select(
            audit_events.c.seq,
            audit_events.c.action,
            audit_events.c.object_id,
            audit_events.c.client_id,
            audit_events.c.actor,
            audit_events.c.details,
        )
        for rows in chunks(conn, stmt, audit_events.c.seq, EVENT_CHUNK):
            result.events += len(rows)
            for ev in rows:
                if ev.action not in WANTED:
                    continue
                try:
                    details = json.loads(ev.details)
                except ValueError:
                    details = {}
                if not isinstance(details, dict):
                    details = {}
                if ev.action in FILING_ACTIONS:
                    docs.event(ev, details)
                else:
                    rec.event(ev, details)
        docs.finish()
        result.checked["documents"] = docs.checked
        compare(conn, rec, findings, result.checked)
    result.findings = findings
    result.seconds = round(time.monotonic() - started, 3)
    return result
