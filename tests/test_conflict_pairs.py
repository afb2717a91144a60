"""The conflict check's name matching on a list of pairs a firm would meet (issue 21): every pair
that should match is found, and no pair that must not match is found (so none can block).

Each registered client is on file once; each searched name is checked against the whole
register, and only the hit on that pair's client is looked at."""

from __future__ import annotations

from typing import Any

import pytest

from archivist.matters import conflicts

# registered client: (kind, other names) -> [(searched, should match?)]
CLIENTS: dict[str, tuple[str, dict[str, list[str]]]] = {
    "永豐精密工業股份有限公司": ("company", {}),
    "宏達科技": ("company", {}),
    "陳大文": ("person", {}),
    "Jonathan O'Brien": ("person", {}),
    "Acme Trading Co., Ltd.": ("company", {}),
    "台灣積體電路製造股份有限公司": ("company", {"aliases": ["台積電", "TSMC"]}),
    "華南商業銀行股份有限公司": ("company", {}),
    "中國石油化工集團": ("company", {}),
    "Global Tech Limited": ("company", {}),
    "Li Wei Ming": ("person", {}),
    "長榮海運股份有限公司": ("company", {"former_names": ["長榮海運企業"]}),
    "恒星實業有限公司": (
        "company",
        {"related": ["恒星控股股份有限公司", "王建國"], "relations": ["parent", "director"]},
    ),
    "Blue Ocean Shipping Inc.": (
        "company",
        {"related": ["Blue Ocean Holdings LLC"], "relations": ["parent"]},
    ),
    "林氏律師事務所": ("organization", {}),
    "ＡＢＣ電子有限公司": ("company", {}),
    "Maria Garcia Lopez": ("person", {}),
}

PAIRS: list[tuple[str, str, bool]] = [
    # legal-form suffixes, Traditional/Simplified, containment
    ("永豐精密工業股份有限公司", "永豐精密", True),
    ("永豐精密工業股份有限公司", "永豐精密工業", True),
    ("永豐精密工業股份有限公司", "永豐精密工業有限公司", True),
    ("永豐精密工業股份有限公司", "永丰精密工业股份有限公司", True),
    ("永豐精密工業股份有限公司", "永豐精密工業(股)公司", True),
    ("永豐精密工業股份有限公司", "永豐精密工業 Co., Ltd.", True),
    ("永豐精密工業股份有限公司", "永豐銀行", False),
    ("永豐精密工業股份有限公司", "永豐", False),
    ("永豐精密工業股份有限公司", "精密", False),
    ("宏達科技", "宏達科技(股)公司", True),
    ("宏達科技", "宏达科技有限公司", True),
    ("宏達科技", "宏達科技集團", True),
    ("宏達科技", "宏達科技股份有限公司", True),
    ("宏達科技", "宏達電子", False),
    ("宏達科技", "宏達", False),
    ("宏達科技", "科技公司", False),
    # persons, script, width, spacing
    ("陳大文", "陈大文", True),
    ("陳大文", "陳　大文", True),
    ("陳大文", "陳 大 文", True),
    ("陳大文", "陳大武", False),
    ("陳大文", "陳文", False),
    ("陳大文", "大文", False),
    ("Jonathan O'Brien", "o'brien", True),
    ("Jonathan O'Brien", "jonathan obrien", True),
    ("Jonathan O'Brien", "O’Brien Jonathan", True),
    ("Jonathan O'Brien", "JONATHAN O'BRIEN", True),
    ("Jonathan O'Brien", "Jonathan Brien", False),
    ("Jonathan O'Brien", "Jonathan", False),
    # Latin companies
    ("Acme Trading Co., Ltd.", "ACME TRADING LIMITED", True),
    ("Acme Trading Co., Ltd.", "Acme Trading", True),
    ("Acme Trading Co., Ltd.", "ａｃｍｅ　ｔｒａｄｉｎｇ", True),
    ("Acme Trading Co., Ltd.", "Acme Trading Inc.", True),
    ("Acme Trading Co., Ltd.", "Acme", False),
    ("Acme Trading Co., Ltd.", "Acme Tradings Co., Ltd.", False),
    ("Acme Trading Co., Ltd.", "Apex Trading Co., Ltd.", False),
    ("Global Tech Limited", "Global Tech Corp.", True),
    ("Global Tech Limited", "Global Trade Limited", False),
    ("Global Tech Limited", "Tech Global Ltd", True),
    ("Li Wei Ming", "Ming Li Wei", True),
    ("Li Wei Ming", "Li Wei", True),
    ("Li Wei Ming", "Li Ming", False),
    ("Maria Garcia Lopez", "Maria Garcia", True),
    ("Maria Garcia Lopez", "garcia lopez", True),
    ("Maria Garcia Lopez", "Maria Lopez Garcia", True),
    ("Maria Garcia Lopez", "Maria Gomez", False),
    # aliases, former names, related parties (parents, directors)
    ("台灣積體電路製造股份有限公司", "台積電", True),
    ("台灣積體電路製造股份有限公司", "tsmc", True),
    ("台灣積體電路製造股份有限公司", "台湾积体电路", True),
    ("台灣積體電路製造股份有限公司", "台灣電力公司", False),
    ("長榮海運股份有限公司", "長榮海運企業", True),
    ("長榮海運股份有限公司", "长荣海运", True),
    ("長榮海運股份有限公司", "長榮航空", False),
    ("恒星實業有限公司", "恒星控股股份有限公司", True),
    ("恒星實業有限公司", "恆星控股有限公司", True),  # 恆 is the Traditional form of 恒
    ("恒星實業有限公司", "恒昌控股有限公司", False),
    ("恒星實業有限公司", "王建國", True),
    ("恒星實業有限公司", "王建民", False),
    ("Blue Ocean Shipping Inc.", "Blue Ocean Holdings", True),
    ("Blue Ocean Shipping Inc.", "Blue Ocean Shipping Ltd", True),
    ("Blue Ocean Shipping Inc.", "Red Ocean Shipping Inc.", False),
    # banks and groups that share words but are different firms
    ("華南商業銀行股份有限公司", "華南商業銀行", True),
    ("華南商業銀行股份有限公司", "华南商业银行有限公司", True),
    ("華南商業銀行股份有限公司", "華南銀行", False),
    ("華南商業銀行股份有限公司", "南商業銀", True),
    ("中國石油化工集團", "中國石油化工股份有限公司", True),
    ("中國石油化工集團", "中國石油天然氣集團", False),
    ("中國石油化工集團", "中國石油", True),
    # organisations and full-width letters
    ("林氏律師事務所", "林氏律師", True),
    ("林氏律師事務所", "林氏", False),
    ("ＡＢＣ電子有限公司", "ABC電子", True),
    ("ＡＢＣ電子有限公司", "ABD電子", False),
]


