"""A volume's paperwork (issue 22): the contents list (卷內目錄, through the shipped
`contents-list` template and the sandboxed renderer), the cover (卷宗封面) and the closing sheet
(備考表), as Word and, where LibreOffice is installed, PDF, filed into the volume. Page counts
come from the documents: a PDF's pages at filing; a Word document's through conversion when
LibreOffice is available, else stated as unknown."""

from __future__ import annotations

import io
from typing import Any

from archivist.core import access
from archivist.core.context import Context
from archivist.core.i18n import _
from archivist.models import SECTION_FOLDERS, Section
from archivist.models.volumes import Volume

PAPERWORK = ("contents-list", "volume-cover", "volume-closing")
CLASS_LABELS = {"permanent": "永久", "long": "長期", "short": "短期"}
FONT = "Noto Serif CJK TC"


def count_pages(pdf: bytes) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # a damaged conversion: the count stays unknown
        return None


def _word_pages(ctx: Context, rows: list[Any], warnings: list[str]) -> dict[int, int | None]:
    """Page counts of the Word documents (through LibreOffice), {document id: pages}."""
    from archivist.documents import pdf

    words = [r for r in rows if r.pages is None and r.filetype == "docx"]
    if not words:
        return {}
    if pdf.soffice() is None:
        warnings.append(
            _("LibreOffice is not installed: Word documents' pages are given as unknown")
        )
        return {}
    try:
        converted = pdf.convert_many(
            [(f"d{r.id}", ctx.store.resolve(r.path).read_bytes()) for r in words]
        )
    except Exception as exc:  # noqa: BLE001  (a conversion failure leaves counts unknown)
        warnings.append(_("Word pages could not be counted: {error}").format(error=exc))
        return {}
    return {r.id: count_pages(converted[f"d{r.id}"]) for r in words if f"d{r.id}" in converted}


def _fonts(run: Any, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None
    rpr = run._r.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)


