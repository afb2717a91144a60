"""The index: analysis, version file, writer discipline, status/rebuild, concurrent writers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist import search as index
from archivist.core.errors import Conflict
from archivist.filing import service as filing
from archivist.search.analysis import JOINERS, CJKBigramTokenizer, expand_synonyms, normalize
from archivist.search.schema import VERSION_FILE
from tests.conftest import use_engine

TOK = CJKBigramTokenizer()


@pytest.fixture(autouse=True)
def _whoosh(home_dir: Path) -> None:
    """These tests look inside the Whoosh engine (tests/test_search_engines.py runs both)."""
    use_engine(home_dir, "whoosh")


def toks(text: str, mode: str = "index") -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in TOK(text, positions=True, mode=mode)]


def test_bigrams_with_positions_and_single_characters() -> None:
    assert toks("違約金", "query") == [("违约", 0), ("约金", 1)]
    assert toks("違約金") == [("违约", 0), ("违", 0), ("约金", 1), ("约", 1), ("金", 1)]
    assert toks("約", "query") == [("约", 0)]
    assert toks("The NDA違約 clause", "query") == [
        ("the", 0),
        ("nda", 1),
        ("违约", 2),
        ("clause", 3),
    ]


def test_latin_words_stay_whole_and_lowercase() -> None:
    assert [t for t, _ in toks("Agenda NDA", "query")] == ["agenda", "nda"]


def test_fullwidth_and_compatibility_forms_fold() -> None:
    assert [t for t, _ in toks("ＮＤＡ ①", "query")] == ["nda", "1"]
    # ㈱ is (株): brackets between CJK characters do not separate them
    assert [t for t, _ in toks("㈱公司", "query")] == ["株公", "公司"]
    assert [t for t, _ in toks("㈱ ABC", "query")] == ["株", "abc"]


def test_highlight_offsets_point_into_the_original() -> None:
    text = "㈱ＡＢＣ公司①違約責任"
    for t in TOK(text, chars=True, mode="index"):
        original = text[t.startchar : t.endchar]
        assert normalize(original)[0].strip("()") == t.text or t.text in normalize(original)[0]


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("違约合同ＡＢＣabc ①㈱\u3000ß İ，。123")), max_size=40)
)
def test_offsets_always_inside_the_text(text: str) -> None:
    for t in TOK(text, chars=True, positions=True, mode="index"):
        assert 0 <= t.startchar < t.endchar <= len(text)
        # white space and brackets between CJK characters join them (see analysis)
        assert t.text in JOINERS.sub("", normalize(text[t.startchar : t.endchar])[0])


def test_synonym_expansion() -> None:
    groups = [["合同", "合約", "契約"]]
    q = expand_synonyms("合約糾紛", groups)
    assert "合同" in q and "契约" in q and " OR " in q
    assert expand_synonyms('"合約 糾紛"', groups).count('"') == 6
    assert expand_synonyms("title:合約", groups) == "title:合約"
    assert expand_synonyms("nda", groups) == "nda"


# ------------------------------------------------------------------ the index on disk
def test_version_mismatch_says_rebuild(ctx: Any, make_client: Any) -> None:
    client = make_client()
    doc = filing.file_bytes(ctx, client.number, "case", "違約".encode(), "a.txt")
    vf = ctx.home.index_dir / VERSION_FILE
    vf.write_text('{"engine": "whoosh", "schema": 0, "analysis": 0}')
    with pytest.raises(Conflict, match="index rebuild"):
        index.search(ctx, "違約")
    st_ = index.status(ctx)
    assert not st_.version_ok and st_.missing == [doc.number] and "rebuild" in st_.message
    # filing still works (the index is derived); the warning says what to do
    doc2 = filing.file_bytes(ctx, client.number, "case", "違約".encode(), "b.txt")
    assert doc2.indexed is False and "rebuild" in doc2.warnings[0]
    assert index.rebuild(ctx) == 2
    assert index.search(ctx, "違約").total == 2
    assert index.status(ctx).version_ok


def test_writer_cancels_and_reraises(ctx: Any, make_client: Any) -> None:
    from archivist.search.writer import writer

    client = make_client()
    doc = filing.file_bytes(ctx, client.number, "case", "甲".encode(), "a.txt")
    with pytest.raises(RuntimeError, match="boom"), writer(ctx.home.index_dir) as w:
        w.delete_by_term("doc", doc.number)
        raise RuntimeError("boom")
    assert index.search(ctx, "甲").total == 1  # the delete was cancelled
    with writer(ctx.home.index_dir) as w:  # and the lock was released
        pass


def test_status_missing_stale_extra_and_repair(ctx: Any, make_client: Any) -> None:
    from archivist.ledger.tables.documents import documents

    client = make_client()
    d1 = filing.file_bytes(ctx, client.number, "case", "甲乙".encode(), "a.txt")
    d2 = filing.file_bytes(ctx, client.number, "case", "丙丁".encode(), "b.txt")
    index.delete_documents(ctx, [d1.number])
    with ctx.ledger.write() as conn:
        conn.execute(documents.update().where(documents.c.id == d2.id).values(flag="corrupt"))
    fake = d1.model_copy(update={"number": "X-0001"})
    index.add_documents(ctx, [(fake, "ghost")])
    s = index.status(ctx)
    assert (s.missing, s.stale, s.extra) == ([d1.number], [d2.number], ["X-0001"])
    assert index.reindex_documents(ctx, s.missing + s.stale + s.extra) == 3
    s = index.status(ctx)
    assert (s.missing, s.stale, s.extra, s.documents, s.indexed) == ([], [], [], 2, 2)


def test_status_compares_numbers_that_extend_one_another(ctx: Any, make_client: Any) -> None:
    """status reads the ledger and the index side by side in one order (flat memory): numbers
    where one begins with another (Q-1, Q-10, Q-1-2) still pair up with their own entries."""
    from archivist.ledger.tables.documents import documents

    client = make_client()
    docs = [
        filing.file_bytes(ctx, client.number, "case", f"文件{i}".encode(), f"{i}.txt")
        for i in range(4)
    ]
    index.delete_documents(ctx, [d.number for d in docs])
    numbers = ["Q-1", "Q-10", "Q-1-2", "Q-2"]
    with ctx.ledger.write() as conn:
        for d, number in zip(docs, numbers, strict=True):
            conn.execute(documents.update().where(documents.c.id == d.id).values(number=number))
    assert sorted(index.status(ctx).missing) == sorted(numbers)
    index.reindex_documents(ctx, numbers)
    s = index.status(ctx)
    assert (s.missing, s.stale, s.extra, s.documents, s.indexed) == ([], [], [], 4, 4)
    ghost = docs[0].model_copy(update={"number": "Q-100"})
    index.add_documents(ctx, [(ghost, "ghost")])
    index.delete_documents(ctx, ["Q-1"])
    with ctx.ledger.write() as conn:
        conn.execute(documents.update().where(documents.c.number == "Q-10").values(flag="corrupt"))
    s = index.status(ctx)
    assert (s.missing, s.stale, s.extra, s.indexed) == (["Q-1"], ["Q-10"], ["Q-100"], 4)


def test_rebuild_is_chunked_with_progress(
    ctx: Any, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archivist.search as ix

    client = make_client()
    for i in range(7):
        filing.file_bytes(ctx, client.number, "case", f"文件{i} alpha{i}".encode(), f"{i}.txt")
    monkeypatch.setattr(ix, "CHUNK", 3)
    seen: list[tuple[int, int]] = []
    assert ix.rebuild(ctx, progress=lambda d, t: seen.append((d, t))) == 7
    assert seen == [(0, 7), (3, 7), (6, 7), (7, 7)]
    assert ix.search(ctx, "alpha4").hits[0].document == f"{client.number}-0005"
    assert not list(ctx.home.root.glob(".index*"))  # no leftovers


def test_cli_index_status_and_rebuild(invoke: Any, ctx: Any, make_client: Any) -> None:
    client = make_client()
    doc = filing.file_bytes(ctx, client.number, "case", "甲乙".encode(), "a.txt")
    assert "agrees" in invoke("index", "status").output
    index.delete_documents(ctx, [doc.number])
    res = invoke("index", "status", code=1)
    assert "missing (1)" in res.output
    assert invoke.json("index", "status", code=1)["missing"] == [doc.number]
    assert invoke.json("index", "rebuild") == {"indexed": 1, "engine": "whoosh"}
    invoke("index", "status")
    invoke("index", "rebuild", user="lin", code=1)


WORKER = """
import sys
from archivist.core.context import open_context
from archivist.filing import service as filing
ctx = open_context(sys.argv[1], "mei")
for i in range(int(sys.argv[3])):
    text = f"process {sys.argv[2]} document {i} 違約金條款 token{sys.argv[2]}x{i}"
    doc = filing.file_bytes(ctx, sys.argv[4], "case", text.encode(), f"p{sys.argv[2]}-{i}.txt")
    assert doc.indexed, doc.warnings
