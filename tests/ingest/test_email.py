"""The mbox and eml importers: sniffing, splitting, headers, bodies, attachments, bad input.

There are no real e-mail exports among the shared fixtures, so these tests read the
synthetic mailboxes in tests/ingest/mbox/ and tests/ingest/eml/ (the goldens beside
them are checked by test_expected.py), and use the shared real files only to check that
neither importer claims another format's file.
"""

from __future__ import annotations

import base64
import hashlib
import io
import socket
import tracemalloc
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from greyrock import ingest
from greyrock.cli import app
from greyrock.errors import InputError, ParseError
from greyrock.ingest._email import decode_text, decode_words, html_to_text
from greyrock.ingest._export import open_export
from greyrock.ingest.eml import Eml
from greyrock.ingest.mbox import Mbox, split_mbox
from greyrock.model import Direction, Kind, Message

HERE = Path(__file__).parent
MBOX_DIR = HERE / "mbox"
EML_DIR = HERE / "eml"
TAKEOUT = MBOX_DIR / "All mail Including Spam and Trash.mbox"
CLASSIC = MBOX_DIR / "no_blank_line.mbox"
DANA = "dana.reyes@example.com"
PST = timezone(timedelta(hours=-8))


def read(path: Path, **kwargs: str) -> tuple[list[Message], list[str]]:
    parsed = ingest.parse(path, **kwargs)
    messages = list(parsed)
    return messages, [str(w) for w in parsed.warnings]


def by_subject(messages: list[Message]) -> dict[str, Message]:
    return {m.extra.get("subject", ""): m for m in messages}


def eml(name: str, me: str | None = DANA) -> Message:
    messages, _ = read(EML_DIR / f"{name}.eml", me=me) if me else read(EML_DIR / f"{name}.eml")
    assert len(messages) == 1
    return messages[0]


# --- sniffing -----------------------------------------------------------------------------


def test_gmail_takeout_mailbox_is_detected_as_mbox() -> None:
    assert ingest.detect(TAKEOUT) == {"mbox": [TAKEOUT.name]}


def test_sniff_scores(tmp_path: Path) -> None:
    (tmp_path / "mbox").write_bytes(CLASSIC.read_bytes())  # Apple Mail's Inbox.mbox/mbox
    (tmp_path / "junk.mbox").write_bytes(b"not a mailbox\n")
    (tmp_path / "saved").write_bytes((EML_DIR / "html_only.eml").read_bytes())
    (tmp_path / "x.eml").write_bytes(b"anything\n")
    entries = {e.name: e for e in open_export(tmp_path).entries}
    mbox, eml_ = Mbox(), Eml()
    assert mbox.sniff(open_export(TAKEOUT).entries[0]) == 90
    assert mbox.sniff(entries["mbox"]) == 80
    assert mbox.sniff(entries["junk.mbox"]) == 50
    assert eml_.sniff(entries["x.eml"]) == 80
    assert eml_.sniff(entries["saved"]) == 55
    assert eml_.sniff(entries["mbox"]) is None  # a From_ line is not a header
    assert mbox.sniff(entries["saved"]) is None  # "From:" is not a From_ line


@pytest.mark.parametrize(
    "text",
    [
        b"From what I remember, you agreed to 6pm.\nSubject: pickup\n",
        b"Subject: notes for the lawyer\nHe called 14 times on Friday.\nFrom: me\n",
        b"timestamp,sender,body\n2024-01-01T00:00:00Z,a,hi\n",
        b"[12/01/2024, 21:14:03] Jordan: From now on text me\n",
        b"12/01/2024, 21:14 - Jordan: Date: tomorrow\n",
        b'{"messages": [{"from": "a", "date": "2024"}]}\n',
        b"<html><body>From: Marcus<br>Date: today</body></html>\n",
        b"Date: 2024-01-01\nMood: bad\n\nnot an e-mail\n",
    ],
)
def test_other_text_formats_are_not_claimed(tmp_path: Path, text: bytes) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(text)
    entry = open_export(path).entries[0]
    assert Mbox().sniff(entry) is None
    assert Eml().sniff(entry) is None


def test_real_exports_of_other_formats_are_not_claimed(fixtures: Path) -> None:
    files = [p for p in fixtures.rglob("*") if p.is_file() and p.name != "SOURCES.md"]
    assert len(files) > 10
    for path in files:
        entry = open_export(path).entries[0]
        assert Mbox().sniff(entry) is None, path
        assert Eml().sniff(entry) is None, path


def test_a_folder_sends_each_file_to_its_importer(tmp_path: Path) -> None:
    (tmp_path / "Takeout").mkdir()
    (tmp_path / "Takeout" / TAKEOUT.name).write_bytes(TAKEOUT.read_bytes())
    (tmp_path / "saved.eml").write_bytes((EML_DIR / "forwarded.eml").read_bytes())
    (tmp_path / "chat.csv").write_bytes(b"timestamp,sender,body\n2024-01-01T00:00:00Z,a,hi\n")
    assert ingest.detect(tmp_path) == {
        "mbox": [f"Takeout/{TAKEOUT.name}"],
        "eml": ["saved.eml"],
        "csv": ["chat.csv"],
    }
    messages, _ = read(tmp_path, me=DANA)
    assert len(messages) == 7 + 1 + 1


# --- splitting the mailbox ----------------------------------------------------------------


