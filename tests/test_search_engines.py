"""Conformance: both engines (Tantivy, Whoosh) give the same hits, the same access filtering and
the same cross-script behaviour; and the six result problems seen on the real legal texts
(issue 17), on texts shaped like them: wrapped lines, 《》 titles, a title contained in a longer
one, snippets that show the phrase, a phrase beyond the first 50,000 characters, the query
language. Also searching with no index (issue 15 §6) and writers of several processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist import search as index
from archivist.core.context import open_context
from archivist.core.errors import Conflict, InvalidInput
from archivist.filing import service as filing
from tests.conftest import use_engine

ENGINES = ["tantivy", "whoosh"]

CORPUS = {
    "trad": "本合約第五條規定違約責任：乙方逾期交貨者，應支付違約金新台幣十萬元。",
    "simp": "本合同规定保密义务，乙方泄露商业秘密的，应当承担赔偿责任。",
    "apart": "甲方違反本約定者，乙方得終止契約。",
    "english": "The Non-Disclosure Agreement (NDA) binds the Parties to confidentiality.",
    "agenda": "Meeting agenda: discuss the schedule for the hearing.",
    "single": "鑫",
    # a Taiwan statute wrapped mid-sentence, as 733 of 2,800 were
    "wrapped": "第十二條　主管機關得令其限期改善；屆期未在七日內改\n善完成者，處新臺幣\n 一萬元以上罰鍰。",
}
QUERIES = {
    "保密義務": {"simp"},
    "违约金": {"trad"},
    "違約": {"trad"},
    "逾期交貨": {"trad"},
    "nda": {"english"},
    "NON-DISCLOSURE": {"english"},
    "ＮＤＡ": {"english"},
    "鑫": {"single"},
    "合同": {"trad", "simp", "apart"},
    "违约金 OR NDA": {"trad", "english"},
    "乙方 -违约": {"simp", "apart"},
    "乙方 NOT 违约": {"simp", "apart"},
    '"Disclosure Agreement"': {"english"},
    "改善完成": {"wrapped"},
    "新臺幣一萬元": {"wrapped"},
    "乙方 AND 保密": {"simp"},
    "hearing agenda": {"agenda"},
}


@pytest.fixture(params=ENGINES)
def engine(request: Any, home_dir: Path) -> str:
    use_engine(home_dir, request.param)
    return str(request.param)


@pytest.fixture
def docs(engine: str, ctx: Any, make_client: Any) -> dict[str, str]:
    client = make_client("陳大文")
    return {
        key: filing.file_bytes(
            ctx, client.number, "case", text.encode(), f"{key}.txt", source="filed"
        ).number
        for key, text in CORPUS.items()
    }


def found(ctx: Any, query: str, **kw: Any) -> set[str]:
    return {h.document for h in index.search(ctx, query, limit=100, **kw).hits}


def test_the_engine_in_use_is_the_one_configured(
    engine: str, docs: dict[str, str], ctx: Any
) -> None:
    info = (ctx.home.index_dir / "archivist-index.json").read_text()
    assert f'"engine": "{engine}"' in info


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_same_hits_on_both_engines(docs: dict[str, str], ctx: Any, query: str) -> None:
    assert found(ctx, query) == {docs[k] for k in QUERIES[query]}


def test_same_access_filtering(
    docs: dict[str, str], ctx_as: Any, ctx: Any, make_client: Any, make_matter: Any
) -> None:
    other = make_client("林小美")
    matter = make_matter(other, lawyers=["lin"])
    mine = filing.file_bytes(
        ctx, other.number, "case", "违约金的约定".encode(), "m.txt", matter_number=matter
    ).number
    assert found(ctx_as("lin"), "违约金") == {mine}
    assert index.search(ctx_as("lin"), "违约金").total == 1  # counts hide the rest too
    assert found(ctx_as("zhao"), "违约金") == set()
    assert found(ctx, "违约金") == {mine, docs["trad"]}


def test_wrapped_line_phrase_is_found_and_highlighted_whole(docs: dict[str, str], ctx: Any) -> None:
    hit = index.search(ctx, "改善完成").hits[0]
    assert hit.document == docs["wrapped"]
    assert "\x02改善完成\x03" in (hit.highlighted or "")
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["改善完成"]


def test_title_without_its_brackets_and_title_equal_to_query_first(
    engine: str, ctx: Any, make_client: Any
) -> None:
    client = make_client()
    body = "第一條　為保障人民權益，依行政复议法之規定辦理行政复议。" * 20
    longer = filing.file_bytes(
        ctx,
        client.number,
        "case",
        body.encode(),
        "a.txt",
        title="《中华人民共和国行政复议法实施条例》",
    ).number
    exact = filing.file_bytes(
        ctx,
        client.number,
        "case",
        "第一条 总则。".encode(),
        "b.txt",
        title="《中华人民共和国行政复议法》",
    ).number
    interp = filing.file_bytes(
        ctx,
        client.number,
        "case",
        "解释全文。".encode(),
        "c.txt",
        title="最高人民法院关于适用《中华人民共和国刑事诉讼法》的解释",
    ).number
    res = index.search(ctx, "中华人民共和国行政复议法")
    assert [h.document for h in res.hits][:2] == [exact, longer]
    for q in (
        "最高人民法院关于适用中华人民共和国刑事诉讼法的解释",
        "「最高人民法院关于适用（中华人民共和国刑事诉讼法）的解释」",
        "最高人民法院关于适用(中华人民共和国刑事诉讼法)的解释",
    ):
        assert [h.document for h in index.search(ctx, q).hits][:1] == [interp], q
    # a title match weighs more than the same words in a body
    res = index.search(ctx, "行政复议法实施条例 OR 总则")
    assert res.hits[0].document == longer


def test_snippet_is_centred_on_the_full_phrase(engine: str, ctx: Any, make_client: Any) -> None:
    client = make_client()
    # the pieces 保密 and 義務 are dense early; the phrase itself comes once, later
    text = (
        "當事人應守保密，亦負其他義務；保密期間之義務另定。" * 30 + "第九條　乙方之保密義務"
        "於契約終止後仍繼續有效。" + "附則。" * 50
    )
    number = filing.file_bytes(ctx, client.number, "case", text.encode(), "nda.txt").number
    hit = index.search(ctx, "保密義務").hits[0]
    assert hit.document == number
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["保密義務"]
    assert "第九條" in hit.snippet


def test_phrase_beyond_the_first_50000_characters(engine: str, ctx: Any, make_client: Any) -> None:
    client = make_client()
    filler = "本條例所稱主管機關，在中央為內政部。\n" * 4000  # 76,000 characters
    text = filler + "第八十條　違反第十條規定者，處拘役或罰金。" + filler[:2000]
    number = filing.file_bytes(ctx, client.number, "case", text.encode(), "long.txt").number
    hit = index.search(ctx, "處拘役或罰金").hits[0]
    assert hit.document == number
    assert "\x02處拘役或罰金\x03" in (hit.highlighted or "")


def test_query_language_filters(engine: str, ctx: Any, make_client: Any, make_matter: Any) -> None:
    a, b = make_client("陳大文"), make_client("林小美")
    m = make_matter(b)
    d1 = filing.file_bytes(ctx, a.number, "contract", "違約金條款".encode(), "x.txt").number
    d2 = filing.file_bytes(
        ctx, b.number, "case", "違約金之計算".encode(), "y.txt", matter_number=m
    ).number
    assert found(ctx, f"違約金 client:{a.number}") == {d1}
    assert found(ctx, f"違約金 matter:{m}") == {d2}
    assert found(ctx, "違約金 section:contract") == {d1}
    assert found(ctx, "違約金 type:txt") == {d1, d2}
    assert found(ctx, "違約金 type:pdf") == set()
    assert found(ctx, "違約金 filed:2000-01..2000-06") == set()
    assert found(ctx, "違約金 filed:2000-01..") == {d1, d2}
    assert found(ctx, f"client:{b.number}") == {d2}
    assert found(ctx, "違約金 -計算") == {d1}
    assert found(ctx, "title:條款 違約金") == set()
    assert found(ctx, "title:x 違約金") == {d1}
    assert found(ctx, 'title:"x" section:"contract"') == {d1}
    for bad in (
        '"open',
        "違約 OR",
        "OR 違約",
        "filed:2024-13",
        "filed:2024-06..2024-01",
        "-違約",
        "NOT",
    ):
        with pytest.raises(InvalidInput):
            index.search(ctx, bad)


def test_cli_malformed_query_is_one_line_and_sort_by_date(
    engine: str, invoke: Any, ctx: Any, make_client: Any
) -> None:
    client = make_client()
    for i in range(3):
        filing.file_bytes(ctx, client.number, "case", f"違約金 {i}".encode(), f"{i}.txt")
    res = invoke("search", '"違約', code=1)
    assert res.output.count("\n") == 1 and "quotation" in res.output
    res = invoke.json("search", "違約金", "--sort", "date", "--limit", "2", "--page", "2")
    assert (res["total"], res["page"], len(res["hits"])) == (3, 2, 1)


def test_missing_or_damaged_index_says_how_to_rebuild(
    engine: str, invoke: Any, ctx: Any, make_client: Any
) -> None:
    client = make_client()
    for i in range(3):
        filing.file_bytes(ctx, client.number, "case", f"違約金 {i}".encode(), f"{i}.txt")
    shutil.rmtree(ctx.home.index_dir)
    res = invoke("search", "違約金", code=1)
    assert "missing" in res.output and "index rebuild" in res.output
    assert res.output.count("\n") == 1
    assert not (ctx.home.index_dir / "archivist-index.json").exists()  # nothing started
    # filing does not start an index holding only the new document
    doc = filing.file_bytes(ctx, client.number, "case", "違約金 new".encode(), "n.txt")
    assert doc.indexed is False and "rebuild" in doc.warnings[0]
    report = invoke.json("check", code=1)
    assert report["summary"]["index-missing"] == 4
    invoke("index", "rebuild")
    assert invoke.json("search", "違約金")["total"] == 4
    # damaged: the engine's files overwritten
    for f in ctx.home.index_dir.iterdir():
        if f.is_file() and f.name != "archivist-index.json":
            f.write_bytes(b"\x00garbage")
    res = invoke("search", "違約金", code=1)
    assert "index rebuild" in res.output and "Traceback" not in res.output
    invoke("index", "rebuild")
    assert invoke.json("search", "違約金")["total"] == 4


def test_check_counts_every_missing_document(
    engine: str, invoke: Any, ctx: Any, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archivist.integrity.checker as integrity

    monkeypatch.setattr(integrity, "INDEX_LINES", 2)
    client = make_client()
    numbers = [
        filing.file_bytes(ctx, client.number, "case", f"文 {i}".encode(), f"{i}.txt").number
        for i in range(5)
    ]
    index.delete_documents(ctx, numbers)
    report = integrity.check(ctx)
    assert report.summary["index-missing"] == 5


def test_rebuild_switches_engine(
    engine: str, invoke: Any, ctx: Any, home_dir: Path, make_client: Any
) -> None:
    client = make_client()
    filing.file_bytes(ctx, client.number, "case", "違約金".encode(), "a.txt")
    other = "whoosh" if engine == "tantivy" else "tantivy"
    out = invoke("index", "rebuild", "--engine", other).output
    assert other in out
    assert f'engine = "{other}"' in (home_dir / "archivist.toml").read_text()
    assert invoke.json("search", "違約金")["total"] == 1
    assert other in invoke("index", "status").output
    filing.file_bytes(
        open_context(home_dir, "mei"), client.number, "case", "違約金".encode(), "b.txt"
    )
    assert invoke.json("search", "違約金")["total"] == 2


def test_home_without_the_setting_keeps_its_engine(home_dir: Path, make_client: Any) -> None:
    cfg = home_dir / "archivist.toml"
    cfg.write_text(cfg.read_text().replace('engine = "tantivy"', ""))
    ctx = open_context(home_dir, "mei")
    try:
        client = make_client()
        filing.file_bytes(ctx, client.number, "case", "違約金".encode(), "a.txt")
        assert '"engine": "whoosh"' in (ctx.home.index_dir / "archivist-index.json").read_text()
        assert index.search(ctx, "違約金").total == 1
    finally:
        ctx.close()


def test_engine_mismatch_is_a_rebuild_error(
    engine: str, docs: dict[str, str], ctx: Any, home_dir: Path
) -> None:
    other = "whoosh" if engine == "tantivy" else "tantivy"
    use_engine(home_dir, other)
    c2 = open_context(home_dir, "mei")
    try:
        with pytest.raises(Conflict, match="index rebuild"):
            index.search(c2, "违约金")
    finally:
        c2.close()


WORKER = """
import sys
from archivist.filing import service as filing
from archivist.core.context import open_context
home, n, count, client = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ctx = open_context(home, "mei")
for i in range(count):
    doc = filing.file_bytes(ctx, client, "case", f"違約金 worker {n} doc {i}".encode(),
                            f"w{n}-{i}.txt")
    assert doc.indexed, doc.warnings
