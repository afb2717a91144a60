"""Surname readings for numbering clients by name (policy 客戶檔案管理 一).

A person's name starts with the surname, and surnames are read differently from the same
characters in words: 曾 is Zēng (not céng), 單 Shàn, 解 Xiè, 區 Ōu, 尉遲 Yùchí, 萬俟 Mòqí.
Compound surnames are matched first (two characters), then single ones; the table holds
Traditional and Simplified forms. The value is the first letter of the surname's pinyin.
Company and organisation names keep the ordinary reading."""

from __future__ import annotations

# compound surnames (複姓), Traditional and Simplified
COMPOUND: dict[str, str] = {
    "歐陽": "O",
    "欧阳": "O",
    "司馬": "S",
    "司马": "S",
    "尉遲": "Y",
    "尉迟": "Y",
    "萬俟": "M",
    "万俟": "M",
    "上官": "S",
    "諸葛": "Z",
    "诸葛": "Z",
    "東方": "D",
    "东方": "D",
    "皇甫": "H",
    "令狐": "L",
    "公孫": "G",
    "公孙": "G",
    "慕容": "M",
    "長孫": "Z",
    "长孙": "Z",
    "宇文": "Y",
    "澹臺": "T",
    "澹台": "T",
    "單于": "C",
    "单于": "C",
    "夏侯": "X",
    "軒轅": "X",
    "轩辕": "X",
    "鍾離": "Z",
    "钟离": "Z",
    "司徒": "S",
    "司空": "S",
    "端木": "D",
    "申屠": "S",
    "公冶": "G",
    "太史": "T",
    "南宮": "N",
    "南宫": "N",
    "濮陽": "P",
    "濮阳": "P",
    "拓跋": "T",
    "呼延": "H",
    "聞人": "W",
    "闻人": "W",
    "赫連": "H",
    "赫连": "H",
    "百里": "B",
    "東郭": "D",
    "东郭": "D",
    "西門": "X",
    "西门": "X",
    "左丘": "Z",
    "第五": "D",
    "張簡": "Z",
    "张简": "Z",  # Taiwan
    "范姜": "F",  # Taiwan
}

# single surnames whose surname reading differs from the character's usual one
SINGLE: dict[str, str] = {
    "曾": "Z",  # Zēng
    "單": "S",
    "单": "S",  # Shàn
    "解": "X",  # Xiè
    "區": "O",
    "区": "O",  # Ōu
    "仇": "Q",  # Qiú
    "朴": "P",  # Piáo
    "查": "Z",  # Zhā
    "翟": "Z",  # Zhái
    "樂": "Y",
    "乐": "Y",  # Yuè
    "尉": "Y",  # Yù
    "繁": "P",  # Pó
    "蓋": "G",
    "盖": "G",  # Gě
    "覃": "Q",  # Qín
    "種": "C",
    "种": "C",  # Chóng
    "繆": "M",
    "缪": "M",  # Miào
    "員": "Y",
    "员": "Y",  # Yùn
    "祭": "Z",  # Zhài
    "秘": "B",  # Bì
    "召": "S",  # Shào
    "莘": "S",  # Shēn
    "隗": "W",  # Wěi
    "折": "S",  # Shé
    "洗": "X",  # Xiǎn
    "冼": "X",  # Xiǎn
    "黑": "H",  # Hè
    "宓": "F",  # Fú
    "過": "G",
    "过": "G",  # Guō
    "句": "G",  # Gōu
    "沈": "S",  # Shěn
    "長": "C",
    "长": "C",  # Cháng
    "藏": "Z",  # Zàng
    "都": "D",  # Dū
    "薄": "B",  # Bó
    "角": "J",  # Jué
    "能": "N",  # Nài
    "重": "C",  # Chóng
    "華": "H",
    "华": "H",  # Huà
    "適": "K",
    "适": "K",  # Kuò
    "紀": "J",
    "纪": "J",  # Jǐ
    "殷": "Y",  # Yīn
    "曲": "Q",  # Qū
    "盛": "S",  # Shèng
    "朝": "C",  # Cháo
    "相": "X",  # Xiàng
    "闞": "K",
    "阚": "K",  # Kàn
    "燕": "Y",  # Yān
    "褚": "C",  # Chǔ
    "任": "R",  # Rén
    "賁": "B",
    "贲": "B",  # Bēn
}


def surname_letter(name: str) -> str | None:
    """The class letter of a person's name from its surname's reading, or None when the
    name does not start with a surname of the table (the ordinary reading applies)."""
    text = name.strip()
    if text[:2] in COMPOUND:
        return COMPOUND[text[:2]]
    return SINGLE.get(text[:1])
