"""Marks left while a backup or a restore runs, so an interrupted one is recognised.

- `DEST/.backup-unfinished`: written before a backup copies anything, removed once its manifest
  is written. The next `backup` to DEST resumes (it copies what is missing or different).
- `HOME/.restore-unfinished`: written before a restore copies anything into the new home,
  removed once it is complete. Commands refuse a home that carries it; running the same
  `restore` again starts it over."""

from __future__ import annotations

import json
import os
from pathlib import Path

from archivist.core.errors import Conflict
from archivist.core.i18n import _

BACKUP_MARK = ".backup-unfinished"
RESTORE_MARK = ".restore-unfinished"


def _write(path: Path, data: dict[str, str]) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def mark(path: Path, **data: str) -> None:
    _write(path, {"pid": str(os.getpid()), **data})


def read(path: Path) -> dict[str, str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def refuse_unfinished_restore(root: Path) -> None:
    """A one-line refusal for a home a restore has not finished."""
    data = read(root / RESTORE_MARK)
    if data is None:
        return
    source = data.get("source") or "SRC"
    raise Conflict(
        _("the home {root} is an unfinished restore (from {source}); it is incomplete").format(
            root=root, source=source
        ),
        _(
            "Finish it with `archivist --as USER restore {source} --home {root}` (it starts over), or delete the folder {root}."
        ).format(source=source, root=root),
    )
