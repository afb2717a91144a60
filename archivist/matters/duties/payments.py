"""The client's duty to pay (支付法律服務費用的義務): the contract's payment schedule, payments
received, and instalments past due. Payments settle instalments oldest first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archivist.clients import registry
from archivist.core import access, audit, clock
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.ledger.tables.core import clients
from archivist.ledger.tables.matters import matter_lawyers
from archivist.ledger.tables.matters import matters as matters_t
from archivist.ledger.tables.rights import payment_schedule, payments
from archivist.matters import service as matters
from archivist.matters.duties.common import (
    clean_text,
    document_id,
    money,
    new_id,
    parse_amount,
    usernames,
)
from archivist.models import Instalment, Matter, Payment, Role, User

MAX_INSTALMENTS = 120


def parse_instalment(text: str) -> tuple[date, Decimal, str | None]:
    """'2026-04-01:30000' or '2026-04-01:30000:簽約後支付' -> (due, amount, description)."""
    parts = (text or "").strip().split(":", 2)
    if len(parts) < 2:
        raise InvalidInput(
            f"instalment {text[:40]!r} is not DATE:AMOUNT",
            "Write e.g. --instalment 2026-04-01:30000[:description].",
        )
    due = clock.parse_date(parts[0], "instalment date")
    amount = parse_amount(parts[1], "instalment amount")
    desc = clean_text(
        parts[2] if len(parts) > 2 else None,
        "the instalment's description",
        required=False,
        limit=200,
    )
    return due, amount, desc


def set_schedule_in(
    conn: Connection,
    matter: Matter,
    actor: User,
    instalments: list[tuple[date, Decimal, str | None]],
    *,
    source: str = "contract",
    document_id: int | None = None,
) -> None:
    """Record the schedule inside the caller's transaction (contract generation calls this).
    A new schedule replaces the active one; the old rows stay on file, inactive."""
    if not instalments:
        raise InvalidInput(
            "a payment schedule needs at least one instalment",
            "Pass --instalment DATE:AMOUNT (repeat for several).",
        )
    if len(instalments) > MAX_INSTALMENTS:
        raise InvalidInput(f"more than {MAX_INSTALMENTS} instalments")
    ordered = sorted(instalments, key=lambda i: i[0])
    old = conn.execute(
        select(func.count()).where(
            payment_schedule.c.matter_id == matter.id, payment_schedule.c.active.is_(True)
        )
    ).scalar_one()
    conn.execute(
        payment_schedule.update()
        .where(payment_schedule.c.matter_id == matter.id)
        .values(active=False)
    )
    now = clock.now()
    conn.execute(
        payment_schedule.insert(),
        [
            {
                "matter_id": matter.id,
                "seq": i,
                "due": due,
                "amount": amount,
                "description": desc,
                "source": source,
                "document_id": document_id,
                "active": True,
                "created_at": now,
                "created_by": actor.id,
            }
            for i, (due, amount, desc) in enumerate(ordered, 1)
        ],
    )
    audit.record(
        conn,
        actor.username,
        "payment.schedule",
        "matter",
        matter.number,
        matter.client_id,
        source=source,
        replaced=int(old),
        instalments=[{"due": d, "amount": money(a), "description": s} for d, a, s in ordered],
        total=money(sum((a for _d, a, _s in ordered), Decimal(0))),
    )


def set_schedule(
    ctx: Context, matter_number: str, instalments: list[str], *, document: str | None = None
) -> list[Instalment]:
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="record a payment schedule")
    parsed = [parse_instalment(t) for t in instalments]
    with ctx.ledger.write() as conn:
        matter = matters.get(conn, matter_number)
        doc = document_id(conn, document, matter.client_id) if document else None
        set_schedule_in(conn, matter, actor, parsed, source="contract", document_id=doc)
        out = schedule(conn, matter.id)
    registry.refresh_manifest(ctx, matter.client_id)
    return out


def record_payment(
    ctx: Context, matter_number: str, amount: str, paid_on: str | date, reference: str | None = None
) -> Payment:
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="record payments")
    value = parse_amount(amount)
    when = clock.parse_date(paid_on, "--date")
    if when > clock.today():
        raise InvalidInput(
            f"--date {when.isoformat()} is in the future", "Record a payment once it is received."
        )
    ref = clean_text(reference, "the reference (--reference)", required=False, limit=200)
    with ctx.ledger.write() as conn:
        matter = matters.get(conn, matter_number)
        now = clock.now()
        pid = new_id(
            conn.execute(
                payments.insert().values(
                    matter_id=matter.id,
                    amount=value,
                    paid_on=when,
                    reference=ref,
                    recorded_at=now,
                    recorded_by=actor.id,
                )
            )
        )
        audit.record(
            conn,
            actor.username,
            "payment.record",
            "matter",
            matter.number,
            matter.client_id,
            amount=money(value),
            paid_on=when,
            reference=ref,
        )
    registry.refresh_manifest(ctx, matter.client_id)
    return Payment(
        id=pid,
        matter=matter.number,
        client=matter.client_number,
        amount=money(value),
        paid_on=when,
        reference=ref,
        recorded_at=now,
        recorded_by=actor.username,
    )


def payments_for(conn: Connection, matter_id: int) -> list[Payment]:
    names = usernames(conn)
    rows = conn.execute(_payment_select().where(payments.c.matter_id == matter_id)).all()
    return [_payment(r, names) for r in rows]


def _payment_select() -> Any:
    return (
        select(
            payments,
            matters_t.c.number.label("matter_number"),
            clients.c.number.label("client_number"),
        )
        .select_from(
            payments.join(matters_t, matters_t.c.id == payments.c.matter_id).join(
                clients, clients.c.id == matters_t.c.client_id
            )
        )
        .order_by(payments.c.paid_on, payments.c.id)
    )


def _payment(r: Any, names: dict[int, str]) -> Payment:
    return Payment(
        id=r.id,
        matter=r.matter_number,
        client=r.client_number,
        amount=money(r.amount),
        paid_on=r.paid_on,
        reference=r.reference,
        recorded_at=r.recorded_at,
        recorded_by=names[r.recorded_by],
    )


def schedules(conn: Connection, matter_ids: Any) -> list[Instalment]:
    """The active schedules of many matters (a collection or a subquery of ids), with what
    each instalment has received: payments settle a matter's instalments oldest first. Three
    queries, however many matters."""
    today = clock.today()
    paid = {
        r.matter_id: Decimal(str(r.total))
        for r in conn.execute(
            select(payments.c.matter_id, func.sum(payments.c.amount).label("total"))
            .where(payments.c.matter_id.in_(matter_ids))
            .group_by(payments.c.matter_id)
        )
    }
    rows = conn.execute(
        select(
            payment_schedule,
            matters_t.c.number.label("matter_number"),
            clients.c.number.label("client_number"),
        )
        .select_from(
            payment_schedule.join(matters_t, matters_t.c.id == payment_schedule.c.matter_id).join(
                clients, clients.c.id == matters_t.c.client_id
            )
        )
        .where(payment_schedule.c.matter_id.in_(matter_ids), payment_schedule.c.active.is_(True))
        .order_by(payment_schedule.c.matter_id, payment_schedule.c.seq)
    )
    out = []
    for r in rows:
        amount = Decimal(str(r.amount))
        left = paid.get(r.matter_id, Decimal(0))
        covered = min(amount, max(left, Decimal(0)))
        paid[r.matter_id] = left - covered
        rest = amount - covered
        status = "paid" if rest == 0 else ("overdue" if r.due < today else "open")
        out.append(
            Instalment(
                seq=r.seq,
                matter=r.matter_number,
                client=r.client_number,
                due=r.due,
                amount=money(amount),
                description=r.description,
                paid=money(covered),
                outstanding=money(rest),
                status=status,
            )
        )
    return out


def schedule(conn: Connection, matter_id: int) -> list[Instalment]:
    """One matter's active schedule with what each instalment has received."""
    return schedules(conn, [matter_id])


