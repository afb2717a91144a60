"""The parts of `archivist check` that compare the ledger with its audit trail:

- the chain's head against its witness outside the ledger (`archivist.ledger.witness`): a
  chain whose tail was cut, or that was deleted or rewritten, no longer reaches the witness;
- the replay of the chain against every document, loan, matter, user and client row
  (`archivist.integrity.replay`): rows edited, added or deleted by hand;
- folders left by a killed `index rebuild` (`.index.rebuild-PID/` next to the index).

`check --repair` leaves every record the replay finds suspect alone (it does not rewrite its
client's manifest and registers, nor index it), and when the chain itself is cut or broken it
rewrites nothing from the ledger at all."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from archivist.core.context import Context
from archivist.ledger import witness
from archivist.ledger.tables.core import audit_events, audit_head

TAMPER_LINES = 100  # findings shown per kind; beyond that one summary line
REBUILD_RE = re.compile(r"^\.(?P<name>.+)\.(?:rebuild|old)-(?P<pid>\d+)$")


def head_of(ctx: Context) -> tuple[int, str]:
    with ctx.ledger.read() as conn:
        row = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).one()
    return int(row.seq), str(row.hash)


def check_witness(ctx: Context) -> tuple[list[tuple[str, bool]], dict[str, Any]]:
    """Problems (text, repairable) between the ledger's chain and the witness, and the head
    to print. The witness is read before the ledger: a commit in between only moves the
    ledger ahead of it."""
    path = ctx.home.witness_path
    problems: list[tuple[str, bool]] = []
    try:
        w = witness.read(path)
    except (OSError, ValueError) as exc:
        w = None
        problems.append(
            (
                f"the audit witness {path} is unreadable ({str(exc)[:80]}); "
                "a cut chain cannot be ruled out (--repair writes it from the current "
                "head when the ledger agrees with its audit trail)",
                True,
            )
        )
    seq, digest = head_of(ctx)
    info: dict[str, Any] = {"seq": seq, "hash": digest, "witness": None}
    if w is None:
        if not problems and seq > 0:
            problems.append(
                (
                    f"the audit witness {path} is missing: a cut or deleted audit "
                    "trail cannot be ruled out (--repair writes it from the current "
                    "head when the ledger agrees with its audit trail)",
                    True,
                )
            )
        return problems, info
    info["witness"] = {"seq": w.head.seq, "hash": w.head.hash}
    if (seq, digest) in ((w.head.seq, w.head.hash), (w.previous.seq, w.previous.hash)):
        return problems, info
    if seq < w.head.seq:
        problems.append(
            (
                f"the audit trail was cut: the ledger's chain ends at event {seq} but "
                f"its witness {path} says {w.head.seq} events were committed",
                False,
            )
        )
        return problems, info
    with ctx.ledger.read() as conn:
        there = conn.execute(
            select(audit_events.c.hash).where(audit_events.c.seq == w.head.seq)
        ).scalar()
    if there != w.head.hash:
        problems.append(
            (
                f"the audit trail was rewritten: event {w.head.seq} is not the one "
                f"its witness {path} recorded",
                False,
            )
        )
    else:
        problems.append(
            (
                f"the audit witness {path} is behind the ledger (event {w.head.seq} "
                f"of {seq}); --repair brings it up to date",
                True,
            )
        )
    return problems, info


def verify_trail(ctx: Context) -> tuple[int, str | None, dict[str, Any]]:
    """`audit verify`: the chain's hashes, then its head against the witness. Returns (events,
    the first problem or None, the head and witness). Needs a reader of the audit trail."""
    from archivist.core import access, audit

    access.require_audit_reader(ctx, "verify the audit trail")
    with ctx.ledger.read() as conn:
        count, problem = audit.verify(conn)
    problems, info = check_witness(ctx)
    if problem is None and problems:
        problem = problems[0][0]
    return count, problem, info


def rebuild_leftovers(ctx: Context) -> list[Path]:
    """`.index.rebuild-PID/` (and `.index.old-PID/`) folders beside the index whose process
    is gone: `index rebuild` builds the new index there and swaps it in at the end."""
    from archivist.integrity.checker import _pid_alive

    index = ctx.home.index_dir
    out = []
    try:
        entries = list(os.scandir(index.parent))
    except OSError:
        return []
    for entry in entries:
        m = REBUILD_RE.match(entry.name)
        if (
            m
            and m.group("name") == index.name
            and entry.is_dir(follow_symlinks=False)
            and not _pid_alive(int(m.group("pid")))
        ):
            out.append(Path(entry.path))
    return sorted(out)


def remove_leftover(path: Path) -> str | None:
    m = REBUILD_RE.match(path.name)
    if m and not _alive(int(m.group("pid"))) and path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
        return f"removed {path}, left by an interrupted `index rebuild`"
    return None


def _alive(pid: int) -> bool:
    from archivist.integrity.checker import _pid_alive

    return _pid_alive(pid)
