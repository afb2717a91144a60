#!/usr/bin/env python3
"""Rewrite imports and dotted module paths from archivist's flat layout to its feature packages.

Usage: python scripts/rewrite_imports.py FILE_OR_DIR... [--check]
Rewrites `import` / `from ... import` statements and every dotted `archivist.x.y` path in text
(monkeypatch targets, importlib strings, `python -m`, docs) in the given files (directories are
walked for *.py, *.md, *.toml, *.cfg, *.ini, Makefile). Idempotent: a path already in the new
layout is left alone, so it can be run on a branch made on the old layout, or twice.
With --check it only lists the files it would change (exit 1 if any).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# Old dotted module (or package) -> new dotted module (or package). A package entry also moves
# everything under it (archivist.index.query -> archivist.search.query).
MOVES: dict[str, str] = {
    # core: what every feature stands on
    "archivist.errors": "archivist.core.errors",
    "archivist.clock": "archivist.core.clock",
    "archivist.config": "archivist.core.config",
    "archivist.store": "archivist.core.store",
    "archivist.audit": "archivist.core.audit",
    "archivist.audit_read": "archivist.integrity.audit_read",
    "archivist.access": "archivist.core.access",
    "archivist.numbering": "archivist.core.numbering",
    "archivist.reports.output": "archivist.core.output",
    "archivist.textnorm": "archivist.core.textnorm",
    "archivist.safenames": "archivist.core.safenames",
    "archivist.home": "archivist.core.home",
    "archivist.context": "archivist.core.context",
    "archivist.users": "archivist.core.users",
    "archivist.accounts": "archivist.core.accounts",
    "archivist.ocr_queue": "archivist.filing.ocr_queue",
    "archivist.filing_attachments": "archivist.filing.attachments",
    # clients
    "archivist.registry": "archivist.clients.registry",
    "archivist.records": "archivist.clients.records",
    # matters
    "archivist.matters": "archivist.matters.service",
    "archivist.matter_parties": "archivist.matters.parties",
    "archivist.matter_views": "archivist.matters.views",
    "archivist.conflicts": "archivist.matters.conflicts",
    "archivist.consultations": "archivist.matters.consultations",
    "archivist.duties": "archivist.matters.duties",
    # filing
    "archivist.filing": "archivist.filing.service",
    "archivist.filing_import": "archivist.filing.importer",
    "archivist.extract": "archivist.filing.extract",
    # search
    "archivist.index": "archivist.search",
    # loans, complaints
    "archivist.loans": "archivist.loans.service",
    "archivist.loan_exports": "archivist.loans.exports",
    "archivist.complaints": "archivist.complaints.service",
    # integrity: whole-archive services
    "archivist.integrity": "archivist.integrity.checker",
    "archivist.integrity_chain": "archivist.integrity.chain",
    "archivist.hygiene": "archivist.integrity.hygiene",
    "archivist.backup": "archivist.integrity.backup",
    "archivist.backup_files": "archivist.integrity.backup_files",
    "archivist.backup_marks": "archivist.core.backup_marks",
    "archivist.restore": "archivist.integrity.restore",
    "archivist.replay": "archivist.integrity.replay",
}

# Every module name of the new layout that a dotted path may start with: the targets, their
# parent packages, and the packages that were not moved.
NEW: set[str] = set()
for _new in MOVES.values():
    _parts = _new.split(".")
    NEW.update(".".join(_parts[:i]) for i in range(2, len(_parts) + 1))
NEW.update(
    {
        "archivist.ledger",
        "archivist.models",
        "archivist.documents",
        "archivist.reports",
        "archivist.cli",
        "archivist.web",
        "archivist.demo",
        "archivist.demo_steps",
        "archivist.volumes",
        "archivist.filing.corrections",  # issue 22: a new module beside filing.service
        # modules added after the move (issue 21), under a package whose old name moved
        "archivist.matters.conflict_assess",
        "archivist.matters.conflict_names",
        "archivist.matters.conflict_waivers",
    }
)

# Submodules of old packages that moved whole (archivist.index.query), known so that a path under
# a moved package is recognised as new only when it is under the new name.
_PACKAGE_MOVES = {
    old: new
    for old, new in MOVES.items()
    if old in {"archivist.duties", "archivist.extract", "archivist.index", "archivist.replay"}
}


def _longest(parts: list[str], names: set[str] | dict[str, str]) -> int:
    for i in range(len(parts), 1, -1):
        if ".".join(parts[:i]) in names:
            return i
    return 0


def rewrite_dotted(dotted: str) -> str:
    """`archivist.matters.open_matter` -> `archivist.matters.service.open_matter`; a path
    already in the new layout is returned unchanged."""
    parts = dotted.split(".")
    old = _longest(parts, MOVES)
    if not old:
        return dotted
    new = _longest(parts, NEW)
    if new > old:  # e.g. archivist.matters.service.x: already the new layout
        return dotted
    return ".".join([MOVES[".".join(parts[:old])], *parts[old:]])


_IDENT = r"[A-Za-z_]\w*"
_DOTTED = re.compile(rf"(?<![\w.])archivist(?:\.{_IDENT})+")
_FROM = re.compile(
    rf"^(?P<indent>[ \t]*)from[ \t]+(?P<mod>archivist(?:\.{_IDENT})*)[ \t]+import[ \t]+"
    rf"(?P<names>\([^)]*\)|(?:[^\n\\]|\\\n)*)(?P<tail>[^\n]*)",
    re.MULTILINE,
)
_NAME = re.compile(rf"^\s*(?P<name>{_IDENT})(?:\s+as\s+(?P<alias>{_IDENT}))?\s*$")


def _split_names(names: str) -> tuple[list[tuple[str, str | None]], str] | None:
    """The imported names and any trailing comment inside parentheses; None when the statement
    has a shape this script does not rewrite (a star import, a comment between names)."""
    body = names
    if body.startswith("("):
        body = body[1:-1]
    body = body.replace("\\\n", " ")
    comment = ""
    out: list[tuple[str, str | None]] = []
    for raw in body.split(","):
        line = raw
        if "#" in line:
            line, _, c = line.partition("#")
            comment = comment or "#" + c.split("\n")[0]
        if not line.strip():
            continue
        m = _NAME.match(line.replace("\n", " "))
        if not m:
            return None
        out.append((m["name"], m["alias"]))
    return out, comment


def _format(indent: str, module: str, names: list[tuple[str, str | None]], comment: str) -> str:
    items = [n if a is None else f"{n} as {a}" for n, a in names]
    line = f"{indent}from {module} import {', '.join(items)}"
    if len(line) <= 100 or len(items) == 1:
        return line + (f"  {comment.strip()}" if comment else "")
    body = "".join(f"{indent}    {item},\n" for item in items)
    head = f"{indent}from {module} import (" + (f"  {comment.strip()}" if comment else "")
    return f"{head}\n{body}{indent})"


def _rewrite_from(m: re.Match[str]) -> str:
    indent, mod, names = m["indent"], m["mod"], m["names"]
    parsed = _split_names(names)
    if parsed is None:
        return m.group(0).replace(mod, rewrite_dotted(mod), 1)
    items, comment = parsed
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for name, alias in items:
        full = rewrite_dotted(f"{mod}.{name}")
        if full == f"{mod}.{name}":  # nothing moved (or already new): keep as written
            target, new_name = mod, name
        else:
            target, _, new_name = full.rpartition(".")
        if new_name != name and alias is None:
            alias = name
        if alias == new_name:
            alias = None
        groups.setdefault(target, []).append((new_name, alias))
    if list(groups) == [mod] and groups[mod] == items:
        return m.group(0)
    lines = []
    for i, (target, names_) in enumerate(groups.items()):
        lines.append(_format(indent, target, names_, comment if i == 0 else ""))
    return "\n".join(lines) + m["tail"]


_IMPORT = re.compile(r"^(?P<indent>[ \t]*)import[ \t]+(?P<mods>archivist[\w. ,]*)$", re.MULTILINE)


def _rewrite_import(m: re.Match[str]) -> str:
    out = []
    for part in m["mods"].split(","):
        name, _, alias = part.strip().partition(" as ")
        new = rewrite_dotted(name.strip())
        out.append(new + (f" as {alias.strip()}" if alias else ""))
    return f"{m['indent']}import {', '.join(out)}"


# A `from archivist... import ...` inside a one-line string ("from archivist import x\\n", a
# `python -c` script): rewritten like a statement, several targets joined with "; ".
_INLINE_FROM = re.compile(
    rf"(?<=[\"'])(?P<indent>)from (?P<mod>archivist(?:\.{_IDENT})*) import "
    rf"(?P<names>{_IDENT}(?: as {_IDENT})?(?:, {_IDENT}(?: as {_IDENT})?)*)(?P<tail>)(?=\\n|[\"';])"
)


def _rewrite_inline(m: re.Match[str]) -> str:
    return _rewrite_from(m).replace("\n", "; ")


def rewrite_text(text: str) -> str:
    spans: list[tuple[int, int, str]] = []
    for rx, fn in (
        (_FROM, _rewrite_from),
        (_IMPORT, _rewrite_import),
        (_INLINE_FROM, _rewrite_inline),
    ):
        for m in rx.finditer(text):
            spans.append((m.start(), m.end(), fn(m)))
    spans.sort()
    out, pos = [], 0
    for start, end, new in spans:
        if start < pos:
            continue
        out.append(_DOTTED.sub(lambda d: rewrite_dotted(d.group(0)), text[pos:start]))
        out.append(new)
        pos = end
    out.append(_DOTTED.sub(lambda d: rewrite_dotted(d.group(0)), text[pos:]))
    return "".join(out)


SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".sh"}


def _files(args: list[str]) -> list[Path]:
    files: list[Path] = []
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            files += sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and (f.suffix in SUFFIXES or f.name == "Makefile")
                and not any(part.startswith(".") for part in f.parts)
            )
        else:
            files.append(p)
    return files


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = []
    for path in _files([a for a in argv if a != "--check"]):
        text = path.read_text(encoding="utf-8")
        new = rewrite_text(text)
        if new != text:
            changed.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    for path in changed:
        print(path)
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
