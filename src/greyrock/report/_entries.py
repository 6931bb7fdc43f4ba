"""Which messages of a case a report is about, and who sent them.

The other person's messages are those received by the reader (direction "in") and, once
the case names the other person (`greyrock case import --contact`), sent from one of their
aliases: a friend's message in the same export is not theirs and stays out of the report.
The reader's own messages are those sent to them (or, when an export does not record a
recipient, sent in the same conversation).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from greyrock.accounting import other_aliases, side
from greyrock.model import Channel, Direction, Kind, Message
from greyrock.vault import Case, Correction, StoredMessage

from ._settings import Clock

__all__ = ["ATTEMPT_KINDS", "Entry", "LeftOut", "select"]

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
    correction: Correction | None = None  # the reader's correction of the labels (`labels` includes it)
    suggested: tuple[str, ...] = ()  # the automated screening's labels, before any correction

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


@dataclass
class LeftOut:
    """What `select` did not yield and why, counted so that a report can say so.

    `unparsed` keeps the records greyrock could not read (the report lists them);
    the rest are counts: `system` notices, `others` (messages with people other than the
    other person: counted, never shown), `unknown_sender` (the export does not say who sent
    them) and `outside_period` (dated outside --from/--to, or undated when a period is asked).
    """

    unparsed: list[StoredMessage] = field(default_factory=list)
    system: int = 0
    others: int = 0
    unknown_sender: int = 0
    outside_period: int = 0


def select(case: Case, clock: Clock, start: date | None = None, end: date | None = None,
           left_out: LeftOut | None = None) -> Iterator[Entry]:
    """The other person's and the reader's own messages, oldest first, within [start, end].

    Dates are days on the report's clock, both ends included. A record whose time could
    not be read is kept only when no period is asked for (it cannot be placed in one).
    """
    out = left_out if left_out is not None else LeftOut()
    aliases = other_aliases(case)
    for stored in case.messages(clock=clock):
        m = stored.message
        if m.kind is Kind.UNPARSED:
            out.unparsed.append(stored)
            continue
        if m.kind is Kind.SYSTEM:
            out.system += 1
            continue
        whose = side(m, aliases)
        if whose is None:
            if m.direction is Direction.UNKNOWN:
                out.unknown_sender += 1
            else:
                out.others += 1
            continue
        when = clock.local(m.timestamp)
        if start or end:
            if when is None or (start and when.date() < start) or (end and when.date() > end):
                out.outside_period += 1
                continue
        finding = stored.finding or {}
        yield Entry(
            id=stored.id,
            message=m,
            original_sha256=stored.original_sha256,
            labels=tuple(finding.get("labels") or ()),
            danger=tuple(finding.get("danger") or ()),
            from_other=whose,
            when=when,
            screened=stored.screening is not None,
            correction=stored.correction,
            suggested=tuple((stored.screening or {}).get("labels") or ()),
        )
