"""One mail's bytes into the case: the original byte for byte, its message, its screening.

Everything about reading the mail (broken MIME, charsets, HTML, forwarded mails) is the
e-mail importer's (`ingest._email.read_email`); a mail it cannot read is kept as an
unparsed message with its raw text. The bytes never touch the disk outside the case: the
importer is handed an entry whose reads come from memory.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from greyrock.ingest._base import Context
from greyrock.ingest._email import read_email
from greyrock.ingest._export import Entry, Export
from greyrock.model import Kind, Message
from greyrock.pipeline import apply_context
from greyrock.settings import case_clock
from greyrock.vault import Case

__all__ = ["MAIL_RECORD", "Fetched", "Stored", "is_stored", "store_mail", "store_mails"]

MAIL_RECORD = "imap-mail"
Screener = Callable[[Sequence[Message]], list[dict[str, Any] | None]]


@dataclass(eq=False)
class _MemoryEntry(Entry):
    """An export entry whose bytes are in memory (one fetched mail)."""

    data: bytes = field(default=b"", repr=False)

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data)


@dataclass(frozen=True)
class Stored:
    sha256: str
    added: bool  # False: the case already held these bytes (a run that stopped before the move)
    needs_you: bool  # a threat or a grave danger sign


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_stored(case: Case, data: bytes) -> bool:
    return case.original_id(sha256(data)) is not None


@dataclass(frozen=True)
class Fetched:
    """One fetched mail, to store: its bytes, the original's name and its `imap-mail` record."""

    data: bytes
    name: str
    source: dict[str, Any]


def store_mail(case: Case, data: bytes, *, name: str, source: dict[str, Any],
               screener: Screener | None, model_id: str) -> Stored:
    """Store `data` (one RFC 822 mail) as an original named `name`, with its message and
    screening, in one transaction; a mail the case holds already is not stored again."""
    return store_mails(case, [Fetched(data, name, source)], screener=screener, model_id=model_id)[0]


def store_mails(case: Case, mails: Sequence[Fetched], *, screener: Screener | None, model_id: str) -> list[Stored]:
    """Store several mails in one transaction, screened in one batch (a commit and a model
    call cost far more than one mail); each as `store_mail` does. All or none are stored."""
    clock = case_clock(case)[0]
    zone = clock.zone
    results: list[Stored] = []
    to_screen: list[tuple[int, Message, int]] = []
    with case.transaction():
        for fetched in mails:
            digest = sha256(fetched.data)
            if case.original_id(digest) is not None:  # held before, or earlier in this batch
                results.append(Stored(digest, False, False))
                continue
            name = fetched.name
            entry = _MemoryEntry(file=name, path=Path(name), size=len(fetched.data), data=fetched.data)
            ctx = Context(Export(Path(name), [entry]))
            message = read_email(ctx, entry, "message", fetched.data, None, at_end=True)
            original_id, _ = case.add_original(name, io.BytesIO(fetched.data), digest)
            rows = list(case.add_messages([message], {name: original_id}, zone=zone))
            if screener is not None and rows and message.kind is not Kind.UNPARSED:
                to_screen.append((rows[0][0], rows[0][1], len(results)))
            case.add_record(MAIL_RECORD, {**fetched.source, "sha256": digest,
                                          "warnings": [str(w) for w in ctx.warnings]})
            results.append(Stored(digest, True, False))
        if to_screen and screener is not None:
            findings = screener([m for _, m, _ in to_screen])
            for (row_id, _, at), finding in zip(to_screen, findings, strict=True):
                if finding is not None:
                    case.add_finding(row_id, model_id, finding)
                    if finding.get("danger") or "threat" in finding.get("labels", []):
                        results[at] = Stored(results[at].sha256, True, True)
            # A mail read in the context of what the same sender sent in the hours before
            # it, by any channel the case holds (a threat by text, then "I'm outside").
            times = [m.timestamp for _, m, _ in to_screen if m.timestamp is not None]
            if times:
                changed = apply_context(case, model_id, new_from=min(times, key=clock.instant))
                for row_id, _, at in to_screen:
                    if "threat" in changed.get(row_id, {}).get("labels", []):
                        results[at] = Stored(results[at].sha256, True, True)
    return results
