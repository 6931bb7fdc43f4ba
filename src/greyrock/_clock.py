"""One clock for a case: every time shown, ordered or counted goes through here.

Exports mix two kinds of time. Some record the instant with its zone (SMS backups, e-mail);
others (WhatsApp, some CSV) only the phone's wall clock. Shown as they come, the two sit
hours apart in one list, and "nights with 3+ attempts" changes with the computer's TZ
variable. A case therefore has one time zone (`greyrock case settings --timezone`): times
with a zone are converted to it, times without one are read as wall-clock times in it, and
every day, night and hour is counted on it. Nothing here reads the computer's zone except
`system_zone_name`, which proposes a zone for a case that has none.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Clock", "offset_label", "system_zone_name", "true_order", "zone_named"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# No zone is further than 14 hours from UTC, so a wall-clock time read as UTC and the same
# time read in any zone are at most 14 hours apart; two such readings, 28.
_MAX_SHIFT = 28 * 3600.0

T = TypeVar("T")


def zone_named(name: str, where: str = "--timezone") -> ZoneInfo:
    """The IANA zone called `name` ("Europe/London"), or an InputError naming `where`."""
    from greyrock.errors import InputError

    text = name.strip()
    try:
        if not text or text.startswith(("/", ".")) or ".." in text:
            raise ValueError(text)
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(f"{where}: {name[:60]!r} is not a time zone greyrock knows.",
                         "Use an Area/City name such as Europe/London, America/New_York or Asia/Kolkata.") from None


def system_zone_name() -> str:
    """The IANA name of this computer's zone: TZ, then /etc/localtime, then /etc/timezone.

    Only used to propose a zone for a case that has none (it is then recorded in the case),
    never to tell the time: figures must not change with the computer they are made on.
    Falls back to "UTC" when the computer does not say.
    """
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    for name in candidates:
        if name and not name.startswith("/"):
            try:
                ZoneInfo(name)
                return name
            except (ZoneInfoNotFoundError, ValueError, OSError):
                continue
    return "UTC"


def offset_label(ts: datetime) -> str:
    """'UTC+01:00' for an aware time."""
    offset = ts.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class Clock:
    """A case's clock: `zone` and its IANA `name`.

    `local` puts any stored time on this clock: an aware time is converted, a naive one (the
    export did not record the zone) is read as a wall-clock time in `zone`. The stored
    message keeps its time exactly as the export recorded it.
    """

    zone: tzinfo = field(default=timezone.utc)
    name: str = "UTC"

    @classmethod
    def named(cls, name: str) -> Clock:
        return cls(zone_named(name), name.strip())

    def local(self, ts: datetime | None) -> datetime | None:
        if ts is None:
            return None
        if ts.tzinfo is None:
            ts = ts.replace(tzinfo=self.zone)
        # Through UTC: a wall-clock time that the zone skips (the spring gap) comes out valid.
        return ts.astimezone(timezone.utc).astimezone(self.zone)

    def instant(self, ts: datetime | None) -> float:
        """Seconds since the epoch; -inf for no time (an unreadable record sorts first)."""
        when = self.local(ts)
        return float("-inf") if when is None else (when - _EPOCH).total_seconds()

    def day(self, ts: datetime | None) -> date | None:
        when = self.local(ts)
        return when.date() if when else None

    def iso(self, ts: datetime | None) -> str | None:
        """ISO 8601 on this clock, with its offset (JSON)."""
        when = self.local(ts)
        return when.isoformat() if when else None

    def show(self, ts: datetime | None, seconds: bool = False) -> str:
        """'2024-03-02 22:14 UTC-05:00' (terminal views); '?' for no time."""
        when = self.local(ts)
        if when is None:
            return "?"
        return f"{when.strftime('%Y-%m-%d %H:%M:%S' if seconds else '%Y-%m-%d %H:%M')} {offset_label(when)}"

    def start_of(self, day: date) -> datetime:
        """The first instant of `day` on this clock (for --since)."""
        return self.local(datetime(day.year, day.month, day.day))  # type: ignore[return-value]


def true_order(items: Iterable[T], clock: Clock, when: Callable[[T], datetime | None]) -> Iterator[T]:
    """`items`, given in the case's stored order, yielded in the order of the true instant.

    The case stores naive times sorted as if UTC (cases made before they had a zone) or as
    read in the zone the case had at import, so a stored naive time is at most _MAX_SHIFT
    from its true instant, and an aware one is exact. A small heap reorders within that
    window, so a case of any size is read once, in order, without being held in memory.
    Ties keep the stored order.
    """
    heap: list[tuple[float, int, T]] = []
    mark = float("-inf")  # no item still to come has a stored key below this
    for n, item in enumerate(items):
        ts = when(item)
        key = clock.instant(ts)
        if ts is not None:
            low = key if ts.tzinfo is not None else (ts.replace(tzinfo=timezone.utc) - _EPOCH).total_seconds() - 14 * 3600
            mark = max(mark, low)
        heapq.heappush(heap, (key, n, item))
        while heap and heap[0][0] < mark - _MAX_SHIFT:
            yield heapq.heappop(heap)[2]
    while heap:
        yield heapq.heappop(heap)[2]
