"""`archivist.toml`: the firm's settings. Read with tomllib, validated with pydantic."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from archivist.errors import InvalidInput

CONFIG_NAME = "archivist.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FirmSettings(_Section):
    name: str = Field(min_length=1)
    address: str = ""
    phone: str = ""
    email: str = ""
    timezone: str = "Asia/Taipei"


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


class DeadlineSettings(_Section):
    contact_days: int = Field(default=3, ge=0, le=365)  # lawyer must contact the client after acceptance
    loan_days: int = Field(default=7, ge=1, le=365)  # default borrowing period
    loan_max_days: int = Field(default=30, ge=1, le=3650)
    overdue_loan_ends_access: bool = True
    complaint_days: int = Field(default=15, ge=1, le=365)  # default complaint handling time
    complaint_first_response_days: int = Field(default=2, ge=0, le=365)


class RetentionSettings(_Section):
    years_after_closure: int = Field(default=30, ge=1, le=200)


class SearchSettings(_Section):
    synonyms: list[list[str]] = Field(
        default_factory=lambda: [["合同", "合約", "契約"], ["律師", "律师"], ["訴訟", "诉讼"]]
    )


class IndexSettings(_Section):
    # the full-text engine; None (a home from before the setting) keeps the engine its index
    # was built with, Whoosh when it has none. `archivist index rebuild --engine` switches.
    engine: Literal["tantivy", "whoosh"] | None = None


class LimitSettings(_Section):
    max_file_mb: int = Field(default=512, ge=1)
    max_extract_chars: int = Field(default=5_000_000, ge=1000)
    max_inflated_mb: int = Field(default=200, ge=1)
    extract_timeout_s: int = Field(default=60, ge=1)


class Settings(_Section):
    firm: FirmSettings
    numbering: NumberingSettings = Field(default_factory=lambda: NumberingSettings())
    deadlines: DeadlineSettings = Field(default_factory=lambda: DeadlineSettings())
    retention: RetentionSettings = Field(default_factory=lambda: RetentionSettings())
    search: SearchSettings = Field(default_factory=lambda: SearchSettings())
    limits: LimitSettings = Field(default_factory=lambda: LimitSettings())
    index: IndexSettings = Field(default_factory=lambda: IndexSettings())


def load(path: Path) -> Settings:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{path} is not valid TOML: {exc}", "Fix the file and try again.") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text", "Save it as UTF-8.") from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            f"{path}: setting {where!r}: {first['msg']}", "Fix archivist.toml and try again."
        ) from None


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if ord(c) >= 0x20 else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def default_text(firm_name: str) -> str:
    """The archivist.toml written by `archivist init`, commented for the people who edit it."""
    d = DeadlineSettings()
    n = NumberingSettings()
    return f"""# archivist settings. Edit with care; `archivist init` wrote the defaults.

[firm]
name = {_toml_str(firm_name)}
address = ""
phone = ""
email = ""
timezone = "Asia/Taipei"        # the zone of every date and time in the ledger

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

[retention]
years_after_closure = 30        # how long a closed matter's file is kept

[search]
# Words that find each other in full-text search (after Traditional→Simplified folding).
synonyms = [["合同", "合約", "契約"], ["律師", "律师"], ["訴訟", "诉讼"]]

[index]
engine = "tantivy"              # or "whoosh"; `archivist index rebuild --engine` switches

[limits]
max_file_mb = 512               # larger files are refused at filing
max_extract_chars = 5000000     # text extraction stops here and flags the document
max_inflated_mb = 200           # a .docx inflating beyond this is a zip bomb
extract_timeout_s = 60
"""
