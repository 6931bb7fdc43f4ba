"""Escalation over a case: how often the other person made contact, how, when, and saying what.

Every number here is a count of the other person's contact attempts (messages, photos,
deleted messages and calls; see `Entry.is_attempt`) on the report's clock, so that a day
or a night is the one the reader lived; only `sent` counts the reader's own messages and
calls, so that both sides of the contact can be seen. The definitions are deliberately simple, so that a
lawyer can check any of them by hand against the log:

- a *night* runs from 22:00 to 06:00 and is named by the evening it starts on; a *night
  burst* is a night with `NIGHT_BURST` (3) or more attempts;
- the *trend* compares the attempts of the last 28 days of the record with the 28 days
  before: more than 20 % more is "rising", more than 20 % fewer is "falling", anything else
  "steady". The record ends on the last day with a message (or the --to date). A record
  shorter than 56 days is cut into two halves instead, and one of a single day is "steady";
- *threats after separation* are the messages screened as threats dated on or after the
  separation date (a case setting); the day of separation itself counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from greyrock.model import Label
from greyrock.vault import Case

from ._entries import Entry, select
from ._settings import read_settings

__all__ = [
    "NIGHT_BURST",
    "DayCount",
    "NightBurst",
    "Timeline",
    "Trend",
    "WeekCount",
    "build_timeline",
    "case_timeline",
    "label_order",
]

NIGHT_BURST = 3
NIGHT_START, NIGHT_END = 22, 6
TREND_DAYS = 28
TREND_MARGIN = 0.20
_LABELS = [str(label) for label in Label]


def label_order(labels: Iterable[str]) -> list[str]:
    """Labels in labels.md's order (threat first); unknown ones after, alphabetically."""
    known = [label for label in _LABELS if label in labels]
    return known + sorted(set(labels) - set(_LABELS))


def _ordered(counter: Counter[str]) -> dict[str, int]:
    return {label: counter[label] for label in label_order(counter)}


@dataclass(slots=True, kw_only=True)
class _Tally:
    """Contact counted over a stretch of time: the other person's attempts and the reader's own."""

    messages: int = 0
    calls: int = 0
    sent: int = 0
    by_label: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)

    @property
    def attempts(self) -> int:
        return self.messages + self.calls

    def _counts(self) -> dict[str, Any]:
        return {"messages": self.messages, "calls": self.calls, "sent": self.sent,
                "by_label": _ordered(self.by_label), "by_channel": dict(sorted(self.by_channel.items()))}


@dataclass(slots=True)
class DayCount(_Tally):
    date: date

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), **self._counts()}


@dataclass(slots=True)
class WeekCount(_Tally):
    week: str
    start: date

    def to_dict(self) -> dict[str, Any]:
        return {"week": self.week, "start": self.start.isoformat(), **self._counts()}


@dataclass(frozen=True, slots=True)
class NightBurst:
    night: date
    entries: tuple[Entry, ...]

    @property
    def messages(self) -> int:
        return sum(not e.is_call for e in self.entries)

    @property
    def calls(self) -> int:
        return sum(e.is_call for e in self.entries)

    def to_dict(self) -> dict[str, Any]:
        first, last = self.entries[0].when, self.entries[-1].when
        return {"night": self.night.isoformat(), "start": first.isoformat() if first else None,
                "end": last.isoformat() if last else None, "attempts": len(self.entries),
                "messages": self.messages, "calls": self.calls}


@dataclass(frozen=True, slots=True)
class Trend:
    direction: str  # "rising" | "steady" | "falling"
    last: int
    previous: int
    window_end: date | None
    window_days: int = TREND_DAYS

    def to_dict(self) -> dict[str, Any]:
        return {"direction": self.direction, "window_days": self.window_days, "last": self.last,
                "previous": self.previous, "window_end": self.window_end.isoformat() if self.window_end else None}


