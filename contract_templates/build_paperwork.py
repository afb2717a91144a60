"""Build the engagement paperwork for each jurisdiction profile into tw/ and cn/ (called by
build_templates.py; the helpers are its own). The words that differ come from
archivist.jurisdictions (W below), so the two sets say the same things in each place's usage:
委任契約 / 委託代理合同, 資料 / 信息, 聯絡 / 聯繫, 匯款 / 轉賬, 律師證書字號 / 執業證號."""

from __future__ import annotations

from pathlib import Path

import build_templates as B  # noqa: N812 - the helpers module

from archivist.documents.paperwork import ONLY_IN, PAPERWORK, title
from archivist.jurisdictions import PROFILES

W: dict[str, str] = {}  # the profile being built: its words
P = None  # its Profile


def _parties(doc, company_rep: bool = True) -> None:
    B.fields_block(doc, [
        f"{W['client_party']}（甲方）：{{{{ client.name }}}}（{{{{ client.kind }}}}）",
        "{{ client.id_label }}：{{ client.id_number }}",
        "{%p if client.representative %}",
        f"{W['representative']}：{{{{ client.representative }}}}",
        "{%p endif %}",
        f"{W['address']}：{{{{ client.address }}}}",
        f"{W['contact']}{W['phone']}：{{{{ client.phone }}}}",
        "客戶檔案編號：{{ client.number }}",
    ])
    B.para(doc, f"{W['firm_party']}（乙方）：{{{{ firm.name }}}}", indent=False, space_before=6)
    B.fields_block(doc, [
        f"{W['address']}：{{{{ firm.address }}}}",
        f"{W['contact']}{W['phone']}：{{{{ firm.phone }}}}　{W['email']}：{{{{ firm.email }}}}",
    ])


def _lawyers_table(doc) -> None:
    B.table(doc, ["序號", "承辦律師", P.licence_label],
            ["{{ loop.index }}", "{{ l.name }}", "{{ l.licence_number }}"],
            loop="l in lawyers", widths=[2.0, 5.0, 8.0])


def _authority(doc, statutory: str) -> None:
    B.tag(doc, "{%p if authority == 'general' %}")
    B.para(doc, "甲方給予承辦律師普通（一般）授權：代為起訴、應訴，提出、簽收書狀及法律文書，"
                "閱卷，參加調查、開庭，陳述意見。")
    B.tag(doc, "{%p else %}")
    B.para(doc, "甲方給予承辦律師特別授權，除普通授權事項外，並得代為下列行為：")
    B.tag(doc, "{%p if authority_items %}")
    B.tag(doc, "{%p for item in authority_items %}")
    B.para(doc, "（{{ loop.index }}）{{ item }}")
    B.tag(doc, "{%p endfor %}")
    B.tag(doc, "{%p else %}")
    B.para(doc, statutory)
    B.tag(doc, "{%p endif %}")
    B.tag(doc, "{%p endif %}")


def _statutory() -> str:
    if P.code == "tw":
        return ("捨棄、認諾、撤回、和解、提起反訴、上訴或再審之訴及選任代理人"
                "（民事訴訟法第七十條第一項但書）。")
    return "代為承認、放棄、變更訴訟請求，進行和解，提起反訴或者上訴。"


