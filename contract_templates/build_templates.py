"""Build the six shipped Word templates in this folder with python-docx.

    .venv/bin/python contract_templates/build_templates.py [OUT_DIR]

The templates are docxtpl/Jinja templates: `{{ field }}` shows a value, `{%p if ... %}` /
`{%p for ... %}` on a paragraph of their own show or repeat paragraphs, `{%tr for ... %}` repeats
a table row. Every field used here is declared in archivist/documents/schemas.py (a test checks
both ways). The firm's name in each header comes from archivist.toml ([firm] name). Fonts are
named explicitly (East Asian font included) so LibreOffice and Word do not substitute another
CJK font."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

SERIF = "Noto Serif CJK TC"
SANS = "Noto Sans CJK TC"
HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)


# ----------------------------------------------------------------------------- helpers
def _fonts(rpr_owner, font: str, size: float | None = None, bold: bool | None = None) -> None:
    """Name the font for every script (ascii, hAnsi, eastAsia, cs) on a style or a run."""
    f = rpr_owner.font
    f.name = font
    if size is not None:
        f.size = Pt(size)
    if bold is not None:
        f.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-TW")


def new_document(title: str, landscape: bool = False) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    section.header_distance = section.footer_distance = Cm(1.3)

    normal = doc.styles["Normal"]
    _fonts(normal, SERIF, 12)
    pf = normal.paragraph_format
    pf.space_after = Pt(3)
    pf.line_spacing = 1.35
    for name in ("Table Grid",):
        _fonts(doc.styles[name], SERIF, 11)

    props = doc.core_properties
    props.title = title
    props.author = "archivist"
    props.created = props.modified = FIXED_TIME
    props.last_modified_by = "archivist"
    props.revision = 1

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(header, "{{ firm.name }}", font=SANS, size=10.5, bold=True)
    _border_bottom(header)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "{% if firm.address %}地址：{{ firm.address }}　{% endif %}"
                 "{% if firm.phone %}電話：{{ firm.phone }}　{% endif %}"
                 "{% if firm.email %}電郵：{{ firm.email }}{% endif %}", size=9)
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(pages, "第 ", size=9)
    _field(pages, "PAGE", size=9)
    _run(pages, " 頁，共 ", size=9)
    _field(pages, "NUMPAGES", size=9)
    _run(pages, " 頁", size=9)
    return doc


def _run(paragraph, text: str, *, font: str = SERIF, size: float | None = None,
         bold: bool | None = None):
    run = paragraph.add_run(text)
    _fonts(run, font, size, bold)
    return run


def _field(paragraph, code: str, size: float) -> None:
    run = paragraph.add_run()
    _fonts(run, SERIF, size)
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text.strip() == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _border_bottom(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def title(doc: DocumentObject, text: str, subtitle: str | None = None) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.space_after = Pt(12 if subtitle is None else 2)
    _run(p, text, font=SANS, size=20, bold=True)
    if subtitle:
        s = doc.add_paragraph()
        s.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        s.paragraph_format.space_after = Pt(12)
        _run(s, subtitle, size=10.5)


def para(doc: DocumentObject, text: str, *, indent: bool = True, bold: bool = False,
         align: str | None = None, size: float | None = None, space_before: float = 0):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    if space_before:
        p.paragraph_format.space_before = Pt(space_before)
    if align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, text, bold=bold or None, size=size)
    return p


def tag(doc: DocumentObject, text: str) -> None:
    """A paragraph holding only a `{%p ... %}` tag (removed when rendered)."""
    doc.add_paragraph(text)


def heading(doc: DocumentObject, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(9)
    p.paragraph_format.space_after = Pt(3)
    p.paragraph_format.keep_with_next = True
    _run(p, text, font=SANS, size=12.5, bold=True)


def fields_block(doc: DocumentObject, lines: Sequence[str]) -> None:
    for line in lines:
        if line.startswith("{%p"):
            tag(doc, line)
        else:
            para(doc, line, indent=False)


def _cell(cell, text: str, *, bold: bool = False, align: str | None = None,
          size: float = 11) -> None:
    p = cell.paragraphs[0]
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, text, bold=bold or None, size=size, font=SANS if bold else SERIF)


def table(doc: DocumentObject, headers: Sequence[str], row: Sequence[str], *,
          loop: str | None = None, widths: Sequence[float] | None = None,
          footer: Sequence[str] | None = None) -> Table:
    """A bordered table: a header row, then `row` (repeated with `{%tr for loop %}` when
    `loop` is given), then an optional footer row."""
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        _cell(t.rows[0].cells[i], h, bold=True, align="center")
    _repeat_header(t.rows[0])
    if loop:
        _merged_tag_row(t, "{%tr for " + loop + " %}")
    cells = t.add_row().cells
    for i, text in enumerate(row):
        _cell(cells[i], text)
    if loop:
        _merged_tag_row(t, "{%tr endfor %}")
    if footer:
        cells = t.add_row().cells
        for i, text in enumerate(footer):
            _cell(cells[i], text, bold=i == 0)
    if widths:
        for r in t.rows:
            for i, w in enumerate(widths):
                r.cells[i].width = Cm(w)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return t


def _merged_tag_row(t: Table, text: str) -> None:
    cells = t.add_row().cells
    cells[0].paragraphs[0].add_run(text)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def form_table(doc: DocumentObject, rows: Sequence[Sequence[str]],
               widths: Sequence[float]) -> Table:
    """A label/value form: each row is [label, value, label, value] or [label, value]."""
    cols = max(len(r) for r in rows)
    t = doc.add_table(rows=0, cols=cols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r in rows:
        cells = t.add_row().cells
        if len(r) < cols:
            merged = cells[1].merge(cells[cols - 1])
            _cell(cells[0], r[0], bold=True, align="center")
            _cell(merged, r[1])
            continue
        for i, text in enumerate(r):
            _cell(cells[i], text, bold=i % 2 == 0, align="center" if i % 2 == 0 else None)
    for r in t.rows:
        for i, w in enumerate(widths):
            r.cells[i].width = Cm(w)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return t


def signature_table(doc: DocumentObject, left: Sequence[str], right: Sequence[str]) -> None:
    t = doc.add_table(rows=len(left), cols=2)
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        _cell(t.rows[i].cells[0], a, size=12)
        _cell(t.rows[i].cells[1], b, size=12)
        for c in t.rows[i].cells:
            c.paragraphs[0].paragraph_format.space_before = Pt(10)


def sign_off(doc: DocumentObject, lines: Sequence[str]) -> None:
    first = True
    for line in lines:
        para(doc, line, indent=False, align="right", space_before=18 if first else 0)
        first = False


# ----------------------------------------------------------------------------- 法律服務合同
def service_contract() -> DocumentObject:
    doc = new_document("法律服務合同")
    title(doc, "法律服務合同", "合同編號：{{ matter.number }}")
    fields_block(doc, [
        "甲方（委託人）：{{ client.name }}（{{ client.kind }}）",
        "{{ client.id_label }}：{{ client.id_number }}",
        "{%p if client.representative %}",
        "法定代表人／負責人：{{ client.representative }}",
        "{%p endif %}",
        "住所：{{ client.address }}",
        "聯繫電話：{{ client.phone }}",
        "客戶檔案編號：{{ client.number }}",
    ])
    para(doc, "乙方（受託人）：{{ firm.name }}", indent=False, space_before=6)
    fields_block(doc, [
        "住所：{{ firm.address }}",
        "聯繫電話：{{ firm.phone }}　電子郵箱：{{ firm.email }}",
    ])
    para(doc, "甲方因{{ matter.title }}一案，委託乙方提供法律服務。根據有關法律、法規的規定，"
              "甲乙雙方本著平等、自願、公平、誠實信用的原則，經協商一致，訂立本合同，"
              "以資共同遵守。", space_before=6)

    heading(doc, "第一條　委託事項的內容和範圍")
    para(doc, "1. 案件編號：{{ matter.number }}；案由：{{ matter.title }}；"
              "案件類型：{{ matter.type }}。")
    para(doc, "2. 服務內容和範圍：{{ scope }}")
    para(doc, "3. 代理階段：{% for s in stages %}{{ s }}{% if not loop.last %}、{% endif %}"
              "{% endfor %}。上述階段以外的事項（如再審、另案執行等），雙方另行簽訂合同。")

    heading(doc, "第二條　承辦律師")
    para(doc, "1. 乙方指派下列律師承辦本案：")
    table(doc, ["序號", "承辦律師", "律師執業證號"],
          ["{{ loop.index }}", "{{ l.name }}", "{{ l.licence_number }}"],
          loop="l in lawyers", widths=[2.0, 5.0, 8.0])
    para(doc, "2. 未經甲方同意，乙方不得擅自更換承辦律師。因承辦律師離職、患病等客觀原因確需"
              "更換的，乙方應及時通知甲方，並取得甲方書面同意。")
    para(doc, "3. 承辦律師可安排律師助理協助處理輔助性事務，但不得將委託事項轉委託他人辦理。")

    heading(doc, "第三條　授權範圍")
    tag(doc, "{%p if authority == 'general' %}")
    para(doc, "甲方給予承辦律師一般授權：代為起訴、應訴，提交、簽收法律文書，參加調查、"
              "庭審，發表代理意見。承辦律師無權代為承認、放棄、變更訴訟請求，進行和解，"
              "提起反訴或者上訴。")
    tag(doc, "{%p else %}")
    para(doc, "甲方給予承辦律師特別授權，除一般授權事項外，承辦律師有權代為辦理下列事項：")
    tag(doc, "{%p for item in authority_items %}")
    para(doc, "（{{ loop.index }}）{{ item }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    para(doc, "授權範圍以甲方簽署的授權委託書為準。")

    heading(doc, "第四條　甲方的權利和義務")
    for line in (
        "1. 甲方有權了解委託事項的辦理進展，要求承辦律師報告工作情況；",
        "2. 甲方應如實陳述案件事實，及時提供與委託事項有關的證據和材料，並對其真實性負責；",
        "3. 甲方應按本合同約定支付律師費及其他費用；",
        "4. 甲方不得要求乙方或承辦律師提供違反法律、法規或律師執業規範的服務；",
        "5. 甲方的聯繫方式發生變化的，應及時書面通知乙方。",
    ):
        para(doc, line)

    heading(doc, "第五條　乙方的權利和義務")
    for line in (
        "1. 乙方應指派具有執業資格的律師勤勉、盡責地提供法律服務，維護甲方的合法權益；",
        "2. 承辦律師應及時向甲方報告辦理進展，聽取甲方意見，必要時調整工作方案；",
        "3. 乙方應妥善保管甲方提供的材料，委託事項辦結後將原件退還甲方；",
        "4. 甲方要求提供違法服務、隱瞞事實或提供虛假證據的，乙方有權拒絕並解除本合同。",
    ):
        para(doc, line)

    heading(doc, "第六條　律師費及支付方式")
    tag(doc, "{%p if fee_type == 'fixed' %}")
    para(doc, "1. 收費方式：{{ fee_label }}。本案律師費為{{ currency }}{{ fee_amount }}元"
              "（大寫：{{ currency }}{{ fee_amount_capital }}）。")
    tag(doc, "{%p elif fee_type == 'hourly' %}")
    para(doc, "1. 收費方式：{{ fee_label }}。律師費按承辦律師實際工作時間計算，每小時"
              "{{ currency }}{{ hourly_rate }}元（大寫：{{ currency }}{{ hourly_rate_capital }}），"
              "乙方每月向甲方提供工作時間記錄。")
    tag(doc, "{%p if hourly_cap %}")
    para(doc, "計時收費總額以{{ currency }}{{ hourly_cap }}元（大寫：{{ currency }}"
              "{{ hourly_cap_capital }}）為上限，超出部分乙方不再收取。")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p elif fee_type == 'contingency' %}")
    para(doc, "1. 收費方式：{{ fee_label }}。{% if fee_amount %}甲方於本合同簽訂時支付基礎律師費"
              "{{ currency }}{{ fee_amount }}元（大寫：{{ currency }}{{ fee_amount_capital }}）；"
              "{% endif %}甲方實際取得財產利益後，按實際取得金額的{{ contingency_percent }}%"
              "向乙方支付風險代理費。")
    tag(doc, "{%p else %}")
    para(doc, "1. 收費方式：{{ fee_label }}。律師費按代理階段分別支付，明細如下：")
    table(doc, ["代理階段", "律師費（{{ currency }}元）", "付款時間"],
          ["{{ st.stage }}", "{{ st.amount }}", "{{ st.due }}"],
          loop="st in fee_stages", widths=[4.0, 4.5, 6.5],
          footer=["合計", "{{ fee_stages_total }}", "大寫：{{ currency }}{{ fee_stages_total_capital }}"])
    tag(doc, "{%p endif %}")
    para(doc, "2. 付款方式：{{ payment_method }}。乙方收到款項後向甲方開具正式發票。")

    heading(doc, "第七條　由甲方承擔的其他費用")
    para(doc, "律師費不包括下列費用，由甲方另行承擔：{{ costs_by_client }}。上述費用由甲方直接"
              "向有關機關或機構繳納；經甲方同意由乙方代墊的，憑票據結算。")

    heading(doc, "第八條　保密")
    para(doc, "乙方及承辦律師對在提供法律服務過程中知悉的甲方商業秘密和個人隱私負有保密義務；"
              "未經甲方書面同意，不得將甲方的信息用於本合同以外的任何用途。"
              "本條在合同終止後繼續有效。")

    heading(doc, "第九條　合同期限")
    para(doc, "{{ term }}。")

    heading(doc, "第十條　合同的解除及費用退還")
    for line in (
        "1. 經雙方協商一致，可以解除本合同。",
        "2. 甲方無正當理由單方解除合同的，已付律師費不予退還；尚未支付的，按乙方已完成的"
        "工作量結算。",
        "3. 因乙方或承辦律師的過錯致使委託事項無法完成的，甲方有權解除合同，乙方應根據"
        "已完成的工作量退還相應律師費。",
    ):
        para(doc, line)

    heading(doc, "第十一條　違約責任")
    for line in (
        "1. 乙方無正當理由不履行合同義務，或因承辦律師的過錯給甲方造成損失的，"
        "乙方應依法承擔賠償責任。",
        "2. 甲方無正當理由逾期支付律師費的，乙方有權中止提供服務，並要求甲方支付已發生的律師費。",
        "3. 甲方隱瞞事實、提供虛假證據致使委託事項無法完成的，乙方有權解除合同，"
        "已收律師費不予退還。",
    ):
        para(doc, line)

    heading(doc, "第十二條　爭議解決")
    tag(doc, "{%p if dispute_resolution == 'court' %}")
    para(doc, "因本合同發生的爭議，雙方應協商解決；協商不成的，任何一方均可向{{ dispute_venue }}"
              "提起訴訟。")
    tag(doc, "{%p else %}")
    para(doc, "因本合同發生的爭議，雙方應協商解決；協商不成的，提交{{ dispute_venue }}按其"
              "仲裁規則仲裁。仲裁裁決是終局的，對雙方均有約束力。")
    tag(doc, "{%p endif %}")

    heading(doc, "第十三條　其他")
    para(doc, "1. 本合同自雙方簽字或蓋章之日起生效。")
    para(doc, "2. 本合同一式{{ copies|cn }}份，甲乙雙方各執至少一份，每份具有同等法律效力。")
    para(doc, "3. 本合同未盡事宜，雙方可另行簽訂補充協議，補充協議與本合同具有同等法律效力。")
    tag(doc, "{%p if sign_place %}")
    para(doc, "4. 本合同簽訂地點：{{ sign_place }}。")
    tag(doc, "{%p endif %}")
    para(doc, "（以下無正文）", indent=False, align="center", space_before=6)
    signature_table(doc,
                    ["甲方（簽字或蓋章）：", "法定代表人／委託代理人：", "日期：{{ sign_date }}"],
                    ["乙方（蓋章）：{{ firm.name }}", "承辦律師（簽字）：", "日期：{{ sign_date }}"])
    return doc


# ----------------------------------------------------------------------------- 結案函
def _addressee(doc: DocumentObject) -> None:
    para(doc, "致：{{ client.name }}（客戶檔案編號：{{ client.number }}）", indent=False)
    tag(doc, "{%p if client.address %}")
    para(doc, "地址：{{ client.address }}", indent=False)
    tag(doc, "{%p endif %}")


def _lawyer_list() -> str:
    return ("{% for l in lawyers %}{{ l.name }}律師{% if l.licence_number %}"
            "（執業證號：{{ l.licence_number }}）{% endif %}{% if l.phone %}，電話{{ l.phone }}"
            "{% endif %}{% if not loop.last %}、{% endif %}{% endfor %}")


def closure_letter() -> DocumentObject:
    doc = new_document("結案函")
    title(doc, "結案函", "案件編號：{{ matter.number }}")
    _addressee(doc)
    para(doc, "貴方委託本所辦理的{{ matter.title }}（{{ matter.type }}，案件編號"
              "{{ matter.number }}）一案，已於{{ closed_date }}辦結。根據雙方簽訂的法律服務合同，"
              "本所就該案的委託代理工作至此結束，特函告知。", space_before=6)
    heading(doc, "一、辦理結果")
    para(doc, "{{ outcome }}")
    heading(doc, "二、承辦律師")
    para(doc, "本案由" + _lawyer_list() + "承辦。")
    heading(doc, "三、移交文件")
    para(doc, "本所已將下列文件交還貴方，請查收核對：")
    table(doc, ["序號", "文件名稱", "原件／複印件", "份數", "備註"],
          ["{{ loop.index }}", "{{ d.title }}", "{{ d.form }}", "{{ d.copies }}", "{{ d.note }}"],
          loop="d in documents_returned", widths=[1.5, 6.5, 2.8, 1.6, 3.4])
    heading(doc, "四、後續事項及期限")
    tag(doc, "{%p for s in next_steps %}")
    para(doc, "{{ loop.index }}. {{ s }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not next_steps %}")
    para(doc, "本案無需貴方另行辦理的後續事項。")
    tag(doc, "{%p endif %}")
    heading(doc, "五、檔案保管")
    para(doc, "本案的案卷材料由本所客戶服務部歸檔保管，保管期限為{% if retention_years %}"
              "結案後{{ retention_years }}年{% else %}永久{% endif %}。"
              "保管期間如需查閱或複製，請與本所聯繫。")
    heading(doc, "六、意見與投訴")
    para(doc, "如您對本所的服務有任何意見或建議，或對辦理結果有異議，歡迎通過"
              "{{ feedback_contact }}與本所客戶服務部聯繫，我們將認真聽取並及時回覆。"
              "感謝您對本所的信任。")
    sign_off(doc, ["{{ firm.name }}", "{{ letter_date }}"])
    return doc


# ----------------------------------------------------------------------------- 案件受理通知書
def acceptance_notice() -> DocumentObject:
    doc = new_document("案件受理通知書")
    title(doc, "案件受理通知書", "案件編號：{{ matter.number }}")
    _addressee(doc)
    para(doc, "貴方委託本所辦理的{{ matter.title }}（{{ matter.type }}）一案，本所已於"
              "{{ accepted_date }}受理，案件編號為{{ matter.number }}。本所指派下列律師承辦：",
         space_before=6)
    table(doc, ["承辦律師", "律師執業證號", "聯繫電話"],
          ["{{ l.name }}", "{{ l.licence_number }}", "{{ l.phone }}"],
          loop="l in lawyers", widths=[4.0, 6.5, 5.0])
    para(doc, "承辦律師將於{{ contact_deadline }}前與您聯繫，了解案件情況並制定辦案工作方案。"
              "如逾期未獲聯繫，請致電本所客戶服務部（電話：{{ firm.phone }}）。")
    para(doc, "請妥善保存本通知書，與本所聯繫時請提供案件編號。")
    sign_off(doc, ["{{ firm.name }}", "{{ notice_date }}"])
    return doc


# ----------------------------------------------------------------------------- 投訴處理回覆函
def complaint_reply() -> DocumentObject:
    doc = new_document("投訴處理回覆函")
    title(doc, "投訴處理回覆函", "投訴編號：{{ complaint_number }}")
    _addressee(doc)
    para(doc, "本所於{{ received_date }}通過{{ channel }}收到您的投訴。本所高度重視，"
              "經調查核實，現將處理情況回覆如下：", space_before=6)
    heading(doc, "一、投訴內容")
    para(doc, "{{ summary }}")
    heading(doc, "二、調查情況")
    para(doc, "{{ findings }}")
    heading(doc, "三、處理結果")
    para(doc, "{{ resolution }}")
    heading(doc, "四、異議")
    para(doc, "如您對上述處理結果有異議，請於收到本函之日起{{ objection_days }}日內向本所"
              "客戶服務部提出，我們將再次核查並答覆。感謝您對本所工作的監督。")
    para(doc, "處理人：{{ handler }}", indent=False, space_before=12)
    sign_off(doc, ["{{ firm.name }}客戶服務部", "{{ reply_date }}"])
    return doc


# ----------------------------------------------------------------------------- 借閱審批單
def loan_form() -> DocumentObject:
    doc = new_document("借閱審批單")
    title(doc, "客戶檔案借閱審批單", "編號：{{ loan_number }}")
    form_table(doc, [
        ["借閱人", "{{ requester }}", "身份", "{{ requester_role }}"],
        ["客戶檔案編號", "{{ client.number }}", "客戶名稱", "{{ client.name }}"],
        ["相關案件", "{{ matter_number }}", "借閱範圍", "{{ scope }}"],
        ["申請日期", "{{ requested_date }}", "應歸還日期", "{{ due_date }}"],
        ["借閱用途", "{{ purpose }}"],
    ], widths=[3.0, 5.0, 3.0, 5.0])
    heading(doc, "借閱文件")
    table(doc, ["序號", "文件編號", "文件名稱"],
          ["{{ loop.index }}", "{{ it.number }}", "{{ it.title }}"],
          loop="it in items", widths=[1.6, 4.4, 10.0])
    tag(doc, "{%p if not items %}")
    para(doc, "借閱全卷（未指定文件）。")
    tag(doc, "{%p endif %}")
    heading(doc, "保密承諾")
    para(doc, "借閱人承諾：對所借閱檔案的內容嚴格保密，不複製、拍攝、外傳，不用於本職工作以外的"
              "用途；按期完整歸還，不拆散、塗改、增刪檔案材料。")
    para(doc, "借閱人簽字：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿＿＿", indent=False,
         space_before=12)
    heading(doc, "部門負責人審批")
    form_table(doc, [
        ["審批意見", "{{ decision }}"],
        ["審批人", "{{ approver }}", "審批日期", "{{ decided_date }}"],
    ], widths=[3.0, 5.0, 3.0, 5.0])
    return doc


# ----------------------------------------------------------------------------- 卷內目錄
def contents_list() -> DocumentObject:
    doc = new_document("卷內目錄", landscape=True)
    title(doc, "卷內目錄")
    para(doc, "客戶檔案編號：{{ client.number }}　　客戶名稱：{{ client.name }}", indent=False)
    table(doc, ["順序號", "文件編號", "責任者", "分卷", "文件題名", "歸檔日期", "頁號", "備註"],
          ["{{ r.seq }}", "{{ r.number }}", "{{ r.responsible }}", "{{ r.section }}",
           "{{ r.title }}", "{{ r.filed_date }}", "{{ r.pages }}", "{{ r.note }}"],
          loop="r in rows", widths=[1.4, 3.6, 3.0, 3.0, 7.2, 3.2, 1.8, 2.6])
    para(doc, "編製人：{{ compiled_by }}　　編製日期：{{ compiled_date }}", indent=False,
         align="right")
    return doc


BUILDERS: dict[str, Callable[[], DocumentObject]] = {
    "service-contract": service_contract,
    "closure-letter": closure_letter,
    "acceptance-notice": acceptance_notice,
    "complaint-reply": complaint_reply,
    "loan-form": loan_form,
    "contents-list": contents_list,
}


def build(out_dir: Path = HERE) -> list[Path]:
    """The six letters and forms here, then each jurisdiction's paperwork (and the six in
    Taiwanese usage) in tw/ and cn/ (build_paperwork.py)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in BUILDERS.items():
        path = out_dir / f"{name}.docx"
        builder().save(str(path))
        written.append(path)
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import build_paperwork

    build_paperwork.B = sys.modules[__name__]  # the helpers of this very module
    return written + build_paperwork.build(out_dir)


if __name__ == "__main__":
    for p in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
