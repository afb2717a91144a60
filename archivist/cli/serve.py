"""`archivist serve`: the web front end and JSON API (issue 18)."""

from __future__ import annotations

import click

from archivist.core.i18n import _


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Server processes."
)
@click.pass_context
def serve(click_ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve the web front end and the JSON API (/api/v1) over this home.

    Users sign in with the password set by `archivist user password`; scripts use a token from
    `archivist user token`. Put a TLS reverse proxy in front of it (see README).

    \b
    Example:
      archivist --home /srv/archive serve --port 8000
    """
    import os

    import uvicorn

    from archivist.core.home import locate
    from archivist.web.app import create_app

    home = locate(click_ctx.find_root().obj.get("home"))
    create_app(home.root)  # fail here, with a one-line error, if the home is unusable
    os.environ["ARCHIVIST_WEB_HOME"] = str(home.root)
    click.echo(
        _("Serving {root} on http://{host}:{port}/ (Ctrl-C stops)").format(
            root=home.root, host=host, port=port
        ),
        err=True,
    )
    uvicorn.run(
        "archivist.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


serve.no_json = True  # type: ignore[attr-defined]  # a server, not a data command