def _fees(doc, n: str) -> None:
    c = "{{ currency }}"
    B.heading(doc, f"第{n}條　律師費及支付方式")
    B.tag(doc, "{%p if fee_type == 'fixed' %}")
    B.para(doc, f"1. 收費方式：{{{{ fee_label }}}}。律師費為{c}{{{{ fee_amount }}}}元"
                f"（大寫：{c}{{{{ fee_amount_capital }}}}）。")
    B.tag(doc, "{%p elif fee_type == 'hourly' %}")
    B.para(doc, f"1. 收費方式：{{{{ fee_label }}}}。按承辦律師實際工作時間計算，每小時{c}"
                f"{{{{ hourly_rate }}}}元（大寫：{c}{{{{ hourly_rate_capital }}}}），乙方每月提供工作時間紀錄。")
    B.tag(doc, "{%p if hourly_cap %}")
    B.para(doc, f"計時收費總額以{c}{{{{ hourly_cap }}}}元（大寫：{c}{{{{ hourly_cap_capital }}}}）為上限。")
    B.tag(doc, "{%p endif %}")
    B.tag(doc, "{%p elif fee_type == 'contingency' %}")
    B.para(doc, f"1. 收費方式：{{{{ fee_label }}}}。{{% if fee_amount %}}甲方於簽約時支付基本律師費{c}"
                f"{{{{ fee_amount }}}}元（大寫：{c}{{{{ fee_amount_capital }}}}）；{{% endif %}}"
                "甲方實際取得財產利益後，按實際取得金額的{{ contingency_percent }}%支付後酬"
                f"{{% if claim_amount %}}（爭議標的額{c}{{{{ claim_amount }}}}元，大寫：{c}"
                "{{ claim_amount_capital }}）{% endif %}。")
    B.tag(doc, "{%p else %}")
    B.para(doc, f"1. 收費方式：{{{{ fee_label }}}}。明細如下：")
    B.table(doc, ["階段", f"律師費（{c}元）", "付款時間"],
            ["{{ st.stage }}", "{{ st.amount }}", "{{ st.due }}"],
            loop="st in fee_stages", widths=[4.0, 4.5, 6.5],
            footer=["合計", "{{ fee_stages_total }}", f"大寫：{c}{{{{ fee_stages_total_capital }}}}"])
    B.tag(doc, "{%p endif %}")
    B.para(doc, f"2. 付款方式：{{{{ payment_method }}}}。{{% if firm.bank_account %}}"
                f"{W['bank_account']}：{{{{ firm.bank_account }}}}。{{% endif %}}"
                f"乙方收款後依法開立{P.invoice}。")
    B.heading(doc, "　　由甲方負擔的費用")
    B.para(doc, "律師費不包括下列費用，由甲方另行負擔：{{ costs_by_client }}。"
                "經甲方同意由乙方代墊的，憑單據結算。")


def _common_tail(doc, start: int) -> None:
    nums = "一二三四五六七八九十"

    def n(i: int) -> str:
        k = start + i
        return nums[k - 1] if k <= 10 else "十" + nums[k - 11]

    B.heading(doc, f"第{n(0)}條　不保證結果")
    B.para(doc, "乙方及承辦律師依法盡力維護甲方權益，但不保證委任事項的結果；任何對結果的"
                "預測僅為專業判斷，不構成承諾。甲方已閱讀並簽署" + W["risk_notice"] + "。")
    B.heading(doc, f"第{n(1)}條　利益衝突")
    B.para(doc, "乙方已於{{ conflict_checked }}依律師執業規範完成利益衝突檢索，"
                "未發現與本委任事項有衝突的情形。嗣後發現利益衝突的，乙方應立即書面告知甲方，"
                "並依規範處理。")
    B.heading(doc, f"第{n(2)}條　保密")
    B.para(doc, f"乙方及承辦律師對執行職務知悉的甲方{W['information']}、營業秘密及隱私負保密義務；"
                f"未經甲方書面同意，不得為本{W['contract_short']}以外之使用。本條於{W['contract_short']}"
                "終止後繼續有效。")
    B.heading(doc, f"第{n(3)}條　終止")
    B.para(doc, f"1. 雙方得協商終止本{W['contract_short']}。2. 甲方得隨時終止委任，已付律師費按乙方已完成"
                "之工作結算。3. 甲方隱瞞事實、提供虛假證據或要求乙方為違法行為的，乙方得終止委任。"
                f"4. {W['rights_note']}。")
    B.heading(doc, f"第{n(4)}條　爭議解決")
    B.tag(doc, "{%p if dispute_resolution == 'court' %}")
    B.para(doc, f"因本{W['contract_short']}所生爭議，雙方應先協商；協商不成的，以{{{{ dispute_venue }}}}"
                "為第一審管轄法院。")
    B.tag(doc, "{%p else %}")
    B.para(doc, f"因本{W['contract_short']}所生爭議，雙方應先協商；協商不成的，提交{{{{ dispute_venue }}}}"
                "依其仲裁規則仲裁，仲裁判斷（裁決）為終局。")
    B.tag(doc, "{%p endif %}")
    B.heading(doc, f"第{n(5)}條　其他")
    B.para(doc, f"本{W['contract_short']}依{W['law_basis']}訂定，一式{{{{ copies|cn }}}}份，"
                "雙方各執至少一份，自雙方簽名或蓋章之日起生效。"
                "{% if sign_place %}簽訂地點：{{ sign_place }}。{% endif %}")
    B.para(doc, "（以下無正文）", indent=False, align="center", space_before=6)
    B.signature_table(doc,
                      [f"甲方（簽名或{W['seal']}）：", f"{W['representative']}：",
                       "日期：{{ sign_date }}"],
                      [f"乙方（{W['seal']}）：{{{{ firm.name }}}}",
                       f"{W['responsible_lawyer']}（簽名）：{{{{ lawyers[0].name }}}}",
                       "日期：{{ sign_date }}"])


