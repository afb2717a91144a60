"""Translation of user-facing text. Every message a person reads is written in English in the
source and wrapped in `_()` (or `ngettext()`), so `pybabel extract` finds it; the Traditional
Chinese catalog translates it at run time for the language in effect.

This module is the single entry point front ends and the library use for translation."""

from __future__ import annotations


def _(message: str) -> str:
    """The translation of `message` in the language in effect."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The translation of a message whose wording depends on a count."""
    return singular if n == 1 else plural
