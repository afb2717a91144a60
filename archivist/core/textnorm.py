"""Text normalisation shared by name matching, conflict checks and search.

`fold()` makes two spellings of one name compare equal: Unicode compatibility forms (full-width
letters and spaces), case, white space, and Traditional→Simplified Chinese (OpenCC t2s)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_SPACE = re.compile(r"[\s\u3000]+")
_PUNCT = re.compile(r"[\s\u3000·•・.,，。、()（）\[\]【】'\"“”‘’\-_]+")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    if not text or text.isascii():
        return text
    return str(_t2s().convert(text))


def fold(text: str) -> str:
    """Key for comparing names: NFKC, casefold, no white space, Simplified characters."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _SPACE.sub("", text)
    return to_simplified(text)


def fold_loose(text: str) -> str:
    """Like fold, and also ignores punctuation (for 'very like an existing name' warnings)."""
    return _PUNCT.sub("", fold(text))


def display_width(text: str) -> int:
    """Terminal cells `text` takes: East Asian wide and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
