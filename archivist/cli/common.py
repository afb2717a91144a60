"""Shared CLI helpers: opening the archive for a command, output in tables or JSON, progress."""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import click

from archivist.cli.errors import visible
from archivist.core.i18n import _

F = TypeVar("F", bound=Callable[..., Any])


def json_option(f: F) -> F:
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print JSON (stable keys and codes, the same in every language) instead of a table.",
    )(f)


def resume_gc() -> None:
    """End of start-up (see archivist.cli.run): the modules and objects loaded so far stay for
    the life of the process, so they are frozen out of the collector's scans, and the cyclic
    collector runs again for the command's own work (a long import keeps its memory bounded)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def get_context(click_ctx: click.Context) -> Any:
    """The library Context for this invocation, opened once and closed at the end."""
    root = click_ctx.find_root()
    root.ensure_object(dict)
    obj = root.obj
    if "archive" not in obj:
        from archivist.core.context import open_context

        archive = open_context(obj.get("home"), obj.get("user"))
        _user_language(root, archive)
        clock_warning(root)
        resume_gc()
        obj["archive"] = archive
        root.call_on_close(archive.close)
    return obj["archive"]


def _user_language(root: click.Context, archive: Any) -> None:
    """The acting user's own language, unless --lang or ARCHIVIST_LANG chose one."""
    from archivist.core import i18n

    if not archive.username or i18n.explicit(root.params.get("lang")):
        return
    from archivist.core.errors import ArchivistError

    try:
        mine = archive.actor.language
    except ArchivistError:
        return  # an unknown user is refused where the command needs one
    if mine:
        i18n.set_language(mine)


def clock_warning(click_ctx: click.Context) -> None:
    """Warn once per command (stderr) when ARCHIVIST_NOW is set but not honoured here."""
    from archivist.core import clock

    root = click_ctx.find_root()
    root.ensure_object(dict)
    text = clock.warning()
    if text and not root.obj.get("clock_warned"):
        root.obj["clock_warned"] = True
        warn(text)


def pass_archive(f: F) -> F:
    """Pass the library Context as the first argument."""

    @click.pass_context
    @functools.wraps(f)
    def wrapper(click_ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return f(get_context(click_ctx), *args, **kwargs)

    return wrapper  # type: ignore[return-value]


# ------------------------------------------------------------------------------ output
def to_jsonable(data: Any) -> Any:
    if hasattr(data, "model_dump"):
        return data.model_dump(mode="json")
    if isinstance(data, list | tuple):
        return [to_jsonable(d) for d in data]
    if isinstance(data, dict):
        return {str(k): to_jsonable(v) for k, v in data.items()}
    if isinstance(data, set):
        return sorted(to_jsonable(d) for d in data)
    return data


def print_json(data: Any) -> None:
    click.echo(json.dumps(to_jsonable(data), ensure_ascii=False, indent=2, default=str))


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(value: Any, limit: int = 60) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple | set):
        value = ", ".join(str(v) for v in value)
    text = visible(" ".join(str(value).split()))
    if width(text) > limit:
        out, w = [], 0
        for c in text:
            w += width(c)
            if w > limit - 1:
                break
            out.append(c)
        text = "".join(out) + "…"
    return text


def print_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    headers: Sequence[str] | None = None,
    empty: str | None = None,
) -> None:
    """Rows as a table aligned for CJK (East Asian width); headings and coded values (a
    client's kind, a loan's status) in the language in effect (core.vocabulary)."""
    from archivist.core.vocabulary import cell_label, header

    if not rows:
        click.echo(empty or _("Nothing to show."), err=True)
        return
    headers = [header(h.replace(" ", "_")) for h in (headers or columns)]
    cells = [[_cell(cell_label(c, r.get(c))) for c in columns] for r in rows]
    widths = [max([width(h)] + [width(row[i]) for row in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (widths[i] - width(v)) for i, v in enumerate(values)).rstrip()

    click.echo(line(headers))
    click.echo(line(["-" * w for w in widths]))
    for row in cells:
        click.echo(line(row))


def print_record(data: dict[str, Any], keys: Sequence[str] | None = None) -> None:
    from archivist.core.vocabulary import cell_label, header

    keys = list(keys or data.keys())
    names = {k: header(k) for k in keys}
    pad = max((width(n) for n in names.values()), default=0)
    for k in keys:
        v = cell_label(k, data.get(k))
        if isinstance(v, dict):
            v = ", ".join(f"{a}: {b}" for a, b in v.items())
        name = names[k]
        click.echo(f"{name}{' ' * (pad - width(name))}  {_cell(v, 200)}")


def emit(
    data: Any,
    as_json: bool,
    *,
    columns: Sequence[str] | None = None,
    headers: Sequence[str] | None = None,
    empty: str | None = None,
) -> None:
    """Print `data` as JSON or as a table (lists) / key-value lines (objects)."""
    if as_json:
        print_json(data)
        return
    plain = to_jsonable(data)
    if isinstance(plain, list):
        print_table(plain, columns or (list(plain[0].keys()) if plain else []), headers, empty)
    elif isinstance(plain, dict):
        print_record(plain, columns)
    else:
        click.echo(plain)


def warn(message: str) -> None:
    click.echo(_("Warning: {visible}").format(visible=visible(message)), err=True)


def progress(items: Iterable[Any], length: int | None = None, label: str = "") -> Any:
    """A progress bar on a terminal (stderr), nothing when piped."""
    if sys.stderr.isatty():
        return click.progressbar(items, length=length, label=label, file=sys.stderr)
    return _Quiet(items)


@contextlib.contextmanager
def progress_callback(label: str) -> Iterator[Callable[[int, int], None]]:
    """A `progress(done, total)` callback for library functions: a bar on a terminal (stderr),
    nothing when piped. The bar is closed on the way out, also on errors."""
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


class _Quiet:
    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items

    def __enter__(self) -> Iterable[Any]:
        return self.items

    def __exit__(self, *exc: Any) -> None:
        return None


class Vocabulary(click.Choice):
    """A coded option (--kind, --type, --section, --status, ...) that also takes the value in
    Chinese or in the policy's wording (the mapping is the library's: core.vocabulary); its
    help lists both forms, `person|自然人`."""

    def __init__(self, vocabulary: str, codes: Sequence[str] | None = None) -> None:
        from archivist.core import vocabulary as words

        self.vocabulary = vocabulary
        super().__init__(list(codes or words.codes(vocabulary)))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from archivist.core import vocabulary as words
        from archivist.core.errors import InvalidInput

        if isinstance(value, str):
            try:
                value = words.parse(self.vocabulary, value)
            except InvalidInput as exc:
                self.fail(str(exc), param, ctx)
            if value not in self.choices:
                self.fail(
                    _("{value!r} is not one of {choices}").format(
                        value=value, choices=", ".join(map(str, self.choices))
                    ),
                    param,
                    ctx,
                )
            return value
        return super().convert(value, param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        from archivist.core import vocabulary as words

        forms = [f"{c}|{words.chinese(self.vocabulary, str(c))}" for c in self.choices]
        return "[" + "|".join(forms) + "]"
