"""Fill translations into a catalog from a JSON object {msgid: translation} (a list of forms
for a plural message): `python -m scripts.po_fill zh_Hant FILE.json [...]`. Prints what is
still untranslated or fuzzy. Used while translating; `make messages` then compiles."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parents[1] / "archivist" / "locale"


def main(argv: list[str]) -> int:
    lang, files = argv[0], argv[1:]
    path = LOCALE / lang / "LC_MESSAGES" / "archivist.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    given: dict[str, object] = {}
    for name in files:
        given.update(json.loads(Path(name).read_text(encoding="utf-8")))
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in given:
            value = given[key]
            if isinstance(message.id, tuple):
                value = (value,) if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]
            message.string = value  # type: ignore[assignment]
            message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog)
    missing = [
        m.id
        for m in catalog
        if m.id and (not all(m.string) if isinstance(m.string, tuple) else not m.string)
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    print(f"{len(missing)} untranslated, {len(fuzzy)} fuzzy", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