def unpaid(
    ctx: Context, *, lawyer: str | None = None, client: str | None = None
) -> list[Instalment]:
    """Instalments past their due date and not covered by payments, oldest first."""
    user = ctx.actor
    with ctx.ledger.read() as conn:
        stmt = (
            select(payment_schedule.c.matter_id)
            .distinct()
            .select_from(
                payment_schedule.join(matters_t, matters_t.c.id == payment_schedule.c.matter_id)
            )
            .where(payment_schedule.c.active.is_(True), payment_schedule.c.due < clock.today())
        )
        if client:
            stmt = stmt.where(matters_t.c.client_id == registry.filter_id(ctx, conn, client))
        if lawyer:
            from archivist.core import users as users_mod

            uid = users_mod.get(conn, lawyer.strip()).id
            stmt = stmt.where(
                matters_t.c.id.in_(
                    select(matter_lawyers.c.matter_id).where(
                        matter_lawyers.c.user_id == uid, matter_lawyers.c.removed_at.is_(None)
                    )
                )
            )
        if not access.oversees_all_matters(user):
            scope = access.scope_for(conn, user, ctx.settings.deadlines)
            stmt = stmt.where(
                matters_t.c.client_id.in_(scope.client_ids or {-1})
                | matters_t.c.id.in_(scope.matter_ids or {-1})
            )
        out = [i for i in schedules(conn, stmt.scalar_subquery()) if i.status == "overdue"]
    return sorted(out, key=lambda i: (i.due, i.matter, i.seq))


