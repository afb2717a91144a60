"""Generating a matter's documents from templates and filing them in the client's archive.

Values come from the ledger (firm, client, matter, lawyers), then the user's data file, then
`--set key=value`. Everything is validated before anything is written; the .docx is filed
through `archivist.filing.service.file_bytes` (numbered, checksummed, indexed, audited) with the
template's name and version and the data used. Regenerating files a new version that points at
the previous one (`version_of`); nothing is overwritten."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from archivist.core.context import Context
from archivist.core.errors import ArchivistError, Conflict, Forbidden, InvalidInput
from archivist.documents import TODAY_FIELDS, firm_data
from archivist.documents import fieldspec as fieldmod
from archivist.models import (
    BatchResult,
    BatchRowResult,
    GeneratedDocument,
    Matter,
    Role,
    Section,
)

KIND_LABELS = {
    "person": ("自然人", "身份證號碼"),
    "company": ("法人", "統一社會信用代碼"),
    "organization": ("其他組織", "統一社會信用代碼"),
}
TYPE_LABELS = {
    "criminal": "刑事",
    "civil": "民事",
    "administrative": "行政",
    "arbitration": "仲裁",
    "retainer": "常年法律顧問",
    "non-litigation": "非訴訟",
    "consultation": "法律諮詢",
}
# where each template's documents are filed; templates not listed go to the contract section
SECTIONS = {
    "service-contract": Section.CONTRACT,
    "closure-letter": Section.WORK,
    "acceptance-notice": Section.WORK,
    "complaint-reply": Section.COMPLAINT,
    "contents-list": Section.CASE,  # a volume's 卷內目錄 is filed with its case papers
}


FLUSH_EVERY = 100  # documents filed between index commits in a batch


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values so a missing one is reported as missing, by name."""
    return {k: v for k, v in d.items() if v not in (None, "")}


def ledger_data(ctx: Context, conn: Connection, matter: Matter) -> dict[str, Any]:
    """Everything archivist knows for a matter's documents (more than any one template uses)."""
    from archivist.clients import registry
    from archivist.core import users

    client = registry.by_id(conn, matter.client_id)
    kind, id_label = KIND_LABELS.get(str(client.kind.value), ("", "證件號碼"))
    lawyers = []
    for username in matter.lawyers:
        u = users.get(conn, username)
        lawyers.append(_clean({"name": u.display_name, "licence_number": u.licence_number}))
    firm = firm_data(ctx.settings)
    contact = "、".join(
        x
        for x in (
            f"電話 {firm['phone']}" if firm["phone"] else "",
            f"電郵 {firm['email']}" if firm["email"] else "",
        )
        if x
    )
    data: dict[str, Any] = {
        "firm": firm,
        "client": _clean(
            {
                "number": client.number,
                "name": client.name,
                "address": client.address,
                "kind": kind,
                "id_label": id_label,
                "id_number": client.id_number,
                "phone": client.phone,
            }
        ),
        "matter": {
            "number": matter.number,
            "title": matter.title,
            "type": TYPE_LABELS.get(matter.type.value, matter.type.value),
        },
        "lawyers": lawyers,
        "accepted_date": matter.accepted_at.date().isoformat(),
        "contact_deadline": matter.contact_deadline.isoformat(),
        "retention_years": _retention_years(ctx, conn, matter),
        "feedback_contact": contact or "本所客戶服務部",
    }
    if matter.closed_at is not None:
        data["closed_date"] = matter.closed_at.date().isoformat()
    if matter.outcome:
        data["outcome"] = matter.outcome
    return data


def _retention_years(ctx: Context, conn: Connection, matter: Matter) -> int | None:
    """The term of the matter's volume: its retention class (set at sealing, else the matter
    type's default) in years; None for a permanent volume (issue 22)."""
    from archivist.volumes import service as volumes

    return volumes.build(ctx, conn, matter, light=True).retention_years


