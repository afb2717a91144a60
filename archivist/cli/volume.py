"""`archivist matter volume|archive|locate|amend|amend-decide`: the matter's archive volume
(立卷歸檔, issue 22). Hooked into the `matter` group by archivist/cli/matter.py."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, warn
from archivist.core.i18n import _

UNARCHIVED_COLUMNS = [
    "matter_number",
    "client_number",
    "type",
    "title",
    "closed",
    "archive_by",
    "late",
]


def unarchived_rows(vols: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            **v.model_dump(
                mode="json", include={"matter_number", "client_number", "type", "title"}
            ),
            "closed": v.closed_at.date().isoformat() if v.closed_at else "",
            "archive_by": v.archive_by.isoformat() if v.archive_by else "",
            "late": _("OVERDUE") if v.archiving_overdue else "",
        }
        for v in vols
    ]


def show_volume(v: Any) -> None:
    term = (
        _("permanent")
        if v.retention_years is None
        else _("{years} years").format(years=v.retention_years)
    )
    where = " / ".join(x for x in (v.room, v.cabinet, v.box) if x)
    emit(
        {
            _("volume"): f"{v.matter_number}  {v.title}",
            _("client"): f"{v.client_number} {v.client_name}",
            _("status"): _(v.status) + (_("  (legal hold)") if v.held else ""),
            _("closed"): v.closed_at.date().isoformat() if v.closed_at else "",
            _("archive by"): (v.archive_by.isoformat() if v.archive_by else "")
            + (_(" OVERDUE") if v.archiving_overdue else ""),
            _("retention"): f"{_(v.retention_class)} ({term})"
            + (_(", keep until {day}").format(day=v.keep_until) if v.keep_until else ""),
            _("sealed"): f"{v.sealed_at.isoformat(sep=' ')} {v.sealed_by}" if v.sealed_at else "",
            _("manifest"): v.manifest_hash or "",
            _("location"): where,
            _("custodian"): v.custodian or "",
        },
        False,
    )
    click.echo(_("checklist:"))
    for c in v.checklist:
        extra = ", ".join(c.documents) if c.status == "present" else (c.reason or "")
        click.echo(f"  {_(c.status):<8} {c.item}  {extra}")
    click.echo(_("documents:"))
    for d in v.documents:
        pages = f"{d.first_page}-{d.last_page}" if d.first_page is not None else _("pages unknown")
        click.echo(f"  {d.seq:>3} {d.number}  {d.date}  {pages}  {d.title}")


@click.command("volume")
@click.argument("number")
@click.option(
    "--contents",
    is_flag=True,
    help="Generate the contents list, cover and closing sheet (Word and PDF) and file them into the volume.",
)
@click.option("--waive", "waive_item", metavar="ITEM", help="Waive a checklist item (head).")
@click.option("--reason", help="Why the item is waived.")
@json_option
@pass_archive
def volume(
    archive: Any,
    number: str,
    contents: bool,
    waive_item: str | None,
    reason: str | None,
    as_json: bool,
) -> None:
    """Show a matter's volume: checklist (present, missing, waived), documents, seal, location.

    \b
    Example:
      archivist matter volume 2026-MS-0001
      archivist matter volume 2026-MS-0001 --waive 證據 --reason "調解結案，未提交證據"
      archivist matter volume 2026-MS-0001 --contents
    """
    from archivist.volumes import service

    if waive_item is not None:
        v = service.waive(archive, number, waive_item, reason or "")
    elif contents:
        from archivist.volumes import paperwork

        v = paperwork.generate(archive, number)
    else:
        v = service.show(archive, number)
    for w in v.warnings:
        warn(w)
    if as_json:
        emit(v, True)
        return
    show_volume(v)
    for f in v.filed:
        click.echo(_("filed {number}").format(number=f))


@click.command("archive")
@click.argument("number")
@click.option(
    "--retention", metavar="CLASS", help="permanent, long or short (default: by matter type)."
)
@click.option("--waive-rest", metavar="REASON", help="Head: waive every missing checklist item.")
@click.option("--room")
@click.option("--cabinet")
@click.option("--box")
@click.option("--custodian", metavar="USER", help="Who keeps the paper volume.")
@json_option
@pass_archive
def archive_(
    archive: Any,
    number: str,
    retention: str | None,
    waive_rest: str | None,
    room: str | None,
    cabinet: str | None,
    box: str | None,
    custodian: str | None,
    as_json: bool,
) -> None:
    """Seal a closed matter's volume (歸檔): checklist met or waived; records its manifest hash.

    \b
    Example:
      archivist matter archive 2026-MS-0001 --room A101 --cabinet 3 --box 12 --custodian mei
    """
    from archivist.volumes import service

    v = service.seal(
        archive,
        number,
        retention_class=retention,
        waive_rest=waive_rest,
        room=room,
        cabinet=cabinet,
        box=box,
        custodian=custodian,
    )
    if as_json:
        emit(v, True)
        return
    click.echo(
        _("{number}  volume sealed ({count} documents, manifest {hash})").format(
            number=v.matter_number, count=len(v.documents), hash=(v.manifest_hash or "")[:16]
        )
    )


@click.command("locate")
@click.argument("number")
@click.option("--room")
@click.option("--cabinet")
@click.option("--box")
@click.option("--custodian", metavar="USER")
@json_option
@pass_archive
def locate(
    archive: Any,
    number: str,
    room: str | None,
    cabinet: str | None,
    box: str | None,
    custodian: str | None,
    as_json: bool,
) -> None:
    """Record where the paper volume is kept and by whom.

    \b
    Example:
      archivist matter locate 2026-MS-0001 --room A101 --cabinet 3 --box 12
    """
    from archivist.volumes import service

    v = service.locate(archive, number, room, cabinet, box, custodian)
    emit(v, True) if as_json else show_volume(v)


@click.command("amend")
@click.argument("number")
@click.option("--reason", required=True, help="What must change in the sealed volume, and why.")
@json_option
@pass_archive
def amend(archive: Any, number: str, reason: str, as_json: bool) -> None:
    """Request an amendment of a sealed volume (the head decides).

    \b
    Example:
      archivist matter amend 2026-MS-0001 --reason "補入二審判決書"
    """
    from archivist.volumes import service

    a = service.request_amendment(archive, number, reason)
    if as_json:
        emit(a, True)
    else:
        click.echo(
            _("amendment {id} requested for {number}").format(id=a.id, number=a.matter_number)
        )


@click.command("amend-decide")
@click.argument("amendment_id", type=int)
@click.option("--approve/--reject", required=True)
@json_option
@pass_archive
def amend_decide(archive: Any, amendment_id: int, approve: bool, as_json: bool) -> None:
    """Approve or reject an amendment (head, not the requester). Seal again when done.

    \b
    Example:
      archivist matter amend-decide 1 --approve
    """
    from archivist.volumes import service

    a = service.decide_amendment(archive, amendment_id, approve)
    if as_json:
        emit(a, True)
    else:
        click.echo(_("amendment {id}: {status}").format(id=a.id, status=_(a.status)))


def register(matter_group: click.Group) -> None:
    for command in (volume, archive_, locate, amend, amend_decide):
        matter_group.add_command(command)
