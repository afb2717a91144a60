"""Writing a generated file (report, letter) to a path the user chose: temp file, fsync,
rename; an existing file is replaced only when asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from archivist.errors import Conflict, InvalidInput, StorageError


def check_target(target: str | Path, *, overwrite: bool = False) -> Path:
    """Refuse a target that cannot or must not be written (call before the work)."""
    path = Path(target)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InvalidInput(f"folder {directory} does not exist",
                           "Create it or choose another --out path.")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder", "Give a file name, e.g. report.docx.")
    if path.exists() and not overwrite:
        raise Conflict(f"{path} already exists", "Choose another --out path or pass --force.")
    return path


def write_atomic(target: str | Path, data: bytes, *, overwrite: bool = False) -> Path:
    path = check_target(target, overwrite=overwrite)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=directory)
    except OSError as exc:
        raise StorageError(f"could not write in {directory}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # an ordinary file for the user, not mkstemp's 0600
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StorageError(f"could not write {path}: {exc.strerror or exc}") from None
    return path
