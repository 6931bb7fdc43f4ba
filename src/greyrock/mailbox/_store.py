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
from greyrock.settings import case_clock
from greyrock.vault import Case

__all__ = ["MAIL_RECORD", "Stored", "is_stored", "store_mail"]

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


def store_mail(case: Case, data: bytes, *, name: str, source: dict[str, Any],
               screener: Screener | None, model_id: str) -> Stored:
    """Store `data` (one RFC 822 mail) as an original named `name`, with its message and
    screening, in one transaction; a mail the case holds already is not stored again."""
    digest = sha256(data)
    if case.original_id(digest) is not None:
        return Stored(digest, False, False)
    entry = _MemoryEntry(file=name, path=Path(name), size=len(data), data=data)
    ctx = Context(Export(Path(name), [entry]))
    message = read_email(ctx, entry, "message", data, None, at_end=True)
    zone = case_clock(case)[0].zone
    needs_you = False
    with case.transaction():
        original_id, _ = case.add_original(name, io.BytesIO(data), digest)
        rows = list(case.add_messages([message], {name: original_id}, zone=zone))
        if screener is not None and rows and message.kind is not Kind.UNPARSED:
            finding = screener([rows[0][1]])[0]
            if finding is not None:
                case.add_finding(rows[0][0], model_id, finding)
                needs_you = bool(finding.get("danger")) or "threat" in finding.get("labels", [])
        case.add_record(MAIL_RECORD, {**source, "sha256": digest, "warnings": [str(w) for w in ctx.warnings]})
    return Stored(digest, True, needs_you)