"""


def test_concurrent_filing_from_several_processes(
    ctx: Any, make_client: Any, home_dir: Path
) -> None:
    client = make_client()
    filing.file_bytes(ctx, client.number, "case", b"seed", "seed.txt")  # index exists
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(home_dir), str(n), "6", client.number],
            env=env,
            stderr=subprocess.PIPE,
        )
        for n in range(3)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()
    s = index.status(ctx)
    assert (s.missing, s.stale, s.extra) == ([], [], [])
    assert s.documents == s.indexed == 19
    assert index.search(ctx, "違約金", limit=100).total == 18
    numbers = [d.number for d in filing.list_documents(ctx, client.number)]
    assert len(set(numbers)) == 19


def test_single_document_terms_survive_segment_merges(ctx: Any, make_client: Any) -> None:
    """Terms of one document are kept inline in the term table; merging segments (every few
    single-document commits) must carry them, with and without stored values."""
    from archivist.search.writer import MAX_SEGMENTS

    client = make_client()
    words = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
        "kilo",
        "lima",
    ][: MAX_SEGMENTS * 2]
    docs = [
        filing.file_bytes(ctx, client.number, "case", f"{w} 契約第{i}條".encode(), f"{w}.txt")
        for i, w in enumerate(words)
    ]
    for w, doc in zip(words, docs, strict=True):
        hits = index.search(ctx, w).hits
        assert [h.document for h in hits] == [doc.number]
    assert index.search(ctx, "契約").total == len(words)
    s = index.status(ctx)
    assert (s.missing, s.stale, s.extra, s.indexed) == ([], [], [], len(words))


def _segment_files(index_dir: Path) -> set[str]:
    return {p.name.split(".")[0] for p in index_dir.glob("MAIN_*") if "WRITELOCK" not in p.name}


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small batches already take the multi-core path (a worker process writes a segment)."""
    import archivist.search.writer as iw

    monkeypatch.setattr(iw, "PARALLEL_MIN", 4)
    monkeypatch.setattr(iw, "_workers", lambda: 2)