@pytest.mark.parametrize("path", [TAKEOUT, CLASSIC], ids=["takeout", "classic"])
def test_locators_give_each_message_its_bytes(path: Path) -> None:
    data = path.read_bytes()
    messages, _ = read(path, me=DANA)
    spans = []
    for m in messages:
        number, _, rest = m.source.locator.removeprefix("message ").partition(" (bytes ")
        start, end = map(int, rest.rstrip(")").split("-"))
        spans.append((int(number), start, end))
        assert data[start:end].startswith(b"From ")
        if m.extra.get("message_id"):
            assert m.extra["message_id"].encode() in data[start:end]
    spans.sort()
    assert [s[0] for s in spans] == list(range(1, len(messages) + 1))
    assert spans[0][1] == 0 and spans[-1][2] == len(data)
    assert all(a[2] == b[1] for a, b in zip(spans, spans[1:]))


def test_takeout_locators_are_exact() -> None:
    messages, _ = read(TAKEOUT)
    assert [m.source.locator for m in messages] == [
        "message 1 (bytes 0-621)",
        "message 2 (bytes 621-1943)",
        "message 3 (bytes 1943-2753)",
        "message 4 (bytes 2753-3617)",
        "message 5 (bytes 3617-4406)",
        "message 6 (bytes 4406-4895)",
        "message 7 (bytes 4895-6020)",
    ]


def test_missing_blank_line_before_from_is_tolerated_but_body_from_lines_stay() -> None:
    messages, _ = read(CLASSIC, me=DANA)
    assert len(messages) == 4
    first = messages[0]
    assert first.body == (
        "I want the kids for the whole of spring break this year, my mom is flying in.\n"
        "From now on you go through my lawyer too if you want to play it that way.\n\n"
        ">From the start I told you this would happen."
    )
    assert messages[1].extra["subject"] == "Re: spring break"


def test_split_mbox_on_lines() -> None:
    data = (
        b"From a@example.com Mon Jan  1 10:00:00 2024\nSubject: one\n\nbody\nFrom here on, no split\n\n"
        b"From b@example.com Mon Jan  1 11:00:00 2024\nSubject: two\n\nwe wait\nFrom 9:30 on Jan 2 2024\n"
        b"From c@example.com Mon Jan  1 12:00:00 2024\nSubject: three\n\nx\n\n"
        b"From the desk of the principal\nSubject: four\n\ny\n"
    )
    starts = [0, data.index(b"From b@"), data.index(b"From c@"), data.index(b"From the desk")]
    chunks = list(split_mbox(io.BytesIO(data)))
    assert [(s, e) for s, e, _ in chunks] == list(zip(starts, starts[1:] + [len(data)]))
    assert chunks[0][2].endswith(b"From here on, no split\n\n")
    assert chunks[1][2].endswith(b"From 9:30 on Jan 2 2024\n")  # no blank line, no From-line date
    assert b"".join(raw for _, _, raw in chunks) == data


def test_split_mbox_streams_in_constant_memory(tmp_path: Path) -> None:
    one = CLASSIC.read_bytes()
    path = tmp_path / "big.mbox"
    with open(path, "wb") as fh:
        for _ in range(2500):  # about 3 MiB
            fh.write(one)
    tracemalloc.start()
    try:
        with open(path, "rb") as fh:
            count = sum(1 for _ in split_mbox(fh))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 4 * 2500
    assert peak < 512 * 1024


# --- a damaged or missing From line (issue 12) ---------------------------------------------

TAKEOUT_SUBJECTS = [
    "Re: Weekend",
    "Weekend",
    "Parent–teacher conference – Mia Hale (Grade 2)",
    "Payment received – Case 2023-DR-00417",
    "you think you're so smart 🙄",
    "call me back",
    "Last night (Jan 21) - for the file",
]
THIRD_FROM_LINE = b"From 1788301122334455667@xxx Tue Jan 16 14:02:11 +0000 2024\n"


def _damage_takeout(tmp_path: Path, old: bytes, new: bytes) -> Path:
    data = TAKEOUT.read_bytes()
    assert data.count(old) == 1
    path = tmp_path / TAKEOUT.name
    path.write_bytes(data.replace(old, new))
    return path


@pytest.mark.parametrize(
    "damaged",
    [
        b"Frxm 1788301122334455667@xxx Tue Jan 16 14:02:11 +0000 2024\n",  # a flipped byte
        b"From\xa01788301122334455667@xxx Tue Jan 16 14:02:11 +0000 2024\n",  # the space flipped
        b">From 1788301122334455667@xxx Tue Jan 16 14:02:11 +0000 2024\n",  # escaped by a bad tool
        b"\x00\xff#&!\n",  # replaced by junk
        b"Fro\n",  # cut short
    ],
    ids=["flip", "space", "escaped", "junk", "cut"],
)
def test_a_damaged_from_line_costs_no_email(tmp_path: Path, damaged: bytes) -> None:
    path = _damage_takeout(tmp_path, THIRD_FROM_LINE, damaged)
    messages, warnings = read(path, me=DANA)
    mails = [m for m in messages if m.kind != Kind.UNPARSED]
    assert [m.extra["subject"] for m in mails] == TAKEOUT_SUBJECTS
    assert mails[2].body.startswith("Dear Parents,\n\nThis is a reminder that Mia's conference")
    assert mails[2].sender == "office@maplegrove.example.org"
    assert mails[1].body.endswith("I'm not buying another one 🙄\n\nM")  # nothing of the next mail in it
    (junk,) = [m for m in messages if m.kind == Kind.UNPARSED]
    end = 1943 + len(damaged)
    assert junk.source.locator == f"line 58 (bytes 1943-{end})"
    assert junk.body.encode("cp1252") == damaged  # the line as written, byte for byte
    assert mails[2].source.locator == f"message 3 (bytes {end}-{end + 810 - 60})"
    assert warnings == [
        f"{path.name}, line 58 (bytes 1943-{end}): a damaged 'From ' line; the e-mail after it was found "
        "by its headers; kept as unparsed text."
    ]


