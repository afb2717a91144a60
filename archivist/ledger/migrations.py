"""Schema versions.

A new ledger is created from the current table definitions and stamped with HEAD (the approach
Alembic's cookbook calls "create_all, then stamp"). An older ledger is brought forward by the
steps in STEPS, one version at a time, each in its own transaction. We use a small runner
instead of Alembic: the schema is small, the steps are plain SQLAlchemy Core, and start-up must
not pay for Alembic's imports. A ledger newer than this program is refused.

To change the schema: edit the table, bump HEAD, and add STEPS[HEAD] that alters an existing
ledger from HEAD-1 to HEAD (add_column below helps)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection

from archivist import __version__
from archivist.core import clock
from archivist.core.errors import LedgerVersionError
from archivist.core.i18n import _
from archivist.ledger.engine import Ledger

HEAD = 8


def _step2_copy_of(conn: Connection) -> None:
    """documents.copy_of: a second copy of an identical file filed on purpose (issue 15)."""
    add_column(conn, "documents", "copy_of INTEGER REFERENCES documents(id)")


def _step3_accounts(conn: Connection) -> None:
    """Sign-in for the web front end (issue 18): credentials, sessions, API tokens."""
    from archivist.ledger.tables import accounts

    for table in (accounts.credentials, accounts.sessions, accounts.api_tokens):
        table.create(conn, checkfirst=True)


def _step4_ocr(conn: Connection) -> None:
    """ocr_jobs (the OCR queue and derived searchable PDFs) and document_links (an e-mail's
    attachments filed as its child documents), issue 24. Created from the table definitions,
    so the DDL is the dialect's own."""
    from archivist.ledger.tables.ocr import document_links, ocr_jobs

    ocr_jobs.create(conn, checkfirst=True)
    document_links.create(conn, checkfirst=True)


def _step7_volumes(conn: Connection) -> None:
    """Archive volumes, waivers, amendments, legal holds, disposals and their register,
    document aliases and withdrawals (issue 22), from the table definitions."""
    from archivist.ledger.tables import volumes as v

    for table in (
        v.volumes,
        v.volume_waivers,
        v.volume_amendments,
        v.holds,
        v.disposals,
        v.disposal_items,
        v.document_aliases,
        v.document_withdrawals,
    ):
        table.create(conn, checkfirst=True)


def _step5_conflicts(conn: Connection) -> None:
    """Conflicts and separation of duties (issue 21): client_names (aliases, former names,
    related parties), conflict_waivers, role_grants, prospects and their consultations; conflict_checks.waiver_id,
    loans.no_copies, complaints.about_lawyers, client_consents.expires_on."""
    from archivist.ledger.tables.conflicts import (
        client_names,
        conflict_waivers,
        prospect_consultations,
        prospects,
        role_grants,
    )

    for table in (client_names, conflict_waivers, role_grants, prospects, prospect_consultations):
        table.create(conn, checkfirst=True)
    add_column(conn, "conflict_checks", "waiver_id INTEGER")
    add_column(conn, "loans", "no_copies BOOLEAN NOT NULL DEFAULT FALSE")
    add_column(conn, "complaints", "about_lawyers TEXT")
    add_column(conn, "client_consents", "expires_on DATE")


def _step6_engagement(conn: Connection) -> None:
    """matters.engagement_signed_on and engagement_document_id: the engagement contract signed
    and returned, with the filed signed copy (issue 23)."""
    add_column(conn, "matters", "engagement_signed_on DATE")
    add_column(conn, "matters", "engagement_document_id INTEGER")  # no FK: see tables/matters


def _step8_user_language(conn: Connection) -> None:
    """users.language: each user's interface language (issue 20); None keeps the firm's."""
    add_column(conn, "users", "language VARCHAR(16)")


STEPS: dict[int, Callable[[Connection], None]] = {
    2: _step2_copy_of,
    3: _step3_accounts,
    4: _step4_ocr,
    5: _step5_conflicts,
    6: _step6_engagement,
    7: _step7_volumes,
    8: _step8_user_language,
}


def current_version(conn: Connection) -> int | None:
    from archivist.ledger.tables import metadata

    if not inspect(conn).has_table("meta"):
        return None
    meta = metadata.tables["meta"]
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return int(row[0]) if row else None


