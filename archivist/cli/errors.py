"""The one place where errors become exit codes and one-line messages.

- ArchivistError and its kinds: exit 1, `Error: <what>. <what to do>`
- pydantic ValidationError: exit 1, one line per field
- usage errors (click): exit 2
- OSError outside the library's own handling: exit 1 with the path and reason
- anything else is a bug: exit 70, one line, the traceback only with ARCHIVIST_DEBUG=1
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

import click

from archivist.core.i18n import _

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_BUG = 70


class ArchivistClickException(click.ClickException):
    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]


# Characters a terminal would act on instead of showing: C0/C1 controls (ESC sequences) and
# the bidirectional overrides and isolates that reorder a line (U+202E makes "cod.exe" of "exe.doc").
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def visible(text: str) -> str:
    """`text` with controls and bidirectional overrides shown escaped (\\x1b, \\u202e)."""
    return _HIDDEN.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def _one_line(text: str) -> str:
    return visible(" ".join(str(text).split()))


def translate(exc: BaseException) -> click.ClickException | None:
    from archivist.core.errors import ArchivistError

    if isinstance(exc, ArchivistError):
        return ArchivistClickException(_one_line(str(exc)), getattr(exc, "exit_code", EXIT_ERROR))
    mod = type(exc).__module__
    if mod.startswith("pydantic") and type(exc).__name__ == "ValidationError":
        lines = []
        for err in exc.errors():  # type: ignore[attr-defined]
            where = ".".join(str(p) for p in err.get("loc", ())) or "value"
            lines.append(f"{where}: {err.get('msg')}")
        return ArchivistClickException(_("invalid input: {lines}").format(lines="; ".join(lines)))
    if isinstance(exc, ValueError) and "null byte" in str(exc):
        return ArchivistClickException(
            _("a path or value contains a NUL character; remove it and try again")
        )
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        return ArchivistClickException(
            _one_line(
                _("could not use{where}: {reason}").format(where=where, reason=exc.strerror or exc)
            )
        )
    if mod.startswith("sqlalchemy") and "locked" in str(exc).lower():
        return ArchivistClickException(
            _(
                "the ledger stayed locked by another process. Wait a moment and run the command again."
            )
        )
    return None


def _undecodable(args: list[str]) -> tuple[str, str] | None:
    """(the argument's name, its bytes shown) of the first argument that is not valid UTF-8
    (Python hands such bytes over as lone surrogates), or None."""
    for i, arg in enumerate(args):
        if not any("\udc80" <= c <= "\udcff" for c in arg):
            continue
        try:  # a file that exists under that name: its bytes are its name
            if os.path.lexists(arg):
                continue
        except (OSError, ValueError):
            pass
        raw = arg.encode("utf-8", errors="surrogateescape")
        shown = raw.decode("utf-8", errors="backslashreplace")
        if arg.startswith("--") and "=" in arg:
            return arg.split("=", 1)[0], shown
        if arg.startswith("-") and not any("\udc80" <= c <= "\udcff" for c in arg[:2]):
            return f"option {shown[:40]!r}", shown
        prev = args[i - 1] if i else ""
        if prev.startswith("-") and "=" not in prev:
            return prev, shown
        return f"argument {i + 1}", shown
    return None


class ErrorMappingGroup(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """A value that is not valid UTF-8 (e.g. a --title cut in the middle of a character by
        a script) is a usage error naming it, before any command runs."""
        bad = _undecodable(args)
        if bad is not None:
            name, shown = bad
            raise click.UsageError(
                _(
                    "the value of {name} is not valid UTF-8 text ({one_line}); pass it as UTF-8"
                ).format(name=name, one_line=_one_line(shown)[:80]),
                ctx,
            )
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as exc:  # noqa: BLE001 - the one place that maps every error
            mapped = translate(exc)
            if mapped is not None:
                raise mapped from None
            if os.environ.get("ARCHIVIST_DEBUG"):
                raise
            print(
                _(
                    "Error: internal error ({kind}: {detail}). This is a bug; rerun with "
                    "ARCHIVIST_DEBUG=1 for details and report it."
                ).format(kind=type(exc).__name__, detail=_one_line(str(exc))[:300]),
                file=sys.stderr,
            )
            ctx.exit(EXIT_BUG)
