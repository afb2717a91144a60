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

from archivist.complaints.service import OPEN
from archivist.core import audit, clock
from archivist.core.context import Context
from archivist.core.errors import InvalidInput
from archivist.core.i18n import N_, _
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
            _("--to {date_to} is before --from {date_from}").format(
                date_to=date_to, date_from=date_from
            ),
            _("Give the period's first day with --from and its last with --to."),
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
    people_rows = conn.execute(select(users.c.id, users.c.username, users.c.display_name)).all()
    names = {u.id: u.username for u in people_rows}
    people = {u.username: u.display_name for u in people_rows}

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
        people={
            u: people[u]
            for u in sorted(
                set(counters["lawyer"])
                | {r.assignee for r in overdue + reopened + open_ if r.assignee}
                | {p.by for p in proposals}
            )
            if u in people
        },
    )


def report(ctx: Context, date_from: str | date, date_to: str | date) -> ComplaintReport:
    """The figures for a period (head, archivist or management); audited."""
    actor = ctx.require(
        Role.HEAD, Role.ARCHIVIST, Role.MANAGEMENT, action=_("read the complaint report")
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
# The .docx is written in the language in effect (the reader's), naming people by name.
SPECIAL = {UNCLASSIFIED: N_("unclassified"), NO_LAWYER: N_("(none)")}


def _label(key: str, people: dict[str, str] | None = None) -> str:
    """A coded key (category, channel, responsibility, status) as words; a username as the
    person's name; anything else (a cause in the firm's words) as it is."""
    from archivist.core.vocabulary import VOCABULARIES, label

    if key in SPECIAL:
        return _(SPECIAL[key])
    for vocabulary in ("complaint_category", "channel", "responsibility", "complaint_status"):
        if key in VOCABULARIES[vocabulary]:
            return label(vocabulary, key)
    return (people or {}).get(key, key)


label_of = _label  # for the command line's summary


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


def _counts(doc: Any, title: str, data: dict[str, int], total: int, people: dict[str, str]) -> None:
    from archivist.core.formats import number, percent

    doc.add_heading(title, level=2)
    if not data:
        doc.add_paragraph(_("(none)"))
        return
    _table(
        doc,
        [_("Item"), _("Count"), _("Share")],
        [
            [_label(k, people), number(v), percent(v / total) if total else "-"]
            for k, v in data.items()
        ],
    )


def _rows(doc: Any, title: str, rows: list[ComplaintReportRow], people: dict[str, str]) -> None:
    from archivist.core.formats import day

    doc.add_heading(title, level=2)
    if not rows:
        doc.add_paragraph(_("(none)"))
        return
    if len(rows) > DOCX_ROWS:
        doc.add_paragraph(
            _("{count} in all; the {shown} oldest are listed (`--json` gives every one).").format(
                count=len(rows), shown=DOCX_ROWS
            )
        )
        rows = rows[:DOCX_ROWS]
    _table(
        doc,
        [
            _("Number"),
            _("Client"),
            _("Received"),
            _("Category"),
            _("Status"),
            _("Assignee"),
            _("Due"),
            _("Reopened"),
        ],
        [
            [
                r.number,
                r.client_number,
                day(r.received_at.date()),
                _label(r.category) if r.category else "-",
                _label(r.status.value),
                _label(r.assignee, people) if r.assignee else "-",
                day(r.due_date),
                r.reopen_count,
            ]
            for r in rows
        ],
    )


def write_docx(
    rep: ComplaintReport, path: str | Path, firm: str = "", *, home: Any, overwrite: bool = False
) -> Path:
    """The report as a Word document with charts (category, channel, lawyer), in the language
    in effect; the charts fall back to English when no CJK font is installed."""
    import io

    from docx import Document
    from docx.shared import Cm

    from archivist.core import i18n
    from archivist.core.formats import day, moment, number
    from archivist.core.output import write_atomic
    from archivist.reports.charts import bar_chart, cjk_font, label

    people = rep.people
    doc = Document()
    doc.add_heading(_("{firm} Complaints report").format(firm=firm).strip(), level=0)
    doc.add_paragraph(
        _("Period: {start} – {end} · as of {as_of}").format(
            start=day(rep.period_from), end=day(rep.period_to), as_of=moment(rep.as_of)
        )
    )
    doc.add_heading(_("Summary"), level=1)
    fr, rs = rep.first_response, rep.resolution
    lines = [
        _("Complaints received: {count}").format(count=number(rep.total)),
        _("Open: {open} · Overdue: {overdue} · Reopened: {reopened}").format(
            open=number(len(rep.open)),
            overdue=number(len(rep.overdue)),
            reopened=number(len(rep.reopened)),
        ),
        _(
            "Time to first response: median {median} days, worst {worst} days ({which}), "
            "over {count} complaints"
        ).format(
            median=_d(fr.median_days),
            worst=_d(fr.worst_days),
            which=fr.worst_complaint or "-",
            count=number(fr.count),
        ),
        _(
            "Time to resolution: median {median} days, worst {worst} days ({which}), "
            "over {count} complaints"
        ).format(
            median=_d(rs.median_days),
            worst=_d(rs.worst_days),
            which=rs.worst_complaint or "-",
            count=number(rs.count),
        ),
    ]
    for line in lines:
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading(_("Breakdown"), level=1)
    charts = [
        (N_("Complaints by category"), rep.by_category),
        (N_("Complaints by channel"), rep.by_channel),
        (N_("Complaints by lawyer"), rep.by_lawyer),
    ]
    # Chinese labels need a CJK font; without one the charts are drawn in English
    chart_language = i18n.current() if cjk_font() else i18n.EN
    for title, data in charts:
        if data:
            with i18n.using(chart_language):
                # without a CJK font even a client's or lawyer's name is shown in ASCII
                values = {label(_label(k, people), None): v for k, v in data.items()}
                png = bar_chart(values, label(_(title), None), xlabel=_("complaints"))
            doc.add_picture(io.BytesIO(png), width=Cm(15))
    _counts(doc, _("By category"), rep.by_category, rep.total, people)
    _counts(doc, _("By cause"), rep.by_cause, rep.total, people)
    _counts(doc, _("By responsibility"), rep.by_responsibility, rep.total, people)
    _counts(doc, _("By channel"), rep.by_channel, rep.total, people)
    _counts(doc, _("By lawyer"), rep.by_lawyer, rep.total, people)
    _counts(doc, _("By status"), rep.by_status, rep.total, people)

    doc.add_heading(_("Timeliness"), level=1)
    _table(
        doc,
        ["", _("Count"), _("Median (days)"), _("Worst (days)"), _("Worst")],
        [
            [
                _("First response"),
                number(fr.count),
                _d(fr.median_days),
                _d(fr.worst_days),
                fr.worst_complaint or "-",
            ],
            [
                _("Resolution"),
                number(rs.count),
                _d(rs.median_days),
                _d(rs.worst_days),
                rs.worst_complaint or "-",
            ],
        ],
    )
    _rows(doc, _("Overdue"), rep.overdue, people)
    _rows(doc, _("Reopened"), rep.reopened, people)
    _rows(doc, _("Not closed"), rep.open, people)

    doc.add_heading(_("Improvement proposals"), level=1)
    if not rep.proposals:
        doc.add_paragraph(_("(none this period)"))
    for p in rep.proposals:
        doc.add_paragraph(
            _("{complaint} ({date}, {who}): {text}").format(
                complaint=p.complaint,
                date=day(p.at.date()),
                who=people.get(p.by, p.by),
                text=p.text,
            ),
            style="List Bullet",
        )

    buf = io.BytesIO()
    doc.save(buf)
    return write_atomic(path, buf.getvalue(), home=home, overwrite=overwrite)


def _d(value: float | None) -> str:
    from archivist.core.formats import decimal

    return "-" if value is None else decimal(value, 2)


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
