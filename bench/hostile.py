"""Peak memory and time of filing single hostile files (issue 15 §3).

    python -m bench.hostile [--out bench/results-hostile.json] [--scale 1.0]

Generates, in a temporary folder: a 15 MB text file of random CJK characters (and one drawn
from only 300 characters: many tokens, at most 90,000 distinct bigrams), a 15 MB file of
random ASCII "words" (every token distinct), a small .docx whose body inflates to ~190 MB (just
under the zip-bomb limit) and one that inflates to exactly the limit. Each is filed with
`archivist file add` in a child process of its own; its peak RSS (ru_maxrss of the child) and
wall time are reported with the document's flag. `--scale` shrinks the files (0.1 for a smoke
run)."""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CJK_FIRST, CJK_LAST = 0x4E00, 0x9FFF
DOCX_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
    b'main"><w:body>'
)
DOCX_TAIL = b"</w:body></w:document>"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/content-types"/>'
)


def cjk_text(path: Path, mb: float, seed: int = 15, alphabet: int = CJK_LAST - CJK_FIRST) -> Path:
    """Random CJK characters; a small `alphabet` repeats bigrams (many tokens, fewer terms)."""
    rnd = random.Random(seed)
    chars = int(mb * 2**20 / 3)
    with open(path, "w", encoding="utf-8") as fh:
        for start in range(0, chars, 100_000):
            n = min(100_000, chars - start)
            fh.write("".join(chr(CJK_FIRST + rnd.randint(0, alphabet)) for _ in range(n)))
    return path


def ascii_words(path: Path, mb: float, seed: int = 16) -> Path:
    rnd = random.Random(seed)
    target = int(mb * 2**20)
    letters = "abcdefghijklmnopqrstuvwxyz"
    with open(path, "w", encoding="ascii") as fh:
        written = 0
        while written < target:
            line = " ".join("".join(rnd.choice(letters) for _ in range(8)) for _ in range(1000))
            fh.write(line + "\n")
            written += len(line) + 1
    return path


def inflating_docx(path: Path, inflated_bytes: int) -> Path:
    """A .docx whose word/document.xml is `inflated_bytes` long (highly compressible)."""
    para = b"<w:p><w:r><w:t>" + "合同條款重複".encode() * 40 + b"</w:t></w:r></w:p>"
    body_len = inflated_bytes - len(DOCX_HEAD) - len(DOCX_TAIL)
    count, rest = divmod(body_len, len(para))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(DOCX_HEAD)
            block = para * 1000
            for _ in range(count // 1000):
                fh.write(block)
            fh.write(para * (count % 1000))
            fh.write(b" " * rest)
            fh.write(DOCX_TAIL)
    return path


def _home(base: Path) -> tuple[Path, dict[str, str]]:
    home = base / "home"
    env = {**os.environ, "ARCHIVIST_HOME": str(home), "ARCHIVIST_USER": "mei"}
    run = [sys.executable, "-m", "archivist"]
    subprocess.run(
        run + ["init", "--home", str(home), "--firm", "Bench", "--user", "mei", "--name", "Mei"],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        run + ["client", "add", "--name", "陳大文", "--kind", "person"],
        env=env,
        check=True,
        capture_output=True,
    )
    return home, env


def file_one(path: Path, env: dict[str, str]) -> dict[str, object]:
    """File `path` in a child process: its peak RSS (MB), seconds, exit code and flag."""
    cmd = [
        sys.executable,
        "-m",
        "archivist",
        "file",
        "add",
        "C0001",
        str(path),
        "--section",
        "case",
        "--again",
        "--json",
    ]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_chunks = []
    assert proc.stdout is not None
    out_chunks.append(proc.stdout.read())
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    flag = reason = None
    try:
        doc = json.loads(b"".join(out_chunks))
        flag, reason = doc.get("flag"), doc.get("flag_reason")
    except ValueError:
        reason = err.strip()[-300:]
    return {
        "file": path.name,
        "mb": round(path.stat().st_size / 2**20, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "seconds": round(seconds, 2),
        "exit": proc.returncode,
        "flag": flag,
        "reason": reason,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", help="write the rows as JSON here")
    parser.add_argument("--only", help="comma-separated names (cjk,cjk-300,words,docx,docx-limit)")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    rows = []
    with tempfile.TemporaryDirectory(prefix="archivist-hostile-") as tmp:
        base = Path(tmp)
        home, env = _home(base)
        limit = 200 * 2**20  # limits.max_inflated_mb default
        makers = {
            "cjk": lambda: cjk_text(base / "cjk-15mb.txt", 15 * args.scale),
            "cjk-300": lambda: cjk_text(
                base / "cjk-300-chars-15mb.txt", 15 * args.scale, alphabet=300
            ),
            "words": lambda: ascii_words(base / "words-15mb.txt", 15 * args.scale),
            "docx": lambda: inflating_docx(
                base / "inflates-190mb.docx", int(190 * 2**20 * args.scale)
            ),
            "docx-limit": lambda: inflating_docx(base / "inflates-to-limit.docx", limit),
        }
        for name, make in makers.items():
            if only and name not in only:
                continue
            row = file_one(make(), env)
            row["case"] = name
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        del home
    if args.out:
        Path(args.out).write_text(
            json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
