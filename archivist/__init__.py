"""archivist: client records for a law firm's client-service department."""

__version__ = "0.1.0"
