"""Page strings: Traditional Chinese by default, English selectable (cookie `lang`)."""

from __future__ import annotations

ZH: dict[str, str] = {
    "app": "客戶檔案系統", "signin": "登入", "signout": "登出", "username": "帳號",
    "password": "密碼", "new_password": "新密碼", "current_password": "目前密碼",
    "change_password": "變更密碼", "must_change": "首次登入，請先變更密碼。",
    "mywork": "我的工作", "clients": "客戶", "search": "檢索", "loans": "借閱",
    "complaints": "投訴", "reports": "報表", "number": "編號", "name": "名稱",
    "kind": "類別", "status": "狀態", "documents": "文件", "matters": "案件",
    "section": "卷別", "title": "標題", "date": "日期", "filetype": "格式",
    "open": "開啟", "download": "下載", "view": "檢視", "query": "關鍵詞",
    "results": "筆結果", "page": "頁", "prev": "上一頁", "next": "下一頁",
    "no_results": "查無符合的文件。", "nothing": "目前沒有項目。",
    "request_loan": "申請借閱", "purpose": "用途", "days": "天數", "client": "客戶",
    "approve": "核准", "reject": "駁回", "reason": "理由", "checkout": "出借",
    "return": "歸還", "ack": "已知悉保密義務", "borrower": "借閱人", "due": "到期",
    "my_loans": "我的借閱", "approvals": "待核准的借閱", "overdue": "逾期借閱",
    "my_complaints": "我的投訴案件", "submit": "送出", "filter": "篩選",
    "from": "自", "to": "至", "report_complaints": "投訴統計報表", "total": "合計",
    "error": "錯誤", "not_found": "找不到此項目（或您無權閱讀）。", "language": "English",
    "size": "大小", "preview": "預覽", "text": "內文", "back": "返回",
    "content": "內容", "received": "收件日", "lang_code": "zh-Hant",
    "signed_in_as": "登入身分", "count": "件數", "matter": "案件",
    "all_sections": "全部卷別", "bad_login": "帳號或密碼錯誤，或帳號已鎖定。",
}

EN: dict[str, str] = {
    "app": "Client archives", "signin": "Sign in", "signout": "Sign out",
    "username": "User name", "password": "Password", "new_password": "New password",
    "current_password": "Current password", "change_password": "Change password",
    "must_change": "First sign-in: please change your password.", "mywork": "My work",
    "clients": "Clients", "search": "Search", "loans": "Loans", "complaints": "Complaints",
    "reports": "Reports", "number": "Number", "name": "Name", "kind": "Kind",
    "status": "Status", "documents": "Documents", "matters": "Matters", "section": "Section",
    "title": "Title", "date": "Date", "filetype": "Type", "open": "Open",
    "download": "Download", "view": "View", "query": "Words", "results": "results",
    "page": "page", "prev": "Previous", "next": "Next", "no_results": "No documents match.",
    "nothing": "Nothing here.", "request_loan": "Request a loan", "purpose": "Purpose",
    "days": "Days", "client": "Client", "approve": "Approve", "reject": "Reject",
    "reason": "Reason", "checkout": "Check out", "return": "Return",
    "ack": "I acknowledge the duty of confidentiality", "borrower": "Borrower", "due": "Due",
    "my_loans": "My loans", "approvals": "Loans waiting for approval",
    "overdue": "Overdue loans", "my_complaints": "My complaints", "submit": "Submit",
    "filter": "Filter", "from": "From", "to": "To",
    "report_complaints": "Complaints report", "total": "Total", "error": "Error",
    "not_found": "Not found (or not yours to read).", "language": "中文",
    "size": "Size", "preview": "Preview", "text": "Text", "back": "Back",
    "content": "Content", "received": "Received", "lang_code": "en",
    "signed_in_as": "Signed in as", "count": "Count", "matter": "Matter",
    "all_sections": "All sections", "bad_login": "Wrong user name or password, or locked.",
}

FIELDS_ZH = {"kind": "類別", "id_number": "證件號碼", "phone": "電話", "email": "電子郵件",
             "address": "地址", "status": "狀態", "by_status": "依狀態", "by_category": "依類別",
             "by_channel": "依管道", "by_lawyer": "依律師"}
FIELDS_EN = {"id_number": "ID number", "by_status": "By status", "by_category": "By category",
             "by_channel": "By channel", "by_lawyer": "By lawyer"}
VALUES_ZH = {"person": "自然人", "company": "法人", "organization": "其他組織", "active": "使用中",
             "inactive": "停用", "closed": "已結案", "open": "進行中", "accepted": "已受理",
             "pending": "待核准", "approved": "已核准", "out": "借出中", "returned": "已歸還",
             "rejected": "已駁回", "cancelled": "已取消", "overdue": "逾期",
             "received": "已收件", "classified": "已分類", "assigned": "已指派",
             "resolved": "已處理", "filed": "已歸檔"}

SECTIONS_ZH = {"basic": "基本資料卷", "contract": "合同卷", "case": "案件卷", "work": "工作卷",
               "complaint": "投訴卷"}


def strings(lang: str | None) -> dict[str, str]:
    return EN if lang == "en" else ZH


def section_name(section: str, lang: str | None) -> str:
    return section if lang == "en" else SECTIONS_ZH.get(section, section)


def field_name(key: str, lang: str | None) -> str:
    if lang == "en":
        return FIELDS_EN.get(key, key.replace("_", " ").capitalize())
    return FIELDS_ZH.get(key, key)


def value_name(value: object, lang: str | None) -> str:
    text = str(getattr(value, "value", value))
    return text if lang == "en" else VALUES_ZH.get(text, text)
