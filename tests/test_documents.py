"""Library pieces: capital numerals, render_to_bytes / fields for other features, data
files and --set, PDF conversion."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

import archivist.documents as documents
from archivist.core.errors import InvalidInput, TemplateError
from archivist.documents import fieldspec, pdf
from archivist.documents.numerals import capital_amount
from archivist.documents.schemas import ServiceContract
from tests.test_templates import full_data, text_of


# ----------------------------------------------------------------------------- 大寫
@pytest.mark.parametrize(
    "amount,text",
    [
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.5", "伍角整"),
        ("10", "壹拾元整"),
        ("12", "壹拾貳元整"),
        ("1010", "壹仟零壹拾元整"),
        ("1409.50", "壹仟肆佰零玖元伍角整"),
        ("6007.14", "陸仟零柒元壹角肆分"),
        ("107000.53", "壹拾萬柒仟元伍角參分"),
        ("16409.02", "壹萬陸仟肆佰零玖元零貳分"),
        ("325.04", "參佰貳拾伍元零肆分"),
        ("100500.50", "壹拾萬零伍佰元伍角整"),
        ("50000", "伍萬元整"),
        ("10000001", "壹仟萬零壹元整"),
        ("1000000001", "壹拾億零壹元整"),
        ("120000000", "壹億貳仟萬元整"),
    ],
)
def test_capital_amounts(amount: str, text: str) -> None:
    assert capital_amount(Decimal(amount)) == text


DIG = {c: i for i, c in enumerate("零壹貳參肆伍陸柒捌玖")}
UNIT = {"拾": 10, "佰": 100, "仟": 1000}


def parse_capital(text: str) -> Decimal:
    """Read a capital amount back (the inverse, for the property test)."""
    text = text.removesuffix("整")
    yuan_part, _, cents_part = text.partition("元") if "元" in text else ("", "", text)
    total, section, digit = 0, 0, 0
    big = {"萬億": 10**12, "億": 10**8, "萬": 10**4}
    i = 0
    while i < len(yuan_part):
        ch = yuan_part[i]
        if yuan_part.startswith("萬億", i):
            total += (section + digit) * big["萬億"]
            section = digit = 0
            i += 2
            continue
        if ch in DIG:
            digit = DIG[ch]
        elif ch in UNIT:
            section += digit * UNIT[ch]
            digit = 0
        elif ch in big:
            total += (section + digit) * big[ch]
            section = digit = 0
        i += 1
    total += section + digit
    cents = 0
    if "角" in cents_part:
        cents += DIG[cents_part[cents_part.index("角") - 1]] * 10
    if "分" in cents_part:
        cents += DIG[cents_part[cents_part.index("分") - 1]]
    return Decimal(total) + Decimal(cents) / 100


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2))
def test_capital_amount_reads_back_to_the_same_number(amount: Decimal) -> None:
    text = capital_amount(amount)
    assert parse_capital(text) == amount, text
    assert "零零" not in text and not text.startswith("零" if amount >= 1 else "X")


def test_capital_amount_refuses_nonsense() -> None:
    for bad in ("-1", "abc", "1e20"):
        with pytest.raises(ValueError):
            capital_amount(bad)


# ----------------------------------------------------------------------------- library API
def loan_data() -> dict[str, Any]:
    data = full_data("loan-form")
    del data["firm"]
    return data


def test_render_to_bytes_fills_the_firm_and_validates(ctx: Any) -> None:
    docx = documents.render_to_bytes(ctx, "loan-form", loan_data())
    text = text_of(docx)
    assert "陳林律師事務所" in text  # from archivist.toml
    assert "JY2026-0001" in text
    data = loan_data()
    del data["purpose"]
    data["due_date"] = "soon"
    with pytest.raises(TemplateError) as exc:
        documents.render_to_bytes(ctx, "loan-form", data)
    assert "purpose: missing" in str(exc.value) and "due_date" in str(exc.value)


def test_render_to_bytes_defaults_the_date_to_today(ctx: Any) -> None:
    from archivist.core import clock

    clock.set_now("2026-08-08T10:00:00")
    data = full_data("complaint-reply")
    del data["reply_date"]
    assert "2026年8月8日" in text_of(documents.render_to_bytes(ctx, "complaint-reply", data))


def test_contents_list_renders_many_rows(ctx: Any) -> None:
    data = full_data("contents-list")
    data["rows"] = [
        {
            "seq": i,
            "number": f"C0001-{i:04d}",
            "section": "03 案件材料",
            "title": f"文件{i}",
            "filed_date": "2026-03-02",
        }
        for i in range(1, 121)
    ]
    doc = Document(io.BytesIO(documents.render_to_bytes(ctx, "contents-list", data)))
    assert len(doc.tables[0].rows) == 121
    # columns: seq, number, 責任者 (issue 22), section, title, ...
    assert doc.tables[0].rows[120].cells[4].text == "文件120"


def test_fields_lists_names_types_and_sources() -> None:
    fields = {f.name: f for f in documents.fields("complaint-reply")}
    assert fields["complaint_number"].required and fields["complaint_number"].source == "ledger"
    assert fields["reply_date"].type == "date"
    assert fields["objection_days"].default == 15
    with pytest.raises(Exception, match="no template"):
        documents.fields("nope")


def test_stored_data_round_trips_and_display_formats() -> None:
    model = ServiceContract.model_validate(full_data("service-contract"))
    stored = fieldspec.stored_data(model)
    assert stored["fee_amount"] == "50000.00" and stored["sign_date"] == "2026-03-02"
    assert "fee_amount_capital" not in stored
    assert ServiceContract.model_validate(stored) == model
    shown = fieldspec.display_context(model)
    assert shown["fee_amount"] == "50,000.00" and shown["fee_amount_capital"] == "伍萬元整"
    assert shown["sign_date"] == "2026年3月2日"


def test_set_values_with_dotted_keys_lists_and_json() -> None:
    base = {"lawyers": [{"name": "林"}], "client": {"name": "甲"}}
    out = fieldspec.apply_sets(
        base,
        [
            "lawyers.0.phone=123",
            "client.representative=陳大文",
            "stages=一審，二審、執行",  # one item: never split on 「，」「、」
            "authority_items[]=代為承認、放棄、變更訴訟請求",
            "authority_items[]=代為和解",
            'fee_stages=[{"stage": "一審", "amount": "1", "due": "即日"}]',
            "scope=a=b",
        ],
        ServiceContract,
    )
    assert out["lawyers"][0] == {"name": "林", "phone": "123"}
    assert out["client"] == {"name": "甲", "representative": "陳大文"}
    assert out["stages"] == ["一審，二審、執行"]
    assert out["authority_items"] == ["代為承認、放棄、變更訴訟請求", "代為和解"]
    again = fieldspec.apply_sets(out, ["authority_items[]=代為上訴"], ServiceContract)
    assert again["authority_items"] == ["代為上訴"]  # a new command's first key[] starts over
    assert out["fee_stages"][0]["stage"] == "一審"
    assert out["scope"] == "a=b"
    assert base["lawyers"][0] == {"name": "林"}  # not modified
    for bad in ("novalue", "=x", "lawyers.5.phone=1"):
        with pytest.raises(InvalidInput):
            fieldspec.apply_sets(base, [bad], ServiceContract)


def test_data_files_json_and_toml(tmp_path: Path) -> None:
    j = tmp_path / "d.json"
    j.write_text(json.dumps({"scope": "x"}), encoding="utf-8")
    t = tmp_path / "d.toml"
    t.write_text('scope = "y"\nstages = ["一審"]\n', encoding="utf-8")
    assert fieldspec.load_data_file(j) == {"scope": "x"}
    assert fieldspec.load_data_file(t)["stages"] == ["一審"]
    (tmp_path / "bad.json").write_text("[1]", encoding="utf-8")
    for bad in ("bad.json", "missing.json"):
        with pytest.raises(InvalidInput):
            fieldspec.load_data_file(tmp_path / bad)


# ----------------------------------------------------------------------------- PDF
def test_pdf_without_soffice_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("ARCHIVIST_SOFFICE", raising=False)
    assert pdf.soffice() is None
    with pytest.raises(TemplateError, match="apt-get install"):
        pdf.convert(b"x")


@pytest.mark.skipif(
    pdf.soffice() is None,
    reason="LibreOffice (soffice) is not installed: apt-get install "
    "--no-install-recommends libreoffice-writer-nogui fonts-noto-cjk",
)
def test_pdf_conversion_keeps_the_chinese_text(ctx: Any) -> None:
    import pypdf

    docx = documents.render_to_bytes(ctx, "acceptance-notice", full_data("acceptance-notice"))
    data = pdf.convert(docx, "notice", timeout=120)
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "")
    assert "案件受理通知書" in text and "林志明" in text and "陳林律師事務所" in text
    fonts = {
        str(f.get_object()["/BaseFont"])
        for p in reader.pages
        for f in p["/Resources"]["/Font"].values()
    }
    assert any("CJK" in f for f in fonts), fonts
