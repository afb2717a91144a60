"""The one Jinja environment templates render in, and the limits it enforces (issue 15 §3).

A template is code written by staff and filled with values typed by users, so both are
untrusted:
- Jinja's immutable sandbox: no Python internals, no `.append()`/`.update()` on values;
- no `safe` filter and no docxtpl raw tags (`{{r x}}`, `{{p x}}`, `{{tr x}}`, `{{tc x}}`) in a
  template: they would let a value's text become Word markup; values may hold no docxtpl tag;
- bounded work: each string a template builds (`~`, `+`, `*`, `%`, padding filters) and each
  rendered part has a size limit, format widths are bounded, and the whole render has a time
  limit (a self-growing loop or `'x'|center(400000000)` is stopped with a one-line error)."""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from archivist.core.errors import TemplateError
from archivist.core.i18n import _

MAX_VALUE_CHARS = 2_000_000  # one string built inside a template
MAX_PART_CHARS = 20_000_000  # one rendered part (body, header, footer) of XML
MAX_WIDTH = 10_000  # padding / wrapping widths and format widths
MAX_REPEAT = 100_000  # `'x' * n`
RENDER_SECONDS = 20.0

# docxtpl's variable tags that insert their value as Word XML (RichText, Subdoc, listings)
RAW_TAG_RE = re.compile(r"\{\{-?\s*(?:r|p|tr|tc)\s")
# any docxtpl tag in a value: refused, so a value can never become template or markup
VALUE_TAG_RE = re.compile(r"\{[{%]-?\s*(?:r|p|tr|tc)\s")
SAFE_FILTER_RE = re.compile(r"\|\s*safe\b")
WIDE_FORMAT_RE = re.compile(r"[%:{][^a-zA-Z%{}]*?\d{5,}")


class RenderLimit(Exception):
    """A render exceeded its time or size limit."""


def _check_len(value: Any, what: str = "a value the template builds") -> Any:
    if isinstance(value, str | list | tuple) and len(value) > MAX_VALUE_CHARS:
        from jinja2.exceptions import SecurityError

        raise SecurityError(f"{what} is longer than {MAX_VALUE_CHARS} characters")
    _Clock.check()
    return value


class _Clock:
    """The deadline of the render in progress (checked at each string built and each output
    chunk, besides the SIGALRM timer in the main thread)."""

    local = threading.local()

    @classmethod
    def check(cls) -> None:
        end = getattr(cls.local, "end", None)
        if end is not None and time.monotonic() > end:
            raise RenderLimit("rendering took longer than its time limit")


