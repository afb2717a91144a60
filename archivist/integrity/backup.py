"""Backup and restore of a home.

A backup folder holds

    DEST/backup-manifest.json   what the backup holds: counts, the audit head, the ledger, and
                                the name and SHA-256 of the file list
    DEST/backup-files-N.sqlite3 every file with its size and SHA-256 (`archivist.integrity.backup_files`)
    DEST/data/archivist.toml    the home's settings (and any other top-level files it keeps)
    DEST/data/archive_store/    the ledger (an online snapshot) and every filed document

The backup is consistent while other processes keep writing: the ledger is copied first with
the database's online backup, and only the files that snapshot knows are copied (filed
documents never change, a new version is a new file). Manifests and registers in the copied
folders are regenerated from the snapshot, so they agree with it. Every copied file is hashed
while it is copied and compared with the ledger. Backing up again to the same DEST copies only
what is new. The index is not backed up: restore rebuilds it. Documents, clients and the file
list are read and written a chunk at a time, so memory does not grow with the archive."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from archivist.core import audit, clock
from archivist.core import backup_marks as marks
from archivist.core.context import Context
from archivist.core.errors import Conflict, IntegrityError, InvalidInput, StorageError
from archivist.core.home import LEDGER_FILE, STORE_DIR, Home
from archivist.core.i18n import _
from archivist.core.store import CHUNK, DIR_MODE, FILE_MODE, TMP_PREFIX, is_litter
from archivist.integrity.backup_files import FileList, LegacyFileList
from archivist.ledger import Ledger
from archivist.ledger.paging import chunks
from archivist.models import BackupResult, RestoreResult, Role

MANIFEST_NAME = "backup-manifest.json"
FORMAT = "archivist-backup/2"
FORMATS = ("archivist-backup/1", FORMAT)  # 1: the file list inside the manifest
LIST_PREFIX = "backup-files-"
DATA = "data"
LOCK = ".backup.lock"
COPY_THREADS = 4
Progress = Callable[[int, int], None]  # (done, total)


# ------------------------------------------------------------------------------ database part
def snapshot_ledger(ledger: Ledger, target: Path) -> None:
    """Write a consistent copy of the live ledger to `target` while other processes write.

    SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page in one step
    under a read transaction; in WAL mode writers carry on meanwhile.
    PostgreSQL: a logical export through SQLAlchemy (`archivist.ledger.transfer`) from one
    REPEATABLE READ transaction (one snapshot; writers carry on) into a SQLite file, verified
    row for row and by its audit chain. Chosen over `pg_dump` because the backup then holds the
    same self-contained ledger file whatever the database: restore, check and the manifest's
    checksums treat it alike, no pg_dump of the server's exact major version has to be
    installed beside archivist, and a backup restores onto either database."""
    if ledger.is_postgresql:
        _export_ledger(ledger, target)
        return
    import sqlite3

    with ledger.engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        dest = sqlite3.connect(str(target))
        try:
            raw.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            ok = dest.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dest.close()
    if ok != "ok":
        raise IntegrityError(
            _("the ledger snapshot failed its integrity check: {ok}").format(ok=ok)
        )
    os.chmod(target, FILE_MODE)


def _export_ledger(ledger: Ledger, target: Path) -> None:
    from archivist.ledger import transfer

    dest = Ledger.for_path(target)
    try:
        with ledger.read() as conn:  # REPEATABLE READ: one snapshot for every table
            transfer.copy(conn, dest)
            transfer.verify(conn, dest)
    except BaseException:
        dest.dispose()
        for side in ("", "-wal", "-shm", "-journal"):
            Path(f"{target}{side}").unlink(missing_ok=True)
        raise
    dest.dispose()  # the last connection folds the WAL into the file
    for side in ("-wal", "-shm"):
        Path(f"{target}{side}").unlink(missing_ok=True)
    os.chmod(target, FILE_MODE)


# ------------------------------------------------------------------------------ file helpers
def copy_verified(src: Path, dst: Path, fsync: bool = True) -> tuple[int, str]:
    """Copy src to dst via a temp file (+ fsync) + rename, hashing as it goes; (size, sha256).
    Bulk copies pass fsync=False and call os.sync() once before writing their manifest."""
    dst.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    tmp = dst.parent / f"{TMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(src, "rb") as fin:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            with os.fdopen(fd, "wb") as fout:
                while chunk := fin.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    fout.write(chunk)
                fout.flush()
                if fsync:
                    os.fsync(fout.fileno())
        os.replace(tmp, dst)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return size, digest.hexdigest()


def _write_text(dst: Path, text: str) -> None:
    dst.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    tmp = dst.parent / f"{TMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, dst)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def home_id(conn: Any) -> str:
    """A home's identity: the hash of its first audit event (home.init), unique per home."""
    from archivist.ledger.tables.core import audit_events

    value = conn.execute(select(audit_events.c.hash).where(audit_events.c.seq == 1)).scalar()
    return str(value or "")


