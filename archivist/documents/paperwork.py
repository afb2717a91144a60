"""The engagement paperwork, one set per jurisdiction profile (`contract_templates/tw/`,
`contract_templates/cn/`): the engagement contract per matter type, the power of attorney, the
risk notice, the lawyer's letter (and Taiwan's 存證信函) and the fee receipt.

Each template's wording is its profile's (委任契約 / 委託代理合同, 資料 / 信息 ...); the fields
are the same in both, so data files move between homes. `contract generate` picks
`engagement-<matter type>` from the matter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import computed_field

from archivist.documents.numerals import capital_amount
from archivist.documents.schemas import (
    FEE_LABELS,
    ClientFull,
    ClientLetter,
    ClientRef,
    Day,
    DocModel,
    FeeStage,
    FeeType,
    FirmInfo,
    LawyerInfo,
    Line,
    MatterInfo,
    Money,
    OptLine,
    Percent,
    Text,
    ledger,
    user,
)

MATTER_TYPES = (
    "civil",
    "criminal",
    "family",
    "administrative",
    "arbitration",
    "non-litigation",
    "retainer",
    "consultation",
)
LITIGATION = ("civil", "criminal", "family", "administrative", "arbitration")


class LawyerName(DocModel):
    name: Line = ledger("律師姓名")


class FirmContract(FirmInfo):
    bank_account: OptLine = ledger("收款帳戶 (archivist firm set --bank-account)", default="")


class FirmReceipt(FirmInfo):
    tax_id: OptLine = ledger("事務所統一編號 / 納稅人識別號 (firm set --tax-id)", default="")


def _capital(value: Decimal | None) -> str:
    return capital_amount(value) if value is not None else ""


class EngagementCore(DocModel):
    """What every engagement contract holds: parties, scope, fees and payment, expenses, no
    guarantee of outcome, conflict disclosure, confidentiality, termination, disputes,
    signatures, date."""

    firm: FirmContract
    client: ClientFull
    matter: MatterInfo
    lawyers: list[LawyerInfo] = ledger("承辦律師 (至少一名，須有證書字號/執業證號)", min_length=1)
    currency: Line = ledger("幣別 (新臺幣 / 人民幣，依 [firm] jurisdiction)")
    conflict_checked: Day = ledger("利益衝突檢索日期 (案件受理日)")
    scope: Text = user("委任事項的內容和範圍")
    fee_type: FeeType = user(
        "收費方式: fixed 固定 / hourly 計時 / contingency 風險代理(後酬) / staged 分階段"
    )
    fee_amount: Money | None = user("律師費總額 (fixed)；風險代理的基礎費用", default=None)
    hourly_rate: Money | None = user("每小時費率 (hourly)", default=None)
    hourly_cap: Money | None = user("計時收費上限 (hourly，可選)", default=None)
    contingency_percent: Percent | None = user("風險代理比例 % (contingency)", default=None)
    claim_amount: Money | None = user("爭議標的額 (風險代理時用於檢查上限)", default=None)
    fee_stages: list[FeeStage] = user("分階段收費明細 (staged)", default_factory=list)
    payment_method: Line = user("付款方式 (如 匯款 / 銀行轉賬)")
    costs_by_client: Text = user(
        "由委任人另行負擔的費用",
        default="裁判費、鑑定費、公告費、保全擔保金、翻譯費、影印費及外地出差之交通住宿費",
    )
    dispute_resolution: Literal["court", "arbitration"] = user(
        "爭議解決 (court 訴訟 / arbitration 仲裁)", default="court"
    )
    dispute_venue: Line = user("管轄法院或仲裁機構名稱")
    copies: int = user("份數", default=2, ge=2, le=10)
    sign_date: Day = user("簽訂日期 (YYYY-MM-DD，預設今日)")
    sign_place: OptLine = user("簽訂地點", default="")

    @computed_field(description="收費方式名稱")  # type: ignore[prop-decorator]
    @property
    def fee_label(self) -> str:
        return FEE_LABELS[self.fee_type]

    @computed_field(description="律師費總額大寫")  # type: ignore[prop-decorator]
    @property
    def fee_amount_capital(self) -> str:
        return _capital(self.fee_amount)

    @computed_field(description="每小時費率大寫")  # type: ignore[prop-decorator]
    @property
    def hourly_rate_capital(self) -> str:
        return _capital(self.hourly_rate)

    @computed_field(description="計時收費上限大寫")  # type: ignore[prop-decorator]
    @property
    def hourly_cap_capital(self) -> str:
        return _capital(self.hourly_cap)

    @computed_field(description="爭議標的額大寫")  # type: ignore[prop-decorator]
    @property
    def claim_amount_capital(self) -> str:
        return _capital(self.claim_amount)

    @computed_field(description="分階段收費合計")  # type: ignore[prop-decorator]
    @property
    def fee_stages_total(self) -> str:
        total = sum((s.amount for s in self.fee_stages), Decimal(0))
        return f"{total:,.2f}" if self.fee_stages else ""

    @computed_field(description="分階段收費合計大寫")  # type: ignore[prop-decorator]
    @property
    def fee_stages_total_capital(self) -> str:
        if not self.fee_stages:
            return ""
        return capital_amount(sum((s.amount for s in self.fee_stages), Decimal(0)))


class LitigationEngagement(EngagementCore):
    """Civil, family, administrative and arbitration matters: stages and authority."""

    stages: list[Line] = user("代理階段 (如 第一審、第二審；一審、二審、執行)", min_length=1)
    authority: Literal["general", "special"] = user("授權 (general 普通 / special 特別)")
    authority_items: list[Line] = user(
        "特別授權事項 (special 時；留空則列法定事項)", default_factory=list
    )


class CriminalEngagement(LitigationEngagement):
    defendant: OptLine = user(
        "被告／犯罪嫌疑人 (委任人為其親屬時填寫；留空即委任人本人)", default=""
    )


class NonLitigationEngagement(EngagementCore):
    deliverables: list[Line] = user("交付成果 (如 盡職調查報告、契約審閱意見)", min_length=1)
    deadline: OptLine = user("完成期限 (如 收到全部資料後十個工作日內)", default="")


class RetainerEngagement(EngagementCore):
    term_start: Day = user("顧問期間起日")
    term_end: Day = user("顧問期間迄日")
    fee_period: Line = user("顧問費計付期間 (如 每年、每季、每月)", default="每年")
    services: list[Line] = user(
        "常年顧問服務項目",
        default_factory=lambda: [
            "就日常經營管理中的法律問題提供口頭或書面諮詢",
            "審閱、修改一般契約及法律文件",
            "應要求出具律師函",
            "列席重要商務談判並提供法律意見",
        ],
    )


class ConsultationEngagement(EngagementCore):
    sessions: Line = user("諮詢方式及時間 (如 面談一次，以一小時為限)")


class PowerOfAttorney(DocModel):
    firm: FirmInfo
    client: ClientFull
    matter: MatterInfo
    lawyers: list[LawyerInfo] = ledger("受任律師", min_length=1)
    addressed_to: Line = user("致 (法院、檢察署、仲裁機構或行政機關名稱)")
    authority: Literal["general", "special"] = user("授權 (general 普通 / special 特別)")
    authority_items: list[Line] = user(
        "特別授權事項 (special 時；留空則列法定事項)", default_factory=list
    )
    sign_date: Day = user("日期 (預設今日)")


class RiskNotice(DocModel):
    firm: FirmInfo
    client: ClientRef
    matter: MatterInfo
    lawyers: list[LawyerName] = ledger("承辦律師", min_length=1)
    specific_risks: list[Line] = user("本案特有的風險 (可為空)", default_factory=list)
    sign_date: Day = user("日期 (預設今日)")


class LawyerLetter(DocModel):
    firm: FirmInfo
    client: ClientRef
    matter: MatterInfo
    lawyers: list[LawyerName] = ledger("發函律師", min_length=1)
    recipient_name: Line = user("收函人")
    recipient_address: Line = user("收函人地址")
    subject: Line = user("事由 (如 催告給付貨款)")
    facts: Text = user("事實及理由")
    demands: list[Line] = user("要求 (至少一項)", min_length=1)
    reply_days: int = user("回覆期限 (日)", default=7, ge=1, le=365)
    letter_date: Day = user("發函日期 (預設今日)")


class CertifiedLetter(DocModel):
    """存證信函 (Taiwan): sender, addressee, optional copy, the body."""

    firm: FirmInfo
    client: ClientLetter
    lawyers: list[LawyerName] = ledger("代理律師", min_length=1)
    recipient_name: Line = user("收件人")
    recipient_address: Line = user("收件人詳細地址")
    cc_name: OptLine = user("副本收件人 (可空)", default="")
    cc_address: OptLine = user("副本收件人地址", default="")
    body: Text = user("信函內容")
    letter_date: Day = user("日期 (預設今日)")


class FeeReceipt(DocModel):
    firm: FirmReceipt
    client: ClientRef
    matter: MatterInfo
    receipt_number: Line = user("收據編號")
    item: Line = user("收費項目", default="律師費")
    amount: Money = user("金額")
    currency: Line = ledger("幣別")
    payment_method: Line = user("付款方式 (匯款、現金、支票 ...)")
    paid_date: Day = user("收款日期 (預設今日)")
    received_by: Line = ledger("經手人 (產生收據的使用者)")

    @computed_field(description="金額大寫")  # type: ignore[prop-decorator]
    @property
    def amount_capital(self) -> str:
        return capital_amount(self.amount)


ENGAGEMENT: dict[str, type[DocModel]] = {
    "civil": LitigationEngagement,
    "criminal": CriminalEngagement,
    "family": LitigationEngagement,
    "administrative": LitigationEngagement,
    "arbitration": LitigationEngagement,
    "non-litigation": NonLitigationEngagement,
    "retainer": RetainerEngagement,
    "consultation": ConsultationEngagement,
}

PAPERWORK: dict[str, type[DocModel]] = {
    **{f"engagement-{t}": ENGAGEMENT[t] for t in MATTER_TYPES},
    "power-of-attorney": PowerOfAttorney,
    "risk-notice": RiskNotice,
    "lawyer-letter": LawyerLetter,
    "certified-letter": CertifiedLetter,
    "fee-receipt": FeeReceipt,
}
ONLY_IN: dict[str, str] = {"certified-letter": "tw"}  # templates one profile alone has


def title(name: str, words: dict[str, str], types: dict[str, str]) -> str:
    """A paperwork template's title in a profile's words: 委任契約（民事）, 授權委託書 ..."""
    if name.startswith("engagement-"):
        kind = name.removeprefix("engagement-")
        if kind == "retainer":
            return "常年法律顧問" + words["contract_short"]
        return f"{words['contract']}（{types[kind]}）"
    key = {
        "power-of-attorney": "poa",
        "risk-notice": "risk_notice",
        "lawyer-letter": "lawyer_letter",
        "certified-letter": "certified_letter",
        "fee-receipt": "fee_receipt",
    }[name]
    return words[key]


# ----------------------------------------------------------------------------- rules
def _type_code(data: dict[str, Any]) -> str:
    from archivist.jurisdictions import PROFILES

    raw = data.get("matter")
    label = str(raw.get("type") or "") if isinstance(raw, dict) else ""
    for profile in PROFILES.values():
        for code, shown in profile.matter_types.items():
            if shown == label:
                return code
    return label


def fee_rules(data: dict[str, Any], settings: Any = None) -> list[str]:
    """The jurisdiction's fee rules (archivist.jurisdictions.fees) on a contract's terms."""
    from archivist.jurisdictions import fees

    code = settings.firm.jurisdiction if settings is not None else "tw"
    return fees.check(fees.rules_for(code, settings), _type_code(data), data)


def representative_rule(data: dict[str, Any], settings: Any = None) -> list[str]:
    """A company or organisation signs through its legal representative: required."""
    client = data.get("client")
    if not isinstance(client, dict):
        return []
    if client.get("kind") not in (None, "", "自然人") and not client.get("representative"):
        return [
            "client.representative: required for a company or organisation "
            "(its legal representative or responsible person)"
        ]
    return []


def retainer_term_rule(data: dict[str, Any], settings: Any = None) -> list[str]:
    start, end = data.get("term_start"), data.get("term_end")
    try:
        if start and end and date.fromisoformat(str(end)) <= date.fromisoformat(str(start)):
            return ["term_end: must be after term_start"]
    except ValueError:
        return []
    return []


_FEE_CONDITIONS = {
    ("fee_type", "fixed"): ["fee_amount"],
    ("fee_type", "hourly"): ["hourly_rate"],
    ("fee_type", "contingency"): ["contingency_percent"],
    ("fee_type", "staged"): ["fee_stages"],
}
CONDITIONAL: dict[type[DocModel], dict[tuple[str, str], list[str]]] = {
    m: dict(_FEE_CONDITIONS) for m in set(ENGAGEMENT.values())
}
RULES: dict[type[DocModel], list[Any]] = {
    m: [fee_rules, representative_rule] for m in set(ENGAGEMENT.values())
}
RULES[RetainerEngagement].append(retainer_term_rule)
RULES[PowerOfAttorney] = [representative_rule]
