"""`archivist.toml`: the firm's settings. Read with tomllib, validated with pydantic."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from archivist.core.errors import InvalidInput
from archivist.core.i18n import _

CONFIG_NAME = "archivist.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FirmSettings(_Section):
    name: str = Field(min_length=1)
    address: str = ""
    phone: str = ""
    email: str = ""
    fax: str = ""
    bank_account: str = ""
    tax_id: str = ""
    complaint_phone: str = ""  # the dedicated line letters and notices give for complaints
    complaint_email: str = ""
    timezone: str = "Asia/Taipei"
    # the jurisdiction profile (archivist.jurisdictions): currency, identity labels, template
    # wording and fee rules; tw = Taiwan, cn = mainland China
    jurisdiction: Literal["tw", "cn"] = "tw"
    roc_dates: bool = False  # Taiwan: dates in documents as 民國115年12月1日
    # the interface's language for this home (zh_Hant or en); None: the locale's (archivist.core.i18n)
    language: str | None = None

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        from archivist.core.i18n import LANGUAGES, normalize

        if value is None:
            return None
        found = normalize(value)
        if found is None:
            raise ValueError(
                _("unknown language {value!r} (use one of: {known})").format(
                    value=value[:40], known=", ".join(LANGUAGES)
                )
            )
        return found

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(
                f"unknown time zone {value[:60]!r} (use an IANA name such as 'Asia/Taipei')"
            ) from None
        return value


# sample values each numbering format is tried with
_NUMBER_SAMPLES: dict[str, dict[str, object]] = {
    "client": {"cls": "C", "seq": 1},
    "matter": {"year": 2026, "code": "MS", "seq": 1},
    "document": {"client": "C0001", "seq": 1},
    "consultation": {"year": 2026, "seq": 1},
    "loan": {"year": 2026, "seq": 1},
    "complaint": {"year": 2026, "seq": 1},
}


class NumberingSettings(_Section):
    # {cls}: class letter from the client's name; {seq}: sequence within the class
    client: str = "{cls}{seq:04d}"
    # {year}, {code} (XS, MS, ...), {seq}: sequence per year and type
    matter: str = "{year}-{code}-{seq:04d}"
    # {client}: the client's number; {seq}: sequence within the client
    document: str = "{client}-{seq:04d}"
    consultation: str = "ZX{year}-{seq:04d}"
    loan: str = "JY{year}-{seq:04d}"
    complaint: str = "TS{year}-{seq:04d}"

    @field_validator("*")
    @classmethod
    def _formats(cls, value: str, info: object) -> str:
        name = getattr(info, "field_name", "")
        try:
            made = value.format(**_NUMBER_SAMPLES.get(name, {}))
        except (KeyError, ValueError, IndexError, AttributeError) as exc:
            raise ValueError(f"the format {value[:60]!r} cannot be filled in ({exc})") from None
        if not made.strip() or len(made) > 40:
            raise ValueError(
                f"the format {value[:60]!r} makes {made[:60]!r}: numbers must be 1-40 characters"
            )
        return value


class DeadlineSettings(_Section):
    contact_days: int = Field(
        default=3, ge=0, le=365
    )  # lawyer must contact the client after acceptance
    loan_days: int = Field(default=7, ge=1, le=365)  # default borrowing period
    loan_max_days: int = Field(default=30, ge=1, le=3650)
    overdue_loan_ends_access: bool = True
    complaint_days: int = Field(default=15, ge=1, le=365)  # default complaint handling time
    complaint_first_response_days: int = Field(default=2, ge=0, le=365)
    # an acceptance notice promising contact by a date already past: refuse or warn
    late_acceptance_notice: Literal["refuse", "warn"] = "refuse"
    # deadlines counted in working days (weekends, the jurisdiction's public holidays and
    # extra_holidays skipped): any of "contact", "complaint"
    working_days: list[Literal["contact", "complaint"]] = Field(default_factory=list)
    extra_holidays: list[date] = Field(default_factory=list)  # the firm's own closed days

    # a lawyer's access to a closed matter's client archive ends this long after closure;
    # after that, a loan (issue 21)
    closed_matter_access_days: int = Field(default=90, ge=0, le=36500)


class FeeSettings(_Section):
    """Overrides of the jurisdiction's fee rules (None: the profile's, see
    archivist.jurisdictions.fees)."""

    contingency_forbidden: list[str] | None = None  # matter types with no contingency fee
    # [[upper bound of the disputed amount or 0 for the rest, percent], ...]
    contingency_bands: list[list[float]] | None = None
    source: str | None = None  # what the documents and errors cite


RetentionClass = Literal["permanent", "long", "short"]


def _default_classes() -> dict[str, RetentionClass]:
    return {
        "criminal": "long",
        "civil": "long",
        "family": "long",
        "administrative": "long",
        "arbitration": "long",
        "non-litigation": "short",
        "retainer": "short",
        "consultation": "short",
    }


class RetentionSettings(_Section):
    years_after_closure: int = Field(default=30, ge=1, le=200)  # before issue 22: one term
    # Retention classes of a volume (issue 22). The three classes are those of the 律師業務檔案
    # 管理辦法 (司法部、國家檔案局, 1991); the years follow the court-archive convention (長期
    # 60 years, 短期 30 years). Permanent volumes are never proposed for disposal.
    long_years: int = Field(default=60, ge=1, le=200)
    short_years: int = Field(default=30, ge=1, le=200)
    # the class a matter type's volume gets unless set at sealing
    default_class: dict[str, RetentionClass] = Field(default_factory=lambda: _default_classes())
    # a disposal needs a second approver (not the proposer, not the head who approved)
    second_approver: bool = False


def _default_checklists() -> dict[str, dict[str, list[str]]]:
    """Per matter type: checklist item -> words that find it in a document's title, file name
    or template (compared after Traditional->Simplified folding)."""
    contract = ["委託合同", "委託協議", "法律服務合同", "聘請律師合同", "contract", "engagement"]
    poa = ["授權委託書", "委託書", "power of attorney"]
    outcome = ["判決", "裁定", "調解", "和解", "裁決", "judgment", "settlement", "award"]
    closing = ["結案報告", "結案總結", "closing report"]
    return {
        "civil": {
            "委託合同": contract,
            "授權委託書": poa,
            "訴狀": ["起訴狀", "答辯狀", "上訴狀", "pleading", "complaint"],
            "證據": ["證據", "evidence"],
            "判決或調解書": outcome,
            "結案報告": closing,
        },
        "administrative": {
            "委託合同": contract,
            "授權委託書": poa,
            "訴狀": ["起訴狀", "答辯狀", "上訴狀", "pleading"],
            "證據": ["證據", "evidence"],
            "判決或裁定": outcome,
            "結案報告": closing,
        },
        "arbitration": {
            "委託合同": contract,
            "授權委託書": poa,
            "仲裁申請書": ["仲裁申請", "答辯", "application"],
            "證據": ["證據", "evidence"],
            "裁決或調解書": outcome,
            "結案報告": closing,
        },
        "criminal": {
            "委託合同": contract,
            "授權委託書": poa,
            "起訴書": ["起訴書", "indictment"],
            "辯護詞": ["辯護詞", "辯護意見", "defence"],
            "判決或裁定": outcome,
            "結案報告": closing,
        },
        "non-litigation": {
            "委託合同": contract,
            "工作成果": ["法律意見", "盡職調查", "審查", "opinion", "report"],
            "結案報告": closing,
        },
        "retainer": {
            "顧問合同": ["顧問合同", "常年法律顧問", *contract],
            "工作記錄": ["工作記錄", "工作日誌", "work record"],
            "結案報告": closing,
        },
        "consultation": {
            "諮詢記錄": ["諮詢", "consultation"],
        },
    }


class VolumeSettings(_Section):
    # a closed matter's volume is to be sealed (立卷歸檔) within this many months of closure
    archive_months: int = Field(default=3, ge=0, le=120)
    checklists: dict[str, dict[str, list[str]]] = Field(default_factory=_default_checklists)


class SearchSettings(_Section):
    synonyms: list[list[str]] = Field(
        default_factory=lambda: [["合同", "合約", "契約"], ["律師", "律师"], ["訴訟", "诉讼"]]
    )


class LimitSettings(_Section):
    max_file_mb: int = Field(default=512, ge=1)
    max_extract_chars: int = Field(default=5_000_000, ge=1000)
    max_inflated_mb: int = Field(default=200, ge=1)
    extract_timeout_s: int = Field(default=60, ge=1)


class TestingSettings(_Section):
    # Honour ARCHIVIST_NOW (a fixed clock) in this home: for test and demo homes only.
    clock_override: bool = False


class IndexSettings(_Section):
    # the full-text engine; None (a home from before the setting) keeps the engine its index
    # was built with, Whoosh when it has none. `archivist index rebuild --engine` switches.
    engine: Literal["tantivy", "whoosh"] | None = None
    # the text indexed per document stops at either limit (the document is flagged): the
    # index's memory and time grow with the distinct terms one document brings
    max_index_mb: int = Field(default=10, ge=1, le=1024)
    max_index_terms: int = Field(default=100_000, ge=1000, le=10_000_000)


class LedgerSettings(_Section):
    # where the ledger lives: None = archive_store/ledger.sqlite3; or a PostgreSQL URL
    # (postgresql+psycopg://USER@HOST/DB). `archivist ledger move` changes it.
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite:///", "postgresql", "postgres://")):
            raise ValueError(
                "the ledger URL must start with postgresql+psycopg:// (or be left "
                "out for the SQLite file in archive_store/)"
            )
        return value


class OcrSettings(_Section):
    # Tesseract languages for scanned pages and images (issue 24), joined with "+"
    languages: str = Field(default="chi_tra+chi_sim+eng", pattern=r"^[A-Za-z_]+(\+[A-Za-z_]+)*$")
    timeout_s: int = Field(default=600, ge=5)  # one document's OCR
    # Tesseract's orientation confidence needed to turn a page; OCRmyPDF's default (14) leaves
    # Chinese pages sideways (their confidence is 2-4), so it is lower here
    rotate_threshold: float = Field(default=1.5, ge=0)
    convert_timeout_s: int = Field(default=300, ge=5)  # one LibreOffice batch


# legal-form suffixes the conflict check removes from company names before comparing them
DEFAULT_LEGAL_FORMS = (
    "股份有限公司",
    "有限責任公司",
    "有限公司",
    "(股)公司",
    "股份公司",
    "公司",
    "集團",
    "事務所",
    "商行",
    "co.",
    "company",
    "ltd.",
    "limited",
    "inc.",
    "incorporated",
    "corp.",
    "corporation",
    "llc",
    "llp",
    "lp",
    "plc",
    "gmbh",
    "ag",
    "s.a.",
    "pte",
    "pty",
    "group",
)


class ConflictSettings(_Section):
    """How names are matched and what a conflict blocks (issue 21; the rules and their strengths
    are listed in archivist/matters/conflict_names.py)."""

    min_cjk_chars: int = Field(default=4, ge=2, le=50)  # shortest Chinese name found inside another
    min_latin_words: int = Field(default=2, ge=1, le=20)  # ... and Latin name, in whole words
    # legal-form suffixes removed before comparing (Traditional or Simplified, any case)
    legal_forms: list[str] = Field(
        default_factory=lambda: list(DEFAULT_LEGAL_FORMS), max_length=200
    )
    # a hit on someone the firm acts for blocks at this strength (0-100) or above; below, it warns
    block_strength: int = Field(default=70, ge=1, le=101)
    # hits weaker than this are not reported at all
    report_strength: int = Field(default=40, ge=1, le=100)
    # checks that only warn, never block (consultation, matter-open, party-add, reassign,
    # loan-approve, complaint-assign)
    warn_only: list[str] = Field(default_factory=lambda: ["consultation"])

    @field_validator("warn_only")
    @classmethod
    def _known_checks(cls, value: list[str]) -> list[str]:
        known = (
            "consultation",
            "matter-open",
            "party-add",
            "reassign",
            "loan-approve",
            "complaint-assign",
        )
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ValueError(f"unknown check {unknown[0]!r} (known: {', '.join(known)})")
        return value


class Settings(_Section):
    firm: FirmSettings
    numbering: NumberingSettings = Field(default_factory=lambda: NumberingSettings())
    deadlines: DeadlineSettings = Field(default_factory=lambda: DeadlineSettings())
    retention: RetentionSettings = Field(default_factory=lambda: RetentionSettings())
    fees: FeeSettings = Field(default_factory=lambda: FeeSettings())
    volumes: VolumeSettings = Field(default_factory=lambda: VolumeSettings())
    search: SearchSettings = Field(default_factory=lambda: SearchSettings())
    limits: LimitSettings = Field(default_factory=lambda: LimitSettings())
    testing: TestingSettings = Field(default_factory=lambda: TestingSettings())
    index: IndexSettings = Field(default_factory=lambda: IndexSettings())
    ledger: LedgerSettings = Field(default_factory=lambda: LedgerSettings())
    ocr: OcrSettings = Field(default_factory=lambda: OcrSettings())
    conflicts: ConflictSettings = Field(default_factory=lambda: ConflictSettings())


def load(path: Path) -> Settings:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        where = _key_at(path, str(exc))
        raise InvalidInput(
            _("{path} is not valid TOML{where}: {exc}").format(path=path, where=where, exc=exc),
            _("Fix the file and try again."),
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(
            _("{path} is not UTF-8 text").format(path=path), _("Save it as UTF-8.")
        ) from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            _("{path}: setting {where!r}: {removeprefix}").format(
                path=path, where=where, removeprefix=first["msg"].removeprefix("Value error, ")
            ),
            _("Fix archivist.toml and try again."),
        ) from None


def _key_at(path: Path, message: str) -> str:
    """' (setting 'section.key')' for the line a TOML error points at, when it has a key."""
    import re

    found = re.search(r"line (\d+)", message)
    if not found:
        return ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    number = int(found.group(1))
    section = ""
    for line in lines[: number - 1]:
        head = re.match(r"\s*\[([^\]]+)\]", line)
        if head:
            section = head.group(1).strip() + "."
    if number > len(lines):
        return ""
    key = re.match(r"\s*([A-Za-z0-9_.-]+)\s*=", lines[number - 1])
    return f" (setting '{section}{key.group(1)}')" if key else ""


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if ord(c) >= 0x20 else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def ledger_section(url: str | None) -> str:
    if url is None:
        return ""
    return (
        "\n[ledger]\n# the ledger's database (issue 19); store and index stay in this folder\n"
        f"url = {_toml_str(url)}\n"
    )


def read_ledger_url(path: Path) -> str | None:
    """[ledger] url of the home's settings, without validating the rest (None: SQLite)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # `config.load` reports the problem where the settings are used
    section = raw.get("ledger")
    url = section.get("url") if isinstance(section, dict) else None
    return url if isinstance(url, str) and url else None


