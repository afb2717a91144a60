"""The one place where errors become exit codes and one-line messages.

- ArchivistError and its kinds: exit 1, `Error: <what>. <what to do>`
- pydantic ValidationError: exit 1, one line per field
- usage errors (click): exit 2
- OSError outside the library's own handling: exit 1 with the path and reason
- anything else is a bug: exit 70, one line, the traceback only with ARCHIVIST_DEBUG=1
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_BUG = 70


class ArchivistClickException(click.ClickException):
    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def translate(exc: BaseException) -> click.ClickException | None:
    from archivist.errors import ArchivistError

    if isinstance(exc, ArchivistError):
        return ArchivistClickException(_one_line(str(exc)), getattr(exc, "exit_code", EXIT_ERROR))
    mod = type(exc).__module__
    if mod.startswith("pydantic") and type(exc).__name__ == "ValidationError":
        lines = []
        for err in exc.errors():  # type: ignore[attr-defined]
            where = ".".join(str(p) for p in err.get("loc", ())) or "value"
            lines.append(f"{where}: {err.get('msg')}")
        return ArchivistClickException("invalid input: " + "; ".join(lines))
    if isinstance(exc, ValueError) and "null byte" in str(exc):
        return ArchivistClickException("a path or value contains a NUL character; "
                                       "remove it and try again")
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        return ArchivistClickException(_one_line(f"could not use{where}: {exc.strerror or exc}"))
    if mod.startswith("sqlalchemy") and "locked" in str(exc).lower():
        return ArchivistClickException("the ledger stayed locked by another process. "
                                       "Wait a moment and run the command again.")
    return None


class ErrorMappingGroup(click.Group):
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
            print(f"Error: internal error ({type(exc).__name__}: {_one_line(str(exc))[:300]}). "
                  "This is a bug; rerun with ARCHIVIST_DEBUG=1 for details and report it.",
                  file=sys.stderr)
            ctx.exit(EXIT_BUG)
