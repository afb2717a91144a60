"""The coded values people type and read (a client's kind, a matter's type, a section, a role,
a loan's or complaint's state, ...), in both languages, in one place.

- `parse(vocabulary, text)`: the code for what someone typed: the code itself (`person`), its
  English label, its Traditional Chinese form (`自然人`) or another accepted wording (the
  policy's own, `基本信息`; a Simplified spelling). Unknown text: InvalidInput listing both forms.
- `label(vocabulary, code)`: how the code reads in the language in effect.
- `both(vocabulary)`: `person (自然人), company (法人), ...` for help texts.
- `header(key)`: a table column's heading in the language in effect (never a raw key).

Codes stay what the ledger, the JSON output and the API carry: language-neutral."""

from __future__ import annotations

import unicodedata

from archivist.core.errors import InvalidInput
from archivist.core.i18n import N_, _, is_chinese

# vocabulary -> code -> (English label, [Traditional Chinese form, other accepted wordings...])
VOCABULARIES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "client_kind": {
        "person": (N_("natural person"), ("自然人", "個人")),
        "company": (N_("legal person"), ("法人", "公司")),
        "organization": (N_("other organization"), ("其他組織", "组织", "其他组织", "組織")),
    },
    "matter_type": {
        "criminal": (N_("criminal"), ("刑事",)),
        "civil": (N_("civil"), ("民事",)),
        "family": (N_("family"), ("家事",)),
        "administrative": (N_("administrative"), ("行政",)),
        "arbitration": (N_("arbitration"), ("仲裁",)),
        "retainer": (N_("legal adviser"), ("法律顧問", "常年法律顧問", "法律顾问")),
        "non-litigation": (N_("non-litigation"), ("非訟", "非訴訟", "非訴", "非诉", "非诉讼")),
        "consultation": (N_("consultation"), ("諮詢", "咨詢", "咨询")),
    },
    "section": {
        "basic": (N_("basic information"), ("基本資料", "基本信息", "基本資料卷", "01 基本信息")),
        "contract": (
            N_("engagement contract"),
            ("委任契約", "法律服務合同", "法律服務契約", "委任", "契約", "合同", "02 法律服務合同"),
        ),
        "case": (N_("case materials"), ("案件資料", "案件材料", "案件卷", "03 案件材料")),
        "work": (
            N_("work records"),
            ("工作紀錄", "律師工作記錄", "律師工作紀錄", "工作記錄", "04 律師工作記錄"),
        ),
        "complaint": (
            N_("complaint handling"),
            ("申訴處理", "客戶投訴處理記錄", "投訴處理記錄", "投訴處理", "申訴", "05 投訴處理記錄"),
        ),
    },
    "role": {
        "archivist": (N_("archivist"), ("檔案管理員", "档案管理员", "客服人員")),
        "head": (N_("department head"), ("主管", "部門主管", "客戶服務部負責人")),
        "lawyer": (N_("lawyer"), ("律師", "律师")),
        "staff": (N_("staff"), ("行政", "行政人員", "工作人員")),
        "management": (N_("management"), ("管理層", "管理层")),
    },
    "client_status": {
        "active": (N_("active"), ("使用中", "有效")),
        "inactive": (N_("inactive"), ("停用", "已停用")),
    },
    "conflict_result": {
        "clear": (N_("clear"), ("無衝突", "無")),
        "hits": (N_("possible conflict"), ("可能衝突", "有符合")),
        "waived": (N_("waived"), ("已豁免", "豁免")),
        "refused": (N_("refused"), ("已拒絕", "拒絕")),
    },
    "conflict_match": {
        "name": (N_("name"), ("名稱",)),
        "id_number": (N_("ID number"), ("證件號碼",)),
    },
    "conflict_where": {
        "client": (N_("client"), ("客戶",)),
        "client-party": (N_("client's party"), ("客戶方當事人",)),
        "opposing": (N_("opposing party"), ("對造",)),
        "related": (N_("related party"), ("關係人",)),
        "consultation": (N_("consultation"), ("諮詢",)),
        "consultation-mention": (N_("named in a consultation"), ("諮詢中提及",)),
        "lawyer": (N_("lawyer"), ("律師",)),
    },
    "template_source": {
        "shipped": (N_("shipped"), ("內建",)),
        "added": (N_("added"), ("自訂",)),
    },
    "matter_status": {
        "open": (N_("open"), ("進行中", "承辦中", "辦理中")),
        "closed": (N_("closed"), ("已結案", "結案")),
    },
    "loan_status": {
        "pending": (N_("pending"), ("待核准", "申請中")),
        "approved": (N_("approved"), ("已核准", "核准")),
        "rejected": (N_("rejected"), ("已駁回", "駁回")),
        "out": (N_("out"), ("借出中", "借出", "已借出")),
        "returned": (N_("returned"), ("已歸還", "歸還")),
        "cancelled": (N_("cancelled"), ("已取消", "取消")),
        "overdue": (N_("overdue"), ("逾期", "逾期未還")),
    },
    "loan_scope": {
        "archive": (N_("whole archive"), ("全卷", "整份檔案")),
        "matter": (N_("one matter"), ("單一案件", "案件")),
        "documents": (N_("listed documents"), ("指定文件", "文件")),
    },
    "complaint_status": {
        "received": (N_("received"), ("已收件", "已受理", "收件")),
        "classified": (N_("classified"), ("已分類", "分類")),
        "assigned": (N_("assigned"), ("已指派", "指派")),
        "resolved": (N_("resolved"), ("已處理", "處理完畢")),
        "reopened": (N_("reopened"), ("重新處理", "重啟")),
        "closed": (N_("closed"), ("已結案", "結案")),
    },
    "channel": {
        "phone": (N_("phone"), ("電話",)),
        "email": (N_("e-mail"), ("電子郵件", "郵件", "電郵")),
        "fax": (N_("fax"), ("傳真",)),
        "in-person": (N_("in person"), ("面談", "親自", "當面")),
        "mailbox": (N_("complaints mailbox"), ("申訴信箱", "投訴郵箱", "意見信箱")),
    },
    "complaint_category": {
        "service": (N_("service"), ("服務品質", "服務")),
        "fee": (N_("fees"), ("費用", "收費")),
        "conduct": (N_("conduct"), ("執業行為", "行為")),
        "delay": (N_("delay"), ("延誤", "拖延")),
        "confidentiality": (N_("confidentiality"), ("保密",)),
        "other": (N_("other"), ("其他",)),
    },
    "responsibility": {
        "firm": (N_("the firm"), ("事務所",)),
        "lawyer": (N_("the lawyer"), ("律師",)),
        "client": (N_("the client"), ("客戶",)),
        "none": (N_("no one"), ("無",)),
        "undetermined": (N_("undetermined"), ("未確定", "尚未確定")),
    },
    "opinion": {
        "satisfied": (N_("satisfied"), ("滿意",)),
        "unsatisfied": (N_("unsatisfied"), ("不滿意",)),
        "no-reply": (N_("no reply"), ("未回覆", "未回應")),
    },
    "party_role": {
        "client": (N_("client"), ("客戶", "委任人")),
        "opposing": (N_("opposing party"), ("對造", "相對人", "對方當事人")),
        "related": (N_("related party"), ("關係人", "利害關係人")),
    },
    "consent_purpose": {
        "statistics": (N_("statistics"), ("統計",)),
        "marketing": (N_("marketing"), ("行銷", "營銷")),
    },
}

