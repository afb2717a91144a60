"""`file import`: file a whole folder tree.

Idempotent and resumable: a file whose SHA-256 is already filed for that client is skipped (and
reported), so running the same import again after an interruption files only what is left.
Extraction runs in parallel on the available cores; filing (numbering, ledger, store) stays in
this process, one transaction per document, and the index is written in batches."""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from archivist import filing, registry
from archivist.context import Context
from archivist.errors import ArchivistError, InvalidInput, NotFound
from archivist.extract import Limits, extract_file
from archivist.extract.parallel import MIN_FOR_POOL as MIN_POOL
from archivist.extract.parallel import make_pool
from archivist.ledger.tables.documents import documents
from archivist.models import Document, Extraction, ImportItem, ImportSummary, Role, Section
from archivist.store import TMP_PREFIX, is_litter, sha256_file

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


def read_map(root: Path, map_csv: Path) -> list[Planned | ImportItem]:
    """Rows of a map CSV: path (relative to the folder), client, section, [matter], [title]."""
    from archivist.extract.text import decode

    try:
        raw = map_csv.read_bytes()
    except OSError as exc:
        raise NotFound(f"cannot read the map {map_csv}: {exc.strerror or exc}") from None
    text, _enc, _clean = decode(raw)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    cols = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    for need in ("path", "client", "section"):
        if need not in cols:
            raise InvalidInput(f"the map {map_csv.name} has no {need!r} column",
                               "Its header must be: path,client,section[,matter][,title].")
    out: list[Planned | ImportItem] = []
    for row in reader:
        def get(key: str, row: dict[str, str] = row) -> str | None:
            col = cols.get(key)
            value = (row.get(col) or "").strip() if col else ""
            return value or None

        rel = get("path")
        if not rel:
            continue
        path = (root / rel).resolve()
        if root.resolve() not in path.parents:
            out.append(ImportItem(path=rel, outcome="failed",
                                  reason="the path is outside the imported folder"))
            continue
        out.append(Planned(path=path, rel=rel, client=get("client") or "",
                           section=get("section") or "", matter=get("matter"),
                           title=get("title")))
    return out


def import_tree(ctx: Context, directory: Path | str, *, client: str | None = None,
                section: str | None = None, matter: str | None = None,
                map_csv: Path | str | None = None, dry_run: bool = False,
                progress: Progress | None = None) -> ImportSummary:
    ctx.require(Role.ARCHIVIST, Role.HEAD, action="import documents")
    root = Path(directory)
    if not root.is_dir():
        raise NotFound(f"no folder {str(directory)[:200]!r}", "Give the folder to import.")
    if map_csv is None and not (client and section):
        raise InvalidInput("say where the files go", "Pass --client and --section, or --map.")
    if map_csv is not None:
        plan = read_map(root, Path(map_csv))
    else:
        assert client and section
        plan = [Planned(path=p, rel=p.relative_to(root).as_posix(), client=client,
                        section=section, matter=matter) for p in _walk(root)]
    summary = ImportSummary(dry_run=dry_run)
    existing: dict[str, tuple[str, dict[str, str]] | None] = {}

    def client_key(number: str) -> tuple[str, dict[str, str]] | None:
        if number not in existing:
            with ctx.ledger.read() as conn:
                try:
                    c = registry.get(conn, number)
                except NotFound:
                    existing[number] = None
                    return None
                existing[number] = (c.number, {r.checksum: r.number for r in conn.execute(
                    select(documents.c.checksum, documents.c.number).where(
                        documents.c.client_id == c.id))})
        return existing[number]

    todo: list[Planned] = []
    for item in plan:
        if isinstance(item, ImportItem):
            summary.items.append(item)
            continue
        problem = None
        known = client_key(item.client)
        if known is None:
            problem = f"no client {item.client!r}"
        else:
            try:
                Section(item.section)
            except ValueError:
                problem = f"unknown section {item.section!r}"
        if problem is None and not item.path.is_file():
            problem = "the file does not exist"
        if problem:
            summary.items.append(ImportItem(path=item.rel, outcome="failed", client=item.client,
                                            reason=problem))
            continue
        assert known is not None
        try:
            digest = sha256_file(item.path)
        except OSError as exc:
            summary.items.append(ImportItem(path=item.rel, outcome="failed", client=known[0],
                                            reason=f"cannot read: {exc.strerror or exc}"))
            continue
        already = known[1].get(digest)
        if already:
            summary.items.append(ImportItem(
                path=item.rel, outcome="would-skip" if dry_run else "skipped",
                document=already, client=known[0],
                reason=f"already filed as {already} (same checksum)"))
            continue
        known[1][digest] = "(this import)"
        item.client = known[0]
        if dry_run:
            summary.items.append(ImportItem(path=item.rel, outcome="would-file",
                                            client=known[0]))
        else:
            todo.append(item)
    if not dry_run:
        _file_all(ctx, todo, summary, progress)
    for it in summary.items:
        if it.outcome in ("filed",):
            summary.filed += 1
        elif it.outcome == "flagged":
            summary.filed += 1
            summary.flagged += 1
        elif it.outcome in ("skipped", "would-skip"):
            summary.skipped += 1
        elif it.outcome == "failed":
            summary.failed += 1
        elif it.outcome == "would-file":
            summary.filed += 1
    return summary


