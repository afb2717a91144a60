"""The interface's language (issue 20): which language is in effect, and the catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archivist.cli import main
from archivist.core import home, i18n
from archivist.core.i18n import _


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "zh_TW.UTF-8"}, "zh_Hant"),
        ({"LANG": "zh_HK.UTF-8"}, "zh_Hant"),
        ({"LANG": "zh_Hant_TW"}, "zh_Hant"),
        ({"LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh_Hant"),
        ({"LANG": "zh_TW.UTF-8", "LC_ALL": "C"}, "en"),
    ],
)
def test_the_locale_gives_traditional_chinese_only_for_traditional_locales(
    env: dict[str, str], expected: str
) -> None:
    assert i18n.from_locale(env) == expected


def test_precedence_option_then_environment_then_user_then_firm_then_locale() -> None:
    env = {"ARCHIVIST_LANG": "en", "LANG": "zh_TW.UTF-8"}
    assert i18n.resolve("zh_Hant", user="en", firm="en", environ=env) == "zh_Hant"
    assert i18n.resolve(None, user="zh_Hant", firm="zh_Hant", environ=env) == "en"
    env = {"LANG": "en_US.UTF-8"}
    assert i18n.resolve(None, user="zh_Hant", firm="en", environ=env) == "zh_Hant"
    assert i18n.resolve(None, user=None, firm="zh_Hant", environ=env) == "zh_Hant"
    assert i18n.resolve(None, environ={"LANG": "zh_TW.UTF-8"}) == "zh_Hant"
    assert i18n.resolve("nonsense", environ={}) == "en"


def test_translation_follows_the_context_variable() -> None:
    with i18n.using("zh_Hant"):
        assert _("Commands") == "命令"
        with i18n.using("en"):
            assert _("Commands") == "Commands"
        assert _("Commands") == "命令"
    assert _("Commands") == "Commands"  # conftest: ARCHIVIST_LANG=en


def test_lang_option_and_environment_choose_the_help_language(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    zh = runner.invoke(main, ["--lang", "zh_Hant", "--help"])
    assert zh.exit_code == 0, zh.output
    assert "命令" in zh.output and "用法" in zh.output
    en = runner.invoke(main, ["--lang", "en", "--help"])
    assert "Commands" in en.output and "命令" not in en.output
    monkeypatch.setenv("ARCHIVIST_LANG", "zh_Hant")
    assert "命令" in runner.invoke(main, ["--help"]).output
    bad = runner.invoke(main, ["--lang", "klingon", "--help"])
    assert bad.exit_code == 2 and "klingon" in bad.output


def test_a_new_home_is_in_traditional_chinese_and_init_lang_changes_it(tmp_path: Path) -> None:
    created = home.create(tmp_path / "a", "陳林律師事務所", "mei", "王美")
    assert i18n.firm_language(created.root) == "zh_Hant"
    created = home.create(tmp_path / "b", "Chen & Lin", "mei", "Mei Wang", language="en")
    assert i18n.firm_language(created.root) == "en"
    from archivist.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        home.create(tmp_path / "c", "x", "mei", "王美", language="xx")
    assert not (tmp_path / "c" / "archivist.toml").exists()


def test_the_firm_language_applies_without_option_or_environment(
    monkeypatch: pytest.MonkeyPatch, home_dir: Path
) -> None:
    monkeypatch.delenv("ARCHIVIST_LANG")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    runner = CliRunner()
    result = runner.invoke(main, ["--home", str(home_dir), "client", "--help"])
    assert "用法" in result.output, result.output


def test_the_users_own_language_wins_over_the_firms(
    monkeypatch: pytest.MonkeyPatch, home_dir: Path
) -> None:
    runner = CliRunner()
    base = ["--home", str(home_dir), "--as", "lin"]
    set_it = runner.invoke(main, [*base, "user", "lang", "en"])
    assert set_it.exit_code == 0, set_it.output
    monkeypatch.delenv("ARCHIVIST_LANG")
    missing = runner.invoke(main, [*base, "client", "show", "X9999"])
    assert "no client" in missing.output.lower() or "not" in missing.output, missing.output
    mei = runner.invoke(main, ["--home", str(home_dir), "--as", "mei", "client", "show", "X9999"])
    assert "X9999" in mei.output and mei.output.startswith("錯誤")
    # another user's language is for archivists and heads only
    refused = runner.invoke(main, [*base, "user", "lang", "zh_Hant", "--user", "zhao"])
    assert refused.exit_code == 1


def test_compiled_catalogs_match_their_sources() -> None:
    """The committed .mo is what `make messages` compiles from the committed .po."""
    import gettext
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in sorted(i18n.LOCALE_DIR.glob("*/LC_MESSAGES/archivist.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        expected = gettext.GNUTranslations(buf)._catalog  # type: ignore[attr-defined]
        with po_path.with_suffix(".mo").open("rb") as fh:
            actual = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        assert actual == expected, f"{po_path.with_suffix('.mo')} is stale: run `make messages`"
