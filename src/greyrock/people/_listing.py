"""`greyrock case people`: every address found in a case, what it sent, its role, and for
an address with no role a suggestion with its reasons.

Suggestions are only that: the reader decides. Each says why, from the messages the case
holds, so the reader can check it:
- `other`: its first message says it is a new number; it began writing in the days the
  other person's known number went quiet; or the reader's own messages to it call it by
  one of the other person's names;
- `me`: it writes in the same chat as the other person, in an export that does not say
  which author is the reader (a WhatsApp chat imported without --me);
- `third`: a short code or a sender of verification codes (banks, schools, services), or,
  once the other person is named, nothing links it to them or to the reader. Before
  anyone is named, an ordinary address gets no suggestion: nothing can say who they are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from greyrock.model import Channel, Direction, Kind, Message

from ._roles import READER, Party, Roles, _key, read_roles

__all__ = ["Person", "Suggestion", "list_people", "people_of"]

_NEW_NUMBER = re.compile(r"\b(?:new (?:phone |cell |mobile )?(?:number|no\b|#)|changed my (?:number|phone)|"
                         r"this is my (?:new|other) (?:number|phone)|my other phone|got a new phone)", re.I)
_CODE = re.compile(r"\b(?:verification|security|one[- ]time|login|access) code\b|\bcode is\b|\bOTP\b|"
                   r"\bdo not share\b|\bnever share\b", re.I)
_SHORT_CODE = re.compile(r"^\+?\d{3,6}$")
_WORD = re.compile(r"[^\W\d_]{3,}")
_QUIET_BEFORE = timedelta(days=1)  # a new number may start a day before the old one stops
_QUIET_AFTER = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Suggestion:
    role: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "reason": self.reason}


@dataclass
class Person:
    """One address of the case and what it took part in."""

    id: str
    role: str | None
    names: list[str] = field(default_factory=list)
    messages: int = 0
    calls: int = 0
    received: int = 0  # messages and calls it sent to the reader
    sent: int = 0  # the reader's messages and calls to it
    first: datetime | None = None
    last: datetime | None = None
    suggestion: Suggestion | None = None
    # what the suggestions read; not shown
    first_from: Message | None = field(default=None, repr=False)
    first_received: datetime | None = field(default=None, repr=False)
    files: set[str] = field(default_factory=set, repr=False)
    unknown_direction_files: set[str] = field(default_factory=set, repr=False)
    codes: int = field(default=0, repr=False)
    words_from_reader: set[str] = field(default_factory=set, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "names": self.names, "role": self.role, "messages": self.messages,
                "calls": self.calls, "received": self.received, "sent": self.sent,
                "first": self.first.isoformat() if self.first else None,
                "last": self.last.isoformat() if self.last else None,
                "suggestion": self.suggestion.to_dict() if self.suggestion else None}


def _instant(ts: datetime) -> datetime:
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=timezone.utc)


def _note(person: Person, m: Message, *, is_sender: bool, own: bool) -> None:
    is_call = m.kind is Kind.CALL or m.channel is Channel.CALL
    if is_call:
        person.calls += 1
    else:
        person.messages += 1
    if is_sender:
        person.received += 1
        if m.sender_name and m.sender_name != person.id and m.sender_name not in person.names:
            person.names.append(m.sender_name)
        if _CODE.search(m.body):
            person.codes += 1
        if m.direction is Direction.UNKNOWN:
            person.unknown_direction_files.add(m.source.file)
        if m.timestamp is not None and (person.first_received is None
                                        or _instant(m.timestamp) < _instant(person.first_received)):
            person.first_received, person.first_from = m.timestamp, m
    elif own:
        person.sent += 1
        name = m.extra.get("contact_name") if m.extra else None
        if isinstance(name, str) and name not in person.names:
            person.names.append(name)
        person.words_from_reader.update(w.casefold() for w in _WORD.findall(m.body))
    person.files.add(m.source.file)
    if m.timestamp is not None:
        if person.first is None or _instant(m.timestamp) < _instant(person.first):
            person.first = m.timestamp
        if person.last is None or _instant(m.timestamp) > _instant(person.last):
            person.last = m.timestamp


def people_of(messages: Iterable[Message], roles: Roles) -> list[Person]:
    """Everyone who sent or received a message of `messages`, with a suggestion for each
    address that has no role. Those with no role come first, then other, me, third; most
    active first within each."""
    found: dict[str, Person] = {}

    def person(address: str) -> Person:
        k = _key(address, roles.region)
        if k not in found:
            found[k] = Person(roles.names.get(k, address), roles.role(address))
        return found[k]

    for m in messages:
        if m.kind in (Kind.SYSTEM, Kind.UNPARSED):
            continue
        party = Party.of(m, roles)
        # The sender of a message the export says the reader sent is the reader: not listed.
        sender = m.sender if m.sender and m.sender != READER and m.direction is not Direction.OUT else None
        if sender is None and m.sender_name and not party.own:
            sender = m.sender_name
        if sender is not None:
            _note(person(sender), m, is_sender=True, own=False)
        for r in m.recipients:
            if r and r != READER and _key(r, roles.region) != (_key(sender, roles.region) if sender else None):
                _note(person(r), m, is_sender=False, own=party.own)
    people = list(found.values())
    _suggest(people, roles)
    order = {None: 0, "other": 1, "me": 2, "third": 3}
    return sorted(people, key=lambda p: (order.get(p.role, 4), -(p.messages + p.calls), p.id))


def _suggest(people: list[Person], roles: Roles) -> None:
    theirs = [p for p in people if p.role == "other"]
    names = {w.casefold() for p in theirs for n in [p.id, *p.names] for w in _WORD.findall(n)}
    names |= {w.casefold() for i in roles.ids("other") for w in _WORD.findall(i)}
    went_quiet = [_instant(p.last) for p in theirs if p.last is not None and p.received]
    their_files = {f for p in theirs for f in p.files}
    for p in people:
        if p.role is not None:
            continue
        strong: list[str] = []
        if p.first_from is not None and _NEW_NUMBER.search(p.first_from.body):
            strong.append(f"its first message ({_day(p.first_received)}) says it is a new number")
        called = sorted(p.words_from_reader & names)
        if called:
            strong.append(f"your messages to it call it {', '.join(w.title() for w in called)}, "
                          "a name of the other person")
        began = _instant(p.first_received) if p.first_received is not None else None
        quiet = next((q for q in went_quiet if began is not None and q - _QUIET_BEFORE <= began <= q + _QUIET_AFTER),
                     None)
        took_over = (f"it began writing on {_day(p.first_received)}, as a known number of the other person "
                     f"went quiet (its last message {quiet.date().isoformat()})") if quiet is not None else None
        if p.unknown_direction_files & their_files and not strong:
            p.suggestion = Suggestion("me", "it writes in the same chat as the other person, in an export that "
                                            "does not say which author is you")
        elif strong:
            p.suggestion = Suggestion("other", "; ".join(strong + ([took_over] if took_over else [])))
        elif _SHORT_CODE.match(p.id):
            p.suggestion = Suggestion("third", "a short code: banks, schools and services send from these")
        elif p.codes:
            p.suggestion = Suggestion("third", "it sends verification codes")
        elif took_over:
            p.suggestion = Suggestion("other", took_over)
        elif theirs:
            p.suggestion = Suggestion("third", "nothing in the case links it to the other person or to you")
        # With no one named the other person yet, nothing here can say who is not them: no suggestion.


def _day(ts: datetime | None) -> str:
    return ts.date().isoformat() if ts else "?"


def list_people(case: Any) -> list[Person]:
    """`people_of` the messages of an open case, with the roles it holds now."""
    return people_of((s.message for s in case.messages()), read_roles(case))
