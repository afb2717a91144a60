"""Everything PostgreSQL-specific lives here: the counterpart of `archivist.ledger.sqlite`.

* Driver: psycopg 3 (`postgresql+psycopg://USER@HOST/DB`); a bare `postgresql://` URL is given
  that driver.
* Write transactions: READ COMMITTED, and the first statement takes one transaction-scoped
  advisory lock (`pg_advisory_xact_lock`), so writers run one at a time exactly as with
  SQLite's BEGIN IMMEDIATE: every read-check-write in the library (a duplicate checksum, a
  loan's state, the next number) sees the last committed write and cannot interleave with
  another. It costs no concurrency: nearly every write appends to the audit chain, whose head
  row orders them anyway. The lock is released at commit, rollback or a dropped connection
  (a killed process), so it cannot be left behind.
* Read transactions: REPEATABLE READ, one snapshot for the whole transaction (SQLite's
  deferred BEGIN in WAL mode); readers never wait for writers.
* Retries: serialization failures (40001), deadlocks (40P01) and lock timeouts (55P03) are
  what SQLite calls busy; they become `Busy`, which `Ledger.retrying()` retries.
* Counters: `numbering.next_value` uses UPDATE ... RETURNING, a row lock on PostgreSQL.
* The audit chain: `audit.record` updates the `audit_head` row first (a row lock) and the
  writer lock above already orders appends.
* Keyset paging (`archivist.ledger.paging`) is portable SQL; ordering that must match SQLite's
  byte order (BINARY collation) uses `byte_order()`, COLLATE "C" here, so Chinese names and
  numbers sort the same on both.
* JSON: the ledger's JSON columns (audit details, complaint details, name lists) are TEXT
  holding canonical JSON on both databases, not JSONB: the audit hash covers the exact text,
  and JSONB would reorder keys and drop duplicates.
* Lengths: SQLite never enforced VARCHAR(n); the library checks lengths itself, so on
  PostgreSQL a String column is an unbounded VARCHAR, and a value never fails on one database
  only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles

# an arbitrary 64-bit key naming "the archivist ledger's writer" among advisory locks
WRITER_LOCK = 0x61726368_6976_01
RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}
CONNECT_TIMEOUT_S = 10


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` use psycopg 3, the driver archivist installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_postgresql(url: str) -> bool:
    return url.startswith(("postgresql", "postgres://"))


def engine_kwargs() -> dict[str, Any]:
    return {"pool_pre_ping": True, "connect_args": {"connect_timeout": CONNECT_TIMEOUT_S}}


def configure(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("archivist_write", False):
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def is_retryable_error(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None)
    return state in RETRYABLE_SQLSTATES


def is_unreachable(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    return (
        orig is not None
        and getattr(orig, "sqlstate", None) is None
        and "connect" in str(orig).lower()
    )


def byte_order(column: Any) -> Any:
    """`column` ordered by code point, as SQLite's BINARY collation orders it."""
    return column.collate("C")


def reset_sequences(conn: Any, metadata: Any) -> None:
    """After rows were copied in with their ids: move each SERIAL sequence past the largest id,
    so the next insert does not collide with a copied row."""
    from sqlalchemy import Integer, func, select

    for table in metadata.sorted_tables:
        for col in table.primary_key.columns:
            if not isinstance(col.type, Integer) or col.autoincrement is False:
                continue
            if len(table.primary_key.columns) != 1:
                continue
            seq = conn.exec_driver_sql(
                f"SELECT pg_get_serial_sequence('{table.name}', '{col.name}')"
            ).scalar()
            if not seq:
                continue
            top = conn.execute(select(func.max(col))).scalar()
            if top is None:
                conn.exec_driver_sql(f"SELECT setval('{seq}', 1, false)")
            else:
                conn.exec_driver_sql(f"SELECT setval('{seq}', {int(top)}, true)")


@compiles(String, "postgresql")
def _unbounded_varchar(element: String, compiler: Any, **kw: Any) -> str:
    if element.collation:
        return f'VARCHAR COLLATE "{element.collation}"'
    return "VARCHAR"
