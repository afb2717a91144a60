"""The two profiles. Every word a generated document prints that differs between Taiwan and the
mainland is here, not in the templates' builder or the code: templates show `{{ w.contract }}`,
the generator fills labels from `Profile`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from archivist.core.errors import InvalidInput
from archivist.core.i18n import _
from archivist.jurisdictions import ids


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    currency: str  # ISO 4217
    currency_word: str  # 新臺幣 / 人民幣
    person_id: ids.Scheme
    company_id: ids.Scheme
    kind_labels: dict[str, str]  # person / company / organization -> 自然人 ...
    licence_label: str  # 律師證書字號 / 執業證號
    invoice: str  # 統一發票 / 發票
    holidays_country: str  # the `holidays` package's country code
    roc_dates_allowed: bool
    words: dict[str, str] = field(default_factory=dict)  # template wording (w.*)
    matter_types: dict[str, str] = field(default_factory=dict)  # type -> 民事 ...
    stages: dict[str, list[str]] = field(default_factory=dict)  # usual stages per type

    def id_label(self, kind: str, number: str | None = None) -> str:
        """The label of a client's identity number: the scheme the number has the shape of,
        else this profile's label for the kind of client."""
        person = kind == "person"
        scheme = ids.recognise(number, person) if number else None
        if scheme is not None:
            return scheme.label
        if number and not person:
            return self.words["registration_no"]
        if number:
            return self.words["id_document_no"]
        return (self.person_id if person else self.company_id).label


_TW_WORDS = {
    "contract": "委任契約",
    "contract_short": "契約",
    "client_party": "委任人",
    "firm_party": "受任人",
    "poa": "委任狀",
    "poa_grantor": "委任人",
    "poa_agent": "受任人",
    "risk_notice": "風險告知書",
    "lawyer_letter": "律師函",
    "certified_letter": "存證信函",
    "fee_receipt": "律師費收據",
    "information": "資料",
    "contact": "聯絡",
    "phone": "電話",
    "transfer": "匯款",
    "bank_account": "匯款帳戶",
    "court": "法院",
    "prosecutor": "檢察署",
    "police": "司法警察機關",
    "representative": "代表人",
    "seal": "蓋章",
    "company_seal": "公司大小章",
    "responsible_lawyer": "主辦律師",
    "firm_label": "事務所",
    "tax_id": "統一編號",
    "id_document_no": "證件號碼",
    "registration_no": "登記字號",
    "address": "地址",
    "email": "電子郵件",
    "law_basis": "民法委任之規定及律師法、律師倫理規範",
    "arbitration_body": "中華民國仲裁協會",
    "dispute_court": "臺灣臺北地方法院",
    "rights_note": "律師依律師法及律師倫理規範執行職務，不受委任人不當之指示",
    "family_law": "家事事件法",
    "administrative_law": "行政訴訟法",
    "criminal_law": "刑事訴訟法",
    "civil_law": "民事訴訟法",
    "arbitration_law": "仲裁法",
    "agent_title": "訴訟代理人",
    "defender_title": "辯護人",
    "receipt_note": "本收據不代替統一發票；本所依法另行開立統一發票。",
}

