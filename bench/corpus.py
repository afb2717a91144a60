"""A realistic synthetic archive for the benchmarks.

Clients, matters and documents (.txt, .docx, .pdf) with legal text in Traditional Chinese,
Simplified Chinese and English. The vocabulary is large (real legal terms plus tens of thousands
of synthetic words drawn from the 3,755 common characters of GB2312 level 1, shown in Traditional
form, and synthetic English words), with a Zipf-like frequency, so a typical 1-3 term query
matches a small part of the corpus rather than half of it.

Everything is deterministic for a given seed. No third-party dependency: .docx files are written
as minimal WordprocessingML packages with zipfile, .pdf files by a small hand-written writer that
uses the standard Adobe CNS1 font MSung-Light with the UniCNS-UCS2-H encoding (viewers substitute
a CJK font; nothing is embedded) and a ToUnicode CMap, so pypdf extracts the exact text.

    python -m bench.corpus OUT_DIR --docs 2000
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import itertools
import json
import random
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

LEGAL_TERMS_TC = """
合同 合約 契約 違約 責任 賠償 損害 訴訟 仲裁 判決 裁定 上訴 執行 原告 被告 第三人 代理 委託 授權
律師 法院 證據 證人 鑑定 保全 查封 扣押 凍結 債權 債務 擔保 抵押 質押 保證 利息 違約金 定金 租賃
買賣 借款 勞動 工資 解除 終止 履行 交付 貨款 股權 公司 董事 股東 清算 破產 侵權 知識產權 商標 專利
著作權 婚姻 離婚 撫養 繼承 遺囑 房產 土地 建設工程 工程款 醫療 交通事故 保險 理賠 行政 處罰 復議
刑事 辯護 取保候審 羈押 起訴 管轄 時效 送達 調解 和解 撤訴 反訴 答辯 舉證 質證 庭審 開庭 判令
承擔 支付 返還 不當得利 無因管理 連帶 免責 不可抗力 情勢變更 要約 承諾 效力 無效 撤銷 追認
代位 抵銷 提存 保密 競業限制 經濟補償 社會保險 工傷 仲裁委員會 人民法院 檢察院 公安機關 委託書
授權委託 特別授權 一般授權 律師費 訴訟費 鑑定費 保全費 執行費 第一審 第二審 再審 申訴 強制執行
財產線索 債權轉讓 債務承擔 合夥 個體工商戶 法定代表人 統一社會信用代碼 身份證 營業執照 公證 認證
""".split()  # noqa: SIM905

LEGAL_TERMS_EN = """
contract agreement breach liability damages indemnity arbitration litigation judgment appeal
plaintiff defendant counsel attorney court evidence witness injunction enforcement guarantee
mortgage pledge lease tenancy purchase loan interest penalty termination rescission performance
delivery payment shareholder director liquidation bankruptcy infringement trademark patent
copyright divorce custody inheritance probate property construction insurance claim
confidentiality jurisdiction limitation settlement mediation deposition discovery subpoena
affidavit statute regulation compliance negligence warranty representation covenant assignment
novation waiver estoppel consideration remedy tort fiduciary trustee escrow notary memorandum
""".split()  # noqa: SIM905

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴"
COMPANY_TAILS = [
    "科技有限公司",
    "貿易有限公司",
    "建設工程有限公司",
    "實業股份有限公司",
    "投資管理有限公司",
    "物流有限公司",
    "餐飲管理有限公司",
    "醫療器械有限公司",
    "文化傳媒有限公司",
]
CITIES = [
    "上海",
    "北京",
    "廣州",
    "深圳",
    "杭州",
    "南京",
    "成都",
    "武漢",
    "台北",
    "香港",
    "蘇州",
    "廈門",
]
SYLLABLES = [c + v for c in "bkrmntsldgpvz" for v in "aeiou"] + [
    v + c for v in "aeiou" for c in "nr"
]
SECTIONS = ["basic", "contract", "case", "work", "complaint"]
SECTION_WEIGHTS = [1, 2, 10, 5, 1]
KINDS = ["txt", "docx", "pdf"]
KIND_WEIGHTS = [4, 4, 2]


@lru_cache(maxsize=1)
def _common_chars_tc() -> str:
    """The 3,755 level-1 GB2312 characters, in Traditional form (OpenCC s2t)."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.append(bytes([hi, lo]).decode("gb2312"))
    text = "".join(chars)
    try:
        import opencc

        text = opencc.OpenCC("s2t").convert(text)
    except ImportError:  # pragma: no cover - opencc is a project dependency
        pass
    return "".join(dict.fromkeys(text))


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