# what each vocabulary is called in an error ("unknown {what} ...")
_NAMES = {
    "client_kind": N_("client kind"),
    "matter_type": N_("matter type"),
    "section": N_("section"),
    "role": N_("role"),
    "matter_status": N_("matter status"),
    "loan_status": N_("loan status"),
    "loan_scope": N_("loan scope"),
    "complaint_status": N_("complaint status"),
    "channel": N_("channel"),
    "complaint_category": N_("complaint category"),
    "responsibility": N_("responsibility"),
    "opinion": N_("client's opinion"),
    "party_role": N_("party role"),
    "consent_purpose": N_("purpose"),
    "client_status": N_("client status"),
    "conflict_result": N_("conflict check result"),
    "conflict_match": N_("match"),
    "conflict_where": N_("where"),
    "template_source": N_("template source"),
}


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace("_", "-")


def _index(vocabulary: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for code, (english, chinese) in VOCABULARIES[vocabulary].items():
        for form in (code, english, *chinese):
            found.setdefault(_key(form), code)
    return found


def codes(vocabulary: str) -> list[str]:
    return list(VOCABULARIES[vocabulary])


def chinese(vocabulary: str, code: str) -> str:
    """The Traditional Chinese form of `code` (whatever the language in effect)."""
    return VOCABULARIES[vocabulary][code][1][0]


def parse(vocabulary: str, text: str) -> str:
    """The code `text` names in `vocabulary`, or InvalidInput listing both forms."""
    code = _index(vocabulary).get(_key(text or ""))
    if code is None:
        raise InvalidInput(
            _("unknown {what} {value!r}").format(what=_(_NAMES[vocabulary]), value=text[:40]),
            _("Use one of: {choices}.").format(choices=both(vocabulary)),
        )
    return code


def label(vocabulary: str, code: object) -> str:
    """How `code` (a code or an enum member) reads in the language in effect; an unknown code
    is shown as it is."""
    text = str(getattr(code, "value", code))
    entry = VOCABULARIES[vocabulary].get(text)
    if entry is None:
        return text
    return entry[1][0] if is_chinese() else _(entry[0])


def both(vocabulary: str) -> str:
    """`code (中文), ...`: every code with its Chinese form, for help and errors."""
    return ", ".join(
        f"{code} ({forms[0]})" for code, (_en, forms) in VOCABULARIES[vocabulary].items()
    )


# ------------------------------------------------------------------------------ table headings
# the heading of each column key shown in tables and key-value records
HEADERS: dict[str, str] = {
    "number": N_("Number"),
    "name": N_("Name"),
    "kind": N_("Kind"),
    "type": N_("Type"),
    "status": N_("Status"),
    "state": N_("State"),
    "id_number": N_("ID number"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "address": N_("Address"),
    "folder": N_("Folder"),
    "created_at": N_("Created"),
    "updated_at": N_("Updated"),
    "username": N_("User name"),
    "display_name": N_("Full name"),
    "roles": N_("Roles"),
    "active": N_("Active"),
    "licence_number": N_("Licence number"),
    "practice_area": N_("Practice area"),
    "client": N_("Client"),
    "client_number": N_("Client number"),
    "client_name": N_("Client"),
    "matter": N_("Matter"),
    "matter_number": N_("Matter number"),
    "title": N_("Title"),
    "section": N_("Section"),
    "lawyer": N_("Lawyer"),
    "lawyers": N_("Lawyers"),
    "lawyer_name": N_("Lawyer"),
    "accepted_at": N_("Accepted"),
    "closed_at": N_("Closed"),
    "opened_at": N_("Opened"),
    "due": N_("Due"),
    "due_at": N_("Due"),
    "due_on": N_("Due"),
    "borrower": N_("Borrower"),
    "borrower_name": N_("Borrower"),
    "purpose": N_("Purpose"),
    "scope": N_("Scope"),
    "days": N_("Days"),
    "requested_at": N_("Requested"),
    "approved_at": N_("Approved"),
    "approver": N_("Approved by"),
    "approver_name": N_("Approved by"),
    "out_at": N_("Checked out"),
    "returned_at": N_("Returned"),
    "received_at": N_("Received"),
    "channel": N_("Channel"),
    "category": N_("Category"),
    "summary": N_("Summary"),
    "handler": N_("Handler"),
    "handler_name": N_("Handler"),
    "responsibility": N_("Responsibility"),
    "opinion": N_("Opinion"),
    "date": N_("Date"),
    "at": N_("When"),
    "actor": N_("Who"),
    "action": N_("Action"),
    "object": N_("Object"),
    "object_type": N_("Object type"),
    "object_id": N_("Object"),
    "details": N_("Details"),
    "seq": N_("No."),
    "size": N_("Size"),
    "filetype": N_("Format"),
    "mime": N_("Format"),
    "path": N_("Path"),
    "sha256": N_("SHA-256"),
    "score": N_("Score"),
    "snippet": N_("Excerpt"),
    "document": N_("Document"),
    "documents": N_("Documents"),
    "count": N_("Count"),
    "total": N_("Total"),
    "detail": N_("Detail"),
    "problem": N_("Problem"),
    "field": N_("Field"),
    "fields": N_("Fields"),
    "required": N_("Required"),
    "template": N_("Template"),
    "description": N_("Description"),
    "source": N_("Source"),
    "note": N_("Note"),
    "notes": N_("Notes"),
    "reason": N_("Reason"),
    "amount": N_("Amount"),
    "paid": N_("Paid"),
    "paid_at": N_("Paid on"),
    "fee": N_("Fee"),
    "opposing": N_("Opposing parties"),
    "parties": N_("Parties"),
    "role": N_("Role"),
    "relation": N_("Relation"),
    "hits": N_("Matches"),
    "id": N_("ID"),
    "label": N_("Label"),
    "last_used": N_("Last used"),
    "engine": N_("Engine"),
    "languages": N_("Languages"),
    "queued_at": N_("Queued"),
    "pages": N_("Pages"),
    "consent": N_("Consent"),
    "subject": N_("Subject"),
    "follow_up": N_("Follow-up"),
    "topic": N_("Topic"),
    "language": N_("Language"),
    "folder_path": N_("Folder path"),
    "fax": N_("Fax"),
    "bank_account": N_("Bank account"),
    "tax_id": N_("Tax ID"),
    "complaint_phone": N_("Complaints phone"),
    "complaint_email": N_("Complaints e-mail"),
    "timezone": N_("Time zone"),
    "jurisdiction": N_("Jurisdiction"),
    "roc_dates": N_("ROC calendar dates"),
    "scope_text": N_("Lent"),
    "ack_confidentiality": N_("Confidentiality acknowledged"),
    "renewals": N_("Renewals"),
    "renewal_days": N_("Renewal asked (days)"),
    "version": N_("Version"),
    "copies": N_("Copies"),
    "approval_note": N_("Approval note"),
    "reject_reason": N_("Reason for rejection"),
    "rejected_by": N_("Rejected by"),
    "rejected_at": N_("Rejected"),
    "cancelled_at": N_("Cancelled"),
    "checked_out_by": N_("Checked out by"),
    "checked_out_at": N_("Checked out"),
    "returned_by": N_("Returned by"),
    "due_date": N_("Due"),
    "consulted_at": N_("When"),
    "followed_up": N_("Followed up"),
    "flag_reason": N_("Why flagged"),
    "text_chars": N_("Characters of text"),
    "client_id": N_("Client ID"),
    "contact_deadline": N_("Contact by"),
    "contacted_at": N_("Contacted"),
    "plan": N_("Service plan"),
    "evaluations": N_("Evaluations"),
    "average": N_("Average"),
    "lowest": N_("Lowest"),
    "highest": N_("Highest"),
    "low_scores": N_("Low scores"),
    "waiver": N_("Waiver"),
    "follow-up": N_("Follow-up"),
    "accepted": N_("Accepted"),
    "searched": N_("Searched"),
    "rule": N_("Rule"),
    "strength": N_("Strength"),
    "found": N_("Found"),
    "match": N_("Match"),
    "where": N_("Where"),
    "reference": N_("Reference"),
    "contact_by": N_("Contact by"),
    "contacted": N_("Contacted"),
    "original_name": N_("Original name"),
    "filed": N_("Filed"),
    "flag": N_("Flag"),
    "lent": N_("Lent"),
    "days_overdue": N_("Days overdue"),
    "requested": N_("Requested"),
    "received": N_("Received"),
    "assignee": N_("Assignee"),
    "overdue": N_("Overdue"),
    "handled_by": N_("Handled by"),
    "when": N_("When"),
    "matters": N_("Matters"),
    "consultations": N_("Consultations"),
    "loans": N_("Loans"),
    "complaints": N_("Complaints"),
    "result": N_("Result"),
    "outcome": N_("Outcome"),
    "satisfied": N_("Satisfied"),
    "conflict_waiver": N_("Conflict waiver"),
    "condition": N_("Condition"),
    "cause": N_("Cause"),
    "finding": N_("Finding"),
    "content": N_("Content"),
    "by_status": N_("By status"),
    "by_category": N_("By category"),
    "by_channel": N_("By channel"),
    "by_lawyer": N_("By lawyer"),
    "by_responsibility": N_("By responsibility"),
    "period": N_("Period"),
    "open": N_("Not closed"),
    "reopened": N_("Reopened"),
    "proposals": N_("Proposals"),
    "first_response_days": N_("First response (days)"),
    "resolution_days": N_("Resolution (days)"),
}

# columns whose cells are codes of a vocabulary (shown as labels in tables, never in JSON); the
# first vocabulary that knows the value names it
CODED_COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("client_kind",),
    "type": ("matter_type",),
    "matter_type": ("matter_type",),
    "section": ("section",),
    "status": ("matter_status", "loan_status", "complaint_status", "client_status"),
    "state": ("matter_status", "loan_status", "complaint_status", "client_status"),
    "result": ("conflict_result",),
    "match": ("conflict_match",),
    "where": ("conflict_where",),
    "source": ("template_source",),
    "roles": ("role",),
    "role": ("role", "party_role"),
    "channel": ("channel",),
    "category": ("complaint_category",),
    "responsibility": ("responsibility",),
    "opinion": ("opinion",),
    "scope": ("loan_scope",),
}


def header(key: str) -> str:
    """The heading of column `key` in the language in effect."""
    key = key.replace(" ", "_")
    known = HEADERS.get(key)
    if known is not None:
        return _(known)
    return _(key.replace("_", " ").capitalize())


def cell_label(column: str, value: object) -> object:
    """A coded cell's label (tables only); other values unchanged. Lists are labelled item by
    item (a user's roles)."""
    vocabularies = CODED_COLUMNS.get(column)
    if vocabularies is None:
        return value
    if isinstance(value, list | tuple):
        return [cell_label(column, v) for v in value]
    if not isinstance(value, str):
        return value
    for vocabulary in vocabularies:
        if value in VOCABULARIES[vocabulary]:
            return label(vocabulary, value)
    return value