KIND_CLAUSES = {
    "civil": ["承辦律師依{civil_law}代理甲方進行訴訟，於各審級判決送達後即時告知上訴期限。"],
    "criminal": [
        "承辦律師擔任{{% if defendant %}}{{{{ defendant }}}}{{% else %}}{{{{ client.name }}}}{{% endif %}}"
        "之{defender_title}，依{criminal_law}獨立行使辯護權，以事實和法律為依據提出有利於被告的意見。",
        "承辦律師不得協助或誘使任何人偽造、隱匿證據或妨害作證；甲方知悉律師須依法保守被告秘密。",
    ],
    "family": [
        "本案涉及{family_law}所定之家事事件；乙方特別注意保護甲方及未成年子女之隱私與最佳利益，"
        "並優先考慮調解、和解。",
        "依律師執業規範，家事事件不得約定按結果計算之後酬（風險代理）。",
    ],
    "administrative": [
        "承辦律師依{administrative_law}代理；甲方知悉行政救濟（訴願、復議、起訴）有法定不變期間，"
        "應於收到行政處分（決定）後即時將文書交予乙方。",
    ],
    "arbitration": [
        "承辦律師依{arbitration_law}及仲裁機構規則代理，包括選任仲裁人、提出仲裁聲請或答辯、"
        "參加詢問程序；仲裁判斷之撤銷或執行程序另行約定。",
    ],
}