def test_the_list_is_long_enough() -> None:
    assert len(PAIRS) >= 60
    assert sum(1 for *_, ok in PAIRS if ok) >= 30 and sum(1 for *_, ok in PAIRS if not ok) >= 20


@pytest.fixture
def register(ctx: Any, make_client: Any) -> dict[str, Any]:
    return {name: make_client(name, kind=kind, **extra) for name, (kind, extra) in CLIENTS.items()}


def test_no_miss_and_no_false_block(ctx: Any, register: dict[str, Any]) -> None:
    misses, false_hits = [], []
    with ctx.ledger.read() as conn:
        for registered, searched, should in PAIRS:
            number = register[registered].number
            hits = [
                h
                for h in conflicts.search(conn, [searched], settings=ctx.settings.conflicts)
                if h.client_number == number and h.where == "client"
            ]
            if should and not hits:
                misses.append((registered, searched))
            if not should and hits:
                false_hits.append((registered, searched, [(h.rule, h.strength) for h in hits]))
            for h in hits:  # each hit says which rule matched and how strongly
                assert h.rule and 0 < h.strength <= 100
    assert misses == [] and false_hits == []


def test_the_strength_decides_what_blocks(ctx: Any, register: dict[str, Any]) -> None:
    block = ctx.settings.conflicts.block_strength
    with ctx.ledger.read() as conn:
        by_name = {
            s: {h.rule: h.strength for h in conflicts.search(conn, [s]) if h.where == "client"}
            for s in (
                "永豐精密工業有限公司",
                "永豐精密",
                "o'brien",
                "台積電",
                "恒星控股股份有限公司",
            )
        }
    assert by_name["永豐精密工業有限公司"] == {"same-name-normalised": 95}
    assert by_name["永豐精密"]["contains"] >= block  # four characters of a six-character name
    assert by_name["o'brien"]["surname"] < block  # a surname alone warns
    assert by_name["台積電"]["same-name"] == 90  # an alias
    assert by_name["恒星控股股份有限公司"] == {"same-name": 80}  # a parent company