def _previous(
    conn: Connection, matter_id: int, template: str, filetype: str
) -> tuple[int | None, str | None, int, dict[str, Any]]:
    """(id, number, how many, data used) of the latest document of this matter from this
    template."""
    from archivist.ledger.tables.documents import documents

    where = (
        documents.c.matter_id == matter_id,
        documents.c.template == template,
        documents.c.filetype == filetype,
    )
    row = conn.execute(
        select(documents.c.id, documents.c.number, documents.c.template_data)
        .where(*where)
        .order_by(documents.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, None, 0, {}
    count = conn.execute(select(func.count()).select_from(documents).where(*where)).scalar_one()
    try:
        used = json.loads(row.template_data) if row.template_data else {}
    except ValueError:
        used = {}
    return row.id, row.number, int(count), used if isinstance(used, dict) else {}


def _check_actor(ctx: Context, matter: Matter) -> None:
    user = ctx.require(Role.ARCHIVIST, Role.HEAD, Role.LAWYER, action="generate documents")
    if not user.has(Role.ARCHIVIST, Role.HEAD) and user.username not in matter.lawyers:
        raise Forbidden(
            f"{user.username} may not generate documents for matter "
            f"{matter.number}: it needs the role 'archivist' or 'head', or to be "
            "one of its lawyers"
        )


def build_data(
    ctx: Context,
    template: Any,
    matter: Matter,
    base: dict[str, Any],
    data: dict[str, Any] | None,
    sets: Iterable[str],
    previous: dict[str, Any] | None = None,
) -> Any:
    """Previous version's values < ledger values < data file < --set, validated: the model
    (or TemplateError). Dates that default to today are not carried over."""
    merged = fieldmod.prune(base, template.schema)
    if previous:
        carried = {
            k: v for k, v in previous.items() if k not in TODAY_FIELDS.get(template.name, ())
        }
        merged = fieldmod.merge(fieldmod.prune(carried, template.schema), merged)
    if data:
        merged = fieldmod.merge(merged, data)
    merged = fieldmod.apply_sets(merged, list(sets), template.schema)
    from archivist.core import clock

    for key in TODAY_FIELDS.get(template.name, ()):
        merged.setdefault(key, clock.today().isoformat())
    return fieldmod.validate(template.name, template.schema, merged)


def _file(ctx: Context, pending: list[Any] | None, *args: Any, **kwargs: Any) -> Any:
    """filing.file_bytes, or (in a batch, `pending` given) the same filing with indexing and
    the manifest refresh left to one `flush()` for many documents: committing the index once
    per contract costs several times the render."""
    from archivist.filing import service as filing

    parts = ("_section", "_clean_name", "_record", "_warn_flag", "_after")
    if pending is None or not all(hasattr(filing, p) for p in parts):
        return filing.file_bytes(ctx, *args, **kwargs)
    from archivist.filing.extract import Limits, extract_bytes

    client_number, section, data, original_name = args
    name = filing._clean_name(original_name)
    extraction = extract_bytes(data, name, Limits.from_settings(ctx.settings))
    doc = filing._record(
        ctx,
        client_number=client_number,
        section=filing._section(section),
        opener=lambda: io.BytesIO(data),
        original_name=name,
        extraction=extraction,
        **kwargs,
    )
    filing._warn_flag(doc)
    pending.append((doc, extraction.text))
    return doc


def flush(ctx: Context, pending: list[Any]) -> None:
    """Index the documents a batch filed and refresh their clients' manifests."""
    from archivist.filing import service as filing

    if pending:
        filing._after(ctx, pending)
        pending.clear()


def generate(
    ctx: Context,
    matter_number: str,
    template_name: str = "service-contract",
    *,
    data: dict[str, Any] | None = None,
    sets: Iterable[str] = (),
    pdf: bool = False,
    require_closed: bool = False,
    pending: list[Any] | None = None,
    fresh: bool = False,
) -> GeneratedDocument:
    """Render `template_name` for a matter and file it; with `pdf`, file a PDF copy too (a
    warning says how to install LibreOffice when it is missing). A new version starts from the
    values of the previous one (unless `fresh`), so `--set fee_amount=...` alone regenerates.
    With `pending` (a batch), indexing waits for `flush(ctx, pending)`."""
    from archivist.documents import catalog
    from archivist.documents.render import render_docx
    from archivist.matters import service as matters

    template = catalog.get(template_name, ctx.home)
    with ctx.ledger.read() as conn:
        matter = matters.get(conn, matter_number)
        _check_actor(ctx, matter)
        if require_closed and matter.status != "closed":
            raise Conflict(
                f"matter {matter.number} is {matter.status!r}",
                f"A closure letter needs a closed matter: `archivist matter close "
                f"{matter.number} --outcome TEXT` first.",
            )
        base = ledger_data(ctx, conn, matter)
        prev_id, prev_number, count, used = _previous(conn, matter.id, template.name, "docx")
        prev_pdf_id = _previous(conn, matter.id, template.name, "pdf")[0]
    model = build_data(ctx, template, matter, base, data, sets, None if fresh else used)
    docx_bytes = render_docx(template.path, fieldmod.display_context(model), template.name)

    section = SECTIONS.get(template.name, Section.CONTRACT)
    title = f"{template.title} {matter.number}" + (f" 第{count + 1}版" if count else "")
    stem = f"{template.title}-{matter.number}" + (f"-v{count + 1}" if count else "")
    stored = fieldmod.stored_data(model)
    doc = _file(
        ctx,
        pending,
        matter.client_number,
        section.value,
        docx_bytes,
        f"{stem}.docx",
        title=title,
        matter_number=matter.number,
        source="generated",
        template=template.name,
        template_version=template.version,
        template_data=stored,
        version_of=prev_id,
    )
    result = GeneratedDocument(
        number=doc.number,
        document=doc.number,
        path=str(ctx.store.resolve(doc.path)),
        relative_path=doc.path,
        client=matter.client_number,
        matter=matter.number,
        template=template.name,
        template_version=template.version,
        title=doc.title,
        version_of=prev_number,
        warnings=list(doc.warnings),
    )
    if pdf:
        _add_pdf(
            ctx, result, docx_bytes, stem, title, section, template, stored, prev_pdf_id, pending
        )
    return result


def _add_pdf(
    ctx: Context,
    result: GeneratedDocument,
    docx_bytes: bytes,
    stem: str,
    title: str,
    section: Section,
    template: Any,
    stored: dict[str, Any],
    prev_pdf_id: int | None,
    pending: list[Any] | None,
) -> None:
    from archivist.documents import pdf as pdfmod

    if pdfmod.soffice() is None:
        result.warnings.append(f"no PDF was made: {pdfmod.INSTALL_HINT}; the .docx was filed")
        return
    try:
        pdf_bytes = pdfmod.convert(docx_bytes, stem)
    except ArchivistError as exc:
        result.warnings.append(f"no PDF was made: {exc}")
        return
    doc = _file(
        ctx,
        pending,
        result.client,
        section.value,
        pdf_bytes,
        f"{stem}.pdf",
        title=f"{title}（PDF）",
        matter_number=result.matter,
        source="generated",
        template=template.name,
        template_version=template.version,
        template_data=stored,
        version_of=prev_pdf_id,
    )
    result.pdf = doc.number
    result.pdf_path = str(ctx.store.resolve(doc.path))
    result.warnings.extend(doc.warnings)


# ----------------------------------------------------------------------------- batch
def read_csv(path: str | Path) -> list[tuple[int, str, list[str]]]:
    """Rows of a batch file: (line number, matter, ["key=value", ...]). The `matter` column is
    required; every other column is a field (dotted names allowed), empty cells are skipped,
    a cell holding a JSON array/object is taken as such, list fields also take `a,b,c`."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"CSV file {p} does not exist") from None
    except OSError as exc:
        raise InvalidInput(f"CSV file {p} cannot be read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"CSV file {p} is not UTF-8", "Save it as 'CSV UTF-8'.") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput(f"CSV file {p} is empty") from None
    if "matter" not in header:
        raise InvalidInput(
            f"CSV file {p} has no 'matter' column",
            "The first line names the columns: matter,fee_type,fee_amount,...",
        )
    rows = []
    for record in reader:
        line = reader.line_num
        if not any(c.strip() for c in record):
            continue
        values = dict(zip(header, record, strict=False))
        matter = values.pop("matter", "").strip()
        sets = [f"{k}={v.strip()}" for k, v in values.items() if k and v.strip()]
        if len(record) > len(header):
            sets.append("\x00extra")
        rows.append((line, matter, sets))
    return rows


def batch(
    ctx: Context,
    rows: list[tuple[int, str, list[str]]],
    template_name: str,
    data: dict[str, Any] | None = None,
    pdf: bool = False,
    tick: Callable[[BatchRowResult], None] | None = None,
) -> BatchResult:
    """Generate one document per row; a bad row is recorded with its line and the others go on."""
    result = BatchResult()
    pending: list[Any] = []
    try:
        for line, matter, sets in rows:
            try:
                if not matter:
                    raise InvalidInput("the 'matter' cell is empty")
                if "\x00extra" in sets:
                    raise InvalidInput("the row has more cells than the header has columns")
                doc = generate(
                    ctx, matter, template_name, data=data, sets=sets, pdf=pdf, pending=pending
                )
                row = BatchRowResult(
                    line=line, matter=matter, ok=True, document=doc.number, path=doc.path
                )
                result.generated += 1
            except ArchivistError as exc:
                row = BatchRowResult(line=line, matter=matter, ok=False, error=str(exc))
                result.failed += 1
            result.rows.append(row)
            if len(pending) >= FLUSH_EVERY:
                flush(ctx, pending)
            if tick is not None:
                tick(row)
    finally:
        flush(ctx, pending)  # also after an interruption: what was filed gets indexed
    return result


def data_from_options(data_file: str | None) -> dict[str, Any] | None:
    return fieldmod.load_data_file(data_file) if data_file else None