@dataclass(frozen=True, slots=True)
class Timeline:
    days: tuple[DayCount, ...]
    weeks: tuple[WeekCount, ...]
    first_threat: Entry | None
    trend: Trend
    separation_date: date | None
    threats_after_separation: tuple[Entry, ...]
    night_bursts: tuple[NightBurst, ...]
    hours: tuple[int, ...]  # attempts by hour of day, 0-23
    timezone: str = ""

    @property
    def attempts(self) -> int:
        return sum(d.attempts for d in self.days)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of `greyrock timeline --json` (cli.md), with the added fields."""
        ft = self.first_threat.when if self.first_threat else None
        return {
            "days": [d.to_dict() for d in self.days],
            "first_threat": ft.isoformat() if ft else None,
            "trend": self.trend.direction,
            "trend_detail": self.trend.to_dict(),
            "weeks": [w.to_dict() for w in self.weeks],
            "separation_date": self.separation_date.isoformat() if self.separation_date else None,
            "threats_after_separation": [_brief(e) for e in self.threats_after_separation],
            "night_bursts": [b.to_dict() for b in self.night_bursts],
            "hours": list(self.hours),
            "timezone": self.timezone,
        }


def _brief(e: Entry) -> dict[str, Any]:
    m = e.message
    return {"id": e.id, "timestamp": e.when.isoformat() if e.when else None, "channel": str(m.channel),
            "sender": m.sender, "text": m.body, "labels": list(e.labels)}


def _week_key(d: date) -> tuple[str, date]:
    year, week, weekday = d.isocalendar()
    return f"{year}-W{week:02d}", d - timedelta(days=weekday - 1)


def _night_of(e: Entry) -> date | None:
    assert e.when is not None
    if e.when.hour >= NIGHT_START:
        return e.when.date()
    if e.when.hour < NIGHT_END:
        return e.when.date() - timedelta(days=1)
    return None


def _trend(days: Sequence[DayCount]) -> Trend:
    window = min(TREND_DAYS, len(days) // 2)
    if window == 0:
        return Trend("steady", 0, 0, days[-1].date if days else None, 0)
    last = sum(d.attempts for d in days[-window:])
    previous = sum(d.attempts for d in days[-2 * window:-window])
    if last > previous * (1 + TREND_MARGIN):
        direction = "rising"
    elif last < previous * (1 - TREND_MARGIN):
        direction = "falling"
    else:
        direction = "steady"
    return Trend(direction, last, previous, days[-1].date, window)


def build_timeline(
    entries: Iterable[Entry],
    *,
    separation_date: date | None = None,
    start: date | None = None,
    end: date | None = None,
    timezone: str = "",
) -> Timeline:
    """Counts over `entries` (oldest first). The days run without gaps, zeros included,
    from `start` (or the first dated entry) to `end` (or the last)."""
    dated = [e for e in entries if e.when is not None]
    first_day = start or (dated[0].day if dated else None)
    last_day = end or (max(e.day for e in dated) if dated else None)  # type: ignore[type-var]
    days: dict[date, DayCount] = {}
    if first_day and last_day:
        d = first_day
        while d <= last_day:
            days[d] = DayCount(d)
            d += timedelta(days=1)
    nights: dict[date, list[Entry]] = {}
    hours = [0] * 24
    first_threat: Entry | None = None
    after: list[Entry] = []
    for e in dated:
        day = days.get(e.day)  # type: ignore[arg-type]
        if day is None:
            continue
        if not e.from_other:
            day.sent += 1
            continue
        if "threat" in e.labels:
            if first_threat is None:
                first_threat = e
            if separation_date is not None and e.day >= separation_date:  # type: ignore[operator]
                after.append(e)
        if not e.is_attempt:
            continue
        if e.is_call:
            day.calls += 1
        else:
            day.messages += 1
            day.by_label.update(e.labels)
        day.by_channel[str(e.message.channel)] += 1
        hours[e.when.hour] += 1  # type: ignore[union-attr]
        night = _night_of(e)
        if night is not None:
            nights.setdefault(night, []).append(e)

    weeks: dict[str, WeekCount] = {}
    for day in days.values():
        key, monday = _week_key(day.date)
        w = weeks.setdefault(key, WeekCount(key, monday))
        w.messages += day.messages
        w.calls += day.calls
        w.sent += day.sent
        w.by_label.update(day.by_label)
        w.by_channel.update(day.by_channel)
    ordered_days = tuple(days.values())
    bursts = tuple(NightBurst(n, tuple(es)) for n, es in sorted(nights.items()) if len(es) >= NIGHT_BURST)
    return Timeline(
        days=ordered_days,
        weeks=tuple(weeks.values()),
        first_threat=first_threat,
        trend=_trend(ordered_days),
        separation_date=separation_date,
        threats_after_separation=tuple(after),
        night_bursts=bursts,
        hours=tuple(hours),
        timezone=timezone,
    )


def case_timeline(case: Case, start: date | None = None, end: date | None = None) -> Timeline:
    """The timeline of a case (or of the period [start, end], both days included)."""
    settings = read_settings(case)
    entries = list(select(case, settings.clock, start, end))
    return build_timeline(entries, separation_date=settings.separation_date, start=start, end=end,
                          timezone=settings.clock.name)
