"""The escalation timeline: exact counts on a known case, and each definition on crafted data."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from greyrock.model import Channel, Direction, Kind, Message, Source
from greyrock.report import Entry, build_timeline, case_timeline

from .conftest import FRIEND, OTHER_E164


def test_days_count_messages_calls_sent_and_labels_on_the_case_clock(case) -> None:
    days = case_timeline(case).to_dict()["days"]
    assert [(d["date"], d["messages"], d["calls"], d["sent"], d["by_label"]) for d in days] == [
        ("2024-03-01", 1, 0, 1, {"logistics": 1}),
        ("2024-03-02", 2, 0, 0, {"verbal_abuse": 2}),
        ("2024-03-03", 0, 0, 0, {}),
        ("2024-03-04", 1, 0, 0, {"threat": 1}),
        ("2024-03-05", 2, 1, 0, {"threat": 1, "coercion": 1}),
        # 03:00 UTC on the 7th is 22:00 on the 6th in New York; the reader's own call is 'sent'.
        ("2024-03-06", 3, 1, 1, {"threat": 1, "verbal_abuse": 1}),
    ]


def test_the_friends_message_is_not_the_other_persons(case) -> None:
    days = case_timeline(case).days
    assert sum(d.messages for d in days if d.date == date(2024, 3, 1)) == 1
    assert all(FRIEND not in str(d.to_dict()) for d in days)


def test_weeks_by_channel(case) -> None:
    weeks = case_timeline(case).to_dict()["weeks"]
    assert [(w["week"], w["start"], w["messages"], w["calls"], w["sent"], w["by_channel"]) for w in weeks] == [
        ("2024-W09", "2024-02-26", 3, 0, 1, {"sms": 2, "whatsapp": 1}),
        ("2024-W10", "2024-03-04", 6, 2, 1, {"call": 2, "sms": 5, "whatsapp": 1}),
    ]


def test_first_threat_threats_after_separation_and_night_bursts(case) -> None:
    tl = case_timeline(case).to_dict()
    assert tl["first_threat"] == "2024-03-04T23:10:00-05:00"
    assert tl["separation_date"] == "2024-03-05"
    assert [(t["timestamp"], t["text"]) for t in tl["threats_after_separation"]] == [
        ("2024-03-05T18:00:00-05:00", "Sign the papers or you'll never see the kids again."),
        ("2024-03-06T22:00:00-05:00", "I'm outside."),  # 03:00 UTC, on the case's clock
    ]
    # 23:10 and 00:40 messages and the missed call at 02:15 (07:15 UTC): one night of three.
    assert tl["night_bursts"] == [{"night": "2024-03-04", "start": "2024-03-04T23:10:00-05:00",
                                   "end": "2024-03-05T02:15:00-05:00", "attempts": 3, "messages": 2, "calls": 1}]


def test_trend_on_the_case_compares_the_two_halves_of_a_short_record(case) -> None:
    tl = case_timeline(case).to_dict()
    assert tl["trend"] == "rising"
    assert tl["trend_detail"] == {"direction": "rising", "window_days": 3, "last": 8, "previous": 3,
                                  "window_end": "2024-03-06"}


def test_period_limits_the_days(case) -> None:
    tl = case_timeline(case, date(2024, 3, 5), date(2024, 3, 5)).to_dict()
    assert [(d["date"], d["messages"], d["calls"]) for d in tl["days"]] == [("2024-03-05", 2, 1)]
    assert tl["first_threat"] == "2024-03-05T18:00:00-05:00"


# -- the definitions, on hand-made entries -------------------------------------------------

_START = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)


def _entry(i: int, when: datetime, labels: tuple[str, ...] = (), kind: Kind = Kind.MESSAGE) -> Entry:
    m = Message(when, Channel.SMS, kind, Direction.IN, OTHER_E164, "x", Source("t.csv", f"line {i}"))
    return Entry(i, m, "0" * 64, labels, (), True, when, True)


def _spread(previous: int, last: int) -> list[Entry]:
    """`previous` attempts in days 0-27 and `last` in days 28-55: a 56-day record."""
    days = [i % 28 for i in range(previous)] + [28 + i % 28 for i in range(last)]
    return [_entry(i, _START + timedelta(days=d)) for i, d in enumerate(sorted(days))]


@pytest.mark.parametrize(("previous", "last", "trend"), [
    (10, 13, "rising"),
    (10, 12, "steady"),  # exactly +20 %
    (10, 8, "steady"),  # exactly -20 %
    (10, 7, "falling"),
    (0, 1, "rising"),
    (0, 0, "steady"),
])
def test_trend_compares_the_last_four_weeks_with_the_four_before(previous: int, last: int, trend: str) -> None:
    first = _START.date()
    tl = build_timeline(_spread(previous, last), start=first, end=first + timedelta(days=55))
    assert (tl.trend.direction, tl.trend.previous, tl.trend.last, tl.trend.window_days) == (trend, previous, last, 28)


def test_night_burst_needs_three_attempts_between_22_and_6() -> None:
    night = datetime(2024, 1, 1, tzinfo=timezone.utc)
    entries = [
        _entry(1, night.replace(hour=21, minute=59)),  # evening, not night
        _entry(2, night.replace(hour=22)),
        _entry(3, night + timedelta(hours=29, minutes=59)),  # 05:59 on the 2nd: same night
        _entry(4, night + timedelta(hours=30)),  # 06:00: morning
        _entry(5, night + timedelta(days=1, hours=23)),  # night of the 2nd
        _entry(6, night + timedelta(days=2, hours=1)),
        _entry(7, night + timedelta(days=2, hours=2), kind=Kind.CALL),
    ]
    bursts = build_timeline(entries).night_bursts
    assert [(b.night, len(b.entries), b.messages, b.calls) for b in bursts] == [(date(2024, 1, 2), 3, 2, 1)]


def test_a_threat_on_the_separation_day_counts_as_after_it() -> None:
    entries = [_entry(1, _START, ("threat",)), _entry(2, _START + timedelta(days=1), ("threat",)),
               _entry(3, _START + timedelta(days=2), ("threat", "coercion"))]
    tl = build_timeline(entries, separation_date=date(2024, 1, 2))
    assert [e.id for e in tl.threats_after_separation] == [2, 3]
    assert tl.first_threat is not None and tl.first_threat.id == 1
