"""PDF copies of generated documents through LibreOffice in headless mode.

One conversion at a time (a lock file shared by every archivist process on the machine), each
in a fresh temporary LibreOffice profile (a stale or shared profile makes soffice hang or
refuse), with a time limit after which the whole soffice process group is killed. The shipped
templates name their East Asian font (Noto Serif/Sans CJK TC), so install `fonts-noto-cjk` for
Chinese to come out in that font rather than another CJK font or boxes."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from archivist.core.errors import TemplateError
from archivist.core.i18n import _

INSTALL_HINT = (
    "install LibreOffice for --pdf: `sudo apt-get install --no-install-recommends "
    "libreoffice-writer-nogui fonts-noto-cjk` (or put `soffice` on PATH)"
)
DEFAULT_TIMEOUT = 120.0
_thread_lock = threading.Lock()


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    found = (
        os.environ.get("ARCHIVIST_SOFFICE")
        or shutil.which("soffice")
        or shutil.which("libreoffice")
    )
    return found if found and Path(found).exists() else None


@contextlib.contextmanager
def _one_at_a_time() -> Iterator[None]:
    import fcntl

    lock_path = Path(tempfile.gettempdir()) / f"archivist-soffice-{os.getuid()}.lock"
    with _thread_lock:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def convert_many(
    docs: list[tuple[str, bytes]], timeout: float = DEFAULT_TIMEOUT
) -> dict[str, bytes]:
    """Convert several .docx at once (one soffice start): {name: pdf bytes}. Names must be
    distinct file stems. Raises TemplateError when soffice is missing, fails or times out."""
    exe = soffice()
    if exe is None:
        raise TemplateError(
            _("LibreOffice (soffice) is not installed"),
            INSTALL_HINT[0].upper() + INSTALL_HINT[1:] + ".",
        )
    if not docs:
        return {}
    with _one_at_a_time(), tempfile.TemporaryDirectory(prefix="archivist-pdf-") as tmp:
        work = Path(tmp)
        src_dir, out_dir, profile = work / "in", work / "out", work / "profile"
        for d in (src_dir, out_dir, profile):
            d.mkdir()
        inputs = []
        for i, (_name, data) in enumerate(docs):
            p = src_dir / f"doc{i:05d}.docx"
            p.write_bytes(data)
            inputs.append(str(p))
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            *inputs,
        ]
        env = {**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=work,
            start_new_session=True,
        )
        try:
            _out, err = proc.communicate(timeout=timeout * max(1, len(docs) ** 0.5))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise TemplateError(
                _(
                    "LibreOffice took longer than {timeout:.0f} s to convert to PDF and was stopped"
                ).format(timeout=timeout),
                _("The .docx was still produced."),
            ) from None
        finally:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # leftovers of soffice's process tree
        result = {}
        for i, (name, _data) in enumerate(docs):
            pdf = out_dir / f"doc{i:05d}.pdf"
            if not pdf.is_file() or pdf.stat().st_size == 0:
                detail = " ".join(err.decode("utf-8", "replace").split())[:200]
                raise TemplateError(
                    _("LibreOffice did not produce a PDF for {name}{value}").format(
                        name=name, value=f" ({detail})" if detail else ""
                    ),
                    _("The .docx was still produced."),
                )
            result[name] = pdf.read_bytes()
        return result


def convert(data: bytes, name: str = "document", timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """One .docx to PDF bytes."""
    return convert_many([(name, data)], timeout)[name]