def _extractions(todo: list[Planned], limits: Limits, pool: Any) -> Iterator[Extraction]:
    """Extractions in order; with a pool, the next files are extracted while this process
    files and indexes the previous ones."""
    if pool is None:
        for item in todo:
            yield extract_file(item.path, item.path.name, limits)
        return
    from concurrent.futures.process import BrokenProcessPool

    from archivist.extract.parallel import _work, retry_isolated, workers

    ahead = 4 * workers()
    items = iter(todo)
    window: deque[tuple[Planned, Any]] = deque()
    pools = [pool]

    def submit() -> None:
        nxt = next(items, None)
        if nxt is None:
            return
        try:
            fut = pools[-1].submit(_work, str(nxt.path), nxt.path.name, limits, None)
        except (BrokenProcessPool, RuntimeError):  # a worker died: carry on with a new pool
            pools.append(make_pool(MIN_POOL))
            fut = pools[-1].submit(_work, str(nxt.path), nxt.path.name, limits, None)
        window.append((nxt, fut))

    try:
        for _ in range(ahead):
            submit()
        while window:
            item, fut = window.popleft()
            try:
                result = fut.result()
            except BrokenProcessPool:
                result = retry_isolated(str(item.path), item.path.name, limits)
            submit()
            yield result
    finally:
        for extra in pools[1:]:
            extra.shutdown(cancel_futures=True)


def _file_all(ctx: Context, todo: list[Planned], summary: ImportSummary,
              progress: Progress | None) -> None:
    limits = Limits.from_settings(ctx.settings)
    pool = make_pool(len(todo))
    done = 0
    if progress:
        progress(0, len(todo))
    texts: list[tuple[Document, str]] = []
    pending_chars = 0
    try:
        for item, ext in zip(todo, _extractions(todo, limits, pool), strict=True):
            try:
                doc = filing.file_path(ctx, item.client, item.path, item.section,
                                       title=item.title, matter_number=item.matter,
                                       source="imported", extraction=ext, index=False,
                                       refresh=False, texts=texts)
            except ArchivistError as exc:
                summary.items.append(ImportItem(path=item.rel, outcome="failed",
                                                client=item.client, reason=str(exc)))
            else:
                pending_chars += len(ext.text)
                summary.items.append(ImportItem(
                    path=item.rel, outcome="flagged" if doc.flag else "filed",
                    document=doc.number, client=doc.client_number,
                    reason=f"{doc.flag}: {doc.flag_reason}" if doc.flag else None))
            if len(texts) >= INDEX_BATCH or pending_chars > INDEX_BATCH_CHARS:
                _flush(ctx, texts, refresh=False)
                pending_chars = 0
            done += 1
            if progress and (done % 16 == 0 or done == len(todo)):
                progress(done, len(todo))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        _flush(ctx, texts, refresh=False)
        clients = sorted({it.client for it in summary.items
                          if it.outcome in ("filed", "flagged") and it.client})
        for number in clients:
            with ctx.ledger.read() as conn:
                cid = registry.get(conn, number).id
            with contextlib.suppress(ArchivistError):  # `check --repair` rewrites them
                registry.refresh_manifest(ctx, cid)


def _flush(ctx: Context, texts: list[tuple[Document, str]], refresh: bool) -> None:
    if texts:
        filing._after(ctx, list(texts), refresh=refresh)
        texts.clear()
