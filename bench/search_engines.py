"""Search engines side by side: archivist on Tantivy and on Whoosh, each figure beside raw
Tantivy on the same documents in the same run (issue 17).

    python -m bench.search_engines --docs 20000 [--engines tantivy,whoosh] [--whoosh-docs N]
                                   [--text-docs N] [--out FILE]

One home is filed with `file import` (Tantivy, the default) and then rebuilt with each engine
(`index rebuild --engine`, which also switches the home). Raw Tantivy gets the same analysed
tokens (computed before its timer starts: our analysis is not Tantivy's cost) and stores the
same text; its search is a phrase query with the exact count, the top 10 hits' stored text read
and a snippet cut around the first full match in the folded text. Ours is `index.search` (access
filter of a lawyer who may read some clients, highlights) and the `archivist search` command
against `archivist client list`. `--text-docs N` also files the first N plain-text documents
of the corpus into a home of their own (the issue's "filing of text documents" figure: the
mixed corpus's PDFs cost most of their filing time in pypdf's extraction).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import archivist_argv, dir_size, median, percentile, run_measured


def _raw_schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", tokenizer_name="whitespace")
    sb.add_text_field("content", tokenizer_name="whitespace")
    sb.add_text_field("content1", tokenizer_name="whitespace", index_option="freq")
    sb.add_bytes_field("text", stored=True, indexed=False)
    return sb.build()


def raw_tantivy(work: Path, corpus: Any, queries: list[str]) -> dict[str, Any]:
    import tantivy

    from archivist.search.analysis import analyse, normalize, query_tokens

    prepared = []
    for d in corpus.docs:
        tokens, singles = analyse(d.text)
        prepared.append(
            (
                d.path,
                " ".join(analyse(d.title)[0]),
                " ".join(tokens),
                " ".join(singles),
                d.text.encode(),
            )
        )
    path = work / "raw-tantivy"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    schema = _raw_schema()
    ix = tantivy.Index(schema, path=str(path))
    t0 = time.perf_counter()
    w = ix.writer(heap_size=64_000_000, num_threads=1)
    for p, title, content, singles, text in prepared:
        doc = tantivy.Document()
        doc.add_text("doc", p)
        doc.add_text("title", title)
        doc.add_text("content", content)
        doc.add_text("content1", singles)
        doc.add_bytes("text", text)
        w.add_document(doc)
    w.commit()
    w.wait_merging_threads()
    index_s = time.perf_counter() - t0
    ix.reload()
    s = ix.searcher()

    def one(q: str) -> None:
        toks = query_tokens(q)
        query = (
            tantivy.Query.term_query(schema, "content", toks[0])
            if len(toks) == 1
            else tantivy.Query.phrase_query(schema, "content", toks)
        )
        res = s.search(query, 10, count=True)
        folded_q = normalize(q)[0]
        for _score, addr in res.hits:
            text = bytes(s.doc(addr).get_first("text")).decode()
            norm = normalize(text)[0]
            at = max(0, norm.find(folded_q))
            _snippet = text[max(0, at - 40) : at + 120]

    for q in queries[:10]:
        one(q)
    lat = []
    for q in queries:
        t = time.perf_counter()
        one(q)
        lat.append(time.perf_counter() - t)
    return {
        "index_docs_per_s": len(prepared) / index_s,
        "index_mb": dir_size(path) / 2**20,
        "search_median_ms": median(lat) * 1000,
        "search_p95_ms": percentile(lat, 95) * 1000,
    }


def ours(bh: Any, queries: list[str], user: str) -> dict[str, Any]:
    from archivist import search as index
    from archivist.core.context import open_context

    ctx = open_context(bh.root, user)
    try:
        for q in queries[:10]:
            index.search(ctx, q, limit=10)
        lat = []
        hits = 0
        for q in queries:
            t = time.perf_counter()
            res = index.search(ctx, q, limit=10)
            lat.append(time.perf_counter() - t)
            hits += len(res.hits)
    finally:
        ctx.close()
    return {
        "search_median_ms": median(lat) * 1000,
        "search_p95_ms": percentile(lat, 95) * 1000,
        "hits_shown": hits,
    }


def commands(bh: Any, queries: list[str]) -> dict[str, Any]:
    argv = archivist_argv()
    env = bh.env()
    search = [
        run_measured(argv + ["search", q, "--limit", "10"], env=env).seconds for q in queries[:10]
    ]
    listing = [run_measured(argv + ["client", "list"], env=env).seconds for _ in range(10)]
    return {
        "search_command_s": median(search),
        "client_list_s": median(listing),
        "ratio": median(search) / median(listing),
    }


def rebuild(bh: Any, engine: str, n: int) -> dict[str, Any]:
    res = run_measured(
        archivist_argv() + ["index", "rebuild", "--engine", engine], env=bh.env(), timeout=6 * 3600
    )
    res.check(f"index rebuild --engine {engine}")
    return {
        "rebuild_docs_per_s": n / res.seconds,
        "rebuild_peak_mb": res.maxrss_mb,
        "index_mb": dir_size(bh.root / "index") / 2**20,
    }


def filing(work: Path, corpus: Any, engine: str, name: str) -> tuple[Any, dict[str, Any]]:
    from bench.filing import file_corpus
    from bench.homes import add_clients, create_home

    root = work / name
    shutil.rmtree(root, ignore_errors=True)
    bh = add_clients(create_home(root, corpus.lawyers), corpus)
    cfg = root / "archivist.toml"
    cfg.write_text(cfg.read_text().replace('engine = "tantivy"', f'engine = "{engine}"'))
    t, rss, _how = file_corpus(corpus, bh, work)
    return bh, {"filing_docs_per_s": len(corpus.docs) / t, "filing_peak_mb": rss}


def main(argv: list[str] | None = None) -> int:
    from bench.corpus import generate

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument(
        "--whoosh-docs",
        type=int,
        default=None,
        help="documents for Whoosh's own filing figure (default: --docs)",
    )
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument(
        "--engines",
        default="tantivy,whoosh",
        help="engines to rebuild and search with, comma-separated (Whoosh is slow at 20k+)",
    )
    ap.add_argument(
        "--text-docs",
        type=int,
        default=0,
        help="also file this many plain-text documents of the corpus into a fresh home",
    )
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="archivist-bench-search-"))
    out: dict[str, Any] = {"docs": args.docs, "machine_cores": os.cpu_count()}
    try:
        corpus = generate(work / "corpus", args.docs, n_queries=args.queries)
        queries = corpus.queries
        out["raw_tantivy"] = raw_tantivy(work, corpus, queries)
        print(json.dumps(out, indent=1), file=sys.stderr)
        bh, out["tantivy"] = filing(work, corpus, "tantivy", "home")
        out["tantivy"]["index_mb_after_filing"] = dir_size(bh.root / "index") / 2**20
        lawyer = corpus.lawyers[0]
        engines = [e.strip() for e in args.engines.split(",") if e.strip()]
        if args.text_docs:
            import dataclasses

            texts = [d for d in corpus.docs if d.kind == "txt"][: args.text_docs]
            _bh, ft = filing(work, dataclasses.replace(corpus, docs=texts), "tantivy", "home-t")
            out["tantivy"].update({f"text_only_{k}_at_{len(texts)}": v for k, v in ft.items()})
        for engine in engines:
            fig = out.setdefault(engine, {})
            fig.update(rebuild(bh, engine, args.docs))
            fig["all_archives"] = ours(bh, queries, "mei")
            fig[f"lawyer_{lawyer}"] = ours(bh, queries, lawyer)
            fig.update(commands(bh, queries))
            print(json.dumps(out, indent=1), file=sys.stderr)
        if "whoosh" not in engines:
            return _done(out, args.out)
        n_w = args.whoosh_docs or args.docs
        small = corpus if n_w >= args.docs else generate(work / "corpus-w", n_w, n_queries=10)
        _bh, fw = filing(work, small, "whoosh", "home-whoosh")
        out["whoosh"].update({f"{k}_at_{n_w}": v for k, v in fw.items()})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _done(out, args.out)


def _done(out: dict[str, Any], path: Path | None) -> int:
    text = json.dumps(out, indent=1)
    print(text)
    if path:
        path.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
