"""`archivist check`: do the ledger, the files on disk, the derived records, the index and the
audit trail agree?

What is checked (each problem names a full path where there is one):
- every document row has its file and the file's checksum (with the stored algorithm) matches;
- files under archive_store/ the ledger does not know: orphans (OS litter ignored), and temp
  files left by an interrupted write (`.tmp-*`; never registered, so removable);
- each client folder exists, is named after its client, and its derived files (manifest,
  registers) have exactly the content the ledger gives them;
- the full-text index agrees with the ledger (when the index module is installed);
- the audit chain is intact; the store is readable by owner and group only.

`repair=True` fixes only what is derived: manifests and registers (rewritten from the ledger),
index entries, stale temp files, missing empty section folders and loose permissions. It never
changes or deletes a filed original or a ledger row."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import string
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import select

from archivist.core import audit
from archivist.core.context import Context
from archivist.core.errors import ArchivistError
from archivist.core.i18n import _
from archivist.core.store import TMP_PREFIX, hash_file, is_litter
from archivist.ledger.paging import chunks
from archivist.ledger.tables.core import clients as clients_table
from archivist.ledger.tables.documents import documents
from archivist.models import SECTION_FOLDERS, CheckProblem, CheckReport, Client, Role

Progress = Callable[[int, int], None]  # (done, total)

# The ledger's own files live at the top of the store.
LEDGER_FILES = {
    "ledger.sqlite3",
    "ledger.sqlite3-wal",
    "ledger.sqlite3-shm",
    "ledger.sqlite3-journal",
    "audit-head.json",
    # the repository's note on what the default store holds (top level only)
    "README.md",
}
STALE_TMP_SECONDS = 3600
HASH_THREADS = 4
INDEX_LINES = 100  # per kind; beyond that one summary line (repair rebuilds)
PERMISSION_LINES = 50


SECTION_NAMES = set(SECTION_FOLDERS.values())
LOST_FOUND = "lost+found"  # in the home, outside the store: unfinished filings go here


# ------------------------------------------------------------------------------ helpers
def _number_pattern(fmt: str) -> re.Pattern[str]:
    """A regex for file names that start with a document number rendered from `fmt`
    (e.g. "{client}-{seq:04d}" -> "(?P<number>(?P<client>[^ ]+?)-\\d+) ")."""
    out = []
    for literal, field, _spec, _conv in string.Formatter().parse(fmt):
        out.append(re.escape(literal))
        if field == "client":
            out.append(r"(?P<client>[^ /]+?)")
        elif field:
            out.append(r"\d+")
    return re.compile(r"(?P<number>" + "".join(out) + r") ")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def temp_is_stale(path: Path) -> bool:
    """A `.tmp-<pid>-<hex>` file whose writer is gone (or that is over an hour old)."""
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return False
    pid_text = path.name[len(TMP_PREFIX) :].split("-", 1)[0]
    if pid_text.isdigit() and int(pid_text) != os.getpid() and not _pid_alive(int(pid_text)):
        return True
    return age > STALE_TMP_SECONDS


LEDGER_CHUNK = 1000  # document rows read (and hashed) at a time: memory stays flat
LOOKUP_CHUNK = 500  # paths per "is this file registered?" query


def _client_ids(ctx: Context, client_number: str | None) -> Iterator[int]:
    """The ids of the clients in scope, read a chunk at a time."""
    from archivist.clients import registry

    if client_number is not None:
        with ctx.ledger.read() as conn:
            yield registry.get(conn, client_number).id
        return
    for rows in chunks(ctx.ledger, select(clients_table.c.id), clients_table.c.id, LEDGER_CHUNK):
        yield from (r.id for r in rows)


class _Checker:
    """Streams the ledger and the store: documents a chunk at a time, clients one at a time and
    each folder's files against the ledger, so memory does not grow with the archive (only the
    problems found are kept)."""

    def __init__(self, ctx: Context, client_number: str | None, progress: Progress | None):
        self.ctx = ctx
        self.store = ctx.store
        self.root = ctx.store.root.resolve()
        self.client_number = client_number
        self.progress = progress
        self.problems: list[CheckProblem] = []
        self.counts: dict[str, int] = {"clients": 0, "documents": 0, "files": 0}
        self._number_re: re.Pattern[str] | None = None
        self._unknown: list[tuple[Path, str | None]] = []  # files no row named when walked
        self._loose = 0
        self.scope_id: int | None = None
        self.head: dict[str, Any] | None = None
        self.chain_broken = False
        from archivist.integrity.replay import ReplayResult

        self.replay = ReplayResult()

    def add(
        self,
        kind: str,
        detail: str,
        path: Path | str | None = None,
        client: str | None = None,
        document: str | None = None,
        repairable: bool = False,
    ) -> None:
        self.problems.append(
            CheckProblem(
                kind=kind,
                detail=detail,
                path=None if path is None else str(path),
                client=client,
                document=document,
                repairable=repairable,
            )
        )

    def load(self) -> None:
        """Resolve the scope and verify the audit chain (streamed)."""
        if self.client_number is not None:
            self.scope_id = next(iter(_client_ids(self.ctx, self.client_number)))
        with self.ctx.ledger.read() as conn:
            self.audit_count, self.audit_problem = audit.verify(conn)

    # -------------------------------------------------------------------- documents
    def _document_rows(self) -> Iterator[Sequence[Any]]:
        stmt = select(
            documents.c.id,
            documents.c.number,
            documents.c.path,
            documents.c.checksum,
            documents.c.checksum_algo,
            clients_table.c.number.label("owner"),
        ).join(clients_table, clients_table.c.id == documents.c.client_id)
        if self.scope_id is not None:
            stmt = stmt.where(documents.c.client_id == self.scope_id)
        return chunks(self.ctx.ledger, stmt, documents.c.id, LEDGER_CHUNK)

    def check_documents(self) -> None:
        from sqlalchemy import func

        count = select(func.count()).select_from(documents)
        if self.scope_id is not None:
            count = count.where(documents.c.client_id == self.scope_id)
        with self.ctx.ledger.read() as conn:
            total = conn.execute(count).scalar_one()

        def one(row: Any) -> tuple[Any, str | None, str | None]:
            try:
                path = self.store.resolve(row.path)
            except ArchivistError as exc:
                return row, None, f"its recorded path is unsafe: {exc}"
            algo = row.checksum_algo or "sha256"
            if algo not in hashlib.algorithms_available:
                return row, str(path), f"unknown checksum algorithm {algo!r}"
            try:
                if not path.is_file():
                    return row, str(path), "missing"
                return row, str(path), None if hash_file(path, algo) == row.checksum else "checksum"
            except OSError as exc:
                return row, str(path), f"unreadable: {exc.strerror or exc}"

        done = 0
        with ThreadPoolExecutor(HASH_THREADS) as pool:
            for rows in self._document_rows():
                for row, path, problem in pool.map(one, rows):
                    done += 1
                    if self.progress:
                        self.progress(done, max(total, done))
                    if problem is None:
                        continue
                    if problem == "missing":
                        self.add(
                            "missing",
                            _("document {number} has no file").format(number=row.number),
                            path,
                            row.owner,
                            row.number,
                        )
                    elif problem == "checksum":
                        self.add(
                            "checksum",
                            _(
                                "document {number}: the file's checksum does not match the ledger ({checksum_algo} {checksum}…)"
                            ).format(
                                number=row.number,
                                checksum_algo=row.checksum_algo,
                                checksum=row.checksum[:12],
                            ),
                            path,
                            row.owner,
                            row.number,
                        )
                    else:
                        self.add(
                            "missing" if path is None else "checksum",
                            _("document {number}: {problem}").format(
                                number=row.number, problem=problem
                            ),
                            path,
                            row.owner,
                            row.number,
                        )
        self.counts["documents"] = done

    # -------------------------------------------------------------------- client folders
    def check_folders(self) -> None:
        """Each client's folder, one client at a time: its name, its sections, its derived
        files (manifest, registers) against the ledger, and every file in it."""
        from archivist.clients import records
        from archivist.clients.registry import by_id

        for cid in _client_ids(self.ctx, self.client_number):
            with self.ctx.ledger.read() as conn:
                c = by_id(conn, cid)
                expected = records.expected(conn, c, self.ctx.settings.firm.language)
            self.counts["clients"] += 1
            base = self._client_folder(c)
            if base is None:
                continue
            drift = self._drift(c, expected)
            if drift:  # maybe a change committed since we read: compare with the ledger now
                with self.ctx.ledger.read() as conn:
                    c = by_id(conn, c.id)
                    expected = records.expected(conn, c, self.ctx.settings.firm.language)
                drift = self._drift(c, expected)
            for path, rel, what in drift:
                self.add("derived", f"{rel} {what}", path, c.number, repairable=True)
            derived = {self.store.resolve(f"{c.folder}/{rel}") for rel in expected}
            del expected
            self._walk(base, c.number, derived)

    def _client_folder(self, c: Client) -> Path | None:
        from archivist.core.safenames import safe_component

        base = self.store.resolve(c.folder)
        first, _sep, last = c.folder.partition("/")
        if first != safe_component(c.class_letter) or not (
            last == safe_component(c.number) or last.startswith(c.number + " ")
        ):
            self.add(
                "folder",
                _(
                    "folder {folder!r} is not named after client {number} (expected {class_letter}/{number} …)"
                ).format(folder=c.folder, number=c.number, class_letter=c.class_letter),
                base,
                c.number,
            )
        if not base.is_dir():
            self.add(
                "folder",
                _("the folder of client {number} is missing").format(number=c.number),
                base,
                c.number,
            )
            return None
        for name in SECTION_FOLDERS.values():
            if not (base / name).is_dir():
                self.add(
                    "folder",
                    _("section folder {name!r} is missing").format(name=name),
                    base / name,
                    c.number,
                    repairable=True,
                )
        return base

    def _drift(self, c: Client, expected: dict[str, str]) -> list[tuple[Path, str, str]]:
        out = []
        for rel, text in expected.items():
            path = self.store.resolve(f"{c.folder}/{rel}")
            try:
                current = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                out.append((path, rel, "is missing"))
                continue
            except (OSError, UnicodeDecodeError) as exc:
                out.append((path, rel, f"is unreadable ({exc})"))
                continue
            if current != text:
                out.append((path, rel, "does not agree with the ledger"))
        return out

    # -------------------------------------------------------------------- the rest of the store
    def check_orphans(self) -> None:
        """Everything under the store outside the clients' folders (whole-archive checks
        only), then a last look at the files no row named while walking."""
        if self.client_number is None:
            self._walk(self.root, None, set(), skip_client_folders=True)
        self._report_unknown()

    def _is_client_folder(self, rel: str) -> bool:
        with self.ctx.ledger.read() as conn:
            return (
                conn.execute(
                    select(clients_table.c.id).where(clients_table.c.folder == rel)
                ).first()
                is not None
            )

    def _registered(self, paths: list[Path]) -> set[Path]:
        """Which of these files a document row names (a query per chunk of paths)."""
        rel = {p.relative_to(self.root).as_posix(): p for p in paths}
        keys = list(rel)
        found: set[Path] = set()
        with self.ctx.ledger.read() as conn:
            for i in range(0, len(keys), LOOKUP_CHUNK):
                found.update(
                    rel[k]
                    for k in conn.execute(
                        select(documents.c.path).where(
                            documents.c.path.in_(keys[i : i + LOOKUP_CHUNK])
                        )
                    ).scalars()
                )
                # searchable copies made by OCR (issue 24)
                from archivist.filing.ocr_queue import derived_paths

                found.update(rel[k] for k in derived_paths(conn, keys[i : i + LOOKUP_CHUNK]))
        return found

    def _walk(
        self, base: Path, owner: str | None, derived: set[Path], skip_client_folders: bool = False
    ) -> None:
        """Walk one folder: count its files, note the ones no row names, and check that the
        folders and the files the ledger knows are not readable by others."""
        for dirpath, dirnames, filenames in os.walk(base):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not is_litter(d))
            if skip_client_folders:
                dirnames[:] = [
                    d
                    for d in dirnames
                    if not self._is_client_folder((here / d).relative_to(self.root).as_posix())
                ]
            files = []
            for name in sorted(filenames):
                if is_litter(name):
                    continue
                self.counts["files"] += 1
                files.append(here / name)
            known = {
                p for p in files if p in derived or (here == self.root and p.name in LEDGER_FILES)
            }
            rest = [p for p in files if p not in known]
            if rest:
                registered = self._registered(rest)
                known |= registered
                self._unknown.extend((p, owner) for p in rest if p not in registered)
            self._permissions([here, *(p for p in files if p in known)], owner)

    def _report_unknown(self) -> None:
        # a filing may have committed since the walk saw its file: ask the ledger again
        unknown = self._unknown
        self._unknown = []
        registered = self._registered([p for p, _ in unknown if not p.name.startswith(TMP_PREFIX)])
        for path, owner in unknown:
            if path in registered:
                continue
            name = path.name
            if name.startswith(TMP_PREFIX):
                stale = temp_is_stale(path)
                self.add(
                    "temp",
                    _(
                        "a temporary file left by an interrupted write (never registered){value}"
                    ).format(value="" if stale else "; its writer may still be running"),
                    path,
                    owner,
                    repairable=stale,
                )
            elif (number := self._unfinished(path, owner)) is not None:
                self.add(
                    "unfinished",
                    _(
                        "a file written by a filing that never committed (number {number} is not registered to it); --repair moves it to {value}"
                    ).format(number=number, value=self.ctx.home.root / LOST_FOUND),
                    path,
                    owner,
                    number,
                    repairable=True,
                )
            elif os.path.islink(path):
                self.add("orphan", _("a symbolic link the ledger does not know"), path, owner)
            else:
                self.add(
                    "orphan",
                    _("a file the ledger does not know; file it with `archivist file adopt`"),
                    path,
                    owner,
                )

    def _unfinished(self, path: Path, owner: str | None) -> str | None:
        """The document number in the name of a file that filing wrote into a section folder
        but whose transaction never committed (a crash between the write and the commit)."""
        if owner is None or path.parent.name not in SECTION_NAMES:
            return None
        if self._number_re is None:
            self._number_re = _number_pattern(self.ctx.settings.numbering.document)
        m = self._number_re.match(path.name)
        if m is None or ("client" in m.re.groupindex and m.group("client") != owner):
            return None
        return m.group("number")

    # -------------------------------------------------------------------- permissions
    def _permissions(self, paths: Iterable[Path], owner: str | None) -> None:
        for p in paths:
            try:
                mode = os.lstat(p).st_mode
            except OSError:
                continue
            if stat.S_ISLNK(mode) or not mode & 0o007:
                continue
            self._loose += 1
            if self._loose <= PERMISSION_LINES:
                self.add(
                    "permissions",
                    _(
                        "readable by others (mode {S_IMODE:o}); the store is for owner and group only"
                    ).format(S_IMODE=stat.S_IMODE(mode)),
                    p,
                    owner,
                    repairable=True,
                )

    def check_permissions(self) -> None:
        """Sum up the loose permissions the walks found beyond the first lines."""
        if self._loose > PERMISSION_LINES:
            self.add(
                "permissions",
                _("{value} more files or folders are readable by others").format(
                    value=self._loose - PERMISSION_LINES
                ),
                self.root,
                repairable=True,
            )

    # -------------------------------------------------------------------- index
    def check_index(self) -> Any:
        try:
            from archivist import search as idx
        except ImportError:
            return None
        status_fn = getattr(idx, "status", None)
        if status_fn is None:
            return None
        try:
            st = status_fn(self.ctx)
        except ArchivistError as exc:
            self.add(
                "index-missing",
                _("the index cannot be read: {exc}").format(exc=exc),
                self.ctx.home.index_dir,
                repairable=True,
            )
            return "broken"
        index_dir = self.ctx.home.index_dir
        if not getattr(st, "version_ok", True) and (st.missing or st.documents):
            self.add(
                "index-missing",
                _("the index must be rebuilt: {message} ({count} documents are not in it)").format(
                    message=st.message, count=len(st.missing)
                ),
                index_dir,
                repairable=True,
            )
            self.index_totals = {"index-missing": len(st.missing)}
            return st
        self.index_totals = {}
        wanted = None
        if self.scope_id is not None:
            with self.ctx.ledger.read() as conn:
                wanted = set(
                    conn.execute(
                        select(documents.c.number).where(documents.c.client_id == self.scope_id)
                    ).scalars()
                )
        for kind, attr, text in (
            ("index-missing", "missing", "is not in the index"),
            ("index-stale", "stale", "is out of date in the index"),
            ("index-extra", "extra", "is in the index but not the ledger"),
        ):
            numbers = [str(n) for n in sorted(getattr(st, attr, []) or [])]
            if wanted is not None:
                numbers = [n for n in numbers if n in wanted] if kind != "index-extra" else []
            if numbers:
                self.index_totals[kind] = len(numbers)  # the summary counts documents
            for number in numbers[:INDEX_LINES]:
                self.add(
                    kind,
                    _("document {number} {text}").format(number=number, text=text),
                    index_dir,
                    document=number,
                    repairable=True,
                )
            if len(numbers) > INDEX_LINES:
                self.add(
                    kind,
                    _("{value} more documents {text}").format(
                        value=len(numbers) - INDEX_LINES, text=text
                    ),
                    index_dir,
                    repairable=True,
                )
        return st

    # -------------------------------------------------------------------- audit
    def check_audit(self) -> None:
        self.counts["audit_events"] = self.audit_count
        if self.audit_problem:
            self.add(
                "audit",
                _("the audit chain is broken: {audit_problem}").format(
                    audit_problem=self.audit_problem
                ),
                self.ctx.home.ledger_path,
            )
        from archivist.integrity import chain
        from archivist.integrity.replay import replay

        problems, self.head = chain.check_witness(self.ctx)
        for text, fixable in problems:
            self.add("audit", text, self.ctx.home.witness_path, repairable=fixable)
        self.chain_broken = bool(self.audit_problem) or any(not f for _, f in problems)
        self.replay = replay(self.ctx.ledger)
        shown: dict[str, int] = {}
        for f in self.replay.findings:
            if self.scope_id is not None and f.client_id not in (None, self.scope_id):
                continue
            shown[f.kind] = shown.get(f.kind, 0) + 1
            if shown[f.kind] <= chain.TAMPER_LINES:
                self.add(
                    "tampered",
                    f.detail,
                    self.ctx.home.ledger_path,
                    f.client,
                    f.record if f.kind == "document" else None,
                )
        for kind, n in shown.items():
            if n > chain.TAMPER_LINES:
                self.add(
                    "tampered",
                    _("ledger disagrees with the audit trail: {value} more {kind} records").format(
                        value=n - chain.TAMPER_LINES, kind=kind
                    ),
                    self.ctx.home.ledger_path,
                )
        for path in chain.rebuild_leftovers(self.ctx):
            self.add(
                "index-leftover",
                _("a folder left by an interrupted `index rebuild`"),
                path,
                repairable=True,
            )

    # -------------------------------------------------------------------- volumes
    def check_volumes(self) -> None:
        """Sealed volumes against their manifests; closed matters past their archiving
        deadline (issue 22)."""
        from archivist.volumes import service as volumes

        with self.ctx.ledger.read() as conn:
            broken = volumes.verify(conn)
            late = volumes.overdue(conn, self.ctx.settings)
        self.counts["volumes_late"] = len(late)
        for _matter, client, detail in broken:
            if self.client_number is None or client == self.client_number:
                self.add("volume", detail, None, client)
        for matter, client, by in late:
            if self.client_number is None or client == self.client_number:
                self.add(
                    "archiving-overdue",
                    _("the volume of closed matter {matter} was due for archiving by {by}").format(
                        matter=matter, by=by.isoformat()
                    ),
                    None,
                    client,
                )


# ------------------------------------------------------------------------------ public
def check(
    ctx: Context,
    client_number: str | None = None,
    repair: bool = False,
    progress: Progress | None = None,
) -> CheckReport:
    """Run every check (one client's folder with `client_number`) and, with `repair`, fix what
    is derived. Returns the report; `ok` is True when nothing is left to fix."""
    if repair:
        actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("repair the archive"))
    else:
        actor = ctx.require(
            Role.ARCHIVIST, Role.HEAD, Role.MANAGEMENT, action=_("check the archive")
        )
    started = time.monotonic()
    checker = _run(ctx, client_number, progress)
    repaired: list[str] = []
    if repair and any(p.repairable for p in checker.problems):
        repaired = _repair(ctx, checker)
        checker = _run(ctx, client_number, None)
    problems = checker.problems
    summary: dict[str, int] = {}
    for p in problems:
        summary[p.kind] = summary.get(p.kind, 0) + 1
    summary.update(getattr(checker, "index_totals", {}))  # every document, not every line
    report = CheckReport(
        ok=not problems,
        scope=client_number or "all",
        counts=checker.counts,
        problems=problems,
        summary=summary,
        repaired=repaired,
        audit_head=checker.head,
        seconds=round(time.monotonic() - started, 3),
    )
    _record(ctx, actor.username, report)
    return report


def _run(ctx: Context, client_number: str | None, progress: Progress | None) -> _Checker:
    checker = _Checker(ctx, client_number, progress)
    checker.load()
    checker.check_documents()
    checker.check_folders()
    checker.check_orphans()
    checker.check_permissions()
    checker.check_index()
    checker.check_audit()
    checker.check_volumes()
    from archivist.integrity import hygiene

    for finding in hygiene.duplicates(ctx, checker.scope_id):
        checker.add(**finding)
    scope = ctx.store.root
    if checker.scope_id is not None:
        with ctx.ledger.read() as conn:
            folder = conn.execute(
                select(clients_table.c.folder).where(clients_table.c.id == checker.scope_id)
            ).scalar()
        scope = scope / folder if folder else scope
    for finding in hygiene.symlinks(scope):
        checker.add(**finding)
    return checker


def _repair(ctx: Context, checker: _Checker) -> list[str]:
    from archivist.clients import records
    from archivist.core.store import DIR_MODE

    done: list[str] = []
    from archivist.clients.registry import get
    from archivist.integrity import chain
    from archivist.ledger import witness

    refresh: dict[int, str] = {}  # client id -> folder
    suspect = checker.replay.suspect_clients()
    tampered = bool(checker.replay.findings)
    held: set[str] = set()
    for p in checker.problems:
        if not p.repairable:
            continue
        if p.kind == "derived" and p.client:
            with ctx.ledger.read() as conn:
                c = get(conn, p.client)
            if checker.chain_broken or c.id in suspect:
                held.add(c.number)  # never launder a hand edit into the derived files
                continue
            refresh[c.id] = c.folder
        elif p.kind == "audit" and not checker.chain_broken and not tampered:
            seq, digest = chain.head_of(ctx)
            witness.write_head(ctx.home.witness_path, seq, digest)
            done.append(
                _("wrote the audit witness {witness_path} (event {seq})").format(
                    witness_path=ctx.home.witness_path, seq=seq
                )
            )
        elif p.kind == "index-leftover" and p.path:
            line = chain.remove_leftover(Path(p.path))
            if line:
                done.append(line)
        elif p.kind == "folder" and p.path:
            Path(p.path).mkdir(mode=DIR_MODE, exist_ok=True)
            done.append(_("created the missing folder {path}").format(path=p.path))
        elif p.kind == "temp" and p.path:
            path = Path(p.path)
            if path.name.startswith(TMP_PREFIX) and temp_is_stale(path):
                path.unlink(missing_ok=True)
                done.append(_("removed the stale temporary file {path}").format(path=p.path))
        elif p.kind == "unfinished" and p.path:
            moved = _quarantine(ctx, Path(p.path))
            if moved:
                done.append(
                    _("moved the unfinished filing's file {path} to {moved}").format(
                        path=p.path, moved=moved
                    )
                )
        elif p.kind == "permissions" and p.path:
            done.extend(_tighten(Path(p.path) if p.path != str(ctx.store.root) else ctx.store.root))
    for client_id, folder in sorted(refresh.items()):
        written = records.refresh(ctx, client_id)
        done.extend(
            f"rewrote {ctx.store.resolve(folder + '/' + rel)} from the ledger" for rel in written
        )
    for number in sorted(held):
        done.append(
            _("left the manifest and registers of client {number} alone: {value}").format(
                number=number,
                value="the audit trail is cut or broken"
                if checker.chain_broken
                else "ledger disagrees with the audit trail",
            )
        )
    done.extend(_repair_index(ctx, checker))
    return done


def _quarantine(ctx: Context, path: Path) -> Path | None:
    """Move a never-registered file out of the store into <home>/lost+found/, keeping its
    relative path. Done under the ledger's write lock, after checking again that no document
    row names the file, so a filing that is committing right now is never disturbed."""
    from archivist.core.store import DIR_MODE

    rel = ctx.store.relative(path)
    with ctx.ledger.write() as conn:
        if conn.execute(select(documents.c.id).where(documents.c.path == rel)).first():
            return None
        if not path.is_file():
            return None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = ctx.home.root / LOST_FOUND / stamp / rel
        target.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if target.exists():
            target = target.with_name(f"{target.name}.{os.urandom(3).hex()}")
        os.rename(path, target)
        audit.record(
            conn,
            ctx.actor.username,
            "archive.quarantine",
            "file",
            rel[-64:],
            None,
            path=rel,
            moved_to=str(target),
        )
    return target


def _tighten(path: Path) -> list[str]:
    """Remove every 'other' permission bit under (and on) path."""
    out = []
    targets: Iterable[Path] = [path]
    if path.is_dir() and path.name == "archive_store":
        targets = [path, *(Path(d) / f for d, ds, fs in os.walk(path) for f in ds + fs)]
    for t in targets:
        try:
            mode = os.lstat(t).st_mode
            if stat.S_ISLNK(mode) or not mode & 0o007:
                continue
            os.chmod(t, stat.S_IMODE(mode) & ~0o007)
            out.append(_("made {t} readable by owner and group only").format(t=t))
        except OSError:
            continue
    return out


def _repair_index(ctx: Context, checker: _Checker) -> list[str]:
    kinds = {"index-missing", "index-stale", "index-extra"}
    todo = [p for p in checker.problems if p.kind in kinds and p.repairable]
    if not todo:
        return []
    from archivist import search as idx

    suspect = checker.replay.suspect_documents()
    if checker.chain_broken or checker.replay.findings:
        # index only what the audit trail vouches for; no rebuild from a tampered ledger
        todo = [p for p in todo if p.document is not None and p.document not in suspect]
        if checker.chain_broken or not todo:
            return ["left the index alone: the ledger disagrees with the audit trail"]
    if any(p.document is None for p in todo) or len(todo) > 500:
        count = idx.rebuild(ctx)
        return [f"rebuilt the index at {ctx.home.index_dir} ({count} documents)"]
    numbers = sorted({p.document for p in todo if p.document})
    count = idx.reindex_documents(ctx, numbers)
    return [
        f"re-indexed {count} documents in {ctx.home.index_dir}: {', '.join(numbers[:20])}"
        + (" …" if len(numbers) > 20 else "")
    ]


def _record(ctx: Context, username: str, report: CheckReport) -> None:
    """Leave a trace of the verification in the audit trail (best effort: a check must still
    report on a ledger it cannot write)."""
    try:
        with ctx.ledger.write() as conn:
            audit.record(
                conn,
                username,
                "archive.repair" if report.repaired else "archive.check",
                "archive",
                report.scope,
                None,
                ok=report.ok,
                summary=report.summary,
                repaired=len(report.repaired),
                counts=report.counts,
            )
    except ArchivistError:
        pass


# ------------------------------------------------------------------------------ adopt
def adopt(
    ctx: Context,
    path: str | os.PathLike[str],
    client_number: str,
    section: str,
    title: str | None = None,
) -> Any:
    """File an orphan (a file inside archive_store/ that the ledger does not know) properly:
    it is filed under a new document number in the client's section through the normal filing
    path (numbered, checksummed, indexed, audited), the new file is verified against the
    orphan's checksum, and only then is the orphan removed. Returns the filed Document."""
    from archivist.clients import registry
    from archivist.core.errors import Conflict, InvalidInput, NotFound
    from archivist.filing import service as filing

    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("adopt orphan files"))
    raw = os.fspath(path)
    if "\x00" in raw:
        raise InvalidInput(_("the path contains a NUL character"))
    given = Path(raw)  # the shell expands ~; '~x' here is a name
    if not given.is_absolute():
        # relative to the current folder if it exists there, else to archive_store/
        given = given.absolute() if given.exists() else ctx.store.root / given
    if given.is_symlink():
        raise InvalidInput(
            _("{given} is a symbolic link").format(given=given), _("Adopt the file it points to.")
        )
    store_root = ctx.store.root.resolve()
    orphan = given.resolve()
    if store_root not in orphan.parents:
        raise InvalidInput(
            _("{given} is not inside the archive store {store_root}").format(
                given=given, store_root=store_root
            ),
            _("File documents from elsewhere with `archivist file add`."),
        )
    if not orphan.is_file():
        raise NotFound(
            _("no file {given}").format(given=given), _("See `archivist check` for the orphans.")
        )
    rel = ctx.store.relative(orphan)
    name = orphan.name
    if (
        is_litter(name)
        or name.startswith(TMP_PREFIX)
        or (orphan.parent == store_root and name in LEDGER_FILES)
    ):
        raise InvalidInput(
            _(
                "{orphan} is not a document (operating-system litter, a temp file or the ledger)"
            ).format(orphan=orphan)
        )
    with ctx.ledger.read() as conn:
        known = conn.execute(select(documents.c.number).where(documents.c.path == rel)).first()
        if known:
            raise Conflict(
                _("{orphan} is already filed as document {known}").format(
                    orphan=orphan, known=known[0]
                )
            )
        client = registry.get(conn, client_number)
        from archivist.clients import records

        derived = {f"{client.folder}/{r}" for r in records.expected(conn, client)}
        derived |= {
            f"{f}/manifest.json" for f in conn.execute(select(clients_table.c.folder)).scalars()
        }
    if rel in derived:
        raise InvalidInput(
            _("{orphan} is a derived record, not a document").format(orphan=orphan),
            _("Run `archivist check --repair` to rewrite it."),
        )
    digest = hash_file(orphan)
    doc = filing.file_path(ctx, client.number, orphan, section, title=title, source="adopted")
    filed_path = ctx.store.resolve(doc.path)
    if hash_file(filed_path) != digest or doc.checksum != digest:
        raise Conflict(
            _(
                "{orphan} changed while it was being adopted; it was filed as {number} and left where it was"
            ).format(orphan=orphan, number=doc.number),
            _("Compare the two and run `archivist check`."),
        )
    if filed_path != orphan:
        orphan.unlink()
    with ctx.ledger.write() as conn:
        audit.record(
            conn,
            actor.username,
            "document.adopt",
            "document",
            doc.number,
            client.id,
            orphan=rel,
            filed_as=doc.path,
            checksum=digest,
        )
    return doc
