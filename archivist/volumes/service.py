"""Volumes: one per matter. The archiving deadline runs from closure; the checklist of the
matter type says what the volume must hold; sealing fixes the manifest (a SHA-256 over the
documents in volume order) that `check` verifies; a sealed volume changes only through an
amendment the head approves."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core import access, audit, clock, textnorm
from archivist.core.context import Context
from archivist.core.errors import Conflict, InvalidInput, NotFound
from archivist.core.i18n import _
from archivist.ledger.tables.core import clients, users
from archivist.ledger.tables.documents import documents
from archivist.ledger.tables.matters import matters
from archivist.ledger.tables.volumes import (
    document_withdrawals,
    volume_amendments,
    volume_waivers,
    volumes,
)
from archivist.models import Matter
from archivist.models.volumes import Amendment, ChecklistItem, Volume, VolumeDocument
from archivist.volumes.guard import held

CLASSES = ("permanent", "long", "short")


def add_months(day: date, months: int) -> date:
    import calendar

    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_years(settings: Any, cls: str) -> int | None:
    """The term of a retention class in years (None: permanent)."""
    if cls == "long":
        return int(settings.retention.long_years)
    if cls == "short":
        return int(settings.retention.short_years)
    return None


def default_class(settings: Any, matter_type: str) -> str:
    return str(settings.retention.default_class.get(matter_type, "long"))


def parse_class(value: str) -> str:
    text = (value or "").strip().lower()
    aliases = {"永久": "permanent", "長期": "long", "长期": "long", "短期": "short"}
    text = aliases.get(text, text)
    if text not in CLASSES:
        raise InvalidInput(
            _("unknown retention class {value!r}").format(value=value[:30]),
            _("Use permanent, long or short."),
        )
    return text


def _row(conn: Connection, matter_id: int) -> Any:
    return conn.execute(select(volumes).where(volumes.c.matter_id == matter_id)).first()


def _ensure(conn: Connection, matter_id: int) -> Any:
    row = _row(conn, matter_id)
    if row is None:
        conn.execute(volumes.insert().values(matter_id=matter_id, status="open"))
        row = _row(conn, matter_id)
    return row


def _withdrawn_ids() -> Any:
    return select(document_withdrawals.c.document_id).where(
        document_withdrawals.c.status == "withdrawn"
    )


def document_rows(conn: Connection, matter_id: int) -> list[Any]:
    """The volume's documents in volume order (as filed), without withdrawn ones."""
    return list(
        conn.execute(
            select(documents, users.c.display_name.label("filer"))
            .join(users, users.c.id == documents.c.filed_by)
            .where(documents.c.matter_id == matter_id, documents.c.id.not_in(_withdrawn_ids()))
            .order_by(documents.c.filed_at, documents.c.id)
        )
    )


def manifest_of(rows: list[Any]) -> tuple[str, str]:
    """(canonical JSON of [[number, checksum], ...], its SHA-256)."""
    text = json.dumps(
        [[r.number, r.checksum] for r in rows], ensure_ascii=False, separators=(",", ":")
    )
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _checklist(ctx: Context, conn: Connection, matter: Matter, rows: list[Any]) -> list[Any]:
    items = ctx.settings.volumes.checklists.get(matter.type.value, {})
    waived = {
        w.item: w
        for w in conn.execute(
            select(volume_waivers, users.c.username)
            .join(users, users.c.id == volume_waivers.c.waived_by)
            .where(volume_waivers.c.matter_id == matter.id)
        )
    }
    folded = [
        (r.number, textnorm.fold(" ".join(x or "" for x in (r.title, r.original_name, r.template))))
        for r in rows
    ]
    out = []
    for item, words in items.items():
        keys = [textnorm.fold(w) for w in words if w.strip()]
        found = [n for n, text in folded if any(k in text for k in keys)]
        if found:
            out.append(ChecklistItem(item=item, status="present", documents=found))
        elif item in waived:
            w = waived[item]
            out.append(
                ChecklistItem(item=item, status="waived", reason=w.reason, waived_by=w.username)
            )
        else:
            out.append(ChecklistItem(item=item, status="missing"))
    return out


