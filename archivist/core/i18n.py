"""Translation of user-facing text. Every message a person reads is written in English in the
source and wrapped in `_()` (or `ngettext()`), so `pybabel extract` finds it; the Traditional
Chinese catalog translates it at run time for the language in effect.

This module is the single entry point front ends and the library use for translation.

- Catalogs: `archivist/locale/<lang>/LC_MESSAGES/archivist.po`, compiled to `.mo` by
  `make messages` and committed (a test checks each `.mo` matches its `.po`), read with the
  standard library's gettext: no Babel import at start-up.
- The language in effect is a context variable: the command line sets it once per command
  (`--lang`, `ARCHIVIST_LANG`, the user's setting, the home's `[firm] language`, the locale),
  the web front end per request. Unset, it falls back to `ARCHIVIST_LANG`, then the locale.
- Language codes: `zh_Hant` (Traditional Chinese, Taiwan usage) and `en`."""

from __future__ import annotations

import contextlib
import gettext
import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

ZH = "zh_Hant"
EN = "en"
LANGUAGES = (ZH, EN)
NEW_HOME_LANGUAGE = ZH  # `archivist init` writes this unless --lang says otherwise
DOMAIN = "archivist"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_current: ContextVar[str | None] = ContextVar("archivist_language", default=None)

# the spellings accepted for each language (lower case, '-' read as '_')
_ALIASES = {
    "zh_hant": ZH,
    "zh_tw": ZH,
    "zh_hk": ZH,
    "zh_mo": ZH,
    "zh_hant_tw": ZH,
    "zh_hant_hk": ZH,
    "zh": ZH,
    "tw": ZH,
    "中文": ZH,
    "繁體中文": ZH,
    "正體中文": ZH,
    "en": EN,
    "en_us": EN,
    "en_gb": EN,
    "english": EN,
    "英文": EN,
    "c": EN,
    "posix": EN,
}


def normalize(code: str | None) -> str | None:
    """The language code `code` names (zh_Hant or en), or None when it names neither."""
    if not code:
        return None
    key = code.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    return _ALIASES.get(key) or (EN if key.startswith("en_") else None)


def from_locale(environ: Mapping[str, str] | None = None) -> str:
    """The language of the locale: zh_TW, zh_HK, zh_MO and zh_Hant* give Traditional Chinese,
    anything else English. LC_ALL overrides LC_MESSAGES, which overrides LANG (POSIX order)."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            key = value.split(".")[0].split("@")[0].replace("-", "_").lower()
            if key.startswith(("zh_tw", "zh_hk", "zh_mo", "zh_hant")):
                return ZH
            return EN
    return EN


def resolve(
    option: str | None = None,
    *,
    user: str | None = None,
    firm: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The language in effect: `--lang`, else ARCHIVIST_LANG, else the user's setting, else the
    home's `[firm] language`, else the locale. Unknown codes are skipped, never fatal here
    (`--lang` itself is checked where it is parsed)."""
    env = os.environ if environ is None else environ
    for candidate in (option, env.get("ARCHIVIST_LANG"), user, firm):
        found = normalize(candidate)
        if found:
            return found
    return from_locale(env)


def firm_language(home_dir: str | os.PathLike[str]) -> str | None:
    """`[firm] language` of the home in `home_dir`, read without validating the rest of its
    settings (and without importing pydantic: this runs before every command, --help too).
    None when the home, the file or the setting is missing or unreadable."""
    import tomllib

    path = Path(os.path.expanduser(home_dir)) / "archivist.toml"  # core.config.CONFIG_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError):
        return None
    section = raw.get("firm")
    value = section.get("language") if isinstance(section, dict) else None
    return normalize(value) if isinstance(value, str) else None


def explicit(option: str | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the language was chosen for this command (`--lang` or ARCHIVIST_LANG), so a
    user's or firm's setting must not override it."""
    env = os.environ if environ is None else environ
    return bool(normalize(option) or normalize(env.get("ARCHIVIST_LANG")))


def current() -> str:
    """The language in effect (see the module's docstring)."""
    lang = _current.get()
    if lang:
        return lang
    return normalize(os.environ.get("ARCHIVIST_LANG")) or from_locale()


def set_language(lang: str) -> Token[str | None]:
    """Make `lang` the language in effect for this context; returns the token to reset with."""
    return _current.set(normalize(lang) or EN)


def reset_language(token: Token[str | None]) -> None:
    with contextlib.suppress(ValueError):  # a token of another context: nothing to undo here
        _current.reset(token)


@contextlib.contextmanager
def using(lang: str) -> Iterator[str]:
    """Run a block in `lang` (a report in the firm's language, a test in Chinese)."""
    token = set_language(lang)
    try:
        yield current()
    finally:
        reset_language(token)


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang`; English is the source language (no catalog)."""
    if lang == EN:
        return gettext.NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    except OSError:
        return gettext.NullTranslations()


def _(message: str) -> str:
    """The translation of `message` in the language in effect."""
    if not message:
        return message
    return catalog(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The translation of a message whose wording depends on a count."""
    return catalog(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction only; translate it where it is shown (with `_()`)."""
    return message


def is_chinese() -> bool:
    return current() == ZH
