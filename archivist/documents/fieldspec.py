"""Template fields: listing a schema's fields, validating data against it (every problem at
once, by name), turning a model into the values a template shows, and reading user data
(`--data FILE.json|FILE.toml`, `--set key=value`)."""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from archivist.core import clock
from archivist.core.errors import InvalidInput, TemplateError
from archivist.documents.schemas import CONDITIONAL, RULES, DocModel

TYPE_NAMES = {str: "text", int: "integer", bool: "boolean", date: "date", Decimal: "decimal"}


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) of `X | None`."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _base(annotation: Any) -> Any:
    if get_origin(annotation) is typing.Annotated:
        return get_args(annotation)[0]
    return annotation


def _type_name(annotation: Any, metadata: list[Any]) -> str:
    inner, _ = _unwrap(annotation)
    if get_origin(inner) is Literal:
        return "choice(" + "|".join(str(a) for a in get_args(inner)) + ")"
    inner = _base(inner)
    if inner is Decimal:
        text = " ".join(repr(m) for m in metadata) + repr(annotation)
        if "_ser_money" in text:
            return "money"
        if "_ser_decimal" in text:
            return "percent"
    if inner is date:
        return "date"
    return TYPE_NAMES.get(inner, getattr(inner, "__name__", str(inner)))


def _item_model(annotation: Any) -> Any:
    inner, _ = _unwrap(annotation)
    if get_origin(inner) is list:
        (item,) = get_args(inner)
        return item
    return None


def field_specs(model: type[BaseModel], prefix: str = "") -> list[dict[str, Any]]:
    """One entry per field, depth first: name (dotted, `[]` for list items), type, required,
    source (user / ledger / computed), default, description."""
    out: list[dict[str, Any]] = []
    for name, info in model.model_fields.items():
        path = prefix + name
        annotation = info.annotation
        inner, optional = _unwrap(annotation)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        required = info.is_required()
        default = None if required else info.get_default(call_default_factory=True)
        if isinstance(default, Decimal | date):
            default = str(default)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out.extend(field_specs(inner, path + "."))
            continue
        item = _item_model(annotation)
        if item is not None:
            if isinstance(item, type) and issubclass(item, BaseModel):
                out.append(
                    {
                        "name": path,
                        "type": "list",
                        "required": required,
                        "source": extra.get("source", "user"),
                        "default": default,
                        "description": info.description or "",
                    }
                )
                out.extend(field_specs(item, path + "[]."))
                continue
            type_name = "list[" + _type_name(item, []) + "]"
        else:
            type_name = _type_name(annotation, list(info.metadata))
        out.append(
            {
                "name": path,
                "type": type_name,
                "required": required,
                "source": extra.get("source", "user"),
                "default": default,
                "description": info.description or "",
            }
        )
    for name, cinfo in model.model_computed_fields.items():
        out.append(
            {
                "name": prefix + name,
                "type": "text",
                "required": False,
                "source": "computed",
                "default": None,
                "description": cinfo.description or "",
            }
        )
    return out


def declared_paths(model: type[BaseModel]) -> set[str]:
    """The leaves a template may show: `client.name`, `lawyers[].name`, `stages`."""
    return {s["name"] for s in field_specs(model) if s["type"] != "list"}


