"""Shipped templates: schema ⇄ variables, full renders read back with python-docx, safety
(escaping, strict undefined, sandbox, curly quotes), and the `template` commands."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from archivist.core.errors import TemplateError
from archivist.documents import catalog, fieldspec
from archivist.documents.discover import undeclared, unused
from archivist.documents.render import render_docx, variables
from archivist.documents.schemas import SCHEMAS

ROOT = Path(__file__).resolve().parents[1]
NASTY = 'A&B <測試> "引號" {{x}}'


def firm() -> dict[str, str]:
    return {
        "name": "陳林律師事務所",
        "address": "上海市世紀大道100號",
        "phone": "021-5888 8888",
        "email": "office@chenlin.example",
    }


def full_data(name: str) -> dict[str, Any]:
    """Complete data for each shipped template, every optional field filled too."""
    client = {"number": "C0001", "name": "上海宏遠貿易有限公司", "address": "上海市南京東路1號"}
    matter = {"number": "2026-MS-0001", "title": "買賣合同糾紛", "type": "民事"}
    lawyer = {"name": "林志明", "licence_number": "13101200910123456"}
    if name == "service-contract":
        return {
            "firm": firm(),
            "client": {
                **client,
                "kind": "法人",
                "id_label": "統一社會信用代碼",
                "id_number": "91310101MA1FP0XXXX",
                "phone": "021-6321 0000",
                "representative": "陳大文",
            },
            "matter": matter,
            "lawyers": [lawyer, {"name": "趙小雲", "licence_number": "2"}],
            "scope": "代理一審、二審訴訟",
            "stages": ["一審", "二審"],
            "authority": "special",
            "authority_items": ["代為和解", "代為上訴"],
            "fee_type": "fixed",
            "fee_amount": "50,000",
            "payment_method": "銀行轉賬",
            "dispute_venue": "上海市浦東新區人民法院",
            "sign_date": "2026-03-02",
            "sign_place": "上海",
        }
    if name == "closure-letter":
        return {
            "firm": firm(),
            "client": client,
            "matter": matter,
            "lawyers": [{**lawyer, "phone": "13800000000"}],
            "closed_date": "2026-06-30",
            "outcome": "法院判決被告支付貨款人民幣十萬元。",
            "documents_returned": [
                {"title": "民事判決書", "form": "原件", "copies": 1, "note": "已蓋章"},
                {"title": "證據材料", "form": "複印件", "copies": 3},
            ],
            "next_steps": ["判決生效後十五日內可申請強制執行"],
            "retention_years": 30,
            "feedback_contact": "電話 021-5888 8888",
            "letter_date": "2026-07-01",
        }
    if name == "acceptance-notice":
        return {
            "firm": firm(),
            "client": client,
            "matter": matter,
            "lawyers": [{**lawyer, "phone": "13800000000"}],
            "accepted_date": "2026-03-01",
            "contact_deadline": "2026-03-04",
            "notice_date": "2026-03-01",
        }
    if name == "complaint-reply":
        return {
            "firm": firm(),
            "client": client,
            "complaint_number": "TS2026-0001",
            "received_date": "2026-04-01",
            "channel": "電話",
            "summary": "律師未及時回覆",
            "findings": "承辦律師出差，未安排他人回覆。",
            "resolution": "已向客戶致歉並指定聯繫人。",
            "handler": "王美",
            "objection_days": 10,
            "reply_date": "2026-04-10",
        }
    if name == "loan-form":
        return {
            "firm": firm(),
            "client": {"number": "C0001", "name": "上海宏遠貿易有限公司"},
            "loan_number": "JY2026-0001",
            "requester": "林志明",
            "requester_role": "律師",
            "matter_number": "2026-MS-0001",
            "scope": "指定文件",
            "items": [{"number": "C0001-0003", "title": "民事起訴狀"}],
            "purpose": "準備二審上訴",
            "requested_date": "2026-05-01",
            "due_date": "2026-05-08",
            "decision": "批准",
            "approver": "王美",
            "decided_date": "2026-05-02",
        }
    if name == "contents-list":
        return {
            "firm": firm(),
            "client": {"number": "C0001", "name": "上海宏遠貿易有限公司"},
            "rows": [
                {
                    "seq": 1,
                    "number": "C0001-0001",
                    "responsible": "陳林律師事務所",
                    "section": "02 法律服務合同",
                    "title": "法律服務合同",
                    "filed_date": "2026-03-02",
                    "pages": "4",
                    "note": "",
                },
                {
                    "seq": 2,
                    "number": "C0001-0002",
                    "section": "03 案件材料",
                    "title": "民事起訴狀",
                    "filed_date": "2026-03-05",
                    "pages": "",
                    "note": "副本",
                },
            ],
            "compiled_by": "王美",
            "compiled_date": "2026-07-01",
        }
    raise AssertionError(name)


def render(name: str, data: dict[str, Any]) -> bytes:
    template = catalog.get(name)
    model = fieldspec.validate(name, template.schema, data)
    return render_docx(template.path, fieldspec.display_context(model), name)


def text_of(docx: bytes) -> str:
    """Every paragraph, table cell, header and footer, one per line."""
    doc = Document(io.BytesIO(docx))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    for s in doc.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(parts)


# ----------------------------------------------------------------------------- the six
def test_six_templates_are_shipped_with_ascii_names_and_chinese_titles() -> None:
    names = [t.name for t in catalog.list_templates()][:6]
    assert names == [
        "service-contract",
        "closure-letter",
        "acceptance-notice",
        "complaint-reply",
        "loan-form",
        "contents-list",
    ]
    assert {t.title for t in catalog.list_templates()[:6]} == {
        "法律服務合同",
        "結案函",
        "案件受理通知書",
        "投訴處理回覆函",
        "借閱審批單",
        "卷內目錄",
    }
    for t in catalog.list_templates():
        assert t.path.is_file() and len(t.version) == 12


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_template_variable_is_declared_and_every_field_is_used(name: str) -> None:
    template = catalog.get(name)
    used = variables(template.path, name)
    declared = fieldspec.declared_paths(template.schema)
    assert undeclared(used, declared) == [], "used in the template but not in the schema"
    assert unused(used, declared) == [], "declared in the schema but never shown"
    assert "firm.name" in used  # the header


def test_variable_discovery_reads_headers_and_footers() -> None:
    data = catalog.get("service-contract").path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        body = zf.read("word/document.xml").decode()
    assert "firm.email" not in body.split("<w:body>")[0]  # only in the footer...
    assert "firm.email" in variables(data)  # ...and still found
    from archivist.documents.render import template_sources

    parts = template_sources(data)
    assert any(k.startswith("header") and "firm.name" in v for k, v in parts.items())
    assert any(k.startswith("footer") and "firm.phone" in v for k, v in parts.items())


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_each_template_renders_full_data_readable_by_python_docx(name: str) -> None:
    data = full_data(name)
    text = text_of(render(name, data))
    assert "{{" not in text and "{%" not in text
    assert "陳林律師事務所" in text  # header
    assert "021-5888 8888" in text  # footer
    assert catalog.get(name).title in text.replace("客戶檔案借閱審批單", "借閱審批單")
    expected = {
        "service-contract": [
            "91310101MA1FP0XXXX",
            "林志明 | 13101200910123456",
            "一審、二審",
            "人民幣50,000.00元",
            "伍萬元整",
            "（1）代為和解",
            "上海市浦東新區人民法院",
            "2026年3月2日",
            "一式二份",
            "法定代表人／負責人：陳大文",
        ],
        "closure-letter": [
            "2026年6月30日",
            "法院判決被告支付貨款",
            "民事判決書 | 原件 | 1 | 已蓋章",
            "2 | 證據材料 | 複印件 | 3",
            "1. 判決生效後十五日內",
            "結案後30年",
            "電話 021-5888 8888",
        ],
        "acceptance-notice": [
            "2026-MS-0001",
            "林志明 | 13101200910123456 | 13800000000",
            "2026年3月4日前",
        ],
        "complaint-reply": [
            "TS2026-0001",
            "2026年4月1日通過電話",
            "律師未及時回覆",
            "10日內",
            "處理人：王美",
        ],
        "loan-form": [
            "JY2026-0001",
            "1 | C0001-0003 | 民事起訴狀",
            "準備二審上訴",
            "2026年5月8日",
            "批准",
            "2026年5月2日",
        ],
        "contents-list": [
            "1 | C0001-0001 | 陳林律師事務所 | 02 法律服務合同 | 法律服務合同 | 2026年3月2日 | 4",
            "2 | C0001-0002 |  | 03 案件材料 | 民事起訴狀",
            "編製人：王美",
        ],
    }[name]
    for piece in expected:
        assert piece in text, piece


@pytest.mark.parametrize(
    "fee,expected",
    [
        (
            {"fee_type": "hourly", "hourly_rate": "2000", "hourly_cap": "100000"},
            [
                "每小時人民幣2,000.00元（大寫：人民幣貳仟元整）",
                "人民幣100,000.00元（大寫：人民幣壹拾萬元整）為上限",
            ],
        ),
        ({"fee_type": "hourly", "hourly_rate": "1500.5"}, ["計時收費", "壹仟伍佰元伍角整"]),
        (
            {"fee_type": "contingency", "contingency_percent": "15", "fee_amount": "10000"},
            ["風險代理收費", "基礎律師費人民幣10,000.00元", "實際取得金額的15%"],
        ),
        (
            {
                "fee_type": "staged",
                "fee_stages": [
                    {"stage": "一審", "amount": "30000", "due": "簽約時"},
                    {"stage": "二審", "amount": "20000.5", "due": "上訴時"},
                ],
            },
            ["一審 | 30,000.00 | 簽約時", "合計 | 50,000.50 | 大寫：人民幣伍萬元伍角整"],
        ),
    ],
)
def test_contract_shows_the_wording_of_the_chosen_fee_form(
    fee: dict[str, Any], expected: list[str]
) -> None:
    data = {**full_data("service-contract"), "fee_amount": None, **fee}
    text = text_of(render("service-contract", data))
    for piece in expected:
        assert piece in text, piece
    others = {
        "fixed": "固定收費",
        "hourly": "計時收費",
        "contingency": "風險代理收費",
        "staged": "分階段收費",
    }
    for kind, label in others.items():
        if kind != fee["fee_type"]:
            assert label not in text


def test_contingency_fee_rules() -> None:
    """The outdated 30% cap is gone (tests/test_jurisdictions.py has the profiles' rules);
    a contingency fee in a criminal matter is still refused, citing its source."""
    data = {**full_data("service-contract"), "fee_type": "contingency", "contingency_percent": "35"}
    render("service-contract", data)
    data = {**data, "contingency_percent": "20", "matter": {**data["matter"], "type": "刑事"}}
    with pytest.raises(TemplateError, match="not allowed in criminal matters.*律師倫理規範"):
        render("service-contract", data)


def test_general_authority_and_arbitration_wording() -> None:
    data = {
        **full_data("service-contract"),
        "authority": "general",
        "authority_items": [],
        "dispute_resolution": "arbitration",
        "dispute_venue": "上海仲裁委員會",
    }
    text = text_of(render("service-contract", data))
    assert "一般授權" in text and "特別授權" not in text
    assert "提交上海仲裁委員會按其仲裁規則仲裁" in text and "提起訴訟。" not in text


# ----------------------------------------------------------------------------- safety
def test_values_with_markup_and_jinja_come_out_literally() -> None:
    data = full_data("service-contract")
    data["scope"] = NASTY + "\n第二行 & ' ≥ 🙂"
    data["client"]["name"] = "陳&林<聯合>"
    docx = render("service-contract", data)
    text = text_of(docx)
    assert NASTY in text
    assert "第二行 & ' ≥ 🙂" in text
    assert "陳&林<聯合>" in text
    assert "第十三條" in text  # nothing after the value was lost
    plain = render("service-contract", full_data("service-contract"))
    assert len(Document(io.BytesIO(docx)).paragraphs) == len(Document(io.BytesIO(plain)).paragraphs)
    assert len(Document(io.BytesIO(docx)).tables) == 2  # lawyers, signatures (fixed fee)


def test_missing_fields_are_all_named_at_once_and_nothing_rendered() -> None:
    data = full_data("service-contract")
    del data["scope"]
    del data["client"]["id_number"]
    data["fee_amount"] = None
    data["copies"] = "many"
    with pytest.raises(TemplateError) as exc:
        render("service-contract", data)
    msg = str(exc.value)
    for name in (
        "scope: missing",
        "client.id_number: missing",
        "copies:",
        "fee_amount: required when fee_type is 'fixed'",
    ):
        assert name in msg, name
    assert "template fields service-contract" in msg


def test_invalid_money_and_dates_are_refused_by_name() -> None:
    data = {**full_data("service-contract"), "fee_amount": "-5", "sign_date": "2026-13-01"}
    with pytest.raises(TemplateError) as exc:
        render("service-contract", data)
    assert "fee_amount" in str(exc.value) and "sign_date" in str(exc.value)


def _docx_with(*paragraphs: str, header: str | None = None) -> bytes:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "evil",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ name.__class__ }}",
        "{{ 'x' * 1000000000 }}",
        "{{ 9 ** 9999999 }}",
    ],
)
def test_the_sandbox_blocks_access_to_internals(evil: str) -> None:
    with pytest.raises(TemplateError) as exc:
        render_docx(_docx_with("姓名：{{ name }}", evil), {"name": "x"}, "evil")
    assert "evil" in str(exc.value)


def test_an_undefined_variable_is_an_error_not_blank() -> None:
    with pytest.raises(TemplateError) as exc:
        render_docx(_docx_with("日期：{{ date }}"), {}, "t")
    assert "date" in str(exc.value)


def test_curly_and_full_width_quotes_inside_tags_are_plain_quotes() -> None:
    docx = _docx_with(
        "{% if kind == “fixed” %}固定{% endif %}",
        "{% if kind == ＂fixed＂ %}全角{% endif %}",
        "{{ ‘字面’ }}：{{\u00a0value }}",
        header="{{ value }}",
    )
    text = text_of(render_docx(docx, {"kind": "fixed", "value": "值"}))
    assert "固定" in text and "全角" in text and "字面：值" in text
    assert "{{" not in text


def test_a_tag_split_across_runs_still_renders() -> None:
    doc = Document()
    p = doc.add_paragraph()
    p.add_run("客戶：{{ cli")
    p.add_run("ent.name }}").bold = True
    out = io.BytesIO()
    doc.save(out)
    assert "客戶：陳&林" in text_of(render_docx(out.getvalue(), {"client": {"name": "陳&林"}}))


def test_a_malformed_tag_is_a_clear_error() -> None:
    with pytest.raises(TemplateError) as exc:
        variables(_docx_with("{% if x %}沒有結束"))
    assert "malformed" in str(exc.value)


def test_not_a_docx_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError):
        variables(b"not a zip")


def test_built_templates_match_the_builder(tmp_path: Path) -> None:
    """contract_templates/*.docx are what build_templates.py makes (text and tags)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_templates", ROOT / "contract_templates" / "build_templates.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(tmp_path)
    for name in SCHEMAS:
        fresh = variables(tmp_path / f"{name}.docx")
        assert fresh == variables(ROOT / "contract_templates" / f"{name}.docx"), name
        a = Document(str(tmp_path / f"{name}.docx"))
        b = Document(str(ROOT / "contract_templates" / f"{name}.docx"))
        assert [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs], name


def test_rendered_documents_carry_the_render_time(ctx: Any) -> None:
    from archivist.core import clock

    clock.set_now("2026-09-01T10:00:00")
    doc = Document(io.BytesIO(render("closure-letter", full_data("closure-letter"))))
    assert doc.core_properties.created.year == 2026 and doc.core_properties.created.month == 9
    assert doc.core_properties.title == "結案函"


def test_templates_name_their_east_asian_font() -> None:
    data = catalog.get("service-contract").path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        styles = zf.read("word/styles.xml").decode()
    assert 'w:eastAsia="Noto Serif CJK TC"' in styles


# ----------------------------------------------------------------------------- commands
def test_template_list_and_fields_cli(invoke: Any) -> None:
    rows = invoke.json("template", "list")
    assert [r["name"] for r in rows][:2] == ["service-contract", "closure-letter"]
    assert rows[0]["title"] == "法律服務合同"
    fields = invoke.json("template", "fields", "service-contract")
    by_name = {f["name"]: f for f in fields}
    assert by_name["fee_amount"]["type"] == "money"
    assert by_name["scope"]["required"] is True and by_name["scope"]["source"] == "user"
    assert by_name["client.id_number"]["source"] == "ledger"
    assert by_name["lawyers[].licence_number"]["required"] is True
    assert by_name["fee_amount_capital"]["source"] == "computed"
    human = invoke("template", "fields", "closure-letter").output
    assert "documents_returned[].title" in human
    assert invoke("template", "fields", "nope", ok=False).exit_code == 1


def test_skeleton_is_a_usable_data_file(invoke: Any, tmp_path: Path) -> None:
    out = invoke("template", "fields", "complaint-reply", "--skeleton").output
    skeleton = json.loads(out)
    assert set(skeleton) == {"findings", "resolution", "objection_days", "reply_date"}


def test_template_render_writes_a_docx_without_an_archive(invoke: Any, tmp_path: Path) -> None:
    data = full_data("acceptance-notice")
    del data["firm"]  # comes from the home's archivist.toml
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "notice.docx"
    invoke(
        "template",
        "render",
        "acceptance-notice",
        "--data",
        str(path),
        "--out",
        str(out),
        "--set",
        "matter.title=" + NASTY,
    )
    text = text_of(out.read_bytes())
    assert "陳林律師事務所" in text and NASTY in text
    # nothing overwritten without --force; a missing field writes nothing
    invoke(
        "template", "render", "acceptance-notice", "--data", str(path), "--out", str(out), code=1
    )
    bad = tmp_path / "bad.docx"
    r = invoke("template", "render", "acceptance-notice", "--out", str(bad), code=1)
    assert "matter.number: missing" in r.output and not bad.exists()


def test_template_add_generates_a_schema_and_renders(
    invoke: Any, tmp_path: Path, home_dir: Path
) -> None:
    src = tmp_path / "retainer.docx"
    src.write_bytes(
        _docx_with(
            "{{ firm.name }} 常年法律顧問合同",
            "顧問單位：{{ client.name }}",
            "{% for s in services %}{{ s }}；{% endfor %}",
            "年費：{{ annual_fee }}",
            header="{{ firm.name }}",
        )
    )
    res = invoke.json(
        "template", "add", str(src), "--name", "retainer-contract", "--title", "常年法律顧問合同"
    )
    assert res["number"] == "retainer-contract"
    assert res["variables"] == ["annual_fee", "client.name", "firm.name", "services", "services[]"]
    assert (home_dir / "templates" / "retainer-contract").is_dir()
    fields = {f["name"]: f for f in invoke.json("template", "fields", "retainer-contract")}
    assert fields["services"]["type"] == "list[text]"
    assert fields["client.name"]["source"] == "ledger"
    names = [t["name"] for t in invoke.json("template", "list")]
    assert "retainer-contract" in names
    data = tmp_path / "d.toml"
    data.write_text(
        'annual_fee = "50000"\nservices = ["審查合同", "出具法律意見"]\n'
        '[client]\nname = "宏遠公司"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.docx"
    invoke("template", "render", "retainer-contract", "--data", str(data), "--out", str(out))
    assert "審查合同；出具法律意見；" in text_of(out.read_bytes())
    # same name again: refused unless --replace (old version kept)
    invoke("template", "add", str(src), "--name", "retainer-contract", code=1)
    src.write_bytes(_docx_with("{{ firm.name }} 顧問合同（新版）", "{{ client.name }}"))
    new = invoke.json("template", "add", str(src), "--name", "retainer-contract", "--replace")
    assert new["version"] != res["version"]
    assert len(list((home_dir / "templates" / "retainer-contract").glob("*.docx"))) == 2


def test_template_add_refuses_sandbox_escapes_and_bad_names(
    invoke: Any, tmp_path: Path, home_dir: Path
) -> None:
    evil = tmp_path / "evil.docx"
    evil.write_bytes(_docx_with("{{ ''.__class__.__mro__ }}"))
    r = invoke("template", "add", str(evil), "--name", "evil", code=1)
    assert "sandbox" in r.output
    assert not (home_dir / "templates" / "evil").exists()
    ok = tmp_path / "ok.docx"
    ok.write_bytes(_docx_with("{{ a }}"))
    assert invoke("template", "add", str(ok), "--name", "法律", code=1)
    assert invoke("template", "add", str(ok), "--name", "service-contract", code=1)
    assert invoke("template", "add", str(ok), "--name", "ok-one", user="lin", code=1)


def test_template_add_with_a_schema_checks_it_covers_the_template(
    invoke: Any, tmp_path: Path
) -> None:
    src = tmp_path / "t.docx"
    src.write_bytes(_docx_with("{{ amount }} {{ due }} {{ extra }}"))
    schema = tmp_path / "schema.json"
    schema.write_text(
        json.dumps(
            [
                {"name": "amount", "type": "money", "required": True},
                {"name": "due", "type": "date", "required": True},
            ]
        )
    )
    r = invoke("template", "add", str(src), "--name", "receipt", "--schema", str(schema), code=1)
    assert "extra" in r.output
    schema.write_text(
        json.dumps(
            [
                {"name": "amount", "type": "money", "required": True},
                {"name": "due", "type": "date", "required": True},
                {"name": "extra", "type": "text", "required": False},
            ]
        )
    )
    invoke("template", "add", str(src), "--name", "receipt", "--schema", str(schema))
    fields = {f["name"]: f for f in invoke.json("template", "fields", "receipt")}
    assert fields["amount"]["type"] == "money" and fields["due"]["type"] == "date"
    out = tmp_path / "r.docx"
    invoke(
        "template",
        "render",
        "receipt",
        "--set",
        "amount=1234.5",
        "--set",
        "due=2026-05-01",
        "--out",
        str(out),
    )
    assert "1,234.50 2026年5月1日" in text_of(out.read_bytes())
