"""One pass over the inbox, and the loop that repeats it: store first, move after.

For each mail in the watched folder whose From or Sender is an address of the case's
`other` person: fetch its bytes (one mail at a time), store them in the case (original,
message, screening) and commit, a batch of up to 50 mails or 16 MiB at a time, and only
then move each of those UIDs to the quarantine folder. A run stopped
between the two finds the bytes stored on its next pass (SHA-256 of the bytes; the
Message-ID is kept beside it) and finishes the move without storing them again. Mail from
anyone else is never fetched, flagged or moved. Nothing is ever deleted.

A mail larger than the limit (GREYROCK_MAX_MAIL, 64M by default) is neither fetched nor
moved: it is reported, every pass, so the reader can lift the limit for it.
"""

from __future__ import annotations

import email.utils
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from typing import Any, Protocol

from greyrock.errors import InputError
from greyrock.ingest._limits import describe_size
from greyrock.people import Roles, read_roles
from greyrock.vault import Case

from ._account import Account
from ._store import Fetched, Screener, is_stored, store_mails

__all__ = ["Mailbox", "PassResult", "max_mail", "sweep", "undo", "watch"]

MAX_MAIL_DEFAULT = 64 << 20
# Mails stored per transaction (and screened per model call) before they are moved: a
# commit costs as much as storing a dozen small mails. Bytes bound the batch's memory.
_BATCH = 50
_BATCH_BYTES = 16 << 20
_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]{1,998}>)", re.I | re.M)


class Mailbox(Protocol):
    can_idle: bool

    def select(self, folder: str) -> None: ...
    def ensure_folder(self, folder: str) -> None: ...
    def uids(self) -> list[str]: ...
    def headers(self, uids: list[str]) -> Iterator[Any]: ...
    def body(self, uid: str) -> bytes | None: ...
    def move(self, uid: str, folder: str) -> None: ...
    def idle(self, timeout: float) -> None: ...
    def close(self) -> None: ...


@dataclass
class PassResult:
    moved: int = 0
    stored: int = 0
    skipped: int = 0  # the other person's mail left where it is (too large, or --dry-run)
    errors: list[str] = field(default_factory=list)
    needs_you: int = 0
    would_move: list[str] = field(default_factory=list)  # --dry-run: the UIDs

    def to_dict(self) -> dict[str, Any]:
        return {"moved": self.moved, "stored": self.stored, "skipped": self.skipped, "errors": self.errors,
                "needs_you": self.needs_you}

    def add(self, other: PassResult) -> None:
        self.moved += other.moved
        self.stored += other.stored
        self.skipped += other.skipped
        self.errors += other.errors
        self.needs_you += other.needs_you


