"""The search query language, read once into a small tree that every engine compiles.

    合同 違約金            both words (AND is implied; AND may be written)
    "exact phrase"         the words in this order
    違約金 OR NDA          either (OR binds its two neighbours)
    -草稿  NOT 草稿        exclude
    title:合同             in the title only
    client:C0001  matter:2024-MS-0001  section:contract  type:pdf
    filed:2024-01..2024-06  filed:2024  filed:2024-03-05  filed:2024-01..   (months or days)

Punctuation in a word (《》「」『』（）, full or half width) is ignored, and a word is found across a
line break in the document (see archivist.search.analysis). A malformed query is InvalidInput.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from archivist.core.errors import InvalidInput
from archivist.core.i18n import _
from archivist.search.analysis import fold_query_text, query_tokens, title_key

MAX_QUERY = 1000
FILTERS = ("client", "matter", "section", "type", "filed")
HINT = (
    'Use words, "quoted phrases", OR, -word, and client:, matter:, section:, type:, '
    "filed:2024-01..2024-06 (see `archivist search --help`)."
)
_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?"([^"]*)"|(\S+)')


@dataclass
class Atom:
    """One word or phrase, already analysed into the tokens it must match in order."""

    text: str
    tokens: list[str]
    title_only: bool = False


@dataclass
class Clause:
    """Alternatives (OR) of which one must match, or, negated, none may."""

    atoms: list[Atom]
    negated: bool = False


@dataclass
class Query:
    clauses: list[Clause] = field(default_factory=list)
    client: str | None = None
    matter: str | None = None
    section: str | None = None
    filetype: str | None = None
    filed_from: date | None = None
    filed_to: date | None = None

    @property
    def positive(self) -> list[Atom]:
        return [a for c in self.clauses if not c.negated for a in c.atoms]

    @property
    def title_key(self) -> str:
        """The key of the title a document must have to rank first (see analysis.title_key)."""
        atoms = [c.atoms[0] for c in self.clauses if not c.negated and len(c.atoms) == 1]
        if len(atoms) != len([c for c in self.clauses if not c.negated]):
            return ""
        return "".join(title_key(a.text) for a in atoms)


def _bad(what: str) -> InvalidInput:
    return InvalidInput(_("the search query could not be read: {what}").format(what=what), HINT)


def _month_or_day(text: str, end: bool) -> date:
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if not m:
        raise _bad(f"filed:{text} is not a year, month (2024-01) or day (2024-01-31)")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if mo is None:
            return date(y, 12, 31) if end else date(y, 1, 1)
        if d is None:
            month = int(mo)
            return date(y, month, calendar.monthrange(y, month)[1] if end else 1)
        return date(y, int(mo), int(d))
    except ValueError:
        raise _bad(f"filed:{text} is not a real date") from None


def _filed(value: str) -> tuple[date | None, date | None]:
    if ".." in value:
        a, b = value.split("..", 1)
        start = _month_or_day(a, False) if a else None
        end = _month_or_day(b, True) if b else None
        if start is None and end is None:
            raise _bad("filed: needs a date before or after ..")
        if start and end and start > end:
            raise _bad(f"filed:{value} ends before it starts")
        return start, end
    return _month_or_day(value, False), _month_or_day(value, True)


def _atom(text: str, title_only: bool, synonyms: list[list[str]]) -> list[Atom]:
    """The word or phrase and its synonym variants (each an alternative)."""
    tokens = query_tokens(text)
    if not tokens:
        return []
    out = [Atom(text, tokens, title_only)]
    norm = fold_query_text(text)
    for group in synonyms:
        folded = sorted({fold_query_text(w) for w in group if w.strip()}, key=len, reverse=True)
        for word in folded:
            idx = norm.find(word)
            if idx < 0:
                continue
            for other in folded:
                if other != word:
                    variant = norm[:idx] + other + norm[idx + len(word) :]
                    if all(a.tokens != query_tokens(variant) for a in out):
                        out.append(Atom(variant, query_tokens(variant), title_only))
            break
    return out


def parse(text: str, synonyms: list[list[str]] | None = None) -> Query:
    """Read a query string (see the module docstring)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("the search query is empty"), _("Give some words to search for."))
    if len(text) > MAX_QUERY:
        raise InvalidInput(
            _("the search query is longer than {MAX_QUERY} characters").format(MAX_QUERY=MAX_QUERY)
        )
    if text.count('"') % 2:
        raise _bad("a quotation mark is not closed")
    q = Query()
    pending_or = False
    negate_next = False
    tokens = list(_TOKEN.finditer(text))
    for i, m in enumerate(tokens):
        minus, qfield, quoted, bare = m.group(1), m.group(2), m.group(3), m.group(4)
        negated = negate_next or bool(minus)
        title_only = False
        if qfield is not None:  # field:"a quoted value"
            if qfield.lower() == "title":
                title_only = True
            elif qfield.lower() in FILTERS:
                bare = f"{qfield}:{quoted}"
            else:
                quoted = f"{qfield} {quoted}"
        if bare is not None:
            if bare == "OR":
                if not q.clauses or i == len(tokens) - 1 or pending_or or negate_next:
                    raise _bad("OR needs a word on each side")
                pending_or = True
                continue
            if bare == "AND":
                if pending_or or negate_next or not q.clauses or i == len(tokens) - 1:
                    raise _bad("AND needs a word on each side")
                continue
            if bare == "NOT":
                if negate_next or i == len(tokens) - 1:
                    raise _bad("NOT needs a word after it")
                negate_next = True
                continue
            word = bare
            if word.startswith("-") and len(word) > 1:
                negated, word = True, word[1:]
            name, colon, value = word.partition(":")
            if colon and name.lower() in FILTERS + ("title",):
                name = name.lower()
                if not value:
                    raise _bad(f"{name}: needs a value")
                if name == "title":
                    if value.startswith('"'):
                        value = value.strip('"')
                    title_only = True
                    word = value
                else:
                    if negated or pending_or:
                        raise _bad(f"{name}: cannot be excluded or OR-ed")
                    if name == "filed":
                        q.filed_from, q.filed_to = _filed(value)
                    else:
                        setattr(q, "filetype" if name == "type" else name, value)
                    continue
            quoted = word
        negate_next = False
        atoms = _atom(quoted or "", title_only, synonyms or [])
        if not atoms:
            if pending_or:
                raise _bad(f"{m.group(0)!r} holds no word to search for")
            continue
        if pending_or:
            last = q.clauses[-1]
            if last.negated or negated:
                raise _bad("OR cannot join an excluded word")
            last.atoms.extend(atoms)
            pending_or = False
            continue
        q.clauses.append(Clause(atoms, negated))
    if pending_or:
        raise _bad("OR needs a word on each side")
    if q.clauses and all(c.negated for c in q.clauses):
        raise _bad("a query of excluded words only finds nothing to exclude from")
    if not q.clauses and not any(
        (q.client, q.matter, q.section, q.filetype, q.filed_from, q.filed_to)
    ):
        raise _bad("it holds no word to search for")
    return q
