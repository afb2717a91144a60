"""`archivist template ...`: the Word templates documents are generated from."""

from __future__ import annotations

import json
from typing import Any

import click

from archivist.cli.common import emit, get_context, json_option, pass_archive
from archivist.core.i18n import _


@click.group()
def template() -> None:
    """Word templates and their fields."""


@template.command("list")
@json_option
@click.pass_context
def list_(click_ctx: click.Context, as_json: bool) -> None:
    """List the templates: the six shipped ones and those added to this home.

    \b
    Example:
      archivist template list
    """
    from archivist import documents
    from archivist.documents import catalog

    home = _home_or_none(click_ctx)
    rows = [documents.info(t) for t in catalog.list_templates(home)]
    emit(rows, as_json, columns=["name", "title", "source", "version", "fields"])


@template.command("fields")
@click.argument("name")
@click.option(
    "--skeleton",
    is_flag=True,
    help="Print a JSON data file with the fields you supply (defaults filled in).",
)
@json_option
@click.pass_context
def fields_(click_ctx: click.Context, name: str, skeleton: bool, as_json: bool) -> None:
    """Show the fields a template needs: name, type, required, where the value comes from.

    `ledger` fields are filled by archivist from the firm, client, matter and lawyers; you
    supply `user` fields with --data FILE or --set key=value. `lawyers[].name` is a field of
    each item of the list `lawyers`. --json prints a list usable to write a data file (or a
    --schema for `template add`); --skeleton prints a data file to fill in.

    \b
    Example:
      archivist template fields service-contract
      archivist template fields service-contract --skeleton > contract.json
    """
    from archivist import documents
    from archivist.documents import catalog, fieldspec

    home = _home_or_none(click_ctx)
    if skeleton:
        click.echo(
            json.dumps(
                fieldspec.skeleton(catalog.get(name, home).schema),
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
        return
    rows = documents.fields(name, home)
    emit(rows, as_json, columns=["name", "type", "required", "source", "description"])


@template.command("add")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--name", required=True, help="ASCII name for the command line, e.g. retainer-contract."
)
@click.option("--title", help="Display name, e.g. 常年法律顧問合同.")
@click.option(
    "--schema",
    "schema_file",
    type=click.Path(dir_okay=False),
    help="Field list as JSON (like `template fields --json`); generated if omitted.",
)
@click.option("--replace", is_flag=True, help="Add a new version of an existing template.")
@json_option
@pass_archive
def add(
    archive: Any,
    path: str,
    name: str,
    title: str | None,
    schema_file: str | None,
    replace: bool,
    as_json: bool,
) -> None:
    """Add a staff-written .docx template to this home, after checking it.

    The template must parse, every variable it uses is listed, a schema is generated for it
    (every variable a required text) unless --schema gives one, and a trial render in the
    sandbox must succeed. Older versions are kept when --replace adds a new one.

    \b
    Example:
      archivist template add 顧問合同.docx --name retainer-contract --title 常年法律顧問合同
    """
    from archivist import documents

    tpl, used = documents.add_template(archive, path, name, title, schema_file, replace)
    data = {**documents.info(tpl).model_dump(mode="json"), "number": tpl.name, "variables": used}
    if as_json:
        emit(data, True)
    else:
        click.echo(
            _("added {name} ({title}) version {version}").format(
                name=tpl.name, title=tpl.title, version=tpl.version
            )
        )
        click.echo(_("variables: {value}").format(value=", ".join(used) or "none"))


@template.command("render")
@click.argument("name")
@click.option(
    "--data", "data_file", type=click.Path(dir_okay=False), help="Values as JSON or TOML (.toml)."
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="A value (dotted keys; lists as a,b,c or JSON). Repeatable.",
)
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="Where to write the .docx."
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@json_option
@click.pass_context
def render(
    click_ctx: click.Context,
    name: str,
    data_file: str | None,
    sets: tuple[str, ...],
    out: str,
    force: bool,
    as_json: bool,
) -> None:
    """Render a template to a .docx file, without touching any archive.

    Every missing or invalid field is reported at once, and nothing is written then.

    \b
    Example:
      archivist template fields acceptance-notice --skeleton > notice.json
      archivist template render acceptance-notice --data notice.json --out notice.docx
    """

    from archivist import documents
    from archivist.core.output import check_target, write_atomic
    from archivist.documents import catalog, fieldspec

    home = _home_or_none(click_ctx)
    target = check_target(out, home=home, overwrite=force)
    settings = None
    if home is not None:
        settings = get_context(click_ctx).settings
    schema = catalog.get(name, home).schema
    data = fieldspec.load_data_file(data_file) if data_file else {}
    data = fieldspec.apply_sets(data, list(sets), schema)
    docx = documents.render_standalone(name, data, home, settings)
    write_atomic(target, docx, home=home, overwrite=force)
    tpl = catalog.get(name, home)
    if as_json:
        emit(
            {
                "number": str(target),
                "path": str(target.resolve()),
                "template": tpl.name,
                "template_version": tpl.version,
                "size": len(docx),
            },
            True,
        )
    else:
        click.echo(str(target))


def _home_or_none(click_ctx: click.Context) -> Any:
    """The home when there is one (for added templates and the firm's name), else None."""
    from archivist.core.errors import HomeNotFound
    from archivist.core.home import locate

    root = click_ctx.find_root()
    root.ensure_object(dict)
    try:
        return locate(root.obj.get("home"))
    except HomeNotFound:
        return None
