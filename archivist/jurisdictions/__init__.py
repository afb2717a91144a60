"""Jurisdiction profiles as data: Taiwan (`tw`) and mainland China (`cn`).

A profile carries the currency and its words, identity labels and validators (`ids`), the
licence label, invoice wording, the words templates use, and the fee rules (`fees`). The home's
profile is `[firm] jurisdiction` in archivist.toml (`archivist init --jurisdiction tw|cn`)."""

from __future__ import annotations

from archivist.jurisdictions.profiles import PROFILES, Profile, get, roc_date

__all__ = ["PROFILES", "Profile", "get", "roc_date"]
