"""Signal via signal-export: the real older text export, Markdown, JSON Lines, damage."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greyrock import ingest

from ._fuzz import HOW, mangle, parse_directly
from greyrock.errors import ParseError
from greyrock.ingest._export import open_export
from greyrock.ingest.signal import Signal
from greyrock.model import Message

HERE = Path(__file__).parent / "signal"
MARKDOWN = HERE / "markdown"
JSONL = HERE / "jsonl"


def _read(path: Path, **kwargs: str) -> tuple[list[Message], list[str]]:
    parsed = ingest.parse(path, **kwargs)
    messages = list(parsed)
    return messages, [str(w) for w in parsed.warnings]


def _score(path: Path) -> int | None:
    export = open_export(path)
    try:
        return Signal().sniff(export.entries[0])
    finally:
        export.close()


# --- the real export ---------------------------------------------------------------------


def test_real_text_export(fixtures: Path) -> None:
    path = fixtures / "signal" / "test_export.txt"
    assert ingest.detect(path) == {"signal": ["test_export.txt"]}
    messages, warnings = _read(path)
    assert len(messages) == 2
    first, second = messages
    assert first.timestamp == datetime(2019, 12, 24, 12, 23)
    assert second.timestamp == datetime(2020, 1, 17, 21, 49)
    assert not first.tz_known and not second.tz_known
    assert (first.sender, first.sender_name, first.body) == ("Jane Doe", "Jane Doe", "Hello John!")
    assert (second.sender, second.sender_name, second.body) == ("John Doe", "John Doe", "Hello\nJane!")
    assert [str(m.kind) for m in messages] == ["message", "message"]
    assert [str(m.channel) for m in messages] == ["signal", "signal"]
    assert [str(m.direction) for m in messages] == ["unknown", "unknown"]
    assert [m.source.locator for m in messages] == ["line 1", "line 2"]
    assert warnings == ["test_export.txt: the export does not say which side is the reader; "
                        "directions are unknown: pass --me NAME"]


def test_real_text_export_with_me(fixtures: Path) -> None:
    messages, warnings = _read(fixtures / "signal" / "test_export.txt", me="john doe")
    assert [str(m.direction) for m in messages] == ["in", "out"]
    assert messages[0].recipients == ("me",)
    assert messages[1].sender == "John Doe"
    assert warnings == []


def test_me_naming_nobody_is_reported(fixtures: Path) -> None:
    messages, warnings = _read(fixtures / "signal" / "test_export.txt", me="Jon Doe")
    assert [str(m.direction) for m in messages] == ["in", "in"]
    assert len(warnings) == 1 and "no sender here is named 'Jon Doe'" in warnings[0]


# --- older text, synthetic ----------------------------------------------------------------


def test_old_text_continuation_lines_and_blank_lines() -> None:
    messages, _ = _read(HERE / "old_text.txt", me="Alex Moreno")
    assert len(messages) == 10
    listing = messages[6]
    assert listing.source.locator == "line 8"
    assert listing.body == (
        "fine. things to remember:\n1. the lease is in MY name\n2. the car is in MY name\n\n"
        "3. good luck w/o me [sic] 😂😂"
    )
    # The blank lines after a message separate it from the next; they are not its text.
    assert messages[7].body.endswith("didnt mean it ❤️")
    assert [m.sender for m in messages if m.direction == "out"] == ["Alex Moreno"] * 3


# --- Markdown chat.md ---------------------------------------------------------------------


def test_markdown_reader_is_me_and_quirks() -> None:
    messages, warnings = _read(MARKDOWN)
    assert len(messages) == 13
    assert warnings == ["JordanPike/chat.md: messages from 'Me' are taken as the reader's, everyone else's as received"]
    outgoing = [m for m in messages if m.direction == "out"]
    assert {(m.sender, m.sender_name) for m in outgoing} == {("me", "Me")}
    assert all(m.extra["chat"] == "JordanPike" for m in messages)
    reply = messages[4]
    assert reply.body == "It rained at school. Please stop sending me pictures like this."
    assert reply.extra["quote"] == "thats her backpack in the mud. u cant even keep her stuff clean??"
    assert reply.extra["reactions"] == [{"from": "Jordan Pike", "emoji": "😂"}]
    assert messages[12].extra["reactions"] == [{"from": "Me", "emoji": "👍"}, {"from": "Jordan Pike", "emoji": "❤️"}]
    assert messages[8].body == "pick up\ni just want to say goodnight to her\nu are SO controlling"


def test_markdown_kinds() -> None:
    messages, _ = _read(MARKDOWN)
    assert [str(m.kind) for m in messages] == [
        "message", "message", "media", "message", "message", "deleted", "call", "call",
        "message", "call", "message", "media", "message",
    ]
    missed, answered = messages[6], messages[9]
    assert (missed.direction, missed.extra["missed"]) == ("in", True)
    assert (answered.direction, answered.extra["duration_seconds"], answered.extra["missed"]) == ("out", 252, False)
    assert messages[11].extra["sticker"] == "🖕"


def test_markdown_attachments() -> None:
    messages, _ = _read(MARKDOWN)
    photo = messages[2].attachments[0]
    data = (MARKDOWN / "JordanPike" / "media" / "2024-02-03T19-02-11.000_00_IMG_4471.jpg").read_bytes()
    assert (photo.name, photo.mime, photo.size) == ("2024-02-03T19-02-11.000_00_IMG_4471.jpg", "image/jpeg", len(data))
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert messages[2].body == ""
    missing = messages[10]
    assert missing.body == "Here is the pickup schedule from the mediator."
    assert missing.attachments[0].to_dict() == {
        "name": "2024-02-04T08-12-00.000_00_pickup_schedule.pdf",
        "mime": "application/pdf",
        "size": None,
        "sha256": None,
    }


def test_markdown_link_with_escaped_spaces_finds_the_file(tmp_path: Path) -> None:
    chat = tmp_path / "Robin" / "media"
    chat.mkdir(parents=True)
    (chat / "court date.pdf").write_bytes(b"%PDF-1.4 test")
    (tmp_path / "Robin" / "chat.md").write_text(
        "[2024-06-01 10:00:00] Robin: see you there  [court date.pdf](./media/court%20date.pdf)  \n\n",
        encoding="utf-8",
    )
    (message,), _ = _read(tmp_path)
    assert message.body == "see you there"
    assert message.attachments[0].sha256 == hashlib.sha256(b"%PDF-1.4 test").hexdigest()


def test_markdown_sticker_link_points_into_exported_stickers(tmp_path: Path) -> None:
    (tmp_path / "Robin").mkdir()
    (tmp_path / "exported_stickers" / "abc123").mkdir(parents=True)
    (tmp_path / "exported_stickers" / "abc123" / "7.webp").write_bytes(b"RIFF-webp-test")
    (tmp_path / "Robin" / "chat.md").write_text(
        "[2024-06-01 10:00:00] Robin:   [😈](../exported_stickers/abc123/7.webp)  \n\n", encoding="utf-8"
    )
    (message,), _ = _read(tmp_path)
    assert (message.kind, message.body, message.extra["sticker"]) == ("media", "", "😈")
    assert message.attachments[0].name == "7.webp"
    assert message.attachments[0].sha256 == hashlib.sha256(b"RIFF-webp-test").hexdigest()


def test_markdown_and_json_beside_it_are_read_once(tmp_path: Path) -> None:
    chat = tmp_path / "JordanPike"
    shutil.copytree(MARKDOWN / "JordanPike", chat)
    shutil.copy(JSONL / "SamRivera" / "data.json", chat / "data.json")
    messages, warnings = _read(tmp_path)
    assert len(messages) == 13
    assert {m.source.file for m in messages} == {"JordanPike/chat.md"}
    assert "JordanPike/data.json: not read: chat.md beside it holds the same chat" in warnings


# --- JSON Lines data.json -----------------------------------------------------------------


def test_jsonl_messages() -> None:
    messages, _ = _read(JSONL)
    assert len(messages) == 11
    assert [str(m.kind) for m in messages] == [
        "message", "message", "message", "message", "call", "deleted", "message", "message", "media",
        "message", "message",
    ]
    assert [str(m.direction) for m in messages].count("out") == 2
    assert messages[0].body == "did u tell the school i cant pick him up anymore??"  # the tool's two spaces gone
    assert messages[3].extra["quote"] == "The school has a copy of the protective order. That's all."
    assert messages[4].extra["missed"] is True
    assert messages[7].extra["reactions"] == [{"from": "Me", "emoji": "😢"}]
    assert messages[8].extra["sticker"] == "😘"
    assert messages[9].timestamp == datetime(2024, 3, 9, 21, 15, 40)
    assert messages[10].timestamp == datetime(2024, 3, 9, 23, 58, 9, 512000)
    assert messages[9].extra["edited"] is True  # a key we do not know is kept
    assert messages[9].attachments[0].name == "lake.jpg"  # "fileName" instead of "name"
    shot = messages[6].attachments[0]
    data = (JSONL / "SamRivera" / "media" / "2024-03-09T09-03-27.000_00_screenshot.png").read_bytes()
    assert (shot.mime, shot.sha256) == ("image/png", hashlib.sha256(data).hexdigest())
    assert messages[9].source.locator == "line 11"


def test_jsonl_bad_lines_are_unparsed(tmp_path: Path) -> None:
    path = tmp_path / "chat.jsonl"
    path.write_text(
        '{"date": "2024-01-02 10:11:12", "sender": "Alice", "body": "hi"}\n'
        "not json at all\n"
        '{"date": "yesterday", "sender": "Alice", "body": "when?"}\n'
        '{"date": "2024-01-02 10:15:00", "sender": "Me", "body": "ok"}\n',
        encoding="utf-8",
    )
    parsed = ingest.parse(path)
    messages = list(parsed)
    assert [str(m.kind) for m in messages] == ["message", "unparsed", "unparsed", "message"]
    assert messages[1].body == "not json at all"
    assert messages[2].source.locator == "line 3"
    assert [str(m.direction) for m in messages] == ["in", "unknown", "unknown", "out"]
    assert sum("kept as unparsed text" in str(w) for w in parsed.warnings) == 2


# --- line ends and encodings (issue 12) -------------------------------------------------


@pytest.mark.parametrize("ending", [b"\r", b"\r\n", b"\n"], ids=["cr", "crlf", "lf"])
def test_every_line_ending_keeps_messages_apart(fixtures: Path, tmp_path: Path, ending: bytes) -> None:
    path = tmp_path / "test_export.txt"
    path.write_bytes((fixtures / "signal" / "test_export.txt").read_bytes().replace(b"\n", ending))
    assert ingest.detect(path) == {"signal": ["test_export.txt"]}
    messages, _ = _read(path)
    assert [(m.sender, m.body, m.source.locator) for m in messages] == [
        ("Jane Doe", "Hello John!", "line 1"),
        ("John Doe", "Hello\nJane!", "line 2"),
    ]


def test_cr_only_markdown_chat_keeps_all_thirteen_messages(tmp_path: Path) -> None:
    shutil.copytree(MARKDOWN, tmp_path / "export")
    chat = tmp_path / "export" / "JordanPike" / "chat.md"
    chat.write_bytes(chat.read_bytes().replace(b"\n", b"\r"))
    messages, _ = _read(tmp_path / "export")
    assert len(messages) == 13
    assert messages[8].body == "pick up\ni just want to say goodnight to her\nu are SO controlling"
    assert messages[4].extra["quote"] == "thats her backpack in the mud. u cant even keep her stuff clean??"
    assert messages[12].extra["reactions"] == [{"from": "Me", "emoji": "👍"}, {"from": "Jordan Pike", "emoji": "❤️"}]


def test_cr_only_jsonl_is_read_line_by_line(tmp_path: Path) -> None:
    shutil.copytree(JSONL, tmp_path / "export")
    data = tmp_path / "export" / "SamRivera" / "data.json"
    data.write_bytes(data.read_bytes().replace(b"\n", b"\r"))
    messages, _ = _read(tmp_path / "export")
    assert len(messages) == 11
    assert [m.source.locator for m in messages][-2:] == ["line 11", "line 12"]


def test_lone_surrogate_in_jsonl_becomes_a_replacement_character(tmp_path: Path) -> None:
    shutil.copytree(JSONL, tmp_path / "export")
    data = tmp_path / "export" / "SamRivera" / "data.json"
    lines = data.read_text(encoding="utf-8").split("\n")
    assert lines[1].count("answer me.") == 1
    lines[1] = lines[1].replace("answer me.", "answer me \\ud83d.")  # a half emoji, as JSON escapes it
    lines[7] = lines[7].replace('"sender": "Sam Rivera"', '"sender": "Sam \\udc00Rivera"')
    lines[3] = lines[3].replace("son", "son \\ud83d\\ude22")  # a whole emoji stays one
    data.write_text("\n".join(lines), encoding="utf-8")
    parsed = ingest.parse(tmp_path / "export")
    messages = list(parsed)
    assert len(messages) == 11
    assert messages[1].body == "answer me \ufffd. ur making me look like a monster to his teachers"
    assert messages[7].sender_name == "Sam \ufffdRivera"
    assert messages[3].body == "a peice of paper wont keep me from my son 😢"
    assert [str(w) for w in parsed.warnings if "surrogate" in w.reason] == [
        "SamRivera/data.json, line 2: an unpaired UTF-16 surrogate escape; replaced with U+FFFD",
        "SamRivera/data.json, line 8: an unpaired UTF-16 surrogate escape; replaced with U+FFFD",
    ]
    for message in messages:
        message.to_json().encode("utf-8")  # the import used to crash here


def test_bytes_that_are_not_utf8_are_read_as_cp1252_with_a_warning(fixtures: Path, tmp_path: Path) -> None:
    path = tmp_path / "test_export.txt"
    original = (fixtures / "signal" / "test_export.txt").read_bytes()
    path.write_bytes(original.replace(b"Jane!", b"Jane " + "café – ".encode("cp1252") + "😊!".encode("utf-8")))
    messages, warnings = _read(path)
    assert [m.body for m in messages] == ["Hello John!", "Hello\nJane café – 😊!"]
    assert "test_export.txt, line 3: not valid UTF-8 from here on; the bytes that are not were read as Windows-1252" in warnings


# --- sniffing -----------------------------------------------------------------------------


def test_sniff_scores(fixtures: Path, tmp_path: Path) -> None:
    assert _score(fixtures / "signal" / "test_export.txt") == 70
    assert _score(MARKDOWN / "JordanPike" / "chat.md") == 85
    assert _score(JSONL / "SamRivera" / "data.json") == 85
    assert _score(fixtures / "telegram" / "test_single_export.json") is None
    assert _score(fixtures / "instagram" / "test_export.json") is None
    whatsapp = tmp_path / "_chat.txt"
    whatsapp.write_text("[24/12/2019, 12:23:45] Jane Doe: Hello John!\n", encoding="utf-8")
    assert _score(whatsapp) is None
    for name in sorted((fixtures / "whatsapp").iterdir()):
        assert _score(name) is None, name.name


# --- bad input ----------------------------------------------------------------------------


def test_empty_and_foreign_files_are_parse_errors(tmp_path: Path) -> None:
    empty = tmp_path / "chat.md"
    empty.write_bytes(b"")
    with pytest.raises(ParseError):
        ingest.parse(empty, format="signal")
    prose = tmp_path / "notes.txt"
    prose.write_text("Dear diary,\nnothing here is a message.\n", encoding="utf-8")
    with pytest.raises(ParseError, match="no '\\[date\\] Name: text' line"):
        list(ingest.parse(prose, format="signal"))
    other = tmp_path / "data.json"
    other.write_text('{"x": 1}\n', encoding="utf-8")
    with pytest.raises(ParseError, match="no message in it"):
        list(ingest.parse(other, format="signal"))


def test_truncated_text_keeps_messages_and_an_unparsed_tail(tmp_path: Path) -> None:
    text = (HERE / "old_text.txt").read_text(encoding="utf-8")
    cut = text.index("[2021-11-06, 11:47]") + len("[2021-11-0")
    path = tmp_path / "signal.txt"
    path.write_text(text[:cut], encoding="utf-8")
    parsed = ingest.parse(path, me="Alex Moreno")
    messages = list(parsed)
    assert len(messages) == 10
    assert [str(m.kind) for m in messages[:9]] == ["message"] * 9
    assert messages[-1].kind == "unparsed" and messages[-1].body == "[2021-11-0"
    assert messages[-1].source.locator == "line 17"
    assert any(str(w).startswith("signal.txt, line 17: a damaged message header") for w in parsed.warnings)


def test_impossible_date_and_text_before_the_first_message(tmp_path: Path) -> None:
    path = tmp_path / "chat.md"
    path.write_text(
        "[2024-01-02 10:00:00] Kim: ok\n\n"
        "[2024-13-45 10:00:00] Kim: what month is this\nsecond line\n\n"
        "[2024-01-02 10:05:00] Me: fine\n",
        encoding="utf-8",
    )
    messages, _ = _read(path)
    assert [str(m.kind) for m in messages] == ["message", "unparsed", "message"]
    assert messages[1].body == "[2024-13-45 10:00:00] Kim: what month is this\nsecond line"
    path.write_text("exported by hand\n[2024-01-02 10:00:00] Kim: ok\n", encoding="utf-8")
    messages, _ = _read(path, format="signal")
    assert [str(m.kind) for m in messages] == ["unparsed", "message"]
    assert messages[0].body == "exported by hand"


# --- fuzz ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "name"),
    [
        (HERE / "old_text.txt", "old.txt"),
        (MARKDOWN / "JordanPike" / "chat.md", "chat.md"),
        (JSONL / "SamRivera" / "data.json", "data.json"),
        (Path("signal/test_export.txt"), "real.txt"),
    ],
    ids=["old", "markdown", "jsonl", "real"],
)
@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ops=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 10**5), st.integers(0, 10**5), st.binary(max_size=12)),
        min_size=1,
        max_size=4,
    )
)
def test_fuzz_never_raises_anything_but_input_errors(
    tmp_path: Path, fixtures: Path, source: Path, name: str, ops: list[tuple[int, int, int, bytes]]
) -> None:
    data = (source if source.is_absolute() else fixtures / source).read_bytes()
    for op in ops:
        data = mangle(data, HOW[op[0]], *op[1:])
    path = tmp_path / name
    path.write_bytes(data)
    for message in parse_directly(path, "signal") or []:
        json.loads(message.to_json())
