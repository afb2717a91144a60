"""Analysis for Chinese (both scripts) and English.

Text is normalised (NFKC compatibility forms such as full-width ＡＢＣ and ①, lower case,
Traditional → Simplified with OpenCC t2s) while keeping a map back to the original characters,
so highlight offsets point into the text as filed. Then:

- a run of CJK characters of length n >= 2 becomes its n-1 overlapping bigrams at consecutive
  positions; at index time every character is also indexed alone, at the position of the bigram
  it starts (the last one shares the last bigram's position), so a one-character query finds it;
- a lone CJK character is one token;
- other words (Latin, digits) are kept whole;
- white space (a wrapped line) and title or quotation brackets (《》「」『』（）, full or half
  width) between two CJK characters do not separate them: 改\n善 is 改善, 适用《中华 is 适用中华.

A multi-character query therefore becomes a phrase of bigrams: 違約 matches 违约 but not
違反...約. Whoosh pickles its tokenizer (archivist.search.whoosh_tokenizer) into the index as
`archivist.search.analysis.CJKBigramTokenizer`: keep that name resolving here (it is loaded on
first use, so a Tantivy home never imports Whoosh) and bump ANALYSIS_VERSION when the output
changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from archivist.core.textnorm import to_simplified

ANALYSIS_VERSION = 2

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f"
# between two CJK characters these do not separate them (after NFKC: （）［］ are ()[])
_JOIN = r"\s《》「」『』〈〉【】〔〕()\[\]"
TOKEN_RE = re.compile(rf"(?P<cjk>[{_CJK}](?:[{_JOIN}]*[{_CJK}])*)|(?P<word>[^\W_{_CJK}]+)")
CJK_RUN = re.compile(rf"[{_CJK}]+")
CJK_CHAR = re.compile(rf"[{_CJK}]")
JOINERS = re.compile(rf"[{_JOIN}]+")


@lru_cache(maxsize=65536)
def _nfkc(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def normalize(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """(normalised text, start offsets, end offsets) where offsets map each normalised character
    back to the original text; None offsets mean the identity map (the common fast path)."""
    starts: list[int] | None = None
    ends: list[int] | None = None
    if not unicodedata.is_normalized("NFKC", text):
        changing = [c for c in set(text) if _nfkc(c) != c]
        if changing:
            pattern = re.compile("[" + "".join(re.escape(c) for c in changing) + "]")
            parts: list[str] = []
            starts, ends = [], []
            last = 0
            for m in pattern.finditer(text):
                i = m.start()
                if i > last:
                    parts.append(text[last:i])
                    starts.extend(range(last, i))
                    ends.extend(range(last + 1, i + 1))
                n = _nfkc(text[i])
                parts.append(n)
                starts.extend([i] * len(n))
                ends.extend([i + 1] * len(n))
                last = i + 1
            if last < len(text):
                parts.append(text[last:])
                starts.extend(range(last, len(text)))
                ends.extend(range(last + 1, len(text) + 1))
            text = "".join(parts)
    lowered = text.lower()
    if len(lowered) != len(text):
        parts, s2, e2 = [], [], []
        for i, ch in enumerate(text):
            low = ch.lower()
            parts.append(low)
            s2.extend([starts[i] if starts else i] * len(low))
            e2.extend([ends[i] if ends else i + 1] * len(low))
        lowered, starts, ends = "".join(parts), s2, e2
    text = lowered
    if not text.isascii():
        simple = to_simplified(text)
        if len(simple) != len(text):  # phrase-level conversion changed a length: go run by run
            out: list[str] = []
            last = 0
            for m in CJK_RUN.finditer(text):
                out.append(text[last : m.start()])
                run = to_simplified(m.group())
                if len(run) != len(m.group()):
                    run = "".join(
                        to_simplified(c) if len(to_simplified(c)) == 1 else c for c in m.group()
                    )
                out.append(run)
                last = m.end()
            out.append(text[last:])
            simple = "".join(out)
        text = simple
    return text, starts, ends


# characters folded on their own (NFKC, lower case, t2s): those seen, the table of those that
# change (for str.translate), and those that do not fold to exactly one character
_SEEN: set[str] = set()
_TABLE: dict[int, str] = {}
_MULTI: set[str] = set()


def _learn(new: set[str]) -> None:
    chars = list(new)
    staged = [_nfkc(c).lower() for c in chars]
    # one OpenCC call for all of them, a line each (no phrase spans a line break)
    parts = to_simplified("\n".join(staged)).split("\n")
    if len(parts) != len(staged):
        parts = [to_simplified(c) for c in staged]
    for c, f in zip(chars, parts, strict=True):
        if len(f) != 1:
            _MULTI.add(c)
        elif f != c:
            _TABLE[ord(c)] = f
    _SEEN.update(chars)


def fold_chars(text: str) -> str | None:
    """`text` folded a character at a time, the same length as `text` (its offsets are the
    text's own), or None when a character does not fold to exactly one (e.g. ① → 1, ﬁ → fi).
    Equal to normalize(text)[0] but for OpenCC's phrase-level conversions and compositions
    (callers fall back to `normalize` when this finds nothing); set operations and a translate
    table in C, so a long document costs a fraction of normalize's time."""
    if text.isascii():
        return text.lower()
    chars = set(text)
    new = chars - _SEEN
    if new:
        _learn(new)
    if _MULTI and not _MULTI.isdisjoint(chars):
        return None
    return text.translate(_TABLE)


def fold_query_text(text: str) -> str:
    return normalize(text)[0]


def _runs(norm: str) -> Iterator[tuple[bool, str]]:
    """(is_cjk, run) of normalised text: CJK runs (joined across white space and brackets) and
    other words."""
    for m in TOKEN_RE.finditer(norm):
        word = m.group("word")
        if word is not None:
            yield False, word
        else:
            run = m.group("cjk")
            yield True, JOINERS.sub("", run) if len(run) > 1 else run


def analyse(text: str) -> tuple[list[str], list[str]]:
    """The tokens of `text` for an engine that takes them ready-made: (tokens in position
    order: bigrams, lone CJK characters and words, the same as the Whoosh tokenizer's positions;
    every CJK character, for one-character queries)."""
    norm = normalize(text)[0]
    tokens: list[str] = []
    singles: list[str] = []
    for cjk, run in _runs(norm):
        if not cjk or len(run) == 1:
            tokens.append(run)
            if cjk:
                singles.append(run)
            continue
        tokens.extend([run[i : i + 2] for i in range(len(run) - 1)])
        singles.extend(run)
    return tokens, singles


def query_tokens(text: str) -> list[str]:
    """The tokens a query word or phrase must match in this order (a phrase of bigrams and
    words); a single CJK character stays one token."""
    tokens: list[str] = []
    for cjk, run in _runs(normalize(text)[0]):
        if not cjk or len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend([run[i : i + 2] for i in range(len(run) - 1)])
    return tokens


def title_key(text: str) -> str:
    """A title or query reduced to its folded letters and characters, to tell an exact title
    match (《行政复议法》 and 行政複議法 have the same key)."""
    return "".join(run for _cjk, run in _runs(normalize(text)[0]))


def analyzer() -> Any:
    from archivist.search.whoosh_tokenizer import CJKBigramTokenizer

    return CJKBigramTokenizer()


def __getattr__(name: str) -> Any:
    """`CJKBigramTokenizer`, as Whoosh indexes name it (see the module docstring)."""
    if name == "CJKBigramTokenizer":
        from archivist.search.whoosh_tokenizer import CJKBigramTokenizer

        return CJKBigramTokenizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def expand_synonyms(query: str, groups: list[list[str]]) -> str:
    """Rewrite a query string so each configured synonym finds the others: a CJK run holding a
    synonym becomes (run OR run-with-each-other-synonym); a quoted phrase likewise as a group of
    quoted phrases. Field prefixes and operators are left alone."""
    folded_groups = [[fold_query_text(w) for w in g if w.strip()] for g in groups]
    folded_groups = [sorted(set(g), key=len, reverse=True) for g in folded_groups if len(g) > 1]

    def variants(text: str) -> list[str]:
        norm = fold_query_text(text)
        if len(norm) != len(text):
            return [text]
        out = [text]
        for group in folded_groups:
            for word in group:
                idx = norm.find(word)
                if idx < 0:
                    continue
                for other in group:
                    if other != word:
                        out.append(text[:idx] + other + text[idx + len(word) :])
                break
        seen: list[str] = []
        for v in out:
            if fold_query_text(v) not in [fold_query_text(s) for s in seen]:
                seen.append(v)
        return seen

    def sub_quoted(m: re.Match[str]) -> str:
        vs = variants(m.group(1))
        if len(vs) == 1:
            return m.group(0)
        return "(" + " OR ".join(f'"{v}"' for v in vs) + ")"

    query = re.sub(
        r'"[^"]*"', lambda m: re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])", "", m.group()), query
    )
    parts = re.split(r'("[^"]*")', query)
    out: list[str] = []
    for part in parts:
        if part.startswith('"') and part.endswith('"') and len(part) >= 2:
            out.append(re.sub(r'"([^"]*)"', sub_quoted, part))
            continue

        def sub_run(m: re.Match[str]) -> str:
            vs = variants(m.group(0))
            if len(vs) == 1:
                return m.group(0)
            return "(" + " OR ".join(vs) + ")"

        # only bare words (not field:value prefixed with a colon directly before)
        out.append(
            re.sub(rf"(?<![:\w])[^\s(){{}}\[\]\"':]*[{_CJK}][^\s(){{}}\[\]\"':]*", sub_run, part)
        )
    return "".join(out)
