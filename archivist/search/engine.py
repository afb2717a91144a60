"""The interface every full-text engine implements, and which engine a home uses.

An engine stores what `archivist.search.fields` gives it, finds documents for a parsed query
(archivist.search.query) within the filters and the user's scope, and lists the state of every
entry (for `index status` and `check`). Analysis, snippets, access rules and auditing are ours
and the same for every engine. Engines: "tantivy" (the default for new homes) and "whoosh".
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from archivist.core.errors import Conflict
from archivist.core.i18n import _

if TYPE_CHECKING:
    from archivist.core.context import Context
    from archivist.search.query import Query

ENGINES = ("tantivy", "whoosh")
VERSION_FILE = "archivist-index.json"
REBUILD = "Run `archivist index rebuild`."
TITLE_BOOST = 3.0  # a title match weighs this much more than a body match
EXACT_TITLE_BOOST = 1000.0  # a document whose title is the query ranks first


@dataclass
class Filters:
    """Restrictions every hit meets: values are index terms (ids as strings)."""

    client_id: str | None = None
    matter_id: str | None = None
    section: str | None = None
    filetype: str | None = None
    date_from: datetime | None = None  # inclusive
    date_to: datetime | None = None  # exclusive
    # the user's scope: None = everything; otherwise any of these ids (all empty = nothing)
    scope: tuple[list[str], list[str], list[str]] | None = None
    nothing: bool = False


@dataclass
class Hit:
    score: float
    stored: dict[str, Any] = field(default_factory=dict)


class Engine(Protocol):
    name: str

    @property
    def version(self) -> int:
        """Of this engine's schema (the analysis version is recorded beside it)."""

    def exists(self, path: Path) -> bool:
        """Whether `path` holds this engine's index files."""

    def create(self, path: Path) -> None:
        """A new empty index at `path` (with its version file)."""

    def add(
        self, path: Path, docs: Iterable[dict[str, Any]], *, replace: bool, wait_s: float
    ) -> None:
        """Write `docs` in one commit, waiting up to `wait_s` for another writer (then Busy)."""

    def delete(self, path: Path, numbers: list[str], wait_s: float) -> int:
        """Remove the entries of these document numbers."""

    def states(self, path: Path) -> Iterator[str]:
        """The state term of every live entry, in byte order (see archivist.search.status)."""

    def count(self, path: Path) -> int:
        """Live entries."""

    def search(
        self, path: Path, query: Query, filters: Filters, *, sort: str, offset: int, limit: int
    ) -> tuple[int, list[Hit]]:
        """(exact number of hits, the hits from offset to offset + limit) with stored fields
        doc, client, matter, section, type, date (datetime), title, original_name, content."""


def get(name: str) -> Engine:
    if name == "tantivy":
        from archivist.search.tantivy_engine import TantivyEngine

        return TantivyEngine()
    if name == "whoosh":
        from archivist.search.whoosh_engine import WhooshEngine

        return WhooshEngine()
    raise Conflict(
        _("unknown index engine {name!r}").format(name=name), _("Use tantivy or whoosh.")
    )


def read_version(path: Path) -> dict[str, Any] | None:
    try:
        info = json.loads((path / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def version_info(engine: Engine) -> dict[str, Any]:
    from archivist.search.analysis import ANALYSIS_VERSION

    return {"engine": engine.name, "schema": engine.version, "analysis": ANALYSIS_VERSION}


def write_version(path: Path, engine: Engine) -> None:
    tmp = path / f".{VERSION_FILE}.tmp"
    tmp.write_text(json.dumps(version_info(engine), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path / VERSION_FILE)


def configured(ctx: Context) -> str:
    """The engine of this home: the setting; without one (a home from before it), the engine
    its index was built with, else Whoosh (what such a home always had)."""
    setting = getattr(getattr(ctx.settings, "index", None), "engine", None)
    if setting:
        return str(setting)
    info = read_version(ctx.home.index_dir)
    if info and info.get("engine") in ENGINES:
        return str(info["engine"])
    return "whoosh"


def for_home(ctx: Context) -> Engine:
    return get(configured(ctx))


def mismatch(path: Path, engine: Engine) -> str | None:
    """Why the index at `path` cannot be used by `engine` as it is, or None (a usable index, or
    none at all: see `exists`)."""
    info = read_version(path)
    exists = path.is_dir() and engine.exists(path)
    if not exists:
        if info is None:
            return None
        if info.get("engine") != engine.name:
            return f"the index was built by {info.get('engine')} and this home uses {engine.name}"
        return "the index files are missing"
    if info is None:
        return "the index has no version file"
    want = version_info(engine)
    if info.get("engine") != engine.name:
        return f"the index was built by {info.get('engine')} and this home uses {engine.name}"
    if {k: info.get(k) for k in want} != want:
        return (
            f"the index was built with schema {info.get('schema')}/analysis "
            f"{info.get('analysis')} and this archivist uses {want['schema']}/"
            f"{want['analysis']}"
        )
    return None


def unusable(problem: str) -> Conflict:
    return Conflict(
        _("the full-text index cannot be used: {problem}").format(problem=problem), REBUILD
    )
