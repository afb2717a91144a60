"""One error hierarchy for the library. The CLI maps each kind to an exit code in one place
(`archivist.cli.errors`). Messages are one line: what went wrong, why, and what to do."""

from __future__ import annotations


class ArchivistError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        from archivist.core.i18n import is_chinese

        if is_chinese():  # 句號 between the message and the hint, no space
            return self.message.rstrip("。.") + "。" + self.hint
        if self.message.endswith("."):
            return f"{self.message} {self.hint}"
        return f"{self.message}. {self.hint}"


class NotFound(ArchivistError):
    """A client, matter, user, document... that does not exist."""


class Conflict(ArchivistError):
    """The request contradicts what is recorded (duplicate id number, wrong state, ...)."""


class AlreadyFiled(Conflict):
    """A file whose SHA-256 the client already has filed (refused unless filed `again`)."""

    def __init__(self, message: str, hint: str | None = None, document: str = "") -> None:
        super().__init__(message, hint)
        self.document = document


class Forbidden(ArchivistError):
    """The acting user lacks the role or the assignment needed."""


class InvalidInput(ArchivistError):
    """A value is malformed: a date, a name, a number, a path."""


class HomeNotFound(ArchivistError):
    """No archivist home where one was looked for."""


class LedgerVersionError(ArchivistError):
    """The ledger was written by a newer archivist, or needs `archivist upgrade`."""


class StorageError(ArchivistError):
    """The archive store could not be written (disk full, read-only, permissions)."""


class Busy(ArchivistError):
    """The ledger or index stayed locked by another process for too long."""


class IntegrityError(ArchivistError):
    """A checksum, manifest or audit chain does not agree with the ledger."""


class TemplateError(ArchivistError):
    """A Word template could not be parsed, validated or rendered."""
