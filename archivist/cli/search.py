"""`archivist search`: full-text search of the archives you may read."""

from __future__ import annotations

from typing import Any

import click

from archivist.cli.common import Vocabulary, json_option, pass_archive, print_json
from archivist.core.i18n import _
from archivist.core.vocabulary import label


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--client", help="Only this client's archive.")
@click.option("--matter", help="Only this matter's documents.")
@click.option("--section", type=Vocabulary("section"))
@click.option("--type", "filetype", metavar="TYPE", help="pdf, docx, txt, eml, ...")
@click.option("--from", "date_from", metavar="DATE", help="Filed on or after (YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="Filed on or before (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--page", type=click.IntRange(1, None), default=1, show_default=True)
@click.option(
    "--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True
)
@json_option
@pass_archive
def search(
    archive: Any,
    query: tuple[str, ...],
    client: str | None,
    matter: str | None,
    section: str | None,
    filetype: str | None,
    date_from: str | None,
    date_to: str | None,
    limit: int,
    page: int,
    sort: str,
    as_json: bool,
) -> None:
    """Search filed documents by their words, in either Chinese script or English.

    \b
    Query language:
      合同 違約金            every word must match (AND may be written)
      "exact phrase"         the words in this order
      違約金 OR NDA          either of two words or phrases
      -草稿   NOT 草稿       leave out documents with this word
      title:合同             in the title only
      client:C0001  matter:2024-MS-0001  section:contract  type:pdf
      filed:2024-01..2024-06   filed:2024   filed:2024-03-05   filed:..2023-12

    違約 and 违约 find each other; 合同/合約/契約 are synonyms (archivist.toml [search]).
    Punctuation such as 《》「」（） is ignored, and a phrase is found across a line break.
    A document whose title is the query comes first; title matches weigh more. --sort date
    puts the newest first. You see only archives you may read; every search is audited.
    --json gives {total, page, limit, hits}; each hit's "highlights" are [start, end)
    character offsets of the matched words in its "snippet".

    \b
    Example:
      archivist search 違約金 client:C0001
      archivist search '"保密 義務" OR NDA' type:pdf filed:2024-01..2024-06 --sort date --json
    """
    import sys

    from archivist import search as index

    result = index.search(
        archive,
        " ".join(query),
        client=client,
        matter=matter,
        section=section,
        filetype=filetype,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        page=page,
        sort=sort,
    )
    if as_json:
        print_json(result.public())
        return
    if not result.hits:
        click.echo(
            _("No documents match.")
            if not result.total
            else _("{total} documents match; page {page} is past the last.").format(
                total=result.total, page=result.page
            ),
            err=True,
        )
        return
    first = (result.page - 1) * result.limit + 1
    click.echo(
        _("{total} documents match; showing {first}-{value}").format(
            total=result.total, first=first, value=first + len(result.hits) - 1
        ),
        err=True,
    )
    for h in result.hits:
        click.echo(click.style(f"{h.document}", bold=True) + f"  {h.title}  ({h.original_name})")
        click.echo(f"  {h.client} {h.client_name} · {label('section', h.section)} · {h.date}")
        marked = h.highlighted or h.snippet
        if sys.stdout.isatty():
            snippet = marked.replace("\x02", "\x1b[1;31m").replace("\x03", "\x1b[0m")
        else:
            snippet = marked.replace("\x02", "[").replace("\x03", "]")
        click.echo(f"  {snippet}")
