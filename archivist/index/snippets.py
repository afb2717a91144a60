"""Highlighted snippets without re-analysing whole documents: the query's terms (already
normalised) are found with one regular expression over the normalised stored text, the best
window is cut out, and offsets are mapped back to the text as filed."""

from __future__ import annotations

import re
from collections.abc import Iterable

from archivist.index.analysis import normalize

MARK_ON, MARK_OFF = "\x02", "\x03"
_LATIN = re.compile(r"[^\W_]")


def terms_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        esc = re.escape(term)
        if term.isascii():
            parts.append(rf"(?<![A-Za-z0-9]){esc}(?![A-Za-z0-9])")
        else:
            parts.append(esc)
    # a lookahead finds overlapping matches too (the bigrams 违约 and 约金 of 违约金)
    return re.compile("(?=(" + "|".join(parts) + "))") if parts else None


def snippet(text: str, pattern: re.Pattern[str] | None, width: int = 160,
            scan: int = 50_000) -> str:
    """A window of about `width` characters of `text` around its densest matches, with
    MARK_ON/MARK_OFF around each match (overlapping matches merged)."""
    head = text[:scan]
    if pattern is None:
        return head[:width]
    norm, starts, ends = normalize(head)
    spans: list[list[int]] = []
    for m in pattern.finditer(norm):
        s, e = m.start(1), m.end(1)
        if starts is not None and ends is not None:
            s, e = starts[s], ends[e - 1]
        if spans and s <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], e)
        else:
            spans.append([s, e])
        if len(spans) > 2000:
            break
    if not spans:
        return head[:width]
    # the window holding the most matches
    best, best_count, j = 0, 0, 0
    for i, (s, _e) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= s + width:
            j += 1
        if j - i > best_count:
            best, best_count = i, j - i
    start = max(0, spans[best][0] - width // 4)
    end = min(len(head), start + width)
    out, pos = [], start
    for s, e in spans[best:]:
        if s >= end:
            break
        e = min(e, end)
        out.append(head[pos:s])
        out.append(MARK_ON + head[s:e] + MARK_OFF)
        pos = e
    out.append(head[pos:end])
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(head) or len(text) > len(head) else ""
    return prefix + "".join(out) + suffix
