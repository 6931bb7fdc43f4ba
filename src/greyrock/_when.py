"""Reading a date and time the way people write it on a bad night.

"March 16 around 1am", "yesterday 9pm", "last night 11:30pm", "Saturday 10pm",
"16/03/2024 01:00" and ISO ("2024-03-16 01:00") are all read; the result is a naive local
time (what the reader's clock showed), to the minute. Anything this cannot read with
certainty is refused with an example rather than guessed: an unknown word, a numeric date
that could be day-first or month-first (3/4/2024), a time missing from free text, or a
moment in the future (an incident has happened). A form echoes what was understood for
the reader to confirm (`cli/_forms.py`).

A small parser of its own rather than a dependency: the forms it reads are few, and it
must never reach a network or write a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from greyrock.errors import InputError

__all__ = ["EXAMPLE", "Understood", "understand"]

EXAMPLE = "e.g. 2024-03-16 01:00, March 16 around 1am, or yesterday 9pm"

_MONTHS = {name: n for n, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}
_WEEKDAYS = {name: n for n, names in enumerate((
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"))) for name in names}
# Words that carry no date: "around 1am", "on the 16th of March", "at about 9".
_FILLER = frozenset("around about approx approximately roughly maybe circa at on the of in ish last past "
                    "o'clock oclock".split())

_AMPM = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?=\W|$)")
_CLOCK = re.compile(r"\b(\d{1,2})[:h](\d{2})\b")
_SPOKEN = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s+(in the morning|in the afternoon|in the evening|at night)\b")
_WORD_TIME = re.compile(r"\b(noon|midday|midnight)\b")
_ISO_DATE = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_NUM_DATE = re.compile(r"\b(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})\b")
_AGO = re.compile(r"\b(\d{1,2}|a|one|two|three|four|five|six|seven)\s+days?\s+ago\b")
_COUNT = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")


@dataclass(frozen=True, slots=True)
class Understood:
    """What was read: the moment, and whether it needs the reader's confirmation (free text)."""

    value: datetime
    exact: bool  # written as ISO: nothing was interpreted

    def describe(self) -> str:
        return f"{self.value:%A} {self.value.day} {self.value:%B %Y}, {self.value:%H:%M}"


def _fail(why: str) -> InputError:
    return InputError(why, f"Write the date and time, {EXAMPLE}.")


def _iso(text: str) -> datetime | None:
    for candidate in (text, text.replace(" ", "T", 1)):
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            continue
    return None


