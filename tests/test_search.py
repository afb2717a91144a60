"""Search: recall and precision on a Chinese/English corpus, filters, access control, audit."""

from __future__ import annotations

from typing import Any

import pytest

from archivist import search as index
from archivist.core import audit, clock
from archivist.core.errors import InvalidInput
from archivist.filing import service as filing

CORPUS = {
    "trad": "本合約第五條規定違約責任：乙方逾期交貨者，應支付違約金新台幣十萬元。",
    "simp": "本合同规定保密义务，乙方泄露商业秘密的，应当承担赔偿责任。",
    "apart": "甲方違反本約定者，乙方得終止契約。",  # 違 and 約 apart; 契約
    "english": "The Non-Disclosure Agreement (NDA) binds the Parties to confidentiality.",
    "agenda": "Meeting agenda: discuss the schedule for the hearing.",
    "fullwidth": "委託人：ＡＢＣ貿易有限公司，代理律師林志明。",
    "single": "鑫",
    "lawsuit": "原告提起訴訟，請求被告賠償損失。",
}


@pytest.fixture
def docs(ctx: Any, make_client: Any) -> dict[str, str]:
    client = make_client("陳大文")
    out = {}
    for key, text in CORPUS.items():
        out[key] = filing.file_bytes(
            ctx, client.number, "case", text.encode(), f"{key}.txt", source="filed"
        ).number
    return out


def found(ctx: Any, query: str, **kw: Any) -> set[str]:
    return {h.document for h in index.search(ctx, query, limit=100, **kw).hits}


def test_traditional_query_finds_simplified_and_back(ctx: Any, docs: dict[str, str]) -> None:
    assert found(ctx, "保密義務") == {docs["simp"]}
    assert found(ctx, "违约金") == {docs["trad"]}
    assert found(ctx, "诉讼") == {docs["lawsuit"]}


def test_word_inside_a_sentence(ctx: Any, docs: dict[str, str]) -> None:
    assert found(ctx, "逾期交貨") == {docs["trad"]}
    assert found(ctx, "商业秘密") == {docs["simp"]}


def test_phrase_precision_apart_characters_do_not_match(ctx: Any, docs: dict[str, str]) -> None:
    assert docs["apart"] not in found(ctx, "違約")
    assert found(ctx, "違約") == {docs["trad"]}


def test_english_case_insensitive_and_whole_words(ctx: Any, docs: dict[str, str]) -> None:
    assert found(ctx, "nda") == {docs["english"]}
    assert found(ctx, "NON-DISCLOSURE") == {docs["english"]}
    assert docs["agenda"] not in found(ctx, "NDA")


def test_fullwidth_query_finds_halfwidth_and_back(ctx: Any, docs: dict[str, str]) -> None:
    assert found(ctx, "ＮＤＡ") == {docs["english"]}
    assert found(ctx, "abc") == {docs["fullwidth"]}


def test_single_character_query(ctx: Any, docs: dict[str, str]) -> None:
    assert found(ctx, "鑫") == {docs["single"]}
    assert docs["trad"] in found(ctx, "約")


def test_synonyms_for_contract(ctx: Any, docs: dict[str, str]) -> None:
    assert found(ctx, "合同") == {docs["trad"], docs["simp"], docs["apart"]}
    assert found(ctx, "契约") == found(ctx, "合同")


def test_operators_and_phrases(ctx: Any, docs: dict[str, str]) -> None:
    assert found(ctx, "违约金 OR NDA") == {docs["trad"], docs["english"]}
    assert found(ctx, "乙方 NOT 违约") == {docs["simp"], docs["apart"]}
    assert found(ctx, "乙方 AND 保密") == {docs["simp"]}
    assert found(ctx, '"Disclosure Agreement"') == {docs["english"]}
    assert found(ctx, '"Agreement Disclosure"') == set()
    assert found(ctx, "title:english") == {docs["english"]}


def test_highlighted_snippet_in_original_script(ctx: Any, docs: dict[str, str]) -> None:
    hit = index.search(ctx, "违约金").hits[0]
    assert "\x02違約金\x03" in (hit.highlighted or "")
    assert "違約金" in hit.snippet and "\x02" not in hit.snippet
    hit = index.search(ctx, "abc").hits[0]
    assert "\x02ＡＢＣ\x03" in (hit.highlighted or "")


