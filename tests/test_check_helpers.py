"""Helpers for the integrity, backup and fault tests."""

from __future__ import annotations

from typing import Any

from archivist.core.context import Context


class Doc:
    def __init__(self, ctx: Context, doc: Any) -> None:
        self.number = doc.number
        self.rel = doc.path
        self.path = ctx.store.resolve(doc.path)
        self.doc = doc


def put_document(
    ctx: Context,
    client: Any,
    name: str = "起訴狀.txt",
    data: bytes = "原告陳大文訴被告".encode(),
    section: str = "case",
) -> Doc:
    """File `data` for the client through the normal filing path (numbered, indexed)."""
    from archivist.filing import service as filing

    doc = filing.file_bytes(ctx, client.number, section, data, name, source="filed")
    return Doc(ctx, doc)
