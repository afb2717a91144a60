"""Documents generated from Word templates (docxtpl, hardened): service contracts, closure and
acceptance letters, complaint replies, loan approval forms and archive contents lists.

Library entry points for other features:

    render_to_bytes(ctx, "loan-form", data) -> bytes   # validates, fills the firm, renders
    fields("loan-form") -> [TemplateField, ...]        # what a template needs

Heavy imports (docxtpl, lxml, jinja2) happen inside the functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archivist.core.i18n import _

if TYPE_CHECKING:
    from archivist.core.context import Context
    from archivist.models import TemplateField

# date fields that default to today when not supplied
TODAY_FIELDS: dict[str, tuple[str, ...]] = {
    "service-contract": ("sign_date",),
    "closure-letter": ("letter_date",),
    "acceptance-notice": ("notice_date",),
    "complaint-reply": ("reply_date",),
    "contents-list": ("compiled_date",),
    **{
        f"engagement-{t}": ("sign_date",)
        for t in (
            "civil",
            "criminal",
            "family",
            "administrative",
            "arbitration",
            "non-litigation",
            "retainer",
            "consultation",
        )
    },
    "power-of-attorney": ("sign_date",),
    "risk-notice": ("sign_date",),
    "lawyer-letter": ("letter_date",),
    "certified-letter": ("letter_date",),
    "fee-receipt": ("paid_date",),
}

# contact fields a document may not show empty, and how to fill each
CONTACT_FIELDS: dict[str, str] = {
    "firm.address": "archivist firm set --address ...",
    "firm.phone": "archivist firm set --phone ...",
    "firm.email": "archivist firm set --email ...",
    "firm.fax": "archivist firm set --fax ...",
    "firm.bank_account": "archivist firm set --bank-account ...",
    "firm.tax_id": "archivist firm set --tax-id ...",
    "firm.complaint_phone": "archivist firm set --complaint-phone ...",
    "firm.complaint_email": "archivist firm set --complaint-email ...",
    "client.address": "archivist client edit NUMBER --address ...",
    "client.phone": "archivist client edit NUMBER --phone ...",
    "client.email": "archivist client edit NUMBER --email ...",
}


def firm_data(settings: Any) -> dict[str, str]:
    f = settings.firm
    return {
        "name": f.name,
        "address": f.address,
        "phone": f.phone,
        "email": f.email,
        "fax": f.fax,
        "bank_account": f.bank_account,
        "tax_id": f.tax_id,
        "complaint_phone": f.complaint_phone,
        "complaint_email": f.complaint_email,
    }


def check_contacts(template: Any, values: dict[str, Any]) -> None:
    """Refuse to render a document whose template shows a firm or client contact field that
    is empty (「（電話：）」): TemplateError naming each and how to fill it."""
    from archivist.core.errors import TemplateError
    from archivist.core.i18n import _
    from archivist.documents.render import unguarded_paths

    shown = unguarded_paths(template.path, template.version)
    empty = []
    for path, how in CONTACT_FIELDS.items():
        if path not in shown:
            continue
        value: Any = values
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value in (None, ""):
            empty.append((path, how))
    if empty:
        client = values.get("client")
        number = (
            str((client or {}).get("number") or "NUMBER") if isinstance(client, dict) else "NUMBER"
        )
        empty = [(p, h.replace("NUMBER", number)) for p, h in empty]
        raise TemplateError(
            _("template {name!r} shows contact fields that are empty: {fields}").format(
                name=template.name, fields=", ".join(p for p, _h in empty)
            ),
            _("Fill them first: {how}.").format(how="; ".join(h for _p, h in empty)),
        )


def roc_dates(settings: Any) -> bool:
    """Whether documents show dates in the ROC calendar (a Taiwan home that asked for it)."""
    firm = getattr(settings, "firm", None)
    return bool(firm is not None and firm.jurisdiction == "tw" and firm.roc_dates)


def jurisdiction(settings: Any) -> str | None:
    firm = getattr(settings, "firm", None)
    return firm.jurisdiction if firm is not None else None


def with_firm(template: Any, data: dict[str, Any], settings: Any) -> dict[str, Any]:
    """`data` with the firm's details from the settings under what it gives itself (only the
    firm fields the template's schema declares)."""
    from archivist.documents import fieldspec as fieldmod

    full = dict(data)
    if settings is not None and "firm" in template.schema.model_fields:
        firm = fieldmod.prune({"firm": firm_data(settings)}, template.schema)["firm"]
        full["firm"] = fieldmod.merge(firm, dict(full.get("firm") or {}))
    return full