def test_filters_sort_and_pages(ctx: Any, make_client: Any, make_matter: Any) -> None:
    a, b = make_client("甲公司", "company"), make_client("乙公司", "company")
    m = make_matter(b)
    clock.set_now("2026-01-10T09:00:00")
    d1 = filing.file_bytes(ctx, a.number, "contract", "保證金 one".encode(), "1.txt")
    clock.set_now("2026-02-10T09:00:00")
    d2 = filing.file_bytes(ctx, b.number, "case", "保證金 two".encode(), "2.txt", matter_number=m)
    clock.set_now("2026-03-10T09:00:00")
    d3 = filing.file_bytes(ctx, b.number, "case", make_pdf("deposit"), "3.pdf")
    d4 = filing.file_bytes(ctx, b.number, "work", "保證金 four".encode(), "4.txt")
    assert found(ctx, "保证金", client=a.number) == {d1.number}
    assert found(ctx, "保证金", matter=m) == {d2.number}
    assert found(ctx, "保证金", section="work") == {d4.number}
    assert found(ctx, "deposit", filetype="pdf") == {d3.number}
    assert found(ctx, "保证金", date_from="2026-02-01", date_to="2026-02-28") == {d2.number}
    assert found(ctx, "保证金", date_to="2026-01-10") == {d1.number}
    by_date = index.search(ctx, "保证金", sort="date")
    assert [h.document for h in by_date.hits] == [d4.number, d2.number, d1.number]
    p1 = index.search(ctx, "保证金", sort="date", limit=2, page=1)
    p2 = index.search(ctx, "保证金", sort="date", limit=2, page=2)
    assert p1.total == p2.total == 3
    assert [h.document for h in p2.hits] == [d1.number]
    assert found(ctx, "保证金", client="Z9999") == set()
    with pytest.raises(InvalidInput):
        index.search(ctx, "   ")


def make_pdf(text: str) -> bytes:
    from tests.test_extract import pdf_with_text

    return pdf_with_text(text)


# ------------------------------------------------------------------ access control and audit
def test_lawyer_sees_only_assigned_clients_and_search_is_audited(
    ctx: Any, ctx_as: Any, make_client: Any, make_matter: Any, invoke: Any
) -> None:
    mine, other = make_client("陳大文"), make_client("李小龍")
    make_matter(mine, lawyers=["lin"])
    d_mine = filing.file_bytes(ctx, mine.number, "case", "違約金 mine".encode(), "a.txt")
    filing.file_bytes(ctx, other.number, "case", "違約金 other".encode(), "b.txt")
    filing.file_bytes(ctx, other.number, "case", "秘密 other".encode(), "c.txt")
    lin = ctx_as("lin")
    res = index.search(lin, "违约金")
    assert res.total == 1 and [h.document for h in res.hits] == [d_mine.number]
    assert index.search(lin, "秘密").total == 0
    assert index.search(lin, "秘密", client=other.number).total == 0
    assert index.search(ctx_as("wu"), "违约金").total == 0  # staff: nothing
    assert index.search(ctx_as("head2"), "违约金").total == 2  # head: everything
    assert invoke.json("search", "违约金", user="zhao")["hits"] == []  # lawyer without matters
    with ctx.ledger.read() as conn:
        events = audit.query(conn, action="search", actor="lin")
    assert events[0].details["query"] == "违约金"
    assert events[0].details["clients"] == [mine.number]
    assert events[0].details["documents"] == [d_mine.number]
    assert all(other.number not in e.details["clients"] for e in events)


def test_lawyer_sees_archive_on_active_loan(ctx: Any, ctx_as: Any, make_client: Any) -> None:
    from datetime import timedelta

    from archivist.ledger.tables.loans import loans

    other = make_client("李小龍")
    doc = filing.file_bytes(ctx, other.number, "case", "借閱 違約".encode(), "a.txt")
    lin = ctx_as("lin")
    assert index.search(lin, "借阅").total == 0
    cols = {c.name for c in loans.columns}
    now = clock.now()
    values: dict[str, Any] = {
        "client_id": other.id,
        "scope": "archive",
        "status": "out",
        "borrower_id": 2,
        "due_at": now + timedelta(days=3),
    }
    for name, default in (
        ("number", "JY2026-0001"),
        ("requested_at", now),
        ("requested_by", 2),
        ("purpose", "test"),
        ("reason", "test"),
        ("created_at", now),
    ):
        if name in cols:
            values[name] = default
    for col in loans.columns:
        if (
            col.name not in values
            and not col.nullable
            and col.default is None
            and not col.primary_key
            and col.server_default is None
        ):
            values[col.name] = (
                now
                if "at" in col.name
                else (1 if col.name.endswith("_id") or col.name.endswith("_by") else "x")
            )
    with ctx.ledger.write() as conn:
        from archivist.core import users

        values["borrower_id"] = users.get(conn, "lin").id
        conn.execute(loans.insert().values(**{k: v for k, v in values.items() if k in cols}))
    assert [h.document for h in index.search(ctx_as("lin"), "借阅").hits] == [doc.number]


