"""Client numbering by a person's surname reading: polyphonic and compound surnames."""

from __future__ import annotations

from typing import Any

import pytest

from archivist.core.numbering import class_letter

# name -> class; each of these is read wrongly by the ordinary pinyin of its first character(s)
# or is a compound surname whose second character would otherwise be ignored
PEOPLE = {
    "曾志明": "Z",
    "單小雲": "S",
    "单晓云": "S",
    "解大同": "X",
    "區美玲": "O",
    "区美玲": "O",
    "尉遲恭": "Y",
    "尉迟恭": "Y",
    "萬俟卨": "M",
    "万俟卨": "M",
    "歐陽志遠": "O",
    "欧阳志远": "O",
    "司馬光": "S",
    "仇英": "Q",
    "朴正民": "P",
    "查良鏞": "Z",
    "翟志剛": "Z",
    "樂和": "Y",
    "蓋聶": "G",
    "覃宏": "Q",
    "種師道": "C",
    "繆蘭": "M",
    "員半千": "Y",
    "祭遵": "Z",
    "召伯": "S",
    "隗囂": "W",
    "冼星海": "X",
    "黑齒常之": "H",
    "宓子賤": "F",
    "沈從文": "S",
    "長孫無忌": "Z",
    "澹臺滅明": "T",
    "單于夜": "C",
    "諸葛亮": "Z",
    "上官婉兒": "S",
    "皇甫謐": "H",
    "令狐沖": "L",
    "慕容復": "M",
    "鍾離春": "Z",
    "張簡金水": "Z",
    "范姜新熹": "F",
    "宇文泰": "Y",
    "夏侯惇": "X",
    "軒轅明": "X",
    "闞澤": "K",
    "紀曉嵐": "J",
    "華佗": "H",
    "曲波": "Q",
    "薄熙": "B",
    "陳大文": "C",
    "王美": "W",
}


@pytest.mark.parametrize("name,letter", PEOPLE.items())
def test_a_persons_class_comes_from_the_surname_reading(name: str, letter: str) -> None:
    assert class_letter(name, person=True) == letter


def test_the_list_is_long_enough() -> None:
    assert len(PEOPLE) >= 40


def test_companies_keep_the_ordinary_reading() -> None:
    assert class_letter("曾氏貿易有限公司") == "C"  # céng, as pinyin reads it
    assert class_letter("單一科技股份有限公司") == "D"
    assert class_letter("曾志明") == "C"  # without person=True


def test_client_add_numbers_people_by_surname_and_takes_an_override(invoke: Any) -> None:
    out = invoke.json("client", "add", "--name", "曾志明", "--kind", "person")
    assert out["number"].startswith("Z")
    out = invoke.json("client", "add", "--name", "曾氏貿易有限公司", "--kind", "company")
    assert out["number"].startswith("C")
    out = invoke.json("client", "add", "--name", "樂小文", "--kind", "person", "--class", "l")
    assert out["number"].startswith("L")
    r = invoke("client", "add", "--name", "某人", "--kind", "person", "--class", "1", code=1)
    assert "one letter" in r.output and "Traceback" not in r.output