def test_batches_indexed_on_two_cores_find_everything_and_replace(
    ctx: Any, make_client: Any, parallel: None
) -> None:
    client = make_client()
    docs = [
        filing.file_bytes(ctx, client.number, "case", f"違約責任 item{i}".encode(), f"{i}.txt")
        for i in range(10)
    ]
    index.delete_documents(ctx, [d.number for d in docs])
    assert (
        index.add_documents(ctx, [(d, f"違約責任 item{i}") for i, d in enumerate(docs)], new=True)
        == 10
    )
    assert index.search(ctx, "違約責任").total == 10
    assert {h.document for h in index.search(ctx, "item7").hits} == {docs[7].number}
    # re-indexing replaces the entries, wherever they were written
    index.add_documents(ctx, [(d, f"保密義務 redo{i}") for i, d in enumerate(docs)])
    assert index.search(ctx, "違約責任").total == 0
    assert index.search(ctx, "保密義務").total == 10
    s = index.status(ctx)
    assert (s.missing, s.stale, s.extra, s.indexed) == ([], [], [], 10)


def test_a_failing_index_worker_costs_nothing(
    ctx: Any, make_client: Any, parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archivist.search.writer as iw

    def broken(index_dir: str, docs: list[dict[str, Any]]) -> Any:
        os._exit(9)  # as if the worker were killed

    monkeypatch.setattr(iw, "_build_segment", broken)
    client = make_client()
    docs = [
        filing.file_bytes(ctx, client.number, "case", f"合同 n{i}".encode(), f"{i}.txt")
        for i in range(8)
    ]
    index.delete_documents(ctx, [d.number for d in docs])
    index.add_documents(ctx, [(d, f"合同 n{i}") for i, d in enumerate(docs)], new=True)
    assert index.search(ctx, "合同").total == 8


def test_worker_segments_of_a_cancelled_batch_are_never_seen(
    ctx: Any, make_client: Any, parallel: None
) -> None:
    from archivist.search.writer import add_many, writer

    client = make_client()
    doc = filing.file_bytes(ctx, client.number, "case", "甲".encode(), "a.txt")
    before = _segment_files(ctx.home.index_dir)
    batch = [
        index.fields(doc.model_copy(update={"number": f"Z-{i}"}), f"幽靈 {i}") for i in range(6)
    ]
    with pytest.raises(RuntimeError, match="boom"), writer(ctx.home.index_dir) as w:
        add_many(w, batch)
        raise RuntimeError("boom")
    assert index.search(ctx, "幽靈").total == 0
    index.add_documents(ctx, [(doc, "甲")])  # the next commit removes the orphaned files
    assert _segment_files(ctx.home.index_dir) - before <= _segment_files(ctx.home.index_dir)
    assert index.status(ctx).extra == []
    assert index.search(ctx, "幽靈").total == 0


def test_a_long_lived_process_sees_replaced_and_merged_documents(
    ctx: Any, make_client: Any
) -> None:
    client = make_client()
    doc = filing.file_bytes(ctx, client.number, "case", "舊文字 oldword".encode(), "a.txt")
    assert index.search(ctx, "oldword").total == 1  # this process now holds a searcher
    index.add_documents(ctx, [(doc, "新文字 newword")])
    assert index.search(ctx, "oldword").total == 0
    assert index.search(ctx, "newword").total == 1
    for i in range(12):  # enough commits for segments to be merged away
        filing.file_bytes(ctx, client.number, "case", f"其他 more{i}".encode(), f"{i}.txt")
        assert index.search(ctx, "newword").total == 1
    assert index.search(ctx, "其他").total == 12


def test_merged_segments_keep_postings_positions_and_deletions(
    ctx: Any, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archivist.search.writer as iw
    from archivist.search.schema import open_index

    monkeypatch.setattr(iw, "MAX_SEGMENTS", 100)  # one segment per filing, no merges yet
    client = make_client()
    docs = [
        filing.file_bytes(
            ctx, client.number, "case", f"違約責任第{i}條 word{i} common".encode(), f"{i}.txt"
        )
        for i in range(9)
    ]
    index.delete_documents(ctx, [docs[2].number, docs[5].number])
    assert len(open_index(ctx.home.index_dir)._segments()) >= 9
    monkeypatch.setattr(iw, "MAX_SEGMENTS", 2)
    # re-indexing doc 0 deletes its old entry in this same commit, which also merges
    index.add_documents(ctx, [(docs[0], "違約責任第0條 word0 common again")])
    assert len(open_index(ctx.home.index_dir)._segments()) < 9
    assert index.search(ctx, "common").total == 7
    assert index.search(ctx, "word0").total == 1
    assert index.search(ctx, "again").total == 1
    assert index.search(ctx, "word5").total == 0
    assert {h.document for h in index.search(ctx, "word7").hits} == {docs[7].number}
    assert {h.document for h in index.search(ctx, "責任第7條").hits} == {docs[7].number}
    s = index.status(ctx)
    assert (s.missing, s.stale, s.extra) == ([docs[2].number, docs[5].number], [], [])


def test_temporary_folders_of_a_killed_writer_are_cleared(ctx: Any, make_client: Any) -> None:
    client = make_client()
    filing.file_bytes(ctx, client.number, "case", "甲".encode(), "a.txt")
    left = ctx.home.index_dir / "MAIN.tmp-deadbeef0000"
    left.mkdir()
    (left / "x.run").write_bytes(b"partial")
    filing.file_bytes(ctx, client.number, "case", "乙".encode(), "b.txt")
    assert not left.exists()
    assert index.search(ctx, "乙").total == 1


def test_merge_plan_rewrites_each_size_class_and_caps_segment_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import archivist.search.writer as iw

    class Seg:
        def __init__(self, n: int, i: int) -> None:
            self.n, self.i = n, i

        def doc_count_all(self) -> int:
            return self.n

        def segment_id(self) -> int:
            return self.i

    ids = iter(range(10_000))
    segments: list[Any] = []
    rewritten = 0
    for _batch in range(200):  # 100,000 documents in batches of two 250-document segments
        keep, merge = iw.plan_merge(segments)
        if merge:
            rewritten += sum(s.n for s in merge)
            segments = keep + [Seg(sum(s.n for s in merge), next(ids))]
        segments += [Seg(250, next(ids)), Seg(250, next(ids))]
    assert sum(s.n for s in segments) == 100_000
    assert len(segments) <= 20  # few segments to search
    assert rewritten < 2.5 * 100_000  # each document rewritten about twice, not N times
    assert max(s.n for s in segments) <= iw.MAX_MERGED_DOCS
    monkeypatch.setattr(iw, "MAX_MERGED_DOCS", 1000)
    keep, merge = iw.plan_merge([Seg(250, next(ids)) for _ in range(9)])
    assert merge == [] and len(keep) == 9  # 8 x 250 would pass the cap
