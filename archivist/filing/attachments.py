"""An e-mail's attachments filed as child documents of the message (issue 24).

Each attachment of a filed .eml becomes a document of the same client, section and matter,
extracted (and converted or queued for OCR) like any other file, and linked to the message in
document_links, so that `file show` names the message's attachments and each attachment's
message. An attachment the client already has is linked, not filed twice."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

from archivist.core.context import Context
from archivist.core.errors import AlreadyFiled, ArchivistError
from archivist.core.i18n import _
from archivist.ledger.tables.ocr import document_links
from archivist.models import Document

MAX_ATTACHMENTS = 200


def attachments(path: Path, max_bytes: int) -> list[tuple[str, bytes]]:
    """(file name, content) of each attachment of the message at `path`."""
    with open(path, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=policy.default)
    out: list[tuple[str, bytes]] = []
    for n, part in enumerate(msg.walk(), 1):
        if part.is_multipart():
            continue
        name = part.get_filename()
        if not name and part.get_content_disposition() != "attachment":
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data or len(data) > max_bytes:
            continue
        out.append((str(name or f"attachment-{n}.bin"), data))
        if len(out) >= MAX_ATTACHMENTS:
            break
    return out


def file_attachments(ctx: Context, message: Document) -> list[Document]:
    """File the attachments of the filed message; failures become warnings on the message."""
    from archivist.filing import service as filing

    try:
        parts = attachments(
            ctx.store.resolve(message.path), ctx.settings.limits.max_file_mb * 2**20
        )
    except (OSError, ValueError, LookupError) as exc:
        message.warnings.append(
            _("the attachments of {number} could not be read ({name__})").format(
                number=message.number, name__=type(exc).__name__
            )
        )
        return []
    filed: list[Document] = []
    for name, data in parts:
        try:
            child = filing.file_bytes(
                ctx,
                message.client_number,
                message.section.value,
                data,
                name,
                matter_number=message.matter_number,
                source="filed",
            )
        except AlreadyFiled as exc:
            _link_existing(ctx, message, exc.document)
            continue
        except ArchivistError as exc:
            message.warnings.append(
                _("attachment {name} of {number} was not filed: {exc}").format(
                    name=name, number=message.number, exc=exc
                )
            )
            continue
        with ctx.ledger.write() as conn:
            conn.execute(
                document_links.insert().values(
                    document_id=child.id, parent_id=message.id, kind="attachment"
                )
            )
        child.parent = message.number
        filed.append(child)
        message.attachments.append(child.number)
    return filed


def _link_existing(ctx: Context, message: Document, number: str) -> None:
    from sqlalchemy import select

    from archivist.ledger.tables.documents import documents

    with ctx.ledger.write() as conn:
        doc_id = conn.execute(select(documents.c.id).where(documents.c.number == number)).scalar()
        if (
            doc_id is None
            or conn.execute(
                select(document_links.c.document_id).where(document_links.c.document_id == doc_id)
            ).first()
            is not None
        ):
            return
        conn.execute(
            document_links.insert().values(
                document_id=doc_id, parent_id=message.id, kind="attachment"
            )
        )
    message.attachments.append(number)