def test_cli_json_keys_and_human_output(invoke: Any, ctx: Any, make_client: Any) -> None:
    client = make_client("陳大文")
    doc = filing.file_bytes(
        ctx,
        client.number,
        "contract",
        "本合約規定違約責任。".encode(),
        "合約.txt",
        title="服務合約",
    )
    res = invoke.json("search", "違約")
    assert (res["total"], res["page"], res["limit"]) == (1, 1, 20)
    hits = res["hits"]
    assert list(hits[0]) == [
        "client",
        "client_name",
        "document",
        "title",
        "original_name",
        "section",
        "date",
        "score",
        "snippet",
        "highlights",
        "matter",
        "filetype",
    ]
    h = hits[0]
    assert [h["snippet"][a:b] for a, b in h["highlights"]] == ["違約"]
    assert (
        h["client"],
        h["client_name"],
        h["document"],
        h["title"],
        h["original_name"],
        h["section"],
    ) == (client.number, "陳大文", doc.number, "服務合約", "合約.txt", "contract")
    assert "違約責任" in h["snippet"] and "\x02" not in h["snippet"]
    out = invoke("search", "违约", "责任").output
    assert doc.number in out and "[違約責任]" in out and "陳大文" in out
    res = invoke("search", "違約", "--sort", "weird", code=2)
    assert "weird" in res.output
    res = invoke("search", "違約", "--from", "not-a-date", code=1)
    assert "Traceback" not in res.output
    assert invoke.json("search", "nothingmatches")["hits"] == []


def test_total_is_exact_and_pages_cover_every_match(ctx: Any, make_client: Any) -> None:
    """The count shown beside the first page is the exact number of matching documents (found
    in the same pass as the top hits), and paging through reaches each of them once."""
    client = make_client("陳大文")
    expected = set()
    for i in range(36):
        text = "本約定之違約責任。" * (1 + i % 7) + f"第{i}號。" + "其他條款。" * (i % 5)
        title = f"違約責任 {i}.txt" if i % 4 == 0 else f"文件 {i}.txt"
        expected.add(
            filing.file_bytes(
                ctx, client.number, "case", text.encode(), title, source="filed"
            ).number
        )
    for i in range(5):  # noise that must not be counted
        filing.file_bytes(
            ctx,
            client.number,
            "case",
            f"違反約定，責任自負。{i}".encode(),
            f"noise {i}.txt",
            source="filed",
        )  # distinct: a copy is refused
    first = index.search(ctx, "違約責任", limit=5)
    assert first.total == len(expected)
    seen: list[str] = []
    for page in range(1, 9):
        res = index.search(ctx, "違約責任", limit=5, page=page)
        assert res.total == len(expected)
        seen += [h.document for h in res.hits]
    assert sorted(seen) == sorted(expected)


def test_character_folding_for_snippets_matches_the_index_folding() -> None:
    """Snippets fold a document a character at a time (fast, same offsets); that folding
    agrees with the index's on text shaped like the real ones, and a document with a
    character that folds to several (ﬁ, ㈱) still gets its match highlighted, by the exact
    folding."""
    from archivist.search.analysis import fold_chars, normalize
    from archivist.search.searcher import plain
    from archivist.search.snippets import MARK_OFF, MARK_ON, phrases_pattern, snippet

    text = "第一條　本合同（以下簡稱「合同」）之違約金，依《民法》辦理。ＡＢＣ Contract 違約責任"
    assert fold_chars(text) == normalize(text)[0]
    assert fold_chars("㈱ﬁrm") is None
    groups = [["违约金"]]
    exact, fast = phrases_pattern(groups), phrases_pattern(groups, fold_chars)
    for doc in (text, "㈱ﬁnancial terms. " * 50 + "罰則：違約金按日計算"):
        marked = snippet(doc, exact, 160, 1, fast)
        assert f"{MARK_ON}違約金{MARK_OFF}" in marked
        assert "違約金" in plain(marked)
