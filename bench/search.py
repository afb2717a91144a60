"""Search: raw Whoosh with the project's analyzer on the corpus texts (the reference), and
archivist's own index and search on the filed archive.

The reference indexes the exact text the generator wrote (no extraction) into a minimal schema
(content with positions and stored text, client, section, document id) and answers each query
with a searcher opened per query, top 10 hits and a highlighted snippet for each. Our figures go
through archivist's interface (`archivist.search`) or the `archivist search` command."""

from __future__ import annotations

import contextlib
import importlib
import time
from pathlib import Path
from typing import Any

from bench.common import (
    Section,
    archivist_argv,
    dir_size,
    fresh_dir,
    median,
    percentile,
    run_measured,
    timed,
)
from bench.corpus import Corpus

# ------------------------------------------------------------------------------ analyzer
_ANALYZER_NAMES = (
    "analyzer",
    "make_analyzer",
    "build_analyzer",
    "cjk_analyzer",
    "archivist_analyzer",
    "ANALYZER",
)
_ANALYZER_MODULES = (
    "archivist.search.analysis",
    "archivist.search.analyzer",
    "archivist.search.tokenizer",
    "archivist.search.schema",
    "archivist.search",
)


def project_analyzer() -> tuple[Any, str] | None:
    """archivist's own analyzer (the one its index uses), if it has landed."""
    for mod_name in _ANALYZER_MODULES:
        try:
            mod = importlib.import_module(mod_name)
        except Exception:  # noqa: BLE001,S112 - not there yet
            continue
        for name in _ANALYZER_NAMES:
            obj = getattr(mod, name, None)
            if obj is None:
                continue
            with contextlib.suppress(Exception):
                ana = obj() if callable(obj) and not hasattr(obj, "__or__") else obj
                if list(t.text for t in ana("違約責任 Contract")):
                    return ana, f"{mod_name}.{name}"
    return None


def bench_analyzer() -> Any:
    """Fallback: CJK bigrams + whole Latin words, NFKC, lowercase, Traditional->Simplified."""
    from bench.analysis import BigramTokenizer

    return BigramTokenizer()


def reference_analyzer(sec: Section) -> Any:
    found = project_analyzer()
    if found is not None:
        sec.note(f"analyzer: {found[1]} (the project's, shared by the raw-Whoosh reference)")
        return found[0]
    sec.note(
        "analyzer: the project's analyzer was not found in archivist.search; the raw-Whoosh "
        "reference uses the bench's own CJK-bigram analyzer"
    )
    return bench_analyzer()


# ------------------------------------------------------------------------------ raw Whoosh
def build_raw(
    index_dir: Path, corpus: Corpus, analyzer: Any, compound: bool = True
) -> tuple[float, Any]:
    from whoosh import index
    from whoosh.fields import ID, STORED, TEXT, Schema

    content = TEXT(analyzer=analyzer, stored=True, phrase=True)
    content.multitoken_query = "phrase"
    schema = Schema(
        doc=ID(stored=True, unique=True),
        client=ID(stored=True),
        section=ID(stored=True),
        title=STORED,
        content=content,
    )
    fresh_dir(index_dir)
    ix = index.create_in(str(index_dir), schema)
    t0 = time.perf_counter()
    writer = ix.writer(limitmb=128, compound=compound)
    for d in corpus.docs:
        writer.add_document(
            doc=d.path, client=str(d.client), section=d.section, title=d.title, content=d.text
        )
    writer.commit()
    return time.perf_counter() - t0, ix


def raw_query(searcher: Any, parser: Any, text: str, limit: int = 10) -> int:
    results = searcher.search(parser.parse(text), limit=limit)
    for hit in results:
        hit.highlights("content")
    return len(results)


def raw_search(ix: Any, queries: list[str], reopen: bool) -> list[float]:
    """Per-query latency: with one long-lived searcher, or opening a searcher per query (what a
    process that answers one query and exits pays)."""
    from whoosh.qparser import QueryParser

    parser = QueryParser("content", ix.schema)
    times = []
    if reopen:
        for q in queries:
            t0 = time.perf_counter()
            with ix.searcher() as s:
                raw_query(s, parser, q)
            times.append(time.perf_counter() - t0)
        return times
    with ix.searcher() as s:
        for q in queries:
            times.append(timed(lambda q=q: raw_query(s, parser, q))[0])
    return times


def repeated(fn: Any, queries: list[str], runs: int, budget_s: float = 120.0) -> list[float]:
    """Per-query minimum over up to `runs` passes (fewer when a pass is slow)."""
    lat: list[float] = []
    started = time.perf_counter()
    for i in range(max(1, runs)):
        times = fn(queries)
        lat = times if not lat else [min(a, b) for a, b in zip(lat, times, strict=True)]
        if i == 0 and time.perf_counter() - started > budget_s / max(1, runs):
            break
    return lat