def test_a_missing_from_line_costs_no_email(tmp_path: Path) -> None:
    path = _damage_takeout(tmp_path, THIRD_FROM_LINE, b"")
    messages, warnings = read(path, me=DANA)
    assert [m.extra["subject"] for m in messages] == TAKEOUT_SUBJECTS
    assert all(m.kind != Kind.UNPARSED for m in messages)
    assert messages[2].timestamp == datetime(2024, 1, 16, 14, 2, 11, tzinfo=timezone.utc)
    assert warnings == [
        f"{path.name}, message 3 (bytes 1943-2693): no 'From ' line before this e-mail (line 58); found by its headers"
    ]


def test_a_damaged_first_from_line_is_still_a_mailbox(tmp_path: Path) -> None:
    first = TAKEOUT.read_bytes().split(b"\n", 1)[0] + b"\n"
    path = _damage_takeout(tmp_path, first, b"Fr\x00m" + first[4:])
    assert ingest.detect(path) == {"mbox": [path.name]}
    messages, _ = read(path, me=DANA)
    assert [m.extra.get("subject") for m in messages] == [None, *TAKEOUT_SUBJECTS]
    assert messages[0].kind == Kind.UNPARSED and messages[0].source.locator == "line 1 (bytes 0-60)"


def test_a_damaged_from_line_without_a_blank_line_before_it(tmp_path: Path) -> None:
    data = CLASSIC.read_bytes()
    path = tmp_path / "mbox"
    path.write_bytes(data.replace(b"From - Sun Jan 28 08:30:00 2024", b"Fron - Sun Jan 28 08:30:00 2024"))
    messages, warnings = read(path, me=DANA)
    assert [m.extra.get("subject") for m in messages] == ["spring break", None, "Re: spring break", "whatever", "??"]
    assert messages[0].body.endswith("\n\n>From the start I told you this would happen.")
    assert (messages[1].kind, messages[1].body) == (Kind.UNPARSED, "Fron - Sun Jan 28 08:30:00 2024\n")
    assert messages[2].body.startswith("Spring break is split per section 4.2")
    assert "mbox, line 14 (bytes 481-513): a damaged 'From ' line; the e-mail after it was found by its headers; " \
        "kept as unparsed text." in warnings


def test_quoted_and_forwarded_headers_in_a_body_do_not_split_it(tmp_path: Path) -> None:
    body = (
        b"Call me back. I'm outside.\n\n"
        b"-----Original Message-----\nFrom: Dana Reyes <dana.reyes@example.com>\nSent: Sunday\n"
        b"To: Marcus Hale <marcus.hale@example.com>\nSubject: stop\n\nStop texting me.\n\n"
        b"-------- Forwarded Message --------\nSubject: note\nDate: Sun, 21 Jan 2024 20:00:00 -0800\n"
        b"From: Priya <priya@example.com>\nTo: dana.reyes@example.com\nMessage-ID: <n1@example.com>\n\nsee below\n"
    )
    path = _damage_takeout(
        tmp_path,
        b"Call me back. I'm outside. I can see the kitchen light on so don't pretend you're asleep\n",
        body,
    )
    messages, warnings = read(path, me=DANA)
    assert [m.extra["subject"] for m in messages] == TAKEOUT_SUBJECTS
    assert messages[5].body == body.decode().strip()
    assert warnings == []


def test_a_forwarded_mail_in_a_mailbox_stays_inside_its_message(tmp_path: Path) -> None:
    forwarded = (EML_DIR / "forwarded.eml").read_bytes()
    path = tmp_path / "x.mbox"
    path.write_bytes(b"From - Tue Feb 13 08:02:44 2024\n" + forwarded + b"\n" + CLASSIC.read_bytes())
    messages, warnings = read(path, me=DANA)
    assert [m.extra.get("subject") for m in messages] == [
        "Fwd: he sent this to me last night", "spring break", "Re: spring break", "whatever", "??",
    ]
    assert [a.name for a in messages[0].attachments] == ["tell your sister.eml"]
    assert not [w for w in warnings if "found by its headers" in w]


def test_text_after_a_multipart_is_kept_when_no_resync_is_possible(tmp_path: Path) -> None:
    # A junk line, and no blank line before it: the third mail cannot be told apart, so it
    # ends up after the second mail's closing boundary. Its text must still be there.
    path = _damage_takeout(tmp_path, b"--\n\n" + THIRD_FROM_LINE, b"--\n#junk#\n")
    messages, warnings = read(path, me=DANA)
    assert [m.extra["subject"] for m in messages] == [s for i, s in enumerate(TAKEOUT_SUBJECTS) if i != 2]
    second = messages[1]
    assert second.body.startswith("Dana,\n\nI'm picking up the kids Friday at 5 not 6.")
    assert "This is a reminder that Mia's conference with Ms. Okafor is on Thursday" in second.body
    end = path.read_bytes().index(b"From 1788512233445566778@xxx")
    assert warnings == [
        f"{path.name}, message 2 (bytes 621-{end}): text after the end of the multipart body was kept as body text"
    ]


def test_the_mailbox_module_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import mailbox

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("mailbox.mbox opens files rb+")

    monkeypatch.setattr(mailbox.mbox, "__init__", refuse)
    messages, _ = read(TAKEOUT)
    assert len(messages) == 7


def test_a_zipped_mailbox_names_the_member(tmp_path: Path) -> None:
    path = tmp_path / "takeout-20240301T101010Z-001.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(TAKEOUT, f"Takeout/Mail/{TAKEOUT.name}")
    messages, _ = read(path)
    assert len(messages) == 7
    assert messages[0].source.file == path.name
    assert messages[0].source.locator == f"Takeout/Mail/{TAKEOUT.name} message 1 (bytes 0-621)"


