"""The Whoosh tokenizer of our analysis (archivist.search.analysis), apart so that only a
Whoosh home imports Whoosh. Whoosh pickles it into the index under its historical name,
`archivist.search.analysis.CJKBigramTokenizer` (that module resolves the name to this class)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

from archivist.search.analysis import CJK_CHAR, JOINERS, TOKEN_RE, normalize


class CJKBigramTokenizer(Tokenizer):
    """See the module docstring. `mode` is "index" or "query" (Whoosh passes it)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CJKBigramTokenizer)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

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
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        norm, starts, ends = normalize(value)
        if not tokenize:
            t.original = t.text = norm
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        index_mode = mode != "query"
        pos = start_pos

        def span(a: int, b: int) -> tuple[int, int]:
            if starts is None or ends is None:
                return start_char + a, start_char + b
            return start_char + starts[a], start_char + ends[b - 1]

        for m in TOKEN_RE.finditer(norm):
            word = m.group("word")
            if word is not None:
                t.text = word
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = word
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar, t.endchar = span(m.start(), m.end())
                yield t
                pos += 1
                continue
            raw = m.group("cjk")
            if len(raw) > 1 and JOINERS.search(raw):
                at = [m.start() + j for j, c in enumerate(raw) if CJK_CHAR.match(c)]
                run = "".join(raw[j - m.start()] for j in at)
            else:
                at = None
                run = raw
            base = m.start()
            n = len(run)

            def cspan(
                a: int, b: int, at: list[int] | None = at, base: int = base
            ) -> tuple[int, int]:
                return span(base + a, base + b) if at is None else span(at[a], at[b - 1] + 1)

            if n == 1:
                t.text = run
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = run
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar, t.endchar = cspan(0, 1)
                yield t
                pos += 1
                continue
            for i in range(n):
                p = pos + min(i, n - 2)
                if i < n - 1:
                    t.text = run[i : i + 2]
                    t.boost = 1.0
                    t.stopped = False
                    if keeporiginal:
                        t.original = t.text
                    if positions:
                        t.pos = p
                    if chars:
                        t.startchar, t.endchar = cspan(i, i + 2)
                    yield t
                if index_mode:
                    t.text = run[i]
                    t.boost = 1.0
                    t.stopped = False
                    if keeporiginal:
                        t.original = t.text
                    if positions:
                        t.pos = p
                    if chars:
                        t.startchar, t.endchar = cspan(i, i + 1)
                    yield t
            pos += n - 1


CJKBigramTokenizer.__module__ = "archivist.search.analysis"  # the name stored in indexes