def engagement(kind: str):
    doc = B.new_document(title(f"engagement-{kind}", W, P.matter_types))
    B.title(doc, title(f"engagement-{kind}", W, P.matter_types),
            f"{W['contract_short']}編號：{{{{ matter.number }}}}")
    _parties(doc)
    B.para(doc, f"甲方就{{{{ matter.title }}}}（{{{{ matter.type }}}}，案件編號{{{{ matter.number }}}}）"
                f"委任乙方提供法律服務，雙方依平等自願、誠實信用原則訂立本{W['contract_short']}。",
           space_before=6)
    B.heading(doc, "第一條　委任事項及範圍")
    B.para(doc, "1. 服務內容和範圍：{{ scope }}")
    if kind in ("civil", "criminal", "family", "administrative", "arbitration"):
        B.para(doc, "2. 委任階段：{% for s in stages %}{{ s }}{% if not loop.last %}、{% endif %}"
                    f"{{% endfor %}}。上述以外之階段（再審、強制執行等）另行簽訂{W['contract_short']}。")
        for i, line in enumerate(KIND_CLAUSES[kind], start=3):
            B.para(doc, f"{i}. " + line.format(**W))
    elif kind == "non-litigation":
        B.para(doc, "2. 乙方交付下列成果：")
        B.tag(doc, "{%p for d in deliverables %}")
        B.para(doc, "（{{ loop.index }}）{{ d }}")
        B.tag(doc, "{%p endfor %}")
        B.para(doc, "{% if deadline %}3. 完成期限：{{ deadline }}。{% endif %}"
                    "本委任不包括訴訟或仲裁之代理；如需代理，另行簽訂" + W["contract_short"] + "。")
    elif kind == "retainer":
        B.para(doc, "2. 顧問期間：自{{ term_start }}起至{{ term_end }}止。")
        B.para(doc, "3. 常年顧問服務項目：")
        B.tag(doc, "{%p for sv in services %}")
        B.para(doc, "（{{ loop.index }}）{{ sv }}")
        B.tag(doc, "{%p endfor %}")
        B.para(doc, "4. 顧問費按{{ fee_period }}計付。訴訟、仲裁之代理及重大專案不在常年顧問範圍內，"
                    "另行委任並簽訂" + W["contract_short"] + "，不當然取得訴訟代理權。")
    elif kind == "consultation":
        B.para(doc, "2. 諮詢方式及時間：{{ sessions }}。")
        B.para(doc, "3. 本委任以口頭諮詢為限，不包括出具書面法律意見、代擬文書或代理訴訟。")
    B.heading(doc, "第二條　承辦律師")
    B.para(doc, "乙方指派下列律師承辦；非經甲方同意，不得更換主要承辦律師：")
    _lawyers_table(doc)
    if kind in ("civil", "criminal", "family", "administrative", "arbitration"):
        B.heading(doc, "第三條　授權範圍")
        _authority(doc, _statutory())
        B.para(doc, f"授權範圍以甲方簽署之{W['poa']}為準。")
        nxt = 4
    else:
        nxt = 3
    nums = "一二三四五六七八九十"
    B.heading(doc, f"第{nums[nxt - 1]}條　甲方的義務")
    B.para(doc, f"甲方應據實陳述，及時提供與委任事項有關之{W['information']}、證據，並按約支付費用；"
                f"{W['contact']}方式變更時應即通知乙方。")
    _fees(doc, nums[nxt])
    _common_tail(doc, nxt + 2)
    return doc


def power_of_attorney():
    doc = B.new_document(W["poa"])
    B.title(doc, W["poa"], "案件編號：{{ matter.number }}")
    B.para(doc, "致：{{ addressed_to }}", indent=False)
    B.fields_block(doc, [
        f"{W['poa_grantor']}：{{{{ client.name }}}}（{{{{ client.kind }}}}，客戶檔案編號"
        "{{ client.number }}）",
        "{{ client.id_label }}：{{ client.id_number }}",
        "{%p if client.representative %}",
        f"{W['representative']}：{{{{ client.representative }}}}",
        "{%p endif %}",
        f"{W['address']}：{{{{ client.address }}}}",
        f"{W['contact']}{W['phone']}：{{{{ client.phone }}}}",
    ])
    B.para(doc, f"{W['poa_agent']}：", indent=False, space_before=6)
    B.table(doc, ["律師", P.licence_label, f"{W['firm_label']}"],
            ["{{ l.name }}", "{{ l.licence_number }}", "{{ firm.name }}"],
            loop="l in lawyers", widths=[4.0, 6.0, 6.0])
    B.para(doc, f"{W['address']}：{{{{ firm.address }}}}　{W['phone']}：{{{{ firm.phone }}}}", indent=False)
    B.para(doc, f"茲因{{{{ matter.title }}}}（{{{{ matter.type }}}}）事件，{W['poa_grantor']}委任上列律師為"
                f"{W['agent_title']}，其代理權限如下：", space_before=6)
    _authority(doc, _statutory())
    B.sign_off(doc, [f"{W['poa_grantor']}（簽名或{W['seal']}）：＿＿＿＿＿＿＿＿",
                     f"{W['poa_agent']}（簽名）：＿＿＿＿＿＿＿＿", "{{ sign_date }}"])
    return doc


