"""What the timeline charts show, independent of how they are drawn (PDF or SVG).

Three stacked bar charts: contact attempts by channel, messages by suggested label, and
attempts by hour of the day with the night hours set apart. The time buckets adapt to the
length of the record (days up to two months, weeks up to three years, months beyond), so
that a bar is never thinner than a hair and never fewer than a handful.

Colours differ in lightness as well as hue, so a black-and-white print still tells the
series apart; every chart also carries its legend in words.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ._timeline import NIGHT_BURST, NIGHT_END, NIGHT_START, DayCount, Timeline

__all__ = ["BarChart", "Series", "label_every", "nice_ticks", "timeline_charts"]

Colour = tuple[int, int, int]

_PALETTE: tuple[Colour, ...] = (
    (31, 60, 110), (230, 150, 40), (110, 170, 220), (120, 40, 90), (150, 200, 120), (200, 200, 200),
)
LABEL_COLOURS: dict[str, Colour] = {
    "threat": (150, 0, 0),
    "coercion": (235, 130, 30),
    "verbal_abuse": (90, 50, 140),
    "manipulation": (80, 170, 170),
    "hoovering": (190, 190, 230),
}
_LABEL_NAMES = {"threat": "threat", "coercion": "coercion", "verbal_abuse": "verbal abuse",
                "manipulation": "manipulation", "hoovering": "hoovering"}
NIGHT: Colour = (25, 25, 60)
DAYTIME: Colour = (160, 175, 200)


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[int, ...]
    colour: Colour


@dataclass(frozen=True, slots=True)
class BarChart:
    """Stacked bars: one per category, the series stacked bottom to top in order."""

    title: str
    caption: str
    categories: tuple[str, ...]  # x labels, one per bar
    series: tuple[Series, ...]
    marker: int | None = None  # a bar index to mark (the separation date), or None
    marker_label: str = ""

    @property
    def totals(self) -> list[int]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.categories))]


@dataclass(frozen=True, slots=True)
class _Bucket:
    label: str
    first: date
    days: tuple[DayCount, ...]


def _buckets(days: tuple[DayCount, ...]) -> tuple[str, list[_Bucket]]:
    if len(days) <= 62:
        return "day", [_Bucket(d.date.strftime("%d %b"), d.date, (d,)) for d in days]
    groups: dict[str, list[DayCount]] = {}
    if len(days) <= 3 * 366:
        unit = "week"
        for d in days:
            year, week, _ = d.date.isocalendar()
            groups.setdefault(f"{year}-W{week:02d}", []).append(d)
        return unit, [_Bucket(g[0].date.strftime("%d %b %y"), g[0].date, tuple(g)) for g in groups.values()]
    for d in days:
        groups.setdefault(d.date.strftime("%Y-%m"), []).append(d)
    return "month", [_Bucket(g[0].date.strftime("%b %Y"), g[0].date, tuple(g)) for g in groups.values()]


def _marker(buckets: list[_Bucket], when: date | None) -> int | None:
    if when is None:
        return None
    for i, b in enumerate(buckets):
        if b.days[0].date <= when <= b.days[-1].date:
            return i
    return None


def timeline_charts(timeline: Timeline) -> list[BarChart]:
    unit, buckets = _buckets(timeline.days)
    cats = tuple(b.label for b in buckets)
    marker = _marker(buckets, timeline.separation_date)
    marker_label = "separation" if marker is not None else ""

    channels: Counter[str] = Counter()
    for d in timeline.days:
        channels.update(d.by_channel)
    keep = len(channels) if len(channels) <= len(_PALETTE) else len(_PALETTE) - 1
    top = [c for c, _ in channels.most_common(keep)]
    series = []
    for i, channel in enumerate(top):
        values = tuple(sum(d.by_channel[channel] for d in b.days) for b in buckets)
        series.append(Series("calls" if channel == "call" else channel, values, _PALETTE[i]))
    rest = [c for c in channels if c not in top]
    if rest:
        values = tuple(sum(d.by_channel[c] for d in b.days for c in rest) for b in buckets)
        series.append(Series("other channels", values, _PALETTE[-1]))
    attempts = BarChart(
        f"Contact attempts by the other person, per {unit}",
        f"Messages and calls from the other person, stacked by channel. {timeline.attempts} attempts in all.",
        cats, tuple(series), marker, marker_label,
    )

    label_series = []
    for label, colour in LABEL_COLOURS.items():
        values = tuple(sum(d.by_label[label] for d in b.days) for b in buckets)
        if any(values):
            label_series.append(Series(_LABEL_NAMES[label], values, colour))
    labels = BarChart(
        f"Messages by suggested label, per {unit}",
        "Automated suggestions of the screening (threat, coercion, verbal abuse, manipulation, hoovering); "
        "a message with two labels counts under each. Logistics is left out.",
        cats, tuple(label_series), marker, marker_label,
    )

    night = tuple(n if (h >= NIGHT_START or h < NIGHT_END) else 0 for h, n in enumerate(timeline.hours))
    day = tuple(0 if (h >= NIGHT_START or h < NIGHT_END) else n for h, n in enumerate(timeline.hours))
    hours = BarChart(
        "Contact attempts by hour of the day",
        f"All attempts in the period by the hour they arrived ({timeline.timezone}); night hours "
        f"{NIGHT_START:02d}:00-{NIGHT_END:02d}:00 in dark. {len(timeline.night_bursts)} nights had {NIGHT_BURST} or more attempts.",
        tuple(f"{h:02d}" for h in range(24)),
        (Series("night (22-06)", night, NIGHT), Series("day", day, DAYTIME)),
    )
    return [attempts, labels, hours]


def nice_ticks(top: int) -> list[int]:
    """Whole-number gridlines from 0 up to at least `top`: steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0, 1]
    step = 1
    while top / step > 5:
        step = _next_step(step)
    ticks = list(range(0, top + step, step))
    if ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def _next_step(step: int) -> int:
    digits = str(step)
    lead, zeros = int(digits[0]), len(digits) - 1
    return {1: 2, 2: 5, 5: 10}[lead] * 10**zeros


def label_every(count: int, room: float, label_width: float) -> int:
    """Show every n-th category label so that labels of `label_width` do not overlap."""
    if count == 0 or room <= 0:
        return 1
    per_bar = room / count
    n = 1
    while per_bar * n < label_width:
        n += 1
    return n
