"""The complaint report for management (policy 客戶投訴處理 四: summarise and analyse complaints,
with improvement proposals).

Definitions (what every figure means):
- The report covers the complaints RECEIVED from `date_from` to `date_to` (both inclusive);
  statuses, "open" and "overdue" are as of the moment the report is made (`as_of`).
- by_category / by_cause / by_responsibility: the current classification; "unclassified" when
  none yet. by_channel: how it came in. by_status: the current state.
- by_lawyer: each complaint counts once for every lawyer actively assigned to its matter
  (matter_lawyers); a complaint without a matter (or whose matter has no lawyer) counts for its
  assignee if that is a user, else for "(none)".
- Time to first response: from receipt to the first thing told to the client (a notification,
  `file --told`, or the feedback), over the complaints that have had one.
- Time to resolution: from receipt to the LATEST resolution, over the complaints that are
  resolved or closed now.
- Durations are exact (seconds) and shown in hours (1 decimal) and days (2 decimals: days with
  hours precision). The median is the middle value (the mean of the two middle values for an
  even count); worst is the longest, with the complaint it belongs to (the earliest on ties).
- Overdue: still being handled (received, classified, assigned, reopened) past the handling
  deadline, or resolved after the deadline in force at the time.
- Reopened: the client was unsatisfied at least once. Open: not closed (including resolved ones
  waiting for feedback).
- Proposals: every improvement proposal recorded on a complaint of the period."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.complaints.service import LABELS_ZH, OPEN
from archivist.core import audit, clock
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.ledger.tables.complaints import complaint_events, complaints
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.matters import matter_lawyers
from archivist.models import (
    ComplaintDurations,
    ComplaintProposal,
    ComplaintReport,
    ComplaintReportRow,
    ComplaintStatus,
    Role,
)

UNCLASSIFIED = "unclassified"
DOCX_ROWS = 40  # rows per complaint list in the .docx (a short list; --json has all)
NO_LAWYER = "(none)"


def durations(values: list[tuple[float, str]]) -> ComplaintDurations:
    """Median and worst of (seconds, complaint number) pairs."""
    if not values:
        return ComplaintDurations()
    secs = [v for v, _ in values]
    median = statistics.median(secs)
    worst, worst_number = max(values, key=lambda p: p[0])  # max keeps the first on ties
    return ComplaintDurations(
        count=len(values),
        median_hours=round(median / 3600, 1),
        median_days=round(median / 86400, 2),
        worst_hours=round(worst / 3600, 1),
        worst_days=round(worst / 86400, 2),
        worst_complaint=worst_number,
    )


def _sorted_counts(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def compute(conn: Connection, date_from: date, date_to: date) -> ComplaintReport:
    if date_to < date_from:
        raise InvalidInput(
            f"--to {date_to} is before --from {date_from}",
            "Give the period's first day with --from and its last with --to.",
        )
    as_of = clock.now()
    start = datetime.combine(date_from, time.min)
    end = datetime.combine(date_to, time.max)
    rows = conn.execute(
        select(complaints, clients.c.number.label("client_number"))
        .select_from(complaints.join(clients, clients.c.id == complaints.c.client_id))
        .where(complaints.c.received_at >= start, complaints.c.received_at <= end)
        .order_by(complaints.c.received_at, complaints.c.id)
    ).all()
    ids = [r.id for r in rows]
    names = {u.id: u.username for u in conn.execute(select(users.c.id, users.c.username))}

    # charged to the lawyers of the matter when the complaint came in (issue 21), not to
    # whoever is assigned now
    assignments: dict[int, list[Any]] = {}
    matter_ids = {r.matter_id for r in rows if r.matter_id}
    if matter_ids:
        for ml in conn.execute(
            select(
                matter_lawyers.c.matter_id,
                matter_lawyers.c.user_id,
                matter_lawyers.c.assigned_at,
                matter_lawyers.c.removed_at,
            )
            .where(matter_lawyers.c.matter_id.in_(matter_ids))
            .order_by(matter_lawyers.c.id)
        ):
            assignments.setdefault(ml.matter_id, []).append(ml)
    lawyers: dict[int, list[str]] = {}
    for r in rows:
        recorded = json.loads(r.about_lawyers) if r.about_lawyers else None
        lawyers[r.id] = recorded or [
            names.get(ml.user_id, "?")
            for ml in assignments.get(r.matter_id or -1, [])
            if ml.assigned_at <= r.received_at
            and (ml.removed_at is None or ml.removed_at > r.received_at)
        ]

    late_ids: set[int] = set()
    proposals: list[ComplaintProposal] = []
    numbers = {r.id: r.number for r in rows}
    if ids:
        for e in conn.execute(
            select(complaint_events)
            .where(
                complaint_events.c.complaint_id.in_(ids),
                complaint_events.c.kind.in_(["resolve", "propose"]),
            )
            .order_by(complaint_events.c.id)
        ):
            if e.kind == "resolve" and json.loads(e.details or "{}").get("late"):
                late_ids.add(e.complaint_id)
            elif e.kind == "propose":
                proposals.append(
                    ComplaintProposal(
                        complaint=numbers[e.complaint_id], at=e.at, by=e.actor, text=e.text or ""
                    )
                )

    counters: dict[str, Counter[str]] = {
        k: Counter() for k in ("status", "category", "cause", "responsibility", "channel", "lawyer")
    }
    first: list[tuple[float, str]] = []
    resolution: list[tuple[float, str]] = []
    overdue, reopened, open_ = [], [], []
    today = as_of.date()
    for r in rows:
        counters["status"][r.status] += 1
        counters["category"][r.category or UNCLASSIFIED] += 1
        counters["cause"][r.cause or UNCLASSIFIED] += 1
        counters["responsibility"][r.responsibility or UNCLASSIFIED] += 1
        counters["channel"][r.channel] += 1
        who = lawyers.get(r.id) or (
            [names[r.assignee_id]] if r.assignee_id in names else [NO_LAWYER]
        )
        for name in who:
            counters["lawyer"][name] += 1
        if r.first_response_at is not None:
            first.append(((r.first_response_at - r.received_at).total_seconds(), r.number))
        status = ComplaintStatus(r.status)
        if r.resolved_at is not None and status in (
            ComplaintStatus.RESOLVED,
            ComplaintStatus.CLOSED,
        ):
            resolution.append(((r.resolved_at - r.received_at).total_seconds(), r.number))
        row = ComplaintReportRow(
            number=r.number,
            client_number=r.client_number,
            received_at=r.received_at,
            channel=r.channel,
            category=r.category,
            status=status,
            assignee=names.get(r.assignee_id) if r.assignee_id else r.assignee_department,
            due_date=r.due_date,
            reopen_count=r.reopen_count or 0,
        )
        if (status in OPEN and today > r.due_date) or r.id in late_ids:
            overdue.append(row)
        if row.reopen_count:
            reopened.append(row)
        if status != ComplaintStatus.CLOSED:
            open_.append(row)
    return ComplaintReport(
        period_from=date_from,
        period_to=date_to,
        as_of=as_of,
        total=len(rows),
        by_status=_sorted_counts(counters["status"]),
        by_category=_sorted_counts(counters["category"]),
        by_cause=_sorted_counts(counters["cause"]),
        by_responsibility=_sorted_counts(counters["responsibility"]),
        by_channel=_sorted_counts(counters["channel"]),
        by_lawyer=_sorted_counts(counters["lawyer"]),
        first_response=durations(first),
        resolution=durations(resolution),
        overdue=overdue,
        reopened=reopened,
        open=open_,
        proposals=proposals,
    )


def report(ctx: Context, date_from: str | date, date_to: str | date) -> ComplaintReport:
    """The figures for a period (head, archivist or management); audited."""
    actor = ctx.require(
        Role.HEAD, Role.ARCHIVIST, Role.MANAGEMENT, action="read the complaint report"
    )
    start = clock.parse_date(date_from, "--from")
    end = clock.parse_date(date_to, "--to")
    with ctx.ledger.write() as conn:
        result = compute(conn, start, end)
        audit.record(
            conn,
            actor.username,
            "report.complaints",
            "report",
            "complaints",
            None,
            period_from=start,
            period_to=end,
            total=result.total,
        )
    return result


# ------------------------------------------------------------------------------- .docx
LABELS = {**LABELS_ZH, UNCLASSIFIED: "未分類", NO_LAWYER: "未指定"}


def _zh(key: str) -> str:
    return f"{LABELS[key]} ({key})" if key in LABELS else key


def _table(doc: Any, headers: list[str], rows: list[list[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = "" if value is None else str(value)


def _counts(doc: Any, title: str, data: dict[str, int], total: int) -> None:
    doc.add_heading(title, level=2)
    if not data:
        doc.add_paragraph("無 (none)")
        return
    _table(
        doc,
        ["項目 Item", "件數 Count", "比例 Share"],
        [[_zh(k), v, f"{v / total:.0%}" if total else "-"] for k, v in data.items()],
    )


def _rows(doc: Any, title: str, rows: list[ComplaintReportRow], empty: str = "無 (none)") -> None:
    doc.add_heading(title, level=2)
    if not rows:
        doc.add_paragraph(empty)
        return
    if len(rows) > DOCX_ROWS:
        doc.add_paragraph(
            f"共 {len(rows)} 件，列出最早的 {DOCX_ROWS} 件 ({len(rows)} in all; the "
            f"{DOCX_ROWS} oldest are listed, `--json` gives every one)."
        )
        rows = rows[:DOCX_ROWS]
    _table(
        doc,
        [
            "編號 No.",
            "客戶 Client",
            "收到 Received",
            "類別 Category",
            "狀態 Status",
            "承辦 Assignee",
            "期限 Due",
            "重開 Reopened",
        ],
        [
            [
                r.number,
                r.client_number,
                r.received_at.strftime("%Y-%m-%d"),
                _zh(r.category) if r.category else "-",
                _zh(r.status.value),
                r.assignee or "-",
                r.due_date,
                r.reopen_count,
            ]
            for r in rows
        ],
    )


def _chart_values(data: dict[str, int]) -> dict[str, int]:
    from archivist.reports.charts import label

    return {label(k, LABELS): v for k, v in data.items()}


def write_docx(
    rep: ComplaintReport, path: str | Path, firm: str = "", *, home: Any, overwrite: bool = False
) -> Path:
    """The report as a Word document with charts (category, channel, lawyer)."""
    import io

    from docx import Document
    from docx.shared import Cm

    from archivist.core.output import write_atomic
    from archivist.reports.charts import bar_chart, cjk_font

    zh = cjk_font() is not None
    doc = Document()
    doc.add_heading(f"{firm} 客戶投訴匯總分析報告".strip(), level=0)
    doc.add_paragraph(
        f"Complaint report for management · 期間 Period: {rep.period_from} – "
        f"{rep.period_to} · 截至 As of: {rep.as_of:%Y-%m-%d %H:%M}"
    )
    doc.add_heading("摘要 Summary", level=1)
    fr, rs = rep.first_response, rep.resolution
    lines = [
        f"收到投訴 Complaints received: {rep.total}",
        f"未結案 Open: {len(rep.open)}  ·  逾期 Overdue: {len(rep.overdue)}  ·  "
        f"重新處理 Reopened: {len(rep.reopened)}",
        f"首次答覆時間 Time to first response: median {_d(fr.median_days)} days, worst "
        f"{_d(fr.worst_days)} days ({fr.worst_complaint or '-'}), over {fr.count} complaints",
        f"處理時間 Time to resolution: median {_d(rs.median_days)} days, worst "
        f"{_d(rs.worst_days)} days ({rs.worst_complaint or '-'}), over {rs.count} complaints",
    ]
    for line in lines:
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading("分類統計 Breakdown", level=1)
    charts = [
        ("投訴類別分佈", "Complaints by category", rep.by_category),
        ("投訴渠道分佈", "Complaints by channel", rep.by_channel),
        ("各律師涉及投訴件數", "Complaints by lawyer", rep.by_lawyer),
    ]
    for zh_title, en_title, data in charts:
        if data:
            png = bar_chart(
                _chart_values(data),
                zh_title if zh else en_title,
                xlabel="件數" if zh else "complaints",
            )
            doc.add_picture(io.BytesIO(png), width=Cm(15))
    _counts(doc, "按類別 By category", rep.by_category, rep.total)
    _counts(doc, "按原因 By cause", rep.by_cause, rep.total)
    _counts(doc, "按責任 By responsibility", rep.by_responsibility, rep.total)
    _counts(doc, "按渠道 By channel", rep.by_channel, rep.total)
    _counts(doc, "按律師 By lawyer", rep.by_lawyer, rep.total)
    _counts(doc, "按狀態 By status", rep.by_status, rep.total)

    doc.add_heading("時效 Timeliness", level=1)
    _table(
        doc,
        ["", "件數 Count", "中位數 Median (days)", "最長 Worst (days)", "最長者 Worst"],
        [
            [
                "首次答覆 First response",
                fr.count,
                _d(fr.median_days),
                _d(fr.worst_days),
                fr.worst_complaint or "-",
            ],
            [
                "處理完成 Resolution",
                rs.count,
                _d(rs.median_days),
                _d(rs.worst_days),
                rs.worst_complaint or "-",
            ],
        ],
    )
    _rows(doc, "逾期 Overdue", rep.overdue)
    _rows(doc, "重新處理 Reopened", rep.reopened)
    _rows(doc, "未結案 Open", rep.open)

    doc.add_heading("改進建議 Improvement proposals", level=1)
    if not rep.proposals:
        doc.add_paragraph("本期無 (none this period)")
    for p in rep.proposals:
        doc.add_paragraph(f"{p.complaint} ({p.at:%Y-%m-%d}, {p.by}): {p.text}", style="List Bullet")

    buf = io.BytesIO()
    doc.save(buf)
    return write_atomic(path, buf.getvalue(), home=home, overwrite=overwrite)


def _d(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def to_csv(rep: ComplaintReport) -> str:
    """The report as CSV (UTF-8 with a BOM so spreadsheet programs read the Chinese): one
    `table,key,value` row per count and duration, then the overdue, reopened and open
    complaints with their columns."""
    import csv
    import io

    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out)
    w.writerow(["table", "key", "value"])
    w.writerow(["period", "from", rep.period_from.isoformat()])
    w.writerow(["period", "to", rep.period_to.isoformat()])
    w.writerow(["total", "received", rep.total])
    for table in (
        "by_status",
        "by_category",
        "by_cause",
        "by_responsibility",
        "by_channel",
        "by_lawyer",
    ):
        for key, value in getattr(rep, table).items():
            w.writerow([table, key, value])
    for name in ("first_response", "resolution"):
        d = getattr(rep, name)
        w.writerow([name, "count", d.count])
        w.writerow([name, "median_days", _d(d.median_days)])
        w.writerow([name, "worst_days", _d(d.worst_days)])
    w.writerow([])
    columns = ["list", *ComplaintReportRow.model_fields]
    w.writerow(columns)
    for name in ("overdue", "reopened", "open"):
        for row in getattr(rep, name):
            data = row.model_dump(mode="json")
            w.writerow([name, *(data.get(c, "") for c in columns[1:])])
    return out.getvalue()
