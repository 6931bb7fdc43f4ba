"""Who contacted whom, and when: the other person's attempts and the reader's own contact.

A case may hold whole phone backups, with every conversation the reader has. When the
case names the other person's aliases (`case.contacts()`), only their messages and calls
count as attempts, and only the reader's messages and calls to them count as contact.
Without contacts, every received message or call counts, and every sent one.

Weeks are ISO weeks ("2024-W09", Monday to Sunday), the same in every country, so the
numbers a reader sees match the ones an advocate or a court recomputes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from greyrock._clock import Clock
from greyrock.identity import default_region, normalise_address
from greyrock.model import Direction, Kind
from greyrock.vault import Case, StoredMessage

__all__ = [
    "Attempt",
    "WeekCount",
    "attempts",
    "iso_week",
    "last_reader_contact",
    "not_from_reader",
    "other_person",
    "weekly_counts",
]

_CONTACT_KINDS = frozenset({Kind.MESSAGE, Kind.MEDIA, Kind.DELETED, Kind.CALL})


def iso_week(day: date) -> str:
    """'YYYY-Www' of the ISO week holding `day`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One message or call from the other person, with the day it arrived."""

    stored: StoredMessage
    day: date

    @property
    def is_call(self) -> bool:
        return self.stored.message.kind is Kind.CALL


@dataclass(frozen=True, slots=True)
class WeekCount:
    week: str
    monday: date
    messages: int
    calls: int

    @property
    def total(self) -> int:
        return self.messages + self.calls

    def to_dict(self) -> dict[str, object]:
        return {"week": self.week, "messages": self.messages, "calls": self.calls}


def other_person(case: Case) -> frozenset[str]:
    """Every alias of the other person(s) the case names, normalised; empty when none."""
    region = default_region()
    out: set[str] = set()
    for aliases in case.contacts().values():
        out.update(normalise_address(a, region) for a in aliases)
    return frozenset(out)


def _is_theirs(address: str | None, aliases: frozenset[str], region: str) -> bool:
    return bool(address) and (address in aliases or normalise_address(address, region) in aliases)


def not_from_reader(messages: Iterable[StoredMessage], aliases: frozenset[str]) -> Iterator[StoredMessage]:
    """Messages the reader did not send (received, or of unknown direction), from the other
    person's aliases when the case names them: the messages whose words can show danger."""
    region = default_region()
    for s in messages:
        m = s.message
        if m.direction is Direction.OUT:
            continue
        if aliases and not (_is_theirs(m.sender, aliases, region) or _is_theirs(m.sender_name, aliases, region)):
            continue
        yield s


def attempts(messages: Iterable[StoredMessage], aliases: frozenset[str], clock: Clock | None = None) -> Iterator[Attempt]:
    """The other person's messages and calls: received, dated, and from their aliases if known.

    Each is dated on `clock`, the case's (UTC without one)."""
    clock = clock or Clock()
    region = default_region()
    for s in messages:
        m = s.message
        if m.direction is not Direction.IN or m.kind not in _CONTACT_KINDS or m.timestamp is None:
            continue
        if aliases and not (_is_theirs(m.sender, aliases, region) or _is_theirs(m.sender_name, aliases, region)):
            continue
        yield Attempt(s, clock.day(m.timestamp))  # type: ignore[arg-type]


def last_reader_contact(messages: Iterable[StoredMessage], aliases: frozenset[str]) -> StoredMessage | None:
    """The latest message or call the reader sent (to the other person, when the case names them).

    A sent message that names no recipient (some exports leave it out) is counted: it is
    safer to under-count the days of no contact than to claim contact never happened.
    """
    region = default_region()
    latest: StoredMessage | None = None
    for s in messages:
        m = s.message
        if m.direction is not Direction.OUT or m.kind not in _CONTACT_KINDS or m.timestamp is None:
            continue
        if aliases and m.recipients and not any(_is_theirs(r, aliases, region) for r in m.recipients):
            continue
        latest = s  # messages() yields oldest first
    return latest


def weekly_counts(items: Iterable[Attempt], start: date, end: date) -> list[WeekCount]:
    """Messages and calls per ISO week from the week of `start` to the week of `end`, zeros included.

    Attempts outside [start, end] are left out.
    """
    first = start - timedelta(days=start.weekday())
    last = end - timedelta(days=end.weekday())
    counts: dict[date, list[int]] = {}
    monday = first
    while monday <= last:
        counts[monday] = [0, 0]
        monday += timedelta(days=7)
    for a in items:
        if start <= a.day <= end:
            counts[a.day - timedelta(days=a.day.weekday())][1 if a.is_call else 0] += 1
    return [WeekCount(iso_week(m), m, c[0], c[1]) for m, c in counts.items()]
