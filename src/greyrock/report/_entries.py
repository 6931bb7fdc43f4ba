"""Which messages of a case a report is about, and who sent them.

The other person's messages are those received by the reader (direction "in") and, once
the case names the other person (`greyrock case import --contact`), sent from one of their
aliases: a friend's message in the same export is not theirs and stays out of the report.
The reader's own messages are those sent to them (or, when an export does not record a
recipient, sent in the same conversation).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from greyrock.identity import normalise_address
from greyrock.model import Channel, Direction, Kind, Message
from greyrock.vault import Case

from ._settings import Clock

__all__ = ["ATTEMPT_KINDS", "Entry", "Unplaced", "select"]

# What counts as the other person trying to reach the reader.
ATTEMPT_KINDS = frozenset({Kind.MESSAGE, Kind.MEDIA, Kind.DELETED, Kind.CALL})


@dataclass(frozen=True, slots=True)
class Entry:
    """One message of the record: the stored message, its screening and who sent it.

    `when` is the message's time on the report's clock (see `Clock`); the message itself
    keeps the time exactly as the export recorded it.
    """

    id: int
    message: Message
    original_sha256: str
    labels: tuple[str, ...]
    danger: tuple[dict[str, Any], ...]
    from_other: bool
    when: datetime | None
    screened: bool = False

    @property
    def day(self) -> date | None:
        return self.when.date() if self.when else None

    @property
    def is_call(self) -> bool:
        return self.message.kind is Kind.CALL or self.message.channel is Channel.CALL

    @property
    def is_attempt(self) -> bool:
        """A contact attempt by the other person: a message, photo, deleted message or call."""
        return self.from_other and self.message.kind in ATTEMPT_KINDS and self.when is not None


def _is_alias(value: str | None, aliases: set[str]) -> bool:
    if not value:
        return False
    return value in aliases or normalise_address(value) in aliases


def _side(message: Message, aliases: set[str]) -> bool | None:
    """True for the other person's, False for the reader's own, None for anyone else's.

    A message whose export did not say who sent it (direction unknown: a WhatsApp chat
    imported without --me) is the other person's when it comes from one of their aliases.
    """
    from_alias = _is_alias(message.sender, aliases) or _is_alias(message.sender_name, aliases)
    if message.direction is Direction.IN:
        return True if not aliases or from_alias else None
    if message.direction is Direction.UNKNOWN:
        return True if from_alias else None
    if message.direction is Direction.OUT:
        recipients = [r for r in message.recipients if r and r != "me"]
        if not aliases or not recipients or any(_is_alias(r, aliases) for r in recipients):
            return False
        return None
    return None


@dataclass
class Unplaced:
    """Messages left out because nobody can tell who sent them: counted, so the report says so."""

    count: int = 0


def select(case: Case, clock: Clock, start: date | None = None, end: date | None = None,
           unplaced: Unplaced | None = None) -> Iterator[Entry]:
    """The other person's and the reader's own messages, oldest first, within [start, end].

    Dates are days on the report's clock, both ends included. A record whose time could
    not be read is kept only when no period is asked for (it cannot be placed in one).
    """
    aliases: set[str] = set()
    for names in case.contacts().values():
        aliases.update(names)
    for stored in case.messages():
        m = stored.message
        if m.kind in (Kind.SYSTEM, Kind.UNPARSED):
            continue
        side = _side(m, aliases)
        if side is None:
            if unplaced is not None and m.direction is Direction.UNKNOWN:
                unplaced.count += 1
            continue
        when = clock.local(m.timestamp)
        if start or end:
            if when is None or (start and when.date() < start) or (end and when.date() > end):
                continue
        finding = stored.finding or {}
        yield Entry(
            id=stored.id,
            message=m,
            original_sha256=stored.original_sha256,
            labels=tuple(finding.get("labels") or ()),
            danger=tuple(finding.get("danger") or ()),
            from_other=side,
            when=when,
            screened=stored.finding is not None,
        )
