"""`archivist letter ...`: closure and acceptance letters for a matter."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import json_option, pass_archive
from archivist.cli.contract import (
    DATA_OPTION,
    FRESH_OPTION,
    PDF_OPTION,
    SET_OPTION,
    show_generated,
)


@click.group()
def letter() -> None:
    """Generate closure and acceptance letters."""


@letter.command("closure")
@click.argument("matter")
@DATA_OPTION
@SET_OPTION
@PDF_OPTION
@FRESH_OPTION
@json_option
@pass_archive
def closure(
    archive: Any,
    matter: str,
    data_file: str | None,
    sets: tuple[str, ...],
    pdf: bool,
    fresh: bool,
    as_json: bool,
) -> None:
    """The closure letter (結案函) of a closed matter, filed in `04 律師工作記錄`.

    The outcome and closing date come from `matter close`; you list the documents handed
    back (documents_returned, at least one) and any remaining deadlines (next_steps).

    \b
    Example:
      archivist letter closure 2026-MS-0001 \\
        --set 'documents_returned=[{"title": "民事判決書", "form": "原件"}]' \\
        --set next_steps=請於判決生效後十五日內申請強制執行
    """
    from archivist.documents import generate as gen

    doc = gen.generate(
        archive,
        matter,
        "closure-letter",
        data=gen.data_from_options(data_file),
        sets=sets,
        pdf=pdf,
        require_closed=True,
        fresh=fresh,
    )
    show_generated(doc, as_json)


@letter.command("acceptance")
@click.argument("matter")
@DATA_OPTION
@SET_OPTION
@PDF_OPTION
@FRESH_OPTION
@json_option
@pass_archive
def acceptance(
    archive: Any,
    matter: str,
    data_file: str | None,
    sets: tuple[str, ...],
    pdf: bool,
    fresh: bool,
    as_json: bool,
) -> None:
    """The acceptance notice (案件受理通知書) of a matter, filed in `04 律師工作記錄`: matter
    number, assigned lawyers and the date by which they contact the client.

    \b
    Example:
      archivist letter acceptance 2026-MS-0001 --set lawyers.0.phone=13800000000
    """
    from archivist.documents import generate as gen

    doc = gen.generate(
        archive,
        matter,
        "acceptance-notice",
        data=gen.data_from_options(data_file),
        sets=sets,
        pdf=pdf,
        fresh=fresh,
    )
    show_generated(doc, as_json)