def run_reference(
    sec: Section, work: Path, corpus: Corpus, runs: int, heavy_runs: int
) -> dict[str, Any]:
    analyzer = reference_analyzer(sec)
    build_times = []
    ix = None
    for _ in range(heavy_runs):
        t, ix = build_raw(work / "raw-whoosh", corpus, analyzer)
        build_times.append(t)
    assert ix is not None
    n = len(corpus.docs)
    size = dir_size(work / "raw-whoosh")
    raw_search(ix, corpus.queries[:20], reopen=False)  # warm
    lat = repeated(lambda qs: raw_search(ix, qs, reopen=False), corpus.queries, runs)
    few = corpus.queries[:30]
    lat_open = repeated(lambda qs: raw_search(ix, qs, reopen=True), few, runs)
    one_open = [timed(lambda: ix.searcher().close())[0] for _ in range(5)]
    sec.note(
        f"raw Whoosh: opening a searcher on this index takes {median(one_open) * 1000:.0f} "
        f"ms (paid once per `archivist search` process)"
    )
    if n <= 5000:
        # Whoosh copies a compound segment's term and posting files out of the mmap into a
        # BytesIO on every searcher open; separate segment files are mmapped without a copy.
        _t, ix_nc = build_raw(work / "raw-whoosh-noncompound", corpus, analyzer, compound=False)
        nc_open = [timed(lambda: ix_nc.searcher().close())[0] for _ in range(5)]
        sec.row(
            "raw Whoosh searcher open, compound segments (default)",
            median(one_open),
            "s",
            "raw Whoosh, writer(compound=False)",
            median(nc_open),
            runs=5,
        )
    from whoosh.qparser import QueryParser

    with ix.searcher() as s:
        total_matches = [
            len(s.search(QueryParser("content", ix.schema).parse(q), limit=None))
            for q in corpus.queries[:100]
        ]
    with ix.reader() as reader:
        n_terms = sum(1 for _ in reader.lexicon("content"))
    sec.note(
        f"the corpus yields {n_terms:,} distinct index terms ({n_terms / max(1, n):.0f} "
        f"per document): Whoosh's commit cost grows with the number of terms"
    )
    ref = {
        "index_docs_per_s": n / median(build_times),
        "index_bytes": size,
        "median": median(lat),
        "p95": percentile(lat, 95),
        "ix": ix,
        "open_median": median(lat_open),
        "open_p95": percentile(lat_open, 95),
        "mean_matches": sum(total_matches) / max(1, len(total_matches)),
        "max_matches": max(total_matches, default=0),
    }
    sec.note(
        f"queries: {len(corpus.queries)} of 1-3 terms; on average a query matches "
        f"{ref['mean_matches']:.0f} of {n} documents "
        f"({100 * ref['mean_matches'] / max(1, n):.1f}%), at most {ref['max_matches']}"
    )
    return ref


# ------------------------------------------------------------------------------ archivist
def archivist_search_fn(ctx: Any) -> Any | None:
    """A callable query -> hits through archivist's own search, if it exists."""
    for mod_name, fn_name in (
        ("archivist.search", "search"),
        ("archivist.search", "search"),
        ("archivist.search.search", "search"),
        ("archivist.search.searcher", "search"),
    ):
        try:
            mod = importlib.import_module(mod_name)
        except Exception:  # noqa: BLE001,S112
            continue
        fn = getattr(mod, fn_name, None)
        if callable(fn):
            return lambda q, fn=fn: fn(ctx, q, limit=10)
    return None


