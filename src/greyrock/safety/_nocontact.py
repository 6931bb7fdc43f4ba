"""The no-contact tracker: how long since the reader last reached out, how hard the other
person keeps trying, the hoover attempts, the urges the reader logged, and their own
"reasons I left" card.

All figures come from the case, and "today" is a parameter, so that the numbers are
exact and the same on every machine. The reasons card is shown when the reader logs an
urge and when a hoover attempt has just arrived: the moments when going back feels
easiest.

In low-contact mode (co-parents; see _lowcontact) the reader's replies about logistics do not
count as contact. Weeks are shown to the reader by their Monday ("week of 2024-03-04"), a
date anyone can read; the JSON keeps the ISO week beside it.

Going no-contact can itself raise the danger: when grave danger signs are confirmed (or
suggested by the messages and not dismissed), the caution says to plan it with an advocate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from greyrock.agreed import agreed_contact
from greyrock.errors import InputError
from greyrock.settings import case_clock
from greyrock.vault import Case

from ._activity import WeekCount, attempts, last_reader_contact, other_person, weekly_counts
from ._lowcontact import contact_mode, logistics_replies
from ._settings import separation_date
from ._signs import GRAVE_SIGNS
from ._suggest import confirmed_signs, suggest_signs

__all__ = [
    "CAUTION",
    "GRAVE_CAUTION",
    "Hoover",
    "NoContactStatus",
    "RECENT_HOOVER_DAYS",
    "SUGGESTED_CAUTION",
    "log_urge",
    "no_contact_status",
    "reasons",
    "set_reasons",
]

CAUTION = (
    "Going no-contact is your choice, and it can be the right one. For some people, a sudden stop makes the "
    "other person more dangerous: if you are afraid of how they will react, plan it with a domestic-violence "
    "advocate."
)
GRAVE_CAUTION = (
    "You confirmed one of the gravest danger signs. Please plan no-contact with a domestic-violence advocate "
    "before you go further: the time around leaving and cutting contact can be the most dangerous."
)

SUGGESTED_CAUTION = (
    "Your messages suggest some of the gravest danger signs (see 'greyrock risk suggest'). If they are true, "
    "please plan no-contact with a domestic-violence advocate: cutting contact can make the other person more "
    "dangerous."
)

# A hoover this recent brings up the reasons card.
RECENT_HOOVER_DAYS = 7


@dataclass(frozen=True, slots=True)
class Hoover:
    """A message the screening labelled hoovering (pulling the reader back into contact)."""

    id: int
    timestamp: str | None
    channel: str
    text: str
    summary: str
    day: date
    danger: bool = False  # also a threat or a danger sign: never to be read as just a hoover

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "timestamp": self.timestamp, "channel": self.channel, "text": self.text,
                "summary": self.summary, "danger": self.danger}


@dataclass(frozen=True, slots=True)
class NoContactStatus:
    today: date
    days_since_reader_contact: int | None
    last_reader_contact: str | None
    attempts_per_week: tuple[WeekCount, ...]
    hoovers: tuple[Hoover, ...]
    urges: int
    reasons: str | None
    grave_signs: tuple[str, ...]
    separation_date: date | None
    grave_signs_suggested: tuple[str, ...] = ()
    mode: str = "no-contact"
    logistics_left_out: int = 0  # low-contact: the reader's logistics messages since the last contact counted

    @property
    def recent_hoover(self) -> bool:
        """A hoover arrived within RECENT_HOOVER_DAYS of today."""
        return any(0 <= (self.today - h.day).days < RECENT_HOOVER_DAYS for h in self.hoovers)

    @property
    def caution(self) -> str:
        if self.grave_signs:
            return GRAVE_CAUTION
        return SUGGESTED_CAUTION if self.grave_signs_suggested else CAUTION

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `greyrock nocontact --json` (cli.md), plus extras."""
        return {
            "days_since_reader_contact": self.days_since_reader_contact,
            "attempts_per_week": [{**w.to_dict(), "week_of": w.monday.isoformat()} for w in self.attempts_per_week],
            "hoovers": [h.to_dict() for h in self.hoovers],
            "urges": self.urges,
            "today": self.today.isoformat(),
            "last_reader_contact": self.last_reader_contact,
            "separation_date": self.separation_date.isoformat() if self.separation_date else None,
            "recent_hoover": self.recent_hoover,
            "reasons": self.reasons,
            "grave_signs_confirmed": list(self.grave_signs),
            "grave_signs_suggested": list(self.grave_signs_suggested),
            "caution": self.caution,
            "mode": self.mode,
            "logistics_left_out": self.logistics_left_out,
        }


