"""Property: any spelling of a registered name that differs only in script (Traditional or
Simplified), width, case or spacing finds it."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.core import textnorm
from archivist.matters import conflicts

CHARS = "陳大文華國張劉萬體龍鳳實業貿易有限公司李四AaBbZz"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def spelled(draw: Any) -> tuple[str, str]:
    name = draw(st.text(alphabet=CHARS, min_size=2, max_size=8))
    variant = name
    if draw(st.booleans()):
        variant = textnorm.to_simplified(variant)
    if draw(st.booleans()):
        variant = _full_width(variant)
    if draw(st.booleans()):
        variant = variant.swapcase()
    spaces = draw(
        st.lists(
            st.tuples(st.integers(0, len(variant)), st.sampled_from([" ", "\u3000", "  "])),
            max_size=3,
        )
    )
    for pos, space in spaces:
        variant = variant[:pos] + space + variant[pos:]
    return name, variant


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spelled())
def test_any_spelling_finds_the_client(make_client: Any, ctx: Any, pair: tuple[str, str]) -> None:
    name, variant = pair
    client = make_client(name)
    with ctx.ledger.read() as conn:
        hits = conflicts.search_name(conn, variant)
    assert client.number in {h.reference for h in hits if h.where == "client"}
