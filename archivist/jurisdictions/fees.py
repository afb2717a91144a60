"""Fee rules per jurisdiction, checked when a contract is rendered. Each rule names its
source; `[fees]` in archivist.toml overrides the profile's defaults.

- Taiwan, 律師倫理規範 第35條第2項: 「律師不得就家事、刑事案件或少年事件之結果約定後酬。」
  No contingency fee (後酬) in criminal or family matters. No percentage cap.
- Mainland, 司法部、國家發展改革委、國家市場監督管理總局《關於進一步規範律師服務收費的意見》
  (司發通〔2021〕87號), which replaced the 30% cap of the 2006 《律師服務收費管理辦法》: no
  risk-based fee (風險代理) in criminal, administrative, state-compensation, group and
  marriage/inheritance matters; the fees of all stages together at most 18% of the disputed
  amount below ¥1,000,000, 15% of the part from 1 to 5 million, 12% from 5 to 10 million, 9%
  from 10 to 50 million, 6% above."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from archivist.core.i18n import _


@dataclass(frozen=True)
class FeeRules:
    source: str
    contingency_forbidden: tuple[str, ...]  # matter types
    # (upper bound of the band or None for the rest, percent of that band)
    contingency_bands: tuple[tuple[Decimal | None, Decimal], ...] = ()


DEFAULTS: dict[str, FeeRules] = {
    "tw": FeeRules(
        source="律師倫理規範第35條第2項",
        contingency_forbidden=("criminal", "family"),
    ),
    "cn": FeeRules(
        source="《關於進一步規範律師服務收費的意見》（司發通〔2021〕87號）",
        contingency_forbidden=("criminal", "administrative", "family"),
        contingency_bands=(
            (Decimal(1_000_000), Decimal(18)),
            (Decimal(5_000_000), Decimal(15)),
            (Decimal(10_000_000), Decimal(12)),
            (Decimal(50_000_000), Decimal(9)),
            (None, Decimal(6)),
        ),
    ),
}


def rules_for(code: str, settings: Any = None) -> FeeRules:
    """The profile's rules with `[fees]` of archivist.toml applied."""
    base = DEFAULTS.get(code, DEFAULTS["tw"])
    fees = getattr(settings, "fees", None) if settings is not None else None
    if fees is None:
        return base
    forbidden = base.contingency_forbidden
    if fees.contingency_forbidden is not None:
        forbidden = tuple(fees.contingency_forbidden)
    bands = base.contingency_bands
    if fees.contingency_bands is not None:
        bands = tuple(
            (Decimal(str(b[0])) if b[0] else None, Decimal(str(b[1])))
            for b in fees.contingency_bands
        )
    source = base.source if fees.source is None else fees.source
    return FeeRules(source=source, contingency_forbidden=forbidden, contingency_bands=bands)


def cap(bands: tuple[tuple[Decimal | None, Decimal], ...], amount: Decimal) -> Decimal:
    """The most a contingency fee may total on `amount` under banded percentages."""
    total = Decimal(0)
    lower = Decimal(0)
    for upper, percent in bands:
        top = amount if upper is None else min(amount, upper)
        if top > lower:
            total += (top - lower) * percent / 100
        if upper is None or amount <= upper:
            break
        lower = upper
    return total.quantize(Decimal("0.01"))


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "").rstrip("%").strip())
    except (InvalidOperation, ValueError):
        return None


def check(rules: FeeRules, matter_type: str, data: dict[str, Any]) -> list[str]:
    """'field: problem' lines for a contract's fee terms under `rules`."""
    if data.get("fee_type") != "contingency":
        return []
    problems = []
    if matter_type in rules.contingency_forbidden:
        problems.append(
            _("fee_type: a contingency fee is not allowed in {type} matters ({source})").format(
                type=matter_type, source=rules.source
            )
        )
    if rules.contingency_bands:
        percent = _decimal(data.get("contingency_percent"))
        claim = _decimal(data.get("claim_amount"))
        if claim is None:
            problems.append(
                _(
                    "claim_amount: required for a contingency fee, to check its cap ({source})"
                ).format(source=rules.source)
            )
        elif percent is not None:
            base = _decimal(data.get("fee_amount")) or Decimal(0)
            total = base + claim * percent / 100
            most = cap(rules.contingency_bands, claim)
            if total > most:
                problems.append(
                    _(
                        "contingency_percent: the fees would total {total:,.2f}, more than the "
                        "{most:,.2f} allowed on a disputed amount of {claim:,.2f} ({source})"
                    ).format(total=total, most=most, claim=claim, source=rules.source)
                )
    return problems