class Vocabulary:
    """Chinese and English words with Zipf-like weights (rank r has weight 1 / r**s)."""

    def __init__(self, rng: random.Random, zh_size: int, en_size: int, s: float = 1.05) -> None:
        chars = _common_chars_tc()
        zh = list(dict.fromkeys(LEGAL_TERMS_TC))
        seen = set(zh)
        while len(zh) < zh_size:
            n = 2 if rng.random() < 0.8 else 3
            word = "".join(rng.choice(chars) for _ in range(n))
            if word not in seen:
                seen.add(word)
                zh.append(word)
        en = list(dict.fromkeys(LEGAL_TERMS_EN))
        seen = set(en)
        while len(en) < en_size:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
            if word not in seen:
                seen.add(word)
                en.append(word)
        # Shuffle the synthetic tail but keep the real legal terms among the frequent ranks.
        head_zh, tail_zh = zh[: len(LEGAL_TERMS_TC)], zh[len(LEGAL_TERMS_TC) :]
        rng.shuffle(head_zh)
        rng.shuffle(tail_zh)
        self.zh = _interleave(head_zh, tail_zh, every=3)
        head_en, tail_en = en[: len(LEGAL_TERMS_EN)], en[len(LEGAL_TERMS_EN) :]
        rng.shuffle(head_en)
        rng.shuffle(tail_en)
        self.en = _interleave(head_en, tail_en, every=3)
        self.zh_cum = _cumulative(len(self.zh), s, q=30)
        self.en_cum = _cumulative(len(self.en), s, q=30)

    def words(self, rng: random.Random, lang: str, k: int) -> list[str]:
        pool, cum = (self.zh, self.zh_cum) if lang == "zh" else (self.en, self.en_cum)
        return rng.choices(pool, cum_weights=cum, k=k)

    def rank_range(self, rng: random.Random, lang: str, lo: int, hi: int) -> str:
        pool = self.zh if lang == "zh" else self.en
        return pool[rng.randrange(lo, min(hi, len(pool)))]


def _interleave(head: list[str], tail: list[str], every: int) -> list[str]:
    out: list[str] = []
    it = iter(tail)
    for i, word in enumerate(head):
        out.append(word)
        if i % every == every - 1:
            out.extend(itertools.islice(it, 1))
    out.extend(it)
    return out


def _cumulative(n: int, s: float, q: float = 0.0) -> list[float]:
    """Cumulative Zipf-Mandelbrot weights 1 / (rank + q) ** s."""
    return list(itertools.accumulate(1.0 / ((r + q) ** s) for r in range(1, n + 1)))


# ------------------------------------------------------------------------------ entities
@dataclass
class Matter:
    index: int
    title: str
    lawyer: str


@dataclass
class Client:
    index: int
    name: str
    kind: str
    id_number: str
    matters: list[Matter] = field(default_factory=list)


@dataclass
class Doc:
    path: str  # relative to the corpus root
    client: int  # index into clients
    matter: int | None  # index into that client's matters
    section: str
    kind: str
    script: str  # "tc", "sc" or "en"
    title: str
    size: int = 0
    text: str = ""  # the exact text that was written (for raw references)


def _person(rng: random.Random) -> str:
    chars = _common_chars_tc()
    return rng.choice(SURNAMES) + "".join(rng.choice(chars) for _ in range(rng.choice((1, 2, 2))))


def _company(rng: random.Random) -> str:
    chars = _common_chars_tc()
    return (
        rng.choice(CITIES)
        + "".join(rng.choice(chars) for _ in range(2))
        + rng.choice(COMPANY_TAILS)
    )