def test_a_damaged_zip_member_keeps_the_mail_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "takeout.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Takeout/Mail/all.mbox", TAKEOUT.read_bytes() * 20)
        (info,) = zf.infolist()
    data = bytearray(path.read_bytes())
    damage = 30 + len(info.filename) + info.compress_size * 3 // 4  # well after the sniffed head
    data[damage : damage + 16] = bytes(16)
    path.write_bytes(bytes(data))
    messages, warnings = read(path)
    # Mail found again by its headers inside the damaged stretch counts; its junk is unparsed.
    assert 0 < len([m for m in messages if m.kind != Kind.UNPARSED]) < 140
    assert any("the file cannot be read past this point" in w for w in warnings)


def test_an_unreadable_zip_member_is_not_called_empty(tmp_path: Path) -> None:
    path = tmp_path / "takeout.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Takeout/Mail/all.mbox", TAKEOUT.read_bytes())
    data = bytearray(path.read_bytes())
    data[60:90] = bytes(30)  # the start of the compressed data
    path.write_bytes(bytes(data))
    with pytest.raises(ParseError, match="cannot be read"):
        list(ingest.parse(path, format="mbox"))


# --- Gmail labels and direction -----------------------------------------------------------


def test_takeout_directions_labels_and_thread() -> None:
    messages, warnings = read(TAKEOUT)
    got = [(m.extra["subject"], m.direction, m.extra["labels"]) for m in messages]
    assert got == [
        ("Re: Weekend", Direction.OUT, ["Sent"]),
        ("Weekend", Direction.IN, ["Inbox", "Important", "Opened", "Category Personal"]),
        ("Parent–teacher conference – Mia Hale (Grade 2)", Direction.IN, ["Inbox", "Opened", "Category Updates"]),
        ("Payment received – Case 2023-DR-00417", Direction.UNKNOWN, ["Archived", "Category Updates"]),
        ("you think you're so smart 🙄", Direction.IN, ["Inbox", "Unread"]),
        ("call me back", Direction.UNKNOWN, ["Trash", "Opened"]),
        ("Last night (Jan 21) - for the file", Direction.OUT, ["Sent"]),
    ]
    assert messages[0].extra["thread_id"] == messages[1].extra["thread_id"] == "1788123456789012345"
    assert messages[0].extra["in_reply_to"] == messages[1].extra["message_id"] == "<CAJx7fP0q9weekend@mail.example.com>"
    assert warnings == [f"{TAKEOUT.name}: cannot tell which e-mails are yours: pass --me YOUR@ADDRESS"]


def test_me_decides_where_labels_do_not() -> None:
    messages, warnings = read(TAKEOUT, me="Dana.Reyes@Example.com")
    assert [m.direction for m in messages] == [
        Direction.OUT, Direction.IN, Direction.IN, Direction.IN, Direction.IN, Direction.IN, Direction.OUT,
    ]
    assert warnings == []


def test_me_as_a_display_name() -> None:
    messages, _ = read(CLASSIC, me="Dana Reyes")
    assert [m.direction for m in messages] == [Direction.IN, Direction.OUT, Direction.IN, Direction.IN]
    assert messages[1].sender == "dana.reyes@example.com"  # written Dana.Reyes@example.com


def test_senders_and_recipients() -> None:
    messages = by_subject(read(TAKEOUT)[0])
    weekend = messages["Weekend"]
    assert (weekend.sender, weekend.sender_name) == ("marcus.hale@example.com", "Marcus Hale")
    assert weekend.recipients == ("dana.reyes@example.com",)
    school = messages["Parent–teacher conference – Mia Hale (Grade 2)"]
    assert school.recipients == ("dana.reyes@example.com", "marcus.hale@example.com")
    late = messages["you think you're so smart 🙄"]
    assert (late.sender, late.sender_name) == ("mhale.1984@example.net", "Marcus H. 😡")
    lawyer = messages["Last night (Jan 21) - for the file"]
    assert lawyer.recipients == ("pnatarajan@natarajan-law.example.com",)
    assert lawyer.extra["bcc"] == ["carla.reyes@example.com"]


# --- time -----------------------------------------------------------------------------------


def test_dates_keep_their_zone() -> None:
    messages = by_subject(read(TAKEOUT)[0])
    assert messages["Weekend"].timestamp == datetime(2024, 1, 12, 21, 47, 3, tzinfo=PST)
    assert messages["Weekend"].timestamp.utcoffset() == timedelta(hours=-8)
    school = messages["Parent–teacher conference – Mia Hale (Grade 2)"].timestamp
    assert school.isoformat() == "2024-01-16T14:02:11+00:00"


def test_missing_or_garbled_date_falls_back_to_the_from_line() -> None:
    messages, warnings = read(CLASSIC, me=DANA)
    assert messages[1].timestamp == datetime(2024, 1, 28, 8, 30)  # From - Sun Jan 28 08:30:00 2024
    assert messages[1].timestamp.tzinfo is None
    assert messages[2].timestamp == datetime(2024, 1, 30, 7, 5, 12)
    assert messages[2].extra["date_raw"] == "Tuesday morning"
    assert messages[3].timestamp is None and messages[3].kind == Kind.MESSAGE
    assert warnings == [
        "no_blank_line.mbox, message 2 (bytes 481-866): no Date header; used the time on the mbox From line",
        "no_blank_line.mbox, message 3 (bytes 866-1162): "
        "the Date header cannot be read; used the time on the mbox From line",
        "no_blank_line.mbox, message 4 (bytes 1162-1353): no Date header; the time is unknown",
    ]