def _contents(ctx: Context, rows: list[Any], pages: dict[int, int | None]) -> list[Any]:
    out = []
    at: int | None = 1
    for seq, r in enumerate(rows, 1):
        n = pages.get(r.id, r.pages)
        first = last = None
        remarks = []
        if n is not None and at is not None:
            first, last = at, at + max(n, 1) - 1
            at = last + 1
        else:
            at = None
            if n is None:
                remarks.append("頁數不詳")  # the contents list is a Chinese document
        responsible = ctx.settings.firm.name if r.source == "generated" else ""
        if r.source != "generated":
            remarks.append(f"歸檔：{r.filer}")
        out.append(
            VolumeDocument(
                seq=seq,
                number=r.number,
                responsible=responsible,
                title=r.title,
                date=r.filed_at.date(),
                pages=n,
                first_page=first,
                last_page=last,
                remarks="; ".join(remarks),
            )
        )
    return out


def build(
    ctx: Context,
    conn: Connection,
    matter: Matter,
    pages: dict[int, int | None] | None = None,
    light: bool = False,
) -> Volume:
    """The matter's volume; `light` leaves out the checklist and the documents (lists)."""
    row = _row(conn, matter.id)
    client = conn.execute(select(clients).where(clients.c.id == matter.client_id)).one()
    rows = [] if light else document_rows(conn, matter.id)
    cls = (row.retention_class if row is not None else None) or default_class(
        ctx.settings, matter.type.value
    )
    years = retention_years(ctx.settings, cls)
    closed = matter.closed_at.date() if matter.closed_at else None
    status = row.status if row is not None else "open"
    archive_by = add_months(closed, ctx.settings.volumes.archive_months) if closed else None

    def name(uid: int | None) -> str | None:
        if uid is None:
            return None
        return conn.execute(select(users.c.username).where(users.c.id == uid)).scalar()

    return Volume(
        matter_number=matter.number,
        matter_id=matter.id,
        client_number=client.number,
        client_name=client.name,
        title=matter.title,
        type=matter.type.value,
        matter_status=matter.status,
        lawyers=matter.lawyers,
        status=status,
        accepted_at=matter.accepted_at,
        closed_at=matter.closed_at,
        archive_by=archive_by,
        archiving_overdue=bool(
            matter.status == "closed"
            and status == "open"
            and archive_by is not None
            and archive_by < clock.today()
        ),
        retention_class=cls,
        retention_years=years,
        keep_until=add_months(closed, 12 * years) if closed and years else None,
        sealed_at=row.sealed_at if row is not None else None,
        sealed_by=name(row.sealed_by) if row is not None else None,
        manifest_hash=row.manifest_hash if row is not None else None,
        room=row.room if row is not None else None,
        cabinet=row.cabinet if row is not None else None,
        box=row.box if row is not None else None,
        custodian=name(row.custodian_id) if row is not None else None,
        held=held(conn, matter.client_id, matter.id) is not None,
        checklist=[] if light else _checklist(ctx, conn, matter, rows),
        documents=_contents(ctx, rows, pages or {}),
    )


def _readable(ctx: Context, conn: Connection, number: str) -> Matter:
    from archivist.matters import views

    return views.readable(ctx, conn, number)


def show(ctx: Context, number: str) -> Volume:
    """The volume of a matter the actor may read: checklist, contents, seal, location (a read,
    audited)."""
    with ctx.ledger.write() as conn:
        matter = _readable(ctx, conn, number)
        vol = build(ctx, conn, matter)
        audit.record(
            conn, ctx.actor.username, "volume.show", "matter", matter.number, matter.client_id
        )
    return vol


