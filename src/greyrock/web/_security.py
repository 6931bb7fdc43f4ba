"""The web app's guards, applied to every response: the Host check, the session cookie, the
security headers, and the CSRF check for forms.

Why each one:
- Host: a page on another site can point its own DNS name at 127.0.0.1 (DNS rebinding) and
  then talk to this server as if it were same-origin; only `127.0.0.1:PORT` and
  `localhost:PORT` are answered (400 otherwise).
- Cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page or link
  sends it), Path=/; it names the one session the start token bought.
- Headers: a Content-Security-Policy that allows nothing but this server's own files and no
  inline script, so that text from the other person can never become code even if escaping
  failed; nosniff; no framing; no referrer to other sites (same-origin: "no-referrer" would make the browser send `Origin: null` on our own forms); no-store so that Back after a quick exit or a
  lock does not show a cached page.
- CSRF: every form carries the session's token; a POST without it is refused (403), and so is
  a POST whose Origin is another site's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ._state import WebState

__all__ = ["COOKIE", "CSP", "SecurityMiddleware", "checked_form", "cookie_header"]

COOKIE = "gr_session"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


def cookie_header(session_id: str) -> str:
    return f"{COOKIE}={session_id}; Path=/; HttpOnly; SameSite=Strict"


async def _plain(send: Any, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *_HEADERS]})
    await send({"type": "http.response.body", "body": text.encode()})


class SecurityMiddleware:
    """Refuses a foreign Host or Origin before any view runs, and adds the headers to every answer."""

    def __init__(self, app: ASGIApp, state: WebState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        allowed = self.state.config.hosts
        if headers.get("host", "").lower() not in allowed:
            await _plain(send, 400, "Bad Host header.")
            return
        origin = headers.get("origin")
        if scope["method"] not in ("GET", "HEAD") and origin is not None and origin.lower() not in {
                f"http://{h}" for h in allowed}:
            await _plain(send, 403, "Cross-site request refused.")
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in _HEADERS if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def checked_form(request: Request, state: WebState) -> FormData:
    """The posted form, once its CSRF token matches the session's (403 otherwise)."""
    form = await request.form(max_files=200, max_fields=400)
    token = form.get("csrf")
    if not isinstance(token, str) or not state.csrf_ok(token):
        raise HTTPException(403, "This form has expired or did not come from this page. Go back and try again.")
    return form