_CN_WORDS = {
    "contract": "委託代理合同",
    "contract_short": "合同",
    "client_party": "委託人",
    "firm_party": "受託人",
    "poa": "授權委託書",
    "poa_grantor": "委託人",
    "poa_agent": "受託人",
    "risk_notice": "風險告知書",
    "lawyer_letter": "律師函",
    "certified_letter": "律師函",
    "fee_receipt": "律師費收款收據",
    "information": "信息",
    "contact": "聯繫",
    "phone": "電話",
    "transfer": "轉賬",
    "bank_account": "收款賬戶",
    "court": "人民法院",
    "prosecutor": "人民檢察院",
    "police": "公安機關",
    "representative": "法定代表人",
    "seal": "蓋章",
    "company_seal": "公章",
    "responsible_lawyer": "承辦律師",
    "firm_label": "律師事務所",
    "tax_id": "納稅人識別號",
    "id_document_no": "證件號碼",
    "registration_no": "登記證號",
    "address": "住所",
    "email": "電子郵箱",
    "law_basis": "《中華人民共和國民法典》《中華人民共和國律師法》及相關法律法規",
    "arbitration_body": "仲裁委員會",
    "dispute_court": "乙方所在地人民法院",
    "rights_note": "律師依法獨立履行職責，不受委託人違法或不當要求的約束",
    "family_law": "《中華人民共和國民法典》婚姻家庭編",
    "administrative_law": "《中華人民共和國行政訴訟法》",
    "criminal_law": "《中華人民共和國刑事訴訟法》",
    "civil_law": "《中華人民共和國民事訴訟法》",
    "arbitration_law": "《中華人民共和國仲裁法》",
    "agent_title": "委託訴訟代理人",
    "defender_title": "辯護人",
    "receipt_note": "本收據僅證明收款；本所依法另行開具發票。",
}

_KINDS_TW = {"person": "自然人", "company": "法人", "organization": "非法人團體"}
_KINDS_CN = {"person": "自然人", "company": "法人", "organization": "非法人組織"}

_TYPES_TW = {
    "criminal": "刑事",
    "civil": "民事",
    "family": "家事",
    "administrative": "行政",
    "arbitration": "仲裁",
    "retainer": "常年法律顧問",
    "non-litigation": "非訟",
    "consultation": "法律諮詢",
}
_TYPES_CN = {**_TYPES_TW, "family": "婚姻家事", "non-litigation": "非訴訟"}

PROFILES: dict[str, Profile] = {
    "tw": Profile(
        code="tw",
        name="臺灣",
        currency="TWD",
        currency_word="新臺幣",
        person_id=ids.TW_ID,
        company_id=ids.TW_UBN,
        kind_labels=_KINDS_TW,
        licence_label="律師證書字號",
        invoice="統一發票",
        holidays_country="TW",
        roc_dates_allowed=True,
        words=_TW_WORDS,
        matter_types=_TYPES_TW,
        stages={
            "civil": ["第一審", "第二審", "第三審"],
            "criminal": ["偵查", "第一審", "第二審", "第三審"],
            "family": ["調解", "第一審", "第二審"],
            "administrative": ["訴願", "第一審", "上訴審"],
            "arbitration": ["仲裁程序"],
        },
    ),
    "cn": Profile(
        code="cn",
        name="中國大陸",
        currency="CNY",
        currency_word="人民幣",
        person_id=ids.CN_ID,
        company_id=ids.CN_USCC,
        kind_labels=_KINDS_CN,
        licence_label="執業證號",
        invoice="發票",
        holidays_country="CN",
        roc_dates_allowed=False,
        words=_CN_WORDS,
        matter_types=_TYPES_CN,
        stages={
            "civil": ["一審", "二審", "執行"],
            "criminal": ["偵查", "審查起訴", "一審", "二審"],
            "family": ["調解", "一審", "二審"],
            "administrative": ["行政復議", "一審", "二審"],
            "arbitration": ["仲裁"],
        },
    ),
}


def get(code: str | None) -> Profile:
    """The profile called `code` (tw, cn)."""
    key = (code or "tw").strip().lower()
    try:
        return PROFILES[key]
    except KeyError:
        raise InvalidInput(
            _("unknown jurisdiction {code!r}").format(code=(code or "")[:20]),
            _("Use one of: {codes}.").format(codes=", ".join(PROFILES)),
        ) from None


def roc_date(day: date) -> str:
    """A date in the Republic of China calendar: 民國115年12月1日 (1912 is 民國元年)."""
    year = day.year - 1911
    if year < 1:
        return f"民國前{1 - year}年{day.month}月{day.day}日"
    shown = "元" if year == 1 else str(year)
    return f"民國{shown}年{day.month}月{day.day}日"
