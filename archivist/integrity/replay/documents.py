"""Documents: each row against its `document.file` event.

Rows are inserted in the same transaction as their filing event, so the rows in id order and
the filing events in seq order name the same documents in the same order. The two streams are
merged; only a point query by number is made when they part (a deleted row, an inserted row),
so memory stays one chunk of rows whatever the size of the archive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from archivist.core.i18n import _
from archivist.integrity.replay.corrections import Corrections
from archivist.integrity.replay.model import Finding
from archivist.ledger.paging import chunks
from archivist.ledger.tables.core import clients
from archivist.ledger.tables.documents import documents
from archivist.ledger.tables.matters import matters
from archivist.models import SECTION_FOLDERS, Section

FILING_ACTIONS = ("document.file",)
CHUNK = 1000
DISAGREES = "ledger disagrees with the audit trail"


def _rows_stmt() -> Any:
    return select(
        documents.c.id,
        documents.c.number,
        documents.c.client_id,
        documents.c.section,
        documents.c.path,
        documents.c.size,
        documents.c.checksum,
        documents.c.original_name,
        documents.c.title,
        clients.c.number.label("owner"),
        clients.c.folder.label("folder"),
        matters.c.number.label("matter"),
    ).select_from(
        documents.outerjoin(clients, clients.c.id == documents.c.client_id).outerjoin(
            matters, matters.c.id == documents.c.matter_id
        )
    )


class _Corrected:
    """A filing event seen with the number and client its later corrections gave it."""

    def __init__(self, ev: Any, number: str, client_id: int | None) -> None:
        self.seq = ev.seq
        self.object_id = number
        self.client_id = client_id


class DocumentMerge:
    def __init__(
        self, conn: Connection, findings: list[Finding], corrections: Corrections | None = None
    ) -> None:
        self.corrections = corrections or Corrections()
        self.conn = conn
        self.findings = findings
        self.rows: Iterator[Any] = (
            r for rows in chunks(conn, _rows_stmt(), documents.c.id, CHUNK) for r in rows
        )
        self.current: Any = next(self.rows, None)
        self.checked = 0
        self.client_numbers: dict[int, str] = {}

    def _client_number(self, cid: int | None) -> str | None:
        if cid is None:
            return None
        if cid not in self.client_numbers:
            if len(self.client_numbers) > 10000:
                self.client_numbers.clear()
            self.client_numbers[cid] = str(
                self.conn.execute(select(clients.c.number).where(clients.c.id == cid)).scalar()
                or f"#{cid}"
            )
        return self.client_numbers[cid]

    def _add(self, number: str, detail: str, client_id: int | None) -> None:
        self.findings.append(
            Finding(
                kind="document",
                record=number,
                detail=f"{DISAGREES}: document {number} {detail}",
                client_id=client_id,
                client=self._client_number(client_id),
            )
        )

    def _lookup(self, number: str) -> Any:
        return self.conn.execute(_rows_stmt().where(documents.c.number == number)).first()

    def event(self, ev: Any, details: dict[str, Any]) -> None:
        state = self.corrections.by_origin.get(ev.object_id)
        if state is not None:
            if state.gone:  # destroyed by an approved disposal (in the register)
                self.checked += 1
                return
            number, client_id, details = self.corrections.apply(ev.object_id, ev.client_id, details)
            ev = _Corrected(ev, number, client_id)
        number = ev.object_id
        while True:
            row = self.current
            if row is not None and row.number == number:
                self._compare(row, ev, details)
                self.current = next(self.rows, None)
                return
            found = self._lookup(number)
            if found is None:
                self._add(
                    number, f"was filed (event {ev.seq}) but its ledger row is gone", ev.client_id
                )
                return
            if row is not None and found.id > row.id:
                # the current row comes before the event's row: it has no filing event
                self._orphan(row)
                self.current = next(self.rows, None)
                continue
            self._compare(found, ev, details)  # already passed (reported out of order)
            return

    def _orphan(self, row: Any) -> None:
        self.checked += 1
        self._add(
            row.number, "has a ledger row but no filing event in the audit trail", row.client_id
        )

    def finish(self) -> None:
        while self.current is not None:
            self._orphan(self.current)
            self.current = next(self.rows, None)

    def _compare(self, row: Any, ev: Any, d: dict[str, Any]) -> None:
        self.checked += 1
        diffs = []
        if row.client_id != ev.client_id:
            diffs.append(
                _(
                    "belongs to client {value} in the ledger but was filed for {client_number}"
                ).format(
                    value=row.owner or row.client_id,
                    client_number=self._client_number(ev.client_id),
                )
            )
        for key, have in (
            ("section", row.section),
            ("size", row.size),
            ("checksum", row.checksum),
            ("original_name", row.original_name),
            ("title", row.title),
            ("matter", row.matter),
        ):
            want = d.get(key)
            if key == "matter":  # as typed at filing: compare without case and spaces
                want = str(want).strip().casefold() if want else None
                have = str(have).casefold() if have else None
            if key in d and want != have:
                shown = (lambda v: str(v)[:16]) if key == "checksum" else str
                diffs.append(
                    _(
                        "{replace} is {shown!r} in the ledger but {shown2!r} in filing event {seq}"
                    ).format(
                        replace=key.replace("_", " "),
                        shown=shown(have),
                        shown2=shown(want),
                        seq=ev.seq,
                    )
                )
        if "path" in d:
            if d["path"] != row.path:
                diffs.append(
                    _("path is {path!r} in the ledger but {path2!r} in filing event {seq}").format(
                        path=row.path, path2=d["path"], seq=ev.seq
                    )
                )
        elif row.folder is not None:
            try:
                section_dir = SECTION_FOLDERS[Section(row.section)]
            except ValueError:
                section_dir = ""
            parent = PurePosixPath(row.path).parent.as_posix()
            if parent != f"{row.folder}/{section_dir}":
                diffs.append(
                    _("path {path!r} is not in its client's {section} folder").format(
                        path=row.path, section=row.section
                    )
                )
        for diff in diffs:
            self._add(
                row.number, diff, row.client_id if row.client_id is not None else ev.client_id
            )
        if row.client_id != ev.client_id and ev.client_id is not None:
            self._add(
                row.number,
                f"was filed for this client but the ledger gives it to "
                f"{row.owner or row.client_id}",
                ev.client_id,
            )
