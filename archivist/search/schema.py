"""The Whoosh schema, the version file beside it, and opening the index.

The index lives in the home's `index/` folder with `archivist-index.json` naming the engine,
schema and analysis versions. An index written with other versions is never opened: the caller
is told to run `archivist index rebuild`. An empty folder gets a fresh index."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from archivist.core.errors import Conflict
from archivist.core.i18n import _
from archivist.search.analysis import ANALYSIS_VERSION, analyzer

SCHEMA_VERSION = 2  # 2: title_exact (a title equal to the query ranks first)
ENGINE = "whoosh"
VERSION_FILE = "archivist-index.json"
INDEX_NAME = "MAIN"
MAX_STORED_CHARS = 200_000  # text kept for highlighting; the whole text is indexed


def version_info() -> dict[str, Any]:
    return {"engine": ENGINE, "schema": SCHEMA_VERSION, "analysis": ANALYSIS_VERSION}


def make_schema() -> Any:
    from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

    ana = analyzer()
    return Schema(
        doc=ID(stored=True, unique=True),  # document number
        doc_id=ID(stored=True),  # ledger id, for access filters
        client=ID(stored=True),
        client_id=ID(stored=True),
        matter=ID(stored=True),
        matter_id=ID(stored=True),
        section=ID(stored=True),
        type=ID(stored=True),
        state=ID(stored=True),  # number|checksum|flag|section|matter: tells stale entries
        date=DATETIME(stored=True, sortable=True),
        original_name=STORED(),
        title=TEXT(analyzer=ana, stored=True, phrase=True, multitoken_query="phrase"),
        title_exact=ID(),  # analysis.title_key of the title
        name=TEXT(analyzer=ana, phrase=True, multitoken_query="phrase"),
        content=TEXT(analyzer=ana, stored=True, phrase=True, multitoken_query="phrase"),
    )


def read_version(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads((path / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_version(path: Path) -> None:
    tmp = path / f".{VERSION_FILE}.tmp"
    tmp.write_text(json.dumps(version_info(), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path / VERSION_FILE)


def mismatch(path: Path) -> str | None:
    """Why the index at `path` cannot be used as it is, or None."""
    from whoosh import index as windex

    exists = path.is_dir() and windex.exists_in(str(path), INDEX_NAME)
    info = read_version(path)
    if not exists:
        return None if info is None else "the index files are missing"
    if info is None:
        return "the index has no version file"
    want = version_info()
    if {k: info.get(k) for k in want} != want:
        return (
            f"the index was built with schema {info.get('schema')}/analysis "
            f"{info.get('analysis')} and this archivist uses {SCHEMA_VERSION}/"
            f"{ANALYSIS_VERSION}"
        )
    return None


def create(path: Path) -> Any:
    from whoosh import index as windex

    path.mkdir(mode=0o750, parents=True, exist_ok=True)
    ix = windex.create_in(str(path), make_schema(), indexname=INDEX_NAME)
    write_version(path)
    return ix


def open_index(path: Path, create_missing: bool = True) -> Any:
    """The Whoosh index at `path`; created if the folder holds none. A version mismatch is a
    Conflict saying to rebuild."""
    from whoosh import index as windex

    problem = mismatch(path)
    if problem:
        raise Conflict(
            _("the full-text index cannot be used: {problem}").format(problem=problem),
            _("Run `archivist index rebuild`."),
        )
    if not (path.is_dir() and windex.exists_in(str(path), INDEX_NAME)):
        if not create_missing:
            return None
        import fcntl

        path.mkdir(mode=0o750, parents=True, exist_ok=True)
        with open(path / ".create.lock", "w") as lock:  # two first writers: one creates
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not windex.exists_in(str(path), INDEX_NAME):
                return create(path)
    return windex.open_dir(str(path), indexname=INDEX_NAME)
