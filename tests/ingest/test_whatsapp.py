"""The WhatsApp importer on the real chat-miner exports, on each quirk, on bad input, and fuzzed."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greyrock import ingest
from greyrock.errors import InputError, ParseError
from greyrock.ingest._export import open_export
from greyrock.ingest.whatsapp import WhatsApp
from greyrock.model import Channel, Direction, Kind, Message
from tests.conftest import attachment_bytes

HERE = Path(__file__).parent / "whatsapp"
REAL = ["test_[mmddyy]_24hrs.txt", "test_ddmmyy_24hrs.txt", "test_mmddyyyy_12hrs.txt", "test_yyyymmdd_24hrs.txt"]
LRM, NNBSP = "\u200e", "\u202f"


def _parse(path: Path, **kwargs: str) -> tuple[list[Message], list[str]]:
    parsed = ingest.parse(path, **kwargs)
    messages = list(parsed)
    return messages, [str(w) for w in parsed.warnings]


def _write(tmp_path: Path, text: str, name: str = "chat.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _sniff(tmp_path: Path, text: str, name: str = "chat.txt") -> int | None:
    return WhatsApp().sniff(open_export(_write(tmp_path, text, name)).entries[0])


# --- the real exports -----------------------------------------------------------------


@pytest.mark.parametrize("name", REAL)
def test_real_export_reads_every_record(fixtures: Path, name: str) -> None:
    messages, warnings = _parse(fixtures / "whatsapp" / name)
    # The files hold 11 lines: 9 records, two of them two lines long.
    assert len(messages) == 9
    assert [m.kind for m in messages] == [Kind.MESSAGE] * 4 + [Kind.SYSTEM] * 2 + [Kind.MESSAGE] * 3
    assert [m.sender for m in messages] == [
        "John Doe", "John Doe", "Jahn Doe", "John-John Doe", None, None, "John Doe 🤓", "🤓", "John Doe",
    ]
    assert [m.timestamp for m in messages] == [
        datetime(2019, 1, 1, 11, 25), datetime(2019, 1, 20, 11, 23), datetime(2019, 1, 30, 20, 49),
        datetime(2020, 6, 10, 15, 55), datetime(2020, 6, 20, 0, 8), datetime(2020, 6, 30, 9, 10),
        datetime(2021, 12, 10, 10, 10), datetime(2021, 12, 20, 12, 10), datetime(2021, 12, 30, 22, 1),
    ]
    assert all(m.timestamp is not None and m.timestamp.tzinfo is None for m in messages)
    assert messages[1].body == "."  # "John Doe:." keeps what follows the colon
    assert messages[2].body == "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero."
    assert messages[8].body == messages[2].body
    assert messages[3].body == "Lorem ipsum : dolor sit amet."
    assert messages[4].body == '+12 345 578 created group "Groupname"'
    assert messages[5].body == "You were added"
    assert (messages[6].sender_name, messages[6].body) == ("John Doe 🤓", "Lorem ipsum 🤓")
    assert messages[7].sender_name == "🤓"
    assert [m.source.locator for m in messages] == [f"line {n}" for n in (1, 2, 3, 5, 6, 7, 8, 9, 10)]
    assert {m.channel for m in messages} == {Channel.WHATSAPP}
    assert {m.direction for m in messages} == {Direction.UNKNOWN}
    assert messages[0].recipients == ("Jahn Doe", "John-John Doe", "John Doe 🤓", "🤓")
    assert warnings == [f"{name}: the export does not say which author is the reader, so directions "
                        "are 'unknown': pass --me NAME"]


def test_the_four_real_exports_agree_apart_from_their_file(fixtures: Path) -> None:
    def shape(m: Message) -> dict:
        d = m.to_dict()
        d["source"] = d["source"]["locator"]
        return d

    results = [[shape(m) for m in _parse(fixtures / "whatsapp" / name)[0]] for name in REAL]
    assert all(r == results[0] for r in results[1:])


def test_real_export_with_me_sets_directions(fixtures: Path) -> None:
    messages, warnings = _parse(fixtures / "whatsapp" / "test_ddmmyy_24hrs.txt", me="john doe")
    assert [m.direction for m in messages] == [
        Direction.OUT, Direction.OUT, Direction.IN, Direction.IN, Direction.UNKNOWN, Direction.UNKNOWN,
        Direction.IN, Direction.IN, Direction.OUT,
    ]
    assert messages[0].sender == "me" and messages[0].sender_name == "John Doe"
    assert messages[2].recipients == ("me", "John-John Doe", "John Doe 🤓", "🤓")
    assert warnings == []


def test_real_exports_are_sniffed_as_whatsapp(fixtures: Path) -> None:
    for name in REAL:
        assert ingest.detect(fixtures / "whatsapp" / name) == {"whatsapp": [name]}


# --- sniffing -------------------------------------------------------------------------


def test_sniff_leaves_signal_text_exports_to_signal(fixtures: Path) -> None:
    entry = open_export(fixtures / "signal" / "test_export.txt").entries[0]
    assert WhatsApp().sniff(entry) == 30


def test_sniff_claims_bracketed_iso_lines_when_whatsapp_markers_are_there(tmp_path: Path) -> None:
    text = "[2019-12-24, 12:23] Ana: hi\n[2019-12-24, 12:24] Ana: <Media omitted>\n"
    assert _sniff(tmp_path, text) == 80
    assert _sniff(tmp_path, "[2019-12-24, 12:23:05] Ana: hi\n") == 80  # seconds: not Signal's format


def test_sniff_scores(tmp_path: Path) -> None:
    line = "14/03/2024, 07:59 - Casey: hi\n"
    assert _sniff(tmp_path, line) == 80
    assert _sniff(tmp_path, line, "_chat.txt") == 90
    assert _sniff(tmp_path, line, "WhatsApp Chat with Casey.txt") == 90
    assert _sniff(tmp_path, "exported by me\n" + line) == 60
    assert _sniff(tmp_path, line, "chat.csv") is None
    assert _sniff(tmp_path, "Dear Casey,\nplease stop texting me.\n") is None
    assert _sniff(tmp_path, "timestamp,sender,body\n2024-01-01T00:00:00,a,b\n") is None


# --- quirks ---------------------------------------------------------------------------


def test_ios_brackets_seconds_lrm_and_system_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        f"{LRM}[31.12.21, 22:01:05] Family: {LRM}Alex added Sam\n"
        f"[31.12.21, 22:01:09] Alex: {LRM}<attached: 00000012-PHOTO-2021-12-31-22-01-09.jpg>\n"
        f"[31.12.21, 22:02:00] Sam: hi {LRM}<This message was edited>\n"
    ))
    messages, _ = _parse(path, me="Sam")
    assert [m.kind for m in messages] == [Kind.SYSTEM, Kind.MEDIA, Kind.MESSAGE]
    assert messages[0].body == "Alex added Sam" and messages[0].extra == {"shown_as": "Family"}
    assert messages[0].sender is None and messages[0].direction is Direction.UNKNOWN
    assert messages[1].timestamp == datetime(2021, 12, 31, 22, 1, 9)
    assert messages[1].attachments[0].name == "00000012-PHOTO-2021-12-31-22-01-09.jpg"
    assert messages[1].attachments[0].sha256 is None and messages[1].body == ""
    assert (messages[2].body, messages[2].extra, messages[2].direction) == ("hi", {"edited": True}, Direction.OUT)


def test_us_twelve_hour_with_narrow_no_break_space(tmp_path: Path) -> None:
    path = _write(tmp_path, f"12/31/21, 10:01{NNBSP}PM - Alex: late\n1/1/22, 12:00{NNBSP}AM - Alex: midnight\n")
    messages, _ = _parse(path)
    assert [m.timestamp for m in messages] == [datetime(2021, 12, 31, 22, 1), datetime(2022, 1, 1, 0, 0)]


def test_spanish_and_dotted_am_pm(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "14/3/24, 9:05 p. m. - Alex: a\n"
        "14/3/24, 9:06 p.\u00a0m. - Alex: b\n"
        "15/3/24, 12:15 a.m. - Alex: c\n"
        "15/3/24, 00:08 a. m. - Alex: d\n"
        "15/3/24, 12:30 p. m. - Alex: e\n"
    ))
    messages, _ = _parse(path)
    assert [m.timestamp.strftime("%d %H:%M") for m in messages if m.timestamp] == [
        "14 21:05", "14 21:06", "15 00:15", "15 00:08", "15 12:30",
    ]


def test_german_dots_two_digit_year(tmp_path: Path) -> None:
    messages, _ = _parse(_write(tmp_path, "31.12.21, 23:59 - Kai: Prost\n01.01.22, 00:00 - Kai: 🎆\n"))
    assert [m.timestamp for m in messages] == [datetime(2021, 12, 31, 23, 59), datetime(2022, 1, 1)]


def test_day_first_decided_by_a_late_line(tmp_path: Path) -> None:
    text = "".join(f"0{d}/02/2024, 09:00 - Casey: line {d}\n" for d in range(1, 10)) + "13/02/2024, 09:00 - Casey: x\n"
    messages, warnings = _parse(_write(tmp_path, text))
    assert messages[4].timestamp == datetime(2024, 2, 5, 9, 0)
    assert not any("day/month" in w for w in warnings)


def test_month_first_decided_by_second_field(tmp_path: Path) -> None:
    messages, _ = _parse(_write(tmp_path, "02/05/2024, 09:00 - Casey: a\n02/13/2024, 09:00 - Casey: b\n"))
    assert messages[0].timestamp == datetime(2024, 2, 5, 9, 0)


AMBIGUOUS = "12/9/20, 14:00 - Casey: a\n12/9/20, 15:00 - Casey: b\n03/04/21, 09:00 - Casey: c\n"


def _order_notes(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "day/month" in w or "month/day" in w]


def test_undecidable_order_follows_the_us_region_and_says_so_once(tmp_path: Path) -> None:
    # conftest sets GREYROCK_REGION=US: month first.
    messages, warnings = _parse(_write(tmp_path, AMBIGUOUS))
    assert [m.timestamp for m in messages] == [
        datetime(2020, 12, 9, 14, 0), datetime(2020, 12, 9, 15, 0), datetime(2021, 3, 4, 9, 0),
    ]
    assert _order_notes(warnings) == [
        "chat.txt: no date decides between day/month and month/day (no number above 12); "
        "dates are read as month/day/year (region US); pass --region to change"
    ]


@pytest.mark.parametrize("region", ["GB", "gb", "DE", "IN", "AU"])
def test_undecidable_order_follows_a_day_first_region(tmp_path: Path, region: str) -> None:
    messages, warnings = _parse(_write(tmp_path, AMBIGUOUS), region=region)
    assert [m.timestamp for m in messages] == [
        datetime(2020, 9, 12, 14, 0), datetime(2020, 9, 12, 15, 0), datetime(2021, 4, 3, 9, 0),
    ]
    assert _order_notes(warnings) == [
        "chat.txt: no date decides between day/month and month/day (no number above 12); "
        f"dates are read as day/month/year (region {region.upper()}); pass --region to change"
    ]


def test_region_reaches_the_importer_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_REGION", "NZ")
    messages, warnings = _parse(_write(tmp_path, AMBIGUOUS))
    assert messages[0].timestamp == datetime(2020, 9, 12, 14, 0)
    assert "(region NZ)" in _order_notes(warnings)[0]
    messages, _ = _parse(_write(tmp_path, AMBIGUOUS), region="PH")  # --region wins over the environment
    assert messages[0].timestamp == datetime(2020, 12, 9, 14, 0)


@pytest.mark.parametrize(
    ("proof", "region", "first"),
    [
        ("13/9/20, 08:00 - Casey: d\n", "US", datetime(2020, 9, 12, 14, 0)),  # day above 12: day first
        ("9/13/21, 08:00 - Casey: d\n", "GB", datetime(2020, 12, 9, 14, 0)),  # month first
    ],
    ids=["day-first-beats-US", "month-first-beats-GB"],
)
def test_a_date_that_proves_the_order_beats_the_region(
    tmp_path: Path, proof: str, region: str, first: datetime
) -> None:
    messages, warnings = _parse(_write(tmp_path, AMBIGUOUS + proof), region=region)
    assert messages[0].timestamp == first
    assert len(messages) == 4 and all(m.kind == Kind.MESSAGE for m in messages)
    assert _order_notes(warnings) == []


@pytest.mark.parametrize(("region", "order", "kept"), [("US", "month/day/year", "b"), ("GB", "day/month/year", "a")])
def test_dates_that_disagree_evenly_follow_the_region(tmp_path: Path, region: str, order: str, kept: str) -> None:
    text = "13/9/20, 08:00 - Casey: a\n9/14/20, 08:00 - Casey: b\n"
    messages, warnings = _parse(_write(tmp_path, text), region=region)
    readable = [m for m in messages if m.kind == Kind.MESSAGE]
    assert [m.body for m in readable] == [kept] and len(messages) == 2
    assert readable[0].timestamp == (datetime(2020, 9, 14, 8) if kept == "b" else datetime(2020, 9, 13, 8))
    assert _order_notes(warnings) == [f"chat.txt: dates disagree on day/month order; read as {order}, "
                                      f"as many each way (region {region})"]
    assert any("a message line with an impossible date or time; kept as unparsed text" in w for w in warnings)


def test_time_order_beats_the_region(tmp_path: Path) -> None:
    # Read day first, 3 April would be followed by 4 March: only month first keeps the order.
    text = "03/04/2024, 09:00 - Casey: a\n04/03/2024, 09:00 - Casey: b\n"
    messages, warnings = _parse(_write(tmp_path, text), region="GB")
    assert [m.timestamp for m in messages] == [datetime(2024, 3, 4, 9, 0), datetime(2024, 4, 3, 9, 0)]
    assert _order_notes(warnings) == [
        "chat.txt: no date has a number above 12; read as month/day/year, the only order that keeps "
        "the messages in time order"
    ]


def test_cli_region_option_decides_ambiguous_dates(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from greyrock.cli import app

    path = _write(tmp_path, AMBIGUOUS)
    for region, want in (("GB", "2020-09-12T14:00:00"), ("US", "2020-12-09T14:00:00")):
        result = CliRunner().invoke(app, ["parse", str(path), "--region", region])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout.splitlines()[0])["timestamp"] == want
        assert f"(region {region}); pass --region to change" in result.stderr


def test_zip_with_chat_and_media_hashes_the_attachment(tmp_path: Path) -> None:
    photo = b"\xff\xd8\xff\xe0 not really a photo \xff\xd9"
    chat = (
        "14/03/2024, 08:02 - Casey Morgan: IMG-20240314-WA0003.jpg (file attached)\n"
        "look what u did\n"
        "14/03/2024, 08:03 - Casey Morgan: VID-20240314-WA0004.mp4 (file attached)\n"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("WhatsApp Chat with Casey Morgan.txt", chat)
        zf.writestr("IMG-20240314-WA0003.jpg", photo)
    path = tmp_path / "export.zip"
    path.write_bytes(buf.getvalue())
    parsed = ingest.parse(path, me="Jordan")
    assert parsed.formats == ["whatsapp"]
    messages = list(parsed)
    first = messages[0]
    assert (first.kind, first.body) == (Kind.MESSAGE, "look what u did")
    assert first.source.locator == "WhatsApp Chat with Casey Morgan.txt line 1"
    (att,) = first.attachments
    assert (att.name, att.mime, att.size) == ("IMG-20240314-WA0003.jpg", "image/jpeg", len(photo))
    assert att.sha256 == hashlib.sha256(photo).hexdigest() and attachment_bytes(att) == photo
    assert messages[1].kind is Kind.MEDIA and messages[1].attachments[0].size is None
    assert any("attached files are not in this export" in str(w) for w in parsed.warnings)


def test_edited_and_deleted_markers(tmp_path: Path) -> None:
    path = _write(tmp_path, (
        "01/02/2024, 09:00 - Casey: first line\nsecond line <This message was edited>\n"
        "01/02/2024, 09:01 - Casey: This message was deleted\n"
        "01/02/2024, 09:02 - Jordan: You deleted this message\n"
    ))
    messages, _ = _parse(path, me="Jordan")
    assert (messages[0].body, messages[0].extra) == ("first line\nsecond line", {"edited": True})
    assert [m.kind for m in messages[1:]] == [Kind.DELETED, Kind.DELETED]
    assert messages[2].direction is Direction.OUT


def test_crlf_and_lf_mixed(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"01/02/2024, 09:00 - Casey: a\r\nb\n01/02/2024, 09:01 - Casey: c\r\n")
    messages, _ = _parse(path)
    assert [m.body for m in messages] == ["a\nb", "c"]


def test_text_before_the_first_timestamp_is_kept_unparsed(tmp_path: Path) -> None:
    messages, warnings = _parse(_write(tmp_path, "\nsaved chat\nfrom Casey\n14/02/2024, 09:00 - Casey: a\n"))
    assert (messages[0].kind, messages[0].body, messages[0].source.locator) == (
        Kind.UNPARSED, "saved chat\nfrom Casey", "lines 2-3")
    assert messages[0].channel is Channel.WHATSAPP
    assert warnings[0] == "chat.txt, lines 2-3: text before the first message line; kept as unparsed text."


def test_impossible_date_is_unparsed_with_its_continuation(tmp_path: Path) -> None:
    text = "01/02/2024, 09:00 - Casey: a\n31/02/2024, 09:00 - Casey: b\nmore\n01/03/2024, 09:00 - Casey: c\n"
    messages, warnings = _parse(_write(tmp_path, text))
    assert [m.kind for m in messages] == [Kind.MESSAGE, Kind.UNPARSED, Kind.MESSAGE]
    assert messages[1].body == "31/02/2024, 09:00 - Casey: b\nmore" and messages[1].timestamp is None
    assert "chat.txt, line 2: a message line with an impossible date or time" in warnings[0]


def test_a_pasted_line_of_another_layout_stays_message_text(tmp_path: Path) -> None:
    text = "01/02/2024, 09:00 - Casey: she sent me this\n[01/02/2024, 08:00:00] Sam: lies\n"
    messages, _ = _parse(_write(tmp_path, text))
    assert len(messages) == 1 and messages[0].body == "she sent me this\n[01/02/2024, 08:00:00] Sam: lies"


def test_you_is_the_reader_and_phone_numbers_become_e164(tmp_path: Path) -> None:
    text = "01/02/2024, 09:00 - +1 202-555-0147: who is this\n01/02/2024, 09:01 - You: Jordan\n"
    messages, warnings = _parse(_write(tmp_path, text))
    assert (messages[0].sender, messages[0].sender_name) == ("+12025550147", "+1 202-555-0147")
    assert (messages[0].direction, messages[0].recipients) == (Direction.IN, ("me",))
    assert (messages[1].direction, messages[1].sender, messages[1].recipients) == (
        Direction.OUT, "me", ("+12025550147",))
    assert len([w for w in warnings if "'You' is taken to be the reader" in w]) == 1


def test_me_that_matches_nobody_is_reported(tmp_path: Path) -> None:
    _, warnings = _parse(_write(tmp_path, "14/02/2024, 09:00 - Casey: a\n"), me="Jordan")
    assert warnings == ["chat.txt: no author in this file has the name given with --me; "
                        "every message is read as received"]


def test_missed_calls_and_subject_with_colon(tmp_path: Path) -> None:
    text = (
        "01/02/2024, 09:00 - Missed voice call\n"
        f"01/02/2024, 09:01 - Casey: {LRM}Missed video call\n"
        '01/02/2024, 09:02 - Casey changed the subject from "Kids: plan" to "Kids"\n'
        "01/02/2024, 09:03 - Casey: Missed voice call\n"
    )
    messages, _ = _parse(_write(tmp_path, text), me="Jordan")
    assert [m.kind for m in messages] == [Kind.CALL, Kind.CALL, Kind.SYSTEM, Kind.MESSAGE]
    assert messages[0].extra == {"call": "voice", "missed": True} and messages[0].sender is None
    assert (messages[1].sender, messages[1].direction) == ("Casey", Direction.IN)
    assert messages[2].sender is None


def test_invalid_utf8_is_kept_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"01/02/2024, 09:00 - Casey: caf\xe9\n")
    messages, warnings = _parse(path)
    assert messages[0].body == "caf\ufffd"
    assert any("not valid UTF-8" in w for w in warnings)


# --- bad input ------------------------------------------------------------------------


def test_empty_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as caught:
        ingest.parse(_write(tmp_path, ""), format="whatsapp")
    assert caught.value.exit_code == 2


def test_blank_or_foreign_file_forced_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="the file is empty"):
        list(ingest.parse(_write(tmp_path, "\n  \r\n"), format="whatsapp"))
    with pytest.raises(ParseError, match="no WhatsApp message lines"):
        list(ingest.parse(_write(tmp_path, "Dear Casey,\nno.\n"), format="whatsapp"))


def test_file_cut_off_inside_a_timestamp(tmp_path: Path) -> None:
    data = (HERE / "android_coparenting.txt").read_bytes()
    cut = data[: data.index(b"16/03/2024, 10:21") + 8]  # ends "16/03/20"
    path = tmp_path / "chat.txt"
    path.write_bytes(cut)
    messages, warnings = _parse(path, me="Jordan Reyes")
    assert len(messages) == 17
    assert messages[-2].body == "Your security code with Casey Morgan changed. Tap to learn more."
    assert (messages[-1].kind, messages[-1].body, messages[-1].source.locator) == (
        Kind.UNPARSED, "16/03/20", "line 21")
    assert "chat.txt, line 21: the file ends part-way through a line" in warnings[-1]


def test_file_cut_off_inside_an_author(tmp_path: Path) -> None:
    path = _write(tmp_path, "01/02/2024, 09:00 - Casey: a\nb\n01/02/2024, 09:05 - Cas")
    messages, warnings = _parse(path, region="GB")
    assert [m.kind for m in messages] == [Kind.MESSAGE, Kind.UNPARSED]
    assert messages[0].body == "a\nb"
    assert messages[1].body == "01/02/2024, 09:05 - Cas" and messages[1].timestamp == datetime(2024, 2, 1, 9, 5)
    assert any("line 3: the file ends part-way" in w for w in warnings)


# --- fuzz -----------------------------------------------------------------------------

_SEEDS = [p for p in sorted(HERE.iterdir()) if p.suffix == ".txt"]
_mangle = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0), st.binary(max_size=0)),
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255), st.binary(max_size=0)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.just(0), st.binary(min_size=1, max_size=40)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 200), st.binary(max_size=0)),
)


def _apply(data: bytes, ops: list[tuple[str, float, int, bytes]]) -> bytes:
    for op, where, n, junk in ops:
        i = int(where * len(data))
        if op == "truncate":
            data = data[:i]
        elif op == "flip" and i < len(data):
            data = data[:i] + bytes([data[i] ^ n]) + data[i + 1 :]
        elif op == "insert":
            data = data[:i] + junk + data[i:]
        elif op == "delete":
            data = data[:i] + data[i + n :]
    return data


def _check(path: Path) -> None:
    try:
        parsed = ingest.parse(path, format="whatsapp", me="Jordan Reyes")
        (importer, entries), = parsed.groups
        messages = list(importer.parse(entries, parsed.ctx))
    except InputError:
        return
    for m in messages:
        assert m.channel is Channel.WHATSAPP
        if m.kind is Kind.UNPARSED:
            assert m.body.strip()
        else:
            assert m.timestamp is not None and m.timestamp.tzinfo is None


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(_SEEDS), ops=st.lists(_mangle, min_size=1, max_size=4))
def test_fuzzed_text_exports_never_crash(tmp_path: Path, seed: Path, ops: list) -> None:
    path = tmp_path / "mangled.txt"
    path.write_bytes(_apply(seed.read_bytes(), ops))
    _check(path)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(_mangle, min_size=1, max_size=3), mangle_zip=st.booleans())
def test_fuzzed_zip_exports_never_crash(tmp_path: Path, ops: list, mangle_zip: bool) -> None:
    original = HERE / "ios_media.zip"
    if mangle_zip:
        data = _apply(original.read_bytes(), ops)
    else:
        with zipfile.ZipFile(original) as zf:
            members = {name: zf.read(name) for name in zf.namelist()}
        members["_chat.txt"] = _apply(members["_chat.txt"], ops)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, content in members.items():
                zf.writestr(name, content)
        data = buf.getvalue()
    path = tmp_path / "mangled.zip"
    path.write_bytes(data)
    _check(path)


def test_damaged_zip_member_is_an_input_error(tmp_path: Path) -> None:
    data = (HERE / "ios_media.zip").read_bytes()
    with zipfile.ZipFile(HERE / "ios_media.zip") as zf:
        info = zf.getinfo("_chat.txt")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    path = tmp_path / "damaged.zip"
    for offset in range(0, info.compress_size, 5):
        damaged = bytearray(data)
        damaged[start + offset] ^= 0xFF
        path.write_bytes(bytes(damaged))
        _check(path)


def test_encrypted_zip_member_is_a_parse_error(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("_chat.txt", "14/02/2024, 09:00 - Casey: a\n")
    data = bytearray(buf.getvalue())
    data[6] |= 1  # the "encrypted" flag, in the local header and in the central directory
    data[data.rfind(b"PK\x01\x02") + 8] |= 1
    path = tmp_path / "locked.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(ParseError, match="cannot read.*encrypted"):
        list(ingest.parse(path, format="whatsapp"))
