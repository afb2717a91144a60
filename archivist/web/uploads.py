"""Uploaded files streamed to private temporary files on disk as they arrive, with a size limit:
a file part stops being written one byte past the limit (the library then refuses it as too
large, the other files of the request go on), and a request larger than the limit times the
number of files allowed is refused before it is read."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.formparsers import MultiPartException, MultiPartParser

from archivist.core.errors import InvalidInput
from archivist.core.i18n import _

MAX_FILES = 50


class TooLarge(Exception):
    """The whole request is larger than any allowed upload (answered 413)."""


@dataclass
class Upload:
    name: str
    path: Path


class _DiskParser(MultiPartParser):
    """Starlette's parser, with each file part written to a named file in `directory` (0600)
    and cut off one byte past `limit`."""

    def __init__(self, request: Request, directory: Path, limit: int) -> None:
        super().__init__(
            request.headers,
            request.stream(),
            max_files=MAX_FILES,
            max_fields=200,
            max_part_size=256 * 1024,
        )
        self.directory = directory
        self.limit = limit
        self.sizes: dict[int, int] = {}
        self.paths: dict[int, Path] = {}

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        upload = self._current_part.file
        if upload is None:
            return
        upload.file.close()
        handle = tempfile.NamedTemporaryFile(dir=self.directory, delete=False)  # noqa: SIM115
        upload.file = handle  # type: ignore[assignment]
        self.paths[id(upload)] = Path(handle.name)
        self.sizes[id(upload)] = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        upload = self._current_part.file
        if upload is None:
            super().on_part_data(data, start, end)
            return
        room = self.limit + 1 - self.sizes[id(upload)]
        if room <= 0:
            return  # over the limit: the rest is dropped, the library refuses the file
        end = min(end, start + room)
        self.sizes[id(upload)] += end - start
        super().on_part_data(data, start, end)


@contextlib.contextmanager
def receive(request: Request, limit: int) -> Iterator[Any]:
    """Yield an `async` function giving (fields, uploads) of a multipart form; the temporary
    files are removed when the block ends."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > (limit + 65536) * MAX_FILES:
        raise TooLarge()
    directory = Path(tempfile.mkdtemp(prefix="archivist-upload-"))

    async def parse() -> tuple[dict[str, str], list[Upload]]:
        parser = _DiskParser(request, directory, limit)
        try:
            form = await parser.parse()
        except MultiPartException as exc:  # too many files, a malformed body
            raise InvalidInput(
                _("the upload could not be read: {reason}").format(reason=exc.message),
                _("Send at most {n} files at once.").format(n=MAX_FILES),
            ) from None
        fields: dict[str, str] = {}
        uploads: list[Upload] = []
        for key, value in form.multi_items():
            if isinstance(value, str):
                fields[key] = value
                continue
            value.file.close()
            path = parser.paths.get(id(value))
            if path is not None and value.filename:
                uploads.append(Upload(value.filename, path))
        return fields, uploads

    try:
        yield parse
    finally:
        shutil.rmtree(directory, ignore_errors=True)
