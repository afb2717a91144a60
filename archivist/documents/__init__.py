"""Documents generated from Word templates (docxtpl, hardened): service contracts, closure and
acceptance letters, complaint replies, loan approval forms and archive contents lists.

Library entry points for other features:

    render_to_bytes(ctx, "loan-form", data) -> bytes   # validates, fills the firm, renders
    fields("loan-form") -> [TemplateField, ...]        # what a template needs

Heavy imports (docxtpl, lxml, jinja2) happen inside the functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archivist.context import Context
    from archivist.models import TemplateField

# date fields that default to today when not supplied
TODAY_FIELDS: dict[str, tuple[str, ...]] = {
    "service-contract": ("sign_date",),
    "closure-letter": ("letter_date",),
    "acceptance-notice": ("notice_date",),
    "complaint-reply": ("reply_date",),
    "contents-list": ("compiled_date",),
}


def firm_data(settings: Any) -> dict[str, str]:
    f = settings.firm
    return {"name": f.name, "address": f.address, "phone": f.phone, "email": f.email}


def prepare(ctx: Context, template_name: str, data: dict[str, Any]) -> tuple[Any, Any]:
    """(template, validated model) for `data`, with the firm and today's dates filled in when
    absent. Raises TemplateError naming every missing or invalid field."""
    from archivist import clock
    from archivist.documents import catalog
    from archivist.documents import fieldspec as fieldmod

    template = catalog.get(template_name, ctx.home)
    full = dict(data)
    if "firm" in template.schema.model_fields:
        full["firm"] = fieldmod.merge(firm_data(ctx.settings), dict(full.get("firm") or {}))
    for key in TODAY_FIELDS.get(template.name, ()):
        full.setdefault(key, clock.today().isoformat())
    return template, fieldmod.validate(template.name, template.schema, full)


def render_to_bytes(ctx: Context, template_name: str, data: dict[str, Any]) -> bytes:
    """Validate `data` against the template's schema and render it: the .docx bytes."""
    from archivist.documents import fieldspec as fieldmod
    from archivist.documents.render import render_docx

    template, model = prepare(ctx, template_name, data)
    return render_docx(template.path, fieldmod.display_context(model), template.name)


def fields(template_name: str, home: Any = None) -> list[TemplateField]:
    """The fields of a template (shipped, or added to `home`)."""
    from archivist.documents import catalog
    from archivist.documents import fieldspec as fieldmod
    from archivist.models import TemplateField

    template = catalog.get(template_name, home)
    return [TemplateField(**s) for s in fieldmod.field_specs(template.schema)]