def read_schedule(ctx: Context, number: str) -> list[Instalment]:
    """A matter's payment schedule, for a user who may see its fees (access.require_fees)."""
    with ctx.ledger.read() as conn:
        m = matters.get(conn, number)
        access.require_fees(ctx.actor, m.number, m.lawyers)
        return schedule(conn, m.id)


# ------------------------------------------------------------------------------ from a contract
_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _zh_number(text: str) -> int | None:
    """1-999 written in digits or Chinese numerals (七, 十五, 三十, 一百二十)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _ZH_DIGITS:
            current = _ZH_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


def due_from_text(text: str, signed: date) -> date | None:
    """A contract's payment time as a date: an explicit date, 'N日內/N天內' after signing, or
    'on signing'. None when the wording gives no date (e.g. 'after the first-instance
    judgment')."""
    import re
    from datetime import timedelta

    found = re.search(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})", text)
    if found:
        try:
            return date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return None
    found = re.search(
        r"([0-9]+|[零〇一二兩两三四五六七八九十百]+)\s*(?:個)?(?:日|天)(?:內|内|之內)", text
    )
    on_signing = re.search(r"簽[訂約署]|签[订约署]", text) is not None
    other_event = (
        re.search(
            r"後|后|起", re.sub(r"(簽[訂約署]|签[订约署])(之日|當日|当日)?[起後后]", "", text)
        )
        is not None
    )
    if found and (days := _zh_number(found[1])) is not None:
        # counted from signing, unless from another event (e.g. 判決後十日內)
        return signed + timedelta(days=days) if on_signing or not other_event else None
    if on_signing and not other_event:
        return signed
    return None


def schedule_from_contract(
    conn: Connection, number: str, client_id: int
) -> tuple[list[tuple[date, Decimal, str | None]], int]:
    """The instalments a generated service contract sets: each fee stage (staged fees) or the
    whole fee (fixed) with its payment time. Refuses, naming the stage, when a payment time
    gives no date."""
    import json

    from archivist.ledger.tables.documents import documents

    doc_id = document_id(conn, number, client_id)
    row = conn.execute(
        select(documents.c.template, documents.c.template_data).where(documents.c.id == doc_id)
    ).one()
    if row.template != "service-contract" or not row.template_data:
        raise InvalidInput(
            f"document {number.strip()} is not a generated service contract",
            "Pass the number `archivist contract generate` printed, or give "
            "--instalment DATE:AMOUNT.",
        )
    data = (
        json.loads(row.template_data) if isinstance(row.template_data, str) else row.template_data
    )
    signed = clock.parse_date(str(data.get("sign_date", "")), "the contract's sign_date")
    fee_type = data.get("fee_type")
    if fee_type == "staged":
        out = []
        for stage in data.get("fee_stages") or []:
            due = due_from_text(str(stage.get("due", "")), signed)
            if due is None:
                raise InvalidInput(
                    f"the contract's stage {stage.get('stage')!r} is paid "
                    f"{stage.get('due')!r}, which gives no date",
                    "Record the schedule with --instalment DATE:AMOUNT[:TEXT] instead.",
                )
            out.append(
                (
                    due,
                    parse_amount(stage.get("amount"), "stage amount"),
                    str(stage.get("stage") or "")[:200] or None,
                )
            )
        return out, doc_id
    if fee_type == "fixed" and data.get("fee_amount"):
        return [(signed, parse_amount(data["fee_amount"], "fee_amount"), "律師費")], doc_id
    raise InvalidInput(
        f"the contract's fees are {fee_type!r}: no fixed instalments to record",
        "Record what is due with --instalment DATE:AMOUNT[:TEXT].",
    )


def set_schedule_from_contract(ctx: Context, matter_number: str, contract: str) -> list[Instalment]:
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action="record a payment schedule")
    with ctx.ledger.write() as conn:
        matter = matters.get(conn, matter_number)
        parsed, doc = schedule_from_contract(conn, contract, matter.client_id)
        set_schedule_in(conn, matter, actor, parsed, source="contract", document_id=doc)
        out = schedule(conn, matter.id)
    registry.refresh_manifest(ctx, matter.client_id)
    return out
