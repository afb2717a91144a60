"""File-system-safe names for folders and files, on every common file system (ext4, NTFS, APFS,
SMB shares): the name recorded in the ledger is never changed, only its on-disk form."""

from __future__ import annotations

import re
import unicodedata

_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
MAX_BYTES = 120  # leaves room for "C0001 " prefixes and section names within 255 bytes


def lossless(name: str) -> str:
    """A name read from the file system as text: bytes that are not UTF-8 (handed over by
    Python as lone surrogates, which no database or terminal accepts) are kept visibly as
    `\\xa4`; other names are unchanged."""
    if not any("\udc80" <= c <= "\udcff" for c in name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_reserved(name: str) -> bool:
    """A Windows device name (CON, NUL, COM1, ...), with or without an extension."""
    return (name or "").split(".")[0].strip().upper() in _RESERVED


def safe_component(name: str, max_bytes: int = MAX_BYTES, fallback: str = "_") -> str:
    """One path component: no separators, no control characters, no '.'/'..', no trailing dot
    or space, no Windows device names, at most `max_bytes` of UTF-8."""
    text = unicodedata.normalize("NFC", name or "")
    # Drop format/surrogate/private-use code points that some file systems reject.
    text = "".join(c for c in text if unicodedata.category(c) not in {"Cs", "Co", "Cn", "Cf"})
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = re.sub(r"\.{2,}", ".", text)
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    encoded = text.encode("utf-8")
    if len(encoded) > max_bytes:
        text = encoded[:max_bytes].decode("utf-8", errors="ignore").rstrip(" .")
    return text or fallback


def safe_filename(name: str, max_bytes: int = MAX_BYTES) -> str:
    """Like safe_component but keeps a short extension when truncating."""
    stem, dot, ext = (name or "").rpartition(".")
    if not dot or not stem or len(ext) > 10 or not ext.isalnum():
        return safe_component(name, max_bytes)
    ext = safe_component(ext, 12)
    return safe_component(stem, max_bytes - len(ext) - 1) + "." + ext