def _sheet(heading: str, firm: str, rows: list[tuple[str, str]], footer: str) -> bytes:
    """A one-page form: the firm, a heading, a two-column table, a signature line."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc = Document()
    for p, text, size, bold in (
        (doc.add_paragraph(), firm, 14, False),
        (doc.add_paragraph(), heading, 26, True),
    ):
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(p.add_run(text), size, bold)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(4.5), Cm(11.5)
        _fonts(cells[0].paragraphs[0].add_run(label), 12, True)
        for i, line in enumerate(value.split("\n")):
            para = cells[1].paragraphs[0] if i == 0 else cells[1].add_paragraph()
            _fonts(para.add_run(line), 12)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _fonts(p.add_run(footer), 12)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _term(v: Volume) -> str:
    label = CLASS_LABELS.get(v.retention_class, v.retention_class)
    if v.retention_years is None:
        return label
    until = f"，至{v.keep_until.isoformat()}" if v.keep_until else ""
    return f"{label}（{v.retention_years}年{until}）"


def _file_sheet(
    ctx: Context,
    v: Volume,
    template: str,
    title: str,
    data: bytes,
    pdf_too: bool,
    warnings: list[str],
) -> list[str]:
    from sqlalchemy import select

    from archivist.documents import pdf
    from archivist.filing import service as filing
    from archivist.ledger.tables.documents import documents

    filed = []
    for kind, content in (("docx", data), ("pdf", None)):
        if kind == "pdf":
            if not pdf_too:
                break
            try:
                content = pdf.convert(data, template)
            except Exception as exc:  # noqa: BLE001  (the Word copy is filed; say why no PDF)
                warnings.append(_("no PDF of the {title}: {error}").format(title=title, error=exc))
                break
        with ctx.ledger.read() as conn:
            prev = conn.execute(
                select(documents.c.id)
                .where(
                    documents.c.matter_id == v.matter_id,
                    documents.c.template == template,
                    documents.c.filetype == kind,
                )
                .order_by(documents.c.id.desc())
                .limit(1)
            ).scalar()
        assert content is not None
        doc = filing.file_bytes(
            ctx,
            v.client_number,
            Section.CASE.value,
            content,
            f"{title}-{v.matter_number}.{kind}",
            title=f"{title} {v.matter_number}",
            matter_number=v.matter_number,
            source="generated",
            template=template,
            version_of=prev,
        )
        warnings.extend(doc.warnings)
        filed.append(doc.number)
    return filed


def generate(ctx: Context, number: str) -> Volume:
    """Generate and file the volume's contents list, cover and closing sheet; returns the
    volume with `filed` (the new document numbers) and `warnings`."""
    from archivist.documents import generate as gen
    from archivist.documents import pdf
    from archivist.matters import service as matters_mod
    from archivist.volumes import service

    user = access.require_volume_keeper(ctx, _("generate a volume's contents"))
    warnings: list[str] = []
    with ctx.ledger.read() as conn:
        matter = matters_mod.get(conn, number)
        from archivist.volumes.guard import refuse_sealed

        refuse_sealed(conn, matter.id, _("file its contents list"))
        rows = [r for r in service.document_rows(conn, matter.id) if r.template not in PAPERWORK]
    pages = _word_pages(ctx, rows, warnings)
    with ctx.ledger.read() as conn:
        v = service.build(ctx, conn, matter, pages)
    keep = {r.number for r in rows}
    v.documents = [d for d in v.documents if d.number in keep]
    for i, d in enumerate(v.documents, 1):  # renumbered without earlier paperwork
        d.seq = i
    sections = {r.number: SECTION_FOLDERS[Section(r.section)] for r in rows}
    pdf_too = pdf.soffice() is not None
    if not pdf_too:
        warnings.append(_("LibreOffice is not installed: only Word copies were made"))
    filed: list[str] = []
    if v.documents:
        result = gen.generate(
            ctx,
            matter.number,
            "contents-list",
            fresh=True,
            pdf=pdf_too,
            data={
                "rows": [
                    {
                        "seq": d.seq,
                        "number": d.number,
                        "responsible": d.responsible,
                        "section": sections[d.number],
                        "title": d.title,
                        "filed_date": d.date.isoformat(),
                        "pages": f"{d.first_page}-{d.last_page}" if d.first_page else "",
                        "note": d.remarks,
                    }
                    for d in v.documents
                ],
                "compiled_by": user.display_name,
            },
        )
        warnings.extend(result.warnings)
        filed.append(result.number)
        if result.pdf:
            filed.append(result.pdf)
    total = sum(d.pages or 0 for d in v.documents)
    unknown = sum(1 for d in v.documents if d.pages is None)
    pages_text = f"{total}頁" + (f"（另{unknown}件頁數不詳）" if unknown else "")
    where = " / ".join(x for x in (v.room, v.cabinet, v.box) if x) or "（未登記）"
    firm = ctx.settings.firm.name
    with ctx.ledger.read() as conn:
        from archivist.core import users as users_mod

        lawyers = [users_mod.get(conn, u).display_name for u in v.lawyers]
    cover = _sheet(
        "卷宗封面",
        firm,
        [
            ("卷號", v.matter_number),
            ("案由", v.title),
            ("委託人", f"{v.client_name}（{v.client_number}）"),
            ("承辦律師", "、".join(lawyers) or "—"),
            ("收案日期", v.accepted_at.date().isoformat()),
            ("結案日期", v.closed_at.date().isoformat() if v.closed_at else "—"),
            ("保管期限", _term(v)),
            ("存放位置", where),
            ("保管人", v.custodian or "—"),
            ("本卷", f"共{len(v.documents)}件，{pages_text}"),
        ],
        f"立卷：{user.display_name}",
    )
    waived = [f"{c.item}：{c.reason}" for c in v.checklist if c.status == "waived"]
    missing = [c.item for c in v.checklist if c.status == "missing"]
    closing = _sheet(
        "備考表",
        firm,
        [
            ("卷號", v.matter_number),
            (
                "本卷情況說明",
                f"本卷共{len(v.documents)}件，{pages_text}。"
                + ("".join(f"\n免附：{w}" for w in waived))
                + ("".join(f"\n缺：{m}" for m in missing)),
            ),
            ("立卷人", user.display_name),
            ("檢查人", ""),
            ("立卷日期", _today()),
        ],
        "",
    )
    filed += _file_sheet(ctx, v, "volume-cover", "卷宗封面", cover, pdf_too, warnings)
    filed += _file_sheet(ctx, v, "volume-closing", "備考表", closing, pdf_too, warnings)
    v.filed = filed
    v.warnings = warnings
    return v


def _today() -> str:
    from archivist.core import clock

    return clock.today().isoformat()
