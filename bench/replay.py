"""The audit replay (`archivist.integrity.replay`, run by `archivist check`) on a large ledger.

    python -m bench.replay --docs 100000 [--workdir DIR]

Builds a home whose ledger holds N documents spread over N/200 clients, each row inserted with
its `document.file` event as filing does (no files: the replay reads the ledger only), plus a
loan per client, then replays the chain in a child process and reports its time and peak RSS
(VmHWM). A clean ledger must give no findings; one hand-edited row must give one."""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.common import run_measured


def build(root: Path, n_docs: int) -> None:
    from archivist.clients import registry
    from archivist.core import audit, clock, home, numbering
    from archivist.core.context import open_context
    from archivist.ledger.tables.documents import documents
    from archivist.models import ClientInput

    clock.set_now("2026-03-02T09:30:00")
    home.create(root, "陳林聯合律師事務所", "mei", "王美")
    ctx = open_context(root, "mei")
    try:
        per_client = 200
        for c in range(max(1, n_docs // per_client)):
            client = registry.add(ctx, ClientInput(name=f"客戶{c:06d}", kind="person")).client
            with ctx.ledger.write() as conn:
                for _ in range(min(per_client, n_docs - c * per_client)):
                    seq = numbering.next_value(conn, f"doc:{client.number}")
                    number = f"{client.number}-{seq:04d}"
                    path = f"{client.folder}/03 案件材料/{number} 證據.txt"
                    digest = f"{seq:064x}"
                    conn.execute(
                        documents.insert().values(
                            number=number,
                            client_id=client.id,
                            section="case",
                            title="證據",
                            original_name="證據.txt",
                            path=path,
                            size=100,
                            checksum=digest,
                            checksum_algo="sha256",
                            filetype="txt",
                            text_status="ok",
                            source="filed",
                            filed_at=clock.now(),
                            filed_by=1,
                        )
                    )
                    audit.record(
                        conn,
                        "mei",
                        "document.file",
                        "document",
                        number,
                        client.id,
                        section="case",
                        original_name="證據.txt",
                        size=100,
                        checksum=digest,
                        filetype="txt",
                        path=path,
                        title="證據",
                        matter=None,
                        source="filed",
                        flag=None,
                        template=None,
                        version_of=None,
                    )
    finally:
        ctx.close()


def child(root: str) -> int:
    from archivist.core.context import open_context
    from archivist.integrity.replay import replay

    ctx = open_context(root, "mei")
    try:
        result = replay(ctx.ledger)
    finally:
        ctx.close()
    print(
        json.dumps(
            {
                "events": result.events,
                "checked": result.checked,
                "findings": len(result.findings),
                "seconds": result.seconds,
            }
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--docs", type=int, default=10000)
    p.add_argument("--workdir", type=Path)
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return child(args.child)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-replay-"))
    root = work / "home"
    shutil.rmtree(root, ignore_errors=True)
    t = time.monotonic()
    build(root, args.docs)
    print(f"built {args.docs} documents in {time.monotonic() - t:.0f} s", file=sys.stderr)
    out = {}
    for label in ("clean", "one row edited"):
        if label == "one row edited":
            db = sqlite3.connect(root / "archive_store" / "ledger.sqlite3")
            db.execute(
                "UPDATE documents SET client_id = 1 WHERE id = (SELECT MAX(id) FROM documents)"
            )
            db.commit()
            db.close()
        r = run_measured([sys.executable, "-m", "bench.replay", "--child", str(root)])
        data = json.loads(r.stdout.strip().splitlines()[-1])
        out[label] = {**data, "wall_s": round(r.seconds, 2), "peak_rss_mb": round(r.maxrss_mb)}
        print(label, out[label])
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
