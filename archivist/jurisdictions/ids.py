"""Identity numbers with their check digits: Taiwan's 身分證字號 (and the new-style 居留證 number)
and 統一編號, the mainland's 18-digit 居民身份證號碼 and 統一社會信用代碼.

`recognise(number)` says which scheme a number has the shape of; `check(number)` refuses one
that has a known shape and a wrong check digit (a typo), and returns the scheme (or None for a
number of no known shape: a passport, a foreign company's registration)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from archivist.core.errors import InvalidInput
from archivist.core.i18n import _


@dataclass(frozen=True)
class Scheme:
    code: str  # tw-id, tw-ubn, cn-id, cn-uscc
    label: str  # the label documents print before the number
    person: bool  # a person's number (else an organisation's)


TW_ID = Scheme("tw-id", "身分證字號", True)
TW_UBN = Scheme("tw-ubn", "統一編號", False)
CN_ID = Scheme("cn-id", "居民身份證號碼", True)
CN_USCC = Scheme("cn-uscc", "統一社會信用代碼", False)
SCHEMES = {s.code: s for s in (TW_ID, TW_UBN, CN_ID, CN_USCC)}

# ----------------------------------------------------------------------------- Taiwan
# 身分證字號: the letter of the issuing area as two digits (內政部戶政司)
_TW_LETTERS = {
    **{c: 10 + i for i, c in enumerate("ABCDEFGH")},
    "I": 34,
    **{c: 18 + i for i, c in enumerate("JKLMN")},
    "O": 35,
    **{c: 23 + i for i, c in enumerate("PQRSTUV")},
    "W": 32,
    "X": 30,
    "Y": 31,
    "Z": 33,
}
_TW_ID_RE = re.compile(r"^[A-Z][1289]\d{8}$")  # 1/2: citizens; 8/9: 居留證 since 2021


def tw_id_valid(number: str) -> bool:
    """A 身分證字號 (or new-style 居留證統一證號): the area letter's two digits weighted 1 and 9,
    the next eight digits 8..1, the check digit 1; the sum is a multiple of 10."""
    if not _TW_ID_RE.match(number):
        return False
    area = _TW_LETTERS[number[0]]
    total = area // 10 + (area % 10) * 9
    total += sum(int(d) * w for d, w in zip(number[1:9], range(8, 0, -1), strict=True))
    total += int(number[9])
    return total % 10 == 0


_UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def tw_ubn_valid(number: str) -> bool:
    """A 統一編號 (財政部): each digit times 1,2,1,2,1,2,4,1, the digits of each product
    summed; the total is a multiple of 5 (the rule since 2023, which every older number also
    meets). When the seventh digit is 7 its product 28 may count as 10 or as 1."""
    if not re.fullmatch(r"\d{8}", number):
        return False
    total = 0
    for d, w in zip(number, _UBN_WEIGHTS, strict=True):
        p = int(d) * w
        total += p // 10 + p % 10
    if total % 5 == 0:
        return True
    return number[6] == "7" and (total + 1) % 5 == 0


# ----------------------------------------------------------------------------- mainland
_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_ID_CHECK = "10X98765432"


def cn_id_valid(number: str) -> bool:
    """A 18-digit 居民身份證號碼 (GB 11643-1999): a valid birth date in digits 7-14 and the
    ISO 7064 MOD 11-2 check character (0-9 or X)."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _CN_ID_WEIGHTS, strict=True))
    return _CN_ID_CHECK[total % 11] == number[17]


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def cn_uscc_valid(number: str) -> bool:
    """A 統一社會信用代碼 (GB 32100-2015): 18 characters of the 31-character set, the last a
    check character: 31 - (weighted sum mod 31), 31 counting as 0."""
    if not _USCC_RE.match(number):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(number[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == number[17]


def uscc_check_char(first17: str) -> str:
    """The check character of a 統一社會信用代碼's first 17 characters."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


# ----------------------------------------------------------------------------- recognition
_SHAPES: tuple[tuple[Scheme, re.Pattern[str], object], ...] = (
    (TW_ID, _TW_ID_RE, tw_id_valid),
    (TW_UBN, re.compile(r"^\d{8}$"), tw_ubn_valid),
    (CN_ID, re.compile(r"^\d{17}[\dX]$"), cn_id_valid),
    (CN_USCC, _USCC_RE, cn_uscc_valid),
)


def recognise(number: str | None, person: bool | None = None) -> Scheme | None:
    """The scheme `number` has the shape of (check digit not looked at), or None; with
    `person`, only a person's (or only an organisation's) schemes are tried."""
    if not number:
        return None
    for scheme, shape, _valid in _SHAPES:
        if person is not None and scheme.person != person:
            continue
        if shape.match(number):
            return scheme
    return None


def valid(number: str, scheme: Scheme | None = None) -> bool:
    """Whether `number` passes the check of `scheme` (default: the scheme of its shape)."""
    for known, shape, is_valid in _SHAPES:
        if (scheme is None or known == scheme) and shape.match(number):
            return bool(is_valid(number))  # type: ignore[operator]
    return False


def check(number: str | None, person: bool | None = None) -> Scheme | None:
    """The scheme of a cleaned identity number (upper case, no spaces), or None when it has no
    known shape (a passport, a foreign registration: recorded as given). A number with a known
    shape and a wrong check digit is refused. `person` limits the schemes to a person's (an
    8-digit number is a 統一編號 only for a company or organisation)."""
    scheme = recognise(number, person)
    if scheme is None or number is None:
        return None
    if not valid(number, scheme):
        raise InvalidInput(
            _("identity number {number} is not a valid {label}: its check digit is wrong").format(
                number=number, label=scheme.label
            ),
            _("Check the number against the document; a typo changes the check digit."),
        )
    return scheme