def make_clients(rng: random.Random, n: int, lawyers: list[str]) -> list[Client]:
    clients = []
    matter_titles = [
        "買賣合同糾紛",
        "借款合同糾紛",
        "勞動爭議",
        "租賃合同糾紛",
        "建設工程施工合同糾紛",
        "股權轉讓糾紛",
        "離婚糾紛",
        "繼承糾紛",
        "侵害商標權糾紛",
        "交通事故責任糾紛",
    ]
    taken: set[str] = set()
    for i in range(n):
        company = rng.random() < 0.45
        name = _company(rng) if company else _person(rng)
        id_number = (
            f"91{rng.randrange(10**15, 10**16)}X" if company else f"A{rng.randrange(10**8, 10**9)}"
        )
        while name in taken:
            name = _company(rng) if company else _person(rng)
        taken.add(name)
        c = Client(i, name, "company" if company else "person", id_number)
        for m in range(rng.choice((1, 1, 2, 3))):
            c.matters.append(Matter(m, rng.choice(matter_titles), rng.choice(lawyers)))
        clients.append(c)
    return clients


# ------------------------------------------------------------------------------ text
# Function words and particles: in real Chinese prose about a third of the characters; they
# also keep the number of distinct bigrams (index terms) realistic.
FUNCTION_WORDS = [
    "的",
    "的",
    "的",
    "了",
    "在",
    "是",
    "和",
    "與",
    "及",
    "或",
    "對",
    "於",
    "由",
    "向",
    "應",
    "將",
    "已",
    "並",
    "之",
    "其",
    "為",
    "按照",
    "依據",
    "經",
    "所",
    "被",
    "未",
    "不",
    "有",
    "就",
    "該",
    "本",
    "雙方",
    "甲方",
    "乙方",
    "如",
    "若",
    "後",
    "前",
    "中",
]


def _zh_sentence(rng: random.Random, vocab: Vocabulary) -> str:
    content = vocab.words(rng, "zh", rng.randint(5, 12))
    words: list[str] = []
    for w in content:
        words.append(w)
        if rng.random() < 0.6:
            words.append(rng.choice(FUNCTION_WORDS))
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), f"人民幣{rng.randrange(1000, 9_999_999):,}元")
    if rng.random() < 0.1:
        words.insert(
            rng.randrange(len(words)),
            f"（{rng.randrange(2015, 2027)}）滬{rng.randrange(100, 999):04d}民初"
            f"{rng.randrange(1, 99999)}號",
        )
    return "".join(words) + rng.choice("。。。；，")


def _en_sentence(rng: random.Random, vocab: Vocabulary) -> str:
    words = vocab.words(rng, "en", rng.randint(8, 20))
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def make_paragraphs(
    rng: random.Random, vocab: Vocabulary, script: str, target_chars: int, header: str
) -> list[str]:
    paras = [header]
    total = len(header)
    while total < target_chars:
        english = script == "en" or rng.random() < 0.12
        sentences = [
            (_en_sentence if english else _zh_sentence)(rng, vocab)
            for _ in range(rng.randint(2, 5))
        ]
        para = (" " if english else "").join(sentences)
        paras.append(para)
        total += len(para)
    if script == "sc":
        paras = [to_simplified(p) for p in paras]
    return paras


# ------------------------------------------------------------------------------ writers
def write_txt(path: Path, paras: list[str], rng: random.Random) -> int:
    data = "\n\n".join(paras).encode("utf-8")
    path.write_bytes(data)
    return len(data)


_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w_para(text: str, bold: bool = False) -> str:
    rpr = '<w:rPr><w:rFonts w:eastAsia="PMingLiU"/>' + ("<w:b/>" if bold else "") + "</w:rPr>"
    return f'<w:p><w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def docx_bytes(paras: list[str], table: list[list[str]] | None = None) -> bytes:
    """A minimal, valid .docx (python-docx, Word and LibreOffice open it)."""
    import io

    body = [_w_para(paras[0], bold=True)]
    body += [_w_para(p) for p in paras[1:]]
    if table:
        rows = "".join(
            "<w:tr>" + "".join(f"<w:tc>{_w_para(c)}</w:tc>" for c in row) + "</w:tr>"
            for row in table
        )
        grid = "".join('<w:gridCol w:w="3000"/>' for _ in table[0])
        body.insert(
            2,
            f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>",
        )
    doc = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}"><w:body>{"".join(body)}'
        f'<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


