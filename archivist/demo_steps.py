"""The steps of `make demo`, one function per capability, in the order of the policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from archivist.core.i18n import _

if TYPE_CHECKING:
    from archivist.demo import Demo


DEMO_FIRM = "示範聯合律師事務所"
MARK = ".archivist-demo"


def sample_files(folder: Path) -> list[Path]:
    """A few documents a client would hand over: Traditional, Simplified, English, Big5."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "起訴狀.txt": (
            "民事起訴狀\n原告陳大文與被告宏達貿易有限公司買賣合同糾紛一案，被告未依約"
            "交付貨物，構成違約，原告請求解除合同並賠償損失新臺幣伍拾萬元。\n",
            "utf-8",
        ),
        "证据清单.txt": (
            "证据清单\n一、买卖合同一份，证明双方存在合同关系；二、付款凭证，证明原告"
            "已支付货款；三、催告函，证明被告违约后经催告仍未履行。\n",
            "gb18030",
        ),
        "engagement-email.txt": (
            "From: david.chan@example.com\nSubject: Breach of contract\n\n"
            "Dear counsel, the supplier breached the supply agreement; "
            "please advise on damages and the limitation period.\n",
            "utf-8",
        ),
        "舊函件.txt": (
            "律師函\n本所受陳大文先生委託，就貴公司違反買賣契約一事，特此函告。\n",
            "big5",
        ),
    }
    paths = []
    for name, (text, encoding) in files.items():
        p = folder / name
        p.write_bytes(text.encode(encoding))
        paths.append(p)
    try:
        import docx

        d = docx.Document()
        d.add_heading("和解備忘錄", 1)
        d.add_paragraph("雙方同意就違約金數額另行協商，被告應於三十日內交付剩餘貨物。")
        table = d.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "項目", "金額"
        table.cell(1, 0).text, table.cell(1, 1).text = "違約金", "NT$100,000"
        p = folder / "和解備忘錄.docx"
        d.save(str(p))
        paths.append(p)
    except ImportError:  # pragma: no cover
        pass
    return paths


def setup(demo: Demo) -> None:
    print(_("== 1. A home for the firm, its users and roles"))
    demo.run(
        "init",
        "--home",
        str(demo.home),
        "--firm",
        DEMO_FIRM,
        "--user",
        "mei",
        "--name",
        "王美",
        "--jurisdiction",
        "tw",
        "--address",
        "臺北市中正區重慶南路一段100號8樓",
        "--phone",
        "02-2388-0000",
        "--email",
        "service@demo-law.example",
        "--complaint-phone",
        "02-2388-0099",
    )
    (demo.home / MARK).write_text("created by `make demo`; the demo may reset this home\n")
    demo.run(
        "user",
        "add",
        "lin",
        "--name",
        "林志明",
        "--role",
        "lawyer",
        "--licence",
        "13101200910123456",
        "--practice-area",
        "民商事訴訟",
    )
    demo.run(
        "user",
        "add",
        "zhao",
        "--name",
        "趙小雲",
        "--role",
        "lawyer",
        "--licence",
        "13101201510654321",
    )
    demo.run("user", "add", "wu", "--name", "吳大同", "--role", "staff")
    demo.run("user", "list")


def clients(demo: Demo) -> None:
    print(_("\n== 2. Clients get numbered archive folders with the policy's five sections"))
    demo.run(
        "client",
        "add",
        "--name",
        "陳大文",
        "--kind",
        "person",
        "--id-number",
        "A123456789",
        "--phone",
        "0912-345-678",
        "--address",
        "臺北市大安區和平東路二段1號",
    )
    demo.run("client", "add", "--name", "歐陽志遠", "--kind", "person")
    demo.run(
        "client",
        "add",
        "--name",
        "宏達科技股份有限公司",
        "--kind",
        "company",
        "--id-number",
        "12345601",
    )
    demo.run("client", "add", "--name", "Acme Trading & Sons <HK>", "--kind", "company")
    demo.run("client", "list")


def audit_verify(demo: Demo) -> None:
    print(_("\n== Audit trail: every change and every read, hash-chained"))
    demo.run("audit", "log", "--client", "C0001")
    demo.run("audit", "verify")


