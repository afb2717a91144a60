"""Which variables a Jinja syntax tree uses, as paths: `client.name`, `lawyers[].name`.

`get_undeclared_template_variables()` reports top-level names only; the schema check needs the
attributes too, and loop variables mapped back to the list they iterate."""

from __future__ import annotations

from typing import Any

from jinja2 import nodes

_LOCAL = None  # marker: a name bound inside the template (loop, set, macro argument)


def _path(node: nodes.Node, scope: dict[str, str | None]) -> str | None:
    if isinstance(node, nodes.Name):
        if node.name in scope:
            return scope[node.name]
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _path(node.node, scope)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem):
        base = _path(node.node, scope)
        if not base:
            return None
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return f"{base}.{node.arg.value}"
        return f"{base}[]"
    return None


def _bind(target: nodes.Node, value: str | None, scope: dict[str, str | None]) -> None:
    if isinstance(target, nodes.Name):
        scope[target.name] = value
    elif isinstance(target, nodes.Tuple):
        for item in target.items:
            _bind(item, _LOCAL, scope)


def _visit(node: nodes.Node, scope: dict[str, str | None], out: set[str]) -> None:
    if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
        path = _path(node, scope)
        if path:
            out.add(path)
        # visit dynamic subscripts and the base when it is not a plain chain
        inner: Any = node
        while isinstance(inner, nodes.Getattr | nodes.Getitem):
            if isinstance(inner, nodes.Getitem) and not isinstance(inner.arg, nodes.Const):
                _visit(inner.arg, scope, out)
            inner = inner.node
        if not isinstance(inner, nodes.Name):
            _visit(inner, scope, out)
        return
    if isinstance(node, nodes.For):
        _visit(node.iter, scope, out)
        base = _path(node.iter, scope)
        inner_scope = dict(scope)
        inner_scope["loop"] = _LOCAL
        _bind(node.target, f"{base}[]" if base else _LOCAL, inner_scope)
        if node.test is not None:
            _visit(node.test, inner_scope, out)
        for child in node.body:
            _visit(child, inner_scope, out)
        for child in node.else_:
            _visit(child, scope, out)
        return
    if isinstance(node, nodes.Assign):
        _visit(node.node, scope, out)
        _bind(node.target, _path(node.node, scope), scope)
        return
    if isinstance(node, nodes.Macro | nodes.CallBlock):
        inner_scope = dict(scope)
        for arg in getattr(node, "args", []):
            _bind(arg, _LOCAL, inner_scope)
        inner_scope["caller"] = _LOCAL
        inner_scope["varargs"] = _LOCAL
        inner_scope["kwargs"] = _LOCAL
        if isinstance(node, nodes.Macro):
            scope[node.name] = _LOCAL
        elif node.call is not None:
            _visit(node.call, scope, out)
        for child in node.body:
            _visit(child, inner_scope, out)
        return
    for child in node.iter_child_nodes():
        _visit(child, scope, out)


def paths_in(tree: nodes.Template) -> set[str]:
    """The paths of the values a template uses (Jinja's own globals such as `range` and
    `namespace` are not values)."""
    from jinja2.defaults import DEFAULT_NAMESPACE

    out: set[str] = set()
    _visit(tree, {name: _LOCAL for name in (*DEFAULT_NAMESPACE, "self")}, out)
    return {p for p in out if p}


def undeclared(used: set[str], declared: set[str]) -> list[str]:
    """Used paths the schema does not declare. A used path is declared when it is a declared
    leaf or a prefix of one (`lawyers` for `lawyers[].name`, `stages[]` for the list `stages`)."""
    leaves = declared | {d + "[]" for d in declared}
    missing = []
    for u in sorted(used):
        if u in leaves:
            continue
        if any(d.startswith(u + ".") or d.startswith(u + "[]") for d in declared):
            continue
        missing.append(u)
    return missing


def unused(used: set[str], declared: set[str]) -> list[str]:
    """Declared leaves the template never shows."""
    seen = used | {u[:-2] for u in used if u.endswith("[]")}
    return sorted(d for d in declared if d not in seen)


def shown_unguarded(tree: nodes.Template) -> set[str]:
    """Paths a template shows outside any `if` that tests them: `{{ firm.phone }}` on its
    own, but not `{% if firm.phone %}電話：{{ firm.phone }}{% endif %}` (nor its `else`)."""
    out: set[str] = set()

    def tested(test: nodes.Node) -> set[str]:
        found: set[str] = set()
        _visit(test, {}, found)
        return found

    def walk(node: nodes.Node, guards: frozenset[str]) -> None:
        if isinstance(node, nodes.If):
            inner = guards | tested(node.test)
            for child in [*node.body, *node.elif_, *node.else_]:
                walk(child, inner)
            return
        if isinstance(node, nodes.CondExpr):
            inner = guards | tested(node.test)
            walk(node.expr1, inner)
            if node.expr2 is not None:
                walk(node.expr2, inner)
            return
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            path = _path(node, {})
            if path and path not in guards:
                out.add(path)
            return
        for child in node.iter_child_nodes():
            walk(child, guards)

    walk(tree, frozenset())
    return out
