"""Key commands in both languages (issue 20): Chinese errors and headings, values typed in
Chinese, and --json that does not change with the language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archivist.core import i18n
from archivist.core.errors import InvalidInput
from archivist.core.vocabulary import both, label, parse


def zh(invoke: Any, *args: str, **kw: Any) -> Any:
    return invoke("--lang", "zh_Hant", *args, **kw)


def en(invoke: Any, *args: str, **kw: Any) -> Any:
    return invoke("--lang", "en", *args, **kw)


def test_values_typed_in_chinese_or_in_the_policys_wording_are_codes() -> None:
    assert parse("client_kind", "自然人") == "person"
    assert parse("client_kind", "其他組織") == "organization"
    assert parse("matter_type", "民事") == "civil"
    assert parse("matter_type", "非訟") == "non-litigation"
    assert parse("matter_type", "法律顧問") == "retainer"
    assert parse("section", "基本資料") == "basic"
    assert parse("section", "基本信息") == "basic"  # the policy's own wording
    assert parse("section", "委任契約") == "contract"
    assert parse("section", "法律服務合同") == "contract"
    assert parse("section", "申訴處理") == "complaint"
    assert parse("role", "檔案管理員") == "archivist"
    assert parse("role", "管理層") == "management"
    assert parse("loan_status", "待核准") == "pending"
    assert parse("complaint_status", "已處理") == "resolved"
    assert parse("client_kind", "PERSON") == "person"
    with i18n.using("zh_Hant"), pytest.raises(InvalidInput) as caught:
        parse("client_kind", "外星人")
    assert "未知的客戶類別" in str(caught.value) and "person (自然人)" in str(caught.value)
    assert "criminal (刑事)" in both("matter_type")
    with i18n.using("zh_Hant"):
        assert label("matter_type", "civil") == "民事"
    with i18n.using("en"):
        assert label("matter_type", "civil") == "civil"


def test_a_taiwanese_archivist_works_in_chinese(invoke: Any) -> None:
    added = zh(invoke, "client", "add", "--name", "陳大文", "--kind", "自然人")
    assert "資料夾" in added.output
    listed = zh(invoke, "client", "list").output
    head = listed.splitlines()[0]
    assert head.split() == ["編號", "名稱", "類別", "證件號碼", "電話", "狀態"]
    assert "自然人" in listed and "使用中" in listed
    opened = zh(
        invoke,
        "matter",
        "open",
        "C0001",
        "--type",
        "民事",
        "--title",
        "買賣糾紛",
        "--lawyer",
        "lin",
    )
    assert "承辦律師：林志明" in opened.output  # the lawyer by name
    matters = zh(invoke, "matter", "list").output
    assert "民事" in matters and "進行中" in matters and "林志明" in matters
    assert "number" not in matters.splitlines()[0]
    added = zh(invoke, "user", "add", "ho", "--name", "何律師", "--role", "律師")
    assert "律師" in added.output
    assert invoke.json("user", "list")[-1]["roles"] in (["lawyer"], ["archivist"], ["management"])


def test_errors_in_chinese_and_in_english(invoke: Any) -> None:
    missing = zh(invoke, "client", "show", "X9999", code=1)
    assert missing.output.startswith("錯誤：沒有您可閱覽的客戶 'X9999'。請見")
    missing = en(invoke, "client", "show", "X9999", code=1)
    assert missing.output.startswith("Error: no client 'X9999' that you may read. See")
    bad = zh(invoke, "client", "add", "--name", "王", "--kind", "外星人", code=2)
    assert "的值無效" in bad.output and "未知的客戶類別" in bad.output
    bad = en(invoke, "client", "add", "--name", "王", "--kind", "alien", code=2)
    assert "Invalid value" in bad.output and "unknown client kind" in bad.output
    no_user = zh(invoke, "client", "list", user="nobody", code=1)
    assert "本系統不認得使用者 'nobody'" in no_user.output
    usage = zh(invoke, "client", "frobnicate", code=2)
    assert "沒有 'frobnicate' 這個命令" in usage.output


def test_help_lists_both_forms_of_coded_values(invoke: Any) -> None:
    text = zh(invoke, "client", "add", "--help", user=None).output
    assert "person|自然人" in text and "organization|其他組織" in text
    assert "用法：" in text and "選項" in text and "範例：" in text
    text = en(invoke, "matter", "open", "--help", user=None).output
    assert "civil|民事" in text and "Example:" in text


@pytest.mark.parametrize(
    "args",
    [
        ("client", "list"),
        ("client", "show", "C0001"),
        ("matter", "list"),
        ("matter", "show", "2026-MS-0001"),
        ("user", "list"),
        ("search", "買賣"),
    ],
)
def test_json_is_the_same_in_both_languages(invoke: Any, args: tuple[str, ...]) -> None:
    invoke("client", "add", "--name", "陳大文", "--kind", "person")
    invoke("matter", "open", "C0001", "--type", "civil", "--title", "買賣糾紛", "--lawyer", "lin")
    outputs = {}
    for lang in ("zh_Hant", "en"):
        result = invoke("--lang", lang, *args, "--json")
        assert result.exit_code == 0, result.output
        outputs[lang] = json.loads(result.output)
    strip = _without_timestamps
    assert strip(outputs["zh_Hant"]) == strip(outputs["en"])
    text = json.dumps(outputs["zh_Hant"], ensure_ascii=False)
    assert "自然人" not in text and "進行中" not in text  # codes, not words


def _without_timestamps(data: Any) -> Any:
    """Reads are audited, so a second run differs only in the audit's own counters."""
    if isinstance(data, dict):
        return {k: _without_timestamps(v) for k, v in data.items() if k not in ("took_ms",)}
    if isinstance(data, list):
        return [_without_timestamps(v) for v in data]
    return data