def _set_version(conn: Connection, version: int) -> None:
    from archivist.ledger.tables import metadata

    meta = metadata.tables["meta"]
    updated = conn.execute(
        meta.update().where(meta.c.key == "schema_version").values(value=str(version))
    ).rowcount
    if not updated:
        conn.execute(meta.insert().values(key="schema_version", value=str(version)))


def require_empty(ledger: Ledger) -> None:
    """A new ledger goes only into a database that holds none of archivist's tables (never
    over another home's ledger)."""
    from archivist.core.errors import Conflict
    from archivist.ledger.tables import metadata

    with ledger.read() as conn:
        present = set(inspect(conn).get_table_names())
    clash = sorted(present & set(metadata.tables))
    if clash:
        raise Conflict(
            _("the database {display_url} already holds archivist tables ({clash}{value})").format(
                display_url=ledger.display_url,
                clash=", ".join(clash[:4]),
                value=" ..." if len(clash) > 4 else "",
            ),
            _("Use an empty database (createdb NAME) for each home."),
        )


def drop(ledger: Ledger) -> None:
    """Remove archivist's tables (an init or move that failed into a database that was empty)."""
    from archivist.ledger.tables import metadata

    with ledger.write() as conn:
        metadata.drop_all(conn)


def create(ledger: Ledger) -> None:
    from archivist.ledger.tables import metadata

    with ledger.write() as conn:
        metadata.create_all(conn)
        _set_version(conn, HEAD)
        meta = metadata.tables["meta"]
        conn.execute(
            meta.insert(),
            [
                {"key": "created_at", "value": clock.now().isoformat()},
                {"key": "created_by_version", "value": __version__},
            ],
        )
        head = metadata.tables["audit_head"]
        conn.execute(head.insert().values(id=1, seq=0, hash="0" * 64))


def check(ledger: Ledger) -> None:
    """Refuse a ledger that is newer than this program or older than HEAD."""
    from archivist.ledger.tables import metadata

    meta = metadata.tables["meta"]
    with ledger.read() as conn:
        version = current_version(conn)
        moved = (
            conn.execute(select(meta.c.value).where(meta.c.key == "moved_to")).scalar()
            if version is not None
            else None
        )
    if version is None:
        raise LedgerVersionError(
            _("the archive store has no archivist ledger"), _("Create one with `archivist init`.")
        )
    if moved is not None:
        raise LedgerVersionError(
            _("this ledger was moved to {moved} by `archivist ledger move`").format(moved=moved),
            _("Point [ledger] url in archivist.toml at it."),
        )
    if version > HEAD:
        raise LedgerVersionError(
            _("the ledger has schema version {version}, newer than this archivist ({HEAD})").format(
                version=version, HEAD=HEAD
            ),
            _("Install the newer archivist that wrote it."),
        )
    if version < HEAD:
        raise LedgerVersionError(
            _("the ledger has schema version {version}; this archivist needs {HEAD}").format(
                version=version, HEAD=HEAD
            ),
            _("Back it up, then run `archivist upgrade`."),
        )


def upgrade(
    ledger: Ledger,
    steps: dict[int, Callable[[Connection], None]] | None = None,
    head: int | None = None,
) -> list[int]:
    """Apply every step from the ledger's version up to HEAD. Returns the versions applied."""
    steps = STEPS if steps is None else steps
    head = HEAD if head is None else head
    with ledger.read() as conn:
        version = current_version(conn)
    if version is None:
        raise LedgerVersionError(
            _("the archive store has no archivist ledger"), _("Create one with `archivist init`.")
        )
    if version > head:
        raise LedgerVersionError(
            _("the ledger has schema version {version}, newer than this archivist ({head})").format(
                version=version, head=head
            ),
            _("Install the newer archivist that wrote it."),
        )
    applied = []
    for target in range(version + 1, head + 1):
        step = steps.get(target)
        if step is None:
            raise LedgerVersionError(
                _("no migration to schema version {target}").format(target=target)
            )
        with ledger.write() as conn:
            step(conn)
            _set_version(conn, target)
        applied.append(target)
    return applied


def add_column(conn: Connection, table: str, column_sql: str) -> None:
    """A portable ALTER TABLE ... ADD COLUMN for migration steps (SQLite and PostgreSQL both
    take a column definition with a REFERENCES clause; keep to types both know: INTEGER,
    VARCHAR, TEXT, BOOLEAN, DATE, TIMESTAMP)."""
    conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column_sql}")
