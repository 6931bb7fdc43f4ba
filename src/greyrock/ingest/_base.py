"""What every importer is, and what it is given while it parses.

An importer is one class per export format with a `name`, a one-line `help`, a
`sniff(entry)` that scores how sure it is that an entry is its format (None declines),
and a `parse(entries, ctx)` generator of Messages. Importers never return None for a
record and never drop one: what they cannot read becomes a `kind="unparsed"` Message
with its raw text, made through `ctx.unparsed()`, which also records the warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol, runtime_checkable

from greyrock.identity import normalise_address
from greyrock.model import Channel, Direction, Kind, Message, ParseWarning, Source

from ._export import Entry, Export

__all__ = ["Context", "Importer"]


@runtime_checkable
class Importer(Protocol):
    name: ClassVar[str]
    help: ClassVar[str]

    def sniff(self, entry: Entry) -> int | None:
        """0-100: how sure this importer is that `entry` is its format; None to decline."""
        ...

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        """Every record of `entries` (the entries this importer won), oldest first
        where the format's order is known."""
        ...


@dataclass
class Context:
    """Per-parse settings and the warning log shared by the importers of one export."""

    export: Export
    me: str | None = None
    region: str = "US"
    warnings: list[ParseWarning] = field(default_factory=list)
    _noted: set[tuple[str, str]] = field(default_factory=set)

    def warn(self, entry: Entry | str, locator: str | None, reason: str) -> None:
        if isinstance(entry, str):
            self.warnings.append(ParseWarning(entry, locator, reason))
            return
        loc = entry.locate(locator) if locator else entry.member
        self.warnings.append(ParseWarning(entry.file, loc, reason))

    def note_once(self, entry: Entry, reason: str) -> None:
        """Record an inference made for a whole file (day order, zone, who the reader is)."""
        key = (entry.name, reason)
        if key not in self._noted:
            self._noted.add(key)
            self.warn(entry, None, reason)

    def address(self, raw: str | None) -> str | None:
        return normalise_address(raw, self.region) if raw else None

    def is_me(self, name: str | None) -> bool:
        return bool(self.me and name and name.strip().casefold() == self.me.strip().casefold())

    def direction_of(self, sender_name: str | None) -> Direction:
        """Direction from a display name, for formats that only know names (WhatsApp)."""
        if not self.me or not sender_name:
            return Direction.UNKNOWN
        return Direction.OUT if self.is_me(sender_name) else Direction.IN

    def unparsed(
        self,
        entry: Entry,
        locator: str,
        raw: str,
        reason: str,
        channel: Channel = Channel.OTHER,
        timestamp: datetime | None = None,
    ) -> Message:
        """A record we could not read, kept whole, with its warning recorded."""
        self.warn(entry, locator, f"{reason}; kept as unparsed text.")
        return Message(
            timestamp=timestamp,
            channel=channel,
            kind=Kind.UNPARSED,
            direction=Direction.UNKNOWN,
            sender=None,
            body=raw,
            source=Source(entry.file, entry.locate(locator)),
        )
