"""Issue 15 §3 and §5: hostile input is bounded and refused in one line.

- extraction: a .docx is inflated and parsed as a stream (memory stays bounded whatever it
  inflates to), a part of exactly the zip-bomb limit is a zip bomb, and the text that is indexed
  stops at [index] max_index_mb with the document flagged;
- templates: the sandbox refuses `|safe`, raw docxtpl tags and template tags in values, stops
  renders that run too long or build too much, and every malformed template is exit 1;
- the store: symbolic links are reported by `check` and never filed into.
Long loops are marked slow (`make test-all`)."""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from archivist.core.errors import StorageError, TemplateError
from archivist.documents import sandbox
from archivist.documents.render import render_docx
from archivist.filing import service as filing
from archivist.filing.extract import Limits
from archivist.filing.extract.docx import extract_docx
from tests.test_extract import W_NS, p


def _docx_with(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _inflating_docx(path: Path, inflated: int) -> Path:
    head = f"<w:document {W_NS}><w:body>".encode()
    tail = b"</w:body></w:document>"
    para = p("合同條款" * 50).encode()
    count, rest = divmod(inflated - len(head) - len(tail), len(para))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(count // 1000):
                fh.write(para * 1000)
            fh.write(para * (count % 1000) + b" " * rest + tail)
    return path


# ------------------------------------------------------------------------------ extraction
def test_a_docx_part_of_exactly_the_limit_is_a_zip_bomb(tmp_path: Path) -> None:
    limit = 2 * 2**20
    exact = _inflating_docx(tmp_path / "exact.docx", limit)
    assert zipfile.ZipFile(exact).getinfo("word/document.xml").file_size == limit
    result = extract_docx(exact, Limits(max_inflated_bytes=limit))
    assert result.flag == "zip_bomb", result.reason
    under = extract_docx(
        _inflating_docx(tmp_path / "under.docx", limit - 4096), Limits(max_inflated_bytes=limit)
    )
    assert under.flag is None and under.text.startswith("合同條款")


def test_a_docx_stops_reading_at_the_text_limit(tmp_path: Path) -> None:
    big = _inflating_docx(tmp_path / "big.docx", 3 * 2**20)
    result = extract_docx(big, Limits(max_chars=10_000))
    assert result.flag == "too_large" and "10000 characters" in (result.reason or "")
    assert len(result.text) == 10_000


_PEAK = """
import resource, sys
from pathlib import Path
from archivist.filing.extract import Limits
from archivist.filing.extract.docx import extract_docx
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
r = extract_docx(Path(sys.argv[1]), Limits())
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(r.flag, (after - before) // 1024)
"""


@pytest.mark.parametrize(
    "mb", [pytest.param(40, id="fast"), pytest.param(190, id="long", marks=pytest.mark.slow)]
)
def test_docx_extraction_memory_does_not_grow_with_what_it_inflates_to(
    tmp_path: Path, mb: int
) -> None:
    """Before: the whole part was inflated into memory and parsed (a 190 MB part, 637 MB)."""
    path = _inflating_docx(tmp_path / "inflates.docx", mb * 2**20)
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "too_large"
    assert int(out[1]) < 60, f"extraction grew the process by {out[1]} MB"


# ------------------------------------------------------------------------------ templates
@pytest.mark.parametrize(
    "evil",
    [
        "{{ name|safe }}",
        "{{r name }}",
        "{{p name }}",
        "{{tr name }}",
        "{{ name | safe }}",
    ],
)
def test_markup_injecting_tags_are_refused(evil: str) -> None:
    with pytest.raises(TemplateError, match="Word markup"):
        render_docx(_docx_with("姓名：{{ name }}", evil), {"name": "x"}, "evil")


@pytest.mark.parametrize(
    "value", ["{{r x }}", "{%p if 1 %}", "a {%tr for x in y %}", "{{p evil }}"]
)
def test_template_tags_in_values_are_refused(value: str) -> None:
    with pytest.raises(TemplateError, match="template tag"):
        render_docx(_docx_with("姓名：{{ name }}"), {"name": value}, "t")
    render_docx(_docx_with("姓名：{{ name }}"), {"name": "{{x}} 與 {% 文字"}, "t")  # plain text


@pytest.mark.parametrize(
    "evil",
    [
        "{{ 'x'|center(400000000) }}",
        "{{ ''|indent(400000000) }}",
        "{{ '%400000000s'|format('x') }}",
        "{{ '%400000000s' % 'x' }}",
        "{{ '{:>400000000}'.format('x') }}",
        "{% set ns = namespace(s='xx') %}{% for i in range(100) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(s='xx') %}{% for i in range(100) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(l=[1]) %}{% for i in range(100) %}"
        "{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}",
        "{% set l = [] %}{% for i in range(10) %}{{ l.append(i) }}{% endfor %}",
        "{{ lipsum(100000) }}",
    ],
)
def test_templates_cannot_allocate_without_bound(evil: str) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(TemplateError) as err:
        render_docx(_docx_with("{{ name }}", evil), {"name": "x"}, "evil")
    assert len(str(err.value).splitlines()) == 1
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) < 300 * 1024


def test_a_render_that_runs_too_long_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.5)
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateError, match="stopped: rendering took longer"):
        render_docx(_docx_with("{{ name }}", loop), {"name": "x"}, "slow")