def intake(demo: Demo) -> None:
    print(_("\n== 3. Consultation, conflict check, acceptance of the matter"))
    demo.run(
        "consult",
        "log",
        "C0001",
        "--channel",
        "phone",
        "--summary",
        "宏達貿易未依約交貨，詢問解除合同及賠償",
        "--follow-up",
        "+3",
    )
    # The other side is written 宏達科技(股)公司; the firm's client is 宏達科技股份有限公司: the
    # same company once the legal-form suffix is set aside (rule same-name-normalised, 95).
    demo.run("conflict", "check", "陈大文", "宏達科技(股)公司")
    # Opening against the firm's own client is refused ...
    demo.run(
        "matter",
        "open",
        "O0001",
        "--type",
        "civil",
        "--title",
        "股東權益糾紛",
        "--lawyer",
        "zhao",
        "--opposing",
        "宏達科技(股)公司",
        check=False,
    )
    # ... and oral consent typed as text is no waiver.
    refused = json.loads(demo.run("conflict", "list", "--limit", "1", "--json", show=False))
    demo.run(
        "conflict",
        "waive",
        str(refused[0]["id"]),
        "--consent",
        "口頭同意",
        "--reason",
        "x",
        user="zhao",
        check=False,
    )
    # The written consent is filed in the client's archive, the lawyer asks for a waiver
    # naming it, the head (not the lawyer) approves it, and the matter opens on it.
    consent = demo.work / "宏達科技書面同意書.txt"
    consent.write_text(
        "書面同意書\n宏達科技股份有限公司同意陳林律師事務所代理歐陽志遠處理股東權益糾紛，"
        "並已知悉利益衝突之情形。\n",
        encoding="utf-8",
    )
    filed = json.loads(
        demo.run("file", "add", "H0001", str(consent), "--section", "basic", "--json")
    )
    consent_number = (filed[0] if isinstance(filed, list) else filed)["number"]
    asked = json.loads(
        demo.run(
            "conflict",
            "waive",
            str(refused[0]["id"]),
            "--consent",
            consent_number,
            "--reason",
            "雙方書面同意",
            "--json",
            user="zhao",
        )
    )
    demo.run("conflict", "approve", asked["number"], user="zhao", check=False)  # not their own
    demo.run("conflict", "approve", asked["number"])
    opened = json.loads(
        demo.run(
            "matter",
            "open",
            "O0001",
            "--type",
            "civil",
            "--title",
            "股東權益糾紛",
            "--lawyer",
            "zhao",
            "--opposing",
            "宏達科技(股)公司",
            "--conflict-waiver",
            asked["number"],
            "--json",
        )
    )
    demo.run("matter", "show", opened["number"])
    demo.matter = json.loads(
        demo.run(
            "matter",
            "open",
            "C0001",
            "--type",
            "civil",
            "--title",
            "買賣合同糾紛",
            "--lawyer",
            "lin",
            "--opposing",
            "宏達貿易有限公司",
            "--related",
            "陳小文",
            "--json",
        )
    )["number"]
    demo.run("matter", "contact", demo.matter, "--note", "電話聯繫客戶，約定面談", user="lin")
    demo.run(
        "matter",
        "plan",
        demo.matter,
        "--text",
        "一、發律師函催告；二、起訴請求解除合同並賠償",
        user="lin",
    )
    demo.run("letter", "acceptance", demo.matter)


def contract(demo: Demo) -> None:
    print(_("\n== 4. The legal-service contract from the Word template, every clause checked"))
    data = {
        "scope": "代理委託人與宏達貿易有限公司買賣合同糾紛一案的一審訴訟",
        "stages": ["一審"],
        "authority": "special",
        "authority_items": ["代為承認、放棄、變更訴訟請求", "代為進行和解、調解"],
        "fee_type": "staged",
        "fee_stages": [
            {"stage": "簽約", "amount": "30000", "due": "本契約簽訂之日起七日內"},
            {"stage": "一審判決", "amount": "20000", "due": "一審判決送達後七日內"},
        ],
        "payment_method": "匯款至本所帳戶",
        "dispute_resolution": "court",
        "dispute_venue": "臺灣臺北地方法院",
        "sign_date": "2026-11-29",
        "copies": 2,
    }
    path = demo.work / "contract.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    demo.run("contract", "generate", demo.matter, "--data", str(path))
    # A missing clause is reported by name and nothing is written.
    demo.run("contract", "generate", demo.matter, "--set", "fee_type=fixed", check=False)


def filing(demo: Demo) -> None:
    print(_("\n== 5. Filing documents (Traditional, Simplified, English, Big5, Word)"))
    paths = [str(p) for p in sample_files(demo.work / "incoming")]
    demo.run("file", "add", "C0001", *paths, "--section", "case", "--matter", demo.matter)
    demo.run("file", "list", "C0001")


def searching(demo: Demo) -> None:
    print(_("\n== 6. Full-text search in either Chinese script and English, access-controlled"))
    demo.run("search", "違約", user="lin")
    demo.run("search", "违约 AND 合同", user="lin")
    demo.run("search", "breached", user="lin")
    demo.run("search", "違約", user="zhao")  # not on this client's matters: no hits, no hint


