"""Telegram Desktop result.json: the real chat-miner export, our synthetic quirks, damage."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greyrock import ingest

from ._fuzz import HOW, mangle, parse_directly
from greyrock.errors import ParseError
from greyrock.ingest._export import open_export
from greyrock.ingest.telegram import Telegram
from greyrock.model import Message
from tests.conftest import attachment_bytes

HERE = Path(__file__).parent / "telegram"
FULL = HERE / "full_export"


def _read(path: Path, **kwargs: str) -> tuple[list[Message], list[str]]:
    parsed = ingest.parse(path, **kwargs)
    messages = list(parsed)
    return messages, [str(w) for w in parsed.warnings]


# --- the real export ---------------------------------------------------------------------


def test_real_single_export(fixtures: Path) -> None:
    path = fixtures / "telegram" / "test_single_export.json"
    assert ingest.detect(path) == {"telegram": ["test_single_export.json"]}
    messages, warnings = _read(path)
    assert len(messages) == 2
    first, second = messages
    assert first.timestamp == datetime(2018, 12, 5, 10, 39, 10, tzinfo=timezone.utc)
    assert second.timestamp == datetime(2018, 12, 5, 10, 49, 24, tzinfo=timezone.utc)
    assert first.tz_known and second.tz_known
    assert (first.sender, first.sender_name, first.body) == ("Author 1", "Author 1", "Minimal Message")
    # The second text is an entity list: bold "Link:" then a link, joined as written.
    assert (second.sender, second.body) == ("Author 2", "Link:https://telegram.org/")
    assert [str(m.kind) for m in messages] == ["message", "message"]
    assert [str(m.channel) for m in messages] == ["telegram", "telegram"]
    assert [str(m.direction) for m in messages] == ["unknown", "unknown"]
    assert [m.source.locator for m in messages] == ["messages[0]", "messages[1]"]
    assert len(warnings) == 1 and "pass --me NAME" in warnings[0]
    assert warnings[0].startswith("test_single_export.json: ")


def test_real_single_export_with_me(fixtures: Path) -> None:
    messages, warnings = _read(fixtures / "telegram" / "test_single_export.json", me="author 2")
    assert [str(m.direction) for m in messages] == ["in", "out"]
    assert messages[0].recipients == ("me",)
    assert warnings == []


# --- the full export: reader, calls, media, edits ---------------------------------------


def test_full_export_reader_comes_from_personal_information() -> None:
    messages, warnings = _read(FULL)
    assert len(messages) == 22
    assert warnings == []  # the export names the reader: nothing to assume
    outgoing = {m.body for m in messages if m.direction == "out" and m.kind == "message"}
    assert outgoing == {
        "Lily is with me this weekend, like the schedule says.",
        "Please only message me about Lily. I'm keeping copies of everything.",
        "Sam is driving Lily on Fridays now. 3:15 at the front gate.",
        "Here is the parenting plan the court approved.",
    }
    assert all(m.sender == "Maya Okafor" for m in messages if m.direction == "out")
    one_to_one_out = [m for m in messages if m.direction == "out" and m.extra["chat"] == "Derek Lindqvist"]
    assert {m.recipients for m in one_to_one_out} == {("Derek Lindqvist",)}


def test_full_export_calls() -> None:
    messages, _ = _read(FULL)
    calls = [m for m in messages if m.kind == "call"]
    assert [(str(m.direction), m.extra["missed"], m.extra.get("duration_seconds")) for m in calls] == [
        ("in", True, None),
        ("in", True, None),
        ("out", False, 184),
    ]
    assert all(m.channel == "telegram" and m.extra["discard_reason"] for m in calls)
    assert calls[0].timestamp == datetime(2023, 3, 11, 2, 11, 2, tzinfo=timezone.utc)


def test_full_export_system_events() -> None:
    messages, _ = _read(FULL)
    system = [m for m in messages if m.kind == "system"]
    assert [m.extra["action"] for m in system] == ["create_group", "join_group_by_link", "pin_message"]
    assert system[0].extra["members"] == ["Maya Okafor", "Ruth Lindqvist"]
    assert system[1].extra["inviter"] == "Maya Okafor"
    # A pin keeps both its own id and the id of the message it pinned.
    assert (system[2].extra["id"], system[2].extra["message_id"]) == (206, 202)


def test_full_export_photo_in_the_folder_is_hashed() -> None:
    messages, _ = _read(FULL)
    photo = next(m for m in messages if m.extra.get("media_path", "").startswith("photos/"))
    data = (FULL / "photos" / "photo_1@12-03-2023_21-14-09.jpg").read_bytes()
    assert photo.kind == "media" and photo.body == ""
    (attachment,) = photo.attachments
    assert attachment.name == "photo_1@12-03-2023_21-14-09.jpg"
    assert attachment.mime == "image/jpeg"
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment_bytes(attachment) == data


def test_full_export_media_not_in_the_folder_is_named_only() -> None:
    messages, _ = _read(FULL)
    voice = next(m for m in messages if m.extra.get("media_type") == "voice_message")
    assert voice.kind == "media"
    assert voice.attachments[0].to_dict() == {"name": "voice_message", "mime": "audio/ogg", "size": None, "sha256": None}
    assert voice.extra["media_not_exported"].startswith("(File not included.")
    sticker = next(m for m in messages if m.extra.get("media_type") == "sticker")
    assert sticker.extra["sticker_emoji"] == "🙄"
    assert sticker.attachments[0].sha256 is None


def test_full_export_edits_links_forwards_replies() -> None:
    messages, _ = _read(FULL)
    by_id = {m.extra["id"]: m for m in messages}
    assert by_id[106].extra["edited"] is True
    assert by_id[106].extra["edited_at"] == "2023-03-11T02:12:31+00:00"
    assert by_id[103].body == "you dont get to decide that. she's MY daughter too 😡"
    assert by_id[112].body == "go ahead, read this first. no judge is giving u full custody"
    assert by_id[112].extra["links"] == ["https://example.com/fathers-rights"]
    assert by_id[113].extra["forwarded_from"] == "Ruth Lindqvist"
    assert by_id[109].extra["reply_to_message_id"] == 102


def test_full_export_in_a_zip_reads_members(tmp_path: Path) -> None:
    archive = tmp_path / "telegram.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(FULL.rglob("*")):
            if path.is_file():
                zf.write(path, f"DataExport_2023-03-14/{path.relative_to(FULL).as_posix()}")
    messages, _ = _read(archive)
    assert len(messages) == 22
    assert messages[0].source.file == "telegram.zip"
    assert messages[0].source.locator == "DataExport_2023-03-14/result.json chats.list[0].messages[0]"
    pdf = next(m for m in messages if m.attachments and m.attachments[0].name == "parenting_plan_2023.pdf")
    data = (FULL / "files" / "parenting_plan_2023.pdf").read_bytes()
    assert pdf.attachments[0].sha256 == hashlib.sha256(data).hexdigest()


# --- older exports and other readers ------------------------------------------------------


def test_date_without_unixtime_is_naive_wall_time() -> None:
    messages, warnings = _read(HERE / "old_single.json")
    assert messages[0].timestamp == datetime(2019, 8, 2, 23, 41, 9)
    assert not any(m.tz_known for m in messages)
    assert messages[3].extra["edited_at"] == "2019-08-03T07:16:40"
    assert messages[3].body == "ok @priya_r whatever u say. ill just come by and talk in person then"
    # A personal chat's id is the other person's: everyone else is the reader.
    assert [str(m.direction) for m in messages] == ["in", "in", "out", "in", "out", "in", "in", "in"]
    assert messages[2].sender == "Priya Raman" and messages[2].recipients == ("Tom Becker",)
    assert len(warnings) == 1 and "the id of this one-to-one chat" in warnings[0]
    assert messages[7].kind == "media" and "location_information" in messages[7].extra


def test_me_names_the_reader_in_a_group() -> None:
    messages, warnings = _read(HERE / "group_me.json", me="Jess Harlow")
    assert [str(m.direction) for m in messages] == ["in", "in", "in", "out", "out"]
    assert [str(m.kind) for m in messages] == ["system", "message", "message", "message", "system"]
    assert warnings == []


def test_me_overrides_the_personal_chat_inference() -> None:
    messages, warnings = _read(HERE / "old_single.json", me="Tom Becker")
    assert [str(m.direction) for m in messages][:3] == ["out", "out", "in"]
    assert warnings == []


# --- sniffing -----------------------------------------------------------------------------


def test_sniff_claims_telegram_and_nothing_else(fixtures: Path) -> None:
    sniffer = Telegram()

    def score(path: Path) -> int | None:
        export = open_export(path)
        try:
            return sniffer.sniff(export.entries[0])
        finally:
            export.close()

    assert score(fixtures / "telegram" / "test_single_export.json") == 90
    assert score(FULL / "result.json") == 95
    assert score(fixtures / "instagram" / "test_export.json") is None
    assert score(fixtures / "messenger" / "json_nontext") is None
    assert score(HERE.parent / "signal" / "jsonl" / "SamRivera" / "data.json") is None


# --- bad input ----------------------------------------------------------------------------


def test_empty_file_is_a_parse_error(tmp_path: Path) -> None:
    empty = tmp_path / "result.json"
    empty.write_bytes(b"")
    with pytest.raises(ParseError):
        ingest.parse(empty, format="telegram")
    blank = tmp_path / "blank.json"
    blank.write_bytes(b"  \n")
    with pytest.raises(ParseError, match="empty"):
        list(ingest.parse(blank, format="telegram"))


def test_other_json_forced_is_a_parse_error(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"participants": [], "threads": []}')
    with pytest.raises(ParseError, match="not a Telegram export"):
        list(ingest.parse(other, format="telegram"))


def test_truncated_file_keeps_what_was_read(tmp_path: Path) -> None:
    text = (FULL / "result.json").read_text(encoding="utf-8")
    cut = text.index("why is HE here")  # inside chats.list[1].messages[3]
    damaged = tmp_path / "result.json"
    damaged.write_text(text[:cut], encoding="utf-8")
    parsed = ingest.parse(damaged)
    messages = list(parsed)
    assert len(messages) == 14 + 3 + 1
    assert messages[-2].extra["id"] == 203
    tail = messages[-1]
    assert tail.kind == "unparsed" and tail.timestamp is None
    start = text.rindex("{", 0, text.index('"id": 204'))  # the cut message, whole
    assert tail.body == text[start:cut]
    assert tail.source.locator == f"line {text.count(chr(10), 0, start) + 1} onward"
    assert any("damaged or cut short" in str(w) and "result.json" in str(w) for w in parsed.warnings)


def test_damaged_before_the_first_message_is_a_parse_error(tmp_path: Path) -> None:
    text = (FULL / "result.json").read_text(encoding="utf-8")
    damaged = tmp_path / "result.json"
    damaged.write_text(text[: text.index('"messages"') + 20], encoding="utf-8")
    with pytest.raises(ParseError, match="before its first message"):
        list(ingest.parse(damaged, format="telegram"))


def test_a_message_without_a_date_is_unparsed(tmp_path: Path) -> None:
    doc = {"name": "X", "type": "personal_chat", "id": 1, "messages": [
        {"id": 1, "type": "unsupported"},
        {"id": 2, "type": "message", "date_unixtime": "1700000000", "from": "X", "from_id": "user1", "text": "hi"},
    ]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(doc))
    parsed = ingest.parse(path)
    messages = list(parsed)
    assert [str(m.kind) for m in messages] == ["unparsed", "message"]
    assert json.loads(messages[0].body) == {"id": 1, "type": "unsupported"}
    assert messages[0].source.locator == "messages[0]"
    assert any("messages[0]: no readable date" in str(w) for w in parsed.warnings)


# --- fuzz ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [FULL / "result.json", HERE / "old_single.json", Path("telegram/test_single_export.json")],
    ids=["full", "old", "real"],
)
@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ops=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 10**6), st.integers(0, 10**6), st.binary(max_size=12)),
        min_size=1,
        max_size=4,
    )
)
def test_fuzz_never_raises_anything_but_input_errors(
    tmp_path: Path, fixtures: Path, source: Path, ops: list[tuple[int, int, int, bytes]]
) -> None:
    data = (source if source.is_absolute() else fixtures / source).read_bytes()
    for op in ops:
        data = mangle(data, HOW[op[0]], *op[1:])
    path = tmp_path / "result.json"
    path.write_bytes(data)
    for message in parse_directly(path, "telegram") or []:
        assert message.body is not None
        message.to_json()