def test_a_consultation_checks_the_names_it_gives_and_warns(invoke: Any, make_client: Any) -> None:
    make_client("永豐精密工業股份有限公司", kind="company")
    enquirer = make_client("李小姐")
    out = invoke(
        "consult",
        "log",
        enquirer.number,
        "--channel",
        "phone",
        "--summary",
        "想告供應商",
        "--party",
        "永豐精密工業有限公司",
    )
    assert "Y0001" in out.output and "ZX" in out.output  # warned, and logged
    checks = invoke.json("conflict", "list")
    assert checks[0]["purpose"] == "consultation" and checks[0]["result"] == "hits"
    assert checks[0]["hits"][0]["rule"] == "same-name-normalised"


def test_what_blocks_is_configurable(home_dir: Any, invoke: Any, make_client: Any) -> None:
    make_client("永豐精密工業股份有限公司", kind="company")
    enquirer = make_client("李小姐")
    args = ("matter", "open", enquirer.number, "--type", "civil", "--title", "x", "--lawyer", "lin")
    invoke(*args, "--opposing", "永豐精密", code=1)  # containment blocks by default
    config = home_dir / "archivist.toml"
    text = config.read_text(encoding="utf-8")
    assert "block_strength = 70" in text  # init writes the setting, commented
    config.write_text(text.replace("block_strength = 70", "block_strength = 90"), encoding="utf-8")
    opened = invoke(*args, "--opposing", "永豐精密")  # now it only warns
    assert "Y0001" in opened.output
    invoke(*args, "--opposing", "永豐精密工業有限公司", code=1)  # 95 still blocks


def test_other_names_through_the_command_line(invoke: Any) -> None:
    made = invoke.json(
        "client",
        "add",
        "--name",
        "永豐精密工業股份有限公司",
        "--kind",
        "company",
        "--alias",
        "永豐精密",
        "--related",
        "永豐控股股份有限公司",
        "--relation",
        "parent",
    )
    invoke(
        "client",
        "add",
        "--name",
        "x",
        "--kind",
        "person",
        "--related",
        "y",
        "--relation",
        "cousin",
        code=1,
    )
    invoke("client", "edit", made["number"], "--name", "永豐精密科技股份有限公司")
    shown = invoke.json("client", "show", made["number"])
    assert {(o["kind"], o["name"], o["relation"]) for o in shown["other_names"]} == {
        ("alias", "永豐精密", None),
        ("related", "永豐控股股份有限公司", "parent"),
        ("former", "永豐精密工業股份有限公司", None),  # renamed: the old name is still searched
    }
    hits = invoke.json("conflict", "check", "永豐控股有限公司")["hits"]
    assert hits[0]["match"] == "related-party" and "parent of client" in hits[0]["detail"]
    assert (
        invoke.json("conflict", "check", "永豐精密工業有限公司")["hits"][0]["match"]
        == "former-name"
    )


def test_what_a_lawyer_sees_of_a_hit(invoke: Any, make_client: Any, ctx: Any) -> None:
    make_client("陳大文", id_number="A123456789")
    seen = invoke.json("conflict", "check", "陈大文", user="lin")["hits"]
    assert seen[0]["kind"] == "our-client" and seen[0]["found"] == "[redacted]"
    assert "C0001" not in str(seen) and "陳大文" not in str(seen)
    assert invoke.json("conflict", "check", "陈大文")["hits"][0]["found"] == "陳大文"  # archivist
    out = invoke("conflict", "check", "--id-number", "A123456789", user="lin", ok=False)
    assert "identity number" in out.output


def test_a_lawyer_refused_a_party_is_not_told_who_the_other_client_is(
    ctx: Any, invoke: Any, make_client: Any
) -> None:
    from archivist.matters import service as matters

    make_client("永豐精密工業股份有限公司", kind="company")
    mine = make_client("李四")
    number = matters.open_matter(ctx, mine.number, "civil", "x", ["lin"]).matter.number
    out = invoke("matter", "party", number, "--opposing", "永豐精密", user="lin", code=1)
    assert "conflict of interest" in out.output and "the firm's client" in out.output
    assert "Y0001" not in out.output and "永豐精密工業" not in out.output
    full = invoke.json("conflict", "list")[0]["hits"][0]  # the kept check holds everything
    assert full["client_number"] == "Y0001"