def _path(raw: str | os.PathLike[str]) -> Path:
    """An absolute path; '~' is expanded when it names a user, else kept as a name."""
    try:
        return Path(raw).expanduser().absolute()
    except RuntimeError:
        return Path(raw).absolute()


def _inside(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or b in a.parents


def read_manifest(dest: Path) -> dict[str, Any] | None:
    path = dest / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IntegrityError(
            _("{path} is not a readable backup manifest ({exc})").format(path=path, exc=exc)
        ) from None
    if not isinstance(data, dict) or data.get("format") not in FORMATS:
        raise IntegrityError(_("{path} is not an archivist backup manifest").format(path=path))
    return data


def open_file_list(dest: Path, manifest: dict[str, Any]) -> FileList | LegacyFileList:
    """The backup's list of files, checked against the checksum the manifest gives it."""
    from archivist.core.store import sha256_file

    if manifest.get("format") == FORMATS[0]:
        return LegacyFileList(manifest.get("files") or {})
    info = manifest.get("file_list") or {}
    name = str(info.get("path", ""))
    if not name.startswith(LIST_PREFIX) or "/" in name or "\\" in name:
        raise IntegrityError(
            _("the backup manifest in {dest} names no file list").format(dest=dest)
        )
    path = dest / name
    try:
        digest = sha256_file(path)
    except OSError as exc:
        raise IntegrityError(
            _("the backup's file list {path} cannot be read: {value}").format(
                path=path, value=exc.strerror or exc
            ),
            _("The backup is damaged; use an older one."),
        ) from None
    if digest != info.get("sha256"):
        raise IntegrityError(
            _("the backup's file list {path} does not match its checksum in the manifest").format(
                path=path
            ),
            _("The backup is damaged; use an older one."),
        )
    return FileList.open(path)


@contextlib.contextmanager
def _locked(dest: Path) -> Any:
    import fcntl

    fh = open(dest / LOCK, "a")  # noqa: SIM115 - held for the duration
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise Conflict(
                _("another backup to {dest} is running").format(dest=dest),
                _("Wait for it to finish."),
            ) from None
        yield
    finally:
        fh.close()


# ------------------------------------------------------------------------------ backup
def backup(
    ctx: Context, dest: str | os.PathLike[str], progress: Progress | None = None
) -> BackupResult:
    """Back up the home to `dest` (created if needed; a previous backup of the same home there
    is brought up to date, copying only what is new; an interrupted one is resumed).
    `progress(done, total)` is called as documents are copied."""
    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("back up the archive"))
    if "\x00" in str(dest):
        raise InvalidInput(_("the backup path contains a NUL character"))
    target = _path(dest)
    home = ctx.home.root
    if _inside(target, home) or _inside(home, target):
        raise InvalidInput(
            _("the backup folder {target} must be outside the home {home}").format(
                target=target, home=home
            ),
            _("Choose a folder on another disk."),
        )
    if target.exists() and not target.is_dir():
        raise InvalidInput(_("{target} exists and is not a folder").format(target=target))
    try:
        target.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            _("cannot create the backup folder {target}: {value}").format(
                target=target, value=exc.strerror or exc
            )
        ) from None
    try:
        unfinished = (target / marks.BACKUP_MARK).exists()
        other = (marks.read(target / marks.BACKUP_MARK) or {}).get("home")
        if unfinished and other and other != str(home):
            raise Conflict(
                _("{target} holds an unfinished backup of another home ({other})").format(
                    target=target, other=other
                ),
                _("Choose another folder, or finish that backup from its home."),
            )
        try:
            previous = read_manifest(target)
        except IntegrityError:
            if not unfinished:
                raise
            previous = None  # killed while writing it: resume as a first backup
        if (
            previous is None
            and not unfinished
            and any(p.name not in (LOCK,) for p in target.iterdir())
        ):
            raise Conflict(
                _("{target} is not empty and holds no archivist backup").format(target=target),
                _("Choose an empty folder or a previous backup of this home."),
            )
        with _locked(target):
            marks.mark(target / marks.BACKUP_MARK, home=str(home))
            try:
                result = _backup(ctx, target, previous, progress)
            finally:
                for leftover in target.glob(f"{TMP_PREFIX}ledger-{os.getpid()}*"):
                    leftover.unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError(
            _("the backup to {target} failed: {value} ({value2})").format(
                target=target, value=exc.strerror or exc, value2=getattr(exc, "filename", "") or ""
            )
        ) from None
    with ctx.ledger.write() as conn:
        audit.record(
            conn,
            actor.username,
            "home.backup",
            "home",
            str(target)[:64],
            None,
            dest=str(target),
            documents=result.documents,
            copied=result.files_copied,
            skipped=result.files_skipped,
            problems=len(result.problems),
        )
    return result