def _take(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    m = pattern.search(text)
    if m is None:
        return None, text
    return m, text[: m.start()] + " " + text[m.end():]


def _time(text: str) -> tuple[time | None, str]:
    m, rest = _take(_AMPM, text)
    if m:
        hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)[0]
        if not 1 <= hour <= 12 or minute > 59:
            raise _fail(f"{m.group().strip()!r} is not a time.")
        return time(hour % 12 + (12 if half == "p" else 0), minute), rest
    m, rest = _take(_SPOKEN, text)
    if m:
        hour, minute, part = int(m.group(1)), int(m.group(2) or 0), m.group(3)
        if not 1 <= hour <= 12 or minute > 59:
            raise _fail(f"{m.group().strip()!r} is not a time.")
        later = part != "in the morning" and not (part == "at night" and hour in (12, 1, 2, 3, 4))
        return time(hour % 12 + (12 if later else 0), minute), rest
    m, rest = _take(_CLOCK, text)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour > 23 or minute > 59:
            raise _fail(f"{m.group()!r} is not a time.")
        return time(hour, minute), rest
    m, rest = _take(_WORD_TIME, text)
    if m:
        return time(0 if m.group(1) == "midnight" else 12), rest
    return None, text


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _date(text: str, today: date, at: time | None) -> tuple[date | None, str | None, str]:
    """(the day, how far back to go when it lands in the future: "year" for a date written
    without its year, "week" for a weekday, else None; what is left of the text)."""
    m, rest = _take(_ISO_DATE, text)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3))), None, rest
    m, rest = _take(_NUM_DATE, text)
    if m:
        a, sep, b, year = int(m.group(1)), m.group(2), int(m.group(3)), _year(m.group(4))
        if sep == "." or a > 12:
            day, month = a, b
        elif b > 12:
            month, day = a, b
        elif a == b:
            day = month = a
        else:
            raise _fail(f"{m.group()!r} could be day-first or month-first.")
        return _make(year, month, day), None, rest
    m, rest = _take(_AGO, text)
    if m:
        n = _COUNT.get(m.group(1)) or int(m.group(1))
        return today - timedelta(days=n), None, rest
    words = rest.split()
    if "yesterday" in words:
        return today - timedelta(days=1), None, " ".join(w for w in words if w != "yesterday")
    if "today" in words or "tonight" in words or "this" in words:
        keep = [w for w in words if w not in ("today", "tonight", "this", "morning", "afternoon", "evening")]
        return today, None, " ".join(keep)
    if "last" in words and "night" in words:  # "last night 1am" is early today; "last night 11pm" yesterday
        day = today if at is not None and at.hour < 12 else today - timedelta(days=1)
        return day, None, " ".join(w for w in words if w not in ("last", "night"))
    month = next((w for w in words if w in _MONTHS), None)
    if month is not None:
        words.remove(month)
        numbers = [w for w in words if w.isdigit()]
        days = [w for w in numbers if len(w) <= 2]
        years = [w for w in numbers if len(w) == 4]
        if len(days) != 1 or len(years) > 1:
            raise _fail("the day of the month is missing or unclear.")
        for w in (*days, *years):
            words.remove(w)
        year = int(years[0]) if years else today.year
        return _make(year, _MONTHS[month], int(days[0])), None if years else "year", " ".join(words)
    weekday = next((w for w in words if w in _WEEKDAYS), None)
    if weekday is not None:
        words.remove(weekday)
        back = (today.weekday() - _WEEKDAYS[weekday]) % 7
        return today - timedelta(days=back), "week", " ".join(words)
    return None, None, rest


def _make(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _fail(f"{year}-{month:02d}-{day:02d} is not a day of the calendar.") from None


def understand(text: str, now: datetime | None = None) -> Understood:
    """The moment `text` names, as a naive local time; InputError (with an example) when it
    cannot be read with certainty."""
    raw = " ".join(text.split())
    if not raw:
        raise _fail("no date and time given.")
    now = (now or datetime.now()).replace(second=0, microsecond=0)
    exact = _iso(raw)
    if exact is not None:
        latest = (datetime.now(exact.tzinfo) if exact.tzinfo else now) + timedelta(minutes=1)
        if exact > latest:
            raise _fail(f"{raw} is in the future.")
        return Understood(exact, True)
    lowered = _ORDINAL.sub(r"\1", raw.lower().replace(",", " "))
    at, rest = _time(lowered)
    day, back, rest = _date(rest, now.date(), at)
    leftover = [w for w in re.split(r"[\s]+", rest) if w and w not in _FILLER and w not in ("night", "-")]
    if leftover and day is None and all(w.isdigit() for w in leftover):
        raise _fail("the month is missing; write it as a word (March 16).")
    if leftover:
        raise _fail(f"could not read {' '.join(leftover)!r} as part of a date.")
    if at is None:
        raise _fail("the time is missing; give it even roughly (around 1am).")
    if day is None:  # a time alone: the last time the clock showed it
        day = now.date() if at <= now.time() else now.date() - timedelta(days=1)
    value = datetime.combine(day, at)
    if value > now and back == "year":  # "March 16" said in January: last year's
        value = datetime.combine(_make(day.year - 1, day.month, day.day), at)
    elif value > now and back == "week":  # "Saturday 10pm" said on Saturday at 8pm: last week's
        value -= timedelta(days=7)
    if value > now:
        raise _fail(f"{value:%Y-%m-%d %H:%M} is in the future.")
    return Understood(value, False)
