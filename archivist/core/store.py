"""The archive folders on disk.

    archive_store/<class>/<number> <name>/
        manifest.json
        01 基本信息/  02 法律服務合同/  03 案件材料/  04 律師工作記錄/  05 投訴處理記錄/

Files arrive by write-to-temp, fsync, rename (never over an existing file) and are checksummed
with SHA-256 as they are written. Folders and files are readable by owner and group only."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from archivist.core.errors import Conflict, InvalidInput, StorageError
from archivist.models import SECTION_FOLDERS, Section

DIR_MODE = 0o750
FILE_MODE = 0o640
CHECKSUM_ALGO = "sha256"
MANIFEST = "manifest.json"
TMP_PREFIX = ".tmp-"
CHUNK = 1024 * 1024

# Operating-system litter that is never an orphan document.
LITTER_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini", "@eaDir", ".directory", "Icon\r"}
LITTER_PREFIXES = (".nfs", "~$", "._")


def is_litter(name: str) -> bool:
    return name in LITTER_NAMES or name.startswith(LITTER_PREFIXES)


def _os_error(exc: OSError, what: str) -> StorageError:
    if exc.errno == errno.ENOSPC:
        return StorageError(f"the disk is full while writing {what}", "Free space and retry.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageError(
            f"the archive store is not writable ({what})",
            "Check that archive_store/ is mounted read-write and owned by you.",
        )
    return StorageError(f"could not write {what}: {exc.strerror or exc}")


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Store:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # ------------------------------------------------------------------ paths
    def resolve(self, relative: str) -> Path:
        """The absolute path of a stored relative path; refuses anything outside the store."""
        if "\x00" in relative:
            raise InvalidInput("a stored path contains a NUL character")
        path = (self.root / relative).resolve()
        root = self.root.resolve()
        if path != root and root not in path.parents:
            raise InvalidInput(f"path {relative[:80]!r} is outside the archive store")
        return path

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def section_dir(self, folder: str, section: Section | str) -> Path:
        """The section folder to file into; refused when it (or its client folder) is a
        symbolic link, which could send a filed document out of the store."""
        path = self.root / folder / SECTION_FOLDERS[Section(section)]
        for p in (path.parent, path):
            if p.is_symlink():
                raise StorageError(
                    f"{p} is a symbolic link; nothing was filed",
                    "The store holds only real folders: see `archivist check`.",
                )
        return self.resolve(folder) / SECTION_FOLDERS[Section(section)]

    # ------------------------------------------------------------------ folders
    def create_client_folder(self, folder: str) -> Path:
        """Make the client's folder with its five sections. An existing folder is accepted only
        if it holds nothing but an empty skeleton (left by an add that was interrupted)."""
        path = self.resolve(folder)
        try:
            if path.exists():
                leftovers = [
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.name != MANIFEST and not is_litter(p.name)
                ]
                if leftovers:
                    raise Conflict(
                        f"folder {path} already exists and holds files",
                        "Run `archivist check` to see what it is.",
                    )
            path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            path.mkdir(mode=DIR_MODE, exist_ok=True)
            for name in SECTION_FOLDERS.values():
                (path / name).mkdir(mode=DIR_MODE, exist_ok=True)
        except OSError as exc:
            raise _os_error(exc, f"folder {path}") from None
        return path

    def remove_empty_skeleton(self, folder: str) -> None:
        """Undo create_client_folder after a failed add (only if nothing was filed in it)."""
        path = self.resolve(folder)
        if not path.is_dir():
            return
        for p in path.rglob("*"):
            if p.is_file() and p.name != MANIFEST:
                return
        shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # the class folder, if now empty

    # ------------------------------------------------------------------ files
    def write_stream(
        self, target: Path, source: BinaryIO, max_bytes: int | None = None, sync: bool = True
    ) -> tuple[int, str]:
        """Copy `source` to `target` atomically; never overwrites. Returns (size, sha256).
        `sync=False` leaves the fsync of the file and its folder to the caller (`sync_files`,
        once for a batch, before the ledger commit that records them)."""
        target.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        tmp = target.parent / f"{TMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
        digest = hashlib.sha256()
        size = 0
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise InvalidInput(
                            f"the file is larger than {max_bytes // 2**20} MB",
                            "Raise limits.max_file_mb in archivist.toml.",
                        )
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                if sync:
                    os.fsync(out.fileno())
            os.chmod(tmp, FILE_MODE)
            try:
                os.link(tmp, target)  # fails if target exists: nothing is ever overwritten
            except FileExistsError:
                raise Conflict(f"{target} already exists", "Nothing was overwritten.") from None
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                    raise
                if target.exists():
                    raise Conflict(f"{target} already exists", "Nothing was overwritten.") from None
                os.rename(tmp, target)
            if sync:
                _fsync_dir(target.parent)
        except OSError as exc:
            raise _os_error(exc, str(target)) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return size, digest.hexdigest()

    @staticmethod
    def sync_files(paths: list[Path]) -> None:
        """Make files written with `sync=False` durable, with their folders. The fsyncs run
        side by side: the file system commits them together (on ext4 a batch of 100 small
        files took 1 ms a file instead of 5-8 ms one after another)."""
        if not paths:
            return
        from concurrent.futures import ThreadPoolExecutor

        def one(path: Path) -> None:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

        folders = sorted({p.parent for p in paths})
        try:
            with ThreadPoolExecutor(max_workers=min(16, len(paths))) as pool:
                list(pool.map(one, paths))
                list(pool.map(_fsync_dir, folders))
        except OSError as exc:
            raise _os_error(exc, str(paths[0])) from None

    def write_bytes(self, target: Path, data: bytes) -> tuple[int, str]:
        import io

        return self.write_stream(target, io.BytesIO(data))

    def replace_derived(self, target: Path, text: str) -> None:
        """Write a derived file (manifest, registers) atomically, replacing the old one."""
        target.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        tmp = target.parent / f"{TMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        except OSError as exc:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise _os_error(exc, str(target)) from None

    def write_manifest(self, folder: str, manifest: dict[str, Any]) -> Path:
        path = self.resolve(folder) / MANIFEST
        self.replace_derived(
            path,
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n",
        )
        return path

    def read_manifest(self, folder: str) -> dict[str, Any] | None:
        path = self.resolve(folder) / MANIFEST
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def unique_target(self, directory: Path, filename: str) -> Path:
        """A path in `directory` for `filename` that does not exist yet (adds ' (2)', ...)."""
        target = directory / filename
        if not target.exists():
            return target
        stem, dot, ext = filename.rpartition(".")
        if not dot:
            stem, ext = filename, ""
        for i in range(2, 10_000):
            candidate = directory / (f"{stem} ({i}).{ext}" if ext else f"{stem} ({i})")
            if not candidate.exists():
                return candidate
        raise Conflict(f"too many files named {filename} in {directory}")

    def iter_files(self, folder: str | None = None) -> Iterator[Path]:
        """Every regular file under the store (or one client folder), litter and temp skipped."""
        base = self.resolve(folder) if folder else self.root
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not is_litter(d))
            for name in sorted(filenames):
                if is_litter(name):
                    continue
                yield Path(dirpath) / name


def sha256_file(path: Path) -> str:
    return hash_file(path, "sha256")


def hash_file(path: Path, algo: str = "sha256") -> str:
    """The hex digest of a file, read in chunks: the one file hasher (checks, backups, filing)."""
    digest = hashlib.new(algo)
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
