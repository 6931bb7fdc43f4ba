"""`greyrock web`: the local web app, a thin shell over the library like the CLI.

    app = create_app(WebConfig(port=8123, case_path=Path("notes.grc")), state)
    serve(WebConfig(...))          # binds 127.0.0.1, opens the browser, runs until quit or idle lock

Security is in `_security` (Host check, CSP, cookie, CSRF), the session and the lock in
`_state`, the pages in `_views`; see docs/cli.md for what the reader sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import webbrowser
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ._safety_pages import SafetyPages
from ._security import SecurityMiddleware
from ._state import EXIT_PAGES, WebConfig, WebState
from ._record_pages import RecordPages
from ._views import Pages, _Redirect, redirect_handler

__all__ = ["EXIT_PAGES", "WebConfig", "WebState", "create_app", "free_port", "serve"]

STATIC = Path(__file__).parent / "static"
_IDLE_GRACE = 5.0  # seconds the server still answers after the idle lock (the page's own lock is due then)


def create_app(state: WebState, on_idle: Callable[[], None] | None = None) -> Any:
    """The ASGI app over `state`. `on_idle` runs once the idle lock has struck (the server stops)."""
    pages = Pages(state)
    records = RecordPages(pages)

    async def error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return pages.render("error.html", status=exc.status_code, message=exc.detail)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_watch_idle(state, on_idle))
        try:
            yield
        finally:
            task.cancel()
            state.lock()

    routes = [
        Route("/start", pages.start),
        Route("/", pages.home),
        Route("/open", pages.open_case, methods=["POST"]),
        Route("/create", pages.create_case, methods=["POST"]),
        Route("/strength", pages.strength, methods=["POST"]),
        Route("/alive", pages.alive, methods=["POST"]),
        Route("/lock", pages.lock, methods=["POST"]),
        Route("/quit", pages.quit, methods=["POST"]),
        Route("/away", pages.away),
        Route("/import", pages.import_page),
        Route("/import", pages.import_post, methods=["POST"]),
        Route("/import/progress", pages.import_progress),
        Route("/people", pages.people_page),
        Route("/people", pages.people_post, methods=["POST"]),
        Route("/today", pages.today),
        Route("/message/{message_id:int}", pages.message),
        Route("/message/{message_id:int}/label", pages.label, methods=["POST"]),
        Route("/tone", pages.tone, methods=["POST"]),
        Route("/attachment/{sha256}", pages.attachment),
        Route("/help", pages.help_now),
        Route("/report", pages.report),
        *SafetyPages(pages).routes(),
        Route("/journal", records.journal_page),
        Route("/journal", records.journal_post, methods=["POST"]),
        Route("/timeline", records.timeline),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: error, _Redirect: redirect_handler})
    return SecurityMiddleware(app, state)


async def _watch_idle(state: WebState, on_idle: Callable[[], None] | None) -> None:
    """Lock after the idle time; the server then stops (the reader runs 'greyrock web' again)."""
    while True:
        await asyncio.sleep(min(5.0, max(state.config.idle_seconds / 4, 0.2)))
        if state.session_id is not None and state.idle_for() >= state.config.idle_seconds:
            state.lock()
            if on_idle is not None:
                # The key is gone now; the server answers a little longer so that the page's own
                # lock, due at the same moment, gets the start page (and the new cookie) rather
                # than a refused connection.
                await asyncio.sleep(_IDLE_GRACE)
                on_idle()
                return


def free_port() -> socket.socket:
    """A listening socket on 127.0.0.1 at a port the system chose."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # the link is printed before the server starts: a browser that is quick queues
    return sock


def bind(port: int | None) -> socket.socket:
    if port is None:
        return free_port()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    return sock


def serve(sock: socket.socket, config: WebConfig, *, open_browser: bool = True,
          announce: Callable[[str], None] = print) -> None:
    """Run until "Lock and quit", the idle lock, or Ctrl-C. `sock` is bound to 127.0.0.1."""
    import uvicorn

    state = WebState(config)
    server: uvicorn.Server | None = None

    def stop() -> None:
        if server is not None:
            server.should_exit = True

    app = create_app(state, on_idle=stop)

    async def quit_watch(scope: Any, receive: Any, send: Any) -> None:
        await app(scope, receive, send)
        if state.quit_requested:
            stop()

    uv = uvicorn.Config(quit_watch, log_level="warning", access_log=False, lifespan="on", server_header=False,
                        date_header=False)
    server = uvicorn.Server(uv)
    url = f"http://127.0.0.1:{config.port}/start?token={state.start_token}"
    announce(url)
    if open_browser:
        webbrowser.open(url)
    server.run(sockets=[sock])
