"""`file import`: file a whole folder tree.

Idempotent and resumable: a file whose SHA-256 is already filed for that client is skipped (and
reported), so running the same import again after an interruption files only what is left.
Extraction runs in parallel on the available cores; filing (numbering, ledger, store) stays in
this process, one ledger transaction per batch of files (each file still all or nothing: see
`filing.service.file_batch`), and the index is written in batches of its own. The ledger is the
truth: a crash after a batch commits and before its index commit leaves documents that
`index status`/`check` report missing from the index and `index rebuild` restores."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from archivist.clients import registry
from archivist.core.context import Context
from archivist.core.errors import AlreadyFiled, ArchivistError, InvalidInput, NotFound
from archivist.core.safenames import lossless
from archivist.core.store import TMP_PREFIX, is_litter, sha256_file
from archivist.filing import service as filing
from archivist.filing.extract import Limits, extract_file
from archivist.filing.extract.parallel import MIN_FOR_POOL as MIN_POOL
from archivist.filing.extract.parallel import make_pool
from archivist.ledger.tables.documents import documents
from archivist.models import Document, Extraction, ImportItem, ImportSummary, Role, Section

# documents per ledger transaction (see filing.service.file_batch), or fewer when extraction is
# slow, so the report moves and the write lock is never held long
FILE_BATCH = 64
FILE_BATCH_S = 1.0
INDEX_BATCH = 500  # documents per index commit (Whoosh pays per commit and per new term)
INDEX_BATCH_CHARS = 50_000_000  # ... or fewer, so the text held in memory stays bounded
Progress = Callable[[int, int], None]


@dataclass
class Planned:
    path: Path
    rel: str
    client: str
    section: str
    matter: str | None = None
    title: str | None = None


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not is_litter(d) and not d.startswith("."))
        for name in sorted(filenames):
            if is_litter(name) or name.startswith(TMP_PREFIX):
                continue
            p = Path(dirpath) / name
            if p.is_file() and not p.is_symlink():
                yield p


def read_map(root: Path, map_csv: Path) -> Iterator[Planned | ImportItem]:
    """Rows of a map CSV: path (relative to the folder), client, section, [matter], [title],
    read one at a time (the header is checked before the first row is given)."""
    from archivist.filing.extract.text import decode

    try:
        raw = map_csv.read_bytes()
    except OSError as exc:
        raise NotFound(f"cannot read the map {map_csv}: {exc.strerror or exc}") from None
    text, _enc, _clean = decode(raw)
    del raw
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    cols = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    for need in ("path", "client", "section"):
        if need not in cols:
            raise InvalidInput(
                f"the map {map_csv.name} has no {need!r} column",
                "Its header must be: path,client,section[,matter][,title].",
            )
    return _map_rows(root, reader, cols)


def _map_rows(root: Path, reader: Any, cols: dict[str, str]) -> Iterator[Planned | ImportItem]:
    top = root.resolve()
    for row in reader:

        def get(key: str, row: dict[str, str] = row) -> str | None:
            col = cols.get(key)
            value = (row.get(col) or "").strip() if col else ""
            return value or None

        rel = get("path")
        if not rel:
            continue
        path = (root / rel).resolve()
        if top not in path.parents:
            yield ImportItem(
                path=rel, outcome="failed", reason="the path is outside the imported folder"
            )
            continue
        yield Planned(
            path=path,
            rel=rel,
            client=get("client") or "",
            section=get("section") or "",
            matter=get("matter"),
            title=get("title"),
        )


class _Report:
    """Counts every outcome; keeps the items a user must look at (skipped, flagged, failed)
    and, only when asked (`--json`), the filed ones too: memory does not grow with the size of
    an import otherwise."""

    def __init__(
        self,
        summary: ImportSummary,
        keep_filed: bool,
        on_item: Callable[[ImportItem], None] | None = None,
    ):
        self.summary = summary
        self.keep_filed = keep_filed
        self.on_item = on_item
        self.clients: set[str] = set()  # clients given new documents (manifests to refresh)

    def __call__(self, item: ImportItem) -> None:
        s = self.summary
        if item.outcome in ("filed", "flagged", "would-file"):
            s.filed += 1
            if item.outcome == "flagged":
                s.flagged += 1
            if item.outcome != "would-file" and item.client:
                self.clients.add(item.client)
        elif item.outcome in ("skipped", "would-skip"):
            s.skipped += 1
        elif item.outcome == "failed":
            s.failed += 1
        if self.keep_filed or item.outcome not in ("filed", "would-file"):
            s.items.append(item)
        if self.on_item is not None:
            self.on_item(item)


@dataclass
class _Client:
    number: str
    id: int


def import_tree(
    ctx: Context,
    directory: Path | str,
    *,
    client: str | None = None,
    section: str | None = None,
    matter: str | None = None,
    map_csv: Path | str | None = None,
    dry_run: bool = False,
    again: bool = False,
    progress: Progress | None = None,
    keep_filed: bool = True,
    on_item: Callable[[ImportItem], None] | None = None,
) -> ImportSummary:
    """File every file of `directory` (to one client and section, or as `map_csv` says).
    The files are read, checked, filed and reported one at a time: `on_item` is given each
    item as it is decided; `keep_filed=False` leaves the filed files out of `items` (the counts
    still have them). A file the client already has is skipped, unless `again`: then it is
    filed as a second copy."""
    ctx.require(Role.ARCHIVIST, Role.HEAD, action="import documents")
    root = Path(directory)
    if not root.is_dir():
        raise NotFound(f"no folder {str(directory)[:200]!r}", "Give the folder to import.")
    if map_csv is None and not (client and section):
        raise InvalidInput("say where the files go", "Pass --client and --section, or --map.")

    def plan() -> Iterator[Planned | ImportItem]:
        if map_csv is not None:
            return read_map(root, Path(map_csv))
        assert client and section
        return (
            Planned(
                path=p,
                rel=lossless(p.relative_to(root).as_posix()),
                client=client,
                section=section,
                matter=matter,
            )
            for p in _walk(root)
        )

    planned = plan()  # reads the map now: a bad header fails before anything is filed
    total = sum(1 for _ in plan())
    summary = ImportSummary(dry_run=dry_run)
    report = _Report(summary, keep_filed, on_item)
    checked = _checked(ctx, planned, report, again)
    if dry_run:
        seen: set[tuple[int, str]] = set()
        for item, who, digest in checked:
            if (who.id, digest) in seen and not again:
                report(
                    ImportItem(
                        path=item.rel,
                        outcome="would-skip",
                        client=who.number,
                        reason="the same file is earlier in this import",
                    )
                )
                continue
            seen.add((who.id, digest))
            report(ImportItem(path=item.rel, outcome="would-file", client=who.number))
    else:
        _file_all(ctx, checked, total, report, progress, again)
    return summary


def _checked(
    ctx: Context, plan: Iterator[Planned | ImportItem], report: _Report, again: bool = False
) -> Iterator[tuple[Planned, _Client, str]]:
    """The planned files that can be filed, with their client and SHA-256; the others are
    reported (unknown client or section, missing, unreadable, or already filed)."""
    clients: dict[str, _Client | None] = {}

    def lookup(number: str) -> _Client | None:
        if number not in clients:
            with ctx.ledger.read() as conn:
                try:
                    c = registry.get(conn, number)
                except NotFound:
                    clients[number] = None
                else:
                    clients[number] = _Client(c.number, c.id)
        return clients[number]

    for item in plan:
        if isinstance(item, ImportItem):
            report(item)
            continue
        problem = None
        who = lookup(item.client)
        if who is None:
            problem = f"no client {item.client!r}"
        else:
            try:
                Section(item.section)
            except ValueError:
                problem = f"unknown section {item.section!r}"
        if problem is None and not item.path.is_file():
            problem = "the file does not exist"
        if problem:
            report(ImportItem(path=item.rel, outcome="failed", client=item.client, reason=problem))
            continue
        assert who is not None
        try:
            digest = sha256_file(item.path)
        except OSError as exc:
            report(
                ImportItem(
                    path=item.rel,
                    outcome="failed",
                    client=who.number,
                    reason=f"cannot read: {exc.strerror or exc}",
                )
            )
            continue
        if not again and _skip_filed(ctx, item, who, digest, report):
            continue
        item.client = who.number
        yield item, who, digest


def _skip_filed(ctx: Context, item: Planned, who: _Client, digest: str, report: _Report) -> bool:
    """Report and skip a file whose checksum the client already has filed."""
    with ctx.ledger.read() as conn:
        already = conn.execute(
            select(documents.c.number)
            .where(documents.c.client_id == who.id, documents.c.checksum == digest)
            .limit(1)
        ).scalar()
    if already is None:
        return False
    report(
        ImportItem(
            path=item.rel,
            outcome="would-skip" if report.summary.dry_run else "skipped",
            document=already,
            client=who.number,
            reason=f"already filed as {already} (same checksum)",
        )
    )
    return True


def _extractions(
    todo: Iterator[tuple[Planned, _Client, str]], limits: Limits, pool: Any
) -> Iterator[tuple[Planned, _Client, str, Extraction]]:
    """The checked files with their extraction, in order; with a pool, the next files are
    extracted while this process files and indexes the previous ones."""
    if pool is None:
        for item, who, digest in todo:
            yield item, who, digest, extract_file(item.path, item.path.name, limits)
        return
    from concurrent.futures.process import BrokenProcessPool

    from archivist.filing.extract.parallel import _work, retry_isolated, workers

    ahead = 4 * workers()
    window: deque[tuple[tuple[Planned, _Client, str], Any]] = deque()
    pools = [pool]

    def submit() -> None:
        nxt = next(todo, None)
        if nxt is None:
            return
        path = nxt[0].path
        try:
            fut = pools[-1].submit(_work, str(path), path.name, limits, None)
        except (BrokenProcessPool, RuntimeError):  # a worker died: carry on with a new pool
            pools.append(make_pool(MIN_POOL))
            fut = pools[-1].submit(_work, str(path), path.name, limits, None)
        window.append((nxt, fut))

    try:
        for _ in range(ahead):
            submit()
        while window:
            (item, who, digest), fut = window.popleft()
            try:
                result = fut.result()
            except BrokenProcessPool:
                result = retry_isolated(str(item.path), item.path.name, limits)
            submit()
            yield item, who, digest, result
    finally:
        for extra in pools[1:]:
            extra.shutdown(cancel_futures=True)


def _file_all(
    ctx: Context,
    todo: Iterator[tuple[Planned, _Client, str]],
    total: int,
    report: _Report,
    progress: Progress | None,
    again: bool = False,
) -> None:
    limits = Limits.from_settings(ctx.settings)
    pool = make_pool(total)
    if progress:
        progress(0, total)
    texts: list[tuple[Document, str]] = []
    batch: list[tuple[Planned, Extraction]] = []
    state = {"chars": 0, "shown": 0}
    started = 0.0

    def file_batch() -> None:
        results = filing.file_batch(
            ctx,
            [
                filing.BatchItem(
                    client_number=item.client,
                    path=item.path,
                    section=item.section,
                    extraction=ext,
                    title=item.title,
                    matter_number=item.matter,
                    source="imported",
                    again=again,
                )
                for item, ext in batch
            ],
        )
        for (item, ext), result in zip(batch, results, strict=True):
            if isinstance(result, AlreadyFiled):
                # filed earlier in this import, or by another process meanwhile: the write
                # transaction decided, so only one of two concurrent imports files it
                report(
                    ImportItem(
                        path=item.rel,
                        outcome="skipped",
                        document=result.document,
                        client=item.client,
                        reason=f"already filed as {result.document} (same checksum)",
                    )
                )
            elif isinstance(result, ArchivistError):
                report(
                    ImportItem(
                        path=item.rel, outcome="failed", client=item.client, reason=str(result)
                    )
                )
            else:
                texts.append((result, ext.text))
                state["chars"] += len(ext.text)
                report(
                    ImportItem(
                        path=item.rel,
                        outcome="flagged" if result.flag else "filed",
                        document=result.number,
                        client=result.client_number,
                        reason=f"{result.flag}: {result.flag_reason}" if result.flag else None,
                    )
                )
        batch.clear()
        if len(texts) >= INDEX_BATCH or state["chars"] > INDEX_BATCH_CHARS:
            _flush(ctx, texts, refresh=False)
            state["chars"] = 0
        s = report.summary
        done = s.filed + s.failed + s.skipped
        if progress and done - state["shown"] >= 16:
            progress(done, total)
            state["shown"] = done

    try:
        for item, _who, _digest, ext in _extractions(todo, limits, pool):
            if not batch:
                started = time.monotonic()
            batch.append((item, ext))
            if len(batch) >= FILE_BATCH or time.monotonic() - started > FILE_BATCH_S:
                file_batch()
        if batch:
            file_batch()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        _flush(ctx, texts, refresh=False)
        for number in sorted(report.clients):
            with ctx.ledger.read() as conn:
                cid = registry.get(conn, number).id
            with contextlib.suppress(ArchivistError):  # `check --repair` rewrites them
                registry.refresh_manifest(ctx, cid)
    if progress:
        progress(total, total)


def _flush(ctx: Context, texts: list[tuple[Document, str]], refresh: bool) -> None:
    if texts:
        filing._after(ctx, list(texts), refresh=refresh)
        texts.clear()