ctx.close()
"""


def test_two_processes_filing_at_once_lose_nothing(
    engine: str, ctx: Any, make_client: Any, home_dir: Path
) -> None:
    client = make_client()
    filing.file_bytes(ctx, client.number, "case", b"seed", "seed.txt")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(home_dir), str(n), "8", client.number],
            env=env,
            stderr=subprocess.PIPE,
        )
        for n in range(2)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()
        assert b"lock" not in err.lower()
    s = index.status(ctx)
    assert (s.missing, s.stale, s.extra) == ([], [], [])
    assert index.search(ctx, "違約金", limit=100).total == 16


@pytest.mark.parametrize("at", [1995, 1999, 2001, 9990, 33_990, 130_000])
def test_snippet_finds_a_phrase_across_a_fold_chunk_boundary(at: int) -> None:
    from archivist.search.snippets import phrases_pattern, snippet, spans

    text = "甲" * at + "違約\n金" + "乙" * 500
    marked = snippet(text, phrases_pattern([["违约金"]]), 160)
    plain, marks = spans(marked)
    assert [plain[a:b] for a, b in marks] == ["違約金"]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list('違約金 "-:ORNDTAclientfd.2024《》()（）\n')), max_size=30
    )
)
def test_any_query_string_parses_or_is_a_one_line_refusal(text: str) -> None:
    from archivist.search.query import parse

    try:
        q = parse(text, [["合同", "合約"]])
    except InvalidInput as exc:
        assert "\n" not in str(exc)
        return
    assert (
        q.clauses or q.client or q.section or q.filed_from or q.filed_to or q.filetype or q.matter
    )
