"""Filing documents into client archives: numbered, written atomically, checksummed, extracted,
indexed, audited.

The ledger is the truth. A document is filed once its row and audit record commit; indexing
and the manifest come after, and a failure there leaves a warning on the returned Document (the
index can always be repaired with `archivist index rebuild`), never a lost document."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.clients import registry
from archivist.core import access, audit, clock, numbering
from archivist.core.context import Context
from archivist.core.errors import (
    AlreadyFiled,
    ArchivistError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    StorageError,
)
from archivist.core.i18n import _
from archivist.core.safenames import lossless, safe_filename
from archivist.filing.extract import Limits, extract_bytes, extract_file
from archivist.filing.ocr_queue import enqueue, queued_reason
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.documents import document_texts, documents
from archivist.ledger.tables.matters import matters
from archivist.models import Client, Document, Extraction, ImportItem, Role, Section, User

SOURCES = ("filed", "generated", "adopted", "imported")


# --------------------------------------------------------------------------- reading rows
def _select() -> Any:
    return select(
        documents,
        clients.c.number.label("client_number"),
        clients.c.name.label("client_name"),
        matters.c.number.label("matter_number"),
        users.c.username.label("filed_by_name"),
    ).select_from(
        documents.join(clients, clients.c.id == documents.c.client_id)
        .outerjoin(matters, matters.c.id == documents.c.matter_id)
        .join(users, users.c.id == documents.c.filed_by)
    )


def to_model(row: Any) -> Document:
    data = None
    if row.template_data:
        try:
            data = json.loads(row.template_data)
        except ValueError:
            data = None
    return Document(
        id=row.id,
        number=row.number,
        client_id=row.client_id,
        client_number=row.client_number,
        client_name=row.client_name,
        matter_id=row.matter_id,
        matter_number=row.matter_number,
        section=Section(row.section),
        title=row.title,
        original_name=row.original_name,
        path=row.path,
        size=row.size,
        checksum=row.checksum,
        checksum_algo=row.checksum_algo,
        filetype=row.filetype,
        pages=row.pages,
        text_status=row.text_status,
        flag=row.flag,
        flag_reason=row.flag_reason,
        text_chars=row.text_chars,
        encoding=row.encoding,
        source=row.source,
        version_of=row.version_of,
        copy_of=row.copy_of,
        template=row.template,
        template_version=row.template_version,
        template_data=data,
        filed_at=row.filed_at,
        filed_by=row.filed_by_name,
    )


def by_id(conn: Connection, document_id: int) -> Document:
    row = conn.execute(_select().where(documents.c.id == document_id)).first()
    if row is None:
        raise NotFound(_("no document with id {document_id}").format(document_id=document_id))
    return to_model(row)


def get(conn: Connection, number: str) -> Document:
    import unicodedata

    text = unicodedata.normalize("NFKC", (number or "").strip())
    row = conn.execute(_select().where(documents.c.number == text)).first()
    if row is None:
        row = conn.execute(_select().where(documents.c.number == text.upper())).first()
    if row is None:  # the old number of a moved document (issue 22)
        from archivist.ledger.tables.volumes import document_aliases

        row = conn.execute(
            _select().where(
                documents.c.id
                == select(document_aliases.c.document_id)
                .where(document_aliases.c.alias.in_((text, text.upper())))
                .limit(1)
                .scalar_subquery()
            )
        ).first()
    if row is None:
        raise access.not_found("document", number)
    return to_model(row)


def not_withdrawn() -> Any:
    """The condition for documents in listings and search: not withdrawn (issue 22)."""
    from archivist.ledger.tables.volumes import document_withdrawals

    return documents.c.id.not_in(
        select(document_withdrawals.c.document_id).where(
            document_withdrawals.c.status == "withdrawn"
        )
    )


# --------------------------------------------------------------------------- filing
def _check_may_file(ctx: Context, conn: Connection, user: User, client: Client) -> None:
    if user.has(Role.ARCHIVIST, Role.HEAD):
        return
    if user.has(Role.LAWYER):
        scope = access.scope_for(conn, user, ctx.settings.deadlines)
        if client.id in scope.client_ids:
            return
    raise Forbidden(
        _(
            "{username} may not file documents for client {number}: it needs the role 'archivist' or 'head' (or 'lawyer' on one of its matters)"
        ).format(username=user.username, number=client.number)
    )


def _section(section: Section | str) -> Section:
    try:
        return Section(section)
    except ValueError:
        raise InvalidInput(
            _("unknown section {section!r}").format(section=section),
            _("Use one of: {value}").format(value=", ".join(s.value for s in Section)),
        ) from None


def _clean_name(original_name: str) -> str:
    name = lossless(Path(original_name or "").name.strip())  # a backslash is part of it
    if not name or "\x00" in name:
        raise InvalidInput(_("the document has no usable file name"))
    return name[:500]


def _record(
    ctx: Context,
    *,
    client_number: str,
    section: Section,
    opener: Callable[[], BinaryIO],
    original_name: str,
    extraction: Extraction,
    title: str | None,
    matter_number: str | None,
    source: str,
    template: str | None,
    template_version: str | None,
    template_data: dict[str, Any] | None,
    version_of: int | None,
    again: bool = False,
) -> Document:
    """The ledger part of filing: number, write the file, insert the row, audit. One transaction;
    the file is removed again if the transaction does not commit.

    A file whose SHA-256 the client already has is refused (AlreadyFiled) unless `again` (or it
    is generated: a rendered document may repeat); then it is recorded as a copy. The check is
    made inside the write transaction (BEGIN IMMEDIATE), so two concurrent filings of the same
    file cannot both pass it."""
    user = ctx.actor

    def once() -> Document:
        written: list[Path] = []
        try:
            with ctx.ledger.write() as conn:
                return _insert(
                    ctx,
                    conn,
                    user,
                    _Lookups(),
                    written,
                    sync=True,
                    client_number=client_number,
                    section=section,
                    opener=opener,
                    original_name=original_name,
                    extraction=extraction,
                    title=title,
                    matter_number=matter_number,
                    source=source,
                    template=template,
                    template_version=template_version,
                    template_data=template_data,
                    version_of=version_of,
                    again=again,
                )
        except BaseException:
            _unlink(written)
            raise

    return ctx.ledger.retrying(once)


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


class _Lookups:
    """Clients and matters read once per write transaction (a batch files many documents of
    few clients)."""

    def __init__(self) -> None:
        self.clients: dict[str, Client] = {}
        self.matters: dict[str, tuple[int, int, str]] = {}

    def client(self, conn: Connection, number: str) -> Client:
        got = self.clients.get(number)
        if got is None:
            got = self.clients[number] = registry.get(conn, number)
        return got

    def matter(self, conn: Connection, number: str) -> tuple[int, int, str]:
        """(id, client id, number) of a matter."""
        got = self.matters.get(number)
        if got is None:
            import unicodedata

            text = unicodedata.normalize("NFKC", (number or "").strip()).upper()
            row = conn.execute(
                select(matters.c.id, matters.c.client_id, matters.c.number).where(
                    matters.c.number == text
                )
            ).first()
            if row is None:
                raise access.not_found("matter", number)
            got = self.matters[number] = (int(row.id), int(row.client_id), str(row.number))
        return got


def _insert(
    ctx: Context,
    conn: Connection,
    user: User,
    lookups: _Lookups,
    written: list[Path],
    *,
    sync: bool,
    client_number: str,
    section: Section,
    opener: Callable[[], BinaryIO],
    original_name: str,
    extraction: Extraction,
    title: str | None,
    matter_number: str | None,
    source: str,
    template: str | None,
    template_version: str | None,
    template_data: dict[str, Any] | None,
    version_of: int | None,
    again: bool = False,
) -> Document:
    """One document's rows, audit record and stored file, inside the caller's write
    transaction; the stored file's path is appended to `written` (for the caller to remove if
    the transaction does not commit, and with `sync=False` to fsync before it commits)."""
    max_bytes = ctx.settings.limits.max_file_mb * 2**20
    client = lookups.client(conn, client_number)
    _check_may_file(ctx, conn, user, client)
    matter_id = None
    if matter_number:
        mid, m_client, m_number = lookups.matter(conn, matter_number)
        if m_client != client.id:
            owner = conn.execute(select(clients.c.number).where(clients.c.id == m_client)).scalar()
            raise InvalidInput(
                _("matter {m_number} belongs to client {owner}, not {number}").format(
                    m_number=m_number, owner=owner, number=client.number
                )
            )
        matter_id = mid
        from archivist.volumes.guard import refuse_sealed

        refuse_sealed(conn, matter_id, _("file a document into it"))
    if version_of is not None:
        prev = conn.execute(
            select(documents.c.client_id).where(documents.c.id == version_of)
        ).first()
        if prev is None or prev.client_id != client.id:
            raise InvalidInput(
                _("version_of={version_of} is not a document of client {number}").format(
                    version_of=version_of, number=client.number
                )
            )
    seq = numbering.next_value(conn, f"doc:{client.number}")
    number = numbering.render(
        ctx.settings.numbering.document, "document", client=client.number, seq=seq
    )
    directory = ctx.store.section_dir(client.folder, section)
    target = ctx.store.unique_target(directory, safe_filename(f"{number} {original_name}"))
    with opener() as src:
        size, digest = ctx.store.write_stream(target, src, max_bytes, sync=sync)
    written.append(target)
    copy_of = _earlier_copy(
        conn, client, digest, original_name, again or source in ("generated", "adopted")
    )
    flag = extraction.flag
    if size == 0:
        flag = "empty"
    now = clock.now()
    title_text = (title or Path(original_name).stem or original_name)[:500]
    rel = ctx.store.relative(target)
    doc_id = conn.execute(
        documents.insert().values(
            number=number,
            client_id=client.id,
            matter_id=matter_id,
            section=section.value,
            title=title_text,
            original_name=original_name,
            path=rel,
            size=size,
            checksum=digest,
            checksum_algo="sha256",
            filetype=extraction.filetype,
            pages=extraction.pages,
            text_status="flagged" if flag else "ok",
            flag=flag,
            flag_reason=(queued_reason(extraction) or "the file is empty") if flag else None,
            text_chars=len(extraction.text),
            encoding=extraction.encoding,
            source=source,
            version_of=version_of,
            copy_of=copy_of,
            template=template,
            template_version=template_version,
            template_data=(
                json.dumps(template_data, ensure_ascii=False, default=str)
                if template_data is not None
                else None
            ),
            filed_at=now,
            filed_by=user.id,
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    if extraction.needs_ocr and size:  # OCR later, never during filing (issue 24)
        enqueue(conn, doc_id, ctx.settings.ocr.languages)
    audit.record(
        conn,
        user.username,
        "document.file",
        "document",
        number,
        client.id,
        section=section.value,
        original_name=original_name,
        size=size,
        checksum=digest,
        filetype=extraction.filetype,
        path=rel,
        title=title_text,
        matter=matter_number,
        source=source,
        flag=flag,
        template=template,
        version_of=version_of,
        **({"copy_of": copy_of} if copy_of else {}),
    )
    return by_id(conn, doc_id)


def _earlier_copy(
    conn: Connection, client: Client, digest: str, name: str, allowed: bool
) -> int | None:
    """The id of the client's earlier document with this checksum (None if there is none);
    refuses the filing when one exists and a copy is not `allowed`."""
    row = conn.execute(
        select(documents.c.id, documents.c.number)
        .where(documents.c.client_id == client.id, documents.c.checksum == digest)
        .order_by(documents.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    if not allowed:
        raise AlreadyFiled(
            _(
                "{name} is already filed as {number} (the same SHA-256, client {number2}); nothing was filed"
            ).format(name=name, number=row.number, number2=client.number),
            _("Pass --again to file a second copy."),
            document=row.number,
        )
    return int(row.id)


def _after(
    ctx: Context, items: Sequence[tuple[Document, str]], refresh: bool = True, new: bool = True
) -> None:
    """Index the filed documents and refresh their clients' manifests; failures become warnings
    on the documents (the ledger already holds them)."""
    if not items:
        return
    try:
        from archivist import search as index

        index.add_documents(ctx, items, new=new)
        for doc, _text in items:
            doc.indexed = True
    except Exception as exc:  # the index is derived: repair later, never lose the filing
        msg = (
            f"the document was filed but not indexed ({exc}); "
            "run `archivist index rebuild` or `archivist check --repair`"
        )
        for doc, _text in items:
            doc.indexed = False
            doc.warnings.append(msg)
    if refresh:
        for client_id in sorted({d.client_id for d, _t in items}):
            try:
                registry.refresh_manifest(ctx, client_id)
            except ArchivistError as exc:
                for doc, _t in items:
                    if doc.client_id == client_id:
                        doc.warnings.append(
                            _("the manifest could not be refreshed: {exc}").format(exc=exc)
                        )


def _warn_flag(doc: Document) -> None:
    if doc.flag:
        doc.warnings.append(
            _("{number} is flagged ({flag}): {flag_reason}").format(
                number=doc.number, flag=doc.flag, flag_reason=doc.flag_reason
            )
        )


def file_bytes(
    ctx: Context,
    client_number: str,
    section: str,
    data: bytes,
    original_name: str,
    *,
    title: str | None = None,
    matter_number: str | None = None,
    source: str = "generated",
    template: str | None = None,
    template_version: str | None = None,
    template_data: dict[str, Any] | None = None,
    version_of: int | None = None,
) -> Document:
    """File `data` as a new document of the client (e.g. a generated contract)."""
    sec = _section(section)
    name = _clean_name(original_name)
    if source not in SOURCES:
        raise InvalidInput(
            _("unknown source {source!r}").format(source=source),
            _("Use one of: {SOURCES}").format(SOURCES=", ".join(SOURCES)),
        )
    ctx.actor  # noqa: B018  (refuse unknown users before doing any work)
    extraction = extract_bytes(data, name, Limits.from_settings(ctx.settings))
    doc = _record(
        ctx,
        client_number=client_number,
        section=sec,
        opener=lambda: io.BytesIO(data),
        original_name=name,
        extraction=extraction,
        title=title,
        matter_number=matter_number,
        source=source,
        template=template,
        template_version=template_version,
        template_data=template_data,
        version_of=version_of,
    )
    _warn_flag(doc)
    _after(ctx, [(doc, extraction.text)])
    return doc


def file_path(
    ctx: Context,
    client_number: str,
    path: Path | str,
    section: str,
    *,
    title: str | None = None,
    matter_number: str | None = None,
    source: str = "filed",
    password: str | None = None,
    extraction: Extraction | None = None,
    index: bool = True,
    refresh: bool = True,
    texts: list[tuple[Document, str]] | None = None,
    again: bool = False,
    name: str | None = None,
) -> Document:
    """File one file from disk (the original is only read). With index=False the (document,
    text) pair is appended to `texts` for the caller to index in a batch. `name`: the original
    file name when the file on disk is a temporary copy (an upload)."""
    sec = _section(section)
    src = Path(path)
    if not src.is_file():
        raise NotFound(_("no file {path!r}").format(path=str(path)[:200]), _("Check the path."))
    name = _clean_name(name or src.name)
    ctx.actor  # noqa: B018
    limits = Limits.from_settings(ctx.settings)
    if src.stat().st_size > ctx.settings.limits.max_file_mb * 2**20:
        raise InvalidInput(
            _("{name} is larger than {max_file_mb} MB").format(
                name=name, max_file_mb=ctx.settings.limits.max_file_mb
            ),
            _("Raise limits.max_file_mb in archivist.toml."),
        )
    if extraction is None:
        extraction = extract_file(src, name, limits, password)
    doc = _record(
        ctx,
        client_number=client_number,
        section=sec,
        opener=lambda: open(src, "rb"),  # noqa: SIM115
        original_name=name,
        extraction=extraction,
        title=title,
        matter_number=matter_number,
        source=source,
        template=None,
        template_version=None,
        template_data=None,
        version_of=None,
        again=again,
    )
    _warn_flag(doc)
    if password and extraction.text and not extraction.flag:
        _keep_text(ctx, doc.id, extraction.text)
    if doc.filetype == "eml":  # its attachments become child documents (issue 24)
        from archivist.filing.attachments import file_attachments

        file_attachments(ctx, doc)
    if index:
        _after(ctx, [(doc, extraction.text)], refresh=refresh)
    elif texts is not None:
        texts.append((doc, extraction.text))
    return doc


@dataclass
class BatchItem:
    """One file for `file_batch`: what `file_path` takes, with its extraction done."""

    client_number: str
    path: Path
    section: str
    extraction: Extraction
    title: str | None = None
    matter_number: str | None = None
    source: str = "imported"
    again: bool = False


def file_batch(ctx: Context, items: Sequence[BatchItem]) -> list[Document | ArchivistError]:
    """File several files in one ledger transaction (`file import`): each file is still all or
    nothing (its rows, audit record and stored file are in a savepoint of their own; a file
    that is refused or fails leaves nothing and the others go on), and the answer says for each
    item its Document or the error that refused it.

    What a transaction per document paid once per document is paid once per batch: the ledger's
    commit (an fsync), the audit witness, and the stored files' fsyncs, which run side by side
    just before the commit (a stored file is durable before the ledger row that names it). The
    duplicate check is made inside the transaction as for one file, so it sees the batch's
    earlier files and other processes' filings alike. If the transaction itself fails, none of
    the batch is filed and its stored files are removed."""
    user = ctx.actor
    limits_mb = ctx.settings.limits.max_file_mb

    def prepare(item: BatchItem) -> tuple[Section, str] | ArchivistError:
        try:
            sec = _section(item.section)
            if not item.path.is_file():
                raise NotFound(
                    _("no file {path!r}").format(path=str(item.path)[:200]), _("Check the path.")
                )
            name = _clean_name(item.path.name)
            if item.path.stat().st_size > limits_mb * 2**20:
                raise InvalidInput(
                    _("{name} is larger than {limits_mb} MB").format(
                        name=name, limits_mb=limits_mb
                    ),
                    _("Raise limits.max_file_mb in archivist.toml."),
                )
        except ArchivistError as exc:
            return exc
        except OSError as exc:
            return InvalidInput(
                _("cannot read {name}: {reason}").format(
                    name=item.path.name, reason=exc.strerror or exc
                )
            )
        return sec, name

    prepared = [prepare(item) for item in items]

    def once() -> list[Document | ArchivistError]:
        from archivist.ledger import witness

        written: list[Path] = []
        out: list[Document | ArchivistError] = []
        lookups = _Lookups()
        try:
            with ctx.ledger.write() as conn:
                for item, ready in zip(items, prepared, strict=True):
                    if isinstance(ready, ArchivistError):
                        out.append(ready)
                        continue
                    sec, name = ready
                    span = conn.info.get(witness.SPAN_KEY)
                    span = list(span) if span is not None else None
                    mine: list[Path] = []
                    savepoint = conn.begin_nested()
                    try:
                        doc = _insert(
                            ctx,
                            conn,
                            user,
                            lookups,
                            mine,
                            sync=False,
                            client_number=item.client_number,
                            section=sec,
                            opener=lambda p=item.path: open(p, "rb"),  # type: ignore[misc]  # noqa: SIM115
                            original_name=name,
                            extraction=item.extraction,
                            title=item.title,
                            matter_number=item.matter_number,
                            source=item.source,
                            template=None,
                            template_version=None,
                            template_data=None,
                            version_of=None,
                            again=item.again,
                        )
                    except ArchivistError as exc:
                        savepoint.rollback()
                        _unlink(mine)
                        # the witness must not name an event the savepoint took back
                        if span is None:
                            conn.info.pop(witness.SPAN_KEY, None)
                        else:
                            conn.info[witness.SPAN_KEY] = span
                        lookups = _Lookups()
                        out.append(exc)
                        continue
                    savepoint.commit()
                    written.extend(mine)
                    out.append(doc)
                ctx.store.sync_files(written)
        except BaseException:
            _unlink(written)
            raise
        return out

    results: list[Document | ArchivistError] = ctx.ledger.retrying(once)
    for result in results:
        if isinstance(result, Document):
            _warn_flag(result)
            if result.filetype == "eml":  # its attachments become child documents (issue 24)
                from archivist.filing.attachments import file_attachments

                try:
                    file_attachments(ctx, result)
                except ArchivistError as exc:
                    result.warnings.append(
                        _("its attachments were not filed: {reason}").format(reason=exc)
                    )
    return results


def file_paths(
    ctx: Context,
    client_number: str,
    paths: Iterable[Path | str],
    section: str,
    *,
    title: str | None = None,
    matter_number: str | None = None,
    password: str | None = None,
    again: bool = False,
) -> list[Document]:
    """`file add`: file each path; all are checked to exist (and, unless `again`, not to be
    filed already) before any is filed."""
    items = [Path(p) for p in paths]
    for p in items:
        if not p.is_file():
            raise NotFound(
                _("no file {p!r}").format(p=str(p)[:200]), _("Check the path; nothing was filed.")
            )
    if not again:
        _refuse_filed(ctx, client_number, items)
    texts: list[tuple[Document, str]] = []
    docs: list[Document] = []
    from archivist.filing.extract.convert import convert_paths

    converted = convert_paths(
        items, Limits.from_settings(ctx.settings), ctx.settings.ocr.convert_timeout_s
    )  # one LibreOffice for all
    try:
        for p in items:
            docs.append(
                file_path(
                    ctx,
                    client_number,
                    p,
                    section,
                    title=title,
                    matter_number=matter_number,
                    password=password,
                    index=False,
                    texts=texts,
                    again=again,
                    extraction=converted.get(p),
                )
            )
    finally:  # what was filed before a failure is indexed and in the manifest all the same
        _after(ctx, texts)
    return docs


def file_uploads(
    ctx: Context,
    client_number: str,
    uploads: Sequence[tuple[Path | str, str]],
    section: str,
    *,
    matter_number: str | None = None,
) -> list[ImportItem]:
    """File uploaded files (each a temporary path and its original name) one by one with the
    checks of `file add`: a file the client already has is refused naming the filed document,
    a file over the size limit is refused, an unreadable or hostile file is filed and flagged.
    One outcome per upload, in order (filed | flagged | skipped | failed); that the actor may
    file for this client and matter is checked once, before anything is filed."""
    sec = _section(section)
    user = ctx.actor
    with ctx.ledger.read() as conn:
        client = registry.get(conn, client_number)
        _check_may_file(ctx, conn, user, client)
        if matter_number:
            from archivist.matters import service as matters_mod

            matter = matters_mod.get(conn, matter_number)
            if matter.client_id != client.id:
                raise InvalidInput(
                    _("matter {matter} belongs to client {owner}, not {client}").format(
                        matter=matter.number, owner=matter.client_number, client=client.number
                    )
                )
    if not uploads:
        raise InvalidInput(_("no file was uploaded"), _("Choose one or more files."))
    texts: list[tuple[Document, str]] = []
    out: list[ImportItem] = []
    try:
        for path, original in uploads:
            item = ImportItem(path=original, outcome="filed", client=client.number)
            try:
                doc = file_path(
                    ctx,
                    client.number,
                    path,
                    sec.value,
                    matter_number=matter_number,
                    index=False,
                    texts=texts,
                    name=original,
                )
            except AlreadyFiled as exc:
                item.outcome, item.document, item.reason = "skipped", exc.document, str(exc)
            except (InvalidInput, Conflict, StorageError) as exc:
                item.outcome, item.reason = "failed", str(exc)
            else:
                item.document = doc.number
                if doc.flag:
                    item.outcome, item.reason = "flagged", doc.flag_reason or doc.flag
            out.append(item)
    finally:  # what was filed is indexed and in the manifest even if a later file broke
        _after(ctx, texts)
    return out


def _refuse_filed(ctx: Context, client_number: str, items: list[Path]) -> None:
    """Refuse (before anything is filed) a file the client already has, or one given twice.
    Only an early answer: the decision that counts is made again inside each filing's
    transaction."""
    from archivist.core.store import sha256_file

    seen: dict[str, Path] = {}
    with ctx.ledger.read() as conn:
        client = registry.get(conn, client_number)
        for p in items:
            try:
                digest = sha256_file(p)
            except OSError:
                continue  # filing reports it
            if digest in seen:
                raise AlreadyFiled(
                    _("{name} is the same file as {name2}; nothing was filed").format(
                        name=p.name, name2=seen[digest].name
                    ),
                    _("Pass --again to file both."),
                )
            seen[digest] = p
            _earlier_copy(conn, client, digest, _clean_name(p.name), False)


def _keep_text(ctx: Context, document_id: int, text: str) -> None:
    with ctx.ledger.write() as conn:
        conn.execute(document_texts.delete().where(document_texts.c.document_id == document_id))
        conn.execute(
            document_texts.insert().values(document_id=document_id, text=text, reason="password")
        )


def kept_text(conn: Connection, document_id: int) -> str | None:
    return conn.execute(
        select(document_texts.c.text).where(document_texts.c.document_id == document_id)
    ).scalar()


# --------------------------------------------------------------------------- reading
def _readable(ctx: Context, conn: Connection, number: str) -> Document:
    doc = get(conn, number)
    scope = access.scope_for(conn, ctx.actor, ctx.settings.deadlines)
    if not scope.may_read_document(doc.client_id, doc.matter_id, doc.id):
        raise access.not_found("document", number)
    return doc


def _require_copy(ctx: Context, conn: Connection, doc: Document) -> None:
    access.require_copy_allowed(
        conn,
        ctx.actor,
        doc.client_id,
        doc.matter_id,
        doc.id,
        doc.number,
        ctx.settings.deadlines.closed_matter_access_days,
    )


def list_documents(
    ctx: Context,
    client_number: str | None = None,
    *,
    section: str | None = None,
    matter_number: str | None = None,
    flagged: bool = False,
) -> list[Document]:
    """The documents of one client (or, with flagged=True, flagged ones of every client the user
    may read). Audited as a read of the archive."""
    user = ctx.actor
    with ctx.ledger.write() as conn:
        scope = access.scope_for(conn, user, ctx.settings.deadlines)
        stmt = _select().where(not_withdrawn()).order_by(documents.c.id)
        client = None
        if client_number:
            client, scope = registry.get_readable(ctx, conn, client_number)
            stmt = stmt.where(documents.c.client_id == client.id)
        elif not flagged:
            raise InvalidInput(_("name a client"), _("Run `archivist file list CLIENT`."))
        if section:
            stmt = stmt.where(documents.c.section == _section(section).value)
        if matter_number:
            from archivist.matters import service as matters_mod

            stmt = stmt.where(documents.c.matter_id == matters_mod.get(conn, matter_number).id)
        if flagged:
            stmt = stmt.where(documents.c.text_status == "flagged")
        out = [
            to_model(r)
            for r in conn.execute(stmt)
            if access.can_read_document(scope, r.client_id, r.matter_id, r.id)
        ]
        audit.record(
            conn,
            user.username,
            "document.list",
            "client",
            client.number if client else "*",
            client.id if client else None,
            section=section,
            matter=matter_number,
            flagged=flagged,
            shown=len(out),
        )
    return out


def show(ctx: Context, number: str) -> Document:
    user = ctx.actor
    with ctx.ledger.write() as conn:
        doc = _readable(ctx, conn, number)
        from archivist.filing.ocr_queue import annotate

        annotate(conn, doc)
        audit.record(conn, user.username, "document.show", "document", doc.number, doc.client_id)
    return doc


def open_content(ctx: Context, number: str, purpose: str = "view") -> tuple[Document, Path]:
    """The stored file of a document the actor may read, for a front end to send (a read:
    audited as `document.<purpose>`). The path comes from the ledger only."""
    user = ctx.actor
    with ctx.ledger.write() as conn:
        doc = _readable(ctx, conn, number)
        if purpose == "download":
            _require_copy(ctx, conn, doc)
        src = ctx.store.resolve(doc.path)
        if not src.is_file():
            raise NotFound(
                _("the stored file of {number} is missing ({path})").format(
                    number=doc.number, path=doc.path
                ),
                _("Run `archivist check` and restore it from a backup."),
            )
        audit.record(
            conn, user.username, f"document.{purpose}", "document", doc.number, doc.client_id
        )
    return doc, src


def export(ctx: Context, number: str, to: Path | str) -> Path:
    """Copy a document out of the archive (a read: needs access, audited). `to` is a folder or a
    new file's path; nothing is overwritten. The copy is verified against the checksum."""
    import hashlib

    user = ctx.actor
    dest = Path(to)
    with ctx.ledger.write() as conn:
        doc = _readable(ctx, conn, number)
        _require_copy(ctx, conn, doc)
        if dest.is_dir():
            dest = dest / safe_filename(doc.original_name)
        from archivist.core.output import refuse_home_data

        refuse_home_data(dest, ctx.home)
        if dest.exists():
            raise Conflict(
                _("{dest} already exists").format(dest=dest),
                _("Choose another --to; nothing was written."),
            )
        src = ctx.store.resolve(doc.path)
        if not src.is_file():
            raise NotFound(
                _("the stored file of {number} is missing ({path})").format(
                    number=doc.number, path=doc.path
                ),
                _("Run `archivist check` and restore it from a backup."),
            )
        digest = hashlib.sha256()
        tmp = dest.with_name(f".{dest.name}.part")
        try:
            with open(src, "rb") as fin, open(tmp, "xb") as fout:
                while chunk := fin.read(1 << 20):
                    digest.update(chunk)
                    fout.write(chunk)
            if digest.hexdigest() != doc.checksum:
                raise Conflict(
                    _("the stored file of {number} does not match its checksum").format(
                        number=doc.number
                    ),
                    _("Run `archivist check`; it was not exported."),
                )
            shutil.copystat(src, tmp)
            tmp.rename(dest)
        except OSError as exc:
            raise InvalidInput(
                _("could not write {dest}: {value}").format(dest=dest, value=exc.strerror or exc)
            ) from None
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        audit.record(
            conn,
            user.username,
            "document.export",
            "document",
            doc.number,
            doc.client_id,
            to=str(dest),
        )
    return dest