def unarchived(ctx: Context, overdue_only: bool = False) -> list[Volume]:
    """Closed matters the actor may see whose volume is not sealed (with `overdue_only`: past
    the archiving deadline). Audited as a read."""
    from archivist.matters import service as matters_mod

    with ctx.ledger.write() as conn:
        scope = access.scope_for(conn, ctx.actor, ctx.settings.deadlines)
        sealed = select(volumes.c.matter_id).where(volumes.c.status != "open")
        stmt = (
            select(matters)
            .where(matters.c.status == "closed", matters.c.id.not_in(sealed))
            .order_by(matters.c.closed_at, matters.c.id)
        )
        out = []
        for r in conn.execute(stmt).all():
            if not scope.may_read_matter(r.client_id, r.id):
                continue
            vol = build(ctx, conn, matters_mod.by_id(conn, r.id), light=True)
            if vol.archiving_overdue or not overdue_only:
                out.append(vol)
        audit.record(
            conn,
            ctx.actor.username,
            "volume.list",
            "matter",
            "*",
            None,
            overdue=overdue_only,
            shown=len(out),
        )
    return out


def overdue(conn: Connection, settings: Any) -> list[tuple[str, str, date]]:
    """(matter, client, deadline) of every closed matter whose volume is late (for `check`)."""
    today = clock.today()
    sealed = select(volumes.c.matter_id).where(volumes.c.status != "open")
    out = []
    for r in conn.execute(
        select(matters.c.number, matters.c.closed_at, clients.c.number.label("client"))
        .join(clients, clients.c.id == matters.c.client_id)
        .where(matters.c.status == "closed", matters.c.id.not_in(sealed))
        .order_by(matters.c.closed_at)
    ):
        if r.closed_at is None:
            continue
        by = add_months(r.closed_at.date(), settings.volumes.archive_months)
        if by < today:
            out.append((r.number, r.client, by))
    return out


def verify(conn: Connection) -> list[tuple[str, str, str]]:
    """(matter, client, problem) for every sealed volume whose documents no longer match its
    manifest (for `check`)."""
    out = []
    for v in conn.execute(
        select(volumes, matters.c.number, clients.c.number.label("client"))
        .join(matters, matters.c.id == volumes.c.matter_id)
        .join(clients, clients.c.id == matters.c.client_id)
        .where(volumes.c.status == "sealed")
    ):
        text, digest = manifest_of(document_rows(conn, v.matter_id))
        if digest != v.manifest_hash:
            sealed = {n for n, _c in json.loads(v.manifest or "[]")}
            now = {n for n, _c in json.loads(text)}
            diff = sorted(now - sealed) + sorted(sealed - now)
            detail = _("sealed volume of matter {number} no longer matches its manifest").format(
                number=v.number
            )
            if diff:
                detail += " (" + ", ".join(diff[:5]) + ")"
            out.append((v.number, v.client, detail))
    return out


def _keeper_matter(ctx: Context, conn: Connection, number: str) -> Matter:
    from archivist.matters import service as matters_mod

    return matters_mod.get(conn, number)


def waive(ctx: Context, number: str, item: str, reason: str) -> Volume:
    """The head waives a checklist item of a volume, with a reason."""
    from archivist.matters.service import clean_text

    user = access.require_decider(ctx, _("waive a checklist item"))
    reason = clean_text(reason, _("the reason"), 2000)
    with ctx.ledger.write() as conn:
        matter = _keeper_matter(ctx, conn, number)
        names = ctx.settings.volumes.checklists.get(matter.type.value, {})
        if item not in names:
            raise InvalidInput(
                _("{item!r} is not on the checklist of {type} matters").format(
                    item=item[:40], type=matter.type.value
                ),
                _("Items: {items}.").format(items=", ".join(names) or "-"),
            )
        row = _ensure(conn, matter.id)
        if row.status in ("sealed", "disposed"):
            raise Conflict(_("the volume of matter {number} is sealed").format(number=number))
        conn.execute(
            volume_waivers.delete().where(
                volume_waivers.c.matter_id == matter.id, volume_waivers.c.item == item
            )
        )
        conn.execute(
            volume_waivers.insert().values(
                matter_id=matter.id,
                item=item,
                reason=reason,
                waived_by=user.id,
                waived_at=clock.now(),
            )
        )
        audit.record(
            conn,
            user.username,
            "volume.waive",
            "matter",
            matter.number,
            matter.client_id,
            item=item,
            reason=reason,
        )
        return build(ctx, conn, matter)


def _user_id(conn: Connection, username: str | None) -> int | None:
    if not username:
        return None
    from archivist.core import users as users_mod

    return users_mod.get(conn, username).id


