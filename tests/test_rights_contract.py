"""The payment schedule taken from a generated service contract."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from archivist.core import clock
from archivist.core.errors import InvalidInput
from archivist.matters.duties import payments

BASE = [
    "scope=代理一審訴訟",
    "stages=一審,二審",
    "authority=general",
    "payment_method=銀行轉賬",
    "dispute_venue=上海市浦東新區人民法院",
    "sign_date=2026-03-01",
]


@pytest.mark.parametrize(
    "text,due",
    [
        ("本合同簽訂之日起七日內", date(2026, 3, 8)),
        ("簽約後15天內", date(2026, 3, 16)),
        ("2026年6月30日前", date(2026, 6, 30)),
        ("三十日內", date(2026, 3, 31)),
        ("簽約當日", date(2026, 3, 1)),
        ("一審判決後", None),
        ("二審判決後十日內", None),
    ],
)
def test_due_from_contract_wording(text: str, due: date | None) -> None:
    assert payments.due_from_text(text, date(2026, 3, 1)) == due


def test_schedule_from_a_generated_contract(
    ctx: Any, make_client: Any, make_matter: Any, invoke: Any
) -> None:
    from archivist.documents import generate as gen

    clock.set_now("2026-03-01T09:00:00")
    number = make_matter(
        make_client("陳大文", id_number="A123456789", address="臺北市", phone="0912000000"), ["lin"]
    )
    stages = [
        {"stage": "一審", "amount": "30000", "due": "本合同簽訂之日起七日內"},
        {"stage": "二審", "amount": "20000", "due": "2026年9月1日前"},
    ]
    doc = gen.generate(
        ctx, number, sets=BASE + ["fee_type=staged", f"fee_stages={json.dumps(stages)}"]
    )
    out = invoke.json("matter", "schedule", number, "--from-contract", doc.number)
    assert [(i["due"], i["amount"], i["description"]) for i in out["instalments"]] == [
        ("2026-03-08", "30000.00", "一審"),
        ("2026-09-01", "20000.00", "二審"),
    ]
    clock.set_now("2026-03-09T09:00:00")
    assert [u["seq"] for u in invoke.json("matter", "list", "--unpaid")] == [1]

    vague = [{"stage": "一審", "amount": "30000", "due": "一審判決後"}]
    other = gen.generate(
        ctx, number, sets=BASE + ["fee_type=staged", f"fee_stages={json.dumps(vague)}"]
    )
    with pytest.raises(InvalidInput, match="gives no date"):
        payments.set_schedule_from_contract(ctx, number, other.number)
    hourly = gen.generate(ctx, number, sets=BASE + ["fee_type=hourly", "hourly_rate=2000"])
    with pytest.raises(InvalidInput, match="hourly"):
        payments.set_schedule_from_contract(ctx, number, hourly.number)
    # the schedule recorded first is still the active one
    assert [i["amount"] for i in invoke.json("matter", "schedule", number)["instalments"]] == [
        "30000.00",
        "20000.00",
    ]