def test_gmail_from_line_time_is_aware(tmp_path: Path) -> None:
    path = tmp_path / "one.mbox"
    path.write_bytes(b"From 1234567890@xxx Mon Jan 01 00:00:00 +0000 2024\nFrom: a@example.com\nSubject: s\n\nhi\n")
    (message,), _ = read(path)
    assert message.timestamp == datetime(2024, 1, 1, tzinfo=timezone.utc)


def test_unknown_zone_date_is_naive(tmp_path: Path) -> None:
    path = tmp_path / "x.eml"
    path.write_bytes(b"From: a@example.com\nSubject: s\nDate: Mon, 01 Jan 2024 10:00:00 -0000\n\nhi\n")
    (message,), _ = read(path)
    assert message.timestamp == datetime(2024, 1, 1, 10, 0) and not message.tz_known


def test_eml_with_a_from_line_uses_its_date(tmp_path: Path) -> None:
    path = tmp_path / "saved.eml"
    path.write_bytes(b"From x@example.com Fri Feb  2 09:00:00 2024\nFrom: a@example.com\nSubject: s\n\nhi\n")
    assert ingest.detect(path) == {"mbox": ["saved.eml"]}  # a one-message mailbox: mbox reads it as well
    (message,), warnings = read(path, format="eml")
    assert message.timestamp == datetime(2024, 2, 2, 9, 0)
    assert message.body == "hi"
    assert warnings[0] == "saved.eml, message: no Date header; used the time on the mbox From line"


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("=?UTF-8?B?SGVsbG8gV29ybGQ=?=", "Hello World"),
        ("=?ISO-8859-1?Q?Ren=E9e_Hale?=", "Renée Hale"),
        ("=?iso-8859-1?q?caf=E9?= au lait", "café au lait"),
        ("Re: =?UTF-8?Q?Mia=E2=80=99s?= =?UTF-8?Q?_party?= today", "Re: Mia’s party today"),
        ("=?UTF-8?B?8J+O?= =?UTF-8?B?gg==?=", "🎂"),  # one character split over two words
        ("=?UTF-8?B?SGk?=", "Hi"),  # missing padding
        ("=?UTF-8?B?not*base64?= stays", "=?UTF-8?B?not*base64?= stays"),
        ("=?UTF-8?Q?no end", "=?UTF-8?Q?no end"),
        ("=?x-unknown?Q?caf=C3=A9?=", "café"),
        ("=?utf-8?Q?caf=E9?=", "café"),  # latin-1 bytes under a utf-8 label
        ("=?UTF-8*en?Q?hello?=", "hello"),  # RFC 2231 language tag
        ("plain subject", "plain subject"),
    ],
)
def test_decode_words(raw: str, text: str) -> None:
    assert decode_words(raw) == text


def test_encoded_names_and_subjects() -> None:
    message = eml("encoded_headers")
    assert message.sender == "renee.hale@example.net"
    assert message.sender_name == "Renée Hale"
    assert message.recipients == ("dana.reyes@example.com", "marcus.hale@example.com")
    assert message.extra["subject"] == "Mia’s birthday 🎂 party on the 10th"
    assert "à la normal. The party" in message.body  # quoted-printable soft break joined


def test_broken_headers_are_kept_as_written() -> None:
    message = eml("broken_headers", me=None)
    assert message.extra["subject"] == "Re: field trip =?UTF-8?B?***not-base64***?= form"
    assert message.sender_name == "Jürgen Okafor"  # raw 8-bit UTF-8 in the header
    assert message.timestamp is None and message.extra["date_raw"] == "31/02/2024 25:61"
    assert message.direction == Direction.UNKNOWN


# --- bodies -------------------------------------------------------------------------------


def test_plain_text_is_preferred_and_not_repeated() -> None:
    weekend = by_subject(read(TAKEOUT)[0])["Weekend"]
    assert weekend.body == (
        "Dana,\n\nI'm picking up the kids Friday at 5 not 6. Don't make this difficult again.\n"
        "And tell Mia to bring her tablet charger this time, I'm not buying another one 🙄\n\nM"
    )
    assert weekend.attachments == ()


def test_html_only_alternative_becomes_readable_text() -> None:
    message = eml("html_only")
    assert message.body == (
        "Dana,\n\n"
        "I know I said some things I shouldn't have. I was drunk and I miss the kids.\n"
        "I miss us. Nobody will ever love you the way I do & you know it.\n\n"
        "I'll go to the classes\nI'll stop drinking\n\n"
        "Just unblock my number, please. One coffee <3\n\n"
        "Sent from my iPhone"
    )
    for hidden in ("fetch", "cookie", "alert", "Hidden title", "injected", "tracker", "comment", "background"):
        assert hidden not in message.body
    assert message.attachments == ()


def test_hostile_html_fetches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was touched")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    text, complete = html_to_text(
        '<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://tracker.example.com/x.dtd" '
        '[<!ENTITY leak SYSTEM "file:///etc/passwd">]>'
        '<html><body><p>before &leak; after</p><img src="http://tracker.example.com/p.gif">'
        '<link rel="import" href="http://tracker.example.com/i.html">'
        '<object data="http://tracker.example.com/o.swf">fallback</object></body></html>'
    )
    assert complete
    assert "root:" not in text and "fallback" not in text
    assert "before &leak; after" in text
    assert eml("html_only").body.startswith("Dana,")


def test_html_line_breaks_and_spaces() -> None:
    text, complete = html_to_text(
        "<div>one<br>two<br><br>three</div><p>  lots   of\n spaces&nbsp;here </p>"
        "<pre>  keep\n    indent</pre><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
        '<p>emoji <img alt="😀" src="cid:x"> inline</p>'
    )
    assert complete
    assert text == "one\ntwo\n\nthree\n\nlots of spaces here\n\n  keep\n    indent\n\na b\nc\n\nemoji 😀 inline"