def borrowing(demo: Demo) -> None:
    print(_("\n== 7. Borrowing: request, the head's approval, check-out, return"))
    loan = json.loads(
        demo.run(
            "loan",
            "request",
            "C0001",
            "--purpose",
            "準備調解",
            "--days",
            "5",
            "--json",
            user="zhao",
        )
    )["number"]
    demo.run("loan", "approve", loan, "--note", "限閱覽")
    demo.run("loan", "checkout", loan, check=False)  # refused: no acknowledgement
    demo.run("loan", "checkout", loan, "--ack-confidentiality")
    demo.run("search", "违约", user="zhao")
    demo.run("loan", "return", loan, "--condition", "完好")
    demo.run("loan", "list")


def complaint(demo: Demo) -> None:
    print(_("\n== 8. A complaint, from intake to the client's feedback"))
    number = json.loads(
        demo.run(
            "complaint",
            "file",
            "C0001",
            "--channel",
            "phone",
            "--content",
            "律師回覆太慢",
            "--matter",
            demo.matter,
            "--json",
        )
    )["number"]
    demo.run(
        "complaint",
        "classify",
        number,
        "--category",
        "delay",
        "--cause",
        "案件量大",
        "--responsibility",
        "lawyer",
    )
    # The complaint is about lin (the matter's lawyer): it is not his to handle.
    demo.run("complaint", "assign", number, "--to", "lin", "--due", "+7", check=False)
    demo.run("complaint", "assign", number, "--to", "mei", "--due", "+7")
    demo.run(
        "complaint",
        "resolve",
        number,
        "--finding",
        "回覆延遲屬實",
        "--action",
        "每週固定回報進度",
    )
    demo.run(
        "complaint",
        "feedback",
        number,
        "--result",
        "已致電說明改進措施",
        "--client-opinion",
        "satisfied",
    )
    demo.run("complaint", "show", number)


def closure(demo: Demo) -> None:
    print(_("\n== 9. Progress, closure and the closure letter"))
    demo.run(
        "matter",
        "progress",
        demo.matter,
        "--note",
        "已遞交起訴狀",
        "--reported-to-client",
        user="lin",
    )
    demo.run("matter", "evaluate", demo.matter, "--score", "4", "--comment", "回覆及時")
    demo.run(
        "matter",
        "close",
        demo.matter,
        "--outcome",
        "調解成立，對方賠償新臺幣四十萬元",
        "--satisfied",
    )
    demo.run(
        "letter",
        "closure",
        demo.matter,
        "--set",
        'documents_returned=[{"title": "民事調解書", "form": "原件", "copies": 1}, '
        '{"title": "買賣合同", "form": "原件", "copies": 1}]',
        "--set",
        "next_steps=請留意對方於二〇二七年三月底前付清賠償款",
    )
    demo.run("matter", "show", demo.matter)


def volume(demo: Demo) -> None:
    print("\n== 9b. The matter's volume (立卷歸檔): checklist, contents list and cover, sealing")
    demo.run("matter", "list", "--unarchived")
    demo.run("matter", "volume", demo.matter)
    demo.run("matter", "volume", demo.matter, "--contents")
    demo.run("matter", "archive", demo.matter, check=False)  # refused: items are missing
    demo.run(
        "matter",
        "archive",
        demo.matter,
        "--waive-rest",
        "調解結案，無判決書；證據原件已退還客戶",
        "--room",
        "檔案室A",
        "--cabinet",
        "3",
        "--box",
        "12",
        "--custodian",
        "mei",
    )
    demo.run(
        "file",
        "add",
        "C0001",
        str(demo.work / "incoming" / "起訴狀.txt"),
        "--section",
        "case",
        "--matter",
        demo.matter,
        "--again",
        check=False,
    )  # refused: sealed
    demo.run("hold", "place", demo.matter, "--reason", "對方申請再審，保全卷宗")
    demo.run("hold", "list")


def reports(demo: Demo) -> None:
    print(_("\n== 10. Reports for management"))
    out = demo.home / "demo_output"
    out.mkdir(exist_ok=True)
    demo.run(
        "report",
        "complaints",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--out",
        str(out / "投訴報告.docx"),
        "--force",
    )
    demo.run("report", "service")
    demo.run(
        "loan",
        "register",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--out",
        str(out / "借閱登記簿.csv"),
        "--force",
    )


def safety(demo: Demo) -> None:
    print(_("\n== 11. Integrity check and backup"))
    demo.run("check")
    demo.run("index", "status")
    backup = demo.work / "backup"
    demo.run("backup", str(backup))
    demo.run("restore", str(backup), "--home", str(demo.work / "restored"))


STEPS = [
    setup,
    clients,
    intake,
    contract,
    filing,
    searching,
    borrowing,
    complaint,
    closure,
    volume,
    reports,
    safety,
    audit_verify,
]

__all__ = ["STEPS", "json"]
