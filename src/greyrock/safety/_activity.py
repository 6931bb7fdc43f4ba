"""Who contacted whom, and when: the other person's attempts and the reader's own contact.

A case may hold whole phone backups, with every conversation the reader has. When the
case names the other person (`greyrock case people`), only their messages and calls
count as attempts, and only the reader's messages and calls to them count as contact; a
sister's or a bank's (role `third`) never do. While it names no one, every received
message or call from an address with no role counts, and every one the reader sent.

Weeks are ISO weeks ("2024-W09", Monday to Sunday), the same in every country, so the
numbers a reader sees match the ones an advocate or a court recomputes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from greyrock._clock import Clock
from greyrock.agreed import AgreedContact
from greyrock.model import Direction, Kind, Message
from greyrock.people import Party, Roles, read_roles
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


def other_person(case: Case) -> Roles:
    """The roles the case gives its addresses now: who the other person is, and who is not."""
    return read_roles(case)


def _theirs(m: Message, party: Party, roles: Roles) -> bool:
    if party.own:
        return False
    if roles.has_other:
        return party.role == "other"
    return party.role is None  # no one named yet: everyone without a role, as before roles existed


def not_from_reader(messages: Iterable[StoredMessage], roles: Roles) -> Iterator[StoredMessage]:
    """Messages the reader did not send (received, or of unknown direction), from the other
    person when the case names them: the messages whose words can show danger."""
    for s in messages:
        if _theirs(s.message, Party.of(s.message, roles), roles):
            yield s


def attempts(messages: Iterable[StoredMessage], roles: Roles, clock: Clock | None = None,
             agreed: AgreedContact | None = None) -> Iterator[Attempt]:
    """The other person's messages and calls: received, dated, and from them if the case names them.

    Each is dated on `clock`, the case's (UTC without one). Agreed contact (`agreed`: calls
    with the children the reader marked or scheduled) is not an attempt."""
    clock = clock or Clock()
    for s in messages:
        m = s.message
        party = Party.of(m, roles)
        if party.direction(m) is not Direction.IN or m.kind not in _CONTACT_KINDS or m.timestamp is None:
            continue
        if agreed is not None and agreed.why(s.id, clock.local(m.timestamp), m.kind is Kind.CALL):
            continue
        if _theirs(m, party, roles):
            yield Attempt(s, clock.day(m.timestamp))  # type: ignore[arg-type]


def last_reader_contact(messages: Iterable[StoredMessage], roles: Roles) -> StoredMessage | None:
    """The latest message or call the reader sent (to the other person, when the case names them).

    A sent message that names no recipient (some exports leave it out) is counted: it is
    safer to under-count the days of no contact than to claim contact never happened.
    """
    latest: StoredMessage | None = None
    for s in messages:
        m = s.message
        if m.kind not in _CONTACT_KINDS or m.timestamp is None:
            continue
        if Party.of(m, roles).side(m, roles) is False:
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