def run(
    sec: Section,
    work: Path,
    corpus: Corpus,
    runs: int,
    home: Any | None,
    heavy_runs: int | None = None,
    skip: frozenset[str] = frozenset(),
) -> None:
    """`skip` may hold "reference" (no raw-Whoosh index is built: our rows stand alone) and
    "rebuild" (no `index rebuild`): each costs as long as filing at 100k documents."""
    heavy = heavy_runs or runs
    n = len(corpus.docs)
    ref: dict[str, Any] = {}
    if "reference" in skip:
        sec.note("raw Whoosh reference not built in this run (--skip reference)")
    else:
        ref = run_reference(sec, work, corpus, runs, heavy)
        sec.row("raw Whoosh indexing", ref["index_docs_per_s"], "docs/s", runs=heavy)
        sec.row(
            "raw Whoosh index size",
            ref["index_bytes"] / 2**20,
            "MB",
            per_1k_docs_mb=ref["index_bytes"] / 2**20 / n * 1000,
        )
        sec.row(
            "raw Whoosh search median, searcher per query",
            ref["open_median"],
            "s",
            "raw Whoosh, one searcher",
            ref["median"],
        )
    raw = "raw Whoosh, one searcher" if ref else None
    if home is None:
        if ref:
            sec.row("raw Whoosh search median", ref["median"], "s")
            sec.row("raw Whoosh search p95", ref["p95"], "s")
        sec.skip("archivist's filing did not run, so there is no archive to search")
        return
    from archivist.core.context import open_context

    index_dir = home.root / "index"
    ours_size = dir_size(index_dir)
    if ours_size > 4096:
        sec.row(
            "index size",
            ours_size / 2**20,
            "MB",
            "raw Whoosh" if ref else None,
            ref["index_bytes"] / 2**20 if ref else None,
            per_1k_docs_mb=ours_size / 2**20 / n * 1000,
        )
    ctx = open_context(home.root, "mei")
    try:
        fn = archivist_search_fn(ctx)
        if fn is None:
            sec.skip("archivist's search library function was not found")
            return
        for q in corpus.queries[:5]:
            fn(q)
        lat = repeated(
            lambda qs: [timed(lambda q=q: fn(q))[0] for q in qs], corpus.queries, runs, budget_s=240
        )
    finally:
        ctx.close()
    sec.row(
        "search median (top 10, highlights)",
        median(lat),
        "s",
        raw,
        ref.get("median"),
        runs=len(lat),
    )
    sec.row(
        "search p95 (top 10, highlights)",
        percentile(lat, 95),
        "s",
        raw,
        ref.get("p95"),
        runs=len(lat),
        target=0.050,
    )
    if ref:
        sec.row(
            "search median vs per-query searcher",
            median(lat),
            "s",
            "raw Whoosh, searcher per query",
            ref["open_median"],
            runs=len(lat),
        )
    cli_search(sec, home, corpus, ref)
    if "rebuild" in skip:
        sec.note("`index rebuild` not measured in this run (--skip rebuild)")
    else:
        rebuild(sec, home, corpus, heavy, ref)


def cli_search(sec: Section, home: Any, corpus: Corpus, ref: dict[str, Any]) -> None:
    """`archivist search QUERY` as a user runs it: a whole process per query."""
    argv = archivist_argv()
    env = home.env()
    if run_measured(argv + ["search", "--help"], env=env).returncode != 0:
        return
    queries = corpus.queries[:15]
    times = []
    for q in queries:
        res = run_measured(argv + ["search", q, "--limit", "10"], env=env, timeout=120)
        if res.returncode != 0:
            sec.note(
                f"`archivist search {q}` exited {res.returncode}: "
                + (res.stderr or res.stdout).strip()[-200:]
            )
            return
        times.append(res.seconds)
    sec.row(
        "`archivist search` command (whole process)",
        median(times),
        "s",
        "raw Whoosh, searcher per query" if ref else None,
        ref.get("open_median"),
        runs=len(queries),
    )


def rebuild(sec: Section, home: Any, corpus: Corpus, runs: int, ref: dict[str, Any]) -> None:
    """`archivist index rebuild` (re-extracts every stored file) and its peak memory."""
    argv = archivist_argv()
    env = home.env()
    if run_measured(argv + ["index", "rebuild", "--help"], env=env).returncode != 0:
        sec.skip("`archivist index rebuild` is not available")
        return
    n = len(corpus.docs)
    times, rss = [], []
    for _ in range(runs):
        res = run_measured(argv + ["index", "rebuild"], env=env, timeout=24 * 3600)
        res.check("archivist index rebuild")
        times.append(res.seconds)
        rss.append(res.maxrss_mb)
    t = median(times)
    sec.row(
        "index rebuild (extract + index)",
        n / t,
        "docs/s",
        "raw Whoosh indexing" if ref else None,
        ref.get("index_docs_per_s"),
        runs=runs,
        seconds=t,
    )
    sec.row("index rebuild peak memory", median(rss), "MB", runs=runs)
    st = run_measured(argv + ["index", "status", "--json"], env=env, timeout=3600)
    if st.returncode == 0:
        import json

        with contextlib.suppress(ValueError):
            status = json.loads(st.stdout)
            sec.note(
                f"index status after rebuild: {status.get('indexed')} of "
                f"{status.get('documents')} indexed, missing {len(status.get('missing', []))}"
                f", stale {len(status.get('stale', []))}, extra "
                f"{len(status.get('extra', []))}"
            )
