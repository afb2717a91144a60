"""The templates a home can use: the six shipped with archivist (`contract_templates/`) and
those staff add with `archivist template add` (kept in `<home>/templates/<name>/`, one file
per version, never overwritten). A template's version is the start of its SHA-256, recorded
with every document generated from it."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, create_model

from archivist.core.errors import Conflict, InvalidInput, NotFound, TemplateError
from archivist.core.home import TEMPLATES_DIR
from archivist.core.i18n import _
from archivist.documents import fieldspec as fieldmod
from archivist.documents.paperwork import ONLY_IN, PAPERWORK
from archivist.documents.paperwork import title as paper_title
from archivist.documents.schemas import SCHEMAS, TITLES, Day, DocModel, Money, Percent

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "contract_templates"
HOME_DIR = TEMPLATES_DIR
META = "template.json"
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    source: str  # shipped | added
    path: Path
    version: str
    schema: type[DocModel]
    specs: tuple[dict[str, Any], ...] = ()
    added_by: str | None = None
    added_at: str | None = None


def shipped_dir() -> Path:
    return Path(os.environ.get("ARCHIVIST_TEMPLATE_DIR") or SHIPPED_DIR)


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


@lru_cache(maxsize=64)
def _file_version(path: str, mtime_ns: int, size: int) -> str:
    return version_of(Path(path).read_bytes())


def _version(path: Path) -> str:
    st = path.stat()
    return _file_version(str(path), st.st_mtime_ns, st.st_size)


def _home_root(home: Any) -> Path | None:
    if home is None:
        return None
    root = getattr(home, "root", home)
    return Path(root) / HOME_DIR


def _jurisdiction_of(home: Any) -> str | None:
    """[firm] jurisdiction of a home's settings (None without a home)."""
    if home is None or not hasattr(home, "config_path"):
        return None
    try:
        import tomllib

        raw = tomllib.loads(Path(home.config_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    firm = raw.get("firm") if isinstance(raw, dict) else None
    code = firm.get("jurisdiction") if isinstance(firm, dict) else None
    return code if isinstance(code, str) else "tw"


def shipped_names(jurisdiction: str | None = None) -> list[str]:
    """The shipped templates: the six letters and forms, then the paperwork a profile has."""
    code = jurisdiction or "tw"
    return [*SCHEMAS, *(n for n in PAPERWORK if ONLY_IN.get(n, code) == code)]


def get(name: str, home: Any = None, jurisdiction: str | None = None) -> Template:
    """The template called `name` (shipped first, then the home's). A shipped template is the
    one of the jurisdiction's profile (`contract_templates/<tw|cn>/`; default the home's
    [firm] jurisdiction); the six letters and forms without a profile come from the folder
    itself (mainland wording)."""
    key = (name or "").strip().lower()
    code = jurisdiction or _jurisdiction_of(home)
    if key in PAPERWORK:
        from archivist.jurisdictions import get as profile

        p = profile(code)
        if ONLY_IN.get(key, p.code) != p.code:
            raise NotFound(
                _("template {key!r} exists only for the {ONLY_IN} jurisdiction").format(
                    key=key, ONLY_IN=ONLY_IN[key]
                ),
                _("See `archivist template list`."),
            )
        path = shipped_dir() / p.code / f"{key}.docx"
        if not path.is_file():
            raise TemplateError(
                _("the shipped template {path} is missing").format(path=path),
                _("Rebuild it with `python contract_templates/build_templates.py`."),
            )
        return Template(
            name=key,
            title=paper_title(key, p.words, p.matter_types),
            source="shipped",
            path=path,
            version=_version(path),
            schema=PAPERWORK[key],
        )
    if key in SCHEMAS:
        path = shipped_dir() / f"{key}.docx"
        if code and (shipped_dir() / code / f"{key}.docx").is_file():
            path = shipped_dir() / code / f"{key}.docx"
        if not path.is_file():
            raise TemplateError(
                _("the shipped template {path} is missing").format(path=path),
                _("Rebuild it with `python contract_templates/build_templates.py`."),
            )
        return Template(
            name=key,
            title=TITLES[key],
            source="shipped",
            path=path,
            version=_version(path),
            schema=SCHEMAS[key],
        )
    root = _home_root(home)
    meta_path = root / key / META if root is not None and NAME_RE.match(key) else None
    if meta_path is None or not meta_path.is_file():
        raise NotFound(
            _("no template {name!r}").format(name=name[:60]), _("See `archivist template list`.")
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TemplateError(
            _("template {key!r}: {meta_path} cannot be read ({exc})").format(
                key=key, meta_path=meta_path, exc=exc
            )
        ) from None
    specs = tuple(meta.get("fields") or ())
    return Template(
        name=key,
        title=meta.get("title") or key,
        source="added",
        path=meta_path.parent / f"{meta['version']}.docx",
        version=meta["version"],
        schema=model_from_specs(key, list(specs)),
        specs=specs,
        added_by=meta.get("added_by"),
        added_at=meta.get("added_at"),
    )


def list_templates(home: Any = None) -> list[Template]:
    code = _jurisdiction_of(home)
    out = [get(name, home, code) for name in shipped_names(code)]
    root = _home_root(home)
    if root is not None and root.is_dir():
        for d in sorted(root.iterdir()):
            if (d / META).is_file() and NAME_RE.match(d.name):
                try:
                    out.append(get(d.name, home))
                except (TemplateError, NotFound, KeyError):
                    continue
    return out


# ----------------------------------------------------------------------------- schemas
_LEAF_TYPES: dict[str, Any] = {
    "text": str,
    "integer": int,
    "decimal": Decimal,
    "money": Money,
    "percent": Percent,
    "date": Day,
    "boolean": bool,
}


def _leaf(spec: dict[str, Any]) -> Any:
    kind = str(spec.get("type") or "text").strip()
    if kind.startswith("list[") and kind.endswith("]"):
        return list[_leaf({"type": kind[5:-1]})]  # type: ignore[misc]
    if kind.startswith("choice(") and kind.endswith(")"):
        options = tuple(o for o in kind[7:-1].split("|") if o)
        if not options:
            raise TemplateError(_("a choice field needs at least one option: choice(a|b)"))
        return Literal[options]
    if kind == "list":
        return list[dict[str, Any]]
    if kind not in _LEAF_TYPES:
        raise TemplateError(
            _("field {get!r} has unknown type {kind!r}").format(get=spec.get("name"), kind=kind),
            _("Types: {value}").format(
                value=", ".join([*_LEAF_TYPES, "list[text]", "choice(a|b)"])
            ),
        )
    return _LEAF_TYPES[kind]


def model_from_specs(name: str, specs: list[dict[str, Any]]) -> type[DocModel]:
    """A pydantic model from field specs (`template fields --json` form): dotted names nest,
    `name[].x` is a list of objects."""
    tree: dict[str, Any] = {}
    for spec in specs:
        raw = str(spec.get("name") or "")
        if not raw or not re.fullmatch(
            r"[A-Za-z_][A-Za-z0-9_]*(\[\])?(\.[A-Za-z_][A-Za-z0-9_]*"
            r"(\[\])?)*",
            raw,
        ):
            raise TemplateError(
                _("template {name!r}: field name {raw!r} is not valid").format(
                    name=name, raw=raw[:60]
                ),
                _("Use letters, digits and _, dots for parts, [] for lists."),
            )
        node = tree
        parts = raw.split(".")
        for i, part in enumerate(parts):
            key = part.removesuffix("[]")
            entry = node.setdefault(key, {"list": False, "children": {}, "spec": None})
            if part.endswith("[]") and i < len(parts) - 1:
                entry["list"] = True
            if i == len(parts) - 1:
                if part.endswith("[]"):
                    spec = {**spec, "type": f"list[{spec.get('type') or 'text'}]"}
                entry["spec"] = spec
            node = entry["children"]
    return _build(name, tree)


def _build(name: str, tree: dict[str, Any]) -> type[DocModel]:
    defs: dict[str, Any] = {}
    for key, entry in tree.items():
        spec = entry["spec"] or {}
        required = bool(spec.get("required", True))
        desc = spec.get("description") or ""
        extra = {"source": spec.get("source") or "user"}
        if entry["children"]:
            sub = _build(f"{name}_{key}", entry["children"])
            ann: Any = list[sub] if entry["list"] else sub  # type: ignore[valid-type]
            if required:
                defs[key] = (ann, Field(..., description=desc, json_schema_extra=extra))
            else:
                factory = list if entry["list"] else sub
                defs[key] = (
                    ann,
                    Field(default_factory=factory, description=desc, json_schema_extra=extra),
                )
            continue
        ann = _leaf(spec)
        if ann is str:
            ann = str
            constraints: dict[str, Any] = {"max_length": 5000}
            if required:
                constraints["min_length"] = 1
        else:
            constraints = {}
        if required:
            defs[key] = (ann, Field(..., description=desc, json_schema_extra=extra, **constraints))
        else:
            default = spec.get("default")
            if default is None and ann is str:
                default = ""
            defs[key] = (
                ann | None if default is None else ann,
                Field(default=default, description=desc, json_schema_extra=extra, **constraints),
            )
    safe = re.sub(r"\W", "_", name)
    return create_model(f"Template_{safe}", __base__=DocModel, **defs)


def _ledger_paths() -> set[str]:
    out: set[str] = set()
    for model in [*SCHEMAS.values(), *PAPERWORK.values()]:
        out |= {s["name"] for s in fieldmod.field_specs(model) if s["source"] == "ledger"}
    return out


def specs_from_variables(used: set[str]) -> list[dict[str, Any]]:
    """A schema for a template nobody wrote one for: every variable a required text field
    (a list of texts for `x[]`), marked `ledger` where archivist fills it."""
    ledger_paths = _ledger_paths()
    leaves = [
        u
        for u in sorted(used)
        if not any(o != u and (o.startswith(u + ".") or o.startswith(u + "[]")) for o in used)
    ]
    specs = []
    for path in leaves:
        is_list = path.endswith("[]")
        name = path.removesuffix("[]") if is_list else path
        specs.append(
            {
                "name": name,
                "type": "list[text]" if is_list else "text",
                "required": True,
                "description": "",
                "source": "ledger" if name in ledger_paths else "user",
            }
        )
    return specs


def example_data(model: type[DocModel]) -> dict[str, Any]:
    """Complete sample values for a trial render."""
    out: dict[str, Any] = {}
    for key, info in model.model_fields.items():
        out[key] = _example(info.annotation)
    return out


def _example(annotation: Any) -> Any:
    import typing

    inner, _ = fieldmod._unwrap(annotation)
    origin = typing.get_origin(inner)
    if origin is typing.Annotated:
        inner = typing.get_args(inner)[0]
        origin = typing.get_origin(inner)
    if isinstance(inner, type) and issubclass(inner, DocModel):
        return example_data(inner)
    if origin is list:
        (item,) = typing.get_args(inner)
        return [_example(item)]
    if origin is Literal:
        return typing.get_args(inner)[0]
    if inner is int:
        return 1
    if inner is bool:
        return True
    if inner is Decimal:
        return "10"
    if inner is date:
        return "2026-01-01"
    if origin is dict:
        return {}
    return "示例"


# ----------------------------------------------------------------------------- adding
def add(
    home: Any,
    actor: str,
    source: Path,
    name: str,
    title: str | None = None,
    schema: list[dict[str, Any]] | None = None,
    replace: bool = False,
    now: str | None = None,
) -> tuple[Template, list[str]]:
    """Validate and store a staff template. Returns it and the variables it uses.
    Refused (nothing stored) when it does not parse, breaks the sandbox in a trial render, or
    uses a variable the supplied schema does not declare."""
    from archivist.core.safenames import is_reserved
    from archivist.core.store import FILE_MODE
    from archivist.documents import render
    from archivist.documents.discover import undeclared

    key = (name or "").strip().lower()
    if not NAME_RE.match(key) or len(key) > 40 or is_reserved(key):
        raise InvalidInput(
            _("template name {name!r} is not allowed").format(name=name[:60]),
            _(
                "Use 2-40 lower-case ASCII letters, digits and '-' (not a device name such as CON or NUL), e.g. 'retainer-contract'."
            ),
        )
    if key in SCHEMAS or key in PAPERWORK:
        raise Conflict(
            _("{key!r} is a shipped template").format(key=key), _("Choose another --name.")
        )
    path = Path(source)
    if not path.is_file():
        raise NotFound(_("no file {source!r}").format(source=str(source)[:200]))
    data = path.read_bytes()
    render.check_docx(data, str(path.name))
    used = render.variables(data, key)
    odd = sorted(
        u
        for u in used
        if any(part.startswith("_") or not part.strip("[]") for part in u.split("."))
    )
    if odd:
        raise TemplateError(
            _("template {key!r} uses names that cannot be fields: {odd}").format(
                key=key, odd=", ".join(odd[:5])
            ),
            _("Field names start with a letter (no leading '_')."),
        )
    specs = specs_from_variables(used) if schema is None else schema
    model = model_from_specs(key, specs)
    missing = undeclared(used, fieldmod.declared_paths(model))
    if missing:
        raise TemplateError(
            _("template {key!r} uses variables its schema does not declare: {missing}").format(
                key=key, missing=", ".join(missing)
            ),
            _("Add them to the --schema file."),
        )
    # a trial render with sample values: catches sandbox violations and runtime errors now
    sample = fieldmod.validate(key, model, example_data(model))
    render.render_docx(data, fieldmod.display_context(sample), key)

    root = _home_root(home)
    if root is None:
        raise InvalidInput(_("adding a template needs an archivist home"), _("Pass --home DIR."))
    folder = root / key
    meta_path = folder / META
    if meta_path.exists() and not replace:
        raise Conflict(
            _("template {key!r} already exists").format(key=key),
            _("Pass --replace to add a new version (older versions are kept)."),
        )
    version = version_of(data)
    for d in (root, folder):  # templates/: owner and group at most, whatever the umask
        d.mkdir(exist_ok=True, mode=0o750)
        os.chmod(d, 0o750)
    target = folder / f"{version}.docx"
    if not target.exists():
        tmp = folder / f".tmp-{os.getpid()}-{version}.docx"
        tmp.write_bytes(data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    meta = {
        "name": key,
        "title": (title or key).strip()[:200],
        "version": version,
        "sha256": hashlib.sha256(data).hexdigest(),
        "fields": specs,
        "variables": sorted(used),
        "added_by": actor,
        "added_at": now,
        "original_name": path.name,
    }
    tmp = folder / f".tmp-{os.getpid()}-{META}"
    tmp.write_text(
        json.dumps(meta, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, meta_path)
    return get(key, home), sorted(used)
