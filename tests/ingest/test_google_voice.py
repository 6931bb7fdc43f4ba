"""The Google Voice importer: the real Takeout files in shared/fixtures, and the quirks.

tests/ingest/google_voice/takeout/ is a synthetic Takeout folder (invented people, 555-01xx
numbers): a text thread with an abusive ex and its `(2)` duplicate, a voicemail with its
recording, missed / received / placed calls, a group thread, MMS with and without the
file, a thread from an unknown number and one the reader started that nobody answered.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from greyrock import ingest
from greyrock.errors import InputError, ParseError
from greyrock.ingest.google_voice import _seconds
from greyrock.model import Message
from tests.conftest import attachment_bytes

TAKEOUT = Path(__file__).parent / "google_voice" / "takeout"
CALLS = TAKEOUT / "Voice" / "Calls"
JORDAN_TEXT = "Jordan Reyes - Text - 2024-03-02T01_15_07Z"
PACIFIC = timezone(timedelta(hours=-7))
EASTERN = timezone(timedelta(hours=-5))
EASTERN_DST = timezone(timedelta(hours=-4))


def read(path: Path, **args: object) -> tuple[list[Message], list[str]]:
    parsed = ingest.parse(path, **args)  # type: ignore[arg-type]
    messages = parsed.sorted()
    return messages, [str(w) for w in parsed.warnings]


# --- the real Takeout files -----------------------------------------------------------


def test_real_sms_thread(fixtures: Path) -> None:
    messages, warnings = read(fixtures / "google-voice" / "sms.html")
    assert warnings == []
    assert len(messages) == 5
    assert [m.direction for m in messages] == ["out", "out", "in", "in", "in"]
    assert [m.sender for m in messages] == ["+2222", "+2222", "+333", "+333", "+333"]
    assert [m.sender_name for m in messages] == ["Me", "Me", "Tony Smehrik", "Tony Smehrik", "Tony Smehrik"]
    assert messages[0].timestamp == datetime(2022, 6, 30, 18, 6, 39, 894000, tzinfo=PACIFIC)
    assert messages[0].to_dict()["timestamp"] == "2022-06-30T18:06:39.894000-07:00"
    assert messages[0].body == "doing just fine. I moved to Florida"
    assert messages[0].recipients == ("+333",)
    assert messages[2].body == "💚" and messages[2].recipients == ("+2222",)
    assert messages[4].body == "Thank you 🙏 "
    mms = messages[1]
    assert mms.kind == "media" and mms.body == ""  # "MMS Sent" is Google's placeholder, not words
    assert [a.to_dict() for a in mms.attachments] == [
        {"name": "Tony Smehrik - Text - 2022-07-01T01_06_39Z-2-1", "mime": None, "size": None, "sha256": None}
    ]
    assert {m.channel for m in messages} == {"google-voice"}
    assert messages[3].source.file == "sms.html" and messages[3].source.locator == "message 4"


def test_real_group_mms_thread(fixtures: Path) -> None:
    messages, _ = read(fixtures / "google-voice" / "mms.html")
    assert len(messages) == 6
    assert [m.kind for m in messages] == ["media", "media", "media", "message", "message", "message"]
    assert [m.direction for m in messages] == ["in", "out", "out", "in", "in", "in"]
    first = messages[0]
    assert first.sender == "+8888" and first.sender_name == "Mike Truk"
    assert first.recipients == ("+2222", "+333")
    assert [a.name for a in first.attachments] == [
        "Group Conversation - 2024-05-23T04_48_32Z-1-1",
        "Group Conversation - 2024-05-23T04_48_32Z-1-2",
    ]
    assert messages[1].recipients == ("+8888", "+333")
    assert messages[3].body == "Hahahaha\n"  # the export's trailing <br> is the sender's newline
    assert messages[5].sender == "+333" and messages[5].body == "Hahaha I love all of these"
    assert messages[5].timestamp == datetime(2024, 5, 22, 21, 54, 15, 125000, tzinfo=PACIFIC)
    assert all(m.extra == {"group": True} for m in messages)


def test_real_missed_call(fixtures: Path) -> None:
    messages, _ = read(fixtures / "google-voice" / "missedcall.html")
    assert len(messages) == 1
    call = messages[0]
    assert (call.kind, call.channel, call.direction) == ("call", "call", "in")
    assert call.timestamp == datetime(2009, 9, 17, 17, 26, 41, tzinfo=PACIFIC)
    assert (call.sender, call.sender_name, call.recipients) == ("+66666", "Dwigt Rortugal", ("me",))
    assert call.body == "" and call.extra == {"call_type": "missed"}


def test_real_folder_knows_the_readers_number_everywhere(fixtures: Path) -> None:
    messages, _ = read(fixtures / "google-voice")
    assert len(messages) == 12
    missed = next(m for m in messages if m.kind == "call")
    assert missed.recipients == ("+2222",)  # learnt from the reader's own texts


# --- the synthetic Takeout folder -----------------------------------------------------


@pytest.fixture(scope="module")
def takeout() -> tuple[list[Message], list[str]]:
    return read(TAKEOUT)


def test_duplicate_export_read_once_with_a_warning(takeout: tuple[list[Message], list[str]]) -> None:
    messages, warnings = takeout
    assert len(messages) == 20
    assert not any("(2)" in m.source.file for m in messages)
    assert warnings == [
        f"Voice/Calls/{JORDAN_TEXT} (2).html: 9 record(s) identical to ones already read from "
        f"Voice/Calls/{JORDAN_TEXT}.html were skipped: Takeout exported the same thread twice."
    ]


def test_a_copy_with_something_new_keeps_the_new_record(tmp_path: Path) -> None:
    shutil.copytree(TAKEOUT, tmp_path / "takeout")
    copy = tmp_path / "takeout" / "Voice" / "Calls" / f"{JORDAN_TEXT} (2).html"
    extra = (
        '<div class="message"><abbr class="dt" title="2024-03-11T09:02:00.000-04:00">Mar 11</abbr>:\n'
        '<cite class="sender vcard"><a class="tel" href="tel:+12125550142"><span class="fn">Jordan Reyes</span></a>'
        "</cite>:\n<q>and tell ur lawyer to back off</q>\n</div></div>\n<div class=\"tags\">"
    )
    copy.write_text(copy.read_text(encoding="utf-8").replace('</div>\n<div class="tags">', extra, 1), encoding="utf-8")
    messages, warnings = read(tmp_path / "takeout")
    assert len(messages) == 21
    assert messages[-1].body == "and tell ur lawyer to back off" and "(2)" in messages[-1].source.file
    assert warnings == [
        f"Voice/Calls/{JORDAN_TEXT} (2).html: 9 record(s) identical to ones already read from "
        f"Voice/Calls/{JORDAN_TEXT}.html were skipped: Takeout exported the same thread twice."
    ]


def test_duplicate_alone_is_read_in_full() -> None:
    messages, warnings = read(CALLS / f"{JORDAN_TEXT} (2).html")
    assert len(messages) == 9 and warnings == []


def test_thread_with_the_ex(takeout: tuple[list[Message], list[str]]) -> None:
    thread = [m for m in takeout[0] if m.source.file.endswith(f"{JORDAN_TEXT}.html")]
    assert len(thread) == 9
    assert [m.direction for m in thread] == ["in", "in", "out", "in", "in", "in", "out", "in", "out"]
    first = thread[0]
    assert first.timestamp == datetime(2024, 3, 1, 20, 15, 7, 412000, tzinfo=EASTERN)
    assert (first.sender, first.sender_name, first.recipients) == ("+12125550142", "Jordan Reyes", ("+16175550100",))
    assert first.body == "so ur just not gonna answer my calls now?"
    reply = thread[2]
    assert (reply.sender, reply.sender_name, reply.recipients) == ("+16175550100", "Me", ("+12125550142",))
    assert reply.body == "I'm not going to talk on the phone. If this is about Maya, text me here.\nPickup is Saturday 5pm at the school."
    assert thread[5].body == "you think a piece of paper scares me? <3 </q> see you saturday"
    assert thread[7].timestamp == datetime(2024, 3, 11, 8, 45, tzinfo=EASTERN_DST)  # after the clocks changed


def test_mms_file_found_beside_the_html_with_its_extension(takeout: tuple[list[Message], list[str]]) -> None:
    by_locator = {m.source.locator: m for m in takeout[0] if m.source.file.endswith(f"{JORDAN_TEXT}.html")}
    photo = by_locator["message 4"]
    data = (CALLS / f"{JORDAN_TEXT}-4-1.jpg").read_bytes()
    assert photo.kind == "media" and photo.body == ""
    assert [a.to_dict() for a in photo.attachments] == [
        {"name": f"{JORDAN_TEXT}-4-1.jpg", "mime": "image/jpeg", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    ]
    assert attachment_bytes(photo.attachments[0]) == data
    missing = by_locator["message 7"]  # the file was not exported: a name only
    assert missing.kind == "media" and missing.direction == "out"
    assert [a.to_dict() for a in missing.attachments] == [{"name": f"{JORDAN_TEXT}-7-1", "mime": None, "size": None, "sha256": None}]


def test_calls(takeout: tuple[list[Message], list[str]]) -> None:
    calls = {m.extra["call_type"]: m for m in takeout[0] if m.kind == "call"}
    assert set(calls) == {"missed", "voicemail", "received", "placed"}
    assert all(m.channel == "call" for m in calls.values())
    missed = calls["missed"]
    assert missed.timestamp == datetime(2024, 3, 2, 23, 1, 30, 118000, tzinfo=EASTERN)
    assert (missed.direction, missed.sender, missed.recipients) == ("in", "+12125550142", ("+16175550100",))
    assert "duration" not in missed.extra
    received = calls["received"]
    assert (received.direction, received.extra["duration"]) == ("in", 83)
    placed = calls["placed"]
    assert (placed.direction, placed.sender, placed.recipients) == ("out", "+16175550100", ("+13125550163",))
    assert placed.extra == {"call_type": "placed", "duration": 725, "recipient_name": "Sam Okafor"}


def test_voicemail_transcript_and_recording(takeout: tuple[list[Message], list[str]]) -> None:
    voicemail = next(m for m in takeout[0] if m.extra.get("call_type") == "voicemail")
    assert voicemail.timestamp == datetime(2024, 3, 2, 23, 2, 11, 905000, tzinfo=EASTERN)
    assert voicemail.direction == "in" and voicemail.sender == "+12125550142"
    assert voicemail.body.startswith("Hey it's me. Pick up the phone. You can't keep ignoring me forever")
    assert voicemail.extra == {"call_type": "voicemail", "duration": 48}
    recording = (CALLS / "Jordan Reyes - Voicemail - 2024-03-03T04_02_11Z.mp3").read_bytes()
    assert [(a.name, a.mime, a.sha256) for a in voicemail.attachments] == [
        ("Jordan Reyes - Voicemail - 2024-03-03T04_02_11Z.mp3", "audio/mpeg", hashlib.sha256(recording).hexdigest())
    ]


def test_group_thread(takeout: tuple[list[Message], list[str]]) -> None:
    group = [m for m in takeout[0] if "Group Conversation" in m.source.file]
    assert len(group) == 4 and all(m.extra == {"group": True} for m in group)
    linda, me, jordan, photo = group
    assert (linda.sender, linda.sender_name) == ("+12125550177", "Linda Reyes")
    assert linda.recipients == ("+16175550100", "+12125550142")
    assert me.direction == "out" and me.recipients == ("+12125550142", "+12125550177")
    assert me.body == "Linda, the schedule is in the court order. Jordan has every other weekend.\n\nI'm not discussing it in a group."
    assert jordan.recipients == ("+16175550100", "+12125550177")
    assert photo.kind == "media" and photo.attachments[0].mime == "image/png"


def test_unknown_number_and_unanswered_thread(takeout: tuple[list[Message], list[str]]) -> None:
    unknown = [m for m in takeout[0] if m.sender == "+12125550188"]
    assert [m.body for m in unknown] == ["its me. u blocked my other number so I got a new one", "you cant block me forever"]
    assert all(m.extra == {"user_deleted": True} and m.sender_name == "+12125550188" for m in unknown)
    asked = next(m for m in takeout[0] if "Priya Nair" in m.source.file)
    assert asked.direction == "out" and asked.recipients == ("Priya Nair",)  # only the file name says who


def test_unanswered_thread_renamed_still_names_the_other_side(tmp_path: Path) -> None:
    renamed = tmp_path / "thread.html"
    shutil.copy(CALLS / "Priya Nair - Text - 2024-03-07T02_00_00Z.html", renamed)
    messages, _ = read(renamed)
    assert [m.recipients for m in messages] == [("Priya Nair",)]  # from the title "Me to Priya Nair"


def test_detect_claims_only_the_html(tmp_path: Path) -> None:
    detected = ingest.detect(TAKEOUT)
    assert detected["google-voice"] == sorted(f"Voice/Calls/{p.name}" for p in CALLS.glob("*.html"))
    assert not any(name.endswith((".jpg", ".png", ".mp3")) for names in detected.values() for name in names)
    page = tmp_path / "index.html"
    page.write_text('<html><body><div class="message">hello</div><a href="tel:+12125550100">call</a></body></html>')
    assert "google-voice" not in ingest.detect(tmp_path)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("PT1M23S", 83), ("PT0S", 0), ("PT1H2M3S", 3723), ("PT12M5S", 725), ("PT2.5S", 2.5), ("P", None), ("1:23", None)],
)
def test_iso_durations(text: str, seconds: float | None) -> None:
    assert _seconds(text) == seconds


# --- bad input ------------------------------------------------------------------------


def test_empty_file_is_a_parse_error(tmp_path: Path) -> None:
    empty = tmp_path / "x - Text - 2024-01-01T00_00_00Z.html"
    empty.write_bytes(b"")
    with pytest.raises(ParseError):
        ingest.parse(empty, format="google-voice")


def test_html_without_google_voice_content_when_forced(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>hello</p></body></html>")
    with pytest.raises(ParseError, match="no Google Voice text thread or call"):
        list(ingest.parse(page, format="google-voice"))


def test_truncated_thread_keeps_what_it_can_read(fixtures: Path, tmp_path: Path) -> None:
    raw = (fixtures / "google-voice" / "sms.html").read_bytes()
    cut = tmp_path / "sms.html"
    cut.write_bytes(raw[: raw.index(b"all that space") + 5])
    messages, warnings = read(cut)
    assert [m.kind for m in messages] == ["unparsed", "message", "media", "message"]
    tail = messages[0]
    assert tail.body.startswith('<div class="message"><abbr class="dt" title="2022-06-30T18:07:24.594-07:00">')
    assert tail.body.endswith("<q>all t")
    assert tail.source.locator == "end of file"
    assert messages[-1].body == "💚"
    assert warnings == [
        "sms.html, end of file: the file is cut short (no closing </html>); its last record may be incomplete; "
        "kept as unparsed text."
    ]


def test_truncated_call_is_kept_raw(fixtures: Path, tmp_path: Path) -> None:
    raw = (fixtures / "google-voice" / "missedcall.html").read_bytes()
    cut = tmp_path / "missedcall.html"
    cut.write_bytes(raw[: raw.index(b'<abbr class="published"')])
    messages, warnings = read(cut, format="google-voice")
    assert len(messages) == 1 and messages[0].kind == "unparsed"
    assert "Dwigt Rortugal" in messages[0].body and len(warnings) == 1


def test_unreadable_time_is_kept_raw(fixtures: Path, tmp_path: Path) -> None:
    raw = (fixtures / "google-voice" / "sms.html").read_bytes()
    broken = tmp_path / "sms.html"
    broken.write_bytes(raw.replace(b'title="2022-06-30T18:07:09.468-07:00"', b'title="last Thursday"'))
    messages, warnings = read(broken)
    assert len(messages) == 5
    bad = messages[0]
    assert bad.kind == "unparsed" and bad.source.locator == "message 3" and "💚" in bad.body
    assert warnings == ["sms.html, message 3: no readable time; kept as unparsed text."]


def test_one_broken_file_in_a_folder_does_not_stop_the_rest(tmp_path: Path) -> None:
    shutil.copytree(TAKEOUT, tmp_path / "takeout")
    calls = tmp_path / "takeout" / "Voice" / "Calls"
    (calls / "Sam Okafor - Placed - 2024-03-04T17_05_12Z.html").write_text(
        '<html><head><style>.haudio {}</style></head><body><p>google.com/voice</p><div class="haudio">'
    )
    messages, warnings = read(tmp_path / "takeout")
    assert len(messages) == 20
    assert sum(m.kind == "unparsed" for m in messages) == 1


# --- unexpected elements (issue 12) ----------------------------------------------------

SMS_BODIES = ["doing just fine. I moved to Florida", "", "💚", "all that space", "Thank you 🙏 "]
SMS_SENDERS = ["+2222", "+2222", "+333", "+333", "+333"]


def _insert(fixtures: Path, tmp_path: Path, before: bytes, junk: bytes, nth: int = 0) -> Path:
    raw = (fixtures / "google-voice" / "sms.html").read_bytes()
    at = -1
    for _ in range(nth + 1):
        at = raw.index(before, at + 1)
    path = tmp_path / "sms.html"
    path.write_bytes(raw[:at] + junk + raw[at:])
    return path


@pytest.mark.parametrize(
    ("before", "nth"),
    [
        (b'>\n<div class="message">', 0),  # <div class="hChatLog hfeed"<x/>>: the thread closes on itself
        (b'all that space</q>', 0),  # inside a body
        (b'<div class="message">', 2),  # between two messages
        (b'<cite class="sender vcard"><a class="tel" href="tel:+333">', 1),  # inside a message
        (b'</body>', 0),  # after the thread
    ],
    ids=["thread-tag", "body", "between", "message", "end"],
)
def test_an_unexpected_element_costs_no_message(fixtures: Path, tmp_path: Path, before: bytes, nth: int) -> None:
    messages, warnings = read(_insert(fixtures, tmp_path, before, b"<x/>", nth))
    assert [m.body for m in messages] == SMS_BODIES
    assert [m.sender for m in messages] == SMS_SENDERS
    assert [str(m.kind) for m in messages] == ["message", "media", "message", "message", "message"]
    assert warnings == []


def test_an_element_inside_a_message_tag_keeps_that_message(fixtures: Path, tmp_path: Path) -> None:
    # `<div<x/> class="message">` is no div at all: its time, sender and body are left loose.
    messages, warnings = read(_insert(fixtures, tmp_path, b' class="message"><abbr class="dt" title="2022-06-30T18:07:09', b"<x/>"))
    assert [m.body for m in messages] == SMS_BODIES
    assert [m.sender for m in messages] == SMS_SENDERS
    assert messages[2].timestamp == datetime(2022, 6, 30, 18, 7, 9, 468000, tzinfo=PACIFIC)
    assert warnings == ["sms.html, message 3: the HTML around this message is damaged; it was read from its parts"]


def test_an_element_that_closes_a_message_div_on_itself_keeps_that_message(fixtures: Path, tmp_path: Path) -> None:
    messages, warnings = read(_insert(fixtures, tmp_path, b'><abbr class="dt" title="2022-06-30T18:06:39', b" <x/>"))
    assert [m.body for m in messages] == SMS_BODIES
    assert [m.direction for m in messages] == ["out", "out", "in", "in", "in"]
    assert warnings == ["sms.html, message 1: the HTML around this message is damaged; it was read from its parts"]


@pytest.mark.parametrize(
    ("before", "junk"),
    [
        (b"tle>\n<style", b"<x/>"),  # </ti<x/>tle>: the title never closes and swallows the file
        (b'<div class="message"><abbr class="dt" title="2022-06-30T18:07:09', b"<!--"),  # a comment never closed
    ],
    ids=["title", "comment"],
)
def test_an_element_that_swallows_the_rest_costs_no_message(
    fixtures: Path, tmp_path: Path, before: bytes, junk: bytes
) -> None:
    messages, warnings = read(_insert(fixtures, tmp_path, before, junk))
    assert [m.body for m in messages] == SMS_BODIES
    assert [m.sender for m in messages] == SMS_SENDERS
    # libxml2 2.14 swallows the rest of the file here, 2.12 may not: either way no message is lost.
    for warning in warnings:
        assert warning.startswith("sms.html: the HTML is damaged: ")
        assert warning.endswith(" of 5 records were found in the document; each record was read on its own")


def test_a_body_inside_an_unexpected_element_is_kept_raw_not_read_as_empty(fixtures: Path, tmp_path: Path) -> None:
    messages, warnings = read(_insert(fixtures, tmp_path, b"<q>all that space", b"<textarea>"))
    assert [m.source.locator for m in messages] == ["message 1", "message 2", "message 3", "message 4", "message 5"]
    assert [m.body for m in messages if m.source.locator != "message 4"] == [
        b for i, b in enumerate(SMS_BODIES) if i != 3
    ]
    fourth = next(m for m in messages if m.source.locator == "message 4")
    assert fourth.timestamp == datetime(2022, 6, 30, 18, 7, 24, 594000, tzinfo=PACIFIC)
    if fourth.kind == "unparsed":  # libxml2 2.14: the textarea holds the <q> as text
        assert fourth.body.startswith('<div class="message"><abbr class="dt" title="2022-06-30T18:07:24.594-07:00">')
        assert "&lt;q&gt;all that space&lt;/q&gt;" in fourth.body
        assert warnings[-1] == "sms.html, message 4: the message holds text but no <q> body; kept as unparsed text."
    else:  # libxml2 2.12 reads the <q> as usual
        assert fourth.body == "all that space"


def test_a_record_damaged_past_reading_is_kept_raw_and_the_rest_read(fixtures: Path, tmp_path: Path) -> None:
    path = _insert(fixtures, tmp_path, b'<div class="message"><abbr class="dt" title="2022-06-30T18:07:24', b"<!--")
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'class="dt" title="2022-06-30T18:07:24.594-07:00"', b'class="dt" title="???"'))
    messages, warnings = read(path)
    assert [m.body for m in messages if m.kind != "unparsed"] == [b for i, b in enumerate(SMS_BODIES) if i != 3]
    (bad,) = [m for m in messages if m.kind == "unparsed"]
    assert "all that space" in bad.body and bad.source.locator == "message 4"
    assert warnings[-1] == "sms.html, message 4: no readable time; kept as unparsed text."


# --- fuzz -----------------------------------------------------------------------------


def _mangle(data: bytes, rng: random.Random, how: str) -> bytes:
    at = rng.randrange(len(data))
    if how == "truncate":
        return data[:at]
    if how == "flip":
        out = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
        return bytes(out)
    if how == "junk":
        return data[:at] + rng.choice([rng.randbytes(64), b"<div class='message'><abbr class='dt' title='", b"</q></div>"]) + data[at:]
    return data[:at] + data[at + rng.randint(1, 400) :]


@seed(20240301)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(["sms.html", "mms.html", "missedcall.html"]),
    how=st.sampled_from(["truncate", "flip", "junk", "delete"]),
    salt=st.integers(0, 2**32),
)
def test_mangled_files_never_crash(fixtures: Path, tmp_path: Path, name: str, how: str, salt: int) -> None:
    mangled = tmp_path / name
    mangled.write_bytes(_mangle((fixtures / "google-voice" / name).read_bytes(), random.Random(salt), how))
    try:
        parsed = ingest.parse(mangled, format="google-voice")
        importer, entries = parsed.groups[0]
        for message in importer.parse(entries, parsed.ctx):
            assert isinstance(message, Message)
    except InputError:
        pass
