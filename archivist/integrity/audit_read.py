"""Reading the audit trail through the access rules (policy 總則 三 保密).

A user sees the events about what they may read (`access.Scope.may_read_event`), and the
confidential values in them (summaries, notes, identity numbers, search terms, document text)
only where they may read that content; the rest is shown as "[redacted]". Every reading of the
trail is itself an audit event (`audit.read`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from archivist.core import access, audit
from archivist.core.context import Context
from archivist.ledger.tables.core import audit_events
from archivist.models import AuditEvent


def read_log(
    ctx: Context,
    *,
    client: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[AuditEvent]:
    """Audit events, oldest first, as the actor may read them (audited as `audit.read`)."""
    from archivist.clients import registry

    reader = access.require_audit_reader(ctx, "read the audit trail")
    out: list[AuditEvent] = []
    with ctx.ledger.write() as conn:
        scope = access.scope_for(conn, reader, ctx.settings.deadlines)
        stmt = select(audit_events).order_by(audit_events.c.seq)
        client_id = None
        if client:
            client_id = registry.get_readable(ctx, conn, client)[0].id
            stmt = stmt.where(audit_events.c.client_id == client_id)
        if actor is not None:
            stmt = stmt.where(audit_events.c.actor == actor)
        if since is not None:
            stmt = stmt.where(audit_events.c.at >= since)
        if action is not None:
            stmt = stmt.where(audit_events.c.action == action)
        if scope.everything:
            if limit is not None:
                stmt = stmt.limit(limit)
        else:  # the clients the reader reaches at all, in SQL; the finer rule per event below
            reached = registry.visible_client_ids(conn, scope)
            stmt = stmt.where(
                or_(
                    audit_events.c.client_id.is_(None),
                    audit_events.c.client_id.in_(reached or {-1}),
                )
            )
        for row in conn.execute(stmt):
            if limit is not None and len(out) >= limit:
                break
            if not scope.may_read_event(conn, row):
                continue
            event = audit._to_model(row)
            if not scope.may_read_content(event, reader):
                event = event.model_copy(
                    update={
                        "details": access.redact(event.details),
                        "object_id": (
                            access.REDACTED
                            if event.object_type in access.CONFIDENTIAL_OBJECTS
                            else event.object_id
                        ),
                    }
                )
            out.append(event)
        audit.record(
            conn,
            reader.username,
            "audit.read",
            "audit",
            client or "*",
            client_id,
            by_actor=actor,
            since=since,
            by_action=action,
            limit=limit,
            shown=len(out),
        )
    return out
