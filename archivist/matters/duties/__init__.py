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

    from archivist.core.i18n import _
    from archivist.core.safenames import safe_filename
    from archivist.core.vocabulary import label
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
        lines = [
            _("Written consents — {number} {name}").format(number=client.number, name=client.name),
            "",
        ]
        for c in consents:
            state = (
                _("revoked {when} by {who}").format(
                    when=f"{c.revoked_at:%Y-%m-%d %H:%M}", who=c.revoked_by
                )
                if c.revoked_at
                else _("active")
            )
            purposes = ", ".join(label("consent_purpose", p) for p in c.purposes)
            lines += [
                _("[{id}] granted {when} by {who}; {state}").format(
                    id=c.id, when=f"{c.granted_at:%Y-%m-%d %H:%M}", who=c.granted_by, state=state
                ),
                _("    scope: {scope}").format(scope=c.scope),
                _("    purposes: {purposes}").format(purposes=purposes or _("(none recognised)")),
                _("    signed document: {document}").format(document=c.document or "-"),
                "",
            ]
        out[f"{basic}/書面同意記錄.txt"] = "\n".join(lines).rstrip() + "\n"
    declined = decline.for_client(conn, client.id)
    if declined:
        lines = [
            _("Declined engagements — {number} {name}").format(
                number=client.number, name=client.name
            ),
            "",
        ]
        for d in declined:
            lines += [
                _("[{id}] {when} by {who}").format(
                    id=d.id, when=f"{d.declined_at:%Y-%m-%d %H:%M}", who=d.declined_by
                )
                + (
                    _(", consultation {number}").format(number=d.consultation)
                    if d.consultation
                    else ""
                ),
                _("    matter: {type} {title}")
                .format(type=label("matter_type", d.type) if d.type else "-", title=d.title or "")
                .rstrip(),
                _("    reason: {reason}").format(reason=d.reason),
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
        lines = [
            _("Rights and duties — matter {number} {title}").format(number=m.number, title=m.title),
            "",
        ]
        if changes:
            lines.append(_("Change of lawyer"))
            lines += [
                f"  {c.at:%Y-%m-%d %H:%M} {c.from_lawyer} -> {c.to_lawyer}"
                + (_(" (client request)") if c.client_request else "")
                + _(" by {who}: {reason}").format(who=c.by, reason=c.reason)
                for c in changes
            ]
            lines.append("")
        if items:
            lines.append(_("Deliverables"))
            lines += [
                _("  {id}. due {due} [{state}] {title}").format(
                    id=d.id, due=d.due, state=_("done") if d.done_at else _("open"), title=d.title
                )
                + (
                    _(" — delivered {date}").format(date=f"{d.done_at:%Y-%m-%d}")
                    if d.done_at
                    else ""
                )
                + (_(", document {number}").format(number=d.document) if d.document else "")
                for d in items
            ]
            lines.append("")
        if plan:
            lines.append(_("Payment schedule"))
            lines += [
                _("  {seq}. due {due} {amount} paid {paid}").format(
                    seq=i.seq, due=i.due, amount=i.amount, paid=i.paid
                )
                + " ["
                + (
                    _("paid")
                    if i.status == "paid"
                    else _("outstanding {amount}").format(amount=i.outstanding)
                )
                + "]"
                + (f" {i.description}" if i.description else "")
                for i in plan
            ]
            lines.append("")
        if paid:
            lines.append(_("Payments received"))
            lines += [
                f"  {p.paid_on} {p.amount}"
                + (_(" ref {reference}").format(reference=p.reference) if p.reference else "")
                + _(" (recorded by {who})").format(who=p.recorded_by)
                for p in paid
            ]
            lines.append("")
        if evals:
            lines.append(_("Client evaluations"))
            lines += [
                f"  {e.recorded_at:%Y-%m-%d} {e.lawyer} {e.score}/5"
                + (_(" at closure") if e.at_closure else "")
                + (f": {e.comment}" if e.comment else "")
                for e in evals
            ]
            lines.append("")
        out[f"{work}/{safe_filename(m.number + ' 權利義務記錄.txt')}"] = (
            "\n".join(lines).rstrip() + "\n"
        )
    return out
