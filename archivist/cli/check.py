"""`archivist check`"""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive
from archivist.core.i18n import N_, _

KIND_LABELS = {
    "missing": N_("missing files"),
    "checksum": N_("checksum mismatches"),
    "orphan": N_("orphans"),
    "temp": N_("leftover temp files"),
    "derived": N_("manifest/register drift"),
    "folder": N_("folder problems"),
    "permissions": N_("loose permissions"),
    "index-missing": N_("not in the index"),
    "index-stale": N_("stale in the index"),
    "index-extra": N_("extra in the index"),
    "audit": N_("audit chain breaks"),
    "tampered": N_("records that disagree with the audit trail"),
    "index-leftover": N_("leftovers of an interrupted index rebuild"),
}
# what `check` counted
COUNT_LABELS = {
    "clients": N_("{n} clients"),
    "documents": N_("{n} documents"),
    "files": N_("{n} files"),
    "audit_events": N_("{n} audit events"),
}


@click.command()
@click.option("--client", "client_number", metavar="N", help="Check only this client's folder.")
@click.option(
    "--repair",
    is_flag=True,
    help="Fix what is derived (manifests, registers, index, stale temp files); "
    "never touches filed originals or ledger records.",
)
@json_option
@pass_archive
def check(archive: Any, client_number: str | None, repair: bool, as_json: bool) -> None:
    """Verify files, checksums, orphans, manifests, folder names, index and audit chain.

    Exit 0 when everything agrees, 1 with a summary when not. Every problem names a full path.
    Needs the archivist, head or management role (--repair: archivist or head).

    \b
    Example:
      archivist check
      archivist check --client C0001 --repair
    """
    import sys

    from archivist.integrity import checker as integrity

    bar: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if not sys.stderr.isatty() or total < 200:
            return
        if "bar" not in bar:
            bar["bar"] = click.progressbar(length=total, label=_("Checking files"), file=sys.stderr)
            bar["bar"].__enter__()
        bar["bar"].update(1)
        if done == total:
            bar.pop("bar").__exit__(None, None, None)

    report = integrity.check(archive, client_number, repair=repair, progress=progress)
    if as_json:
        emit(report, True)
    else:
        for line in report.repaired:
            click.echo(_("repaired: {line}").format(line=line))
        if report.problems:
            rows = [
                {
                    "kind": p.kind,
                    "path": p.path or "",
                    "problem": p.detail,
                    "repair": "yes" if p.repairable else "no",
                }
                for p in report.problems
            ]
            for r in rows:
                click.echo(
                    f"{r['kind']:<14} {r['path']}\n{'':<14} {r['problem']}"
                    + (_("  (check --repair fixes this)") if r["repair"] == "yes" else "")
                )
        counts = ", ".join(
            _(COUNT_LABELS[k]).format(n=v) if k in COUNT_LABELS else f"{v} {k.replace('_', ' ')}"
            for k, v in report.counts.items()
        )
        if report.audit_head is not None:
            head = report.audit_head
            seen = head.get("witness")
            click.echo(
                _("Audit head: event {seq} {hash}; witness: {value}").format(
                    seq=head["seq"],
                    hash=head["hash"][:16],
                    value=_("event {seq} {hash}").format(seq=seen["seq"], hash=seen["hash"][:16])
                    if seen
                    else _("none"),
                )
            )
        if report.ok:
            click.echo(
                _("OK: everything agrees ({counts}; {seconds:.1f} s).").format(
                    counts=counts, seconds=report.seconds
                )
            )
        else:
            parts = ", ".join(
                f"{n} {_(KIND_LABELS[k]) if k in KIND_LABELS else k}"
                for k, n in report.summary.items()
            )
            fixable = sum(1 for p in report.problems if p.repairable)
            click.echo(
                _("PROBLEMS: {parts} (checked {counts}).").format(parts=parts, counts=counts)
            )
            if fixable and not repair:
                click.echo(
                    _("{fixable} of them can be fixed with `archivist check --repair`.").format(
                        fixable=fixable
                    )
                )
    if not report.ok:
        raise click.exceptions.Exit(1)
