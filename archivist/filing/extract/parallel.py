"""Extraction of many files on the available cores (a process pool), for `file import` and
`index rebuild`. A worker that dies (out of memory, a crash in a C library) costs only the file
it was reading: that file is flagged, the others go on."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from archivist.filing.extract import Limits, extract_file
from archivist.models import Extraction

MIN_FOR_POOL = 8  # fewer files than this are extracted in-process
MEMORY_LIMIT = 3 * 2**30  # address space per worker: a hostile file fails alone


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _init_worker() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):  # pragma: no cover
        pass


def _work(path: str, name: str, limits: Limits, password: str | None) -> Extraction:
    return extract_file(Path(path), name, limits, password)


def make_pool(count: int) -> ProcessPoolExecutor | None:
    if count < MIN_FOR_POOL or workers() < 2:
        return None
    import multiprocessing

    return ProcessPoolExecutor(
        max_workers=workers(),
        initializer=_init_worker,
        mp_context=multiprocessing.get_context("fork"),
    )


def retry_isolated(path: str, name: str, limits: Limits, password: str | None = None) -> Extraction:
    """Extract one file in a process of its own: after a worker died, this tells the file that
    killed it (flagged) from the ones that were merely in flight with it."""
    import multiprocessing

    with ProcessPoolExecutor(
        max_workers=1, initializer=_init_worker, mp_context=multiprocessing.get_context("fork")
    ) as solo:
        try:
            return solo.submit(_work, path, name, limits, password).result()
        except BrokenProcessPool:
            return _crashed(name or path)


def _crashed(path: str) -> Extraction:
    from archivist.filing.extract import detect_type

    return Extraction(
        filetype=detect_type(path, b""),
        flag="corrupt",
        reason="extraction crashed (out of memory or a damaged file)",
    )


def extract_many(
    items: Sequence[tuple[str, str]],
    limits: Limits,
    pool: ProcessPoolExecutor | None = None,
    password: str | None = None,
) -> list[Extraction]:
    """Extract each (path, original name), in order. Uses `pool` if given, else a pool of its
    own for a large batch, else this process."""
    own = None
    if pool is None:
        own = pool = make_pool(len(items))
    try:
        if pool is None:
            return [extract_file(Path(p), n, limits, password) for p, n in items]
        try:
            futures: list[Future[Extraction]] = [
                pool.submit(_work, p, n, limits, password) for p, n in items
            ]
        except (BrokenProcessPool, RuntimeError):  # an earlier batch broke the pool
            return [extract_file(Path(p), n, limits, password) for p, n in items]
        out = []
        for (p, n), fut in zip(items, futures, strict=True):
            try:
                out.append(fut.result())
            except BrokenProcessPool:
                out.append(retry_isolated(p, n, limits, password))
            except Exception as exc:  # pragma: no cover - extract_file does not raise
                out.append(Extraction(filetype="unknown", flag="corrupt", reason=str(exc)[:200]))
        return out
    finally:
        if own is not None:
            own.shutdown()