def test_html_nested_beyond_libxml2_limits_is_still_read() -> None:
    # libxml2 2.14 stops at this depth (and the simpler parser reads it); 2.12 reads it whole.
    text, _ = html_to_text("<p>start</p>" + "<div>" * 20000 + "hidden deep" + "</div>" * 20000 + "<p>end</p>")
    assert text.split() == ["start", "hidden", "deep", "end"]


def test_html_lxml_cannot_read_is_read_by_the_simpler_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ValueError("Document is empty")

    monkeypatch.setattr(lxml.html, "document_fromstring", refuse)
    assert html_to_text("<p>start</p><div><div>I know <b>where</b> you park</div></div>") == (
        "start\n\nI know where you park", False)


def test_deeply_nested_html_mail_is_read_and_says_how(tmp_path: Path) -> None:
    html = "<p>start</p>" + "<div>" * 5000 + "I know where you park" + "</div>" * 5000
    path = tmp_path / "deep.eml"
    path.write_bytes(f"From: a@example.com\nSubject: s\nContent-Type: text/html\n\n{html}\n".encode())
    (message,), warnings = read(path, me=DANA)
    assert message.body == "start\n\nI know where you park"
    _, by_lxml = html_to_text(html)
    fallback = "deep.eml, message: the HTML body nests too deeply for lxml; read with a simpler parser"
    assert (fallback in warnings) is (not by_lxml)


def test_empty_html_is_empty_text() -> None:
    assert html_to_text("   \n") == ("", True)


def test_latin1_body_declared_as_utf8() -> None:
    messages, warnings = read(EML_DIR / "latin1_as_utf8.eml", me=DANA)
    body = messages[0].body
    assert "temporary child support of €412.50 every two weeks" in body
    assert "«support périodique» in the Québec summary" in body
    assert "Ms. Ibáñez" in body and "Natarajan Family Law – (555) 010-0163" in body
    assert "\r" not in body
    assert warnings == ["latin1_as_utf8.eml, message: text declared as utf-8 was read as cp1252"]


def test_cp1252_in_a_mailbox_part_declared_utf8_is_text_with_a_note(tmp_path: Path) -> None:
    plain = b"Call me back. I'm outside. I can see the kitchen light on so don't pretend you're asleep\n"
    path = _damage_takeout(tmp_path, plain, "Call me back – I’m outside. Don’t pretend, café’s closed.\n".encode("cp1252"))
    messages, warnings = read(path, me=DANA)
    assert [m.extra["subject"] for m in messages] == TAKEOUT_SUBJECTS
    assert messages[5].body == "Call me back – I’m outside. Don’t pretend, café’s closed."
    assert (messages[5].kind, messages[5].attachments) == (Kind.MESSAGE, ())
    assert warnings == [f"{path.name}, message 6 (bytes 4406-4864): text declared as utf-8 was read as cp1252"]


def test_utf8_and_cp1252_mixed_in_one_part_keeps_both(tmp_path: Path) -> None:
    data = TAKEOUT.read_bytes()
    start = data.index(b"c28gbm93IHlvdXIg")
    encoded = data[start : data.index(b"\n\n", start) + 1]
    text = base64.b64decode(encoded)
    assert text.endswith("regret it 😡\n".encode())
    mixed = text.replace(b"regret it ", b"regret it " + "– you’re done, café ".encode("cp1252"))
    path = _damage_takeout(tmp_path, encoded, base64.encodebytes(mixed))
    messages, warnings = read(path, me=DANA)
    assert [m.extra["subject"] for m in messages] == TAKEOUT_SUBJECTS
    assert messages[4].body.endswith("drop the motion or I swear you'll regret it – you’re done, café 😡")
    assert messages[4].body.startswith("so now your lawyer emails me instead of you?? real mature.")
    assert [w.split(": ", 1)[1] for w in warnings] == ["text declared as utf-8 was read as utf-8 and cp1252"]


def test_unknown_charset() -> None:
    messages, warnings = read(EML_DIR / "unknown_charset.eml", me=DANA)
    assert messages[0].body.startswith("I can get Leo from daycare tomorrow at 5:30 so you don’t have to see him")
    assert "💛" in messages[0].body
    assert warnings == ["unknown_charset.eml, message: unknown charset x-mac-klingon was read as utf-8"]


@pytest.mark.parametrize(
    ("data", "declared", "text", "codec"),
    [
        ("café".encode(), "utf-8", "café", "utf-8"),
        ("café".encode(), "iso-8859-1", "café", "utf-8"),  # UTF-8 mislabelled as latin-1
        ("café".encode("latin-1"), "iso-8859-1", "café", "iso8859-1"),
        ("café €5".encode("cp1252"), "utf-8", "café €5", "cp1252"),
        (b"caf\xe9 \x81", None, "caf\xe9 \x81", "latin-1"),  # 0x81 is unassigned in cp1252
        ("привет".encode("koi8-r"), "koi8-r", "привет", "koi8-r"),
        ("日本".encode("shift_jis"), "shift_jis", "日本", "shift_jis"),
        (b"\\u0041", "unicode_escape", "\\u0041", "utf-8"),  # never run escape codecs
        (b"aGk=", "base64", "aGk=", "utf-8"),  # not a charset
        (b"abc", "no such charset", "abc", "utf-8"),
    ],
)
def test_decode_text_falls_back_and_never_fails(data: bytes, declared: str | None, text: str, codec: str) -> None:
    assert decode_text(data, declared) == (text, codec)


