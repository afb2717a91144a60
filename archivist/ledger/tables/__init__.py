"""Every table of the ledger, on one MetaData. Each feature keeps its tables in its own module;
importing this package registers them all."""

from archivist.ledger.tables.base import metadata
from archivist.ledger.tables import core  # noqa: F401  (registers tables)
from archivist.ledger.tables import matters  # noqa: F401
from archivist.ledger.tables import documents  # noqa: F401
from archivist.ledger.tables import loans  # noqa: F401
from archivist.ledger.tables import complaints  # noqa: F401
from archivist.ledger.tables import rights  # noqa: F401

__all__ = ["metadata"]
