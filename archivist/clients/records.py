"""Derived files in a client's folder: the manifest and the readable registers (work records per
matter, consultations, complaint records, loan history, ...). They are regenerated from the
ledger on every change, so a folder copied off the system still says what it holds, and
`archivist check` can tell them from orphans and repair them.

Each feature provides a function `fn(conn, client) -> {path relative to the client folder: text}`
listed in PROVIDERS (imported lazily, so a command imports only what it uses)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from archivist.core.store import MANIFEST
from archivist.models import Client

if TYPE_CHECKING:
    from archivist.core.context import Context

Provider = Callable[[Connection, Client], dict[str, str]]

# "module:function". Add one line per feature that keeps readable records in the folder.
PROVIDERS: list[str] = [
    "archivist.matters.service:derived_records",
    "archivist.matters.consultations:derived_records",
    "archivist.complaints.service:derived_records",
    "archivist.loans.service:derived_records",
    "archivist.matters.duties:derived_records",
]


def _providers() -> list[Provider]:
    out = []
    for spec in PROVIDERS:
        module, _, attr = spec.partition(":")
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue  # feature not installed in this build
            raise
        fn = getattr(mod, attr, None)
        if fn is not None:
            out.append(fn)
    return out


def expected(conn: Connection, client: Client, language: str | None = None) -> dict[str, str]:
    """Every derived file of the client's folder and its exact content, its registers in
    `language` (the firm's `[firm] language`; Traditional Chinese when the home has none):
    never the language of whoever runs the command, so `check` finds the same text."""
    from archivist.core import i18n

    with i18n.using(i18n.normalize(language) or i18n.ZH):
        return _expected(conn, client)


def _expected(conn: Connection, client: Client) -> dict[str, str]:
    import json

    from archivist.clients.registry import build_manifest

    files = {
        MANIFEST: json.dumps(
            build_manifest(conn, client), ensure_ascii=False, indent=2, default=str
        )
        + "\n"
    }
    for provider in _providers():
        for rel, text in provider(conn, client).items():
            files[rel] = text
    return files


def refresh(ctx: Context, client_id: int) -> list[str]:
    """Rewrite every derived file of one client from the ledger; returns the paths written.
    Call after the transaction that changed the client's records has committed."""
    from archivist.clients.registry import by_id

    with ctx.ledger.read() as conn:
        client = by_id(conn, client_id)
        files = expected(conn, client, ctx.settings.firm.language)
    base = ctx.store.resolve(client.folder)
    written = []
    for rel, text in files.items():
        target = ctx.store.resolve(f"{client.folder}/{rel}")
        if base not in target.parents:
            continue
        try:
            if target.read_text(encoding="utf-8") == text:
                continue
        except OSError:
            pass
        ctx.store.replace_derived(target, text)
        written.append(rel)
    return written