def test_a_threat_at_the_end_of_a_long_email_is_kept() -> None:
    message = eml("long_threat")
    assert len(message.body) > 4500
    assert message.body.startswith("Dana,\n\nI'm writing this down so there is a record")
    assert message.body.endswith(
        "And if you take Mia to that lawyer's office one more time, "
        "I'll make sure you never see either of them again. You won't see it coming."
    )
    assert "=\n" not in message.body and "=20" not in message.body
    assert message.recipients == ("dana.reyes@example.com", "pnatarajan@natarajan-law.example.com")
    assert message.extra["in_reply_to"] == "<dana.0214.schedule@example.com>"


# --- attachments ----------------------------------------------------------------------------


def test_attachments_have_names_types_sizes_and_bytes() -> None:
    message = eml("attachment")
    assert message.body.startswith("Dear Parents/Guardians,\n\nAttached is Mia's second quarter report card")
    assert [(a.name, a.mime, a.size) for a in message.attachments] == [
        ("Report_Card_Q2.pdf", "application/pdf", 69),
        ("Mia’s drawing 🎨.png", "image/png", 69),  # RFC 2231 filename*
        ("conference.ics", "text/calendar", 110),  # Content-Type name only
    ]
    for attachment in message.attachments:
        assert attachment.data is not None and len(attachment.data) == attachment.size
        assert attachment.sha256 == hashlib.sha256(attachment.data).hexdigest()
    assert message.attachments[0].data.startswith(b"%PDF-1.4\n")
    assert message.attachments[1].data.startswith(b"\x89PNG\r\n\x1a\n")
    assert message.attachments[2].data.startswith(b"BEGIN:VCALENDAR\n")  # bytes as sent, not re-encoded


def test_png_attachment_in_takeout() -> None:
    lawyer = by_subject(read(TAKEOUT)[0])["Last night (Jan 21) - for the file"]
    (png,) = lawyer.attachments
    assert (png.name, png.mime, png.size) == ("screenshot_2024-01-21.png", "image/png", 69)
    assert png.sha256 == "b1ff9c8ea3a780bad09b346c423d2d0e46815926879b18e841d928376a946640"


def test_forwarded_mail_is_one_attachment_and_nothing_twice() -> None:
    message = eml("forwarded")
    assert message.body == "Dana, he sent this to me at 2am. I'm scared for you. Please save it for Priya.\n- Carla"
    (forwarded,) = message.attachments
    assert (forwarded.name, forwarded.mime) == ("tell your sister.eml", "message/rfc822")
    raw = (EML_DIR / "forwarded.eml").read_bytes()
    inner = raw[raw.index(b"From: Marcus") : raw.index(b"\n--outer-b1--")]
    assert forwarded.data == inner
    assert forwarded.size == len(inner) and forwarded.sha256 == hashlib.sha256(inner).hexdigest()
    assert "protective order" not in message.body


def test_media_only_mail_is_kind_media(tmp_path: Path) -> None:
    path = tmp_path / "photo.eml"
    path.write_bytes(
        b"From: a@example.com\nSubject: pics\nDate: Mon, 01 Jan 2024 10:00:00 +0000\n"
        b"Content-Type: image/jpeg; name=kids.jpg\nContent-Transfer-Encoding: base64\n\n/9j/2Q==\n"
    )
    (message,), _ = read(path)
    assert message.kind == Kind.MEDIA and message.body == ""
    assert [(a.name, a.size) for a in message.attachments] == [("kids.jpg", 4)]


# --- bad input ----------------------------------------------------------------------------


def test_empty_file_is_a_parse_error(tmp_path: Path) -> None:
    for name in ("empty.mbox", "empty.eml"):
        path = tmp_path / name
        path.write_bytes(b"")
        with pytest.raises(ParseError):
            list(ingest.parse(path))
        result = CliRunner().invoke(app, ["parse", str(path)])
        assert result.exit_code == 2


def test_blank_files_forced_are_parse_errors(tmp_path: Path) -> None:
    path = tmp_path / "blank.mbox"
    path.write_bytes(b"\n\n")
    with pytest.raises(ParseError, match="is empty"):
        list(ingest.parse(path, format="mbox"))
    with pytest.raises(ParseError, match="is empty"):
        list(ingest.parse(path, format="eml"))


def test_wrong_format_forced_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    path.write_bytes(b"timestamp,sender,body\n2024-01-01T00:00:00Z,a,hi\n")
    with pytest.raises(ParseError, match="not an mbox"):
        list(ingest.parse(path, format="mbox"))
    with pytest.raises(ParseError, match="not an e-mail"):
        list(ingest.parse(path, format="eml"))


def test_an_empty_mailbox_beside_others_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.mbox").write_bytes(b"")
    (tmp_path / "b.mbox").write_bytes(CLASSIC.read_bytes())
    (tmp_path / "c.eml").write_bytes(b"")
    (tmp_path / "d.eml").write_bytes(b"just some words, no headers\n")
    messages, warnings = read(tmp_path, me=DANA)
    assert len(messages) == 5
    assert messages[-1].kind == Kind.UNPARSED and messages[-1].body == "just some words, no headers\n"
    assert "a.mbox: the file is empty; nothing read from it." in warnings
    assert "c.eml: the file is empty; nothing read from it." in warnings
    assert "d.eml, message: no e-mail headers; kept as unparsed text." in warnings


