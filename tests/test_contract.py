"""Generating a matter's contract and letters into the archive: ledger values, validation
before anything is written, filing (section, number, checksum, template, data), versions,
batch, PDF, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from archivist.core.errors import Conflict, Forbidden, TemplateError
from archivist.documents import generate as gen
from archivist.documents import pdf as pdfmod
from archivist.matters import service as matters
from tests.test_templates import NASTY, text_of

TERMS = [
    "scope=代理一審訴訟，包括起草訴狀、出庭",
    "stages[]=一審",
    "stages[]=二審",
    "authority=general",
    "fee_type=fixed",
    "fee_amount=50000",
    "payment_method=銀行轉賬",
    "dispute_venue=上海市浦東新區人民法院",
    "client.representative=陳大文",
]


@pytest.fixture
def matter(make_client: Any, make_matter: Any) -> str:
    client = make_client(
        "上海宏遠貿易有限公司",
        kind="company",
        id_number="91310101MA1FP0XXXX",
        address="上海市黃浦區南京東路1號",
        phone="021-6321 0000",
    )
    return make_matter(client, lawyers=["lin"])


def documents_of(ctx: Any, matter_number: str) -> list[Any]:
    from sqlalchemy import select

    from archivist.ledger.tables.documents import documents
    from archivist.ledger.tables.matters import matters as mt

    with ctx.ledger.read() as conn:
        mid = conn.execute(select(mt.c.id).where(mt.c.number == matter_number)).scalar_one()
        return list(
            conn.execute(
                select(documents).where(documents.c.matter_id == mid).order_by(documents.c.id)
            )
        )


def test_generate_fills_ledger_values_and_files_into_the_contract_section(
    ctx: Any, matter: str
) -> None:
    doc = gen.generate(ctx, matter, sets=TERMS)
    path = Path(doc.path)
    assert path.is_file() and path.parent.name == "02 法律服務合同"
    assert doc.number.startswith("C") or doc.number  # the firm's document numbering
    text = text_of(path.read_bytes())
    for piece in (
        "上海宏遠貿易有限公司（法人）",
        "統一社會信用代碼：91310101MA1FP0XXXX",
        "林志明 | 13101200910123456",
        matter,
        "新臺幣50,000.00元",
        "伍萬元整",
        "陳林律師事務所",
        "一審、二審",
        "（民事，案件編號",
        "律師證書字號",
    ):
        assert piece in text, piece
    (row,) = documents_of(ctx, matter)
    assert row.section == "contract" and row.source == "generated"
    assert row.template == "engagement-civil" and len(row.template_version) == 12
    assert row.checksum and row.checksum_algo == "sha256"
    data = json.loads(row.template_data)
    assert data["fee_amount"] == "50000.00" and data["client"]["id_number"] == "91310101MA1FP0XXXX"
    assert doc.warnings == []


def test_generated_text_is_searchable(ctx: Any, matter: str) -> None:
    from archivist import search as index

    doc = gen.generate(ctx, matter, sets=TERMS)
    hits = index.search(ctx, "委任契約").hits
    assert doc.number in [h.document for h in hits]


def test_every_missing_field_is_named_and_nothing_is_filed(
    ctx: Any, make_client: Any, make_matter: Any
) -> None:
    client = make_client("陳大文")  # no id number
    number = make_matter(client, lawyers=["zhao"])  # a lawyer without a licence number
    with pytest.raises(TemplateError) as exc:
        gen.generate(ctx, number, sets=["fee_type=hourly"])
    msg = str(exc.value)
    for name in (
        "client.id_number: missing",
        "lawyers[0].licence_number: missing",
        "scope: missing",
        "hourly_rate: required when fee_type is 'hourly'",
        "dispute_venue: missing",
    ):
        assert name in msg, name
    assert documents_of(ctx, number) == []


def test_values_are_literal_in_the_filed_contract(ctx: Any, matter: str) -> None:
    doc = gen.generate(ctx, matter, sets=[*TERMS, "scope=" + NASTY])
    assert NASTY in text_of(Path(doc.path).read_bytes())


def test_regenerating_files_a_new_version_and_keeps_the_old(ctx: Any, matter: str) -> None:
    first = gen.generate(ctx, matter, sets=TERMS)
    second = gen.generate(ctx, matter, sets=["fee_amount=80000"])  # the rest carried over
    assert second.number != first.number and second.version_of == first.number
    assert Path(first.path).is_file() and Path(second.path).is_file()
    assert "伍萬元整" in text_of(Path(first.path).read_bytes())
    assert "捌萬元整" in text_of(Path(second.path).read_bytes())
    rows = documents_of(ctx, matter)
    assert len(rows) == 2 and rows[1].version_of == rows[0].id
    assert "第2版" in second.title
    with pytest.raises(TemplateError, match="scope: missing"):
        gen.generate(ctx, matter, sets=["fee_amount=1"], fresh=True)


def test_who_may_generate(ctx_as: Any, matter: str) -> None:
    assert gen.generate(ctx_as("lin"), matter, sets=TERMS).number  # the matter's lawyer
    with pytest.raises(Forbidden):
        gen.generate(ctx_as("zhao"), matter, sets=TERMS)  # a lawyer not on the matter
    with pytest.raises(Forbidden):
        gen.generate(ctx_as("wu"), matter, sets=TERMS)  # staff


def test_closure_letter_needs_a_closed_matter(ctx: Any, ctx_as: Any, matter: str) -> None:
    returned = '[{"title": "民事判決書", "form": "原件"}]'
    with pytest.raises(Conflict, match="is 'open'"):
        gen.generate(
            ctx,
            matter,
            "closure-letter",
            require_closed=True,
            sets=[f"documents_returned={returned}"],
        )
    matters.close(ctx, matter, "法院判決被告支付貨款十萬元", True)
    doc = gen.generate(
        ctx, matter, "closure-letter", require_closed=True, sets=[f"documents_returned={returned}"]
    )
    assert Path(doc.path).parent.name == "04 律師工作記錄"
    text = text_of(Path(doc.path).read_bytes())
    assert "法院判決被告支付貨款十萬元" in text and "民事判決書 | 原件" in text
    # the civil volume's default class is long (60 years, issue 22), not a fixed sentence
    assert "結案後60年" in text and "本案無需貴方另行辦理的後續事項" in text
    from archivist.volumes import service as volumes

    volumes.seal(ctx, matter, retention_class="permanent", waive_rest="測試")
    amendment = volumes.request_amendment(ctx, matter, "補結案函")
    volumes.decide_amendment(ctx_as("head2"), amendment.id, True)
    again = gen.generate(
        ctx, matter, "closure-letter", require_closed=True, sets=[f"documents_returned={returned}"]
    )
    assert "保管期限為永久" in text_of(Path(again.path).read_bytes())


def test_acceptance_notice(ctx: Any, matter: str) -> None:
    doc = gen.generate(ctx, matter, "acceptance-notice", sets=["lawyers.0.phone=13800000000"])
    text = text_of(Path(doc.path).read_bytes())
    assert "林志明 | 13101200910123456 | 13800000000" in text
    assert Path(doc.path).parent.name == "04 律師工作記錄"


# ----------------------------------------------------------------------------- CLI
def test_contract_generate_cli(invoke: Any, matter: str, tmp_path: Path) -> None:
    data = tmp_path / "terms.toml"
    data.write_text(
        'scope = "代理一審"\nstages = ["一審"]\nauthority = "special"\n'
        'authority_items = ["代為和解"]\nfee_type = "contingency"\n'
        'contingency_percent = "20"\npayment_method = "銀行轉賬"\n'
        'dispute_venue = "上海仲裁委員會"\ndispute_resolution = "arbitration"\n'
        '[client]\nrepresentative = "陳大文"\n',
        encoding="utf-8",
    )
    out = invoke.json("contract", "generate", matter, "--data", str(data))
    assert out["document"] == out["number"] and Path(out["path"]).is_file()
    text = text_of(Path(out["path"]).read_bytes())
    assert "實際取得金額的20%" in text and "（1）代為和解" in text
    human = invoke("contract", "generate", matter, "--data", str(data)).output
    assert f"new version of {out['document']}" in human
    r = invoke("contract", "generate", matter, "--fresh", code=1)
    assert "scope: missing" in r.output and "Traceback" not in r.output
    assert invoke(
        "contract", "generate", "2026-XX-9999", *[f"--set={s}" for s in TERMS], code=1
    ).output.startswith("Error:")


def test_letter_cli(invoke: Any, ctx: Any, matter: str) -> None:
    r = invoke(
        "letter", "closure", matter, "--set", 'documents_returned=[{"title": "判決書"}]', code=1
    )
    assert "is 'open'" in r.output
    matters.close(ctx, matter, "調解結案", True)
    out = invoke.json(
        "letter",
        "closure",
        matter,
        "--set",
        'documents_returned=[{"title": "判決書"}]',
        "--set",
        "next_steps=十五日內申請執行",
    )
    assert "1. 十五日內申請執行" in text_of(Path(out["path"]).read_bytes())
    out = invoke.json("letter", "acceptance", matter)
    assert out["template"] == "acceptance-notice"


def test_contract_batch_reports_bad_rows_by_line_and_goes_on(
    invoke: Any, ctx: Any, make_client: Any, make_matter: Any, matter: str, tmp_path: Path
) -> None:
    other = make_matter(
        make_client(
            "北京某某科技有限公司",
            kind="company",
            id_number="91110000XXXXXXXX",
            address="北京市海淀區",
            phone="010-1234 5678",
        )
    )
    csv_path = tmp_path / "c.csv"
    stages = json.dumps(["一審", "二審"], ensure_ascii=False).replace('"', '""')
    csv_path.write_text(
        "matter,scope,stages,authority,fee_type,fee_amount,payment_method,dispute_venue,"
        "client.representative\n"
        f'{matter},代理一審,"{stages}",general,fixed,50000,銀行轉賬,浦東法院,陳大文\n'
        "2026-MS-9999,代理一審,一審,general,fixed,50000,銀行轉賬,浦東法院,陳大文\n"
        f"{other},代理一審,一審,general,fixed,,銀行轉賬,浦東法院,陳大文\n"
        f"{other},代理二審,二審,general,hourly,,銀行轉賬,浦東法院,陳大文\n"
        f"{other},代理執行,執行,general,fixed,1000,銀行轉賬,浦東法院,陳大文\n",
        encoding="utf-8",
    )
    r = invoke("contract", "batch", "--csv", str(csv_path), "--json", code=1)
    result = json.loads(r.stdout)
    assert result["generated"] == 2 and result["failed"] == 3
    failed = {row["line"]: row["error"] for row in result["rows"] if not row["ok"]}
    assert set(failed) == {3, 4, 5}
    assert "no matter" in failed[3]
    assert "fee_amount: required when fee_type is 'fixed'" in failed[4]
    assert "hourly_rate" in failed[5]
    assert "line 4" in r.stderr
    assert len(documents_of(ctx, other)) == 1
    ok = [row for row in result["rows"] if row["ok"]]
    assert "一審、二審" in text_of(Path(ok[0]["path"]).read_bytes())
    from archivist import search as index  # the batch indexes once at the end: both are searchable

    found = {h.document for h in index.search(ctx, "委任契約", limit=50).hits}
    assert {row["document"] for row in ok} <= found


def test_batch_csv_problems_are_clear(invoke: Any, tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("scope\nx\n", encoding="utf-8")
    assert "no 'matter' column" in invoke("contract", "batch", "--csv", str(p), code=1).output
    assert invoke("contract", "batch", "--csv", str(tmp_path / "none.csv"), code=1)


def test_pdf_without_libreoffice_still_files_the_docx(
    ctx: Any, matter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdfmod, "soffice", lambda: None)
    doc = gen.generate(ctx, matter, sets=TERMS, pdf=True)
    assert Path(doc.path).is_file() and doc.pdf is None
    assert any("apt-get install" in w for w in doc.warnings)


@pytest.mark.skipif(
    pdfmod.soffice() is None,
    reason="LibreOffice (soffice) is not installed: apt-get install "
    "--no-install-recommends libreoffice-writer-nogui fonts-noto-cjk",
)
def test_pdf_is_filed_beside_the_docx(invoke: Any, matter: str) -> None:
    out = invoke.json("contract", "generate", matter, "--pdf", *[f"--set={s}" for s in TERMS])
    assert out["pdf"] and Path(out["pdf_path"]).read_bytes().startswith(b"%PDF")
    assert Path(out["pdf_path"]).parent == Path(out["path"]).parent
    assert Document(out["path"]).paragraphs
