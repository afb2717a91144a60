"""Archivist homes for the benchmarks: users, the corpus's clients and their matters."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.corpus import Corpus

BENCH_NOW = "2026-03-02T09:30:00"


@dataclass
class BenchHome:
    root: Path
    client_numbers: dict[int, str] = field(default_factory=dict)  # corpus index -> number
    matter_numbers: dict[tuple[int, int], str] = field(default_factory=dict)

    def env(self, user: str = "mei") -> dict[str, str]:
        return {
            "ARCHIVIST_HOME": str(self.root),
            "ARCHIVIST_USER": user,
            "ARCHIVIST_NOW": BENCH_NOW,
        }


def create_home(root: Path, lawyers: list[str]) -> BenchHome:
    from archivist.core import clock, home, users
    from archivist.core.context import open_context
    from archivist.models import Role

    os.environ.setdefault("ARCHIVIST_NOW", BENCH_NOW)
    clock.set_now(BENCH_NOW)
    home.create(root, "陳林聯合律師事務所", "mei", "王美")
    config = root / "archivist.toml"  # the bench runs at BENCH_NOW (ARCHIVIST_NOW)
    config.write_text(
        config.read_text(encoding="utf-8") + "\n[testing]\nclock_override = true\n",
        encoding="utf-8",
    )
    ctx = open_context(root, "mei")
    try:
        with ctx.ledger.write() as conn:
            for i, name in enumerate(lawyers):
                users.insert_user(
                    conn,
                    "mei",
                    name,
                    f"律師{name}",
                    [Role.LAWYER],
                    licence_number=f"1310120091{i:07d}",
                )
    finally:
        ctx.close()
    return BenchHome(root)


def add_clients(bh: BenchHome, corpus: Corpus, limit: int | None = None) -> BenchHome:
    """Register the corpus's clients and open their matters (rows inserted the way the test
    fixture `make_matter` does, so the bench does not depend on `matter open`)."""
    from archivist.clients import registry
    from archivist.core import audit, clock, numbering, users
    from archivist.core.context import open_context
    from archivist.ledger.tables.matters import matter_lawyers, matters
    from archivist.models import ClientInput, MatterType

    ctx = open_context(bh.root, "mei")
    try:
        for c in corpus.clients[:limit]:
            added = registry.add(ctx, ClientInput(name=c.name, kind=c.kind, id_number=c.id_number))
            bh.client_numbers[c.index] = added.client.number
            now = clock.now()
            mtype = MatterType("civil")
            with ctx.ledger.write() as conn:
                for m in c.matters:
                    seq = numbering.next_value(conn, f"matter:{now.year}:{mtype.code}")
                    number = f"{now.year}-{mtype.code}-{seq:04d}"
                    mid = conn.execute(
                        matters.insert().values(
                            number=number,
                            client_id=added.client.id,
                            type=mtype.value,
                            code=mtype.code,
                            year=now.year,
                            title=m.title,
                            status="open",
                            accepted_at=now,
                            contact_deadline=(now + timedelta(days=3)).date(),
                            created_by=1,
                        )
                    ).inserted_primary_key[0]
                    uid = users.get(conn, m.lawyer).id
                    conn.execute(
                        matter_lawyers.insert().values(matter_id=mid, user_id=uid, assigned_at=now)
                    )
                    audit.record(
                        conn,
                        "mei",
                        "matter.open",
                        "matter",
                        number,
                        added.client.id,
                        lawyers=[m.lawyer],
                    )
                    bh.matter_numbers[(c.index, m.index)] = number
    finally:
        ctx.close()
    return bh
