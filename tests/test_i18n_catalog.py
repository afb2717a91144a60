"""The Traditional Chinese catalog (issue 20): complete, Traditional only, and every command's
Chinese help still ends with an example."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.pofile import read_po

from archivist.cli import main
from archivist.core import i18n

ROOT = Path(__file__).resolve().parents[1]
PO = i18n.LOCALE_DIR / "zh_Hant" / "LC_MESSAGES" / "archivist.po"

# Characters standard in Taiwan (教育部常用字) that OpenCC's s2t still maps to an older variant
# (核准 -> 覈準, 群組 -> 羣組, 占用 -> 佔用, 續借 -> 續藉, 分布 -> 分佈): not Simplified, so not
# flagged.
TAIWAN_STANDARD = set("核准群占借布")


def _catalog() -> dict[str, tuple[str, ...]]:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    out = {}
    for m in catalog:
        if not m.id:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        out[key] = ("fuzzy",) if m.fuzzy else tuple(strings)
    return out


def test_every_message_in_the_source_has_a_traditional_translation(tmp_path: Path) -> None:
    """0 untranslated, 0 fuzzy: extract the messages as `make messages` does and look each up."""
    pot = tmp_path / "archivist.pot"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from babel.messages.frontend import main; sys.exit(main())",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    with pot.open("rb") as fh:
        wanted = [m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(fh) if m.id]
    assert len(wanted) > 500
    have = _catalog()
    untranslated = [w for w in wanted if w not in have or not all(have[w])]
    fuzzy = [w for w in wanted if have.get(w) == ("fuzzy",)]
    assert not untranslated, (
        f"{len(untranslated)} untranslated (run `make messages`): {untranslated[:10]}"
    )
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"


def test_the_traditional_catalog_has_no_simplified_characters() -> None:
    """OpenCC s2t changes nothing we wrote (characters copied from the English message, such as
    the Simplified names in examples of script folding, are the user's input, not ours)."""
    import opencc

    s2t = opencc.OpenCC("s2t.json")
    found = []
    for msgid, strings in _catalog().items():
        for text in strings:
            converted = s2t.convert(text)
            assert len(converted) == len(text), text
            changed = {
                a
                for a, b in zip(text, converted, strict=True)
                if a != b and a not in msgid and a not in TAIWAN_STANDARD
            }
            if changed:
                found.append((text[:40], sorted(changed)))
    assert not found, found


def test_taiwan_terms_and_not_mainland_ones() -> None:
    text = "\n".join(s for strings in _catalog().values() for s in strings)
    for mainland, taiwan in (
        ("信息", "資料"),
        ("投訴", "申訴"),
        ("聯繫", "聯絡"),
        ("咨詢", "諮詢"),
    ):
        assert taiwan in text
        # mainland words appear only inside examples and folder names copied from the source
        for msgid, strings in _catalog().items():
            for s in strings:
                assert s.count(mainland) <= msgid.count(mainland), (mainland, s[:60])


def _commands() -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []

    def walk(cmd: click.Command, path: str) -> None:
        if path:
            out.append((path, cmd))
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None:
                    walk(sub, f"{path} {name}".strip())

    walk(main, "")
    return out


@pytest.mark.parametrize(
    ("path", "cmd"), _commands(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_commands_chinese_help_ends_with_an_example(path: str, cmd: click.Command) -> None:
    original = getattr(cmd, "_archivist_en", {}).get("help", cmd.help)
    if isinstance(cmd, click.Group) and "Example" not in (original or ""):
        return  # groups list their commands instead
    with i18n.using("zh_Hant"):
        chinese = i18n._(inspect.cleandoc(original or ""))
    assert chinese != inspect.cleandoc(original or ""), f"`archivist {path}` help is not translated"
    last = chinese.rstrip().split("\n\n")[-1]
    assert last.startswith("\b\n範例："), f"`archivist {path}`: {last[:80]!r}"
    lines = last.split("\n")[2:]
    assert lines and all(line.startswith(" ") for line in lines), last
    assert any("archivist" in line for line in lines), last
