"""How much of a document's text is indexed (issue 15 §3): at most `max_index_bytes` of UTF-8
and at most `max_index_terms` distinct terms. The index's memory and time grow with the number
of distinct terms a document brings (a 15 MB file of random CJK characters brings millions of
distinct bigrams), so a hostile file is cut where it reaches either limit and the document is
flagged, with the reason shown; ordinary documents are far below both.

Terms are counted the way the CJK analyser makes them, approximately: each run of CJK
characters gives its characters and their bigrams, each other word (`\\w+`) itself, lower-cased."""

from __future__ import annotations

import operator
import re

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(f"[{_CJK}]+|[^\\W{_CJK}]+")
_CJK_FIRST = "\u3040"
_CJK_RUN = re.compile(f"[{_CJK}]")
_BYTES_STEP = 1 << 20
_RUN_STEP = 10_000


def _byte_cut(text: str, max_bytes: int) -> int:
    """The number of characters of `text` whose UTF-8 form fits in `max_bytes`."""
    if len(text) * 4 <= max_bytes:
        return len(text)
    used = 0
    for start in range(0, len(text), _BYTES_STEP):
        piece = text[start : start + _BYTES_STEP]
        size = len(piece.encode("utf-8", errors="surrogatepass"))
        if used + size > max_bytes:
            room = max_bytes - used
            return start + len(
                piece.encode("utf-8", errors="surrogatepass")[:room].decode(
                    "utf-8", errors="ignore"
                )
            )
        used += size
    return len(text)


def _term_cut(text: str, max_terms: int) -> int:
    """The number of characters of `text` that bring at most `max_terms` distinct terms."""
    terms: set[str] = set()
    for match in _TOKEN.finditer(text):
        run = match.group(0)
        if run[0] >= _CJK_FIRST and _CJK_RUN.match(run):
            for start in range(0, len(run), _RUN_STEP):  # pieces overlap by one character
                piece = run[max(0, start - 1) : start + _RUN_STEP]
                if len(terms) + 2 * len(piece) <= max_terms:
                    terms.update(piece)
                    terms.update(map(operator.add, piece, piece[1:]))
                    continue
                for i, ch in enumerate(piece):
                    terms.add(ch)
                    if i:
                        terms.add(piece[i - 1 : i + 1])
                    if len(terms) > max_terms:
                        return match.start() + max(0, start - 1) + i
        else:
            terms.add(run.lower())
            if len(terms) > max_terms:
                return match.start()
    return len(text)


def index_cut(text: str, max_bytes: int, max_terms: int) -> tuple[str, str | None]:
    """(the text to index, why it was cut or None)."""
    cut = _byte_cut(text, max_bytes)
    why = None
    if cut < len(text):
        why = f"only the first {max_bytes / 2**20:g} MB of its text are indexed"
    term_cut = _term_cut(text[:cut], max_terms)
    if term_cut < cut:
        cut = term_cut
        why = (
            f"only the first {cut} characters of its text are indexed (they bring "
            f"{max_terms} distinct terms, the limit)"
        )
    if why is None:
        return text, None
    return text[:cut], why
