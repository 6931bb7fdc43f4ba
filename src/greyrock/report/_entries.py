"""Which messages of a case a report is about, and who sent them.

The other person's messages are those from an address with the role `other` (`greyrock
case people`); the reader's own are those they sent to the other person (or, when an
export does not record a recipient, in the same conversation). A sister's, a lawyer's or
a bank's messages (role `third`) stay out of the report unless the reader asks for them
by address (`--include-third`); those from addresses with no role yet are counted, never
dropped without a word.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from greyrock.accounting import roles_of
from greyrock.agreed import agreed_contact
from greyrock.model import Channel, Kind, Message
from greyrock.people import Party
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
    third: bool = False  # with someone else than the other person, shown because the reader asked (--include-third)
    agreed: str = ""  # agreed contact (greyrock.agreed): "marked" by the reader, "schedule", or "" (not agreed)

    @property
    def day(self) -> date | None:
        return self.when.date() if self.when else None

    @property
    def is_call(self) -> bool:
        return self.message.kind is Kind.CALL or self.message.channel is Channel.CALL

    @property
    def is_attempt(self) -> bool:
        """A contact attempt by the other person: a message, photo, deleted message or call,
        unless it is agreed contact (a call with the children the reader marked or scheduled)."""
        return self.from_other and self.message.kind in ATTEMPT_KINDS and self.when is not None and not self.agreed

    @property
    def own(self) -> bool:
        """The reader's own message to the other person."""
        return not self.from_other and not self.third


@dataclass
class LeftOut:
    """What `select` did not yield and why, counted so that a report can say so.

    `unparsed` keeps the records greyrock could not read (the report lists them);
    the rest are counts: `system` notices, `others` (messages with people other than the
    other person: counted, never shown), `unassigned` (with addresses that have no role yet,
    listed in `unassigned_ids`), `unknown_sender` (the export does not say who sent them)
    and `outside_period` (dated outside --from/--to, or undated when a period is asked).
    """

    unparsed: list[StoredMessage] = field(default_factory=list)
    system: int = 0
    others: int = 0
    unassigned: int = 0
    unassigned_ids: set[str] = field(default_factory=set)
    unknown_sender: int = 0
    outside_period: int = 0


def select(case: Case, clock: Clock, start: date | None = None, end: date | None = None,
           left_out: LeftOut | None = None, include_third: tuple[str, ...] = ()) -> Iterator[Entry]:
    """The other person's and the reader's own messages, oldest first, within [start, end].

    Dates are days on the report's clock, both ends included. A record whose time could
    not be read is kept only when no period is asked for (it cannot be placed in one).
    `include_third` names addresses of people with the role `third` whose messages the
    reader asked to show.
    """
    out = left_out if left_out is not None else LeftOut()
    roles = roles_of(case)
    wanted = {roles.key(a) for a in include_third}
    agreed = agreed_contact(case)
    for stored in case.messages(clock=clock):
        m = stored.message
        if m.kind is Kind.UNPARSED:
            out.unparsed.append(stored)
            continue
        if m.kind is Kind.SYSTEM:
            out.system += 1
            continue
        party = Party.of(m, roles)
        whose = party.side(m, roles)
        third = False
        if whose is None:
            if party.role == "third" and any(roles.key(a) in wanted for a in (*party.counterpart, m.sender_name) if a):
                third = True
            elif party.role is not None:
                out.others += 1
                continue
            elif party.counterpart:
                out.unassigned += 1
                out.unassigned_ids.update(party.counterpart)
                continue
            else:
                out.unknown_sender += 1
                continue
        direction = party.direction(m)
        if direction is not m.direction:
            m = replace(m, direction=direction)
        when = clock.local(m.timestamp)
        if start or end:
            if when is None or (start and when.date() < start) or (end and when.date() > end):
                out.outside_period += 1
                continue
        finding = {} if third else (stored.finding or {})  # never screened as the other person's
        yield Entry(
            id=stored.id,
            message=m,
            original_sha256=stored.original_sha256,
            labels=tuple(finding.get("labels") or ()),
            danger=tuple(finding.get("danger") or ()),
            from_other=bool(whose),
            when=when,
            screened=not third and stored.screening is not None,
            correction=None if third else stored.correction,
            suggested=() if third else tuple((stored.screening or {}).get("labels") or ()),
            third=third,
            agreed=agreed.why(stored.id, when, m.kind is Kind.CALL or m.channel is Channel.CALL),
        )
