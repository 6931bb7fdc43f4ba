"""`greyrock web`: the same library behind pages in the browser (greyrock.web)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from greyrock.errors import InputError

from ._output import safe_text

__all__ = ["web_cmd"]


def web_cmd(
    case: Annotated[Optional[Path], typer.Argument(help="The case file to offer first (optional).")] = None,
    port: Annotated[Optional[int], typer.Option("--port", help="Port on 127.0.0.1 (default: a free one).")] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the link instead of opening the browser.")] = False,
    lock_after: Annotated[float, typer.Option("--lock-after", help="Minutes without use before the case locks "
                                                                   "and the server stops.")] = 5.0,
    plain_title: Annotated[bool, typer.Option("--plain-title", help="Name greyrock in the tab (default: the "
                                                                    "neutral title 'Notes').")] = False,
    country: Annotated[Optional[str], typer.Option("--country", help="Country for the help numbers.")] = None,
    exit_page: Annotated[str, typer.Option("--exit-page", metavar="weather|news|blank", help="The neutral page "
                                           "the quick exit shows (a local page; nothing is fetched).")] = "weather",
) -> None:
    """Open greyrock in your browser, on this computer only (127.0.0.1); stops on 'Lock and quit' or the idle lock."""
    from greyrock import web

    if port is not None and not 0 < port < 65536:
        raise InputError(f"--port: {port} is not a port number (1-65535).")
    if exit_page not in web.EXIT_PAGES:
        raise InputError(f"--exit-page: {exit_page!r} is not one of {', '.join(web.EXIT_PAGES)}.")
    if lock_after <= 0:
        raise InputError(f"--lock-after: {lock_after} minutes; give a number above 0.")
    try:
        sock = web.bind(port)
    except OSError as exc:
        raise InputError(f"--port {port}: cannot listen on 127.0.0.1 ({exc.strerror}).",
                         "Leave --port out to use a free port.") from None
    config = web.WebConfig(port=sock.getsockname()[1], case_path=case, idle_seconds=lock_after * 60,
                           discreet=not plain_title, country=country, exit_page=exit_page)
    typer.echo("greyrock web: open this link in your browser (it works once, on this computer):", err=True)
    web.serve(sock, config, open_browser=not no_browser, announce=lambda url: typer.echo(safe_text(url)))
    typer.echo("greyrock web: locked and stopped.", err=True)
