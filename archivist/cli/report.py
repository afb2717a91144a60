"""`archivist report ...`: reports for management. One command per report; add new ones with
`@report.command("name")` below."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, warn
from archivist.core.i18n import _

SHOW = 12  # complaint numbers listed per line in the human summary


@click.group()
def report() -> None:
    """Reports for management."""


def _durations(d: Any) -> str:
    if not d.count:
        return _("none yet")
    return _(
        "median {median_days} ({median_hours} h), worst {worst_days} ({worst_hours} h, "
        "{worst_complaint}), n={count}"
    ).format(
        median_days=d.median_days,
        median_hours=d.median_hours,
        worst_days=d.worst_days,
        worst_hours=d.worst_hours,
        worst_complaint=d.worst_complaint,
        count=d.count,
    )


@report.command("complaints")
@click.option(
    "--from",
    "date_from",
    required=True,
    metavar="DATE",
    help="First day of the period (complaints received from this day).",
)
@click.option("--to", "date_to", required=True, metavar="DATE", help="Last day of the period.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    metavar="FILE.docx",
    help="Write the report as a Word document with charts.",
)
@click.option("--force", is_flag=True, help="Replace FILE.docx if it exists.")
@json_option
@pass_archive
def complaints(
    archive: Any, date_from: str, date_to: str, out: str | None, force: bool, as_json: bool
) -> None:
    """Summarise the complaints received in a period for management.

    Counts by category, cause, responsibility, channel and lawyer; time to first response and
    to resolution (median and worst, in days); overdue, reopened and open complaints; and the
    improvement proposals. --out writes a .docx with charts; --json prints the same figures.

    \b
    Example:
      archivist report complaints --from 2026-01-01 --to 2026-03-31 --out 投訴報告.docx
    """
    from archivist.core.output import check_target
    from archivist.reports import complaints as rc

    if out:
        check_target(out, home=archive.home, overwrite=force)
    rep = rc.report(archive, date_from, date_to)
    if out:
        path = rc.write_docx(
            rep, out, archive.settings.firm.name, home=archive.home, overwrite=force
        )
        if not as_json:
            from archivist.reports.charts import NOTES, font_note

            for note in [*NOTES, font_note()]:
                if note:
                    warn(note)
            click.echo(_("Wrote {path}").format(path=path), err=True)
    if as_json:
        emit(rep, True)
        return
    fr, rs = rep.first_response, rep.resolution

    def words(counts: dict[str, int]) -> dict[str, int]:
        return {rc.label_of(k, rep.people): n for k, n in counts.items()}

    emit(
        {
            "period": f"{rep.period_from} – {rep.period_to}",
            "received": rep.total,
            "open": len(rep.open),
            "overdue": len(rep.overdue),
            "reopened": len(rep.reopened),
            "by_category": words(rep.by_category),
            "by_channel": words(rep.by_channel),
            "by_responsibility": words(rep.by_responsibility),
            "by_lawyer": words(rep.by_lawyer),
            "first_response_days": _durations(fr),
            "resolution_days": _durations(rs),
            "proposals": len(rep.proposals),
        },
        False,
    )
    for title, rows in (
        (_("Overdue"), rep.overdue),
        (_("Reopened"), rep.reopened),
        (_("Not closed"), rep.open),
    ):
        if rows:
            shown = ", ".join(r.number for r in rows[:SHOW])
            more = (
                _(" … ({count} more; see --json or --out)").format(count=len(rows) - SHOW)
                if len(rows) > SHOW
                else ""
            )
            click.echo(_("{heading}:").format(heading=title) + f" {shown}{more}")


@report.command("service")
@click.option("--from", "date_from", metavar="DATE", help="Evaluations recorded from this day.")
@click.option("--to", "date_to", metavar="DATE", help="Evaluations recorded up to this day.")
@json_option
@pass_archive
def service(archive: Any, date_from: str | None, date_to: str | None, as_json: bool) -> None:
    """Summarise the clients' evaluations of each lawyer's service (監督權): count, average,
    lowest and highest score, scores of 1-2, matters; lowest average first.

    \b
    Example:
      archivist report service --from 2026-01-01 --to 2026-12-31
    """
    from archivist.cli.matter_duties import show_service

    show_service(archive, date_from, date_to, as_json)