BAD_TEMPLATES = [
    "{{ a.__class__ }}",
    "{{ a._secret }}",
    "{{ 1/0 }}",
    "{{ a|truncate(-5) }}",
    "{{ a|xmlattr }}",
    "{{ a|sum }}",
    "{% include 'x' %}",
    "{% extends 'x' %}",
    "{% import 'x' as y %}",
    "{{ a|slice(0)|list }}",
    "{% macro m(x) %}{{ m(x) }}{% endmacro %}{{ m(1) }}",
    "{{ a|filesizeformat }}",
    "{{ a",
    "{% if %}",
    "{{ a|nosuch }}",
    "{{ a|first|round(10000000) }}",
]


@pytest.mark.parametrize("evil", BAD_TEMPLATES)
def test_every_bad_template_is_a_one_line_refusal(invoke: Any, tmp_path: Path, evil: str) -> None:
    src = tmp_path / "t.docx"
    src.write_bytes(_docx_with("{{ a }}", evil))
    result = invoke("template", "add", str(src), "--name", "odd-one", code=1)
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1
    invoke(
        "template", "render", "odd-one", "--set", "a=x", "--out", str(tmp_path / "o.docx"), code=1
    )


def test_template_add_refuses_raw_markup_and_a_value_with_a_tag(
    invoke: Any, tmp_path: Path
) -> None:
    raw = tmp_path / "raw.docx"
    raw.write_bytes(_docx_with("{{r a }}"))
    assert "Word markup" in invoke("template", "add", str(raw), "--name", "raw-one", code=1).output
    ok = tmp_path / "ok.docx"
    ok.write_bytes(_docx_with("{{ a }}"))
    invoke("template", "add", str(ok), "--name", "ok-one")
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"a": "{{r evil }}"}), "utf-8")
    out = invoke(
        "template",
        "render",
        "ok-one",
        "--data",
        str(data),
        "--out",
        str(tmp_path / "o.docx"),
        code=1,
    )
    assert "template tag" in out.output and not (tmp_path / "o.docx").exists()


# ------------------------------------------------------------------------------ the store
def test_symlinks_in_the_store_are_reported_and_never_filed_into(
    invoke: Any, ctx: Any, tmp_path: Path, make_client: Any
) -> None:
    client = make_client()
    section = ctx.store.section_dir(client.folder, "case")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    section.rmdir()
    section.symlink_to(outside, target_is_directory=True)
    src = tmp_path / "a.txt"
    src.write_text("內容", "utf-8")
    with pytest.raises(StorageError, match="symbolic link"):
        filing.file_path(ctx, client.number, src, "case")
    out = invoke("file", "add", client.number, str(src), "--section", "case", code=1)
    assert "symbolic link" in out.output and list(outside.iterdir()) == []
    report = invoke.json("check", ok=False)
    assert any(p["kind"] == "symlink" and p["path"] == str(section) for p in report["problems"])
    os.unlink(section)
    (ctx.store.root / "link.txt").symlink_to(src)
    kinds = [p["kind"] for p in invoke.json("check", ok=False)["problems"]]
    assert "symlink" in kinds


# ------------------------------------------------------------------------------ index budget
def _random_cjk(n: int, seed: int = 15) -> str:
    import random

    rnd = random.Random(seed)
    return "".join(chr(rnd.randint(0x4E00, 0x9FFF)) for _ in range(n))


def test_random_cjk_text_is_indexed_up_to_the_term_limit(
    invoke: Any, home_dir: Path, tmp_path: Path, make_client: Any
) -> None:
    """Before: all of it went to the index (15 MB of random CJK: 1.39 GB, 3.5 min)."""
    client = make_client()
    config = home_dir / "archivist.toml"
    config.write_text(
        config.read_text("utf-8").replace("max_index_terms = 100000", "max_index_terms = 2000"),
        "utf-8",
    )
    src = tmp_path / "random.txt"
    src.write_text(_random_cjk(20_000), "utf-8")
    doc = invoke.json("file", "add", client.number, str(src), "--section", "case")
    assert doc["flag"] == "too_large" and "2000 distinct terms" in doc["flag_reason"]
    assert doc["text_chars"] < 2000
    shown = invoke("file", "show", doc["number"]).output
    assert "2000 distinct terms" in shown
    plain = tmp_path / "plain.txt"
    plain.write_text("本合同一式兩份，雙方各執一份。" * 200, "utf-8")
    assert (
        invoke.json("file", "add", client.number, str(plain), "--section", "case")["flag"] is None
    )


