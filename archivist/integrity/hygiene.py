"""Findings for `archivist check` about what was let in: the same file filed twice for one
client without `--again`, and symbolic links anywhere inside the store (a section folder
linked outside it would send filed documents out of the archive)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select

from archivist.core.context import Context
from archivist.ledger.tables.core import clients
from archivist.ledger.tables.documents import documents

MAX_LINES = 200  # per kind; the count is still given


def duplicates(ctx: Context, client_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Documents whose checksum an earlier document of the same client has, not filed as a
    deliberate copy (copy_of is empty)."""
    earlier = documents.alias("earlier")
    first = (
        select(func.min(earlier.c.id))
        .where(
            and_(
                earlier.c.client_id == documents.c.client_id,
                earlier.c.checksum == documents.c.checksum,
                earlier.c.id < documents.c.id,
            )
        )
        .scalar_subquery()
    )
    stmt = (
        select(
            documents.c.number,
            documents.c.path,
            clients.c.number.label("client"),
            first.label("first_id"),
        )
        .join(clients, clients.c.id == documents.c.client_id)
        .where(documents.c.copy_of.is_(None), first.is_not(None))
        .order_by(documents.c.id)
        .limit(MAX_LINES)
    )
    if client_id is not None:
        stmt = stmt.where(documents.c.client_id == client_id)
    with ctx.ledger.read() as conn:
        rows = conn.execute(stmt).all()
        numbers = (
            dict(
                conn.execute(
                    select(documents.c.id, documents.c.number).where(
                        documents.c.id.in_({r.first_id for r in rows})
                    )
                ).all()
            )
            if rows
            else {}
        )
    for r in rows:
        yield {
            "kind": "duplicate",
            "document": r.number,
            "client": r.client,
            "path": str(ctx.store.root / r.path),
            "detail": f"document {r.number} is the same file (SHA-256) as "
            f"{numbers.get(r.first_id, '?')}, filed twice without --again",
        }


def symlinks(root: Path) -> Iterator[dict[str, Any]]:
    """Every symbolic link under `root` (not followed)."""
    found = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames) + sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink():
                found += 1
                if found > MAX_LINES:
                    return
                try:
                    target = os.readlink(path)
                except OSError:
                    target = "?"
                yield {
                    "kind": "symlink",
                    "path": str(path),
                    "detail": f"{path} is a symbolic link (to {target!r}); the store holds "
                    "only real folders and files: replace it with what it points "
                    "to, or remove it",
                }