def reextract(ctx: Context, number: str, password: str | None = None) -> Document:
    """Extract a filed document's text again (e.g. an encrypted PDF with its password) and
    re-index it. The password is not stored; the text it unlocked is, so rebuilds keep it."""
    user = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("re-extract documents"))
    with ctx.ledger.read() as conn:
        doc = get(conn, number)
    ext = extract_file(
        ctx.store.resolve(doc.path), doc.original_name, Limits.from_settings(ctx.settings), password
    )
    with ctx.ledger.write() as conn:
        conn.execute(
            documents.update()
            .where(documents.c.id == doc.id)
            .values(
                text_status="flagged" if ext.flag else "ok",
                flag=ext.flag,
                flag_reason=ext.reason,
                pages=ext.pages if ext.pages is not None else doc.pages,
                text_chars=len(ext.text),
                encoding=ext.encoding,
            )
        )
        if password and ext.text and not ext.flag:
            conn.execute(document_texts.delete().where(document_texts.c.document_id == doc.id))
            conn.execute(
                document_texts.insert().values(document_id=doc.id, text=ext.text, reason="password")
            )
        audit.record(
            conn,
            user.username,
            "document.extract",
            "document",
            doc.number,
            doc.client_id,
            flag=ext.flag,
            with_password=bool(password),
        )
        doc = by_id(conn, doc.id)
    _warn_flag(doc)
    _after(ctx, [(doc, ext.text)], refresh=False, new=False)
    return doc