@contextlib.contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Stop the render after `seconds` (RENDER_SECONDS): a SIGALRM in the main thread
    (interrupts a loop that builds nothing), and a clock checked by the environment's hooks
    everywhere."""
    seconds = RENDER_SECONDS if seconds is None else seconds
    previous = getattr(_Clock.local, "end", None)
    _Clock.local.end = time.monotonic() + seconds
    main = threading.current_thread() is threading.main_thread()
    old: Any = None
    if main:

        def _fire(_sig: int, _frame: object) -> None:
            raise RenderLimit(f"rendering took longer than {seconds:g} s")

        old = signal.signal(signal.SIGALRM, _fire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        _Clock.local.end = previous


def _bounded_filter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from jinja2.exceptions import SecurityError

        for arg in list(args[1:]) + list(kwargs.values()):
            if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_WIDTH:
                raise SecurityError(f"the {name} filter was given {arg}, more than {MAX_WIDTH}")
            if name == "format" and isinstance(args[0], str) and WIDE_FORMAT_RE.search(args[0]):
                raise SecurityError("a format width is too large in a template")
        if name == "replace" and len(args) >= 3 and isinstance(args[0], str):
            grows = len(str(args[2])) * max(1, str(args[0]).count(str(args[1])) or 1)
            if grows > MAX_VALUE_CHARS:
                raise SecurityError("the replace filter would build too long a string")
        return _check_len(fn(*args, **kwargs), f"the {name} filter's result")

    wrapper.__name__ = getattr(fn, "__name__", name)
    for attr in ("jinja_pass_arg",):
        if hasattr(fn, attr):
            setattr(wrapper, attr, getattr(fn, attr))
    return wrapper


BOUNDED_FILTERS = (
    "center",
    "indent",
    "wordwrap",
    "truncate",
    "format",
    "replace",
    "join",
    "string",
    "batch",
    "slice",
    "urlize",
    "xmlattr",
    "tojson",
    "pprint",
)


@lru_cache(maxsize=1)
def environment() -> Any:
    """The one Jinja environment every template renders in."""
    from jinja2 import StrictUndefined
    from jinja2.compiler import CodeGenerator, Frame
    from jinja2.exceptions import SecurityError
    from jinja2.nodes import Concat
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from archivist.documents.numerals import capital_amount
    from archivist.documents.render import small_number

    class BoundedCodeGenerator(CodeGenerator):
        """`a ~ b` is checked for length once built."""

        def visit_Concat(self, node: Concat, frame: Frame) -> None:
            self.write("environment.checked_len(")
            super().visit_Concat(node, frame)
            self.write(")")

    class CachingSandbox(ImmutableSandboxedEnvironment):
        """Compiles each distinct part once: a template's body, header and footer are the same
        text on every render, and compiling is half the cost of a render. `* ** + %` and `~`
        are bounded so a template cannot build a gigabyte string or number."""

        code_generator_class = BoundedCodeGenerator
        intercepted_binops = frozenset(["*", "**", "+", "%"])
        compiled: dict[str, Any] = {}

        @staticmethod
        def checked_len(value: Any) -> Any:
            return _check_len(value)

        def concat(self, parts: Iterable[str]) -> str:
            out: list[str] = []
            size = 0
            for piece in parts:
                size += len(piece)
                if size > MAX_PART_CHARS:
                    raise RenderLimit(
                        f"the rendered document is larger than "
                        f"{MAX_PART_CHARS // 1_000_000} million characters"
                    )
                _Clock.check()
                out.append(piece)
            return "".join(out)

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError("exponent too large in a template")
            if operator == "*":
                for seq, n in ((left, right), (right, left)):
                    if (
                        isinstance(seq, str | list | tuple)
                        and isinstance(n, int)
                        and len(seq) * n > MAX_REPEAT
                    ):
                        raise SecurityError("repetition too large in a template")
            if (
                operator == "+"
                and isinstance(left, str | list | tuple)
                and isinstance(right, str | list | tuple)
                and len(left) + len(right) > MAX_VALUE_CHARS
            ):
                raise SecurityError("a value the template builds is too long")
            if operator == "%" and isinstance(left, str) and WIDE_FORMAT_RE.search(left):
                raise SecurityError("a format width is too large in a template")
            return _check_len(super().call_binop(context, operator, left, right))

        def wrap_str_format(self, value: Any) -> Any:
            fmt = super().wrap_str_format(value)
            if fmt is None:
                return None
            text = getattr(value, "__self__", "")

            def bounded(*args: Any, **kwargs: Any) -> str:
                if isinstance(text, str) and WIDE_FORMAT_RE.search(text):
                    raise SecurityError("a format width is too large in a template")
                return _check_len(fmt(*args, **kwargs))

            return bounded

        def from_string(
            self,
            source: Any,
            globals: Any = None,  # noqa: A002
            template_class: Any = None,
        ) -> Any:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            found = self.compiled.get(source)
            if found is None:
                refuse_raw_markup(source)
                if len(self.compiled) >= 256:
                    self.compiled.clear()
                found = self.compiled[source] = super().from_string(source)
            return found

    env = CachingSandbox(undefined=StrictUndefined, autoescape=True)
    del env.filters["safe"]
    del env.globals["lipsum"]  # builds text of any size; no template needs it
    for name in BOUNDED_FILTERS:
        if name in env.filters:
            env.filters[name] = _bounded_filter(name, env.filters[name])
    env.filters["capital"] = lambda v: capital_amount(str(v).replace(",", "")) if v != "" else ""
    env.filters["cn"] = small_number
    return env


def refuse_raw_markup(source: str) -> None:
    """Refuse a template part using `|safe` or a docxtpl raw tag (`{{r x}}` ...): each would
    put a value's text into the document as Word markup."""
    from jinja2.exceptions import SecurityError

    for rx, what in (
        (SAFE_FILTER_RE, "the 'safe' filter"),
        (RAW_TAG_RE, "a raw docxtpl tag ({{r ...}}, {{p ...}}, {{tr ...}})"),
    ):
        found = rx.search(source)
        if found:
            raise SecurityError(f"{what}, which would insert a value as Word markup")


def check_values(value: Any, path: str = "") -> None:
    """Refuse a value holding a docxtpl tag (`{{r `, `{%p `, ...): values are text, never
    template code or markup. Raises TemplateError naming the field."""
    if isinstance(value, str):
        found = VALUE_TAG_RE.search(value)
        if found:
            raise TemplateError(
                _("the value of {value} holds a template tag ({strip!r})").format(
                    value=path or _("a field"), strip=found.group(0).strip()
                ),
                _("Values are plain text: remove the {{ / {% tag."),
            )
    elif isinstance(value, dict):
        for k, v in value.items():
            check_values(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            check_values(v, f"{path}[{i}]")