def test_the_byte_limit_keeps_whole_characters() -> None:
    from archivist.filing.extract.budget import index_cut

    text, why = index_cut("合同" * 1_000_000, 2**20, 10**7)
    assert why == "only the first 1 MB of its text are indexed"
    assert len(text.encode("utf-8")) <= 2**20 and len(text) == 2**20 // 3


@pytest.mark.slow
def test_bench_hostile_files_stay_under_400_mb(tmp_path: Path) -> None:
    """The benchmark's hostile files, filed one by one in child processes."""
    out = tmp_path / "rows.json"
    subprocess.run(
        [sys.executable, "-m", "bench.hostile", "--out", str(out)],
        check=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=1800,
    )
    for row in json.loads(out.read_text("utf-8")):
        assert row["exit"] == 0 and row["peak_rss_mb"] < 400, row


# ------------------------------------------------------------------------------ §5 the home
def test_init_refuses_a_folder_with_strangers_unless_force(tmp_path: Path) -> None:
    from tests.conftest import Invoker

    invoke = Invoker(None)
    target = tmp_path / "firm"
    (target / "Documents").mkdir(parents=True)
    (target / "Documents" / "personal.txt").write_text("私人", "utf-8")
    args = ["init", "--home", str(target), "--firm", "F", "--user", "mei", "--name", "M"]
    out = invoke(*args, user=None, code=1).output
    assert "Documents/" in out and "--force" in out and len(out.strip().splitlines()) == 1
    assert not (target / "archivist.toml").exists() and not (target / "archive_store").exists()
    invoke(*args, "--force", user=None)
    assert (target / "archivist.toml").is_file()
    empty = tmp_path / "empty"
    (empty / "archive_store").mkdir(parents=True)  # the home's own folders, empty: fine
    (empty / ".DS_Store").write_text("")
    invoke("init", "--home", str(empty), "--firm", "F", "--user", "mei", "--name", "M", user=None)


def test_init_accepts_the_repository_layout(tmp_path: Path) -> None:
    from archivist.core import home

    repo = tmp_path / "checkout"
    for rel in (
        "archivist/__init__.py",
        "archive_store/README.md",
        "index/README.md",
        "tests/test_x.py",
        ".git/HEAD",
    ):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("x", "utf-8")
    (repo / "pyproject.toml").write_text('[project]\nname = "archivist"\n', "utf-8")
    assert home.unknown_entries(repo) == []
    (repo / "pyproject.toml").write_text('[project]\nname = "other"\n', "utf-8")
    assert "tests/" in home.unknown_entries(repo)


