"""The clients' and lawyers' rights and duties (policy 客戶的權利和義務, 律師的權利和義務):

- reassign.py     change of lawyer (選擇權)
- decline.py      declined engagements, no number consumed (拒絕代理)
- deliverables.py deliverables with due dates (按時提交法律文書)
- evaluations.py  the client's evaluation of the lawyer's service (監督權)
- consent.py      written consent and the consent-respecting export (保密原則)
- payments.py     the payment schedule, payments and unpaid instalments (支付費用的義務)
- client_report.py the status letter for the client (知情權, 參與權)

`derived_records` writes the readable registers kept in the client's folder."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from archivist.models import Client


def derived_records(conn: Connection, client: Client) -> dict[str, str]:
    """{path in the client's folder: text} for consents, declined engagements and, per matter,
    changes of lawyer, deliverables, the payment schedule, payments and evaluations. Nothing
    here depends on today's date (no 'overdue'), so `archivist check` finds them unchanged
    until the ledger changes."""
    from sqlalchemy import select

    from archivist.core.safenames import safe_filename
    from archivist.ledger.tables.matters import matters
    from archivist.matters.duties import (
        consent,
        decline,
        deliverables,
        evaluations,
        payments,
        reassign,
    )
    from archivist.models import SECTION_FOLDERS, Section

    out: dict[str, str] = {}
    basic = SECTION_FOLDERS[Section.BASIC]
    work = SECTION_FOLDERS[Section.WORK]
    consents = consent.for_client(conn, client)
    if consents:
        lines = [f"書面同意記錄 Written consents — {client.number} {client.name}", ""]
        for c in consents:
            state = (
                f"revoked {c.revoked_at:%Y-%m-%d %H:%M} by {c.revoked_by}"
                if c.revoked_at
                else "active"
            )
            lines += [
                f"[{c.id}] granted {c.granted_at:%Y-%m-%d %H:%M} by {c.granted_by}; {state}",
                f"    scope: {c.scope}",
                f"    purposes: {', '.join(c.purposes) or '(none recognised)'}",
                f"    signed document: {c.document or '-'}",
                "",
            ]
        out[f"{basic}/書面同意記錄.txt"] = "\n".join(lines).rstrip() + "\n"
    declined = decline.for_client(conn, client.id)
    if declined:
        lines = [f"拒絕代理記錄 Declined engagements — {client.number} {client.name}", ""]
        for d in declined:
            lines += [
                f"[{d.id}] {d.declined_at:%Y-%m-%d %H:%M} by {d.declined_by}"
                + (f", consultation {d.consultation}" if d.consultation else ""),
                f"    matter: {d.type or '-'} {d.title or ''}".rstrip(),
                f"    reason: {d.reason}",
                "",
            ]
        out[f"{basic}/拒絕代理記錄.txt"] = "\n".join(lines).rstrip() + "\n"
    for m in conn.execute(
        select(matters.c.id, matters.c.number, matters.c.title)
        .where(matters.c.client_id == client.id)
        .order_by(matters.c.id)
    ):
        changes = reassign.history(conn, m.id, m.number)
        items = deliverables.for_matter(conn, m.id)
        plan = payments.schedule(conn, m.id)
        paid = payments.payments_for(conn, m.id)
        evals = evaluations.for_matter(conn, m.id)
        if not (changes or items or plan or paid or evals):
            continue
        lines = [f"權利義務記錄 Rights and duties — matter {m.number} {m.title}", ""]
        if changes:
            lines.append("更換律師 Change of lawyer")
            lines += [
                f"  {c.at:%Y-%m-%d %H:%M} {c.from_lawyer} -> {c.to_lawyer}"
                f"{' (client request)' if c.client_request else ''} by {c.by}: {c.reason}"
                for c in changes
            ]
            lines.append("")
        if items:
            lines.append("法律文書 Deliverables")
            lines += [
                f"  {d.id}. due {d.due} [{'done' if d.done_at else 'open'}] {d.title}"
                + (f" — delivered {d.done_at:%Y-%m-%d}" if d.done_at else "")
                + (f", document {d.document}" if d.document else "")
                for d in items
            ]
            lines.append("")
        if plan:
            lines.append("付款安排 Payment schedule")
            lines += [
                f"  {i.seq}. due {i.due} {i.amount} paid {i.paid}"
                f" [{'paid' if i.status == 'paid' else 'outstanding ' + i.outstanding}]"
                + (f" {i.description}" if i.description else "")
                for i in plan
            ]
            lines.append("")
        if paid:
            lines.append("已收款項 Payments received")
            lines += [
                f"  {p.paid_on} {p.amount}"
                + (f" ref {p.reference}" if p.reference else "")
                + f" (recorded by {p.recorded_by})"
                for p in paid
            ]
            lines.append("")
        if evals:
            lines.append("客戶評價 Client evaluations")
            lines += [
                f"  {e.recorded_at:%Y-%m-%d} {e.lawyer} {e.score}/5"
                + (" at closure" if e.at_closure else "")
                + (f": {e.comment}" if e.comment else "")
                for e in evals
            ]
            lines.append("")
        out[f"{work}/{safe_filename(m.number + ' 權利義務記錄.txt')}"] = (
            "\n".join(lines).rstrip() + "\n"
        )
    return out