DOC_CHUNK = 1000  # document rows read from the snapshot at a time


class _Run:
    """One backup: the snapshot it reads, the file list it writes, what it copied."""

    def __init__(
        self,
        ctx: Context,
        target: Path,
        previous: FileList | LegacyFileList | None,
        progress: Progress | None = None,
    ):
        self.ctx = ctx
        self.progress = progress
        self.data = target / DATA
        self.previous = previous
        self.problems: list[str] = []
        self.copied = self.skipped = self.nbytes = 0

    def documents(self, conn: Any, files: FileList) -> int:
        """Copy the filed documents the snapshot knows, a chunk at a time. Filed documents are
        immutable, so a file already in the backup with its checksum is kept."""
        from archivist.ledger.tables.documents import documents

        cols = (
            documents.c.id,
            documents.c.number,
            documents.c.path,
            documents.c.size,
            documents.c.checksum,
            documents.c.checksum_algo,
        )
        total = 0
        expected = conn.execute(select(func.count()).select_from(documents)).scalar_one()
        with ThreadPoolExecutor(COPY_THREADS) as pool:
            for rows in chunks(conn, select(*cols), documents.c.id, DOC_CHUNK):
                total += len(rows)
                if self.progress:
                    self.progress(total, max(expected, total))
                todo = []
                for row in rows:
                    rel = f"{STORE_DIR}/{row.path}"
                    if self._unchanged(rel, row):
                        files.add(
                            rel,
                            {
                                "size": row.size,
                                "sha256": row.checksum,
                                "kind": "document",
                                "number": row.number,
                            },
                        )
                        self.skipped += 1
                    else:
                        todo.append(row)
                for row, size, digest, problem in pool.map(self._copy_document, todo):
                    if problem:
                        self.problems.append(problem)
                        continue
                    files.add(
                        f"{STORE_DIR}/{row.path}",
                        {"size": size, "sha256": digest, "kind": "document", "number": row.number},
                    )
                    self.copied += 1
                    self.nbytes += size
        return total

    def _unchanged(self, rel: str, row: Any) -> bool:
        old = self.previous.get(rel) if self.previous is not None else None
        if not old or old.get("sha256") != row.checksum:
            return False
        dst = self.data / rel
        return dst.is_file() and dst.stat().st_size == row.size

    def _copy_document(self, row: Any) -> tuple[Any, int, str | None, str | None]:
        src = self.ctx.store.resolve(row.path)
        dst = self.data / f"{STORE_DIR}/{row.path}"
        try:
            size, digest = copy_verified(src, dst, fsync=False)
        except FileNotFoundError:
            return row, 0, None, f"document {row.number}: {src} is missing in the live store"
        if row.checksum_algo == "sha256" and digest != row.checksum:
            dst.unlink(missing_ok=True)
            return (
                row,
                0,
                None,
                (
                    f"document {row.number}: {src} does not match its checksum; "
                    "not backed up (run `archivist check`)"
                ),
            )
        return row, size, digest, None

    def derived(self, conn: Any, files: FileList) -> None:
        """Manifests and registers regenerated from the snapshot, one client at a time."""
        from archivist.clients import records, registry
        from archivist.ledger.tables.core import clients

        for rows in chunks(conn, select(clients.c.id), clients.c.id, DOC_CHUNK):
            for cid in (r.id for r in rows):
                client = registry.by_id(conn, cid)
                language = self.ctx.settings.firm.language
                for rel, text in records.expected(conn, client, language).items():
                    path = f"{STORE_DIR}/{client.folder}/{rel}"
                    raw = text.encode("utf-8")
                    files.add(path, {"size": len(raw), "sha256": _sha(raw), "kind": "derived"})
                    dst = self.data / path
                    try:
                        if dst.read_bytes() == raw:
                            continue
                    except OSError:
                        pass
                    _write_text(dst, text)

    def home_files(self, files: FileList) -> None:
        """Other top-level files of the home (settings, templates, ...), never the index."""
        for src in _home_files(self.ctx.home):
            rel = src.relative_to(self.ctx.home.root).as_posix()
            dst = self.data / rel
            old = self.previous.get(rel) if self.previous is not None else None
            try:
                st = src.stat()
                if (
                    old
                    and dst.is_file()
                    and old.get("size") == st.st_size
                    and old.get("mtime") == int(st.st_mtime)
                ):
                    files.add(rel, old)
                    self.skipped += 1
                    continue
                size, digest = copy_verified(src, dst)
            except OSError as exc:
                self.problems.append(f"{src}: {exc.strerror or exc}")
                continue
            files.add(
                rel, {"size": size, "sha256": digest, "kind": "home", "mtime": int(st.st_mtime)}
            )
            self.copied += 1
            self.nbytes += size


