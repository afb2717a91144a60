"""One pydantic model per shipped template: the fields it needs, their types and formats.

Values reach a template through `display_context(model)`: money as `50,000.00` (with the
capital form in a `*_capital` field), dates as `2026年3月1日`, None as an empty string. The
data recorded with a generated document is `model.model_dump(mode="json")` (plain values).

Fields marked `source="ledger"` are filled from the firm's settings, the client, the matter and
its lawyers; the user supplies the rest (`--data FILE`, `--set key=value`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    computed_field,
)

from archivist.documents.numerals import capital_amount


def _display(info: SerializationInfo) -> bool:
    return bool(info.context and info.context.get("display"))


def _clean_number(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(",", "").replace("，", "").replace(" ", "").strip()
    return value


def _ser_money(value: Decimal, info: SerializationInfo) -> str:
    return f"{value:,.2f}" if _display(info) else f"{value:.2f}"


def _ser_decimal(value: Decimal, info: SerializationInfo) -> str:
    text = format(value.normalize(), "f")
    return text


def _ser_date(value: date, info: SerializationInfo) -> str:
    if _display(info):
        if (info.context or {}).get("roc"):
            from archivist.jurisdictions import roc_date

            return roc_date(value)
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


Money = Annotated[
    Decimal,
    BeforeValidator(_clean_number),
    Field(ge=0, lt=Decimal("1e13"), max_digits=15, decimal_places=2),
    PlainSerializer(_ser_money, return_type=str),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(lambda v: _clean_number(v).rstrip("%") if isinstance(v, str) else v),
    Field(gt=0, le=100, max_digits=5, decimal_places=2),
    PlainSerializer(_ser_decimal, return_type=str),
]
Day = Annotated[date, PlainSerializer(_ser_date, return_type=str)]
Text = Annotated[str, Field(min_length=1, max_length=5000)]
Line = Annotated[str, Field(min_length=1, max_length=500)]
OptLine = Annotated[str, Field(max_length=500)]


def ledger(description: str, **kw: Any) -> Any:
    """A field filled from the ledger or the settings."""
    return Field(description=description, json_schema_extra={"source": "ledger"}, **kw)


def user(description: str, **kw: Any) -> Any:
    return Field(description=description, json_schema_extra={"source": "user"}, **kw)


class DocModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ----------------------------------------------------------------------------- shared parts
class FirmInfo(DocModel):
    name: Line = ledger("律師事務所名稱 (archivist.toml [firm] name)")
    address: OptLine = ledger("事務所地址", default="")
    phone: OptLine = ledger("事務所電話", default="")
    email: OptLine = ledger("事務所電郵", default="")


class ClientRef(DocModel):
    number: Line = ledger("客戶檔案編號")
    name: Line = ledger("客戶名稱")


class ClientLetter(ClientRef):
    address: OptLine = ledger("客戶地址", default="")


class ClientFull(ClientLetter):
    kind: Line = ledger("客戶類別 (自然人 / 法人 / 其他組織)")
    id_label: Line = ledger("證件名稱 (身份證號碼 / 統一社會信用代碼)")
    id_number: Line = ledger("證件號碼或統一社會信用代碼 (合同必填)")
    phone: OptLine = ledger("客戶電話", default="")
    representative: OptLine = user("法定代表人或負責人 (法人、其他組織)", default="")


class LawyerInfo(DocModel):
    """A lawyer on a contract: the licence number is required."""

    name: Line = ledger("承辦律師姓名")
    licence_number: Line = ledger("律師執業證號")


class LetterLawyer(DocModel):
    """A lawyer named in a letter: licence number and phone shown when known."""

    name: Line = ledger("承辦律師姓名")
    licence_number: OptLine = ledger("律師執業證號", default="")
    phone: OptLine = user("律師聯繫電話", default="")


class MatterInfo(DocModel):
    number: Line = ledger("案件編號")
    title: Line = ledger("案由 / 案件名稱")
    type: Line = ledger("案件類型 (民事、刑事、行政 ...)")


# ----------------------------------------------------------------------------- 法律服務合同
FeeType = Literal["fixed", "hourly", "contingency", "staged"]
FEE_LABELS = {
    "fixed": "固定收費",
    "hourly": "計時收費",
    "contingency": "風險代理收費",
    "staged": "分階段收費",
}


class FeeStage(DocModel):
    stage: Line = user("階段 (如 一審、二審、執行)")
    amount: Money = user("該階段律師費")
    due: Line = user("付款時間 (如 本合同簽訂之日起七日內)")


class ServiceContract(DocModel):
    """法律服務合同 (policy 客戶服務流程 二: rights and obligations, scope, fees and payment,
    term, liability for breach)."""

    firm: FirmInfo
    client: ClientFull
    matter: MatterInfo
    lawyers: list[LawyerInfo] = ledger("承辦律師 (至少一名，須有執業證號)", min_length=1)
    scope: Text = user("委託事項的內容和範圍")
    stages: list[Line] = user("代理階段 (如 一審、二審、執行)", min_length=1)
    authority: Literal["general", "special"] = user("授權 (general 一般授權 / special 特別授權)")
    authority_items: list[Line] = user(
        "特別授權事項 (authority=special 時必填)", default_factory=list
    )
    fee_type: FeeType = user(
        "收費方式: fixed 固定 / hourly 計時 / contingency 風險代理 / staged 分階段"
    )
    fee_amount: Money | None = user(
        "律師費總額 (fixed)；風險代理的基礎費用 (contingency)", default=None
    )
    hourly_rate: Money | None = user("每小時費率 (hourly)", default=None)
    hourly_cap: Money | None = user("計時收費上限 (hourly，可選)", default=None)
    contingency_percent: Percent | None = user("風險代理比例 % (contingency)", default=None)
    fee_stages: list[FeeStage] = user("分階段收費明細 (staged)", default_factory=list)
    currency: Line = user("幣種", default="人民幣")
    payment_method: Line = user("付款方式 (如 銀行轉賬至本所賬戶)")
    costs_by_client: Text = user(
        "由委託人另行承擔的費用",
        default="案件受理費、鑑定費、評估費、公告費、保全費、翻譯費及異地辦案差旅費等",
    )
    term: Text = user("合同期限", default="自本合同簽訂之日起至上述代理階段的法律事務辦結之日止")
    dispute_resolution: Literal["court", "arbitration"] = user(
        "爭議解決 (court 訴訟 / arbitration 仲裁)", default="court"
    )
    dispute_venue: Line = user("管轄法院或仲裁機構名稱")
    copies: int = user("合同份數", default=2, ge=2, le=10)
    sign_date: Day = user("簽訂日期 (YYYY-MM-DD)")
    sign_place: OptLine = user("簽訂地點", default="")

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

    @computed_field(description="收費方式名稱")  # type: ignore[prop-decorator]
    @property
    def fee_label(self) -> str:
        return FEE_LABELS[self.fee_type]


def _capital(value: Decimal | None) -> str:
    return capital_amount(value) if value is not None else ""


# fields that become required when another field has a value: (field, value) -> [fields]
CONDITIONAL: dict[type[DocModel], dict[tuple[str, str], list[str]]] = {
    ServiceContract: {
        ("fee_type", "fixed"): ["fee_amount"],
        ("fee_type", "hourly"): ["hourly_rate"],
        ("fee_type", "contingency"): ["contingency_percent"],
        ("fee_type", "staged"): ["fee_stages"],
        ("authority", "special"): ["authority_items"],
    },
}


def _contract_rules(data: dict[str, Any], settings: Any = None) -> list[str]:
    """The jurisdiction's fee rules (archivist.jurisdictions.fees): which matter types may
    not have a contingency fee. (This template has no disputed amount, so the mainland's
    banded caps are checked on the engagement contracts only.)"""
    from dataclasses import replace

    from archivist.documents.paperwork import _type_code
    from archivist.jurisdictions import fees

    code = settings.firm.jurisdiction if settings is not None else "tw"
    rules = replace(fees.rules_for(code, settings), contingency_bands=())
    return fees.check(rules, _type_code(data), data)


# checks across fields, each returning "field: problem" lines
RULES: dict[type[DocModel], list[Any]] = {ServiceContract: [_contract_rules]}


# ----------------------------------------------------------------------------- 結案函
class HandedDocument(DocModel):
    title: Line = user("文件名稱")
    form: Line = user("原件 / 複印件", default="原件")
    copies: int = user("份數", default=1, ge=1, le=1000)
    note: OptLine = user("備註", default="")


class ClosureLetter(DocModel):
    firm: FirmInfo
    client: ClientLetter
    matter: MatterInfo
    lawyers: list[LetterLawyer] = ledger("承辦律師", min_length=1)
    closed_date: Day = ledger("結案日期")
    outcome: Text = ledger("辦理結果 (matter close --outcome)")
    documents_returned: list[HandedDocument] = user(
        "移交給客戶的文件 (表格，至少一行)", min_length=1
    )
    next_steps: list[Line] = user("客戶仍需注意的期限或後續事項 (可為空)", default_factory=list)
    retention_years: int | None = ledger(
        "檔案保管年限 (卷宗的保管期限類別, archivist.toml [retention]; 空: 永久)",
        default=None,
        ge=1,
        le=200,
    )
    feedback_contact: Line = ledger("意見及投訴聯繫方式 (預設為事務所電話/電郵)")
    letter_date: Day = user("發函日期 (預設今日)")


# ----------------------------------------------------------------------------- 案件受理通知書
class AcceptanceNotice(DocModel):
    firm: FirmInfo
    client: ClientLetter
    matter: MatterInfo
    lawyers: list[LetterLawyer] = ledger("承辦律師", min_length=1)
    accepted_date: Day = ledger("受理日期")
    contact_deadline: Day = ledger("律師聯繫客戶的期限")
    notice_date: Day = user("通知日期 (預設今日)")


# ----------------------------------------------------------------------------- 投訴處理回覆函
class ComplaintReply(DocModel):
    firm: FirmInfo
    client: ClientLetter
    complaint_number: Line = ledger("投訴編號")
    received_date: Day = ledger("收到投訴日期")
    channel: Line = ledger("投訴途徑 (電話、電郵、傳真、來訪 ...)")
    summary: Text = ledger("投訴內容摘要")
    findings: Text = user("調查情況")
    resolution: Text = user("處理結果及整改措施")
    handler: Line = ledger("處理人")
    objection_days: int = user("客戶提出異議的期限 (日)", default=15, ge=1, le=365)
    reply_date: Day = user("回覆日期 (預設今日)")


# ----------------------------------------------------------------------------- 借閱審批單
class LoanItem(DocModel):
    number: Line = ledger("文件編號")
    title: Line = ledger("文件名稱")


class LoanForm(DocModel):
    firm: FirmInfo
    client: ClientRef
    loan_number: Line = ledger("借閱編號")
    requester: Line = ledger("借閱人")
    requester_role: Line = ledger("借閱人身份 (律師 / 職員 ...)")
    matter_number: OptLine = ledger("相關案件編號 (可選)", default="")
    scope: Line = ledger("借閱範圍 (全卷 / 指定文件)")
    items: list[LoanItem] = ledger("借閱文件 (全卷借閱時可為空)", default_factory=list)
    purpose: Text = ledger("借閱用途")
    requested_date: Day = ledger("申請日期")
    due_date: Day = ledger("應歸還日期")
    decision: OptLine = ledger("審批意見 (批准 / 不批准；未審批時留空)", default="")
    approver: OptLine = ledger("審批人 (部門負責人)", default="")
    decided_date: Day | None = ledger("審批日期", default=None)


# ----------------------------------------------------------------------------- 卷內目錄
class ContentsRow(DocModel):
    seq: int = ledger("順序號", ge=1)
    number: Line = ledger("文件編號")
    responsible: OptLine = ledger("責任者 (形成文件的機關或個人)", default="")
    section: Line = ledger("所屬分卷")
    title: Line = ledger("文件題名")
    filed_date: Day = ledger("歸檔日期")
    pages: OptLine = ledger("頁號 (起止頁，如 1-4；未知時留空)", default="")
    note: OptLine = ledger("備註", default="")


class ContentsList(DocModel):
    firm: FirmInfo
    client: ClientRef
    rows: list[ContentsRow] = ledger("卷內文件，每份一行")
    compiled_by: Line = ledger("編製人")
    compiled_date: Day = user("編製日期 (預設今日)")


# ----------------------------------------------------------------------------- the table
SCHEMAS: dict[str, type[DocModel]] = {
    "service-contract": ServiceContract,
    "closure-letter": ClosureLetter,
    "acceptance-notice": AcceptanceNotice,
    "complaint-reply": ComplaintReply,
    "loan-form": LoanForm,
    "contents-list": ContentsList,
}

TITLES: dict[str, str] = {
    "service-contract": "法律服務合同",
    "closure-letter": "結案函",
    "acceptance-notice": "案件受理通知書",
    "complaint-reply": "投訴處理回覆函",
    "loan-form": "借閱審批單",
    "contents-list": "卷內目錄",
}
