"""Restore of a home from a backup (`archivist backup` writes it, see `archivist.integrity.backup`).

Every file is verified against the backup's file list and the ledger, the ledger's audit chain
must reach the head the manifest recorded, derived records and the index are rebuilt, and the
result is checked. The new home carries `.restore-unfinished` until it is complete."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from archivist.core import audit
from archivist.core import backup_marks as marks
from archivist.core.context import Context
from archivist.core.errors import Conflict, Forbidden, IntegrityError, InvalidInput
from archivist.core.home import INDEX_DIR, STORE_DIR
from archivist.core.i18n import _
from archivist.core.store import DIR_MODE
from archivist.integrity.backup import (
    DATA,
    DOC_CHUNK,
    MANIFEST_NAME,
    Progress,
    _inside,
    _path,
    copy_verified,
    open_file_list,
    read_manifest,
)
from archivist.integrity.backup_files import FileList, LegacyFileList
from archivist.ledger.paging import chunks
from archivist.models import RestoreResult, Role


def restore(
    source: str | os.PathLike[str],
    new_home: str | os.PathLike[str],
    username: str | None,
    progress: Progress | None = None,
    database: str | None = None,
) -> RestoreResult:
    """Rebuild a home at `new_home` from the backup at `source`: every file is verified against
    the backup manifest and the ledger, the ledger's audit chain must reach the head the
    manifest recorded, derived records and the index are rebuilt, and the result is checked.
    Refuses an existing home or a non-empty folder (except one an interrupted restore left,
    which is started over); removes what it made on failure. While it runs the new home carries
    a mark (`.restore-unfinished`) that makes every command refuse it.

    A backup's ledger is a SQLite file whatever database the home used (backup.snapshot_ledger):
    the restored home starts on it, never on the backed-up home's live database ([ledger] url
    is dropped from the restored settings); `database` then moves it, verified, onto that
    (empty) PostgreSQL database with `archivist.ledger.move`."""
    for text in (str(source), str(new_home)):
        if "\x00" in text:
            raise InvalidInput(_("a path contains a NUL character"))
    src = _path(source)
    manifest = read_manifest(src)
    if manifest is None:
        raise InvalidInput(
            _("{src} holds no {MANIFEST_NAME}").format(src=src, MANIFEST_NAME=MANIFEST_NAME),
            _("Pass the folder given to `archivist backup`."),
        )
    root = _path(new_home)
    if (root / marks.RESTORE_MARK).is_file() and not (root / marks.RESTORE_MARK).is_symlink():
        _clear(root)  # an interrupted restore: start over
    if (root / "archivist.toml").exists():
        raise Conflict(
            _("an archivist home already exists at {root}").format(root=root),
            _("Restore into a new folder; nothing is restored over a home."),
        )
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise Conflict(
            _("{root} exists and is not an empty folder").format(root=root),
            _("Restore into a new folder."),
        )
    if _inside(root, src) or _inside(src, root):
        raise InvalidInput(_("the new home and the backup must not be inside each other"))
    made = not root.exists()
    try:
        root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        marks.mark(root / marks.RESTORE_MARK, source=str(src))
        started = time.monotonic()
        files = open_file_list(src, manifest)
        try:
            verified = _copy_back(
                src, root, files, progress, int((manifest.get("file_list") or {}).get("files") or 0)
            )
            _forget_database(root)
            result = _finish(src, root, manifest, files, username, verified)
            if database:
                _onto_database(root, database, username)
        finally:
            files.close()
        total = time.monotonic() - started
        result.seconds["copy"] = round(total - sum(result.seconds.values()), 2)
        result.seconds["total"] = round(total, 2)
        return result
    except BaseException:
        if made:
            shutil.rmtree(root, ignore_errors=True)
        else:
            _clear(root)
        raise


def _forget_database(root: Path) -> None:
    from archivist.core import config

    path = root / "archivist.toml"
    if path.is_file() and config.read_ledger_url(path):
        config.write_ledger_url(path, None)


def _onto_database(root: Path, database: str, username: str | None) -> None:
    from archivist.core.home import Home
    from archivist.ledger.move import move

    move(Home(root), database, username or "")


def _clear(root: Path) -> None:
    """Empty a folder (the mark last, so a kill meanwhile still leaves it marked)."""
    for child in list(root.iterdir()):
        if child.name == marks.RESTORE_MARK:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    (root / marks.RESTORE_MARK).unlink(missing_ok=True)


def _copy_back(
    src: Path,
    root: Path,
    files: FileList | LegacyFileList,
    progress: Progress | None = None,
    total: int = 0,
) -> int:
    count = seen = 0
    for rel, entry in files.items():
        seen += 1
        if progress:
            progress(seen, max(total, seen))
        if entry.get("kind") == "derived":
            continue  # regenerated from the ledger below
        parts = Path(rel).parts
        if Path(rel).is_absolute() or ".." in parts or not parts:
            raise IntegrityError(
                _("the backup manifest names an unsafe path {rel!r}").format(rel=rel[:80])
            )
        origin = src / DATA / rel
        if not origin.is_file():
            raise IntegrityError(
                _("the backup is incomplete: {origin} is missing").format(origin=origin)
            )
        for d in reversed((root / rel).parents):
            if root in d.parents and not d.exists():
                d.mkdir(mode=DIR_MODE)
        size, digest = copy_verified(origin, root / rel, fsync=False)
        if digest != entry.get("sha256") or size != entry.get("size"):
            raise IntegrityError(
                _("{origin} does not match its checksum in the backup manifest").format(
                    origin=origin
                ),
                _("The backup is damaged; use an older one."),
            )
        count += 1
    os.sync()
    return count


def _finish(
    src: Path,
    root: Path,
    manifest: dict[str, Any],
    files: FileList | LegacyFileList,
    username: str | None,
    verified: int,
) -> RestoreResult:
    from archivist.clients import records
    from archivist.core.context import open_context
    from archivist.integrity import checker as integrity
    from archivist.ledger.tables.core import clients
    from archivist.ledger.tables.documents import documents

    (root / INDEX_DIR).mkdir(mode=DIR_MODE, exist_ok=True)
    (root / STORE_DIR).chmod(DIR_MODE)
    ctx = open_context(root, username, restoring=True)
    try:
        if not username:
            raise Forbidden(
                _("no acting user was given"),
                _("Pass --as USERNAME (an archivist or head in the backed-up home)."),
            )
        actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("restore the archive"))
        with ctx.ledger.read() as conn:
            count, problem = audit.verify(conn)
            if problem:
                raise IntegrityError(
                    _("the backed-up audit chain is broken: {problem}").format(problem=problem)
                )
            _against_manifest(conn, manifest, count)
            n_docs = 0
            stmt = select(
                documents.c.id, documents.c.number, documents.c.path, documents.c.checksum
            )
            for rows in chunks(conn, stmt, documents.c.id, DOC_CHUNK):
                n_docs += len(rows)
                for row in rows:
                    entry = files.get(f"{STORE_DIR}/{row.path}")
                    # a document the backup could not copy (its problems list says why) is
                    # restored as missing, and the final check names it; a different
                    # checksum is damage
                    if entry is not None and entry.get("sha256") != row.checksum:
                        raise IntegrityError(
                            _(
                                "document {number} ({path}) is in the backup with another checksum than the ledger's"
                            ).format(number=row.number, path=row.path),
                            _("The backup is damaged; use an older one."),
                        )
        from archivist.integrity.chain import head_of
        from archivist.ledger import witness

        witness.write_head(ctx.home.witness_path, *head_of(ctx))
        for rows in chunks(ctx.ledger, select(clients.c.id), clients.c.id, DOC_CHUNK):
            for cid in (r.id for r in rows):
                client_dir_sections(ctx, cid)
                records.refresh(ctx, cid)
        t = time.monotonic()
        indexed = _rebuild_index(ctx)
        index_s = time.monotonic() - t
        with ctx.ledger.write() as conn:
            audit.record(
                conn,
                actor.username,
                "home.restore",
                "home",
                str(root)[:64],
                None,
                source=str(src),
                backup_created_at=manifest.get("created_at"),
                documents=n_docs,
                audit_events=count,
            )
        t = time.monotonic()
        report = integrity.check(ctx)
        (root / marks.RESTORE_MARK).unlink(missing_ok=True)  # complete
        return RestoreResult(
            home=str(root),
            source=str(src),
            documents=n_docs,
            files_verified=verified,
            indexed=indexed,
            check=report,
            seconds={"index": round(index_s, 2), "check": round(time.monotonic() - t, 2)},
        )
    finally:
        ctx.close()


def _against_manifest(conn: Any, manifest: dict[str, Any], events: int) -> None:
    """The backed-up ledger must hold the chain, the documents and the clients the manifest
    recorded when the backup was made: a ledger whose chain was cut (or swapped) is refused."""
    from archivist.ledger.tables.core import audit_events, clients
    from archivist.ledger.tables.documents import documents

    head = manifest.get("audit_head") or {}
    counts = manifest.get("counts") or {}
    damaged = "The backup's ledger was changed after the backup was made; use an older backup."
    if "seq" in head:
        last = conn.execute(
            select(audit_events.c.hash).where(audit_events.c.seq == head["seq"])
        ).scalar()
        if events != head["seq"] or (head["seq"] and last != head.get("hash")):
            raise IntegrityError(
                _(
                    "the backup's audit chain was cut or rewritten: its ledger holds {events} events but the manifest recorded {seq} ending in {get}"
                ).format(events=events, seq=head["seq"], get=str(head.get("hash"))[:16]),
                damaged,
            )
    for what, table in (("documents", documents), ("clients", clients)):
        if what in counts:
            have = conn.execute(select(func.count()).select_from(table)).scalar_one()
            if have != counts[what]:
                raise IntegrityError(
                    _(
                        "the backup's ledger holds {have} {what} but its manifest recorded {counts}"
                    ).format(have=have, what=what, counts=counts[what]),
                    damaged,
                )


def client_dir_sections(ctx: Context, client_id: int) -> None:
    """Recreate the client's (possibly empty) section folders, which a backup may not hold."""
    from archivist.clients import registry
    from archivist.models import SECTION_FOLDERS

    with ctx.ledger.read() as conn:
        client = registry.by_id(conn, client_id)
    base = ctx.store.resolve(client.folder)
    if not base.exists():
        ctx.store.create_client_folder(client.folder)
        return
    for name in SECTION_FOLDERS.values():
        (base / name).mkdir(mode=DIR_MODE, exist_ok=True)


def _rebuild_index(ctx: Context) -> int:
    try:
        from archivist import search as idx
    except ImportError:
        return 0
    rebuild = getattr(idx, "rebuild", None)
    return int(rebuild(ctx)) if rebuild else 0