def test_settings_and_templates_are_not_world_readable(
    invoke: Any, home_dir: Path, tmp_path: Path
) -> None:
    old = os.umask(0o022)
    try:
        from archivist.core import home

        made = home.create(tmp_path / "h2", "F", "mei", "M")
        assert (made.config_path.stat().st_mode & 0o777) == 0o600
        src = tmp_path / "t.docx"
        src.write_bytes(_docx_with("{{ a }}"))
        invoke("template", "add", str(src), "--name", "my-one")
    finally:
        os.umask(old)
    for path in [home_dir / "templates", *(home_dir / "templates").rglob("*")]:
        assert (path.stat().st_mode & 0o007) == 0, path


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('timezone = "Asia/Taipei"', 'timezone = "Asia/Taipeh"', "firm.timezone"),
        ("[retention]", "[retention]\nkeep_forever = true", "retention.keep_forever"),
        ("loan_days = 7", "loan_days = 7days", "deadlines.loan_days"),
        ("loan_days = 7", 'loan_days = "seven"', "deadlines.loan_days"),
        (
            'document = "{client}-{seq:04d}"',
            'document = "{client}-{seq:04q}"',
            "numbering.document",
        ),
        ("max_index_mb = 10", "max_index_mb = 0", "index.max_index_mb"),
    ],
)
def test_a_wrong_setting_is_a_one_line_error_naming_its_key(
    invoke: Any, home_dir: Path, old: str, new: str, key: str
) -> None:
    config = home_dir / "archivist.toml"
    text = config.read_text("utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), "utf-8")
    out = invoke("client", "list", code=1).output
    assert f"'{key}'" in out and len(out.strip().splitlines()) == 1


def test_usernames_are_unique_regardless_of_case(invoke: Any) -> None:
    out = invoke("user", "add", "MEI", "--name", "另一個", "--role", "staff", code=1).output
    assert "already exists" in out
    invoke("client", "list", user="MEI")  # the same user as mei
    invoke("user", "add", "Amy", "--name", "A", "--role", "staff")
    assert (
        "already exists"
        in invoke("user", "add", "amy", "--name", "B", "--role", "staff", code=1).output
    )


@pytest.mark.parametrize("name", ["con", "CON", "nul", "com1", "lpt9", "..", "a/b", "a\\b"])
def test_template_names_are_checked_like_file_names(invoke: Any, tmp_path: Path, name: str) -> None:
    src = tmp_path / "t.docx"
    src.write_bytes(_docx_with("{{ a }}"))
    out = invoke("template", "add", str(src), "--name", name, code=1).output
    assert "not allowed" in out
    assert not (tmp_path / "home" / "templates" / name.lower()).exists()


def test_a_backslash_is_part_of_a_file_name(invoke: Any, tmp_path: Path, make_client: Any) -> None:
    client = make_client()
    src = tmp_path / "back\\slash.txt"
    src.write_text("內容", "utf-8")
    doc = invoke.json("file", "add", client.number, str(src), "--section", "case")
    assert doc["original_name"] == "back\\slash.txt"


def test_controls_and_bidi_overrides_are_shown_escaped(
    invoke: Any, tmp_path: Path, make_client: Any
) -> None:
    client = make_client()
    src = tmp_path / "invoice\u202etxt.exe"
    src.write_text("x", "utf-8")
    added = invoke(
        "file",
        "add",
        client.number,
        str(src),
        "--section",
        "case",
        "--title",
        "red \x1b[31malert\x1b[0m",
    ).output
    assert "\u202e" not in added and "\\u202e" in added
    listing = invoke("file", "list", client.number).output
    assert "\x1b" not in listing and "\u202e" not in listing
    assert "\\x1b[31m" in listing and "\\u202e" in listing
    assert invoke.json("file", "list", client.number)[0]["title"] == "red \x1b[31malert\x1b[0m"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--title", "合\udce5\udca5"], "--title"),
        (["--title=合\udce5"], "--title"),
    ],
)
def test_an_argument_that_is_not_utf8_is_a_usage_error(
    invoke: Any, tmp_path: Path, make_client: Any, args: list[str], named: str
) -> None:
    client = make_client()
    src = tmp_path / "a.txt"
    src.write_text("內容", "utf-8")
    out = invoke("file", "add", client.number, str(src), "--section", "case", *args, code=2).output
    assert named in out and "not valid UTF-8" in out and "\\xe5" in out
    bad_path = invoke(
        "file", "add", client.number, str(tmp_path / "\udce5.txt"), "--section", "case", code=2
    ).output
    assert "argument" in bad_path


def test_a_file_name_that_is_not_utf8_is_kept_visibly(
    invoke: Any, tmp_path: Path, make_client: Any
) -> None:
    """A Big5 name on disk (bytes a4 a4): imported and added with its bytes shown as \\xa4,
    not an internal error."""
    client = make_client()
    folder = tmp_path / "old"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"\xa4\xa4.txt")
    with open(raw, "wb") as fh:
        fh.write(b"old file")
    summary = invoke.json(
        "file", "import", str(folder), "--client", client.number, "--section", "case"
    )
    assert summary["filed"] == 1
    [doc] = invoke.json("file", "list", client.number)
    assert doc["original_name"] == "\\xa4\\xa4.txt"
    again = invoke(
        "file", "add", client.number, os.fsdecode(raw), "--section", "case", "--again"
    ).output
    assert "\\xa4\\xa4.txt" in again


@pytest.mark.parametrize("how", ["set", "json", "toml"])
def test_deeply_nested_values_are_a_one_line_error(invoke: Any, tmp_path: Path, how: str) -> None:
    deep = "[" * 5000 + "]" * 5000
    out = tmp_path / "o.docx"
    if how == "set":
        args = ["--set", f"lawyers={deep}"]
    else:
        data = tmp_path / f"d.{how}"
        data.write_text(f'{{"a": {deep}}}' if how == "json" else f"a = {deep}\n", "utf-8")
        args = ["--data", str(data)]
    result = invoke("template", "render", "acceptance-notice", *args, "--out", str(out), code=1)
    assert "nests deeper" in result.output or "not valid" in result.output
    assert not out.exists()