def skeleton(model: type[BaseModel], only_user: bool = True) -> dict[str, Any]:
    """A data-file skeleton: the fields a user supplies, with defaults or example values."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        inner, _ = _unwrap(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            sub = skeleton(inner, only_user)
            if sub:
                out[name] = sub
            continue
        if only_user and extra.get("source") == "ledger":
            continue
        item = _item_model(info.annotation)
        if item is not None and not info.is_required():
            out[name] = []
            continue
        if item is not None:
            if isinstance(item, type) and issubclass(item, BaseModel):
                out[name] = [skeleton(item, False)]
            else:
                out[name] = [""]
            continue
        if not info.is_required():
            value = info.get_default(call_default_factory=True)
            out[name] = str(value) if isinstance(value, Decimal | date) else value
            continue
        kind = _type_name(info.annotation, list(info.metadata))
        out[name] = {
            "integer": 1,
            "money": "0.00",
            "percent": "10",
            "boolean": False,
            "date": clock.today().isoformat(),
        }.get(kind, "")
        if kind.startswith("choice("):
            out[name] = kind[7:-1].split("|")[0]
    return out


# ----------------------------------------------------------------------------- validation
def _where(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "value"


def _conditional_problems(model: type[DocModel], data: dict[str, Any]) -> list[str]:
    problems = []
    for (field, value), needed in CONDITIONAL.get(model, {}).items():
        if str(data.get(field)) != value:
            continue
        for name in needed:
            if data.get(name) in (None, "", [], {}):
                problems.append(f"{name}: required when {field} is {value!r}")
    return problems


def _required_leaves(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """For a missing object, its required fields by name (`client.number`, `client.name`)."""
    current: Any = model
    for part in loc:
        inner, _ = _unwrap(current)
        if isinstance(part, int):
            current = _item_model(inner)
        elif (
            isinstance(inner, type) and issubclass(inner, BaseModel) and part in inner.model_fields
        ):
            current = inner.model_fields[part].annotation
        else:
            return []
    inner, _ = _unwrap(current)
    if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
        return []
    prefix = _where(loc)
    return [
        f"{prefix}.{s['name']}"
        for s in field_specs(inner)
        if s["required"] and "[]" not in s["name"] and s["type"] != "list"
    ] or [prefix]


def validate(name: str, model: type[DocModel], data: dict[str, Any]) -> DocModel:
    """The validated model, or one TemplateError naming every missing or invalid field."""
    problems: list[str] = []
    result: DocModel | None = None
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            where = _where(loc)
            if err["type"] == "missing":
                leaves = _required_leaves(model, loc)
                if leaves:
                    problems += [f"{leaf}: missing" for leaf in leaves]
                    continue
            msg = "missing" if err["type"] == "missing" else str(err.get("msg", ""))
            msg = msg.removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "not a field of this template"
            problems.append(f"{where}: {msg}")
    problems += _conditional_problems(model, data)
    for rule in RULES.get(model, []):
        problems += rule(data)
    if problems or result is None:
        raise TemplateError(
            f"template {name!r}: {len(problems)} field(s) missing or invalid: "
            + "; ".join(problems),
            f"Supply them with --data FILE or --set key=value; "
            f"`archivist template fields {name}` lists every field.",
        )
    return result


def display_context(model: BaseModel) -> dict[str, Any]:
    """Values as the document shows them: money `50,000.00`, dates `2026年3月1日`."""
    return model.model_dump(mode="json", context={"display": True})


def stored_data(model: BaseModel) -> dict[str, Any]:
    """Plain values recorded with a generated document (re-validates to the same model)."""
    return model.model_dump(mode="json", exclude=set(type(model).model_computed_fields))


def prune(data: Any, model: Any) -> Any:
    """Keep only what `model` declares (for ledger-built data shared by many templates)."""
    inner, _ = _unwrap(model)
    if isinstance(inner, type) and issubclass(inner, BaseModel) and isinstance(data, dict):
        return {
            k: prune(v, inner.model_fields[k].annotation)
            for k, v in data.items()
            if k in inner.model_fields
        }
    item = _item_model(model)
    if item is not None and isinstance(data, list):
        return [prune(v, item) for v in data]
    return data


# ----------------------------------------------------------------------------- user data
MAX_DEPTH = 20  # template data nests a few levels (lawyers[].name); deeper is not data


def _shallow(data: Any, what: str) -> Any:
    """`data`, refused when it nests deeper than MAX_DEPTH (checked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidInput(f"{what} nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return data


def _json(text: str, what: str, hint: str | None = None) -> Any:
    try:
        return _shallow(json.loads(text), what)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{what} is not valid JSON: {exc}", hint) from None
    except RecursionError:
        raise InvalidInput(f"{what} nests deeper than {MAX_DEPTH} levels") from None


def load_data_file(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"data file {p} does not exist") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"data file {p} is not UTF-8 text", "Save it as UTF-8.") from None
    except OSError as exc:
        raise InvalidInput(f"data file {p} cannot be read: {exc.strerror}") from None
    if p.suffix.lower() == ".toml":
        import tomllib

        try:
            data: Any = _shallow(tomllib.loads(text), f"data file {p}")
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(f"data file {p} is not valid TOML: {exc}") from None
        except RecursionError:
            raise InvalidInput(f"data file {p} nests deeper than {MAX_DEPTH} levels") from None
    else:
        data = _json(text, f"data file {p}", "Use a .toml file for TOML.")
    if not isinstance(data, dict):
        raise InvalidInput(f"data file {p} must hold an object (key: value pairs)")
    return data


def _is_list_field(model: type[BaseModel] | None, path: list[str]) -> bool:
    current: Any = model
    for part in path:
        inner, _ = _unwrap(current)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            info = inner.model_fields.get(part)
            if info is None:
                return False
            current = info.annotation
        elif _item_model(current) is not None and part.isdigit():
            current = _item_model(current)
        else:
            return False
    return _item_model(current) is not None


def apply_sets(
    data: dict[str, Any],
    assignments: list[str] | tuple[str, ...],
    model: type[BaseModel] | None = None,
) -> dict[str, Any]:
    """Apply `key=value` (dotted keys, list indexes as numbers: `lawyers.0.phone=...`). A list
    field takes a JSON array or a comma-separated list (`stages=一審,二審`)."""
    out = json.loads(json.dumps(data, default=str))
    for item in assignments:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInput(
                f"--set {item[:60]!r} is not key=value", "Write e.g. --set fee_amount=50000."
            )
        parts = key.split(".")
        parsed: Any = value
        if value.strip().startswith(("[", "{")):
            parsed = _json(value, f"--set {key[:60]}: the value")
        elif _is_list_field(model, parts):
            normal = value.replace("，", ",").replace("、", ",")
            parsed = [v.strip() for v in normal.split(",") if v.strip()]
        target: Any = out
        for i, part in enumerate(parts[:-1]):
            nxt_is_index = parts[i + 1].isdigit()
            if isinstance(target, list):
                idx = int(part) if part.isdigit() else -1
                if not 0 <= idx < len(target):
                    raise InvalidInput(f"--set {key}: there is no item {part} in that list")
                target = target[idx]
                continue
            if part not in target or not isinstance(target[part], dict | list):
                target[part] = [] if nxt_is_index else {}
            target = target[part]
        last = parts[-1]
        if isinstance(target, list):
            idx = int(last) if last.isdigit() else -1
            if idx == len(target):
                target.append(parsed)
            elif 0 <= idx < len(target):
                target[idx] = parsed
            else:
                raise InvalidInput(f"--set {key}: there is no item {last} in that list")
        elif isinstance(target, dict):
            target[last] = parsed
        else:
            raise InvalidInput(f"--set {key}: {'.'.join(parts[:-1])} is not an object")
    return out


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`extra` over `base`, objects merged key by key, lists and values replaced."""
    out = dict(base)
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


_ROW = re.compile(r"(.+?)\[(\d+)\]\.(.+)")


def form_data(model: type[BaseModel], form: Mapping[str, str]) -> dict[str, Any]:
    """The values typed into a form generated from a template's field specs: `a.b` fields
    nested, a `list[...]` field one item a line (or comma-separated), a list of objects as rows
    named `name[i].field` (rows left empty are dropped). Empty fields are left out, so the
    ledger's values and the defaults stand. Validation is `validate`'s."""
    specs = {s["name"]: s for s in field_specs(model) if s["source"] == "user"}
    data: dict[str, Any] = {}
    rows: dict[str, dict[int, dict[str, Any]]] = {}

    def put(target: dict[str, Any], dotted: str, value: Any) -> None:
        *parents, last = dotted.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value

    for key, raw in form.items():
        value = str(raw).strip()
        if not value:
            continue
        row = _ROW.fullmatch(key)
        if row and f"{row[1]}[].{row[3]}" in specs and specs.get(row[1], {}).get("type") == "list":
            put(rows.setdefault(row[1], {}).setdefault(int(row[2]), {}), row[3], value)
            continue
        spec = specs.get(key)
        if spec is None or spec["type"] == "list":
            continue
        if spec["type"].startswith("list["):
            put(data, key, [v.strip() for v in re.split(r"[\n,，、]", value) if v.strip()])
        else:
            put(data, key, value)
    for name, items in rows.items():
        put(data, name, [items[i] for i in sorted(items)])
    return data
