"""How to feed our analysed tokens to Tantivy: space-joined into a field read by Tantivy's
`whitespace` tokenizer (what archivist.search.tantivy_engine does) or as a PreTokenizedString
with a Token object per token. Same documents, same tokens (computed before the timers).

    python -m bench.tantivy_feeding [--docs 2000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    import tantivy

    from archivist.search.analysis import analyse

    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    args = ap.parse_args(argv)
    rng = random.Random(7)
    chars = "合同违约金保密義務責任乙方甲方條款規定期限交貨賠償損失訴訟法院判決，。"
    tokens = [
        analyse("".join(rng.choice(chars) for _ in range(1500)) + " NDA clause")[0]
        for _ in range(args.docs)
    ]
    out = {}
    for how in ("whitespace", "pretokenized"):
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("content", tokenizer_name="whitespace")
        schema = sb.build()
        ix = tantivy.Index(schema, path=tempfile.mkdtemp())
        w = ix.writer(heap_size=64_000_000, num_threads=1)
        t0 = time.perf_counter()
        for toks in tokens:
            d = tantivy.Document()
            if how == "whitespace":
                d.add_text("content", " ".join(toks))
            else:
                d.add_pre_tokenized_text(
                    "content",
                    tantivy.PreTokenizedString(
                        "", [tantivy.Token(t, i, 0, 0) for i, t in enumerate(toks)]
                    ),
                )
            w.add_document(d)
        w.commit()
        w.wait_merging_threads()
        out[how] = args.docs / (time.perf_counter() - t0)
        print(f"{how}: {out[how]:.0f} docs/s")
    print(f"whitespace / pretokenized: {out['whitespace'] / out['pretokenized']:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