def test_truncated_mailbox_keeps_what_it_can_and_the_raw_tail(tmp_path: Path) -> None:
    data = TAKEOUT.read_bytes()
    cut = data.index(b"iVBORw0KGgo") + 10  # inside the last message's attachment
    path = tmp_path / "cut.mbox"
    path.write_bytes(data[:cut])
    messages, warnings = read(path)
    assert [m.kind for m in messages] == [Kind.MESSAGE] * 6 + [Kind.UNPARSED]
    tail = messages[-1]
    assert tail.body == data[4895:cut].decode()
    assert tail.source.locator == f"message 7 (bytes 4895-{cut})"
    assert tail.timestamp == datetime(2024, 1, 22, 9, 4, 9, tzinfo=PST)
    reason = "the file ends inside this e-mail; kept as unparsed text."
    assert f"cut.mbox, message 7 (bytes 4895-{cut}): {reason}" in warnings


def test_mailbox_cut_inside_headers(tmp_path: Path) -> None:
    data = CLASSIC.read_bytes()
    cut = data.index(b"Subject: ??") + 5
    path = tmp_path / "cut.mbox"
    path.write_bytes(data[:cut])
    messages, warnings = read(path, me=DANA)
    assert [m.kind for m in messages] == [Kind.MESSAGE] * 3 + [Kind.UNPARSED]
    assert messages[-1].body.endswith("To: dana.reyes@example.com\nSubje")


def test_mailbox_without_final_line_break_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "x.mbox"
    path.write_bytes(CLASSIC.read_bytes().rstrip(b"\n"))
    messages, warnings = read(path, me=DANA)
    assert messages[-1].kind == Kind.MESSAGE and messages[-1].body == "did you get my last email. answer me"
    assert warnings[-1].endswith("the file does not end with a line break; this e-mail may be cut off")


def test_truncated_eml_is_kept_raw(tmp_path: Path) -> None:
    data = (EML_DIR / "attachment.eml").read_bytes()
    cut = data.index(b"filename*=") + 7
    path = tmp_path / "cut.eml"
    path.write_bytes(data[:cut])
    (message,), warnings = read(path)
    assert message.kind == Kind.UNPARSED and message.body == data[:cut].decode()
    assert message.timestamp == datetime(2024, 2, 12, 15, 30, tzinfo=timezone(timedelta(hours=-6)))
    assert warnings == ["cut.eml, message: the file ends inside this e-mail; kept as unparsed text."]


def test_text_before_the_first_message_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "x.mbox"
    path.write_bytes(b"exported by MailStore v3\n\n" + CLASSIC.read_bytes())
    messages, warnings = read(path, me=DANA)
    assert messages[0].kind == Kind.UNPARSED and messages[0].body == "exported by MailStore v3\n\n"
    assert messages[0].source.locator == "bytes 0-26"
    assert messages[1].source.locator == "message 1 (bytes 26-507)"
    assert warnings[0] == "x.mbox, bytes 0-26: text before the first 'From ' line; kept as unparsed text."


def test_crlf_mailbox(tmp_path: Path) -> None:
    path = tmp_path / "crlf.mbox"
    path.write_bytes(CLASSIC.read_bytes().replace(b"\n", b"\r\n"))
    messages, _ = read(path, me=DANA)
    assert len(messages) == 4
    body = messages[0].body
    assert body.startswith("I want the kids for the whole of spring break this year, my mom is flying in.\nFrom now on")
    assert messages[1].timestamp == datetime(2024, 1, 28, 8, 30)


# --- fuzzing ------------------------------------------------------------------------------

FUZZ_SOURCES = [
    (TAKEOUT, "mbox"),
    (CLASSIC, "mbox"),
    (EML_DIR / "attachment.eml", "eml"),
    (EML_DIR / "forwarded.eml", "eml"),
    (EML_DIR / "html_only.eml", "eml"),
    (EML_DIR / "latin1_as_utf8.eml", "eml"),
]


def _mangle(data: bytes, ops: list[tuple[int, int, int, bytes]]) -> bytes:
    for kind, a, b, junk in ops:
        if not data:
            break
        i, j = sorted((a % len(data), b % len(data)))
        if kind == 0:
            data = data[:j]
        elif kind == 1:
            data = data[:i] + bytes([data[i] ^ (b % 255 + 1)]) + data[i + 1 :]
        elif kind == 2:
            data = data[:i] + junk + data[i:]
        else:
            data = data[:i] + data[j:]
    return data


JUNK = st.sampled_from(
    [b"\nFrom x Mon Jan  1 00:00:00 2024\n", b"--", b"=?UTF-8?B?", b"\n\n", b"\xff\xfe\x00", b"<div>" * 50,
     b"Content-Type: multipart/mixed; boundary=z\n", b"=\n", b"\r", b"From ", b"\xc3"]
) | st.binary(max_size=40)
OPS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 10**6), st.integers(0, 10**6), JUNK), min_size=1, max_size=6
)


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(source=st.sampled_from(FUZZ_SOURCES), ops=OPS)
def test_mangled_mail_never_crashes(
    tmp_path: Path, source: tuple[Path, str], ops: list[tuple[int, int, int, bytes]]
) -> None:
    path, format = source
    target = tmp_path / f"mangled{path.suffix}"
    target.write_bytes(_mangle(path.read_bytes(), ops))
    try:
        parsed = ingest.parse(target, format=format, me=DANA)
    except InputError:
        return
    importer, entries = parsed.groups[0]
    try:
        messages = list(importer.parse(entries, parsed.ctx))
    except InputError:
        return
    finally:
        parsed.export.close()
    for message in messages:
        assert isinstance(message, Message) and isinstance(message.body, str)
        message.to_json()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=st.text(max_size=300), data=st.binary(max_size=200), charset=st.text(max_size=20))
def test_text_helpers_never_fail(text: str, data: bytes, charset: str) -> None:
    assert isinstance(decode_words(text), str)
    assert isinstance(html_to_text(text)[0], str)
    assert isinstance(decode_text(data, charset)[0], str)
