"""Copying a whole ledger from one database to another, and checking the copy.

Used by `archivist ledger move` (SQLite <-> PostgreSQL) and by `backup` of a PostgreSQL ledger
(a logical export into a SQLite file, so every backup holds the same kind of ledger snapshot).
Rows are copied table by table in foreign-key order, through SQLAlchemy Core, from ONE source
transaction (a single snapshot), and the copy is verified: the same number of rows in every
table, and an audit chain that verifies and ends at the source's head."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection

from archivist.core.errors import IntegrityError
from archivist.core.i18n import _
from archivist.ledger.engine import Ledger

CHUNK = 1000


def _tables(conn: Connection) -> list[Any]:
    """archivist's tables present in the source, parents before children."""
    import warnings

    from sqlalchemy.exc import SAWarning

    from archivist.ledger.tables import metadata

    present = set(inspect(conn).get_table_names())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # cycles are broken by NULL-able keys
        return [t for t in metadata.sorted_tables if t.name in present]


def counts(conn: Connection) -> dict[str, int]:
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for t in _tables(conn)
    }


def copy(source: Connection, dest: Ledger) -> dict[str, int]:
    """Create the schema in `dest` (empty) and copy every row of `source` into it, in one
    destination transaction. Returns the rows copied per table."""
    from archivist.ledger.tables import metadata

    tables = _tables(source)
    copied: dict[str, int] = {}
    with dest.write() as out:
        metadata.create_all(out)
        for table in tables:
            order = list(table.primary_key.columns) or list(table.columns)
            result = source.execute(
                select(table)
                .order_by(*order)
                .execution_options(stream_results=True, yield_per=CHUNK)
            )
            n = 0
            for part in result.partitions():
                rows = [dict(r._mapping) for r in part]
                out.execute(table.insert(), rows)
                n += len(rows)
            copied[table.name] = n
        if dest.is_postgresql:
            from archivist.ledger import postgresql

            postgresql.reset_sequences(out, metadata)
    return copied


def verify(source: Connection, dest: Ledger) -> dict[str, int]:
    """The copy holds as many rows per table as the source, and the audit chain verifies and
    ends at the source's head. Returns the row counts."""
    from archivist.core import audit
    from archivist.ledger.tables.core import audit_head

    want = counts(source)
    src_head = source.execute(select(audit_head.c.seq, audit_head.c.hash)).one()
    with dest.read() as conn:
        have = counts(conn)
        checked, problem = audit.verify(conn)
        head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).one()
    wrong = [
        f"{name} {have.get(name)} instead of {n}" for name, n in want.items() if have.get(name) != n
    ]
    if wrong:
        raise IntegrityError(
            _("the copied ledger does not hold the same rows: {wrong}").format(
                wrong="; ".join(wrong[:5])
            )
        )
    if problem:
        raise IntegrityError(
            _("the copied ledger's audit chain does not verify: {problem}").format(problem=problem)
        )
    if (head.seq, head.hash) != (src_head.seq, src_head.hash) or checked != src_head.seq:
        raise IntegrityError(
            _(
                "the copied ledger's audit chain ends elsewhere than the source's (event {seq}, source {seq2})"
            ).format(seq=head.seq, seq2=src_head.seq)
        )
    return have
