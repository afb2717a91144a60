"""The `archivist` command. A thin layer: parse, call the library, print.

Command groups are imported only when used (see LAZY), so `archivist --help` and simple commands
start fast."""

from __future__ import annotations

import importlib
from typing import Any

import click

from archivist import __version__
from archivist.cli import localize
from archivist.cli.errors import ErrorMappingGroup
from archivist.core.i18n import _

localize.translate_click()

# name -> (module, attribute, one-line help shown by `archivist --help`; translated where shown,
# extracted by scripts/babel_cli.py)
LAZY: dict[str, tuple[str, str, str]] = {
    "init": ("archivist.cli.setup", "init", "Create an archivist home (settings, store, ledger)."),
    "upgrade": ("archivist.cli.setup", "upgrade", "Bring an older ledger up to this version."),
    "ledger": ("archivist.cli.ledger", "ledger", "The ledger's database: move it."),
    "user": ("archivist.cli.user", "user", "Users and their roles."),
    "firm": ("archivist.cli.firm", "firm", "The firm's details: address, phone, complaint line."),
    "client": ("archivist.cli.client", "client", "Register clients and read their archives."),
    "audit": ("archivist.cli.audit", "audit", "The audit trail: log and verify."),
    "consult": ("archivist.cli.consult", "consult", "Client consultations and follow-ups."),
    "conflict": ("archivist.cli.conflict", "conflict", "Conflict-of-interest checks."),
    "matter": ("archivist.cli.matter", "matter", "Matters (cases) from acceptance to closure."),
    "template": ("archivist.cli.template", "template", "Word templates and their fields."),
    "contract": ("archivist.cli.contract", "contract", "Generate legal-service contracts."),
    "letter": ("archivist.cli.letter", "letter", "Generate closure and acceptance letters."),
    "file": ("archivist.cli.file", "file", "File documents into client archives."),
    "search": ("archivist.cli.search", "search", "Full-text search of the archives."),
    "index": ("archivist.cli.index", "index", "The full-text index: status and rebuild."),
    "ocr": ("archivist.cli.ocr", "ocr", "OCR of scanned documents: run, status, queue."),
    "loan": ("archivist.cli.loan", "loan", "Borrowing archives: request, approve, check out."),
    "complaint": ("archivist.cli.complaint", "complaint", "Client complaints to resolution."),
    "hold": ("archivist.cli.hold", "hold", "Legal holds on clients and matters."),
    "disposal": ("archivist.cli.disposal", "disposal", "Disposal of volumes past their term."),
    "report": ("archivist.cli.report", "report", "Reports for management."),
    "check": ("archivist.cli.check", "check", "Verify files, checksums, manifests, index, audit."),
    "backup": ("archivist.cli.backup", "backup", "Back up the home to a folder."),
    "restore": ("archivist.cli.backup", "restore", "Restore a home from a backup."),
    "serve": ("archivist.cli.serve", "serve", "Serve the web front end and JSON API."),
}


class LazyGroup(ErrorMappingGroup):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command line; the language it set is undone afterwards (tests run many
        command lines in one process), once the error, if any, has been shown in it."""
        from archivist.core import i18n

        token = i18n.set_language(i18n.current())
        try:
            return super().main(*args, **kwargs)
        finally:
            i18n.reset_language(token)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(LAZY)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = LAZY.get(cmd_name)
        if spec is None:
            return None
        from archivist.core import i18n

        # a listed command whose module is missing fails loudly (exit 70), never disappears;
        # imported in English: a `help=_("...")` evaluated at import keeps its English msgid,
        # which localize() translates each time the help is shown
        with i18n.using(i18n.EN):
            command = getattr(importlib.import_module(spec[0]), spec[1])
        with i18n.using(localize.language_for(ctx)):
            return localize.localize(command)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from archivist.core import i18n

        with i18n.using(localize.language_for(ctx)):
            localize.localize(self)
            super().format_help(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _(LAZY[name][2])) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)


def _module_exists(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="archivist")
@click.option(
    "--home",
    "home",
    metavar="DIR",
    envvar="ARCHIVIST_HOME",
    help="The archivist home (default: ARCHIVIST_HOME, else the current directory).",
)
@click.option(
    "--as",
    "as_user",
    metavar="USER",
    envvar="ARCHIVIST_USER",
    help="The acting user (default: ARCHIVIST_USER).",
)
@click.option(
    "--lang",
    "lang",
    metavar="LANG",
    is_eager=True,
    expose_value=True,
    callback=localize.check_lang,
    help="The language of messages and help: zh_Hant (中文) or en (default: ARCHIVIST_LANG, "
    "else your setting, else the firm's, else the locale).",
)
@click.pass_context
def main(ctx: click.Context, home: str | None, as_user: str | None, lang: str | None) -> None:
    """archivist: the client archives of a law firm's client-service department.

    Registers clients with numbered archive folders, opens matters, files and searches
    documents, generates contracts and letters, runs borrowing and complaints, and keeps an
    audit trail of every change and every read.

    \b
    Example:
      archivist init --firm "陳林律師事務所" --user mei --name "王美"
      archivist --as mei client add --name 陳大文 --kind person
    """
    ctx.ensure_object(dict)
    ctx.obj.setdefault("home", home)
    ctx.obj.setdefault("user", as_user)
    ctx.obj.setdefault("lang", lang)
    localize.apply(ctx)
    from archivist.cli.common import clock_warning

    ctx.call_on_close(lambda: clock_warning(ctx))  # commands that open no archive


def run() -> None:
    """The console script. Start-up allocates hundreds of thousands of long-lived objects
    (SQLAlchemy, pydantic and our modules); with the cyclic collector paused until the command's
    context is open, `archivist client list` starts about 10% faster. The collector resumes in
    cli.common.resume_gc, or at the latest when the command ends."""
    import gc

    gc.disable()
    try:
        main()
    finally:
        gc.enable()
