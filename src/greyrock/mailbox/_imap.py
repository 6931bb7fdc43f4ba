"""The IMAP connection, over imap-tools: what the watcher needs and nothing more.

Headers are fetched first, and only the From and Sender fields of each mail with its size
(a million-line header costs nothing); a body is fetched one at a time, and only for a
mail of the other person's that fits the size limit. Every fetch uses BODY.PEEK, so that
no mail is marked read. A move is the server's MOVE where it has one; otherwise COPY, the
\\Deleted flag and UID EXPUNGE of that one UID (never a plain EXPUNGE, which would also
remove mail the reader had marked deleted); without UIDPLUS the original stays, flagged.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import MailboxFolderSelectError
from imap_tools.utils import encode_folder

from ._account import Account

__all__ = ["Header", "ImapMailbox", "connect"]

_CHUNK = 500  # UIDs per header fetch
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_UID = re.compile(rb"UID (\d+)")


@dataclass(frozen=True)
class Header:
    uid: str
    size: int
    fields: bytes  # the raw From/Sender lines


class ImapMailbox:
    """A logged-in connection (see `connect`)."""

    def __init__(self, box: MailBox) -> None:
        self.box = box
        self.client = box.client
        self._delimiter: str | None = None

    def _name(self, folder: str) -> str:
        """`folder` with "/" as the server's own hierarchy delimiter (Dovecot's Maildir uses ".")."""
        if self._delimiter is None:
            typ, data = self.client.list('""', '""')
            found = re.search(rb'\(.*?\) (?:"(.)"|NIL)', data[0] or b"") if typ == "OK" and data else None
            self._delimiter = (found.group(1) or b"/").decode() if found else "/"
        return folder.replace("/", self._delimiter)

    @property
    def can_idle(self) -> bool:
        return "IDLE" in self.client.capabilities

    def select(self, folder: str) -> None:
        self.box.folder.set(self._name(folder))

    def ensure_folder(self, folder: str) -> None:
        name = self._name(folder)
        if not self.box.folder.exists(name):
            self.box.folder.create(name)

    def uids(self) -> list[str]:
        return self.box.uids("ALL")

    def headers(self, uids: list[str]) -> Iterator[Header]:
        for start in range(0, len(uids), _CHUNK):
            typ, data = self.client.uid("FETCH", ",".join(uids[start:start + _CHUNK]),
                                        "(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SENDER)])")
            if typ != "OK":
                raise OSError(f"the server refused to list the mail ({typ})")
            for item in data:
                if isinstance(item, tuple) and (uid := _UID.search(item[0])):
                    size = _SIZE.search(item[0])
                    yield Header(uid.group(1).decode(), int(size.group(1)) if size else 0, item[1] or b"")

    def body(self, uid: str) -> bytes | None:
        """The mail's bytes, or None when it is gone (moved or deleted by another client)."""
        typ, data = self.client.uid("FETCH", uid, "(BODY.PEEK[])")
        if typ != "OK":
            raise OSError(f"the server refused to send mail UID {uid} ({typ})")
        parts = [item[1] for item in data if isinstance(item, tuple)]
        return parts[0] if parts else None

    def move(self, uid: str, folder: str) -> None:
        folder = self._name(folder)
        if "MOVE" in self.client.capabilities:
            typ, _ = self.client.uid("MOVE", uid, encode_folder(folder))
            if typ != "OK":
                raise OSError(f"the server refused to move mail UID {uid} ({typ})")
            return
        typ, _ = self.client.uid("COPY", uid, encode_folder(folder))
        if typ != "OK":
            raise OSError(f"the server refused to copy mail UID {uid} ({typ})")
        self.client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
        if "UIDPLUS" in self.client.capabilities:
            self.client.uid("EXPUNGE", uid)

    def idle(self, timeout: float) -> None:
        """Wait for the server to say something changed, at most `timeout` seconds."""
        self.box.idle.wait(timeout=timeout)

    def close(self) -> None:
        try:
            self.box.logout()
        except Exception:  # the connection may already be gone; nothing to keep
            pass


def connect(account: Account, password: str, *, timeout: float = 60.0,
            ssl_context: ssl.SSLContext | None = None) -> ImapMailbox:
    """Log in; `ssl_context` (tests: a self-signed certificate) defaults to the system's checks."""
    if account.security == "tls":
        box: MailBox = MailBox(account.host, account.port, timeout=timeout, ssl_context=ssl_context)
    elif account.security == "starttls":
        box = MailBoxStartTls(account.host, account.port, timeout=timeout, ssl_context=ssl_context)
    else:
        box = MailBoxUnencrypted(account.host, account.port, timeout=timeout)
    box.login(account.user, password, initial_folder=None)
    # What the server can do after login (MOVE, UIDPLUS) is often more than before it.
    typ, data = box.client.capability()
    if typ == "OK" and data and data[-1]:
        box.client.capabilities = tuple(data[-1].decode("ascii", errors="replace").upper().split())
    return ImapMailbox(box)


__all__ += ["MailboxFolderSelectError"]
