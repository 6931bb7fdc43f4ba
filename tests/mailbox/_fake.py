"""An in-memory IMAP mailbox with the watcher's interface, for tests that need no server."""

from __future__ import annotations

import email
from dataclasses import dataclass, field

from greyrock.mailbox._imap import Header


@dataclass
class FakeMailbox:
    folders: dict[str, dict[str, bytes]] = field(default_factory=lambda: {"INBOX": {}})
    can_idle: bool = False
    selected: str = "INBOX"
    next_uid: int = 1
    bodies_fetched: list[str] = field(default_factory=list)
    fail_move: bool = False

    def deliver(self, data: bytes, folder: str = "INBOX") -> str:
        uid = str(self.next_uid)
        self.next_uid += 1
        self.folders.setdefault(folder, {})[uid] = data
        return uid

    def select(self, folder: str) -> None:
        self.selected = folder

    def ensure_folder(self, folder: str) -> None:
        self.folders.setdefault(folder, {})

    def uids(self) -> list[str]:
        return list(self.folders[self.selected])

    def headers(self, uids):
        for uid in uids:
            data = self.folders[self.selected][uid]
            msg = email.message_from_bytes(data.split(b"\r\n\r\n")[0].split(b"\n\n")[0])
            lines = b"".join(f"{k}: {v}\r\n".encode() for k, v in msg.items() if k.lower() in ("from", "sender"))
            yield Header(uid, len(data), lines)

    def body(self, uid: str) -> bytes | None:
        self.bodies_fetched.append(uid)
        return self.folders[self.selected].get(uid)

    def move(self, uid: str, folder: str) -> None:
        if self.fail_move:
            raise KeyboardInterrupt  # stands in for a crash between store and move
        data = self.folders[self.selected].pop(uid)
        self.deliver(data, folder)

    def idle(self, timeout: float) -> None:
        pass

    def close(self) -> None:
        pass


def mail(sender: str, body: str, msgid: str, subject: str = "hello") -> bytes:
    return (f"From: {sender}\r\nTo: me@example.org\r\nSubject: {subject}\r\nMessage-ID: <{msgid}>\r\n"
            f"Date: Mon, 02 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()