def no_contact_status(case: Case, today: date | None = None, since: date | None = None) -> NoContactStatus:
    """The no-contact figures as of `today` (default: today in the case's time zone).

    Weeks run from the week of `since` (default: the other person's first attempt) to the
    week of `today`, with zero weeks included, so a quiet week shows as quiet.
    """
    clock = case_clock(case)[0]
    today = today or datetime.now(clock.zone).date()
    messages = list(case.messages(clock=clock))
    roles = other_person(case)
    theirs = list(attempts(messages, roles, clock, agreed_contact(case)))
    mode = contact_mode(case)
    logistics = {s.id for s in logistics_replies(messages)} if mode == "low-contact" else set()
    last = last_reader_contact([s for s in messages if s.id not in logistics], roles)
    since_last = messages[[s.id for s in messages].index(last.id) + 1:] if last is not None else messages
    left_out = sum(1 for s in since_last if s.id in logistics and last_reader_contact([s], roles) is not None)
    last_day = clock.day(last.message.timestamp) if last is not None else None

    start = since or (min(a.day for a in theirs) if theirs else None)
    weeks: list[WeekCount] = []
    if start is not None:
        end = max([today, *(a.day for a in theirs)])
        weeks = weekly_counts(theirs, start, end)

    hoovers = []
    for a in theirs:
        m, f = a.stored.message, a.stored.finding or {}
        labels = f.get("labels") or []
        if "hoovering" in labels:
            hoovers.append(Hoover(a.stored.id, clock.iso(m.timestamp), str(m.channel), m.body,
                                  str(f.get("summary") or ""), a.day, bool(f.get("danger")) or "threat" in labels))
    grave = tuple(s for s in confirmed_signs(case) if s in GRAVE_SIGNS)
    suggested = tuple(g.sign for g in suggest_signs(case) if g.sign in GRAVE_SIGNS and g.status == "open")
    return NoContactStatus(
        today=today,
        days_since_reader_contact=(today - last_day).days if last_day is not None else None,
        last_reader_contact=clock.iso(last.message.timestamp) if last is not None else None,
        attempts_per_week=tuple(weeks),
        hoovers=tuple(hoovers),
        urges=len(case.records("urge")),
        reasons=reasons(case),
        grave_signs=grave,
        separation_date=separation_date(case),
        grave_signs_suggested=suggested,
        mode=mode,
        logistics_left_out=left_out,
    )


def log_urge(case: Case, note: str = "", when: datetime | None = None) -> int:
    """Record an urge to make contact (with the reader's note); returns the record id."""
    at = (when or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    with case.transaction():
        return case.add_record("urge", {"at": at, "note": note.strip()})


def set_reasons(case: Case, text: str) -> int:
    """Store the reader's "reasons I left" card; the latest one is the one shown."""
    cleaned = text.strip()
    if not cleaned:
        raise InputError("reasons: the card is empty; write at least one reason.")
    with case.transaction():
        return case.add_record("reasons", {"text": cleaned})


def reasons(case: Case) -> str | None:
    """The reader's latest "reasons I left" card, or None when they have not written one."""
    records = case.records("reasons")
    return records[-1]["text"] if records else None
