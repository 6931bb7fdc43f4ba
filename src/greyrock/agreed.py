"""Agreed contact: calls and messages the reader agreed to (calls with the children), which
are therefore not contact attempts.

Two ways, both kept in the case's chain:

- the reader marks one call or message (`greyrock case label CASE ID --agreed`, undone
  with `--not-agreed`): a record of kind "agreed", `{"message_id": 12, "agreed": true}`,
  the latest record for a message wins (like the label corrections);
- a weekly schedule in the case settings (`greyrock case settings CASE --agreed-calls
  "Sun 18:00-18:30"`): every call that starts inside one of its windows, on the case's
  clock, is agreed. Several windows are separated by ";" ("Sun 18:00-18:30; Wed 19:00-19:15").

Why a separate layer: the message itself and its screening stay as they were (evidence);
the report, the timeline, `safety nocontact` and `risk suggest` read `AgreedContact` so
that they all leave out the same calls, and the report's method note says how many.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from greyrock.errors import InputError

if TYPE_CHECKING:
    from greyrock.vault import Case

__all__ = ["RECORD_KIND", "AgreedContact", "Window", "agreed_contact", "fold_marks", "parse_schedule"]

RECORD_KIND = "agreed"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^\s*([A-Za-z]{3})[A-Za-z]*\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class Window:
    """One weekly window: a weekday (0 = Monday) and a start and end time, both included."""

    weekday: int
    start: time
    end: time

    def holds(self, when: datetime) -> bool:
        return when.weekday() == self.weekday and self.start <= when.time().replace(tzinfo=None) <= self.end

    def __str__(self) -> str:
        return f"{_DAYS[self.weekday].capitalize()} {self.start:%H:%M}-{self.end:%H:%M}"


def parse_schedule(text: str, option: str = "--agreed-calls") -> tuple[Window, ...]:
    """'Sun 18:00-18:30; Wed 19:00-19:15' as windows; InputError naming the part that is wrong."""
    windows = []
    for part in (p for p in text.split(";") if p.strip()):
        m = _WINDOW.match(part)
        if m is None or m.group(1).lower() not in _DAYS:
            raise InputError(f"{option}: {part.strip()[:40]!r} is not a window like 'Sun 18:00-18:30'.")
        day, h1, m1, h2, m2 = _DAYS.index(m.group(1).lower()), *map(int, m.group(2, 3, 4, 5))
        try:
            start, end = time(h1, m1), time(h2, m2)
        except ValueError:
            raise InputError(f"{option}: {part.strip()[:40]!r} has a time that does not exist.") from None
        if end < start:
            raise InputError(f"{option}: {part.strip()[:40]!r} ends before it starts (a window cannot pass midnight; "
                             "give two windows).")
        windows.append(Window(day, start, end))
    return tuple(windows)


def fold_marks(records: Iterable[dict[str, Any]]) -> dict[int, bool]:
    """message id -> the reader's latest answer (True: agreed), from the "agreed" records oldest first."""
    marks: dict[int, bool] = {}
    for rec in records:
        mid = rec.get("message_id")
        if isinstance(mid, int) and isinstance(rec.get("agreed"), bool):
            marks[mid] = rec["agreed"]
    return marks


@dataclass(frozen=True, slots=True)
class AgreedContact:
    """Which calls and messages are agreed contact; `why` says how each was decided."""

    marks: dict[int, bool]
    windows: tuple[Window, ...] = ()

    def why(self, message_id: int, when: datetime | None, is_call: bool) -> str:
        """'marked' (by the reader), 'schedule' (a call in an agreed window) or '' (not agreed).

        A reader's `--not-agreed` wins over the schedule: it is the more specific answer."""
        mark = self.marks.get(message_id)
        if mark is not None:
            return "marked" if mark else ""
        if is_call and when is not None and any(w.holds(when) for w in self.windows):
            return "schedule"
        return ""

    @property
    def schedule_text(self) -> str:
        return "; ".join(str(w) for w in self.windows)


def agreed_contact(case: Case) -> AgreedContact:
    """The case's agreed contact: the reader's marks and the schedule in its settings.

    A schedule that cannot be read (written by hand into a case) is ignored rather than
    stopping a report: nothing is then left out of the counts."""
    from greyrock.settings import read_settings

    schedule = read_settings(case).agreed_calls
    try:
        windows = parse_schedule(schedule) if schedule else ()
    except InputError:
        windows = ()
    return AgreedContact(fold_marks(case.records(RECORD_KIND)), windows)