def max_mail() -> int:
    """The largest mail fetched and stored (GREYROCK_MAX_MAIL, a size such as 64M or 1G)."""
    raw = os.environ.get("GREYROCK_MAX_MAIL", "").strip()
    if not raw:
        return MAX_MAIL_DEFAULT
    match = re.fullmatch(r"(\d+)\s*([KMG]?)i?B?", raw, re.I)
    value = int(match.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[match.group(2).upper()] if match else 0
    if value <= 0:
        raise InputError(f"GREYROCK_MAX_MAIL={raw!r} is not a limit greyrock understands.", "Use a size such as 64M or 1G.")
    return value


def senders(fields: bytes) -> list[str]:
    """The addresses of raw From/Sender lines; hostile bytes give what can be read."""
    text = fields.decode("utf-8", errors="replace")
    try:
        text = str(make_header(decode_header(text)))
    except Exception:  # a broken encoded word: read the raw text
        pass
    values = re.findall(r"^(?:From|Sender):(.*(?:\r?\n[ \t].*)*)", text, re.I | re.M)
    return [addr for _, addr in email.utils.getaddresses(values) if "@" in addr]


def is_theirs(fields: bytes, roles: Roles) -> bool:
    return any(roles.role(addr) == "other" for addr in senders(fields))


def message_id(data: bytes) -> str | None:
    head = data[: data.find(b"\r\n\r\n") if b"\r\n\r\n" in data else 65536][:65536]
    found = _MESSAGE_ID.search(head)
    return found.group(1).decode("ascii", errors="replace") if found else None


def sweep(case: Case, box: Mailbox, account: Account, *, screener: Screener | None, model_id: str = "",
          dry_run: bool = False, limit: int | None = None, move: bool = True) -> PassResult:
    """One pass over `account.folder`: store then quarantine every mail of the other person's
    (`move=False`: store only, as `case import` backfills a folder)."""
    result = PassResult()
    roles = read_roles(case)
    if not roles.has_other:
        result.errors.append("the case names no 'other' person: nothing to watch for "
                             "(greyrock case people CASE --other ADDRESS).")
        return result
    limit = max_mail() if limit is None else limit
    if not dry_run and move:
        box.ensure_folder(account.quarantine)
    box.select(account.folder)
    theirs = [h for h in box.headers(box.uids()) if is_theirs(h.fields, roles)]
    batch: list[tuple[str, bytes]] = []
    held = 0
    for header in theirs:
        place = f"{account.server} {account.folder} UID {header.uid}"
        if header.size > limit:
            result.skipped += 1
            result.errors.append(f"{place}: {describe_size(header.size)}, over the limit of {describe_size(limit)}; "
                                 "left in the folder (lift it with GREYROCK_MAX_MAIL).")
            continue
        if dry_run:
            result.would_move.append(header.uid)
            result.skipped += 1
            continue
        data = box.body(header.uid)
        if data is None:  # gone since the listing (another mail app moved it)
            continue
        batch.append((header.uid, data))
        held += len(data)
        if len(batch) >= _BATCH or held >= _BATCH_BYTES:
            _store_then_move(case, box, account, batch, result, screener, model_id, move)
            batch, held = [], 0
    _store_then_move(case, box, account, batch, result, screener, model_id, move)
    return result


def _store_then_move(case: Case, box: Mailbox, account: Account, batch: list[tuple[str, bytes]],
                     result: PassResult, screener: Screener | None, model_id: str, move: bool = True) -> None:
    """Store a batch in one committed transaction, then move each of its UIDs."""
    if not batch:
        return
    fetched = [Fetched(data, f"imap {account.server} {account.folder} UID {uid}",
                       {"server": account.server, "user": account.user, "folder": account.folder, "uid": uid,
                        "message_id": message_id(data)})
               for uid, data in batch if not is_stored(case, data)]
    for stored in store_mails(case, fetched, screener=screener, model_id=model_id):
        result.stored += stored.added
        result.needs_you += stored.needs_you
    for uid, _ in batch if move else ():
        box.move(uid, account.quarantine)
        result.moved += 1


def undo(box: Mailbox, account: Account) -> int:
    """Move every mail in the quarantine folder back to the watched folder; how many moved."""
    box.ensure_folder(account.quarantine)
    box.select(account.quarantine)
    uids = box.uids()
    for uid in uids:
        box.move(uid, account.folder)
    return len(uids)


def watch(case: Case, connect: Callable[[], Mailbox], account: Account, *, screener: Screener | None,
          model_id: str, interval: float, report: Callable[[PassResult], None],
          log: Callable[[str], None], sleep: Callable[[float], None] = time.sleep,
          stop: Callable[[], bool] = lambda: False, max_backoff: float = 300.0) -> None:
    """Pass after pass, for days: IDLE between passes where the server has it, `interval`
    seconds of polling otherwise; a dropped connection is retried with a doubling back-off
    (1 s up to `max_backoff`), and the pass after it catches up on what arrived meanwhile."""
    backoff = 1.0
    while not stop():
        box: Mailbox | None = None
        try:
            box = connect()
            backoff = 1.0
            while not stop():
                report(sweep(case, box, account, screener=screener, model_id=model_id))
                if box.can_idle:
                    box.idle(interval)
                else:
                    sleep(interval)
        except (OSError, EOFError) as exc:
            log(f"connection to {account.server} lost ({type(exc).__name__}); trying again in {backoff:.0f} s.")
        except Exception as exc:  # imap-tools' own errors: the server said no; try again later
            if type(exc).__module__.split(".")[0] not in ("imap_tools", "imaplib"):
                raise
            log(f"the server {account.server} refused ({type(exc).__name__}); trying again in {backoff:.0f} s.")
        finally:
            if box is not None:
                box.close()
        if stop():
            break
        sleep(backoff)
        backoff = min(backoff * 2, max_backoff)
