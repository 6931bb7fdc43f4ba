"""The generic CSV importer, on the synthetic exports in tests/ingest/csv/.

The goldens beside the fixtures are checked by test_expected.py; these tests pin the
values that matter one by one. Tests marked xfail(strict=True) describe bugs found in
csv_generic.py that are reported, not yet fixed: each turns into a failure (XPASS) once
the importer is fixed, so its marker can be removed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from greyrock import ingest
from greyrock.errors import ParseError, UnknownFormat
from greyrock.ingest._export import open_export
from greyrock.ingest.csv_generic import GenericCsv
from greyrock.model import Channel, Direction, Kind, Message

HERE = Path(__file__).parent / "csv"


def read(path: Path, **kwargs: str) -> tuple[list[Message], list[str]]:
    parsed = ingest.parse(path, **kwargs)
    messages = list(parsed)
    return messages, [str(w) for w in parsed.warnings]


def write(tmp_path: Path, text: str | bytes, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# --- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "header", "score"),
    [
        ("a.csv", "timestamp,sender,body", 60),
        ("a.CSV", "Date,From,Message", 60),
        ("a.csv", "datetime,text", 60),
        ("a.csv", "\ufeffTime,Author,Content", 60),
        ("a.csv", "sender,body", None),  # no timestamp column
        ("a.csv", "timestamp,sender", None),  # no body column
        ("a.csv", "name,phone,notes", None),
        ("a.txt", "timestamp,sender,body", None),  # not named .csv
    ],
)
def test_sniff(tmp_path: Path, name: str, header: str, score: int | None) -> None:
    path = write(tmp_path, f"{header}\n2024-01-01T00:00:00Z,a,b\n", name)
    assert GenericCsv().sniff(open_export(path).entries[0]) == score


def test_a_header_without_timestamp_and_body_is_not_claimed(tmp_path: Path) -> None:
    path = write(tmp_path, "name,phone,notes\nJordan Lee,555-0100,picks up on Tuesdays\n")
    with pytest.raises(UnknownFormat):
        ingest.parse(path)
    assert ingest.detect(tmp_path) == {}


def test_fixtures_are_detected_as_csv() -> None:
    assert ingest.detect(HERE) == {
        "csv": ["bad_rows.csv", "epoch.csv", "iso_offsets.csv", "naive.csv"],
    }


# --- values -------------------------------------------------------------------------------


def test_iso_timestamps_keep_their_offsets() -> None:
    messages, warnings = read(HERE / "iso_offsets.csv")
    assert [m.timestamp for m in messages] == [
        datetime(2024, 3, 2, 22, 14, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2024, 3, 2, 22, 16, 30, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2024, 3, 3, 3, 16, 5, tzinfo=timezone.utc),
        datetime(2024, 3, 3, 9, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2024, 3, 3, 10, 2, tzinfo=timezone(timedelta(hours=-5))),
    ]
    assert [m.timestamp.utcoffset() for m in messages][3] == timedelta(hours=5, minutes=30)
    assert all(m.tz_known for m in messages)
    assert warnings == []


def test_direction_column_spellings() -> None:
    messages, _ = read(HERE / "iso_offsets.csv")
    # in, out, IN, incoming, sent
    assert [m.direction for m in messages] == [
        Direction.IN, Direction.OUT, Direction.IN, Direction.IN, Direction.OUT,
    ]


def test_senders_recipients_and_channels() -> None:
    messages, _ = read(HERE / "iso_offsets.csv")
    first, reply, _, school, last = messages
    assert (first.sender, first.sender_name) == ("+15550100149", "+1 (555) 010-0149")
    assert first.recipients == ("me",)
    assert (reply.sender, reply.recipients) == ("me", ("+15550100149",))
    assert (school.sender, school.recipients) == ("Kids School", ("me", "+15550100149"))
    assert [m.channel for m in messages] == [
        Channel.SMS, Channel.SMS, Channel.SMS, Channel.OTHER, Channel.WHATSAPP,
    ]
    assert all(m.kind == Kind.MESSAGE for m in messages)


def test_bom_is_not_part_of_the_first_column() -> None:
    assert (HERE / "iso_offsets.csv").read_bytes().startswith(b"\xef\xbb\xbftimestamp,")
    messages, _ = read(HERE / "iso_offsets.csv")
    assert len(messages) == 5 and messages[0].body.startswith("you think you can just keep the kids")


def test_quoted_bodies_with_line_breaks_commas_and_quotes() -> None:
    messages, _ = read(HERE / "iso_offsets.csv")
    assert messages[2].body == "fine.\r\nbut if you bring HIM to the handoff again\r\nI swear to god 🤬"
    assert messages[3].body == 'Reminder: "Picture Day" is Monday, 3/4. Order forms due, $24.00 per package.'
    assert [m.source.locator for m in messages] == ["line 2", "line 3", "line 4", "line 7", "line 8"]


def test_naive_timestamps_stay_naive() -> None:
    messages, _ = read(HERE / "naive.csv", me="Sam Patel")
    assert [m.timestamp for m in messages] == [
        datetime(2024, 4, 5, 17, 45, 10),
        datetime(2024, 4, 5, 17, 46, 2),
        datetime(2024, 4, 5, 21, 3, 44),
        datetime(2024, 4, 6, 8, 15),
        datetime(2024, 4, 6, 8, 20),  # written with a T
    ]
    assert not any(m.tz_known for m in messages)


def test_me_gives_directions_by_name() -> None:
    messages, _ = read(HERE / "naive.csv", me="sam patel")
    assert [(m.sender_name, m.direction) for m in messages] == [
        ("Jordan Lee", Direction.IN),
        ("Sam Patel", Direction.OUT),
        ("Jordan Lee", Direction.IN),
        ("Sam Patel", Direction.OUT),
        ("Jordan Lee", Direction.IN),
    ]
    assert messages[3].body == "She was asleep by 8:30. Her reading log is in the folder, page 12 😊"


def test_without_me_or_direction_column_direction_is_unknown() -> None:
    messages, _ = read(HERE / "naive.csv")
    assert {m.direction for m in messages} == {Direction.UNKNOWN}


def test_epoch_seconds_and_milliseconds() -> None:
    messages, _ = read(HERE / "epoch.csv")
    assert [m.timestamp for m in messages] == [
        datetime(2024, 4, 1, 17, 0, tzinfo=timezone.utc),  # 1711990800 s
        datetime(2024, 4, 1, 17, 5, tzinfo=timezone.utc),  # 1711991100000 ms
        datetime(2024, 4, 1, 17, 10, 5, 123000, tzinfo=timezone.utc),  # 1711991405123 ms
        datetime(1970, 1, 1, tzinfo=timezone.utc),  # 0
    ]
    assert [m.channel for m in messages] == [Channel.WHATSAPP, Channel.WHATSAPP, Channel.WHATSAPP, Channel.OTHER]
    assert messages[2].body == "don't tell me what the order says. I'll see you in court, again"


def test_bad_timestamp_rows_are_unparsed_with_warnings() -> None:
    messages, warnings = read(HERE / "bad_rows.csv")
    assert [(m.source.locator, m.kind) for m in messages] == [
        ("line 2", Kind.MESSAGE),
        ("line 3", Kind.UNPARSED),
        ("line 5", Kind.MESSAGE),  # line 4 is blank; line 5 has no body cell
        ("line 6", Kind.UNPARSED),
        ("line 7", Kind.MESSAGE),
    ]
    assert messages[1].body == "yesterday at 5,+15550100123,this row has a timestamp nobody can read"
    assert messages[1].timestamp is None and messages[1].direction == Direction.UNKNOWN
    assert messages[2].body == ""
    assert (messages[4].sender, messages[4].body) == (None, "no sender on this one")
    assert warnings == [
        "bad_rows.csv, line 3: unreadable timestamp; kept as unparsed text.",
        "bad_rows.csv, line 6: unreadable timestamp; kept as unparsed text.",
        "bad_rows.csv: who sent each message is unknown: pass --me NAME or add a direction column.",
    ]


def test_empty_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError):
        ingest.parse(write(tmp_path, ""))


def test_header_only_file_has_no_messages(tmp_path: Path) -> None:
    messages, warnings = read(write(tmp_path, "timestamp,sender,body\n"))
    assert messages == [] and warnings == []


def test_truncated_file_keeps_every_complete_row(tmp_path: Path) -> None:
    data = (HERE / "naive.csv").read_bytes()
    cut = data.index(b"She was asleep") + 6
    messages, _ = read(write(tmp_path, data[:cut]), me="Sam Patel")
    assert len(messages) == 4
    assert messages[-1].body == "She wa"  # the quote never closes: the csv module ends the cell


# --- reported bugs in csv_generic.py ----------------------------------------------------



def test_bug_unicode_digit_timestamp_crashes(tmp_path: Path) -> None:
    messages, _ = read(write(tmp_path, "timestamp,sender,body\n²,a,superscript\n"))
    assert messages[0].kind == Kind.UNPARSED



def test_bug_huge_epoch_crashes(tmp_path: Path) -> None:
    messages, _ = read(write(tmp_path, "timestamp,sender,body\n99999999999999999999,a,huge\n"))
    assert messages[0].kind == Kind.UNPARSED



def test_bug_long_body_is_lost(tmp_path: Path) -> None:
    text = "x" * 200_000
    messages, _ = read(write(tmp_path, f'timestamp,sender,body\n2024-01-01T00:00:00Z,a,"{text}"\n'))
    assert text in messages[0].body



def test_bug_multiline_locator_names_the_first_line() -> None:
    messages, _ = read(HERE / "iso_offsets.csv")
    assert messages[2].source.locator == "line 4"



def test_bug_unknown_direction_is_noted_once() -> None:
    _, warnings = read(HERE / "naive.csv")
    assert len([w for w in warnings if "--me" in w]) == 1



def test_bug_cp1252_file_is_read_without_loss(tmp_path: Path) -> None:
    data = "timestamp,sender,body\n2024-01-01T00:00:00Z,a,café €412\n".encode("cp1252")
    messages, _ = read(write(tmp_path, data))
    assert messages[0].body == "café €412"



def test_bug_separate_date_and_time_columns(tmp_path: Path) -> None:
    messages, warnings = read(write(tmp_path, "date,time,sender,body\n2024-04-05,17:45,Jordan,late again\n"))
    assert messages[0].timestamp == datetime(2024, 4, 5, 17, 45) or warnings



def test_bug_forced_csv_without_columns_is_a_parse_error(tmp_path: Path) -> None:
    path = write(tmp_path, "name,phone,notes\nJordan Lee,555-0100,picks up on Tuesdays\n")
    with pytest.raises(ParseError):
        list(ingest.parse(path, format="csv"))



def test_bug_unparsed_row_keeps_its_raw_text() -> None:
    messages, _ = read(HERE / "bad_rows.csv")
    assert messages[3].body == '2024-13-45T99:99:99,+15550100123,"month 13, day 45"'



def test_bug_cut_inside_a_quoted_cell_is_warned(tmp_path: Path) -> None:
    data = (HERE / "naive.csv").read_bytes()
    _, warnings = read(write(tmp_path, data[: data.index(b"She was asleep") + 6]), me="Sam Patel")
    assert warnings


# --- nothing lost silently (issue 12) ----------------------------------------------------


def test_unquoted_commas_in_a_body_are_kept_in_the_body(tmp_path: Path) -> None:
    data = (HERE / "naive.csv").read_text(encoding="utf-8")
    data = data.replace("Okay. We'll wait in the lobby.", "Okay, fine, we'll wait in the lobby.")
    messages, warnings = read(write(tmp_path, data), me="Sam Patel")
    assert len(messages) == 5
    assert (messages[1].sender, messages[1].body) == ("Sam Patel", "Okay, fine, we'll wait in the lobby.")
    assert messages[1].kind == Kind.MESSAGE and messages[1].direction == Direction.OUT
    assert warnings == [
        "export.csv, line 3: 5 fields for 3 columns: the unquoted comma(s) were kept as part of the body"
    ]


def test_unquoted_comma_that_could_be_in_the_sender_keeps_the_row_unparsed(tmp_path: Path) -> None:
    data = (HERE / "naive.csv").read_text(encoding="utf-8")
    row = "2024-04-05 17:46:02,Sam Patel,Okay. We'll wait in the lobby."
    damaged = "2024-04-05 17:46:02,Patel, Sam,Okay. We'll wait in the lobby."
    messages, warnings = read(write(tmp_path, data.replace(row, damaged)), me="Sam Patel")
    assert [m.kind for m in messages] == [Kind.MESSAGE, Kind.UNPARSED, Kind.MESSAGE, Kind.MESSAGE, Kind.MESSAGE]
    assert messages[1].body == damaged
    assert messages[2].body.startswith("you let her stay up til 9")
    assert warnings == [
        "export.csv, line 3: 4 fields for 3 columns, and which column holds the unquoted comma(s) cannot be told; "
        "kept as unparsed text."
    ]


def test_a_column_greyrock_does_not_read_makes_extra_fields_ambiguous(tmp_path: Path) -> None:
    text = (
        "timestamp,sender,body,note\n"
        "2024-05-01T08:00:00-04:00,Jordan,on my way,\n"
        "2024-05-01T08:05:00-04:00,Jordan,ok, fine,call later\n"
    )
    messages, _ = read(write(tmp_path, text))
    assert [m.kind for m in messages] == [Kind.MESSAGE, Kind.UNPARSED]
    assert messages[1].body == "2024-05-01T08:05:00-04:00,Jordan,ok, fine,call later"


def test_a_cp1252_row_in_a_utf8_file_is_text_and_the_rest_stays_utf8(tmp_path: Path) -> None:
    data = (HERE / "naive.csv").read_bytes()
    data = data.replace(b"Okay. We'll wait", "Okay – café, no rush. We’ll wait".encode("cp1252"))
    messages, warnings = read(write(tmp_path, data), me="Sam Patel")
    assert len(messages) == 5
    assert messages[1].body == "Okay – café, no rush. We’ll wait in the lobby."
    assert messages[3].body == "She was asleep by 8:30. Her reading log is in the folder, page 12 😊"
    assert warnings == [
        "export.csv, line 3: not valid UTF-8 from here on; the bytes that are not were read as Windows-1252 "
        "(how spreadsheet programs often save).",
        "export.csv, line 3: 4 fields for 3 columns: the unquoted comma(s) were kept as part of the body",
    ]


def test_a_unicode_line_separator_in_an_unquoted_body_does_not_split_the_row(tmp_path: Path) -> None:
    data = (HERE / "naive.csv").read_text(encoding="utf-8")
    data = data.replace("Okay. We'll wait", "Okay.\u2028We'll\x85wait")
    messages, warnings = read(write(tmp_path, data), me="Sam Patel")
    assert [m.kind for m in messages] == [Kind.MESSAGE] * 5
    assert messages[1].body == "Okay.\u2028We'll\x85wait in the lobby."
    assert [m.source.locator for m in messages] == ["line 2", "line 3", "line 4", "line 5", "line 6"]
    assert warnings == []