def risk_notice():
    doc = B.new_document(W["risk_notice"])
    B.title(doc, W["risk_notice"], "案件編號：{{ matter.number }}")
    B.para(doc, f"致{W['client_party']}：{{{{ client.name }}}}（客戶檔案編號：{{{{ client.number }}}}）",
           indent=False)
    B.para(doc, f"就{{{{ matter.title }}}}（{{{{ matter.type }}}}）一案，{{{{ firm.name }}}}及承辦律師"
                "{% for l in lawyers %}{{ l.name }}{% if not loop.last %}、{% endif %}{% endfor %}"
                "依律師執業規範，於委任前告知下列風險：", space_before=6)
    for i, line in enumerate((
        f"結果不確定：{W['court']}、仲裁機構或行政機關依證據及法律獨立判斷，律師不能保證結果。",
        "舉證責任：主張事實者須提出證據，證據不足可能承擔不利後果。",
        "期間：起訴、上訴、救濟均有法定期間，逾期將喪失權利；請即時交付收到的文書。",
        "執行：勝訴後對方無財產可供執行的，權利可能無法實現。",
        "費用：裁判費、鑑定費等依法由當事人負擔，敗訴時可能負擔對方部分費用。",
        f"{W['information']}真實：隱瞞事實或提供虛假證據，可能導致敗訴或法律責任。",
    ), start=1):
        B.para(doc, f"{i}. {line}")
    B.tag(doc, "{%p for risk in specific_risks %}")
    B.para(doc, "本案特別風險：{{ risk }}")
    B.tag(doc, "{%p endfor %}")
    B.para(doc, f"{W['client_party']}已詳閱並理解上述風險，自願委任。", space_before=6)
    B.sign_off(doc, [f"{W['client_party']}（簽名或{W['seal']}）：＿＿＿＿＿＿＿＿", "{{ sign_date }}"])
    return doc


def lawyer_letter():
    doc = B.new_document(W["lawyer_letter"])
    B.title(doc, W["lawyer_letter"], "{{ firm.name }}　案號：{{ matter.number }}")
    B.para(doc, "致：{{ recipient_name }}", indent=False)
    B.para(doc, f"{W['address']}：{{{{ recipient_address }}}}", indent=False)
    B.para(doc, "事由：{{ subject }}", indent=False, bold=True)
    B.para(doc, "本所檔號：客戶{{ client.number }}，案件{{ matter.number }}（{{ matter.type }}，"
                "{{ matter.title }}）", indent=False, size=10)
    B.para(doc, "本所受{{ client.name }}委任，指派"
                "{% for l in lawyers %}{{ l.name }}{% if not loop.last %}、{% endif %}{% endfor %}"
                "律師，就上述事由致函台端如下：", space_before=6)
    B.heading(doc, "一、事實及理由")
    B.para(doc, "{{ facts }}")
    B.heading(doc, "二、要求")
    B.tag(doc, "{%p for d in demands %}")
    B.para(doc, "{{ loop.index }}. {{ d }}")
    B.tag(doc, "{%p endfor %}")
    B.para(doc, f"請於收到本函之日起{{{{ reply_days }}}}日內履行或與本所{W['contact']}"
                f"（{W['phone']}：{{{{ firm.phone }}}}，{W['email']}：{{{{ firm.email }}}}）；"
                "逾期未獲回應，委任人將依法採取法律行動，所生費用由台端負擔。")
    B.sign_off(doc, ["{{ firm.name }}", "律師：{% for l in lawyers %}{{ l.name }}"
                     "{% if not loop.last %}、{% endif %}{% endfor %}", "{{ letter_date }}"])
    return doc


