"""Every table of the ledger, on one MetaData. Each feature keeps its tables in its own module;
importing this package registers them all."""

from archivist.ledger.tables import (
    accounts,  # noqa: F401
    complaints,  # noqa: F401
    conflicts,  # noqa: F401
    core,  # noqa: F401  (registers tables)
    documents,  # noqa: F401
    loans,  # noqa: F401
    matters,  # noqa: F401
    ocr,  # noqa: F401
    rights,  # noqa: F401
    volumes,  # noqa: F401
)
from archivist.ledger.tables.base import metadata

__all__ = ["metadata"]