def _location(
    conn: Connection, room: str | None, cabinet: str | None, box: str | None, custodian: str | None
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, val in (("room", room), ("cabinet", cabinet), ("box", box)):
        if val is not None:
            text = " ".join(val.split())[:100]
            if not text:
                raise InvalidInput(_("the {what} is empty").format(what=_(key)))
            values[key] = text
    if custodian is not None:
        values["custodian_id"] = _user_id(conn, custodian)
    return values


def seal(
    ctx: Context,
    number: str,
    *,
    retention_class: str | None = None,
    waive_rest: str | None = None,
    room: str | None = None,
    cabinet: str | None = None,
    box: str | None = None,
    custodian: str | None = None,
) -> Volume:
    """Seal (歸檔) a closed matter's volume: its checklist met, or the head waives the rest
    (`waive_rest` is the reason). Records the manifest hash; an open amendment is closed."""
    from archivist.matters.service import clean_text

    user = access.require_volume_keeper(ctx, _("seal a volume"))
    cls = parse_class(retention_class) if retention_class else None
    with ctx.ledger.write() as conn:
        matter = _keeper_matter(ctx, conn, number)
        if matter.status != "closed":
            raise Conflict(
                _("matter {number} is not closed").format(number=matter.number),
                _("Close it first (`archivist matter close`)."),
            )
        row = _ensure(conn, matter.id)
        if row.status == "sealed":
            raise Conflict(
                _("the volume of matter {number} is already sealed").format(number=matter.number)
            )
        if row.status == "disposed":
            raise Conflict(
                _("the volume of matter {number} was disposed of").format(number=matter.number)
            )
        vol = build(ctx, conn, matter)
        missing = [c.item for c in vol.checklist if c.status == "missing"]
        if missing and waive_rest is None:
            raise Conflict(
                _("the volume of matter {number} lacks: {items}").format(
                    number=matter.number, items=", ".join(missing)
                ),
                _("File them, or the head seals with --waive-rest REASON."),
            )
        if missing:
            access.require_decider(ctx, _("waive the rest of a checklist"))
            reason = clean_text(waive_rest, _("the reason"), 2000)
            for item in missing:
                conn.execute(
                    volume_waivers.insert().values(
                        matter_id=matter.id,
                        item=item,
                        reason=reason,
                        waived_by=user.id,
                        waived_at=clock.now(),
                    )
                )
        text, digest = manifest_of(document_rows(conn, matter.id))
        values = _location(conn, room, cabinet, box, custodian)
        if cls:
            values["retention_class"] = cls
        elif row.retention_class is None:
            values["retention_class"] = default_class(ctx.settings, matter.type.value)
        now = clock.now()
        conn.execute(
            volumes.update()
            .where(volumes.c.id == row.id)
            .values(
                status="sealed",
                sealed_at=now,
                sealed_by=user.id,
                manifest=text,
                manifest_hash=digest,
                **values,
            )
        )
        closed = conn.execute(
            volume_amendments.update()
            .where(
                volume_amendments.c.matter_id == matter.id,
                volume_amendments.c.status == "approved",
            )
            .values(status="closed", closed_at=now)
        ).rowcount
        audit.record(
            conn,
            user.username,
            "volume.seal",
            "matter",
            matter.number,
            matter.client_id,
            manifest_hash=digest,
            documents=len(json.loads(text)),
            waived=missing,
            retention_class=values.get("retention_class", row.retention_class),
            amendments_closed=closed,
            **{k: v for k, v in values.items() if k in ("room", "cabinet", "box")},
        )
        return build(ctx, conn, matter)


def locate(
    ctx: Context,
    number: str,
    room: str | None = None,
    cabinet: str | None = None,
    box: str | None = None,
    custodian: str | None = None,
) -> Volume:
    """Record where the paper volume is (room, cabinet, box) and who keeps it."""
    user = access.require_volume_keeper(ctx, _("record a volume's location"))
    with ctx.ledger.write() as conn:
        matter = _keeper_matter(ctx, conn, number)
        values = _location(conn, room, cabinet, box, custodian)
        if not values:
            raise InvalidInput(
                _("nothing to record"), _("Give --room, --cabinet, --box or --custodian.")
            )
        row = _ensure(conn, matter.id)
        conn.execute(volumes.update().where(volumes.c.id == row.id).values(**values))
        audit.record(
            conn,
            user.username,
            "volume.locate",
            "matter",
            matter.number,
            matter.client_id,
            room=room,
            cabinet=cabinet,
            box=box,
            custodian=custodian,
        )
        return build(ctx, conn, matter)


# ------------------------------------------------------------------------- amendments
def _amendment(conn: Connection, amendment_id: int) -> Amendment:
    req = users.alias("req")
    dec = users.alias("dec")
    row = conn.execute(
        select(
            volume_amendments,
            matters.c.number.label("matter_number"),
            req.c.username.label("requester"),
            dec.c.username.label("decider"),
        )
        .join(matters, matters.c.id == volume_amendments.c.matter_id)
        .join(req, req.c.id == volume_amendments.c.requested_by)
        .outerjoin(dec, dec.c.id == volume_amendments.c.decided_by)
        .where(volume_amendments.c.id == amendment_id)
    ).first()
    if row is None:
        raise NotFound(_("no amendment {id}").format(id=amendment_id))
    return Amendment(
        id=row.id,
        matter_number=row.matter_number,
        reason=row.reason,
        status=row.status,
        requested_by=row.requester,
        requested_at=row.requested_at,
        decided_by=row.decider,
        decided_at=row.decided_at,
    )


def request_amendment(ctx: Context, number: str, reason: str) -> Amendment:
    """Ask to change a sealed volume (anyone who may write to the matter)."""
    from archivist.matters.service import clean_text, require_writer

    reason = clean_text(reason, _("the reason"), 2000)
    user = ctx.actor
    with ctx.ledger.write() as conn:
        matter = _keeper_matter(ctx, conn, number)
        require_writer(conn, user, matter, number)
        row = _row(conn, matter.id)
        if row is None or row.status != "sealed":
            raise Conflict(
                _("the volume of matter {number} is not sealed").format(number=matter.number)
            )
        why = held(conn, matter.client_id, matter.id)
        if why is not None:
            raise Conflict(
                _("matter {number} is under a legal hold: {reason}").format(
                    number=matter.number, reason=why
                )
            )
        aid = conn.execute(
            volume_amendments.insert().values(
                matter_id=matter.id,
                reason=reason,
                status="pending",
                requested_by=user.id,
                requested_at=clock.now(),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        audit.record(
            conn,
            user.username,
            "volume.amend_request",
            "matter",
            matter.number,
            matter.client_id,
            amendment=aid,
            reason=reason,
        )
        return _amendment(conn, int(aid))


def decide_amendment(ctx: Context, amendment_id: int, approve: bool) -> Amendment:
    """The head approves (the volume opens for the change until sealed again) or rejects."""
    user = access.require_decider(ctx, _("decide an amendment"))
    with ctx.ledger.write() as conn:
        am = _amendment(conn, amendment_id)
        if am.status != "pending":
            raise Conflict(
                _("amendment {id} is {status}, not pending").format(
                    id=amendment_id, status=am.status
                )
            )
        access.require_not_requester(user, am.requested_by, _("decide this amendment"))
        matter = _keeper_matter(ctx, conn, am.matter_number)
        if approve:
            why = held(conn, matter.client_id, matter.id)
            if why is not None:
                raise Conflict(
                    _("matter {number} is under a legal hold: {reason}").format(
                        number=matter.number, reason=why
                    )
                )
            conn.execute(
                volumes.update().where(volumes.c.matter_id == matter.id).values(status="amending")
            )
        conn.execute(
            volume_amendments.update()
            .where(volume_amendments.c.id == amendment_id)
            .values(
                status="approved" if approve else "rejected",
                decided_by=user.id,
                decided_at=clock.now(),
            )
        )
        audit.record(
            conn,
            user.username,
            "volume.amend_approve" if approve else "volume.amend_reject",
            "matter",
            matter.number,
            matter.client_id,
            amendment=amendment_id,
        )
        return _amendment(conn, amendment_id)