def write_docx(path: Path, paras: list[str], rng: random.Random) -> int:
    table = None
    if rng.random() < 0.5:
        table = [["項目", "金額", "備註"]] + [
            [rng.choice(LEGAL_TERMS_TC), f"{rng.randrange(100, 99999):,}", rng.choice(CITIES)]
            for _ in range(rng.randint(1, 4))
        ]
    data = docx_bytes(paras, table)
    path.write_bytes(data)
    return len(data)


def _to_unicode_cmap(codes: set[int]) -> bytes:
    """A ToUnicode CMap for the codes used (UCS-2 code = Unicode), as PDF writers emit."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    used = sorted(codes)
    for start in range(0, len(used), 100):
        chunk = used[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{c:04X}> <{c:04X}>" for c in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _wrap(paras: list[str], width: int = 34) -> list[str]:
    """Lines of at most `width` full-width cells (Latin letters count as half)."""
    out: list[str] = []
    for p in paras:
        line, w = [], 0.0
        for ch in p:
            cw = 0.5 if ord(ch) < 0x2E80 else 1.0
            if w + cw > width:
                out.append("".join(line))
                line, w = [], 0.0
            line.append(ch)
            w += cw
        out.append("".join(line))
        out.append("")
    return out


def pdf_bytes(paras: list[str], lines_per_page: int = 44) -> bytes:
    """A text PDF: MSung-Light / UniCNS-UCS2-H (not embedded) with a ToUnicode CMap."""
    lines = [ln for ln in _wrap(paras)]
    pages = [lines[i : i + lines_per_page] for i in range(0, max(len(lines), 1), lines_per_page)]
    objs: dict[int, bytes] = {}
    font_id, desc_id, tounicode_id, fontdesc_id = 3, 4, 5, 6
    first_page = 7
    kids = []
    for n, page in enumerate(pages):
        pid, cid = first_page + 2 * n, first_page + 2 * n + 1
        kids.append(f"{pid} 0 R")
        ops = ["BT", "/F1 14 Tf", "16 TL", "56 790 Td"]
        for ln in page:
            hexs = "".join(
                f"{ord(c):04X}" for c in ln if ord(c) < 0x10000 and not 0xD800 <= ord(c) <= 0xDFFF
            )
            ops.append(f"<{hexs}> Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("ascii")
        objs[cid] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objs[pid] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> "
            f"/Contents {cid} 0 R >>"
        ).encode()
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    objs[font_id] = (
        f"<< /Type /Font /Subtype /Type0 /BaseFont /MSung-Light "
        f"/Encoding /UniCNS-UCS2-H /DescendantFonts [{desc_id} 0 R] "
        f"/ToUnicode {tounicode_id} 0 R >>"
    ).encode()
    objs[desc_id] = (
        f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /MSung-Light "
        f"/CIDSystemInfo << /Registry (Adobe) /Ordering (CNS1) /Supplement 4 >> "
        f"/FontDescriptor {fontdesc_id} 0 R /DW 1000 >>"
    ).encode()
    cmap = _to_unicode_cmap(
        {ord(c) for ln in lines for c in ln if ord(c) < 0x10000 and not 0xD800 <= ord(c) <= 0xDFFF}
    )
    objs[tounicode_id] = b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"
    objs[fontdesc_id] = (
        b"<< /Type /FontDescriptor /FontName /MSung-Light /Flags 6 "
        b"/FontBBox [-160 -249 1015 1071] /ItalicAngle 0 /Ascent 880 "
        b"/Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    total = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % total
    for num in range(1, total):
        out += b"%010d 00000 n \n" % offsets[num]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (total, xref)
    return bytes(out)


def write_pdf(path: Path, paras: list[str], rng: random.Random) -> int:
    data = pdf_bytes(paras)
    path.write_bytes(data)
    return len(data)


WRITERS = {"txt": write_txt, "docx": write_docx, "pdf": write_pdf}


# ------------------------------------------------------------------------------ corpus
@dataclass
class Corpus:
    root: Path
    clients: list[Client]
    docs: list[Doc]
    queries: list[str]
    lawyers: list[str]

    @property
    def total_bytes(self) -> int:
        return sum(d.size for d in self.docs)

    def paths(self) -> Iterator[Path]:
        for d in self.docs:
            yield self.root / d.path


def generate(
    root: Path,
    n_docs: int,
    *,
    seed: int = 20260301,
    n_queries: int = 300,
    avg_chars: int = 1500,
    lawyers: list[str] | None = None,
    keep_text: bool = True,
) -> Corpus:
    """Write `n_docs` documents under root/<client>/<section>/ and return the description.

    Also writes root/corpus.json (clients, matters, documents without text) and
    root/queries.json. Size scales the vocabulary too (about 15 Chinese words per document,
    at least 20,000), so the corpus does not become denser as it grows."""
    rng = random.Random(seed)
    lawyers = lawyers or ["lin", "zhao", "chen", "huang"]
    vocab = Vocabulary(rng, zh_size=max(20_000, n_docs * 15), en_size=max(8_000, n_docs * 3))
    n_clients = max(3, n_docs // 40)
    clients = make_clients(rng, n_clients, lawyers)
    root.mkdir(parents=True, exist_ok=True)
    docs: list[Doc] = []
    # a few big clients and many small ones
    client_cum = _cumulative(n_clients, 0.6)
    for i in range(n_docs):
        c = clients[bisect.bisect_left(client_cum, rng.random() * client_cum[-1])]
        section = rng.choices(SECTIONS, SECTION_WEIGHTS)[0]
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        script = rng.choices(["tc", "sc", "en"], [6, 3, 1])[0]
        matter = rng.randrange(len(c.matters)) if section in ("case", "work", "contract") else None
        title_words = vocab.words(rng, "en" if script == "en" else "zh", 3)
        title = (" ".join(title_words) if script == "en" else "".join(title_words)) + f" {i:06d}"
        header = f"{c.name} {c.matters[matter].title if matter is not None else ''} {title}"
        target = int(rng.lognormvariate(0, 0.5) * avg_chars)
        paras = make_paragraphs(rng, vocab, script, max(200, target), header.strip())
        folder = root / f"c{c.index:05d}" / section
        folder.mkdir(parents=True, exist_ok=True)
        rel = f"c{c.index:05d}/{section}/d{i:06d}.{kind}"
        size = WRITERS[kind](root / rel, paras, rng)
        text = "\n".join(paras) if keep_text else ""
        docs.append(Doc(rel, c.index, matter, section, kind, script, title, size, text))
    queries = make_queries(rng, vocab, n_queries)
    corpus = Corpus(root, clients, docs, queries, lawyers)
    (root / "corpus.json").write_text(
        json.dumps(
            {
                "seed": seed,
                "lawyers": lawyers,
                "clients": [asdict(c) for c in clients],
                "docs": [{k: v for k, v in asdict(d).items() if k != "text"} for d in docs],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    (root / "queries.json").write_text(
        json.dumps(queries, ensure_ascii=False, indent=0), encoding="utf-8"
    )
    return corpus


def make_queries(rng: random.Random, vocab: Vocabulary, n: int) -> list[str]:
    """1-3 term queries: Chinese words of middle frequency (either script), English words, a few
    legal terms and a quoted phrase now and then."""
    queries = []
    for _ in range(n):
        terms = []
        for _t in range(rng.choices([1, 2, 3], [5, 4, 2])[0]):
            r = rng.random()
            if r < 0.55:
                word = vocab.rank_range(rng, "zh", 20, 3000)
                if rng.random() < 0.4:
                    word = to_simplified(word)
            elif r < 0.8:
                word = vocab.rank_range(rng, "en", 10, 2000)
            else:
                word = rng.choice(LEGAL_TERMS_TC)
            terms.append(word)
        queries.append(" ".join(terms))
    return queries


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out", type=Path)
    p.add_argument("--docs", type=int, default=2000)
    p.add_argument("--seed", type=int, default=20260301)
    a = p.parse_args(argv)
    c = generate(a.out, a.docs, seed=a.seed, keep_text=False)
    print(
        f"{len(c.docs)} documents, {len(c.clients)} clients, {c.total_bytes / 2**20:.1f} MB "
        f"in {a.out}"
    )


if __name__ == "__main__":
    main()