def _backup(
    ctx: Context, target: Path, previous: dict[str, Any] | None, progress: Progress | None = None
) -> BackupResult:
    from archivist.core.store import sha256_file
    from archivist.ledger.tables.core import audit_head, clients

    started = time.monotonic()
    data = target / DATA
    data.mkdir(mode=DIR_MODE, exist_ok=True)
    snap = target / f"{TMP_PREFIX}ledger-{os.getpid()}"
    snap.unlink(missing_ok=True)
    snapshot_ledger(ctx.ledger, snap)
    old_list = None
    damaged = None
    if previous:
        try:
            old_list = open_file_list(target, previous)
        except IntegrityError as exc:  # copy everything again rather than refuse to back up
            damaged = f"{exc.message}; every file was copied again"
    files = FileList.create(target / f"{TMP_PREFIX}ledger-{os.getpid()}-files")
    run = _Run(ctx, target, old_list, progress)
    if damaged:
        run.problems.append(damaged)
    snap_ledger = Ledger.for_path(snap)
    try:
        with snap_ledger.read() as conn:
            hid = home_id(conn)
            if previous and previous.get("home_id") and previous["home_id"] != hid:
                raise Conflict(
                    _("{target} holds a backup of another home ({get})").format(
                        target=target, get=previous.get("home", "?")
                    ),
                    _("Choose another folder."),
                )
            n_clients = conn.execute(select(func.count()).select_from(clients)).scalar_one()
            head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).one()
            n_docs = run.documents(conn, files)
            run.derived(conn, files)
        run.home_files(files)
    finally:
        snap_ledger.dispose()
        if old_list is not None:
            old_list.close()

    ledger_dst = data / STORE_DIR / LEDGER_FILE
    ledger_dst.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.sync()  # every copy is on disk before the ledger and the manifest name it
    ledger_sha = sha256_file(snap)
    ledger_size = snap.stat().st_size
    os.replace(snap, ledger_dst)
    files.add(
        f"{STORE_DIR}/{LEDGER_FILE}", {"size": ledger_size, "sha256": ledger_sha, "kind": "ledger"}
    )
    counts = files.counts()
    files.finish()
    generation = int((previous or {}).get("file_list", {}).get("generation", 0)) + 1
    list_name = f"{LIST_PREFIX}{generation}.sqlite3"
    with open(files.path, "rb") as fh:
        os.fsync(fh.fileno())
    list_sha = sha256_file(files.path)
    os.chmod(files.path, FILE_MODE)  # it names every client's files
    os.replace(files.path, target / list_name)
    manifest = {
        "format": FORMAT,
        "created_at": clock.now().isoformat(),
        "home": str(ctx.home.root),
        "home_id": hid,
        "counts": {
            "clients": n_clients,
            "documents": n_docs,
            "documents_backed_up": counts.get("document", 0),
            "audit_events": head.seq,
            "files": sum(counts.values()),
        },
        "audit_head": {"seq": head.seq, "hash": head.hash},
        "ledger": {
            "path": f"{DATA}/{STORE_DIR}/{LEDGER_FILE}",
            "size": ledger_size,
            "sha256": ledger_sha,
        },
        "file_list": {
            "path": list_name,
            "sha256": list_sha,
            "generation": generation,
            "files": sum(counts.values()),
        },
        "problems": run.problems,
    }
    _write_text(target / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    (target / marks.BACKUP_MARK).unlink(missing_ok=True)  # complete
    for stale in target.glob(f"{LIST_PREFIX}*.sqlite3"):  # lists of earlier backups
        if stale.name != list_name:
            stale.unlink(missing_ok=True)
    with open(target / "backup-log.jsonl", "a", encoding="utf-8") as log:
        log.write(
            json.dumps(
                {
                    "at": manifest["created_at"],
                    "documents": n_docs,
                    "copied": run.copied,
                    "skipped": run.skipped,
                    "bytes": run.nbytes,
                    "problems": len(run.problems),
                },
                ensure_ascii=False,
            )
            + "\n"
        )
    return BackupResult(
        dest=str(target),
        manifest=str(target / MANIFEST_NAME),
        home_id=hid,
        clients=n_clients,
        documents=n_docs,
        files_copied=run.copied,
        files_skipped=run.skipped,
        bytes_copied=run.nbytes,
        audit_events=head.seq,
        problems=run.problems,
        seconds=round(time.monotonic() - started, 3),
    )


HOME_OWN_FILES = ("archivist.toml",)  # beside the store: the settings ...
HOME_OWN_DIRS = ("templates",)  # ... and the home's own templates; nothing else of the folder


def _home_files(home: Home) -> list[Path]:
    """The home's own files outside the store: its settings and its templates. Anything else
    lying in the home folder (a checkout's .venv or .git, someone's papers) is not the
    archive's and is not backed up."""
    out = [
        home.root / name
        for name in HOME_OWN_FILES
        if (home.root / name).is_file() and not (home.root / name).is_symlink()
    ]
    for top in HOME_OWN_DIRS:
        base = home.root / top
        if base.is_dir() and not base.is_symlink():
            out.extend(_tree(base))
    return out


def _tree(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not is_litter(d) and not (here / d).is_symlink()
        )
        for name in sorted(filenames):
            p = here / name
            if is_litter(name) or name.startswith(TMP_PREFIX) or p.is_symlink():
                continue
            out.append(p)
    return out


# ------------------------------------------------------------------------------ restore
def restore(
    source: str | os.PathLike[str],
    new_home: str | os.PathLike[str],
    username: str | None,
    progress: Progress | None = None,
    database: str | None = None,
) -> RestoreResult:
    """Rebuild a home from a backup: see `archivist.integrity.restore.restore`."""
    from archivist.integrity import restore as restoring

    return restoring.restore(source, new_home, username, progress, database=database)
