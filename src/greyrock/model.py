"""The shared vocabulary of greyrock: what every other package speaks.

This module imports nothing else of greyrock, so ingest, vault, screen and the rest can
all depend on it without depending on each other.

A `Message` is one thing that happened in a conversation (a text, a call, a photo, a
"you were added" notice), normalised from whatever export it came from. It always
points back at where it came from (`Source`), because the original, not our reading of
it, is the evidence.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from enum import StrEnum
from typing import Any, Protocol

__all__ = [
    "Attachment",
    "ByteSource",
    "Channel",
    "DangerFlag",
    "Direction",
    "Finding",
    "Kind",
    "Label",
    "Message",
    "ParseWarning",
    "Source",
    "Span",
    "sort_key",
]


class Channel(StrEnum):
    SMS = "sms"
    MMS = "mms"
    WHATSAPP = "whatsapp"
    IMESSAGE = "imessage"
    SIGNAL = "signal"
    MESSENGER = "messenger"
    INSTAGRAM = "instagram"
    TELEGRAM = "telegram"
    GOOGLE_VOICE = "google-voice"
    EMAIL = "email"
    DISCORD = "discord"
    CALL = "call"
    OTHER = "other"


class Kind(StrEnum):
    MESSAGE = "message"
    CALL = "call"
    MEDIA = "media"
    SYSTEM = "system"  # joins, encryption notices, "created group"
    DELETED = "deleted"  # "This message was deleted", unsent
    UNPARSED = "unparsed"  # a record we could not read: raw text kept in body


class Direction(StrEnum):
    IN = "in"  # received by the reader
    OUT = "out"  # sent by the reader
    UNKNOWN = "unknown"


class Label(StrEnum):
    """The screening labels of labels.md, in their canonical order."""

    THREAT = "threat"
    COERCION = "coercion"
    VERBAL_ABUSE = "verbal_abuse"
    MANIPULATION = "manipulation"
    HOOVERING = "hoovering"
    LOGISTICS = "logistics"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a message was read: the original file and a human, stable place in it.

    `file` names the file on disk exactly as the reader handed it over (the zip for a
    zipped export), so the vault can hash that file. `locator` is for people: `sms[17]`,
    `line 212`, `_chat.txt line 4` (a member of a zip), `messages[3]`.
    """

    file: str
    locator: str


class ByteSource(Protocol):
    """Where an attachment's bytes can be read again, a chunk at a time (a file of the
    export, a zip member), so that a large file never has to sit in memory whole."""

    def chunks(self) -> Iterator[bytes]: ...


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    mime: str | None = None
    size: int | None = None
    sha256: str | None = None
    # The bytes, when the export embeds them (MMS base64, a file inside a zip). Never
    # printed; the vault stores them encrypted.
    data: bytes | None = field(default=None, repr=False, compare=False)
    # Or, for a file of the export, where to read them (`size` and `sha256` were measured
    # from it): the vault streams it into chunks of the case.
    source: ByteSource | None = field(default=None, repr=False, compare=False)
    # The export's bytes could not be decoded (broken base64): `data` is what the export
    # holds, kept as it is, and the file itself is not recoverable from it.
    damaged: bool = False

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "mime": self.mime, "size": self.size, "sha256": self.sha256}
        if self.damaged:
            d["damaged"] = True
        return d


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something an importer could not read, or had to assume, in one place of a file."""

    file: str
    locator: str | None
    reason: str

    def __str__(self) -> str:
        place = f"{self.file}, {self.locator}" if self.locator else self.file
        return f"{place}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Message:
    """One normalised message, call or event. See cli.md for the meaning of each field.

    `timestamp` is timezone-aware exactly when the source records the zone (`tz_known`);
    otherwise it is the naive local time the export shows. It is None only for an
    unparsed record whose time could not be read.
    """

    timestamp: datetime | None
    channel: Channel
    kind: Kind
    direction: Direction
    sender: str | None
    body: str
    source: Source
    sender_name: str | None = None
    recipients: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    # Format-specific facts worth keeping (call duration, subject, edited, thread name).
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def tz_known(self) -> bool:
        return self.timestamp is not None and self.timestamp.tzinfo is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of cli.md (`greyrock parse`)."""
        ts = self.timestamp  # `greyrock parse` runs this once a message: kept lean
        out: dict[str, Any] = {
            "timestamp": None if ts is None else ts.isoformat(),
            "tz_known": ts is not None and ts.tzinfo is not None,
            "channel": self.channel._value_,
            "kind": self.kind._value_,
            "direction": self.direction._value_,
            "sender": self.sender,
            "sender_name": self.sender_name,
            "recipients": list(self.recipients),
            "body": self.body,
            "attachments": [a.to_dict() for a in self.attachments] if self.attachments else [],
            "source": {"file": self.source.file, "locator": self.source.locator},
        }
        if self.extra:
            out["extra"] = self.extra
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def sort_key(message: Message, zone: tzinfo | None = None) -> float:
    """Chronological order across aware and naive timestamps.

    Naive times are read in `zone` (a case's time zone), or as if UTC without one: exports
    without a zone are then ordered among themselves correctly, and an unparsed record
    without a time sorts first rather than vanishing.
    """
    ts = message.timestamp
    if ts is None:
        return float("-inf")
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=zone or timezone.utc)
    return (ts - _EPOCH).total_seconds()


@dataclass(frozen=True, slots=True)
class Span:
    """The words in a message that raised a label: offsets into the original text."""

    label: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class DangerFlag:
    """A high-precision danger phrase: never hidden, always shown with its words.

    `sign` uses the danger-sign ids of cli.md (threat_to_kill, weapon, strangulation,
    suicide_threat, stalking, ...), so safety can suggest it to the reader.
    """

    sign: str
    why: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"sign": self.sign, "why": self.why, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Finding:
    """The screening of one message: a suggestion with its evidence, never a verdict.

    `summary` is the shielded text: the practical content the reader must act on, with the
    abuse left out; empty when there is nothing to act on.
    """

    labels: tuple[str, ...]
    needs_reply: bool
    scores: dict[str, float]
    tactics: tuple[str, ...]
    spans: tuple[Span, ...]
    summary: str
    danger: tuple[DangerFlag, ...] = ()
    model: str = ""
    # Not called a threat, but its threat score lies between the watch line and the
    # threshold: the shield shows it whole, as CHECK, for the reader to judge.
    check: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "needs_reply": self.needs_reply,
            "scores": self.scores,
            "tactics": list(self.tactics),
            "spans": [s.to_dict() for s in self.spans],
            "summary": self.summary,
            "danger": [d.to_dict() for d in self.danger],
            "check": self.check,
            "model": self.model,
        }
