"""Showing hostile text: placeholders are visible, bidi tricks are defused, times carry offsets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from greyrock.report._text import format_ts, show


def _latin1(c: str) -> bool:
    return 0x20 <= ord(c) <= 0x7E or 0xA0 <= ord(c) <= 0xFF


@pytest.mark.parametrize(("text", "shown"), [
    ("I’ll find you 😡👍🏽 now", "I'll find you [emoji][emoji] now"),
    ("family 👨‍👩‍👧 flag 🇺🇸 ok", "family [emoji] flag [emoji] ok"),
    ("café ő", "café o"),
    ("中文字", "[U+4E2D U+6587 U+5B57]"),
    ("中文字中文字", "[6 characters not shown]"),
])
def test_latin1_fonts_get_visible_placeholders(text: str, shown: str) -> None:
    assert show(text, _latin1).text == shown
    assert show(text, _latin1).replaced is True


def test_bidi_overrides_and_controls_are_shown_not_obeyed() -> None:
    assert show("pay \u202etxt.exe\x07", None).text == "pay [U+202E]txt.exe[U+0007]"
    assert show("a\r\nb\tc", None).text == "a\nb    c"


def test_html_keeps_every_printable_character() -> None:
    s = show("👨‍👩‍👧 “ok” 中文", None)
    assert s.text == "👨‍👩‍👧 “ok” 中文" and s.replaced is False


def test_timestamps_carry_their_offset_or_say_it_is_unknown() -> None:
    assert format_ts(datetime(2024, 3, 6, 23, 41, tzinfo=timezone(timedelta(hours=-4)))) == "2024-03-06 23:41:00 UTC-04:00"
    assert format_ts(datetime(2024, 3, 6, 23, 41, tzinfo=timezone(timedelta(hours=5, minutes=30)))) == \
        "2024-03-06 23:41:00 UTC+05:30"
    assert format_ts(datetime(2024, 3, 6, 23, 41)) == "2024-03-06 23:41:00 (local time, zone not recorded)"


def test_right_to_left_lines_are_drawn_in_reading_order() -> None:
    from greyrock.report._layout import visual

    assert visual("I said שלום (hi) to him") == "I said םולש (hi) to him"
    assert visual("קוד [emoji]") == "[emoji] דוק"
    assert visual("plain (ltr)") == "plain (ltr)"
