"""Consent (issue 21): only a filed document of the client's basic section marked as a consent
is one, and a consent ends at its expiry date (exports leave the client out after it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archivist.core import clock
from archivist.core.errors import InvalidInput
from archivist.matters.duties import consent
from tests.test_rights import file_doc


def test_a_pleading_is_no_consent(ctx: Any, make_client: Any) -> None:
    a = make_client("陳大文")
    file_doc(ctx, a, "C0001-0001", title="民事起訴狀")
    with pytest.raises(InvalidInput, match="not a filed consent"):
        consent.grant(ctx, a.number, "marketing", "C0001-0001")
    file_doc(ctx, a, "C0001-0002", title="書面同意書")
    assert consent.grant(ctx, a.number, "marketing", "C0001-0002").purposes == ["marketing"]


def test_an_expired_consent_no_longer_counts(ctx: Any, make_client: Any, tmp_path: Path) -> None:
    clock.set_now("2026-03-01T09:00:00")
    a = make_client("陳大文")
    file_doc(ctx, a, "C0001-0001")
    with pytest.raises(InvalidInput, match="in the past"):
        consent.grant(ctx, a.number, "marketing", "C0001-0001", "2026-02-01")
    given = consent.grant(ctx, a.number, "marketing", "C0001-0001", "2026-06-30")
    assert given.expires_on is not None and given.expires_on.isoformat() == "2026-06-30"
    assert consent.export(ctx, "marketing", str(tmp_path / "a.csv")).exported == 1
    clock.set_now("2026-07-01T09:00:00")
    assert consent.export(ctx, "marketing", str(tmp_path / "b.csv")).exported == 0
