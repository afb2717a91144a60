"""Helpers for the integrity, backup and fault tests: file a document directly into the ledger
and the store (independent of `file add`, so these tests do not depend on the filing module)."""

from __future__ import annotations

from typing import Any

from archivist import audit, clock, numbering, records
from archivist.context import Context
from archivist.ledger.tables.documents import documents
from archivist.models import SECTION_FOLDERS, Section


def put_document(ctx: Context, client: Any, name: str = "起訴狀.txt",
                 data: bytes = "原告陳大文訴被告".encode(), section: str = "case") -> Any:
    """Write `data` into the client's section folder and register it, as filing does."""
    directory = ctx.store.resolve(client.folder) / SECTION_FOLDERS[Section(section)]
    with ctx.ledger.write() as conn:
        seq = numbering.next_value(conn, f"doc:{client.number}")
        number = f"{client.number}-{seq:04d}"
        target = ctx.store.unique_target(directory, f"{number} {name}")
        size, digest = ctx.store.write_bytes(target, data)
        rel = ctx.store.relative(target)
        conn.execute(documents.insert().values(
            number=number, client_id=client.id, section=section, title=name,
            original_name=name, path=rel, size=size, checksum=digest, checksum_algo="sha256",
            filetype=name.rpartition(".")[2] or "unknown", filed_at=clock.now(), filed_by=1,
            source="filed"))
        audit.record(conn, "mei", "document.file", "document", number, client.id, path=rel)
    records.refresh(ctx, client.id)
    return type("Doc", (), {"number": number, "path": target, "rel": rel})()
