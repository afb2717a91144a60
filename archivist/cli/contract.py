"""`archivist contract ...`: legal-service contracts generated from the Word template."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import emit, json_option, pass_archive, progress, warn
from archivist.core.i18n import _

DATA_OPTION = click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False),
    help="Values as JSON or TOML (.toml), e.g. from `archivist template fields NAME --skeleton`.",
)
SET_OPTION = click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="A value (dotted keys; a list item per repeated key[]=VALUE, or a JSON array). "
    "Repeatable.",
)
FRESH_OPTION = click.option(
    "--fresh", is_flag=True, help="Do not start from the values of the previous version."
)
PDF_OPTION = click.option(
    "--pdf",
    is_flag=True,
    help="Also file a PDF copy (needs LibreOffice; the .docx is filed either way).",
)


@click.group()
def contract() -> None:
    """Generate legal-service contracts."""


def show_generated(doc: Any, as_json: bool) -> None:
    for w in doc.warnings:
        warn(w)
    if as_json:
        emit(doc, True)
        return
    line = f"{doc.document}  {doc.title}"
    if doc.version_of:
        line += f"  (new version of {doc.version_of}, which is kept)"
    click.echo(line)
    click.echo(_("path: {path}").format(path=doc.path))
    if doc.pdf:
        click.echo(_("pdf:  {pdf}  {pdf_path}").format(pdf=doc.pdf, pdf_path=doc.pdf_path))


@contract.command("generate")
@click.argument("matter")
@click.option(
    "--template",
    "template_name",
    default=None,
    help="The template (see `archivist template list`); default: the engagement contract "
    "of the matter's type (engagement-civil, engagement-retainer, ...).",
)
@DATA_OPTION
@SET_OPTION
@PDF_OPTION
@FRESH_OPTION
@json_option
@pass_archive
def generate(
    archive: Any,
    matter: str,
    template_name: str | None,
    data_file: str | None,
    sets: tuple[str, ...],
    pdf: bool,
    fresh: bool,
    as_json: bool,
) -> None:
    """Generate a matter's contract (or another template) and file it in `02 法律服務合同`.

    The engagement contract is chosen by the matter's type (委任契約 / 委託代理合同 in the
    home's jurisdiction); --template picks another, e.g. power-of-attorney, risk-notice,
    fee-receipt, lawyer-letter, certified-letter (Taiwan) or service-contract.

    The client, matter, lawyers (with licence numbers) and the firm come from the ledger; the
    terms (scope, stages, authority, fees, dispute venue...) from --data / --set. Every missing
    or invalid field is listed at once and nothing is filed. Generating again files a new
    version and keeps the old one; it starts from the previous version's values (the ledger's
    are refreshed), so changing one term takes one --set (--fresh starts empty).

    \b
    Example:
      archivist contract generate 2026-MS-0001 --set scope=代理一審訴訟 --set 'stages[]=第一審' \\
        --set authority=general --set fee_type=fixed --set fee_amount=50000 \\
        --set payment_method=銀行轉賬 --set dispute_venue=上海市浦東新區人民法院
      archivist contract generate 2026-MS-0001 --set fee_amount=80000   # a new version
    """
    from archivist.documents import generate as gen

    doc = gen.generate(
        archive,
        matter,
        template_name,
        data=gen.data_from_options(data_file),
        sets=sets,
        pdf=pdf,
        fresh=fresh,
    )
    show_generated(doc, as_json)


@contract.command("batch")
@click.option(
    "--csv",
    "csv_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="One row a matter: a `matter` column, then one column per field.",
)
@click.option(
    "--template",
    "template_name",
    default=None,
    help="The template; default: each matter's engagement contract by its type.",
)
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False),
    help="Values shared by every row (JSON or TOML); the row's cells win.",
)
@PDF_OPTION
@json_option
@pass_archive
def batch(
    archive: Any,
    csv_file: str,
    template_name: str | None,
    data_file: str | None,
    pdf: bool,
    as_json: bool,
) -> None:
    """Generate contracts for many matters from a CSV file (UTF-8, header line first).

    Columns other than `matter` are fields (dotted names like client.representative work; a
    cell may hold a JSON list such as fee_stages). A bad row is reported with its line number
    and the others go on; the exit status is 1 when any row failed.

    \b
    Example:
      printf 'matter,scope,stages,authority,fee_type,fee_amount,payment_method,dispute_venue\\n' > c.csv
      printf '2026-MS-0001,代理一審,一審,general,fixed,50000,銀行轉賬,浦東新區人民法院\\n' >> c.csv
      archivist contract batch --csv c.csv
    """
    from archivist.documents import generate as gen

    rows = gen.read_csv(csv_file)
    data = gen.data_from_options(data_file)
    with progress(range(len(rows)), length=len(rows), label=_("contracts")) as bar:

        def tick(row: Any) -> None:
            if hasattr(bar, "update"):
                bar.update(1)
            if not row.ok:
                click.echo(
                    _("line {line} ({value}): {error}").format(
                        line=row.line, value=row.matter or "no matter", error=row.error
                    ),
                    err=True,
                )

        result = gen.batch(archive, rows, template_name, data=data, pdf=pdf, tick=tick)
    if as_json:
        emit({**result.model_dump(mode="json"), "number": result.generated}, True)
    else:
        ok = [r for r in result.rows if r.ok]
        emit(
            ok,
            False,
            columns=["line", "matter", "document", "path"],
            empty=_("No contract was generated."),
        )
        click.echo(
            _("{generated} generated, {failed} failed").format(
                generated=result.generated, failed=result.failed
            ),
            err=True,
        )
    if result.failed:
        raise SystemExit(1)