def test_registers_in_the_archive_folder_are_in_the_firms_language(
    invoke: Any, home_dir: Path
) -> None:
    invoke("client", "add", "--name", "陳大文", "--kind", "person")
    invoke("matter", "open", "C0001", "--type", "civil", "--title", "買賣糾紛", "--lawyer", "lin")
    invoke("consult", "log", "C0001", "--channel", "phone", "--summary", "租約諮詢")
    registers = list((home_dir / "archive_store").rglob("*.md"))
    register = next(p for p in registers if "律師工作記錄" in p.name).read_text(encoding="utf-8")
    assert "# 律師工作紀錄 2026-MS-0001" in register
    assert "- 類型：民事（MS）" in register and "- 承辦律師：林志明" in register
    assert "Matter" not in register and "Generated" not in register
    log = next(p for p in registers if "諮詢" in p.name).read_text(encoding="utf-8")
    assert "| 電話 |" in log and "Consultations" not in log
    # the language of whoever runs the command does not change them: check finds no drift
    assert invoke("--lang", "en", "check", "--client", "C0001").exit_code == 0


def test_tables_align_chinese_by_display_width(invoke: Any) -> None:
    """Columns line up on a terminal: a CJK character takes two cells (East Asian width)."""
    from archivist.cli.common import width

    invoke("client", "add", "--name", "陳大文", "--kind", "person")
    invoke("client", "add", "--name", "Acme Trading", "--kind", "company")
    lines = zh(invoke, "client", "list").output.splitlines()
    head, rule, *rows = lines
    column = width(head[: head.index("類別")])
    assert width(rule[:column].rstrip()) == width(rule.split("  ")[0]) + 2 + width(
        rule.split("  ")[1]
    )
    for row in rows:
        kind = "自然人" if "陳大文" in row else "法人"
        assert width(row[: row.index(kind)]) == column, lines


def test_amounts_and_dates_follow_the_language() -> None:
    from datetime import date

    from archivist.core import formats

    with i18n.using("zh_Hant"):
        assert formats.day(date(2026, 3, 5)) == "2026年3月5日"
        assert formats.number(1234567) == "1,234,567"
        assert "12,500.50" in formats.amount("12500.5")
    with i18n.using("en"):
        assert formats.day(date(2026, 3, 5)) == "Mar 5, 2026"
        assert formats.amount("12500.5") == "NT$12,500.50"


def test_a_stale_matplotlib_font_cache_is_rebuilt_and_a_missing_font_is_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Charts lost their Chinese when the font cache predated the CJK font: the cache is
    rebuilt once when the system has a CJK font the cache does not list; with none, the user
    is told (in Chinese) that the charts are labelled in English."""
    from types import SimpleNamespace

    from matplotlib import font_manager

    from archivist.reports import charts

    def font(name: str, fname: str) -> Any:
        return SimpleNamespace(name=name, fname=fname)

    stale = SimpleNamespace(ttflist=[font("DejaVu Sans", "/f/DejaVuSans.ttf")])
    fresh = SimpleNamespace(
        ttflist=[*stale.ttflist, font("Noto Sans CJK TC", "/f/NotoSansCJK-Regular.ttc")]
    )
    rebuilt: list[bool] = []
    monkeypatch.setattr(font_manager, "fontManager", stale)
    monkeypatch.setattr(
        font_manager, "findSystemFonts", lambda: ["/f/DejaVuSans.ttf", "/f/NotoSansCJK-Regular.ttc"]
    )
    monkeypatch.setattr(
        font_manager,
        "_load_fontmanager",
        lambda try_read_cache: rebuilt.append(try_read_cache) or fresh,
    )
    charts.cjk_font.cache_clear()
    monkeypatch.setattr(charts, "NOTES", [])
    try:
        assert charts.cjk_font() == "Noto Sans CJK TC"
        assert rebuilt == [False] and len(charts.NOTES) == 1
        assert charts.font_note() is None

        charts.cjk_font.cache_clear()
        monkeypatch.setattr(font_manager, "fontManager", stale)
        monkeypatch.setattr(font_manager, "findSystemFonts", lambda: ["/f/DejaVuSans.ttf"])
        assert charts.cjk_font() is None and rebuilt == [False]
        with i18n.using("zh_Hant"):
            note = charts.font_note()
        assert note is not None and "fonts-noto-cjk" in note and "英文" in note
    finally:
        charts.cjk_font.cache_clear()
