"""Snippets that show why a document matched: the window is centred on the best full match of
the query's words and phrases (the one with the most of the query's words around it), and each
matched word or phrase is highlighted whole.

The whole text is considered, but only as much of it is folded (NFKC, lower case, Traditional →
Simplified) as the search needs: the text is read in chunks and the search stops at the first
chunk whose best window holds every word of the query. A phrase matches across a line break or
brackets between CJK characters, as in the index (archivist.search.analysis)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from archivist.search.analysis import _CJK, _JOIN, _runs, fold_chars, normalize

MARK_ON, MARK_OFF = "\x02", "\x03"
_MARKED = re.compile(f"({MARK_ON}[^{MARK_OFF}]*{MARK_OFF})")
CHUNK = 32_000
FIRST_CHUNK = 2_000
_GAP_CJK = f"[{_JOIN}]*"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}{MARK_ON}{MARK_OFF}])\s+(?=[{_CJK}{MARK_ON}{MARK_OFF}])")


def _phrase(text: str, fold: Callable[[str], str | None] | None = None) -> str | None:
    folded = fold(text) if fold is not None else None
    runs = list(_runs(folded if folded is not None else normalize(text)[0]))
    if not runs:
        return None
    out = []
    for i, (cjk, run) in enumerate(runs):
        if i:
            out.append(r"[\W_]+" if not cjk and not runs[i - 1][0] else r"[\W_]*")
        out.append(_GAP_CJK.join(re.escape(c) for c in run) if cjk else re.escape(run))
    if not runs[0][0]:
        out.insert(0, rf"(?<![^\W_{_CJK}])")
    if not runs[-1][0]:
        out.append(rf"(?![^\W_{_CJK}])")
    return "".join(out)


def phrases_pattern(
    groups: Sequence[Sequence[str]], fold: Callable[[str], str | None] | None = None
) -> re.Pattern[str] | None:
    """One pattern for the query's words and phrases; group `g<i>` is the i-th clause (its
    alternatives, synonyms included, share it). With `fold=fold_chars`, the pattern for text
    folded a character at a time (see `find`)."""
    parts = []
    for i, texts in enumerate(groups):
        alts = sorted({p for p in (_phrase(t, fold) for t in texts) if p}, key=len, reverse=True)
        if alts:
            parts.append(f"(?P<g{i}>" + "|".join(alts) + ")")
    return re.compile("|".join(parts)) if parts else None


def _best(matches: list[tuple[int, int, str]], width: int) -> tuple[int, int]:
    """(index of the match to centre on, distinct clauses in its window)."""
    best, best_key = 0, (-1, -1)
    j = 0
    for i, (s, _e, _g) in enumerate(matches):
        j = max(j, i)
        while j < len(matches) and matches[j][1] <= s + width:
            j += 1
        window = matches[i : max(j, i + 1)]
        key = (len({g for _s, _e, g in window}), len(window))
        if key > best_key:
            best, best_key = i, key
    return best, best_key[0]


def find(
    text: str,
    pattern: re.Pattern[str] | None,
    width: int,
    clauses: int,
    fast: re.Pattern[str] | None = None,
) -> list[tuple[int, int, str]]:
    """Matches (start, end, clause group) in `text`'s own offsets around the best window.

    With `fast` (phrases_pattern(..., fold=fold_chars)), the whole text is first folded a
    character at a time (`fold_chars`: same offsets, C speed) and searched with it; only when
    that finds nothing (a character that folds to several, or an OpenCC phrase conversion)
    is the text folded exactly, chunk by chunk, as far as the best window needs."""
    if pattern is None or not text:
        return []
    if fast is not None:
        over = 64 + 4 * max(1, len(fast.pattern) // 8)
        end = FIRST_CHUNK
        while True:  # the start first (most matches are there), then the whole text
            whole = end >= len(text)
            folded = fold_chars(text if whole else text[: end + over])
            if folded is None:
                break
            hits = [
                (m.start(), m.end(), m.lastgroup or "")
                for m in fast.finditer(folded)
                if whole or m.start() < end
            ]
            if hits and (whole or _best(hits, width)[1] >= clauses):
                return hits
            if whole:
                break
            end = len(text)
    found: list[tuple[int, int, str]] = []
    over = 64 + 4 * max(1, len(pattern.pattern) // 8)
    pos = 0
    size = FIRST_CHUNK  # most matches are near the start: fold a little first, then more
    while pos < len(text):
        part = text[pos : pos + size + over]
        norm, starts, ends = normalize(part)
        limit = size if pos + size < len(text) else len(part)
        for m in pattern.finditer(norm):
            s, e = m.start(), m.end()
            if starts is not None and ends is not None:
                s, e = starts[s], ends[e - 1]
            if s >= limit:
                break
            found.append((pos + s, pos + e, m.lastgroup or ""))
        if found:
            _i, distinct = _best(found, width)
            if distinct >= clauses:
                break
        pos += size
        size = min(size * 4, CHUNK)
    return found


def snippet(
    text: str,
    pattern: re.Pattern[str] | None,
    width: int = 160,
    clauses: int = 1,
    fast: re.Pattern[str] | None = None,
) -> str:
    """A window of about `width` characters of `text` centred on the best full match, with
    MARK_ON/MARK_OFF around each matched word or phrase in it."""
    matches = find(text, pattern, width, clauses, fast)
    if not matches:
        head = text[:width]
        return tidy(head + ("…" if len(text) > width else ""))
    i, _d = _best(matches, width)
    s, e, _g = matches[i]
    start = max(0, min(s - max(0, width - (e - s)) // 3, len(text) - width))
    end = max(min(len(text), start + width), e)
    merged: list[list[int]] = []  # matches in the window; touching ones become one
    for ms, me, _g in matches:
        if ms < start or me <= start:
            continue
        if ms >= end:
            break
        if merged and ms <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], min(me, end))
        else:
            merged.append([ms, min(me, end)])
    out, pos = [], start
    for ms, me in merged:
        out.append(text[pos:ms])
        out.append(MARK_ON + text[ms:me] + MARK_OFF)
        pos = me
    out.append(text[pos:end])
    return tidy(("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else ""))


def tidy(marked: str) -> str:
    """White space between CJK characters (a wrapped line) dropped, other runs made one space."""
    return " ".join(_CJK_SPACE.sub("", marked).split())


def spans(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """(plain text, [(start, end) of each highlighted stretch in it])."""
    plain: list[str] = []
    out: list[tuple[int, int]] = []
    n = 0
    for part in _MARKED.split(marked):
        if part.startswith(MARK_ON):
            part = part[1:-1]
            out.append((n, n + len(part)))
        plain.append(part)
        n += len(part)
    return "".join(plain), out
