"""Operations run in a child process so that their own time and peak memory are measured.

python -m bench.child file HOME PLAN.json   # file every planned document (library)
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

BATCH = 200


def file_plan(home: str, plan_path: str) -> int:
    from archivist.core.context import open_context
    from archivist.filing import service as filing

    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    ctx = open_context(home, "mei")
    filed = 0
    try:

        def key(p: dict) -> tuple:
            return (p["client"], p["section"], p["matter"] or "")

        for (client, section, matter), group in itertools.groupby(sorted(plan, key=key), key):
            paths = [p["path"] for p in group]
            for start in range(0, len(paths), BATCH):
                docs = filing.file_paths(
                    ctx, client, paths[start : start + BATCH], section, matter_number=matter or None
                )
                filed += len(docs)
    finally:
        ctx.close()
    print(json.dumps({"filed": filed}))
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["file"] and len(argv) == 3:
        return file_plan(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
