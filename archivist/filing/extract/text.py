"""Plain text (.txt/.md/.csv) and e-mail (.eml), with encoding detection.

UTF-8 (with or without BOM), UTF-16/32 with a BOM, Big5 and GB18030 are told apart; when no
candidate decodes cleanly, the text is decoded with replacement characters and flagged
`encoding`, so nothing is garbled silently."""

from __future__ import annotations

import codecs
from pathlib import Path

from archivist.core.textnorm import to_simplified
from archivist.filing.extract import Limits, cap
from archivist.models import Extraction

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def _read_capped(path: Path, limits: Limits) -> tuple[bytes, bool]:
    cap_bytes = limits.max_chars * 4 + 4
    with open(path, "rb") as fh:
        data = fh.read(cap_bytes + 1)
    return data[:cap_bytes], len(data) > cap_bytes


def _common_share(text: str, codec: str) -> float:
    """Share of the Han characters that are in the common block of their own standard:
    GB2312 level 1 (lead bytes B0-D7) for GB18030, Big5 frequent (A440-C67E) for Big5. Text
    decoded with the wrong codec lands in rare characters, kana, Greek or Cyrillic."""
    han = good = 0
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            continue
        han += 1
        try:
            if codec == "gb18030":
                try:
                    b = ch.encode("gb2312")
                except UnicodeEncodeError:  # a Traditional character written in GBK?
                    simple = to_simplified(ch)
                    b = simple.encode("gb2312") if simple != ch else b"\x00"
                good += 0xB0 <= b[0] <= 0xD7 or b[0] == 0xA1 or b[0] == 0xA3
            else:
                b = ch.encode("big5")
                code = b[0] << 8 | b[1]
                good += 0xA440 <= code <= 0xC67E or 0xA140 <= code <= 0xA3BF
        except (UnicodeEncodeError, IndexError):
            pass
    return good / han if han else 0.0


def decode(data: bytes) -> tuple[str, str | None, bool]:
    """(text, encoding, clean). `clean` is False when no encoding fitted (replacement used)."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            text = body.decode(enc, errors="replace")
            return text, enc, "\ufffd" not in text or body.count(b"\xef\xbf\xbd") > 0
    try:
        return data.decode("utf-8"), "utf-8", True
    except UnicodeDecodeError as exc:
        # a multi-byte character cut off at the read limit is still UTF-8
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return data[: exc.start].decode("utf-8"), "utf-8", True
    sample = data[:200_000]
    candidates: dict[str, str] = {}
    for enc in ("gb18030", "big5"):
        try:
            candidates[enc] = sample.decode(enc)
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 2 and len(sample) < len(data):
                candidates[enc] = sample[: exc.start].decode(enc, errors="replace")
    chosen: str | None = None
    if len(candidates) == 1:
        chosen = next(iter(candidates))
    elif candidates:
        scores = {enc: _common_share(t, enc) for enc, t in candidates.items()}
        chosen = max(scores, key=lambda e: (scores[e], e == "gb18030"))
    if chosen is None:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
        if best is not None and best.encoding:
            chosen = best.encoding
    if chosen is None:
        return data.decode("utf-8", errors="replace"), None, False
    text = data.decode(chosen, errors="replace")
    return text, chosen, "\ufffd" not in text[:-2]


def extract_text(path: Path, ftype: str, limits: Limits) -> Extraction:
    data, cut = _read_capped(path, limits)
    text, encoding, clean = decode(data)
    text = text.replace("\x00", "")
    if not clean:
        return Extraction(
            filetype=ftype,
            text=text[: limits.max_chars],
            encoding=encoding,
            flag="encoding",
            reason="the text encoding could not be recognised; some characters were replaced",
        )
    if cut and len(text) <= limits.max_chars:
        return Extraction(
            filetype=ftype,
            text=text,
            encoding=encoding,
            flag="too_large",
            reason="the file is larger than the extraction limit; text stopped there",
        )
    if not text.strip():
        return Extraction(
            filetype=ftype,
            text="",
            encoding=encoding,
            flag="no_text",
            reason="the file holds no text",
        )
    return cap(text, limits, ftype, encoding=encoding)


def extract_eml(path: Path, limits: Limits) -> Extraction:
    import email
    from email import policy

    data, cut = _read_capped(path, limits)
    msg = email.message_from_bytes(data, policy=policy.default)
    lines = []
    for key in ("From", "To", "Cc", "Date", "Subject"):
        value = msg.get(key)
        if value:
            lines.append(f"{key}: {value}")
    bodies: list[str] = []
    attachments: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if filename or part.get_content_disposition() == "attachment":
            attachments.append(str(filename or "attachment"))
            continue
        if part.get_content_type() != "text/plain":
            continue
        raw_payload = part.get_payload(decode=True)
        payload = raw_payload if isinstance(raw_payload, bytes) else b""
        charset = part.get_content_charset()
        text = None
        if charset:
            try:
                text = payload.decode(charset)
            except (LookupError, UnicodeDecodeError):
                text = None
        if text is None:
            text, _enc, _clean = decode(payload)
        bodies.append(text)
    if attachments:
        lines.append("Attachments: " + ", ".join(attachments))
    text = "\n".join(lines) + "\n\n" + "\n\n".join(bodies)
    if not lines and not any(b.strip() for b in bodies):
        return Extraction(filetype="eml", flag="corrupt", reason="not a readable e-mail")
    if cut:
        return Extraction(
            filetype="eml",
            text=text[: limits.max_chars],
            flag="too_large",
            reason="the e-mail is larger than the extraction limit",
        )
    return cap(text, limits, "eml")
