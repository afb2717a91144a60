"""Issue 15 §1: a loan grants exactly what it names; the audit trail is read through the access
rules; unreadable and nonexistent answer alike."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archivist.core import clock
from archivist.filing import service as filing
from archivist.loans import service as loans
from archivist.matters import consultations
from archivist.matters import service as matters
from archivist.models import ClientInput


@pytest.fixture
def lent(ctx: Any, ctx_as: Any, make_matter: Any) -> dict[str, Any]:
    from archivist.clients import registry

    clock.set_now("2026-03-02T09:00:00")
    client = registry.add(
        ctx, ClientInput(name="陳大文", kind="person", id_number="A123456789")
    ).client
    matter = make_matter(client, lawyers=["zhao"])
    other_matter = make_matter(client, lawyers=["zhao"], title="另一宗租賃糾紛")
    doc = filing.file_bytes(
        ctx,
        client.number,
        "case",
        "起訴狀 原告陳大文".encode(),
        "起訴狀.txt",
        matter_number=matter,
        source="filed",
    )
    other = filing.file_bytes(
        ctx, client.number, "basic", "身份證明 陳大文".encode(), "身份證明.txt", source="filed"
    )
    consultations.log(ctx, client.number, "phone", "諮詢摘要：客戶擔心對方轉移資產")
    matters.record_progress(ctx_as("zhao"), matter, "內部工作筆記：證人不可靠")
    earlier = loans.request(ctx_as("zhao"), client.number, purpose="舊借閱的機密用途").loan.number
    loans.cancel(ctx_as("zhao"), earlier)
    return {
        "client": client,
        "matter": matter,
        "other_matter": other_matter,
        "doc": doc.number,
        "other": other.number,
        "mei": ctx,
        "lin": ctx_as("lin"),
        "clerk": ctx_as("clerk"),
        "earlier": earlier,
    }


SECRETS = ("A123456789", "諮詢摘要", "內部工作筆記", "舊借閱的機密用途")


def _lend(s: dict[str, Any], **what: Any) -> str:
    number = loans.request(s["lin"], s["client"].number, purpose="準備開庭", **what).loan.number
    loans.approve(s["mei"], number)
    loans.checkout(s["clerk"], number, ack_confidentiality=True)
    return number


def test_a_loan_of_one_document_shows_that_document_only(lent: dict[str, Any], invoke: Any) -> None:
    s = lent
    _lend(s, document_numbers=[s["doc"]])
    for args in (
        ("client", "show", s["client"].number),
        ("client", "timeline", s["client"].number),
    ):
        for as_json in (False, True):
            out = invoke(*args, *(["--json"] if as_json else []), user="lin").output
            for secret in SECRETS + (s["other"], s["other_matter"]):
                assert secret not in out, (args, secret, out)
    shown = invoke.json("client", "show", s["client"].number, user="lin")
    assert shown["number"] == s["client"].number and shown["name"] == "陳大文"
    assert [d["number"] for d in shown["documents"]] == [s["doc"]]
    assert "id_number" not in shown and "consultations" not in shown and "loans" not in shown
    events = invoke.json("client", "timeline", s["client"].number, user="lin")
    assert [e["reference"] for e in events] == [s["doc"]]
    # the whole file is still there for those who may read it
    full = invoke("client", "show", s["client"].number).output
    assert "A123456789" in full and "諮詢摘要" in full


def test_a_loan_of_one_matter_shows_that_matter_and_its_documents(
    lent: dict[str, Any], invoke: Any
) -> None:
    s = lent
    _lend(s, matter=s["matter"])
    shown = invoke.json("client", "show", s["client"].number, user="lin")
    assert [d["number"] for d in shown["documents"]] == [s["doc"]]
    assert [m["number"] for m in shown["matters"]] == [s["matter"]]
    text = json.dumps(shown, ensure_ascii=False)
    for secret in ("A123456789", "諮詢摘要", "舊借閱的機密用途", s["other"], s["other_matter"]):
        assert secret not in text
    refs = {
        e["reference"] for e in invoke.json("client", "timeline", s["client"].number, user="lin")
    }
    assert refs == {s["matter"], s["doc"]}


def test_a_partial_loan_opens_no_consultation_of_the_client(
    lent: dict[str, Any], invoke: Any
) -> None:
    s = lent
    _lend(s, document_numbers=[s["doc"]])
    _same(
        invoke,
        "lin",
        ("consult", "list", "--client", s["client"].number),
        ("consult", "list", "--client", "Z0999"),
        s["client"].number,
        "Z0999",
    )
    assert "諮詢摘要" not in invoke("consult", "list", user="lin").output


def _same(
    invoke: Any,
    user: str,
    args_hidden: tuple[str, ...],
    args_missing: tuple[str, ...],
    hidden: str,
    missing: str,
) -> None:
    a = invoke(*args_hidden, user=user, ok=False)
    b = invoke(*args_missing, user=user, ok=False)
    assert a.exit_code == b.exit_code == 1
    assert a.output.replace(hidden, "REF") == b.output.replace(missing, "REF"), (a.output, b.output)


def test_unreadable_and_nonexistent_answer_alike(
    lent: dict[str, Any], invoke: Any, ctx: Any
) -> None:
    from archivist.complaints import service as complaints

    s = lent
    c = complaints.file(ctx, s["client"].number, "phone", "律師態度不好").number
    loan = loans.request(s["lin"], s["client"].number, purpose="x").loan.number
    _same(
        invoke,
        "wu",
        ("file", "show", s["doc"]),
        ("file", "show", "C0001-0999"),
        s["doc"],
        "C0001-0999",
    )
    _same(
        invoke,
        "wu",
        ("matter", "show", s["matter"]),
        ("matter", "show", "2026-MS-0999"),
        s["matter"],
        "2026-MS-0999",
    )
    _same(
        invoke,
        "wu",
        ("matter", "progress", s["matter"], "--note", "x"),
        ("matter", "progress", "2026-MS-0999", "--note", "x"),
        s["matter"],
        "2026-MS-0999",
    )
    _same(
        invoke,
        "lin",
        ("complaint", "show", c),
        ("complaint", "show", "TS2026-0999"),
        c,
        "TS2026-0999",
    )
    _same(
        invoke,
        "lin",
        ("complaint", "propose", c, "--text", "x"),
        ("complaint", "propose", "TS2026-0999", "--text", "x"),
        c,
        "TS2026-0999",
    )
    for verb in (("show",), ("cancel",), ("renew", "--days", "3")):
        _same(
            invoke,
            "wu",
            ("loan", verb[0], loan, *verb[1:]),
            ("loan", verb[0], "JY2026-0999", *verb[1:]),
            loan,
            "JY2026-0999",
        )
    _same(
        invoke,
        "wu",
        ("client", "show", s["client"].number),
        ("client", "show", "Z0999"),
        s["client"].number,
        "Z0999",
    )
    out = invoke("matter", "progress", s["matter"], "--note", "x", user="wu", ok=False).output
    assert "zhao" not in out


def test_the_audit_trail_is_read_through_the_access_rules(
    lent: dict[str, Any], invoke: Any
) -> None:
    s = lent
    invoke("search", "機密搜索詞", user="lin")
    _lend(s, document_numbers=[s["doc"]])
    # management may open no client archive: no client event, no confidential value
    raw = invoke("audit", "log", "--json", user="boss").output
    for secret in SECRETS + ("機密搜索詞", "陳大文"):
        assert secret not in raw, secret
    events = json.loads(raw)
    assert events and all(e["client_id"] is None for e in events)
    search = [e for e in events if e["action"] == "search"]
    assert search and search[0]["object_id"] == "[redacted]"
    assert search[0]["details"]["query"] == "[redacted]"
    # a client management may not read is not there for them
    _same(
        invoke,
        "boss",
        ("audit", "log", "--client", s["client"].number),
        ("audit", "log", "--client", "Z0999"),
        s["client"].number,
        "Z0999",
    )
    # the archivist and the head read everything, and see who read the trail
    everything = invoke("audit", "log", "--json").output
    for secret in SECRETS + ("機密搜索詞",):
        assert secret in everything, secret
    reads = invoke.json("audit", "log", "--action", "audit.read")
    assert [e["actor"] for e in reads][:2] == ["boss", "mei"]


def test_a_partial_loan_opens_no_status_letter_or_consents(
    lent: dict[str, Any], invoke: Any, tmp_path: Any
) -> None:
    s = lent
    _lend(s, document_numbers=[s["doc"]])
    number = s["client"].number
    for args in (
        ("client", "report", number, "--out", str(tmp_path / "r.docx")),
        ("client", "consent", number),
    ):
        _same(invoke, "lin", args, tuple(a.replace(number, "Z0999") for a in args), number, "Z0999")
    assert not (tmp_path / "r.docx").exists()


def test_list_filters_tell_no_one_which_clients_exist(lent: dict[str, Any], invoke: Any) -> None:
    s = lent
    for group in ("loan", "complaint"):
        hidden = invoke(group, "list", "--client", s["client"].number, "--json", user="wu")
        missing = invoke(group, "list", "--client", "Z0999", "--json", user="wu")
        assert hidden.output == missing.output
    assert "no client" in invoke("loan", "list", "--client", "Z0999", code=1).output


def test_redaction_reaches_nested_values_and_object_ids() -> None:
    from archivist.core import access

    details = {
        "changes": {"id_number": {"old": "A1", "new": "A2"}, "phone": None},
        "shown": 3,
        "query": "陳大文 離婚",
    }
    out = access.redact(details)
    assert out == {
        "changes": {"id_number": "[redacted]", "phone": None},
        "shown": 3,
        "query": "[redacted]",
    }
    assert "file" in access.CONFIDENTIAL_OBJECTS and "search" in access.CONFIDENTIAL_OBJECTS


def test_client_list_shows_a_client_lent_in_part_by_name_and_number(
    lent: dict[str, Any], invoke: Any
) -> None:
    s = lent
    _lend(s, document_numbers=[s["doc"]])
    out = invoke("client", "list", "--json", user="lin").output
    assert s["client"].number in out and "A123456789" not in out
    assert invoke.json("client", "list", "--query", "A123456789", user="lin") == []
    assert invoke.json("client", "list", "--query", "A123456789")[0]["number"] == s["client"].number


def test_a_manager_holding_a_loan_sees_the_events_of_what_is_lent(
    lent: dict[str, Any], invoke: Any, ctx_as: Any
) -> None:
    s = lent
    boss = ctx_as("boss")
    number = loans.request(
        boss, s["client"].number, purpose="審計", document_numbers=[s["doc"]]
    ).loan.number
    loans.approve(s["mei"], number)
    loans.checkout(s["clerk"], number, ack_confidentiality=True)
    events = invoke.json("audit", "log", "--client", s["client"].number, user="boss")
    assert {e["object_id"] for e in events} == {s["doc"]}
    assert "document.file" in {e["action"] for e in events}
