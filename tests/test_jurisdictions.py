"""Jurisdiction profiles (tw, cn): identity check digits, labels and wording in the generated
paperwork, fee rules, the firm's contact details, ROC dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archivist.core import config
from archivist.core.context import open_context
from archivist.core.errors import InvalidInput, TemplateError
from archivist.documents import catalog, fieldspec
from archivist.documents import generate as gen
from archivist.documents.discover import undeclared, unused
from archivist.documents.paperwork import PAPERWORK
from archivist.documents.render import variables
from archivist.jurisdictions import PROFILES, fees, ids, roc_date
from tests.test_templates import text_of

# ----------------------------------------------------------------------------- identity numbers
VALID = {
    "A123456789": "tw-id",
    "F131104093": "tw-id",
    "A800000014": "tw-id",  # new-style 居留證統一證號
    "22099131": "tw-ubn",
    "04595257": "tw-ubn",
    "11010519491231002X": "cn-id",
    "440524188001010014": "cn-id",
    "91350100M000100Y43": "cn-uscc",
}
INVALID = [
    "A123456788",
    "B123456789",
    "22099132",
    "11010519491231002Y",
    "110105194913310025",
    "91350100M000100Y44",
]


@pytest.mark.parametrize("number,scheme", VALID.items())
def test_valid_numbers_pass_their_check(number: str, scheme: str) -> None:
    assert ids.valid(number)
    assert ids.check(number, person=scheme.endswith("id")).code == scheme  # type: ignore[union-attr]


@pytest.mark.parametrize("number", INVALID)
def test_a_wrong_check_digit_is_refused(number: str) -> None:
    assert not ids.valid(number)
    with pytest.raises(InvalidInput, match="check digit"):
        ids.check(number)


def test_numbers_of_no_known_shape_are_kept_as_given() -> None:
    assert ids.check("E12345678", person=True) is None  # a passport
    assert ids.check("12345678", person=True) is None  # 8 digits: a UBN only for a company
    assert ids.uscc_check_char("91350100M000100Y4") == "3"


def test_client_add_refuses_a_mistyped_identity_number(invoke: Any) -> None:
    r = invoke(
        "client", "add", "--name", "陳大文", "--kind", "person", "--id-number", "A123456788", code=1
    )
    assert "身分證字號" in r.output and "check digit" in r.output and "Traceback" not in r.output
    assert invoke("client", "list", "--json").output.strip() == "[]"
    invoke("client", "add", "--name", "陳大文", "--kind", "person", "--id-number", "a123456789")


def test_labels_follow_the_number_and_the_profile() -> None:
    tw, cn = PROFILES["tw"], PROFILES["cn"]
    assert tw.id_label("company", "22099131") == "統一編號"
    assert tw.id_label("company", "91350100M000100Y43") == "統一社會信用代碼"
    assert tw.id_label("person", None) == "身分證字號"
    assert cn.id_label("person", None) == "居民身份證號碼"
    assert (tw.currency_word, cn.currency_word) == ("新臺幣", "人民幣")
    assert (tw.licence_label, cn.licence_label) == ("律師證書字號", "執業證號")
    assert (tw.invoice, cn.invoice) == ("統一發票", "發票")


def test_roc_dates() -> None:
    from datetime import date

    assert roc_date(date(2026, 12, 1)) == "民國115年12月1日"
    assert roc_date(date(1912, 1, 1)) == "民國元年1月1日"


# ----------------------------------------------------------------------------- fee rules
def test_taiwan_forbids_contingency_fees_in_criminal_and_family_matters() -> None:
    rules = fees.rules_for("tw")
    data = {"fee_type": "contingency", "contingency_percent": "40"}
    assert fees.check(rules, "civil", data) == []  # no percentage cap in Taiwan
    for kind in ("criminal", "family"):
        (problem,) = fees.check(rules, kind, data)
        assert "律師倫理規範第35條第2項" in problem


def test_mainland_bands_cap_risk_fees() -> None:
    rules = fees.rules_for("cn")
    # 18% of 1,000,000 + 15% of the next 1,000,000 = 330,000
    assert fees.cap(rules.contingency_bands, fees.Decimal(2_000_000)) == 330_000
    ok = {"fee_type": "contingency", "contingency_percent": "16", "claim_amount": "2000000"}
    assert fees.check(rules, "civil", ok) == []
    too_much = {**ok, "contingency_percent": "17"}
    (problem,) = fees.check(rules, "civil", too_much)
    assert "340,000.00" in problem and "330,000.00" in problem and "2021" in problem
    assert any("claim_amount" in p for p in fees.check(rules, "civil", {"fee_type": "contingency"}))
    assert fees.check(rules, "administrative", ok)  # not allowed at all


def test_fee_rules_are_configurable(tmp_path: Path) -> None:
    settings = config.Settings.model_validate(
        {
            "firm": {"name": "x"},
            "fees": {"contingency_forbidden": ["criminal"], "contingency_bands": [[0, 30]]},
        }
    )
    rules = fees.rules_for("tw", settings)
    data = {"fee_type": "contingency", "contingency_percent": "35", "claim_amount": "100"}
    assert fees.check(rules, "family", {**data, "contingency_percent": "30"}) == []
    assert fees.check(rules, "civil", data)  # 35% over the 30% band


# ----------------------------------------------------------------------------- templates
@pytest.mark.parametrize("code", ["tw", "cn"])
@pytest.mark.parametrize("name", list(PAPERWORK))
def test_every_paperwork_variable_is_declared_and_used(code: str, name: str) -> None:
    if name == "certified-letter" and code == "cn":
        with pytest.raises(Exception, match="only for the tw"):
            catalog.get(name, jurisdiction=code)
        return
    template = catalog.get(name, jurisdiction=code)
    assert template.path.parent.name == code
    used = variables(template.path, name)
    declared = fieldspec.declared_paths(template.schema)
    assert undeclared(used, declared) == []
    assert unused(used, declared) == []


def _home(tmp_path: Path, invoke_cls: Any, code: str) -> tuple[Path, Any]:
    from tests.conftest import Invoker

    root = tmp_path / code
    inv = Invoker(root)
    inv(
        "init",
        "--firm",
        "陳林律師事務所",
        "--user",
        "mei",
        "--name",
        "王美",
        "--jurisdiction",
        code,
        "--address",
        "臺北市中正區重慶南路一段1號",
        "--phone",
        "02-2345-6789",
        "--email",
        "office@chenlin.tw",
        "--tax-id",
        "22099131",
        user=None,
    )
    inv("user", "add", "lin", "--name", "林志明", "--role", "lawyer", "--licence", "L-001")
    return root, inv


TERMS = [
    "scope=代理訴訟",
    "stages[]=第一審",
    "authority=special",
    "fee_type=fixed",
    "fee_amount=80000",
    "payment_method=匯款",
    "dispute_venue=臺灣臺北地方法院",
    "client.representative=王大明",
]
EXTRA = {
    "non-litigation": [
        "scope=盡職調查",
        "deliverables[]=盡職調查報告",
        "fee_type=fixed",
        "fee_amount=30000",
        "payment_method=匯款",
        "dispute_venue=法院",
        "client.representative=王大明",
    ],
    "retainer": [
        "scope=常年顧問",
        "term_start=2026-01-01",
        "term_end=2026-12-31",
        "fee_type=fixed",
        "fee_amount=120000",
        "payment_method=匯款",
        "dispute_venue=法院",
        "client.representative=王大明",
    ],
    "consultation": [
        "scope=諮詢",
        "sessions=面談一次",
        "fee_type=fixed",
        "fee_amount=3000",
        "payment_method=匯款",
        "dispute_venue=法院",
        "client.representative=王大明",
    ],
}


@pytest.mark.parametrize("code", ["tw", "cn"])
def test_each_home_produces_every_template_in_its_own_words(tmp_path: Path, code: str) -> None:
    root, inv = _home(tmp_path, None, code)
    number = "91350100M000100Y43" if code == "cn" else "22099131"
    inv(
        "client",
        "add",
        "--name",
        "宏達貿易有限公司",
        "--kind",
        "company",
        "--id-number",
        number,
        "--address",
        "臺北市信義區",
        "--phone",
        "02-1111-2222",
    )
    texts = {}
    for kind in (
        "civil",
        "criminal",
        "family",
        "administrative",
        "arbitration",
        "non-litigation",
        "retainer",
        "consultation",
    ):
        out = inv.json(
            "matter", "open", "H0001", "--type", kind, "--title", "買賣價金糾紛", "--lawyer", "lin"
        )
        m = out["number"]
        doc = inv.json("contract", "generate", m, *[f"--set={s}" for s in EXTRA.get(kind, TERMS)])
        assert doc["template"] == f"engagement-{kind}"
        texts[kind] = text_of(Path(doc["path"]).read_bytes())
    civil = texts["civil"]
    if code == "tw":
        assert "委任契約（民事）" in civil and "統一編號：22099131" in civil
        assert "新臺幣80,000.00元" in civil and "律師證書字號" in civil and "統一發票" in civil
        for word in ("合同", "信息", "聯繫", "轉賬", "人民幣"):
            assert word not in civil, word
    else:
        assert "委託代理合同（民事）" in civil and "統一社會信用代碼：91350100M000100Y43" in civil
        assert "人民幣80,000.00元" in civil and "執業證號" in civil
    assert "常年法律顧問" in texts["retainer"] and "不當然取得訴訟代理權" in texts["retainer"]
    assert "代理階段" not in texts["retainer"] and "授權範圍" not in texts["retainer"]
    assert "辯護人" in texts["criminal"] and "不保證" in texts["consultation"]
    m = "2026-MS-0001"
    for name, sets in {
        "power-of-attorney": [
            "addressed_to=臺灣臺北地方法院",
            "authority=special",
            "client.representative=王大明",
        ],
        "risk-notice": [],
        "lawyer-letter": [
            "recipient_name=某公司",
            "recipient_address=臺中市",
            "subject=催告",
            "facts=欠款未付",
            "demands[]=七日內清償",
        ],
        "fee-receipt": ["receipt_number=R2026-001", "amount=80000", "payment_method=匯款"],
    }.items():
        doc = inv.json("contract", "generate", m, "--template", name, *[f"--set={s}" for s in sets])
        text = text_of(Path(doc["path"]).read_bytes())
        assert text.strip()
        if name == "power-of-attorney":
            assert ("委任狀" if code == "tw" else "授權委託書") in text
            assert ("民事訴訟法第七十條" in text) == (code == "tw")
        if name == "fee-receipt":
            assert "捌萬元整" in text and "經手人：王美" in text
    r = inv(
        "contract",
        "generate",
        m,
        "--template",
        "certified-letter",
        "--set=body=x",
        "--set=recipient_name=a",
        "--set=recipient_address=b",
        code=0 if code == "tw" else 1,
    )
    if code == "cn":
        assert "only for the tw" in r.output


def test_a_contract_criminal_contingency_is_refused_in_taiwan(
    ctx: Any, make_client: Any, make_matter: Any
) -> None:
    client = make_client("陳大文", id_number="A123456789", address="臺北市", phone="0912000000")
    number = make_matter(client, lawyers=["lin"], type="criminal")
    with pytest.raises(TemplateError, match="律師倫理規範"):
        gen.generate(
            ctx,
            number,
            sets=[
                "scope=辯護",
                "stages[]=偵查",
                "authority=general",
                "fee_type=contingency",
                "contingency_percent=10",
                "payment_method=匯款",
                "dispute_venue=法院",
            ],
        )


# ----------------------------------------------------------------------------- contacts, firm
def test_an_empty_contact_field_is_named_and_nothing_is_filed(
    ctx: Any, invoke: Any, make_client: Any, make_matter: Any
) -> None:
    client = make_client("陳大文", id_number="A123456789")  # no phone, no address
    number = make_matter(client, lawyers=["lin"])
    r = invoke("letter", "acceptance", number, code=0)  # the notice shows no client contact
    invoke("firm", "set", "--phone", "")
    r = invoke("letter", "acceptance", number, code=1)
    assert "firm.phone" in r.output and "firm set --phone" in r.output
    r = invoke("contract", "generate", number, *[f"--set={s}" for s in TERMS], code=1)
    assert "client.address" in r.output and f"client edit {client.number} --address" in r.output


def test_firm_set_writes_the_settings_and_audits(invoke: Any, home_dir: Path) -> None:
    invoke(
        "firm", "set", "--fax", "02-2345-0000", "--complaint-phone", "02-2345-6000", "--roc-dates"
    )
    text = (home_dir / "archivist.toml").read_text(encoding="utf-8")
    assert 'fax = "02-2345-0000"' in text and "roc_dates = true" in text
    assert "# contact details printed" in text  # comments kept
    shown = invoke.json("firm", "show")
    assert shown["complaint_phone"] == "02-2345-6000" and shown["jurisdiction"] == "tw"
    assert "firm.set" in invoke("audit", "log").output
    assert "not valid" in invoke("firm", "set", "--email", "nope", code=1).output
    assert invoke("firm", "set", "--phone", "x", user="lin", code=1).output.startswith("Error")


def test_roc_dates_and_the_complaint_line_reach_the_letters(
    ctx: Any, invoke: Any, make_client: Any, make_matter: Any
) -> None:
    invoke("firm", "set", "--roc-dates", "--complaint-phone", "02-2345-6000")
    client = make_client("陳大文", id_number="A123456789", address="臺北市", phone="0912000000")
    number = make_matter(client, lawyers=["lin"])
    doc = invoke.json("letter", "acceptance", number)
    assert "民國" in text_of(Path(doc["path"]).read_bytes())
    c = open_context(ctx.home.root, "mei")
    try:
        from archivist.matters import service as matters

        matters.close(c, number, "和解", True)
        doc = gen.generate(
            c, number, "closure-letter", sets=['documents_returned=[{"title": "和解書"}]']
        )
    finally:
        c.close()
    text = text_of(Path(doc.path).read_bytes())
    assert "電話 02-2345-6000" in text and "通過本所客戶服務部與" not in text


def test_init_jurisdiction_and_contact(tmp_path: Path) -> None:
    from tests.conftest import Invoker

    inv = Invoker(tmp_path / "h")
    inv(
        "init",
        "--firm",
        "測試所",
        "--user",
        "mei",
        "--name",
        "王美",
        "--jurisdiction",
        "cn",
        "--phone",
        "010-1234",
        user=None,
    )
    settings = config.load(tmp_path / "h" / "archivist.toml")
    assert settings.firm.jurisdiction == "cn" and settings.firm.phone == "010-1234"
    assert settings.firm.timezone == "Asia/Shanghai"
    r = inv(
        "init",
        "--home",
        str(tmp_path / "x"),
        "--firm",
        "a",
        "--user",
        "mei",
        "--name",
        "b",
        "--jurisdiction",
        "hk",
        user=None,
        code=2,
    )
    assert "hk" in r.output


def test_built_paperwork_matches_the_builder(tmp_path: Path) -> None:
    import importlib.util

    from docx import Document

    root = Path(__file__).resolve().parents[1] / "contract_templates"
    spec = importlib.util.spec_from_file_location("build_templates", root / "build_templates.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.build(tmp_path):
        rel = path.relative_to(tmp_path)
        a, b = Document(str(path)), Document(str(root / rel))
        assert [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs], rel


def test_an_acceptance_notice_past_its_contact_date_is_refused_or_warned(
    ctx: Any, invoke: Any, make_client: Any, make_matter: Any, home_dir: Path
) -> None:
    from archivist.core import clock

    client = make_client("陳大文", id_number="A123456789")
    number = make_matter(client, lawyers=["lin"])
    from datetime import timedelta

    from archivist.matters import service as matters

    with ctx.ledger.read() as conn:
        deadline = matters.get(conn, number).contact_deadline
    clock.set_now(f"{deadline.isoformat()}T23:00:00")
    invoke("letter", "acceptance", number)  # on the day itself: fine
    clock.set_now(f"{(deadline + timedelta(days=1)).isoformat()}T09:00:00")
    r = invoke("letter", "acceptance", number, code=1)
    assert "has passed" in r.output and "late_acceptance_notice" in r.output
    config_path = home_dir / "archivist.toml"
    config_path.write_text(
        config_path.read_text(encoding="utf-8").replace(
            'late_acceptance_notice = "refuse"', 'late_acceptance_notice = "warn"'
        ),
        encoding="utf-8",
    )
    r = invoke("letter", "acceptance", number)
    assert "has passed" in r.output


def test_engagement_signed_and_returned(
    ctx: Any, invoke: Any, make_client: Any, make_matter: Any, tmp_path: Path
) -> None:
    client = make_client("陳大文", id_number="A123456789", address="臺北市", phone="0912000000")
    number = make_matter(client, lawyers=["lin"])
    assert [m["number"] for m in invoke.json("matter", "list", "--unsigned")] == [number]
    r = invoke("matter", "progress", number, "--note", "閱卷")
    assert "no signed engagement contract" in r.output
    draft = gen.generate(ctx, number, sets=TERMS[:-1] + ["scope=代理"])
    scan = tmp_path / "signed.txt"
    scan.write_text("委任契約（已簽名）", encoding="utf-8")
    filed = invoke.json(
        "file", "add", client.number, str(scan), "--section", "contract", "--matter", number
    )
    doc = filed[0]["number"] if isinstance(filed, list) else filed["number"]
    r = invoke("matter", "signed", number, "--date", "2099-01-01", "--document", doc, code=1)
    assert "future" in r.output
    out = invoke.json("matter", "signed", number, "--date", "2026-12-01", "--document", doc)
    assert out["engagement_document"] == doc and out["engagement_signed_on"] == "2026-12-01"
    assert invoke.json("matter", "list", "--unsigned") == []
    assert "no signed engagement" not in invoke("matter", "progress", number, "--note", "x").output
    log = invoke("audit", "log", "--json").output
    assert "matter.engagement_signed" in log and draft.number in log


def test_closing_with_unpaid_fees_warns_and_records_it(
    ctx: Any, invoke: Any, make_client: Any, make_matter: Any
) -> None:
    client = make_client("陳大文", id_number="A123456789")
    number = make_matter(client, lawyers=["lin"])
    invoke("matter", "schedule", number, "--instalment", "2026-01-10:50000")
    r = invoke("matter", "close", number, "--outcome", "和解", "--satisfied")
    assert "50,000.00 of fees unpaid" in r.output
    assert '"unpaid_balance": "50000.00"' in invoke("audit", "log", "--json").output
    other = make_matter(client, lawyers=["lin"])
    assert "unpaid" not in invoke("matter", "close", other, "--outcome", "x", "--satisfied").output


def test_working_day_deadlines_skip_weekends_and_holidays(
    ctx: Any, invoke: Any, home_dir: Path, make_client: Any
) -> None:
    from datetime import date

    from archivist.core import clock
    from archivist.jurisdictions.workdays import add_working_days

    # Friday 2026-10-09; Saturday 10 October is 國慶日 (observed Friday 9th in TW's calendar or
    # not): whatever the package says, weekends are skipped and the result is a weekday
    out = add_working_days(date(2026, 2, 13), 3, "TW", set())  # into 春節 2026 (Feb 14-22)
    assert out >= date(2026, 2, 24) and out.weekday() < 5
    assert add_working_days(date(2026, 3, 6), 1, "TW", {date(2026, 3, 9)}) == date(2026, 3, 10)
    config_path = home_dir / "archivist.toml"
    config_path.write_text(
        config_path.read_text(encoding="utf-8").replace(
            "working_days = []", 'working_days = ["contact"]'
        ),
        encoding="utf-8",
    )
    clock.set_now("2026-02-13T10:00:00")  # a Friday before the Lunar New Year holidays
    client = make_client("陳大文", id_number="A123456789")
    out = invoke.json(
        "matter", "open", client.number, "--type", "civil", "--title", "x", "--lawyer", "lin"
    )
    assert out["contact_deadline"] >= "2026-02-24"  # 3 working days, not 2026-02-16


def test_payment_times_in_the_roc_calendar_are_read() -> None:
    from datetime import date

    from archivist.matters.duties.payments import due_from_text

    assert due_from_text("民國115年9月1日前", date(2026, 3, 1)) == date(2026, 9, 1)
    assert due_from_text("收到判決書之日起十日內", date(2026, 3, 1)) is None
