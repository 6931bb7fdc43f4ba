"""Messenger / Instagram importers: the real msgvault and chat-miner fixtures, each quirk,
bad input, and a fuzz test that mangles the synthetic fixtures."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greyrock import ingest
from greyrock.errors import InputError, ParseError
from greyrock.ingest._export import open_export
from greyrock.ingest.messenger import InstagramJson, MessengerHtml, MessengerJson, _fix, _html_time, _text_kind
from greyrock.model import Kind, Message
from tests.conftest import attachment_bytes

HERE = Path(__file__).parent
OURS = HERE / "messenger"
IG_OURS = HERE / "instagram"
UTC = timezone.utc


def _read(path: Path, **kwargs: str) -> tuple[list[Message], list[str]]:
    parsed = ingest.parse(path, **kwargs)
    messages = parsed.sorted()
    return messages, [str(w) for w in parsed.warnings]


def _dirs(messages: list[Message]) -> list[str]:
    return [str(m.direction) for m in messages]


# --- the real fixtures -------------------------------------------------------------------


def test_json_simple_two_threads_reader_inferred(fixtures: Path) -> None:
    messages, warnings = _read(fixtures / "messenger" / "json_simple")
    assert [m.body for m in messages] == ["Old message in archive", "Hello", "café time?", "See you soon"]
    assert [m.timestamp for m in messages] == [
        datetime(2017, 7, 14, 2, 40, tzinfo=UTC),
        datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC),
        datetime(2020, 9, 13, 12, 27, 40, tzinfo=UTC),
        datetime(2020, 9, 13, 12, 28, 40, tzinfo=UTC),
    ]
    assert _dirs(messages) == ["in", "out", "in", "out"]
    assert [m.sender for m in messages] == ["Zoe Archive", "Test User", "Alice Example", "Test User"]
    assert messages[2].recipients == ("Test User",)
    assert messages[1].recipients == ("Alice Example",)
    assert {str(m.channel) for m in messages} == {"messenger"}
    assert messages[2].extra["reactions"] == [
        {"reaction": "❤", "actor": "Test User"},
        {"reaction": "👍", "actor": "Alice Example"},
    ]
    assert messages[0].extra == {"thread": "Zoe Archive", "folder": "archived_threads"}
    assert messages[2].source.locator == "messages[1]"
    assert messages[2].source.file == "your_activity_across_facebook/messages/inbox/alice_ABC123/message_1.json"
    reader_notes = [w for w in warnings if "reader is taken to be 'Test User'" in w]
    assert len(reader_notes) == 1


def test_json_multifile_merged_in_numeric_order(fixtures: Path) -> None:
    messages, warnings = _read(fixtures / "messenger" / "json_multifile")
    assert [m.body for m in messages] == [
        "Message A (from file 1, oldest)",
        "Message B (from file 1, newer)",
        "Message C (from file 2)",
        "Message D (from file 10, newest)",
    ]
    assert [(m.source.file.rsplit("/", 1)[1], m.source.locator) for m in messages] == [
        ("message_1.json", "messages[1]"),
        ("message_1.json", "messages[0]"),
        ("message_2.json", "messages[0]"),
        ("message_10.json", "messages[0]"),
    ]
    assert messages[0].timestamp == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert messages[3].timestamp == datetime(2023, 11, 14, 22, 16, 20, tzinfo=UTC)
    # One thread: who is the reader cannot be told; said once, not per message.
    assert _dirs(messages) == ["unknown"] * 4
    assert len([w for w in warnings if "pass --me NAME" in w]) == 1
    with_me, _ = _read(fixtures / "messenger" / "json_multifile", me="Test User")
    assert _dirs(with_me) == ["in", "out", "in", "out"]
    assert [m.sender for m in with_me] == ["Dave Multi", "Test User", "Dave Multi", "Test User"]


def test_json_nontext_calls_stickers_shares_photos(fixtures: Path) -> None:
    messages, warnings = _read(fixtures / "messenger" / "json_nontext", me="Test User")
    assert [str(m.kind) for m in messages] == ["system", "message", "call", "call", "media", "media"]
    unsubscribe, share, missed, call, photo, sticker = messages
    assert unsubscribe.body == "Sam left the chat"
    assert unsubscribe.timestamp == datetime(2020, 9, 13, 12, 28, 20, tzinfo=UTC)
    assert share.body == "Example share text\nhttps://example.com/article"
    assert share.extra["share"] == {"link": "https://example.com/article", "text": "Example share text"}
    assert missed.extra["duration"] == 0 and missed.extra["missed"] is True
    assert str(missed.direction) == "in" and missed.sender == "Sam NonText"
    assert call.extra["duration"] == 192 and "missed" not in call.extra
    assert str(call.direction) == "out"
    assert [a.to_dict() for a in photo.attachments] == [
        {"name": "messages/inbox/sam_NONTXT/photos/missing.jpg", "mime": "image/jpeg", "size": None, "sha256": None}
    ]
    assert sticker.attachments[0].name == "messages/stickers_used/1.png"
    assert sticker.attachments[0].mime == "image/png"
    assert sticker.timestamp == datetime(2020, 9, 13, 12, 36, 40, tzinfo=UTC)
    assert len([w for w in warnings if "not in the export" in w]) == 1


def test_whole_messenger_folder(fixtures: Path) -> None:
    parsed = ingest.parse(fixtures / "messenger")
    assert parsed.formats == ["messenger"]
    messages = parsed.sorted()
    assert len(messages) == 14
    assert all(str(m.direction) == ("out" if m.sender == "Test User" else "in") for m in messages)
    assert sum(1 for m in messages if m.extra.get("folder") == "archived_threads") == 1
    assert messages[0].body == "Old message in archive"
    assert messages[-1].body == "Message D (from file 10, newest)"


def test_instagram_export_newest_first_reversed(fixtures: Path) -> None:
    path = fixtures / "instagram" / "test_export.json"
    messages, warnings = _read(path, format="instagram")
    assert [m.body for m in messages] == ["Hello John!", "Hello Jane!"]
    assert [m.timestamp for m in messages] == [
        datetime(2019, 12, 24, 11, 23, tzinfo=UTC),
        datetime(2020, 1, 17, 20, 49, tzinfo=UTC),
    ]
    assert {str(m.channel) for m in messages} == {"instagram"}
    assert _dirs(messages) == ["unknown", "unknown"]
    assert len(warnings) == 1 and "pass --me NAME" in warnings[0]
    with_me, _ = _read(path, format="instagram", me="Jane Doe")
    assert _dirs(with_me) == ["out", "in"]
    assert [m.sender for m in with_me] == ["Jane Doe", "John Doe"]
    assert [m.recipients for m in with_me] == [("John Doe",), ("Jane Doe",)]


# --- sniffing ----------------------------------------------------------------------------


def _entry(path: Path):  # one-file export's only entry
    return open_export(path).entries[0]


def test_sniff_messenger_and_instagram(fixtures: Path, tmp_path: Path) -> None:
    source = fixtures / "messenger/json_simple/your_activity_across_facebook/messages/inbox/alice_ABC123/message_1.json"
    plain = tmp_path / "plain" / "messages" / "inbox" / "alice_1" / "message_1.json"
    insta = tmp_path / "ig" / "your_instagram_activity" / "messages" / "inbox" / "alice_1" / "message_1.json"
    for target in (plain, insta):
        target.parent.mkdir(parents=True)
        shutil.copy(source, target)
    assert ingest.detect(tmp_path / "plain") == {"messenger": ["messages/inbox/alice_1/message_1.json"]}
    assert ingest.detect(tmp_path / "ig") == {
        "instagram": ["your_instagram_activity/messages/inbox/alice_1/message_1.json"]
    }
    entries = {e.name: e for e in open_export(tmp_path).entries}
    ambiguous = entries["plain/messages/inbox/alice_1/message_1.json"]
    assert MessengerJson().sniff(ambiguous) == 80 and InstagramJson().sniff(ambiguous) == 75
    instagram = entries["ig/your_instagram_activity/messages/inbox/alice_1/message_1.json"]
    assert InstagramJson().sniff(instagram) == 90 and MessengerJson().sniff(instagram) == 60
    # A thread folder named after an Instagram fan group is still Messenger.
    fan = tmp_path / "fan" / "messages" / "inbox" / "instagramcrew_9" / "message_1.json"
    fan.parent.mkdir(parents=True)
    shutil.copy(source, fan)
    assert ingest.detect(tmp_path / "fan") == {"messenger": ["messages/inbox/instagramcrew_9/message_1.json"]}


def test_sniff_declines_other_meta_and_chat_json(tmp_path: Path) -> None:
    samples = {
        "autofill_information.json": {"autofill_information_v2": {"EMAIL": ["x@example.com"]}},
        "result.json": {"name": "Jordan", "type": "personal_chat", "messages": [
            {"id": 1, "type": "message", "date": "2024-01-01T10:00:00", "from": "Jordan", "text": "hi"}]},
        "secret_conversations.json": {"armadillo_devices": [], "messages": []},
    }
    for name, body in samples.items():
        path = tmp_path / name
        path.write_text(json.dumps(body))
        entry = _entry(path)
        assert MessengerJson().sniff(entry) is None, name
        assert InstagramJson().sniff(entry) is None, name
        assert MessengerHtml().sniff(entry) is None, name
    export = OURS / "export"
    assert "autofill_information.json" not in json.dumps(ingest.detect(export))


def test_sniff_html(tmp_path: Path) -> None:
    thread = OURS / "html_export/messages/inbox/jordanreyes_10158/message_1.html"
    assert MessengerHtml().sniff(_entry(thread)) == 80
    other = tmp_path / "index.html"
    other.write_text("<html><body><div class='uiBoxWhite'>Your information</div></body></html>")
    assert MessengerHtml().sniff(_entry(other)) is None
    assert MessengerJson().sniff(_entry(thread)) is None


# --- quirks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("caf\u00c3\u00a9 time?", "café time?"),
        ("\u00f0\u009f\u0098\u00a1", "😡"),
        ("Ren\u00c3\u00a9e C\u00c3\u00b4t\u00c3\u00a9", "Renée Côté"),
        ("café", "café"),  # already right: left alone
        ("plain ascii", "plain ascii"),
        ("d\u00c3\u00a9sol\u00c3\u00a9 hier\u2026 je t\u00e2\u0080\u0099aime", "désolé hier… je t’aime"),
        ("broken \ud83d pair", "broken \ufffd pair"),
    ],
)
def test_mojibake_repair(raw: str, fixed: str) -> None:
    assert _fix(raw) == fixed


def test_mojibake_names_and_me_with_accents() -> None:
    messages, _ = _read(OURS / "mojibake.json", me="renée côté")
    assert messages[0].sender_name == "José Muñoz"
    assert messages[0].body == "Salut Renée, est-ce que Léa peut rester chez moi ce weekend? 🙏"
    assert _dirs(messages) == ["in", "out", "in", "in", "out", "in", "in", "out"]
    assert [str(m.kind) for m in messages][3:6] == ["deleted", "media", "media"]
    assert messages[1].extra["reactions"] == [{"reaction": "😡", "actor": "José Muñoz"}]
    assert messages[6].body == "désolé pour hier… je t’aime encore ❤️ tu me manques"


def test_e2ee_schema_sorted_whichever_order(tmp_path: Path) -> None:
    newest_first, warnings = _read(OURS / "e2ee.json")
    data = json.loads((OURS / "e2ee.json").read_text())
    data["messages"] = list(reversed(data["messages"]))
    flipped = tmp_path / "jordan_1.json"
    flipped.write_text(json.dumps(data))
    oldest_first, _ = _read(flipped)
    for messages in (newest_first, oldest_first):
        readable = [m for m in messages if m.kind is not Kind.UNPARSED]
        assert [m.timestamp for m in readable] == sorted(m.timestamp for m in readable)  # type: ignore[type-var]
        assert readable[0].body == "u up?"
        assert readable[0].timestamp == datetime(2024, 6, 1, 3, 12, 44, 120000, tzinfo=UTC)
        assert [str(m.kind) for m in readable] == ["message", "message", "message", "media", "deleted", "message"]
        assert readable[-1].body == "ok ok im sorry. i just miss us. remember cancún? ❤️"
        assert readable[-1].extra["reactions"] == [{"reaction": "👎", "actor": "Sam Okafor"}]
        assert readable[3].attachments[0].name == "./media/8d1f0c2a-4b7e-4d8f-9a51-2f0e7c1b9e33.jpeg"
        # The record without a timestamp comes out as it was written, never dropped.
        assert [m.body for m in messages if m.kind is Kind.UNPARSED] == [json.dumps(data["messages"][0])]
    assert any("messages[6]: no readable timestamp" in w for w in warnings)


def test_e2ee_media_found_beside_the_file(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    photo = b"\xff\xd8 not really a jpeg"
    (tmp_path / "media" / "a1.jpeg").write_bytes(photo)
    (tmp_path / "jordan_1.json").write_text(json.dumps({
        "participants": ["Sam Okafor", "Jordan Reyes"], "threadName": "Jordan Reyes",
        "messages": [{"senderName": "Jordan Reyes", "timestamp": 1717212000, "text": "",
                      "media": [{"uri": "./media/a1.jpeg"}], "reactions": [], "isUnsent": False}],
    }))
    [message], _ = _read(tmp_path, me="Sam Okafor")
    assert message.timestamp == datetime(2024, 6, 1, 3, 20, tzinfo=UTC)  # seconds, not ms
    assert str(message.kind) == "media" and str(message.direction) == "in"
    assert message.attachments[0].size == len(photo)
    assert message.attachments[0].sha256 == hashlib.sha256(photo).hexdigest()
    assert attachment_bytes(message.attachments[0]) == photo


def test_attachments_hashed_inside_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "facebook-samokafor-2024-03-10.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((OURS / "export").rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(OURS / "export").as_posix())
    messages, _ = _read(archive)
    assert len(messages) == 25
    hashed = [m for m in messages if m.attachments and m.attachments[0].size]
    assert [m.attachments[0].mime for m in hashed] == ["image/jpeg", "image/png"]
    photo = hashed[0]
    assert photo.attachments[0].sha256 == hashlib.sha256(
        (OURS / "export/your_facebook_activity/messages/inbox/jordanreyes_10158/photos/3141592653_1.jpg").read_bytes()
    ).hexdigest()
    assert photo.source.file == archive.name
    assert photo.source.locator == "your_facebook_activity/messages/inbox/jordanreyes_10158/message_1.json messages[5]"


def test_attachment_paths_never_leave_the_export(tmp_path: Path) -> None:
    thread = tmp_path / "messages" / "inbox" / "x_1"
    thread.mkdir(parents=True)
    for name in ("a", "b"):  # the same ending in two threads: ambiguous, so not guessed
        (tmp_path / "messages" / "inbox" / name / "photos").mkdir(parents=True)
        (tmp_path / "messages" / "inbox" / name / "photos" / "1.jpg").write_bytes(name.encode())
    (thread / "message_1.json").write_text(json.dumps({
        "participants": [{"name": "A"}, {"name": "B"}],
        "messages": [
            {"sender_name": "A", "timestamp_ms": 1, "photos": [{"uri": "../../../../../../etc/passwd"}]},
            {"sender_name": "A", "timestamp_ms": 2, "photos": [{"uri": "elsewhere/photos/1.jpg"}]},
        ],
    }))
    messages, _ = _read(tmp_path / "messages", me="B")
    assert [(a.name, a.size) for m in messages for a in m.attachments] == [
        ("../../../../../../etc/passwd", None),
        ("elsewhere/photos/1.jpg", None),
    ]


def test_group_thread_events_and_recipients() -> None:
    messages, _ = _read(OURS / "group.json", me="Dana Whitfield")
    kinds = [(m.sender_name, str(m.kind)) for m in messages if m.kind is not Kind.MESSAGE]
    assert kinds == [
        ("Dana Whitfield", "system"),  # type Subscribe
        ("Marcus Webb", "system"),  # "Marcus named the group ...", no type (2024 export)
        ("Dana Whitfield", "system"),  # "You set the nickname ...", from the reader
        ("Marcus Webb", "system"),  # type Unsubscribe
        ("Tomás Herrera", "media"),
    ]
    abuse = messages[5]
    assert abuse.body.startswith("Dana why are you ignoring my texts")
    assert str(abuse.kind) == "message" and str(abuse.direction) == "in"
    # Marcus left: he is no longer a participant, so not a recipient of what came after.
    assert messages[8].recipients == ("Dana Whitfield", "Tomás Herrera")
    assert abuse.recipients == ("Dana Whitfield", "Priya Nair", "Tomás Herrera")
    assert abuse.extra["thread"] == "Saturday soccer carpool ⚽"


@pytest.mark.parametrize(
    ("body", "sender", "from_reader", "kind"),
    [
        ("Jordan unsent a message.", "Jordan Reyes", False, Kind.DELETED),
        ("You unsent a message.", "Sam Okafor", True, Kind.DELETED),
        ("You unsent a message.", "Jordan Reyes", False, None),  # typed by the ex: a message
        ("Sam named the group Jail.", "Jordan Reyes", False, None),  # not the sender's act
        ("Jordan Reyes left the group.", "Jordan Reyes", False, Kind.SYSTEM),
        ("You called the police.", "Jordan Reyes", False, None),
        ("You called my mom.", "Sam Okafor", True, None),  # the reader's accusation, not a call
        ("You called Jordan.", "Sam Okafor", True, Kind.CALL),
        ("You missed a call from Jordan.", "Jordan Reyes", False, Kind.CALL),
        ("You are now connected on Messenger", "Jordan Reyes", False, Kind.SYSTEM),
        ("Jordan left the group.\nand the kids too", "Jordan Reyes", False, None),
    ],
)
def test_event_lines_need_the_sender_as_actor(body: str, sender: str, from_reader: bool, kind: Kind | None) -> None:
    others = ("Jordan Reyes",) if sender == "Sam Okafor" else ("Sam Okafor",)
    assert _text_kind(body, sender, from_reader, others) is kind


def test_me_naming_no_participant_is_noted() -> None:
    messages, warnings = _read(OURS / "e2ee.json", me="Somebody Else")
    assert {str(m.direction) for m in messages if m.kind is not Kind.UNPARSED} == {"in"}
    assert len([w for w in warnings if "--me names no participant" in w]) == 1


# --- HTML ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jan 2, 2024, 10:11 PM", datetime(2024, 1, 2, 22, 11)),
        ("Jan 02, 2024 10:11:12 pm", datetime(2024, 1, 2, 22, 11, 12)),
        ("Jan 2, 2024, 12:05 AM", datetime(2024, 1, 2, 0, 5)),
        ("Dec 30, 2023, 12:00 PM", datetime(2023, 12, 30, 12, 0)),
        ("02 Jan 2024, 22:11", datetime(2024, 1, 2, 22, 11)),
        ("Sept 3, 2023 at 7:05 AM", datetime(2023, 9, 3, 7, 5)),
        ("September 3, 2023, 7:05 p.m.", datetime(2023, 9, 3, 19, 5)),
        ("Feb 30, 2024, 10:11 PM", None),
        ("Foo 2, 2024, 10:11 PM", None),
        ("Jan 2, 2024, 13:11 PM", None),
        ("Jordan Reyes", None),
    ],
)
def test_html_dates_are_wall_time(text: str, expected: datetime | None) -> None:
    assert _html_time(text) == expected


def test_html_export_two_layouts() -> None:
    messages, warnings = _read(OURS / "html_export")
    assert len(messages) == 12
    assert all(m.timestamp is not None and m.timestamp.tzinfo is None for m in messages)
    assert messages[0].timestamp == datetime(2023, 12, 30, 9, 5)
    assert messages[0].body == "are you coming to mom's for new years? bring the dog 🐶"
    assert messages[1].extra["reactions"] == [{"reaction": "👍", "actor": "Maria Santos"}]
    hostile = messages[6]
    assert hostile.body == '<script>alert("you cant block me")</script> lol'
    assert hostile.attachments == ()
    photo = messages[7]
    assert str(photo.kind) == "media" and photo.attachments[0].size == 35
    assert [str(m.kind) for m in messages[8:11]] == ["deleted", "message", "call"]
    assert messages[9].body == "I'm outside.\nCome down or I'm coming up."
    assert _dirs(messages).count("out") == 2
    assert any("reader is taken to be 'Sam Okafor'" in w for w in warnings)


def test_html_bytes_that_are_not_utf8_are_read_as_cp1252_whatever_the_lxml(tmp_path: Path) -> None:
    """lxml 5 raised on such bytes and lxml 6 dropped them: neither reaches lxml now."""
    page = tmp_path / "message_1.html"
    page.write_bytes(
        b"<html><body>\n<div><div>Jordan Reyes</div><div><div>meet me at the caf\xe9 \x96 now</div></div>"
        b"<div>Jan 2, 2024, 10:11 PM</div></div>\n</body></html>"
    )
    [message], warnings = _read(page, me="Sam Okafor")
    assert message.body == "meet me at the café – now"
    assert "message_1.html, line 2: not valid UTF-8 from here on; the bytes that are not were read as Windows-1252" in warnings


def test_html_markup_inside_a_message_is_inert(tmp_path: Path) -> None:
    page = tmp_path / "message_1.html"
    page.write_text(
        "<html><body><div><div>Jordan Reyes</div><div><div>"
        "<script>document.write('x')</script><img src=x onerror=alert(1)>"
        "<a href=\"javascript:alert(2)\">click</a> &amp; &lt;b&gt;hi&lt;/b&gt;<!-- hidden -->"
        "</div></div><div>Jan 2, 2024, 10:11 PM</div></div></body></html>"
    )
    [message], _ = _read(page, me="Sam Okafor")
    assert message.body == "document.write('x')click & <b>hi</b>"
    assert [a.name for a in message.attachments] == ["x"]
    assert message.extra["links"] == ["javascript:alert(2)"]


def test_html_truncated_keeps_what_was_read(tmp_path: Path) -> None:
    source = (OURS / "html_export/messages/inbox/jordanreyes_10158/message_1.html").read_text()
    cut = source.index("Jan 02, 2024 10:16:02 pm")  # inside the sixth box, before its date
    page = tmp_path / "message_1.html"
    page.write_text(source[:cut])
    messages, warnings = _read(page, me="Sam Okafor")
    unparsed = [m for m in messages if m.kind is Kind.UNPARSED]
    assert len(messages) == 6 and len(unparsed) == 1
    assert unparsed[0].body.startswith("Jordan Reyes\n<script>")
    assert unparsed[0].source.locator == "messages[5]"
    assert any("messages[5]" in w and "unparsed" in w for w in warnings)


def test_html_without_messages_is_a_parse_error(tmp_path: Path) -> None:
    page = tmp_path / "message_1.html"
    page.write_text("<html><body><p>Nothing here</p></body></html>")
    with pytest.raises(ParseError):
        list(ingest.parse(page, format="messenger-html"))


# --- bad input -------------------------------------------------------------------------


def test_empty_file_is_a_parse_error(tmp_path: Path) -> None:
    empty = tmp_path / "message_1.json"
    empty.write_bytes(b"")
    with pytest.raises(ParseError) as caught:
        list(ingest.parse(empty, format="messenger"))
    assert caught.value.exit_code == 2
    blank = tmp_path / "blank.json"
    blank.write_text("  \n")
    with pytest.raises(ParseError, match="empty"):
        list(ingest.parse(blank, format="messenger"))


def test_truncated_json_keeps_messages_and_an_unparsed_tail(fixtures: Path, tmp_path: Path) -> None:
    source = fixtures / "messenger/json_simple/your_activity_across_facebook/messages/inbox/alice_ABC123/message_1.json"
    text = source.read_text()
    cut = text.index('"content": "caf')
    damaged = tmp_path / "message_1.json"
    damaged.write_text(text[:cut])
    messages, warnings = _read(damaged, me="Test User")
    assert [m.body for m in messages if m.kind is not Kind.UNPARSED] == ["See you soon"]
    [tail] = [m for m in messages if m.kind is Kind.UNPARSED]
    assert tail.source.locator == "messages[1] onwards"
    assert tail.body.startswith('{\n      "sender_name": "Alice Example"')
    assert any("messages[1] onwards: the file breaks off" in w for w in warnings)


def test_json_truncated_before_any_message_is_a_parse_error(tmp_path: Path) -> None:
    damaged = tmp_path / "message_1.json"
    damaged.write_text('{"participants": [{"name": "A"}, {"na')
    with pytest.raises(ParseError, match="damaged JSON"):
        list(ingest.parse(damaged, format="messenger"))
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"hello": "world"}')
    with pytest.raises(ParseError, match="no list of messages"):
        list(ingest.parse(wrong, format="instagram"))


def test_one_broken_file_does_not_stop_the_export(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(OURS / "export", export)
    broken = export / "your_facebook_activity/messages/inbox/mariasantos_555/message_1.json"
    text = broken.read_text()
    broken.write_text(text[: text.index('"content"')])  # still sniffs as a thread, holds no message
    messages, warnings = _read(export)
    assert len([m for m in messages if m.kind is not Kind.UNPARSED]) == 22
    [whole] = [m for m in messages if m.kind is Kind.UNPARSED]
    assert whole.source.locator == "whole file" and whole.body == broken.read_text()
    assert any("mariasantos_555/message_1.json, whole file" in w for w in warnings)


# --- fuzz --------------------------------------------------------------------------------

_SEEDS = [
    (OURS / "mojibake.json", "messenger"),
    (OURS / "e2ee.json", "messenger"),
    (OURS / "group.json", "instagram"),
    (OURS / "html_export/messages/inbox/jordanreyes_10158/message_1.html", "messenger-html"),
    (OURS / "html_export/messages/archived_threads/mariasantos_555/message_1.html", "messenger-html"),
]

_mangle = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), min_size=1, max_size=8)),
    st.tuples(st.just("insert"), st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=40))),
    st.tuples(st.just("delete"), st.tuples(st.floats(0, 1), st.floats(0, 0.3))),
)


def _apply(data: bytes, op: tuple) -> bytes:
    kind, arg = op
    at = lambda f: min(int(f * len(data)), len(data))  # noqa: E731
    if kind == "truncate":
        return data[: at(arg)]
    if kind == "flip":
        out = bytearray(data)
        for where, mask in arg:
            i = min(at(where), len(out) - 1)
            out[i] ^= mask
        return bytes(out)
    if kind == "insert":
        where, junk = arg
        return data[: at(where)] + junk + data[at(where) :]
    start, length = arg
    return data[: at(start)] + data[at(start) + int(length * len(data)) :]


def _parse_directly(path: Path, fmt: str | None) -> None:
    try:
        parsed = ingest.parse(path, format=fmt)
    except InputError:
        return
    for importer, entries in parsed.groups:
        try:
            for message in importer.parse(entries, parsed.ctx):
                message.to_json().encode("utf-8")
        except InputError:
            pass


_FUZZ = {"deadline": None, "derandomize": True, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


@settings(max_examples=150, **_FUZZ)
@given(seed=st.sampled_from(_SEEDS), op=_mangle)
def test_fuzz_mangled_files_never_crash(tmp_path: Path, seed: tuple[Path, str], op: tuple) -> None:
    source, fmt = seed
    target = tmp_path / source.name
    target.write_bytes(_apply(source.read_bytes(), op))
    _parse_directly(target, fmt)


@settings(max_examples=60, **_FUZZ)
@given(op=_mangle, which=st.integers(0, 3))
def test_fuzz_mangled_file_inside_an_export(tmp_path: Path, op: tuple, which: int) -> None:
    export = tmp_path / "export"
    if not export.exists():
        shutil.copytree(OURS / "export", export)
    victim = sorted(export.rglob("message_*.json"))[which]
    original = victim.read_bytes()
    victim.write_bytes(_apply(original, op))
    try:
        _parse_directly(export, None)
    finally:
        victim.write_bytes(original)


def _containers(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    # A named function, not a lambda: hypothesis 6.100 misreads a multi-line lambda's source.
    keys = st.sampled_from(["uri", "name", "reaction", "actor", "link", "share_text"])
    return st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6), _containers, max_leaves=6
)
_MESSAGE_KEYS = [
    "sender_name", "timestamp_ms", "content", "type", "photos", "videos", "sticker", "share",
    "reactions", "call_duration", "missed", "is_unsent", "senderName", "timestamp", "media",
]  # fmt: skip


@settings(max_examples=150, **_FUZZ)
@given(index=st.integers(0, 9), key=st.sampled_from([*_MESSAGE_KEYS, "participants", "title"]), value=_json_values)
def test_fuzz_wrong_types_in_valid_json(tmp_path: Path, index: int, key: str, value: object) -> None:
    data = json.loads((OURS / "group.json").read_text())
    if key in ("participants", "title"):
        data[key] = value
    else:
        data["messages"][index][key] = value
    target = tmp_path / "message_1.json"
    target.write_text(json.dumps(data))
    _parse_directly(target, "messenger")


def test_html_heading_is_not_a_message_but_a_broken_first_box_is(tmp_path: Path) -> None:
    page = tmp_path / "message_1.html"
    page.write_text(
        "<html><head><title>Jordan Reyes</title></head><body><div role='main'>"
        "<div>Jordan Reyes</div>"  # the thread heading beside the boxes
        "<div><div>Jordan Reyes</div><div>answer me</div></div>"  # a box whose date is gone
        "<div><div>Jordan Reyes</div><div>hello??</div><div>Jan 2, 2024, 10:11 PM</div></div>"
        "</div></body></html>"
    )
    messages, _ = _read(page, me="Sam Okafor")
    assert [(str(m.kind), m.body, m.source.locator) for m in messages] == [
        ("unparsed", "Jordan Reyes\nanswer me", "messages[0]"),
        ("message", "hello??", "messages[1]"),
    ]
    assert messages[1].extra == {"thread": "Jordan Reyes"}
