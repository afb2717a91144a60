"""A Babel extractor for the command line (babel.cfg): the `_()`, `ngettext()` and `N_()` calls
Babel's own Python extractor finds, plus the help Click shows, which is not written inside
`_()`: the docstring of every function decorated as a command or group, and every `help=` /
`short_help=` keyword given as a literal. The CLI translates those at display time
(archivist.cli.localize) with the same key: the docstring after `inspect.cleandoc`."""

from __future__ import annotations

import ast
import inspect
import io
from collections.abc import Iterator
from typing import Any

from babel.messages.extract import extract_python

_DECORATORS = {"command", "group"}


def _is_command_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr in _DECORATORS
    return isinstance(target, ast.Name) and target.id in _DECORATORS


def extract_cli(
    fileobj: Any, keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, str | tuple[str, ...], list[str]]]:
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
            _is_command_decorator(d) for d in node.decorator_list
        ):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.lineno, None, inspect.cleandoc(doc), ["command help"]
        if (
            isinstance(node, ast.AnnAssign | ast.Assign)
            and "LAZY"
            in ast.unparse(node.targets[0] if isinstance(node, ast.Assign) else node.target)
            and isinstance(node.value, ast.Dict)
        ):  # cli/__init__.py: the one-line help of each lazily imported command
            for entry in node.value.values:
                if isinstance(entry, ast.Tuple) and isinstance(entry.elts[-1], ast.Constant):
                    yield entry.lineno, None, str(entry.elts[-1].value), ["command list"]
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if (
                    kw.arg in ("help", "short_help")
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                    and kw.value.value.strip()
                ):
                    yield kw.value.lineno, None, inspect.cleandoc(kw.value.value), ["option help"]
