"""The bench's own CJK analyzer, used by the raw-Whoosh reference only when archivist's analyzer
cannot be found. Module-level (Whoosh pickles the analyzer into the index)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from whoosh.analysis import Token, Tokenizer

from bench.corpus import to_simplified

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PATTERN = re.compile(rf"[{_CJK}]+|[^\W{_CJK}_]+", re.UNICODE)


class BigramTokenizer(Tokenizer):  # type: ignore[misc]
    """CJK runs -> overlapping bigrams (a lone character stays); Latin words whole; NFKC,
    lowercase, Traditional -> Simplified."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kw: Any,
    ) -> Any:
        text = to_simplified(unicodedata.normalize("NFKC", value)).lower()
        t = Token(positions, chars, removestops=removestops, mode=mode, **kw)
        pos = start_pos
        for m in _PATTERN.finditer(text):
            run = m.group()
            if not run.isascii() and run[0] >= "\u3400":
                pieces = [(run[i : i + 2], i) for i in range(max(1, len(run) - 1))]
            else:
                pieces = [(run, 0)]
            for piece, off in pieces:
                t.text = piece
                t.boost = 1.0
                t.stopped = False
                if positions:
                    t.pos = pos
                pos += 1
                if chars:
                    t.startchar = start_char + m.start() + off
                    t.endchar = t.startchar + len(piece)
                yield t
