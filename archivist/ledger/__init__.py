"""The ledger: the source of truth. SQLAlchemy Core; SQLite by default, PostgreSQL later."""

from archivist.ledger.engine import Ledger

__all__ = ["Ledger"]
