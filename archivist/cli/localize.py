"""The command line in the language in effect (archivist.core.i18n).

- Which language: `language_for(ctx)` resolves `--lang`, ARCHIVIST_LANG, the home's
  `[firm] language` and the locale before a command runs (the user's own setting is applied
  once the ledger is open, in cli.common.get_context).
- Help: commands keep their English docstrings and `help=` texts (scripts/babel_cli.py extracts
  them); `localize(command)` puts the translation in place just before Click shows it, keeping
  the English original to translate again for the next command in the same process.
- Click's own words (Usage, Options, "No such option", ...): Click looks them up with the
  standard gettext; its modules are pointed at our catalogs instead (cli/click_messages.py
  lists the ones translated)."""

from __future__ import annotations

import inspect
import os
from typing import Any

import click

from archivist.core import i18n
from archivist.core.i18n import _

_ORIGINAL = "_archivist_en"


def _translate_attr(obj: Any, attr: str) -> None:
    originals = obj.__dict__.setdefault(_ORIGINAL, {})
    if attr not in originals:
        originals[attr] = getattr(obj, attr, None)
    text = originals[attr]
    if isinstance(text, str) and text.strip():
        setattr(obj, attr, _(inspect.cleandoc(text)))


def localize(command: click.Command) -> click.Command:
    """`command` (and its subcommands and options) with help in the language in effect."""
    for attr in ("help", "short_help", "epilog"):
        _translate_attr(command, attr)
    for param in command.params:
        if isinstance(param, click.Option):
            _translate_attr(param, "help")
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub)
    return command


def language_for(ctx: click.Context) -> str:
    """The language for this command line, from what is known before any command runs."""
    root = ctx.find_root()
    option = root.params.get("lang")
    if i18n.explicit(option):
        return i18n.resolve(option)
    home = root.params.get("home") or os.environ.get("ARCHIVIST_HOME") or "."
    return i18n.resolve(option, firm=i18n.firm_language(home))


def apply(ctx: click.Context) -> str:
    """Set the language in effect for this command (the root group's `main` undoes it when the
    command has ended and its error, if any, has been shown)."""
    lang = language_for(ctx)
    i18n.set_language(lang)
    return lang


def check_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--lang: a known language, set at once (so `--lang en --help` is in English)."""
    if value is None:
        return None
    if i18n.normalize(value) is None:
        raise click.BadParameter(
            _("unknown language {value!r}: use zh_Hant (中文) or en").format(value=value),
            ctx,
            param,
        )
    ctx.params["lang"] = value
    apply(ctx)
    return value


_CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "termui",
    "types",
    "utils",
    "shell_completion",
)


def translate_click() -> None:
    """Point Click's gettext lookups at our catalogs (Click has no translations of its own)."""
    import importlib

    def gettext(message: str) -> str:
        return i18n.catalog(i18n.current()).gettext(message) if message else message

    def ngettext(singular: str, plural: str, n: int) -> str:
        return i18n.catalog(i18n.current()).ngettext(singular, plural, n)

    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