def certified_letter():
    doc = B.new_document("存證信函")
    B.title(doc, "存證信函")
    B.form_table(doc, [
        ["寄件人", "{{ client.name }}（本所客戶檔案編號 {{ client.number }}）"],
        ["寄件人地址", "{{ client.address }}"],
        ["代理人", "{{ firm.name }} {% for l in lawyers %}{{ l.name }}律師"
                   "{% if not loop.last %}、{% endif %}{% endfor %}"],
        ["代理人地址", "{{ firm.address }}"],
        ["收件人", "{{ recipient_name }}"],
        ["收件人地址", "{{ recipient_address }}"],
        ["副本收件人", "{% if cc_name %}{{ cc_name }}　{{ cc_address }}{% else %}無{% endif %}"],
    ], widths=[4.0, 12.0])
    B.heading(doc, "內容")
    B.para(doc, "{{ body }}")
    B.para(doc, "（本存證信函依郵局存證信函用紙格式謄寫後交寄；一式三份，郵局、寄件人、收件人各一份。）",
           indent=False, size=10)
    B.sign_off(doc, ["寄件人：{{ client.name }}", "代理人：{{ firm.name }}", "{{ letter_date }}"])
    return doc


def fee_receipt():
    doc = B.new_document(W["fee_receipt"])
    B.title(doc, W["fee_receipt"], "編號：{{ receipt_number }}")
    B.form_table(doc, [
        ["付款人", "{{ client.name }}", "客戶檔案編號", "{{ client.number }}"],
        ["案件", "{{ matter.number }}", "案由", "{{ matter.title }}（{{ matter.type }}）"],
        ["收費項目", "{{ item }}", "付款方式", "{{ payment_method }}"],
        ["金額", "{{ currency }}{{ amount }}元", "收款日期", "{{ paid_date }}"],
        ["金額大寫", "{{ currency }}{{ amount_capital }}"],
    ], widths=[3.0, 5.0, 3.0, 5.0])
    B.para(doc, W["receipt_note"], indent=False, size=10)
    B.para(doc, f"{W['tax_id']}：{{{{ firm.tax_id }}}}", indent=False)
    B.sign_off(doc, ["收款單位：{{ firm.name }}（" + W["seal"] + "）", "經手人：{{ received_by }}"])
    return doc


def builders() -> dict:
    out = {f"engagement-{k}": (lambda k=k: engagement(k)) for k in (
        "civil", "criminal", "family", "administrative", "arbitration",
        "non-litigation", "retainer", "consultation")}
    out.update({
        "power-of-attorney": power_of_attorney,
        "risk-notice": risk_notice,
        "lawyer-letter": lawyer_letter,
        "certified-letter": certified_letter,
        "fee-receipt": fee_receipt,
    })
    assert set(out) == set(PAPERWORK)
    return out


# the six letters and forms in Taiwanese usage (their builder writes mainland wording)
TW_USAGE = {
    "法律服務合同": "委任契約",
    "律師執業證號": "律師證書字號",
    "執業證號": "證書字號",
    "合同": "契約",
    "信息": "資料",
    "聯繫": "聯絡",
    "轉賬": "匯款",
    "賬戶": "帳戶",
    "開具正式發票": "開立統一發票",
    "電子郵箱": "電子郵件",
    "人民法院": "法院",
}


def build(out_dir: Path) -> list[Path]:
    global W, P
    written = []
    original_run = B._run
    for code, profile in PROFILES.items():
        W, P = profile.words, profile
        (out_dir / code).mkdir(parents=True, exist_ok=True)
        for name, builder in builders().items():
            if ONLY_IN.get(name, code) != code:
                continue
            path = out_dir / code / f"{name}.docx"
            builder().save(str(path))
            written.append(path)
    try:  # the six in Taiwanese usage: every run of text goes through the word list
        def tw_run(paragraph, text, **kw):
            for a, b in TW_USAGE.items():
                text = text.replace(a, b)
            return original_run(paragraph, text, **kw)

        B._run = tw_run
        for name, builder in B.BUILDERS.items():
            path = out_dir / "tw" / f"{name}.docx"
            builder().save(str(path))
            written.append(path)
    finally:
        B._run = original_run
    return written
