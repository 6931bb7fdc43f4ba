"""What the running web app holds: one reader's session, the open case, and when it was last used.

greyrock web is a one-person app on 127.0.0.1. The browser that redeems the one-time start
token (in the URL the command opens) gets the only session; any other browser or program on
this computer that finds the port gets nothing but the neutral page. Locking closes the case,
which drops its key with the database connection, and forgets the passphrase-derived state:
nothing of the case stays in this process's memory that the next request could reach.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["EXIT_PAGES", "WebConfig", "WebState"]

EXIT_PAGES = ("weather", "news", "blank")  # local neutral pages for the quick exit (away.html); nothing is fetched


@dataclass(frozen=True, slots=True)
class WebConfig:
    """How the app was started: `greyrock web`'s options."""

    port: int
    case_path: Path | None = None
    idle_seconds: float = 300.0  # auto-lock after this long without a request
    discreet: bool = True  # neutral title and favicon: no "greyrock" or "abuse" in the tab
    country: str | None = None
    exit_page: str = "weather"  # the quick exit's neutral page: one of EXIT_PAGES

    @property
    def hosts(self) -> frozenset[str]:
        """The only Host headers answered: anything else is DNS rebinding or a stray client."""
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}"})


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass
class WebState:
    """The server's memory: who the reader is, and the case while it is unlocked."""

    config: WebConfig
    start_token: str | None = field(default_factory=lambda: secrets.token_urlsafe(24))
    session_id: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    case: Any = None  # greyrock.vault.Case while unlocked
    case_path: Path | None = None
    last_seen: float = field(default_factory=time.monotonic)
    last_looked: str | None = None  # newest message time shown on Today, for "new since you last looked"
    quit_requested: bool = False
    held: dict[str, Any] = field(default_factory=dict)  # kept between two requests (photos awaiting a confirmed time)

    def redeem(self, token: str | None) -> str | None:
        """The start token buys the one session, once; returns the new session id."""
        if self.start_token is None or not _same(token, self.start_token):
            return None
        self.start_token = None
        self.session_id = secrets.token_urlsafe(32)
        return self.session_id

    def is_reader(self, session_id: str | None) -> bool:
        return _same(session_id, self.session_id)

    def csrf_ok(self, token: str | None) -> bool:
        return _same(token, self.csrf)

    def touch(self) -> None:
        self.last_seen = time.monotonic()

    def idle_for(self) -> float:
        return time.monotonic() - self.last_seen

    @property
    def unlocked(self) -> bool:
        return self.case is not None

    def open(self, case: Any, path: Path) -> None:
        self.lock()
        self.case, self.case_path = case, path
        self.csrf = secrets.token_urlsafe(24)

    def rotate(self) -> str | None:
        """A new session id for the same reader, given on every lock: the cookie changes with it,
        and Chromium drops the pages it kept for Back (its back/forward cache keeps even no-store
        pages, until a cookie changes). None when no browser holds the session."""
        if self.session_id is None:
            return None
        self.session_id = secrets.token_urlsafe(32)
        return self.session_id

    def lock(self) -> None:
        """Close the case (its key goes with the connection) and forget what was shown."""
        case, self.case = self.case, None
        self.last_looked = None
        self.held.clear()
        if case is not None:
            case.close()
