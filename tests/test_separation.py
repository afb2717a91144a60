"""Separation of duties and conflicts around lawyers (issue 21): a lawyer who acts for the other
side is neither assigned nor lent the client's archive unless a head-approved written waiver says
so; a loan approved read-only forbids copies; a closed matter's access ends after 90 days."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from archivist.clients import registry
from archivist.core import clock
from archivist.core.errors import Conflict, Forbidden, NotFound
from archivist.filing import service as filing
from archivist.loans import service as loans
from archivist.matters import conflict_waivers, conflicts
from archivist.matters import service as matters
from archivist.matters.duties import reassign


@pytest.fixture
def sides(ctx: Any, make_client: Any) -> dict[str, Any]:
    """lin acts for 陳大文 against 宏達科技有限公司; the firm later takes 宏達科技(股)公司 on,
    with zhao."""
    clock.set_now("2026-03-02T09:00:00")
    chan = make_client("陳大文")
    m1 = matters.open_matter(
        ctx, chan.number, "civil", "貨款", ["lin"], opposing=["宏達科技有限公司"]
    ).matter.number
    hung = make_client("宏達科技(股)公司", kind="company")
    m2 = matters.open_matter(ctx, hung.number, "non-litigation", "顧問", ["zhao"]).matter.number
    return {"chan": chan, "hung": hung, "m1": m1, "m2": m2}


def _waiver(ctx_as: Any, home_dir: Path, ctx: Any, client: Any, check_id: int) -> str:
    consent = home_dir / "consent.txt"
    consent.write_text("雙方書面同意。\n", encoding="utf-8")
    doc = filing.file_paths(ctx, client.number, [consent], section="basic")
    number = doc[0].number
    w = conflict_waivers.request(ctx, check_id, [number], "雙方書面同意")
    conflict_waivers.decide(ctx_as("head2"), w["number"], True)
    return str(w["number"])


def test_a_lawyer_of_the_other_side_is_not_assigned(
    ctx: Any, ctx_as: Any, sides: dict[str, Any], invoke: Any
) -> None:
    out = invoke(
        "matter",
        "reassign",
        sides["m2"],
        "--from",
        "zhao",
        "--to",
        "lin",
        "--reason",
        "x",
        code=1,
    )
    assert "conflict of interest: lawyer lin" in out.output and sides["m1"] in out.output
    with ctx.ledger.read() as conn:
        assert matters.get(conn, sides["m2"]).lawyers == ["zhao"]
    checks = invoke.json("conflict", "list")
    assert checks[0]["purpose"] == "reassign" and checks[0]["result"] == "refused"
    # and not when the matter is opened either
    with pytest.raises(Conflict, match="lawyer lin"):
        matters.open_matter(ctx, sides["hung"].number, "civil", "y", ["lin"])


def test_a_lawyer_of_the_other_side_borrows_only_on_a_waiver(
    ctx: Any, ctx_as: Any, sides: dict[str, Any], home_dir: Path
) -> None:
    number = loans.request(ctx_as("lin"), sides["hung"].number, purpose="閱覽").loan.number
    with pytest.raises(Conflict, match="lawyer lin"):
        loans.approve(ctx_as("head2"), number)
    with ctx.ledger.read() as conn:
        assert loans._row(conn, number).status == "pending"
    check_id = conflicts.list_checks(ctx, 1)[0].id
    ref = _waiver(ctx_as, home_dir, ctx, sides["hung"], check_id)
    approved = loans.approve(ctx_as("head2"), number, conflict_waiver=ref)
    assert approved.loan.status.value == "approved"


def test_read_only_loans_refuse_copies(
    ctx: Any, ctx_as: Any, make_client: Any, tmp_path: Path
) -> None:
    client = make_client("王小明")
    src = tmp_path / "a.txt"
    src.write_text("合同\n", encoding="utf-8")
    filed = filing.file_paths(ctx, client.number, [src], section="basic")
    doc = filed[0].number
    wu = ctx_as("wu")
    number = loans.request(wu, client.number, purpose="閱覽").loan.number
    assert loans.approve(ctx_as("head2"), number, no_copies=True).loan.no_copies
    loans.checkout(ctx_as("clerk"), number, ack_confidentiality=True)
    assert filing.show(wu, doc).number == doc  # reading is allowed
    with pytest.raises(Forbidden, match="no copies"):
        filing.export(wu, doc, tmp_path)
    with pytest.raises(Forbidden, match="no copies"):
        filing.open_content(wu, doc, "download")
    filing.open_content(wu, doc, "view")
    assert filing.export(ctx, doc, tmp_path / "mine.txt").is_file()  # the archivist may


def test_access_to_a_closed_matter_ends_after_90_days(
    ctx: Any, ctx_as: Any, make_client: Any
) -> None:
    clock.set_now("2026-01-05T09:00:00")
    client = make_client("李四")
    number = matters.open_matter(ctx, client.number, "civil", "x", ["lin"]).matter.number
    matters.close(ctx, number, "done", True)
    clock.set_now("2026-04-04T09:00:00")  # 89 days later
    lin = ctx_as("lin")
    with lin.ledger.read() as conn:
        registry.get_archive(lin, conn, client.number)
    clock.set_now((clock.now() + timedelta(days=2)).isoformat())
    with lin.ledger.read() as conn, pytest.raises(NotFound):
        registry.get_archive(lin, conn, client.number)


def test_a_complaint_is_not_handled_by_the_lawyer_it_is_about(
    ctx: Any, ctx_as: Any, make_client: Any
) -> None:
    from archivist.complaints import service as complaints
    from archivist.reports import complaints as report

    clock.set_now("2026-03-02T09:00:00")
    client = make_client("張三")
    number = matters.open_matter(ctx, client.number, "civil", "x", ["lin"]).matter.number
    c = complaints.file(ctx, client.number, "phone", "律師未回電", matter=number)
    assert c.about_lawyers == ["lin"]
    complaints.classify(ctx, c.number, "delay", "未回電", "lawyer")
    with pytest.raises(Forbidden, match="is about lin"):
        complaints.assign(ctx, c.number, "lin")
    complaints.assign(ctx, c.number, "zhao")
    resolved = complaints.resolve(ctx_as("zhao"), c.number, "屬實", "改善")
    assert resolved.handled_by == "zhao"
    # the matter moves to zhao afterwards: the complaint still counts for lin, and the reply
    # letter names zhao, who handled it
    clock.set_now("2026-03-05T09:00:00")
    reassign.reassign(ctx, number, "lin", "zhao", "客戶要求")
    with ctx.ledger.read() as conn:
        data = complaints.reply_data(conn, complaints.show(ctx, c.number))
    assert data["handler"] == "趙小雲"
    assert report.report(ctx, "2026-03-01", "2026-03-31").by_lawyer == {"lin": 1}


def test_no_one_grants_themselves_a_role(invoke: Any) -> None:
    boot = invoke.json("user", "roles", "mei")
    assert {(g["role"], g["bootstrap"], g["by"]) for g in boot} == {
        ("archivist", True, None),
        ("head", True, None),
    }
    # an archivist may not make themselves head, nor a head who is no archivist anyone
    out = invoke(
        "user", "edit", "clerk", "--role", "archivist", "--role", "head", user="clerk", ok=False
    )
    assert "their own roles" in out.output
    out = invoke(
        "user", "edit", "lin", "--role", "lawyer", "--role", "head", user="clerk", ok=False
    )
    assert "needs an existing head" in out.output
    out = invoke("user", "edit", "lin", "--role", "staff", user="head2", ok=False)
    assert "archivist role" in out.output
    invoke("user", "add", "boss2", "--name", "某", "--role", "head", user="clerk", ok=False)
    # another archivist who is a head may
    invoke("user", "edit", "clerk", "--role", "archivist", "--role", "head")
    grants = invoke.json("user", "roles", "clerk")
    assert grants[-1] == {**grants[-1], "role": "head", "granted": True, "by": "mei"}
    invoke("user", "roles", "clerk", user="lin", ok=False)


def test_a_version_4_ledger_gains_the_conflict_tables(tmp_path: Path) -> None:
    """Schema 5 (issue 21): other names, waivers, role grants, prospects; four new columns."""
    from archivist.ledger import migrations
    from archivist.ledger.engine import Ledger

    ledger = Ledger.for_path(tmp_path / "old.sqlite3")
    with ledger.write() as conn:
        for table in ("conflict_checks", "loans", "complaints", "client_consents"):
            conn.exec_driver_sql(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO loans (id) VALUES (1)")
        migrations.STEPS[5](conn)
    with ledger.read() as conn:

        def cols(t: str) -> list[str]:
            return [r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({t})")]

        assert "waiver_id" in cols("conflict_checks") and "no_copies" in cols("loans")
        assert "about_lawyers" in cols("complaints") and "expires_on" in cols("client_consents")
        for t in ("client_names", "conflict_waivers", "role_grants", "prospects"):
            assert cols(t)
        assert conn.exec_driver_sql("SELECT no_copies FROM loans").scalar() in (0, False)
    ledger.dispose()