def prepare(ctx: Context, template_name: str, data: dict[str, Any]) -> tuple[Any, Any]:
    """(template, validated model) for `data`, with the firm and today's dates filled in when
    absent. Raises TemplateError naming every missing or invalid field."""
    from archivist.core import clock
    from archivist.documents import catalog
    from archivist.documents import fieldspec as fieldmod

    template = catalog.get(template_name, ctx.home, jurisdiction(ctx.settings))
    full = with_firm(template, data, ctx.settings)
    for key in TODAY_FIELDS.get(template.name, ()):
        full.setdefault(key, clock.today().isoformat())
    return template, fieldmod.validate(template.name, template.schema, full, ctx.settings)


def render_to_bytes(ctx: Context, template_name: str, data: dict[str, Any]) -> bytes:
    """Validate `data` against the template's schema and render it: the .docx bytes."""
    from archivist.documents import fieldspec as fieldmod
    from archivist.documents.render import render_docx

    template, model = prepare(ctx, template_name, data)
    values = fieldmod.display_context(model, roc_dates(ctx.settings))
    check_contacts(template, values)
    return render_docx(template.path, values, template.name)


def fields(template_name: str, home: Any = None) -> list[TemplateField]:
    """The fields of a template (shipped, or added to `home`)."""
    from archivist.documents import catalog
    from archivist.documents import fieldspec as fieldmod
    from archivist.models import TemplateField

    template = catalog.get(template_name, home)
    return [TemplateField(**s) for s in fieldmod.field_specs(template.schema)]


def render_standalone(
    template_name: str, data: dict[str, Any], home: Any = None, settings: Any = None
) -> bytes:
    """Render without touching any archive (`archivist template render`): the firm comes from
    `settings` when given, today's date fills the date fields left out."""
    from archivist.core import clock
    from archivist.documents import catalog
    from archivist.documents import fieldspec as fieldmod
    from archivist.documents.render import render_docx

    template = catalog.get(template_name, home, jurisdiction(settings))
    full = with_firm(template, data, settings)
    for key in TODAY_FIELDS.get(template.name, ()):
        full.setdefault(key, clock.today().isoformat())
    model = fieldmod.validate(template.name, template.schema, full, settings)
    values = fieldmod.display_context(model, roc_dates(settings))
    check_contacts(template, values)
    return render_docx(template.path, values, template.name)


def add_template(
    ctx: Context,
    path: Any,
    name: str,
    title: str | None = None,
    schema_file: Any = None,
    replace: bool = False,
) -> tuple[Any, list[str]]:
    """`template add`: validate a staff template, store it in the home, audit it."""
    import json
    from pathlib import Path

    from archivist.core import audit, clock
    from archivist.core.errors import InvalidInput
    from archivist.documents import catalog
    from archivist.models import Role

    actor = ctx.require(Role.ARCHIVIST, Role.HEAD, action=_("add templates"))
    schema = None
    if schema_file is not None:
        try:
            raw = json.loads(Path(schema_file).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                _("schema file {schema_file} cannot be read as JSON: {exc}").format(
                    schema_file=schema_file, exc=exc
                ),
                _("Write it like the output of `archivist template fields NAME --json`."),
            ) from None
        schema = raw.get("fields") if isinstance(raw, dict) else raw
        if not isinstance(schema, list) or not all(isinstance(s, dict) for s in schema):
            raise InvalidInput(
                _(
                    "schema file {schema_file} must be a list of fields (name, type, required, description)"
                ).format(schema_file=schema_file)
            )
    with ctx.ledger.write() as conn:
        template, used = catalog.add(
            ctx.home,
            actor.username,
            Path(path),
            name,
            title,
            schema,
            replace,
            clock.now().isoformat(),
        )
        audit.record(
            conn,
            actor.username,
            "template.add",
            "template",
            template.name,
            version=template.version,
            title=template.title,
            variables=len(used),
            schema="supplied" if schema is not None else "generated",
            replace=replace,
        )
    return template, used


def info(template: Any) -> Any:
    from archivist.documents import fieldspec as fieldmod
    from archivist.models import TemplateInfo

    return TemplateInfo(
        name=template.name,
        title=template.title,
        source=template.source,
        version=template.version,
        path=str(template.path),
        fields=len(fieldmod.field_specs(template.schema)),
        added_by=template.added_by,
        added_at=template.added_at,
    )
