"""How two names are compared for the conflict check (issue 21): the rules, each with a strength.

A name is normalised once into a `NameKey`: Unicode compatibility forms (full-/half-width), case,
Traditional→Simplified (OpenCC t2s), spaces and punctuation removed, and legal-form suffixes
(股份有限公司, 有限公司, (股)公司, 公司, 集團, 事務所, Co., Ltd., Limited, Inc., Corp., LLC ...,
`[conflicts] legal_forms` in archivist.toml) stripped from the end. Two keys are then compared by
these rules, strongest first:

| rule | strength |
|---|---|
| `same-name`: equal after folding (script, width, case, spaces) | 100 |
| `same-name-normalised`: equal after punctuation and legal forms are removed | 95 |
| `word-order`: the same Latin words in another order | 85 |
| `contains`: one core name inside the other, the shorter at least `min_cjk_chars` characters (Chinese) or `min_latin_words` whole words (Latin) | 50 + 40 x shorter/longer |
| `surname`: one Latin word, the other name's last word | 45 |

Identity numbers, aliases, former names and related parties are compared in
`archivist.matters.conflicts` with these keys."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from archivist.core import textnorm
from archivist.core.config import DEFAULT_LEGAL_FORMS

# Strengths of the rules (0-100); the thresholds that use them live in [conflicts].
SAME_ID = 100
SAME_NAME = 100
SAME_NORMALISED = 95
ALIAS = 90
RELATED = 80
WORD_ORDER = 85
SURNAME = 45
MENTION = 50


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[0-9a-z\u00c0-\u024f]+")
_NOT_ALNUM = re.compile(r"[^0-9a-z\u00c0-\u024f\u3400-\u9fff\uf900-\ufaff]+")
_APOSTROPHES = re.compile(r"['’‘`´]")


@dataclass(frozen=True)
class NameKey:
    folded: str  # textnorm.fold: script, width, case, no spaces
    core: str  # letters and digits only, legal forms stripped
    words: tuple[str, ...]  # Latin words of the core (empty for a Chinese name)
    cjk: bool  # the core holds Chinese characters


@dataclass(frozen=True)
class Rules:
    """The matching thresholds of `[conflicts]`."""

    min_cjk_chars: int = 4
    min_latin_words: int = 2
    legal_forms: tuple[str, ...] = DEFAULT_LEGAL_FORMS


@lru_cache(maxsize=64)
def _forms(legal_forms: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """(Chinese suffixes as core text, Latin suffixes as word tuples), longest first."""
    cjk: set[str] = set()
    latin: set[tuple[str, ...]] = set()
    for form in legal_forms:
        simple = textnorm.to_simplified(unicodedata.normalize("NFKC", form).casefold())
        simple = _APOSTROPHES.sub("", simple)
        if _CJK.search(simple):
            cjk.add(_NOT_ALNUM.sub("", simple))
        else:
            words = tuple(_WORD.findall(simple))
            if words:
                latin.add(words)
    return (
        tuple(sorted((c for c in cjk if c), key=len, reverse=True)),
        tuple(sorted(latin, key=len, reverse=True)),
    )


def _strip_latin(words: list[str], suffixes: tuple[tuple[str, ...], ...]) -> list[str]:
    changed = True
    while changed:
        changed = False
        for suffix in suffixes:
            n = len(suffix)
            if len(words) > n and tuple(words[-n:]) == suffix:
                del words[-n:]
                changed = True
                break
    return words


@lru_cache(maxsize=65536)
def key(name: str, rules: Rules = Rules()) -> NameKey:
    """The normalised forms of a name (cached: the same names are compared again and again)."""
    simple = textnorm.to_simplified(unicodedata.normalize("NFKC", name or "").casefold())
    simple = _APOSTROPHES.sub("", simple)
    folded = textnorm.fold(name)
    if _CJK.search(simple):
        return _cjk_key(simple, folded, rules)
    words = _strip_latin(_WORD.findall(simple), _forms(rules.legal_forms)[1])
    return NameKey(folded=folded, core="".join(words), words=tuple(words), cjk=False)


@lru_cache(maxsize=64)
def _cjk_tail(legal_forms: tuple[str, ...]) -> re.Pattern[str]:
    """One legal form (Chinese, or Latin written after a Chinese name) at the end of a core."""
    cjk_forms, latin_forms = _forms(legal_forms)
    tails = set(cjk_forms) | {"".join(w) for w in latin_forms}
    alternatives = "|".join(re.escape(t) for t in sorted(tails, key=len, reverse=True) if t)
    return re.compile(f"(?:{alternatives})$" if alternatives else r"(?!)")


def _cjk_key(simple: str, folded: str, rules: Rules) -> NameKey:
    tail = _cjk_tail(rules.legal_forms)
    core = _NOT_ALNUM.sub("", _APOSTROPHES.sub("", simple))
    while (m := tail.search(core)) is not None:
        rest = core[: m.start()]
        if len(rest) < 2 or not _CJK.search(rest):
            break
        core = rest
    return NameKey(folded=folded, core=core, words=(), cjk=True)


@lru_cache(maxsize=65536)
def stored_key(name: str, folded: str, rules: Rules = Rules()) -> NameKey:
    """The key of a name on file from its stored `name_key` (textnorm.fold, already in
    Simplified characters): a Chinese name needs no second OpenCC pass, which is most of the
    cost of comparing a name with thousands."""
    if name.isascii() or not _CJK.search(folded):
        return key(name, rules)
    return _cjk_key(folded, folded, rules)


@dataclass(frozen=True)
class Match:
    rule: str
    strength: int


def _contains(words: tuple[str, ...], inside: tuple[str, ...]) -> bool:
    n = len(inside)
    return any(words[i : i + n] == inside for i in range(len(words) - n + 1))


def compare(a: NameKey, b: NameKey, rules: Rules = Rules()) -> Match | None:
    """The strongest rule by which the two names are one, or None."""
    if not a.core or not b.core:
        return Match("same-name", SAME_NAME) if a.folded and a.folded == b.folded else None
    if a.folded == b.folded:
        return Match("same-name", SAME_NAME)
    if a.core == b.core:
        return Match("same-name-normalised", SAME_NORMALISED)
    if not a.cjk and not b.cjk:
        if len(a.words) > 1 and sorted(a.words) == sorted(b.words):
            return Match("word-order", WORD_ORDER)
        short, long_ = (a, b) if len(a.words) <= len(b.words) else (b, a)
        if len(short.words) >= rules.min_latin_words and _contains(long_.words, short.words):
            return Match("contains", 50 + (40 * len(short.words)) // len(long_.words))
        if (
            len(short.words) == 1
            and len(long_.words) > 1
            and len(short.words[0]) >= 3
            and long_.words[-1] == short.words[0]
        ):
            return Match("surname", SURNAME)
        return None
    short, long_ = (a, b) if len(a.core) <= len(b.core) else (b, a)
    if short.cjk and len(short.core) >= rules.min_cjk_chars and short.core in long_.core:
        return Match("contains", 50 + (40 * len(short.core)) // len(long_.core))
    return None
