"""Amounts in Chinese capital numerals (大寫金額), as written on contracts and receipts.

    capital_amount(Decimal("16409.02")) == "壹萬陸仟肆佰零玖元零貳分"
    capital_amount(Decimal("50000"))    == "伍萬元整"

Rules followed (the usual financial writing rules): 壹拾 at the head of a number, one 零 for any run
of zeros inside the integer part, 零 before a group that is under 1000 when a higher group
exists, 整 when there are no 角/分, 零 between 元 and 分 when 角 is zero."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹貳參肆伍陸柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
GROUPS = ["", "萬", "億", "萬億"]
LIMIT = Decimal("10") ** 16  # 萬億 groups cover up to 9,999,999,999,999,999


def _group(value: int) -> str:
    """0 < value < 10000, no leading 零, inner runs of zeros as one 零, no trailing zeros."""
    out: list[str] = []
    digits = f"{value:04d}"
    zero = False
    started = False
    for i, ch in enumerate(digits):
        d = int(ch)
        if d == 0:
            zero = started
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + UNITS[3 - i])
        started = True
    return "".join(out)


def capital_integer(value: int) -> str:
    """The integer part in capitals (without 元): 100500 -> 壹拾萬零伍佰."""
    if value < 0:
        raise ValueError("negative amounts have no capital form here")
    if value == 0:
        return "零"
    groups: list[int] = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    out: list[str] = []
    need_zero = False
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or g < 1000):
            out.append("零")
        out.append(_group(g) + GROUPS[idx])
        need_zero = False
    return "".join(out)


def capital_amount(amount: Decimal | int | str) -> str:
    """An amount of money (yuan, two decimals) in capitals: 325.04 -> 參佰貳拾伍元零肆分."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"{amount!r} is not an amount") from None
    if value < 0:
        raise ValueError("an amount cannot be negative")
    if value >= LIMIT:
        raise ValueError("the amount is too large to write in capitals")
    cents = int(value * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = ""
    if yuan:
        text = capital_integer(yuan) + "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    else:
        text += "整"
    return text
