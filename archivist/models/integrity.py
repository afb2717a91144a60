"""Models of integrity checks, backup and restore."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from archivist.models.base import Model


# --------------------------------------------------------------------------- integrity, backup
class CheckProblem(Model):
    """One thing `archivist check` found. `path` is a full path on disk when there is one."""

    kind: str  # missing | checksum | orphan | unfinished | temp | derived | folder | permissions |
    #            index-missing | index-stale | index-extra | audit | duplicate | symlink
    path: str | None = None
    client: str | None = None
    document: str | None = None
    detail: str
    repairable: bool = False


class CheckReport(Model):
    ok: bool
    scope: str  # "all" or a client number
    counts: dict[str, int] = Field(default_factory=dict)  # what was checked
    problems: list[CheckProblem] = Field(default_factory=list)
    summary: dict[str, int] = Field(default_factory=dict)  # problems per kind
    repaired: list[str] = Field(default_factory=list)  # what --repair did, one line each
    # the audit chain's head in the ledger, and its witness outside it ({seq, hash, witness})
    audit_head: dict[str, Any] | None = None
    seconds: float = 0.0


class BackupResult(Model):
    dest: str
    manifest: str
    home_id: str
    clients: int
    documents: int
    files_copied: int
    files_skipped: int
    bytes_copied: int
    audit_events: int
    problems: list[str] = Field(default_factory=list)
    seconds: float = 0.0


class RestoreResult(Model):
    home: str
    source: str
    documents: int
    files_verified: int
    indexed: int
    check: CheckReport
    seconds: dict[str, float] = Field(default_factory=dict)  # copy, index, check
