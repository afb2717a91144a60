"""Writing a generated file (report, letter, export) to a path the user chose: temp file, fsync,
rename; an existing file is replaced only when asked, and never one inside the home's own data
(store, ledger, index, settings, templates), with or without --force."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archivist.core.errors import Conflict, InvalidInput, StorageError
from archivist.core.home import TEMPLATES_DIR
from archivist.core.i18n import _

if TYPE_CHECKING:
    from archivist.core.home import Home


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def refuse_home_data(target: str | Path, home: Home | None) -> None:
    """InvalidInput if `target` (after following links) lies in the home's own data: the
    archive store and ledger, the index, archivist.toml or the added templates. Every command
    that writes a path the user chose calls this (through check_target) first."""
    if home is None:
        return
    path = _real(Path(target))
    protected = [
        home.store_dir,
        home.ledger_path,
        home.index_dir,
        home.config_path,
        home.root / TEMPLATES_DIR,
    ]
    for area in protected:
        real = _real(area)
        if path == real or real in path.parents:
            raise InvalidInput(
                _("{target} is inside the archive's own data ({name})").format(
                    target=target, name=area.name
                ),
                _(
                    "Write it outside archive_store/, index/, templates/ and archivist.toml; nothing was written."
                ),
            )


def check_target(target: str | Path, *, home: Home | None, overwrite: bool = False) -> Path:
    """Refuse a target that cannot or must not be written (call before the work). `home`: the
    home whose data must not be written (None only where no home is in use)."""
    refuse_home_data(target, home)
    path = Path(target)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InvalidInput(
            _("folder {directory} does not exist").format(directory=directory),
            _("Create it or choose another --out path."),
        )
    if path.is_dir():
        raise InvalidInput(
            _("{path} is a folder").format(path=path), _("Give a file name, e.g. report.docx.")
        )
    if path.exists() and not overwrite:
        raise Conflict(
            _("{path} already exists").format(path=path),
            _("Choose another --out path or pass --force."),
        )
    return path


def write_atomic(
    target: str | Path, data: bytes, *, home: Home | None, overwrite: bool = False
) -> Path:
    path = check_target(target, home=home, overwrite=overwrite)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=directory)
    except OSError as exc:
        raise StorageError(
            _("could not write in {directory}: {value}").format(
                directory=directory, value=exc.strerror or exc
            )
        ) from None
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
        raise StorageError(
            _("could not write {path}: {value}").format(path=path, value=exc.strerror or exc)
        ) from None
    return path


# ------------------------------------------------------------------------------ spreadsheets
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A cell value a spreadsheet shows as text, never runs: text starting with = + - @, tab or
    CR (a client's name '=HYPERLINK(...)', a purpose '@SUM(...)') gets a leading apostrophe.
    Every CSV or XLSX writer passes each cell through this."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file for spreadsheets (UTF-8 with BOM, CRLF), every cell made safe."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([spreadsheet_cell(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")