def write_ledger_url(path: Path, url: str | None) -> None:
    """Point the settings at another ledger: the [ledger] section is replaced (or removed for
    the SQLite file), the rest of the file kept as it is; written atomically, owner only."""
    import os
    import re

    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept: list[str] = []
    inside = False
    for line in lines:
        head = re.match(r"\s*\[([^\]]+)\]", line)
        if head:
            inside = head.group(1).strip() == "ledger"
        if not inside:
            kept.append(line)
    text = "".join(kept).rstrip("\n") + "\n" + ledger_section(url)
    Settings.model_validate(tomllib.loads(text))
    tmp = path.with_suffix(".toml.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


FIRM_CONTACT_KEYS = (
    "address",
    "phone",
    "email",
    "fax",
    "bank_account",
    "tax_id",
    "complaint_phone",
    "complaint_email",
)


def default_text(
    firm_name: str,
    jurisdiction: str = "tw",
    contact: dict[str, str] | None = None,
    language: str = "zh_Hant",
) -> str:
    """The archivist.toml written by `archivist init`, commented for the people who edit it."""
    d = DeadlineSettings()
    n = NumberingSettings()
    contact = contact or {}
    zone = "Asia/Shanghai" if jurisdiction == "cn" else "Asia/Taipei"
    firm_lines = "".join(
        f"{key} = {_toml_str(contact.get(key) or '')}\n" for key in FIRM_CONTACT_KEYS
    )
    return f"""# archivist settings. Edit with care; `archivist init` wrote the defaults.

[firm]
name = {_toml_str(firm_name)}
# contact details printed on letters and contracts (`archivist firm set`); a document whose
# template shows an empty one is refused, naming it
{firm_lines}timezone = "{zone}"        # the zone of every date and time in the ledger
# tw (Taiwan) or cn (mainland China): currency, identity labels, template wording, fee rules
jurisdiction = "{jurisdiction}"
roc_dates = false               # Taiwan: dates in documents as 民國115年12月1日
language = {_toml_str(language)}           # zh_Hant (Traditional Chinese) or en: messages, help, registers

[numbering]
# Client archives are classified and numbered by the client's name (policy 客戶檔案管理 一):
# {{cls}} is the first letter of the name's romanisation (pinyin for Chinese), {{seq}} the number
# within that class. Numbers are never reused.
client = {_toml_str(n.client)}
matter = {_toml_str(n.matter)}          # {{year}}, {{code}} (MS, XS, ...), {{seq}} per year and type
document = {_toml_str(n.document)}      # {{client}}, {{seq}} per client
consultation = {_toml_str(n.consultation)}
loan = {_toml_str(n.loan)}
complaint = {_toml_str(n.complaint)}

[deadlines]
contact_days = {d.contact_days}                # lawyer contacts the client within N days of acceptance
loan_days = {d.loan_days}                   # default borrowing period
loan_max_days = {d.loan_max_days}
overdue_loan_ends_access = true
complaint_days = {d.complaint_days}             # handling time for a complaint
complaint_first_response_days = {d.complaint_first_response_days}
late_acceptance_notice = "refuse"   # or "warn": a notice whose contact date has passed
working_days = []               # deadlines counted in working days: "contact", "complaint"
extra_holidays = []             # the firm's own closed days, e.g. [2026-12-24]

closed_matter_access_days = {d.closed_matter_access_days}       # a lawyer reads a closed matter's client this long; then a loan

[fees]
# The jurisdiction's fee rules apply (README, "Jurisdiction profiles"); uncomment to override.
# contingency_forbidden = ["criminal", "family"]
# contingency_bands = [[1000000, 18], [5000000, 15], [0, 6]]   # [upper bound or 0, percent]

[retention]
years_after_closure = 30        # how long a closed matter's file is kept (before volumes)
# Volume retention classes (永久 / 長期 / 短期) of the 律師業務檔案管理辦法 (1991); the years
# follow the court-archive convention. Permanent volumes are never disposed of.
long_years = 60
short_years = 30
second_approver = false         # true: a disposal also needs a second approver

[volumes]
archive_months = 3              # seal a closed matter's volume within N months of closure

[search]
# Words that find each other in full-text search (after Traditional→Simplified folding).
synonyms = [["合同", "合約", "契約"], ["律師", "律师"], ["訴訟", "诉讼"]]

[limits]
max_file_mb = 512               # larger files are refused at filing
max_extract_chars = 5000000     # text extraction stops here and flags the document
max_inflated_mb = 200           # a .docx inflating beyond this is a zip bomb
extract_timeout_s = 60

[index]
engine = "tantivy"              # or "whoosh"; `archivist index rebuild --engine` switches
max_index_mb = 10               # text indexed per document; the rest is not searchable (flagged)
max_index_terms = 100000        # ... and at most this many distinct words/character pairs

[conflicts]
# How names are matched (rules and strengths: archivist/matters/conflict_names.py) and what a
# conflict blocks. legal_forms (company suffixes removed before comparing) keeps its default
# list unless you write one here.
min_cjk_chars = 4               # shortest Chinese name found inside another
min_latin_words = 2             # ... and Latin name, in whole words
block_strength = 70             # a hit on someone the firm acts for blocks at this strength
report_strength = 40            # weaker hits are not shown
warn_only = ["consultation"]    # checks that warn and never block
"""


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _toml_str(str(value))


def write_firm(path: Path, values: dict[str, object]) -> None:
    """Set keys of [firm] in archivist.toml, keeping the rest of the file (comments included)
    as it is; the result is validated before it replaces the file (atomically, owner only)."""
    import os
    import re

    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out: list[str] = []
    inside = False
    done: set[str] = set()
    firm_end = None
    for line in lines:
        head = re.match(r"\s*\[([^\]]+)\]", line)
        if head:
            if inside:
                firm_end = len(out)
            inside = head.group(1).strip() == "firm"
        if inside:
            key = re.match(r"\s*([A-Za-z_]+)\s*=", line)
            if key and key.group(1) in values:
                name = key.group(1)
                out.append(f"{name} = {_toml_value(values[name])}\n")
                done.add(name)
                continue
        out.append(line)
    if inside:
        firm_end = len(out)
    missing = [k for k in values if k not in done]
    if missing:
        if firm_end is None:
            raise InvalidInput(_("{path} has no [firm] section").format(path=path))
        while firm_end > 0 and not out[firm_end - 1].strip():
            firm_end -= 1
        extra = [f"{k} = {_toml_value(values[k])}\n" for k in missing]
        out[firm_end:firm_end] = extra
    text = "".join(out)
    try:
        Settings.model_validate(tomllib.loads(text))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            _("setting {where!r}: {removeprefix}").format(
                where=where, removeprefix=first["msg"].removeprefix("Value error, ")
            )
        ) from None
    tmp = path.with_suffix(".toml.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
