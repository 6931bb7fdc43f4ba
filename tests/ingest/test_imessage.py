"""The iMessage importer: chat.db / sms.db built here with the real schema subset.

The databases are BUILT by this module (`build_chat_db`, `build_sms_db`), never copied
from a real phone. Run as a script to rewrite the committed golden fixtures:

    .venv/bin/python tests/ingest/test_imessage.py tests/ingest/imessage

Invented people: the reader (Alex), an ex (Jordan, +1 212-555-0142 and an e-mail),
Jordan's mother (Linda, +1 212-555-0177), a friend (Priya, +1 312-555-0119) and a
friend of Jordan's (Dana, +1 212-555-0160).
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import sys
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from greyrock import ingest
from greyrock.errors import InputError, ParseError
from greyrock.ingest._export import Entry
from greyrock.ingest import imessage
from greyrock.ingest.imessage import IMessage, _archived_text
from greyrock.model import Message
from tests.conftest import attachment_bytes

HERE = Path(__file__).parent / "imessage"

# --- building databases ---------------------------------------------------------------

APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=timezone.utc)
HASHED_SMS_DB = "3d0d7e5fb2ce288813306e4d4636395e047a3d28"

MODERN_MESSAGE = """CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
 text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT,
 country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT,
 account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER,
 date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0,
 is_from_me INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0,
 item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT,
 group_action_type INTEGER DEFAULT 0, associated_message_guid TEXT,
 associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, thread_originator_guid TEXT,
 associated_message_emoji TEXT, date_retracted INTEGER DEFAULT 0, date_edited INTEGER DEFAULT 0)"""

# iOS 9: seconds since 2001, no edit/unsend, no tapbacks, no attributedBody.
LEGACY_MESSAGE = """CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
 text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT,
 country TEXT, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT,
 error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER,
 is_delivered INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0,
 item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT,
 group_action_type INTEGER DEFAULT 0)"""

OTHER_TABLES = (
    """CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
     service TEXT NOT NULL, uncanonicalized_id TEXT, UNIQUE (id, service))""",
    """CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
     state INTEGER, account_id TEXT, chat_identifier TEXT, service_name TEXT, room_name TEXT,
     display_name TEXT, group_id TEXT)""",
    """CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
     handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id))""",
    """CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
     message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0,
     PRIMARY KEY (chat_id, message_id))""",
    """CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
     created_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0,
     is_outgoing INTEGER DEFAULT 0, transfer_name TEXT, total_bytes INTEGER DEFAULT 0)""",
    """CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,
     attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id))""",
    "CREATE INDEX message_idx_handle ON message(handle_id, date)",
)


def typedstream_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n < 0x8000:
        return b"\x81" + n.to_bytes(2, "little")
    return b"\x82" + n.to_bytes(4, "little")


def attributed_body(text: str, mutable: bool = False) -> bytes:
    """An NSAttributedString archived as macOS writes it into message.attributedBody."""
    data = text.encode("utf-8")
    utf16 = len(text.encode("utf-16-le")) // 2
    string_class = (
        b"\x84\x84\x84\x0fNSMutableString\x01\x84\x84\x08NSString\x01\x95\x84\x01+"
        if mutable
        else b"\x84\x84\x84\x08NSString\x01\x94\x84\x01+"
    )
    return (
        b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00"
        b"\x84\x84\x08NSObject\x00\x85\x92"
        + string_class
        + typedstream_length(len(data))
        + data
        + b"\x86\x84\x02iI\x01"
        + typedstream_length(utf16)
        + b"\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84\x01i\x01\x92\x84\x96\x96\x1d__kIMMessagePartAttributeName"
        b"\x86\x92\x84\x84\x84\x08NSNumber\x00\x84\x84\x07NSValue\x00\x94\x84\x01*\x84\x99\x99\x00\x86\x86\x86"
    )


def ns(when: str, extra_ns: int = 0) -> int:
    """Nanoseconds since 2001 for an ISO UTC time (modern databases)."""
    dt = datetime.fromisoformat(when).replace(tzinfo=timezone.utc)
    return (dt - APPLE_EPOCH) // timedelta(microseconds=1) * 1000 + extra_ns


def secs(when: str) -> int:
    """Seconds since 2001 for an ISO UTC time (older databases)."""
    dt = datetime.fromisoformat(when).replace(tzinfo=timezone.utc)
    return int((dt - APPLE_EPOCH).total_seconds())


def _create(path: Path, message_sql: str, wal: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size = 1024")
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(message_sql)
    for sql in OTHER_TABLES:
        conn.execute(sql)
    return conn


def _insert(conn: sqlite3.Connection, table: str, **values: object) -> None:
    cols = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(values.values()))


def _finish(conn: sqlite3.Connection, wal: bool) -> None:
    conn.commit()
    if wal:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        conn.execute("VACUUM")
    conn.close()


def build_chat_db(path: Path, wal: bool = False) -> Path:
    """A macOS Ventura-style chat.db: nanosecond times, attributedBody, tapbacks, edits."""
    conn = _create(path, MODERN_MESSAGE, wal)
    for rowid, ident, service in (
        (1, "+12125550142", "iMessage"),
        (2, "jordan.reyes@example.com", "iMessage"),
        (3, "+12125550142", "SMS"),
        (4, "+12125550177", "iMessage"),
        (5, "+13125550119", "iMessage"),
    ):
        _insert(conn, "handle", ROWID=rowid, id=ident, country="us", service=service, uncanonicalized_id=ident)
    chats = (
        (1, "iMessage;-;+12125550142", 45, "+12125550142", "iMessage", None, (1,)),
        (2, "iMessage;+;chat837261", 43, "chat837261", "iMessage", "Maya pickups", (1, 4)),
        (3, "SMS;-;+12125550142", 45, "+12125550142", "SMS", None, (3,)),
        (4, "iMessage;-;jordan.reyes@example.com", 45, "jordan.reyes@example.com", "iMessage", None, (2,)),
        (5, "iMessage;-;+13125550119", 45, "+13125550119", "iMessage", "", (5,)),
    )
    for rowid, guid, style, ident, service, title, members in chats:
        _insert(conn, "chat", ROWID=rowid, guid=guid, style=style, chat_identifier=ident, service_name=service, display_name=title)
        for handle in members:
            _insert(conn, "chat_handle_join", chat_id=rowid, handle_id=handle)

    def message(rowid: int, chat: int, when: int, **values: object) -> None:
        values.setdefault("service", "iMessage")
        _insert(conn, "message", ROWID=rowid, guid=f"GUID-{rowid:04d}", date=when, **values)
        _insert(conn, "chat_message_join", chat_id=chat, message_id=rowid, message_date=when)

    keep_in_writing = "I'd rather keep this in writing. Maya's pickup is Saturday 5pm at school, like the order says."
    message(1, 1, ns("2024-02-10T01:02:03.123456", 789), handle_id=1,
            text="hey. we need to talk about this weekend, call me")
    message(2, 1, ns("2024-02-10T01:05:40"), handle_id=1, is_from_me=1, text=keep_in_writing)
    message(3, 1, ns("2024-02-10T01:06:02.5"), handle_id=1,
            attributedBody=attributed_body("in writing?? who do you think you are. you can't keep her from me"))
    message(4, 1, ns("2024-02-10T01:06:30"), handle_id=1, text=f"Emphasized “{keep_in_writing}”",
            associated_message_type=2004, associated_message_guid="p:0/GUID-0002")
    message(5, 1, ns("2024-02-10T01:07:00"), handle_id=1, text=f"Removed an emphasis from “{keep_in_writing}”",
            associated_message_type=3004, associated_message_guid="p:0/GUID-0002")
    long_text = (
        "I'm not doing this over text.\nIf you're not answering by 9 I'm coming over 😡\n"
        "and don't even think about calling your sister again, she doesnt get a say in this"
    )
    message(6, 1, ns("2024-02-10T01:09:12"), handle_id=1, attributedBody=attributed_body(long_text, mutable=True))
    message(7, 1, ns("2024-02-10T01:15:00"), handle_id=1, is_from_me=1,
            text="Please don't come to the house. I'll see you at the school on Saturday.")
    message(8, 1, ns("2024-02-10T01:20:44"), handle_id=1, text="fine. 5pm. don't be late",
            date_edited=ns("2024-02-10T01:21:30"))
    message(9, 1, ns("2024-02-10T01:22:05"), handle_id=1, date_retracted=ns("2024-02-10T01:23:00"))
    message(10, 1, ns("2024-02-10T01:24:10"), handle_id=1, date_edited=ns("2024-02-10T01:24:50"))
    message(11, 2, ns("2024-02-11T17:30:00"), is_from_me=1, item_type=2, group_title="Maya pickups")
    message(12, 2, ns("2024-02-11T17:30:05"), is_from_me=1, item_type=1, group_action_type=0, other_handle=4)
    message(13, 2, ns("2024-02-11T17:31:00"), handle_id=4,
            text="Jordan will get Maya at 5. Not you. Stop making this difficult for everyone")
    message(14, 2, ns("2024-02-11T17:32:10"), is_from_me=1, thread_originator_guid="GUID-0013",
            text="The order says I do Saturday pickups. I'll be at the school at 5.")
    message(15, 2, ns("2024-02-11T17:40:00"), handle_id=1, text="\ufffc", cache_has_attachments=1)
    message(16, 2, ns("2024-02-11T17:45:30"), handle_id=4, item_type=3, group_action_type=0)
    message(17, 3, ns("2024-02-12T03:02:00"), handle_id=3, service="SMS", text="answer ur phone")
    message(18, 3, ns("2024-02-12T03:04:00"), handle_id=3, service="SMS", subject="Maya",
            text="\ufffcyou did this", cache_has_attachments=1)
    message(19, 3, ns("2024-02-12T03:10:00"), handle_id=3, service="SMS", is_from_me=1,
            text="I'm not going to respond to messages like this.")
    message(20, 4, ns("2024-02-13T14:00:00"), handle_id=2,
            text="Forwarding all of this to my lawyer.\u202e Check your email.")
    message(21, 5, ns("2024-02-13T18:20:00"), handle_id=5,
            text="hey, are you ok? saw Jordan's car outside your place again 😟 want me to come over?")
    message(22, 5, ns("2024-02-13T18:25:00"), handle_id=5, is_from_me=1,
            text="can you come? I'm scared. he's been sitting out there for an hour")
    message(23, 5, ns("2024-02-13T18:26:00"), handle_id=5, text="Reacted 🫂 to “can you come? I'm scared…”",
            associated_message_type=2006, associated_message_guid="p:0/GUID-0022", associated_message_emoji="🫂")
    # Synced late from another device: a higher ROWID, an earlier date.
    message(24, 1, ns("2024-02-10T01:08:00"), handle_id=1, is_from_me=1, text="I'm not keeping her from you. Saturday, 5pm.")
    for rowid, msg, filename, mime, name, size in (
        (1, 15, "~/Library/Messages/Attachments/4f/15/8C5E2F0A-41D2-4C55-9E0B-5A3A4C1B2D11/IMG_4471.HEIC",
         "image/heic", "IMG_4471.HEIC", 1834422),
        (2, 18, "~/Library/Messages/Attachments/a2/02/F0E1D2C3-B4A5-4968-8776-655443322110/IMG_0031.jpeg",
         "image/jpeg", "IMG_0031.jpeg", 220193),
    ):
        _insert(conn, "attachment", ROWID=rowid, guid=f"AT-{rowid}", filename=filename, mime_type=mime,
                transfer_name=name, total_bytes=size)
        _insert(conn, "message_attachment_join", message_id=msg, attachment_id=rowid)
    _finish(conn, wal)
    return path


def build_sms_db(path: Path) -> Path:
    """An iOS 9 iPhone-backup sms.db: second times, fewer columns, one row without a date."""
    conn = _create(path, LEGACY_MESSAGE)
    for rowid, ident, service in ((1, "+12125550142", "SMS"), (2, "+12125550142", "iMessage"), (3, "+12125550160", "SMS")):
        _insert(conn, "handle", ROWID=rowid, id=ident, country="us", service=service)
    for rowid, ident, service, members in ((1, "+12125550142", "SMS", (1,)), (2, "+12125550142", "iMessage", (2,)),
                                           (3, "+12125550160", "SMS", (3,))):
        _insert(conn, "chat", ROWID=rowid, guid=f"{service};-;{ident}", style=45, chat_identifier=ident, service_name=service)
        for handle in members:
            _insert(conn, "chat_handle_join", chat_id=rowid, handle_id=handle)
    rows = (
        (1, 1, secs("2016-05-14T22:10:05"), 1, "SMS", 0, "where are you"),
        (2, 1, secs("2016-05-14T22:10:41"), 1, "SMS", 0, "WHERE ARE YOU"),
        (3, 1, secs("2016-05-14T22:14:02"), 1, "SMS", 1, "At my sister's. I need some space tonight."),
        (4, 2, secs("2016-05-14T22:15:30"), 2, "iMessage", 0, "u cant just leave. come home now or dont bother coming back"),
        (5, 2, secs("2016-05-14T22:40:00"), 2, "iMessage", 1, "\ufffc"),
        (6, 3, secs("2016-05-15T09:00:12"), 3, "SMS", 0, "Jordan asked me to check on you. Call him."),
        (7, 1, 0, 1, "SMS", 1, "ok"),
    )
    for rowid, chat, when, handle, service, from_me, text in rows:
        _insert(conn, "message", ROWID=rowid, guid=f"LEGACY-{rowid}", date=when, handle_id=handle, service=service,
                is_from_me=from_me, text=text, cache_has_attachments=int(rowid == 5))
        _insert(conn, "chat_message_join", chat_id=chat, message_id=rowid, message_date=when)
    _insert(conn, "attachment", ROWID=1, guid="AT-L1", mime_type="image/jpeg", transfer_name="IMG_0912.JPG",
            filename="/var/mobile/Library/SMS/Attachments/2c/12/3F1A9B7E-0C2D-4E8F-A1B2-C3D4E5F60718/IMG_0912.JPG",
            total_bytes=884211)
    _insert(conn, "message_attachment_join", message_id=5, attachment_id=1)
    _finish(conn, wal=False)
    return path



# --- helpers --------------------------------------------------------------------------

UTC = timezone.utc


def read(path: Path, **args: object) -> tuple[list[Message], list[str]]:
    parsed = ingest.parse(path, **args)  # type: ignore[arg-type]
    messages = parsed.sorted()
    return messages, [str(w) for w in parsed.warnings]


def by_rowid(messages: list[Message]) -> dict[int, Message]:
    return {
        int(m.source.locator.rsplit(" ", 1)[1]): m
        for m in messages
        if "ROWID" in m.source.locator and m.source.locator.rsplit(" ", 1)[1].isdigit()
    }


@pytest.fixture(scope="module")
def chat_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_chat_db(tmp_path_factory.mktemp("chat") / "chat.db")


@pytest.fixture(scope="module")
def chat(chat_db: Path) -> dict[int, Message]:
    messages, _ = read(chat_db)
    assert len(messages) == 24
    return by_rowid(messages)


def _without_file(message: Message) -> dict[str, object]:
    data = message.to_dict()
    data["source"] = data["source"]["locator"]  # type: ignore[index]
    return data


def _add_message(path: Path, **values: object) -> None:
    conn = sqlite3.connect(path)
    _insert(conn, "message", **values)
    conn.commit()
    conn.close()


# --- the committed fixtures are what the builder makes ---------------------------------


@pytest.mark.parametrize(("name", "build"), [("chat.db", build_chat_db), (HASHED_SMS_DB, build_sms_db)])
def test_committed_fixture_matches_the_builder(tmp_path: Path, name: str, build: object) -> None:
    fresh = build(tmp_path / name)  # type: ignore[operator]
    assert [_without_file(m) for m in read(fresh)[0]] == [_without_file(m) for m in read(HERE / name)[0]]


# --- sniffing --------------------------------------------------------------------------


def test_detects_chat_db_and_the_unnamed_backup_file(tmp_path: Path) -> None:
    build_chat_db(tmp_path / "chat.db")
    (tmp_path / "3d").mkdir()
    build_sms_db(tmp_path / "3d" / HASHED_SMS_DB)
    (tmp_path / "notes.db").write_bytes(b"")
    other = sqlite3.connect(tmp_path / "other.sqlite")
    other.execute("CREATE TABLE message (id INTEGER)")  # no handle table: not Messages
    other.close()
    assert ingest.detect(tmp_path).get("imessage") == ["chat.db", "3d/" + HASHED_SMS_DB]


def test_sniff_declines_other_files(tmp_path: Path) -> None:
    text = tmp_path / "chat.db"
    text.write_text("SQLite is great\n")
    assert IMessage().sniff(Entry(file="chat.db", path=text, size=text.stat().st_size)) is None


# --- modern chat.db: nanoseconds, attributedBody, tapbacks, edits ----------------------


def test_nanosecond_times_are_aware_utc(chat: dict[int, Message]) -> None:
    first = chat[1]
    assert first.timestamp == datetime(2024, 2, 10, 1, 2, 3, 123456, tzinfo=UTC)
    assert first.to_dict()["timestamp"] == "2024-02-10T01:02:03.123456+00:00"
    assert first.tz_known
    assert chat[3].timestamp == datetime(2024, 2, 10, 1, 6, 2, 500000, tzinfo=UTC)


def test_direction_sender_and_recipients(chat: dict[int, Message]) -> None:
    incoming, outgoing = chat[1], chat[2]
    assert (incoming.direction, incoming.sender, incoming.recipients) == ("in", "+12125550142", ("me",))
    assert (outgoing.direction, outgoing.sender, outgoing.recipients) == ("out", "me", ("+12125550142",))
    assert incoming.channel == "imessage" and incoming.kind == "message"
    assert incoming.body == "hey. we need to talk about this weekend, call me"
    assert chat[20].sender == "jordan.reyes@example.com"
    assert chat[20].body == "Forwarding all of this to my lawyer.\u202e Check your email."


def test_text_recovered_from_attributed_body(chat: dict[int, Message]) -> None:
    assert chat[3].body == "in writing?? who do you think you are. you can't keep her from me"
    assert chat[3].kind == "message" and chat[3].direction == "in"
    assert chat[6].body == (
        "I'm not doing this over text.\nIf you're not answering by 9 I'm coming over 😡\n"
        "and don't even think about calling your sister again, she doesnt get a say in this"
    )


def test_tapbacks_are_system_records_pointing_at_their_target(chat: dict[int, Message]) -> None:
    emphasis, removed, emoji = chat[4], chat[5], chat[23]
    assert emphasis.kind == "system" and emphasis.sender == "+12125550142"
    assert emphasis.extra == {"guid": "GUID-0004", "tapback": "emphasised", "target_guid": "GUID-0002"}
    assert emphasis.body.startswith("Emphasized “I'd rather keep this in writing.")
    assert removed.extra["removed"] is True and removed.extra["tapback"] == "emphasised"
    assert emoji.extra == {"guid": "GUID-0023", "tapback": "emoji", "target_guid": "GUID-0022", "emoji": "🫂"}
    assert chat[2].extra["guid"] == "GUID-0002"


def test_edited_and_unsent(chat: dict[int, Message]) -> None:
    edited = chat[8]
    assert edited.kind == "message" and edited.body == "fine. 5pm. don't be late"
    assert edited.extra["edited"] is True and edited.extra["edited_at"] == "2024-02-10T01:21:30+00:00"
    retracted = chat[9]
    assert retracted.kind == "deleted" and retracted.body == ""
    assert retracted.extra["unsent_at"] == "2024-02-10T01:23:00+00:00"
    emptied = chat[10]  # edited, and nothing left: the iOS 16 way of unsending
    assert emptied.kind == "deleted" and emptied.extra["edited"] is True


def test_group_chat_events_and_recipients(chat: dict[int, Message]) -> None:
    named, added, linda, reply, left = chat[11], chat[12], chat[13], chat[14], chat[16]
    assert (named.kind, named.body, named.sender) == ("system", "named the conversation “Maya pickups”", "me")
    assert (added.kind, added.body, added.extra["other"]) == ("system", "added +12125550177 to the conversation", "+12125550177")
    assert (left.kind, left.body, left.sender) == ("system", "left the conversation", "+12125550177")
    assert linda.recipients == ("me", "+12125550142")
    assert reply.recipients == ("+12125550142", "+12125550177")
    assert reply.extra["chat"] == "Maya pickups" and reply.extra["reply_to"] == "GUID-0013"


def test_attachments_named_from_the_table(chat: dict[int, Message]) -> None:
    photo = chat[15]
    assert photo.kind == "media" and photo.body == ""
    assert [a.to_dict() for a in photo.attachments] == [
        {"name": "IMG_4471.HEIC", "mime": "image/heic", "size": 1834422, "sha256": None}
    ]
    with_text = chat[18]
    assert with_text.kind == "message" and with_text.body == "you did this"
    assert with_text.attachments[0].name == "IMG_0031.jpeg" and with_text.extra["subject"] == "Maya"


def test_sms_service_is_the_sms_channel(chat: dict[int, Message]) -> None:
    assert [chat[r].channel for r in (17, 18, 19)] == ["sms", "sms", "sms"]
    assert chat[19].direction == "out" and chat[19].recipients == ("+12125550142",)


def test_oldest_first_even_when_rowids_are_not(chat_db: Path) -> None:
    messages = list(ingest.parse(chat_db))
    rowids = [int(m.source.locator.rsplit(" ", 1)[1]) for m in messages]
    assert rowids[:8] == [1, 2, 3, 4, 5, 24, 6, 7]


def test_attachment_bytes_hashed_when_the_export_holds_the_file(tmp_path: Path) -> None:
    build_chat_db(tmp_path / "chat.db")
    photo = tmp_path / "Attachments/4f/15/8C5E2F0A-41D2-4C55-9E0B-5A3A4C1B2D11/IMG_4471.HEIC"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"synthetic heic bytes")
    decoy = tmp_path / "Attachments/00/00/OTHER/IMG_0031.jpeg"  # same name, wrong folder
    decoy.parent.mkdir(parents=True)
    decoy.write_bytes(b"not this one")
    chat = by_rowid(read(tmp_path)[0])
    attachment = chat[15].attachments[0]
    assert attachment.size == 20 and attachment.sha256 == hashlib.sha256(b"synthetic heic bytes").hexdigest()
    assert attachment_bytes(attachment) == b"synthetic heic bytes"
    assert chat[18].attachments[0].sha256 is None


# --- legacy sms.db: seconds, fewer columns ---------------------------------------------


def test_second_times_and_missing_columns(tmp_path: Path) -> None:
    messages, warnings = read(build_sms_db(tmp_path / HASHED_SMS_DB))
    assert len(messages) == 7
    rows = by_rowid(messages)
    assert rows[1].timestamp == datetime(2016, 5, 14, 22, 10, 5, tzinfo=UTC)
    assert (rows[1].channel, rows[1].sender, rows[1].body) == ("sms", "+12125550142", "where are you")
    assert (rows[4].channel, rows[4].direction) == ("imessage", "in")
    assert rows[5].kind == "media" and rows[5].attachments[0].name == "IMG_0912.JPG"
    assert rows[6].sender == "+12125550160"
    assert rows[7].kind == "unparsed" and "text=ok" in rows[7].body and rows[7].timestamp is None
    assert warnings == [f"{HASHED_SMS_DB}, message ROWID 7: no readable date; kept as unparsed text."]


# --- the original is never touched ----------------------------------------------------


@pytest.mark.parametrize("wal", [False, True])
def test_original_bytes_and_mtime_unchanged_and_no_side_files(tmp_path: Path, wal: bool) -> None:
    db = build_chat_db(tmp_path / "chat.db", wal=wal)
    os.utime(db, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = (db.read_bytes(), db.stat().st_mtime_ns, sorted(p.name for p in tmp_path.iterdir()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chat.db"]
    assert len(read(db)[0]) == 24
    assert len(read(tmp_path)[0]) == 24
    after = (db.read_bytes(), db.stat().st_mtime_ns, sorted(p.name for p in tmp_path.iterdir()))
    assert after == before
    assert not any(p.name.endswith(("-wal", "-shm", "-journal")) for p in tmp_path.iterdir())


def test_zip_member_read_in_memory(tmp_path: Path) -> None:
    db = build_chat_db(tmp_path / "chat.db", wal=True)  # a WAL header, as Messages leaves it
    archive = tmp_path / "backup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(db, "Library/Messages/chat.db")
    db.unlink()
    before = archive.read_bytes()
    messages, _ = read(archive)
    assert len(messages) == 24
    assert messages[0].source.file == "backup.zip"
    assert messages[0].source.locator == "Library/Messages/chat.db message ROWID 1"
    assert archive.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.zip"]


def test_unread_wal_file_is_reported(tmp_path: Path) -> None:
    db = build_chat_db(tmp_path / "chat.db")
    (tmp_path / "chat.db-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 28)
    messages, warnings = read(db)
    assert len(messages) == 24
    assert warnings == [
        "chat.db: chat.db-wal beside it holds recent messages not yet written into the database; they were "
        "not read. Quit Messages, then copy the database and its -wal file again."
    ]


# --- attributedBody -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "ok", "x" * 127, "y" * 128, "🙂 " * 100, "line one\nline two", "z" * 40000],
    ids=["empty", "short", "127", "128", "emoji", "lines", "int32-length"],
)
@pytest.mark.parametrize("mutable", [False, True])
def test_archived_text_round_trips(text: str, mutable: bool) -> None:
    assert _archived_text(attributed_body(text, mutable)) == text


def test_archived_text_length_encodings() -> None:
    assert attributed_body("ok").count(b"+\x02ok") == 1
    assert b"+\x81\x80\x00" + b"y" * 128 in attributed_body("y" * 128)
    assert b"+\x82\x40\x9c\x00\x00" in attributed_body("z" * 40000)


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"\x04\x0bstreamtyped\x81\xe8\x03",
        attributed_body("a message that was cut short")[:-120],
        b"\x04\x0bstreamtyped\x84\x84\x84\x08NSString\x01\x94\x84\x01+\x81\xff\x7fshort",
        b"\x04\x0bstreamtyped\x84\x84\x84\x08NSString\x01\x94\x84\x01+\x85",
        b"bplist00\xd4\x01\x02\x03",
    ],
    ids=["empty", "header-only", "truncated", "length-past-end", "bad-tag", "plist"],
)
def test_archived_text_declines_what_it_cannot_read(blob: bytes) -> None:
    assert _archived_text(blob) is None


def test_unreadable_attributed_body_is_kept_as_unparsed(tmp_path: Path) -> None:
    db = build_chat_db(tmp_path / "chat.db")
    blob = b"\x04\x0bstreamtyped\x84\x84\x84\x08NSString\x01\x94\x84\x01+\x81\xff\x7fcut"
    _add_message(db, ROWID=99, guid="GUID-0099", date=ns("2024-02-14T09:00:00"), handle_id=1, attributedBody=blob)
    messages, warnings = read(db)
    bad = by_rowid(messages)[99]
    assert bad.kind == "unparsed" and bad.timestamp == datetime(2024, 2, 14, 9, 0, tzinfo=UTC)
    assert "attributedBody=" in bad.body and "NSString" in bad.body
    assert warnings == ["chat.db, message ROWID 99: the text in attributedBody could not be read; kept as unparsed text."]


def test_odd_column_types_do_not_break_the_row(tmp_path: Path) -> None:
    db = build_chat_db(tmp_path / "chat.db")
    _add_message(db, ROWID=97, guid="GUID-0097", date="yesterday", text="when was this", handle_id=1)
    _add_message(db, ROWID=98, guid="GUID-0098", date=ns("2024-02-14T10:00:00"), text=b"\xffbytes", is_from_me="x")
    rows = by_rowid(read(db)[0])
    assert rows[97].kind == "unparsed" and "text=when was this" in rows[97].body
    assert rows[98].direction == "unknown" and rows[98].body == ""


# --- bad input ------------------------------------------------------------------------


def test_empty_file_is_a_parse_error(tmp_path: Path) -> None:
    empty = tmp_path / "chat.db"
    empty.write_bytes(b"")
    with pytest.raises(ParseError):
        ingest.parse(empty, format="imessage")


def test_not_a_database_when_forced(tmp_path: Path) -> None:
    text = tmp_path / "chat.db"
    text.write_text("hello\n")
    with pytest.raises(ParseError, match="not an SQLite database"):
        list(ingest.parse(text, format="imessage"))


def test_sqlite_without_message_tables_when_forced(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE note (body TEXT)")
    conn.close()
    with pytest.raises(ParseError, match="without message and handle tables"):
        list(ingest.parse(other, format="imessage"))


def _big_db(path: Path) -> Path:
    conn = _create(path, MODERN_MESSAGE)
    _insert(conn, "handle", ROWID=1, id="+12125550142", service="iMessage")
    for i in range(1, 301):
        _insert(conn, "message", ROWID=i, guid=f"G{i}", date=ns("2024-01-01T00:00:00") + i * 10**9,
                handle_id=1, text=f"message {i}: " + "where are you " * 8)
    _finish(conn, wal=False)
    return path


def test_truncated_database_keeps_every_readable_row_and_names_the_rest(tmp_path: Path) -> None:
    whole = _big_db(tmp_path / "whole.db").read_bytes()
    cut = tmp_path / "chat.db"
    cut.write_bytes(whole[: len(whole) // 2])
    parsed = ingest.parse(cut)
    messages = list(parsed)
    readable = [m for m in messages if m.kind == "message"]
    lost = [m for m in messages if m.kind == "unparsed"]
    assert 100 < len(readable) < 200 and lost
    got = [_rowid(m) for m in readable]
    assert got == sorted(set(got))
    assert all(m.body.startswith(f"message {r}: where are you") for m, r in zip(readable, got))
    # Every ROWID 1-300 is a message, or inside exactly one named lost range, or one whose
    # cell the cut removed with no index left to list it: SQLite itself says "no such row".
    spans = [_span(m) for m in lost]
    named = [r for first, last in spans for r in range(first, last + 1)]
    assert len(named) == len(set(named)) and not set(named) & set(got)
    unknowable = sorted(set(range(1, 301)) - set(got) - set(named))
    assert len(unknowable) <= 5
    conn = sqlite3.connect(f"{cut.as_uri()}?mode=ro&immutable=1", uri=True)
    conn.execute("PRAGMA writable_schema = ON")  # as the importer: read a file shorter than its header says
    assert all(conn.execute("SELECT COUNT(*) FROM message WHERE ROWID = ?", (r,)).fetchone() == (0,)
               for r in unknowable)
    conn.close()
    assert spans[-1][1] == 300  # sqlite_sequence says where the table ended
    assert [str(w) for w in parsed.warnings] == [
        f"chat.db, {m.source.locator}: a damaged database page (database disk image is malformed): "
        + ("the row" if first == last else f"the rows with ROWID {first} to {last}")
        + " could not be read; kept as unparsed text."
        for m, (first, last) in zip(lost, spans)
    ]


def _rowid(message: Message) -> int:
    return int(message.source.locator.rsplit(" ", 1)[1])


def _span(message: Message) -> tuple[int, int]:
    """(first, last) of an unparsed record's locator 'message ROWID 6-12' or 'message ROWID 6'."""
    first, _, last = message.source.locator.rsplit(" ", 1)[1].partition("-")
    return int(first), int(last or first)


def _page_of(data: bytes, marker: bytes, page_size: int = 1024) -> int:
    """The 1-based number of the table leaf page (type 0x0d) holding `marker`."""
    found = [n for n in range(len(data) // page_size)
             if data[n * page_size] == 0x0D and marker in data[n * page_size : (n + 1) * page_size]]
    assert len(found) == 1, found
    return found[0] + 1


def _damage_page(data: bytes, page: int, page_size: int = 1024) -> bytes:
    """The database with one page overwritten by junk, as a bad disk sector leaves it."""
    at = (page - 1) * page_size
    return data[:at] + b"\xa5" * page_size + data[at + page_size :]


LOST_6_TO_12 = "\n".join([
    "ROWID 6 in chat 1 at 2024-02-10T01:09:12+00:00",
    "ROWID 7 in chat 1 at 2024-02-10T01:15:00+00:00",
    "ROWID 8 in chat 1 at 2024-02-10T01:20:44+00:00",
    "ROWID 9 in chat 1 at 2024-02-10T01:22:05+00:00",
    "ROWID 10 in chat 1 at 2024-02-10T01:24:10+00:00",
    "ROWID 11 in chat 2 at 2024-02-11T17:30:00+00:00",
    "ROWID 12 in chat 2 at 2024-02-11T17:30:05+00:00",
])


def _damaged_fixture() -> bytes:
    """The committed chat.db with its second message page (ROWIDs 6-12 of 24) destroyed."""
    data = (HERE / "chat.db").read_bytes()
    page = _page_of(data, b"GUID-0006")
    assert page == 24 and data[(page - 1) * 1024 + 3 : (page - 1) * 1024 + 5] == b"\x00\x07"  # 7 rows on it
    return _damage_page(data, page)


def _assert_lost_6_to_12(messages: list[Message], warnings: list[str], name: str) -> None:
    rows = by_rowid(messages)
    assert sorted(rows) == [1, 2, 3, 4, 5, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]
    assert rows[5].body.startswith("Removed an emphasis") and rows[13].body.startswith("Jordan will get Maya")
    assert rows[24].timestamp == datetime(2024, 2, 10, 1, 8, tzinfo=UTC)
    lost = [m for m in messages if m.kind == "unparsed"]
    assert len(messages) == 18 and len(lost) == 1
    assert lost[0].source.locator.endswith("message ROWID 6-12")
    assert lost[0].body == LOST_6_TO_12
    assert lost[0].timestamp == datetime(2024, 2, 10, 1, 9, 12, tzinfo=UTC)  # sorts where the gap is
    assert lost[0].channel == "imessage"
    assert warnings == [
        f"{name}message ROWID 6-12: a damaged database page (database disk image is malformed): the rows "
        "with ROWID 6 to 12 could not be read; chat_message_join lists 7 message(s) among them; "
        "kept as unparsed text."
    ]


def test_one_damaged_page_costs_only_its_own_rows(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    db.write_bytes(_damaged_fixture())
    os.utime(db, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    messages, warnings = read(db)
    _assert_lost_6_to_12(messages, warnings, "chat.db, ")
    assert [m.source.locator for m in messages][5:7] == ["message ROWID 24", "message ROWID 6-12"]
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chat.db"]  # no -wal, -shm or -journal


def test_damaged_page_in_a_zip_member_read_in_memory(tmp_path: Path) -> None:
    archive = tmp_path / "backup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Library/Messages/chat.db", _damaged_fixture())
    messages, warnings = read(archive)
    _assert_lost_6_to_12(messages, warnings, "backup.zip, Library/Messages/chat.db ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.zip"]


def test_damage_met_part_way_through_the_date_order_gives_no_row_twice(tmp_path: Path) -> None:
    # With an index on date (as newer chat.db files have) SQLite streams rows in date order
    # and meets the damaged page after giving some: those are not given again.
    db = build_chat_db(tmp_path / "whole.db")
    conn = sqlite3.connect(db)
    conn.execute("CREATE INDEX message_idx_date ON message(date)")
    conn.commit()
    conn.close()
    data = db.read_bytes()
    damaged = tmp_path / "chat.db"
    damaged.write_bytes(_damage_page(data, _page_of(data, b"GUID-0006")))
    messages, warnings = read(damaged)
    _assert_lost_6_to_12(messages, warnings, "chat.db, ")
    rowids = [_rowid(m) for m in ingest.parse(damaged) if m.kind != "unparsed"]
    assert rowids[:5] == [1, 2, 3, 4, 5] and sorted(rowids) == sorted(set(rowids)) and len(rowids) == 17


def test_rows_a_damaged_page_hides_without_an_error_are_named_from_the_index(tmp_path: Path) -> None:
    # The page's cell count says 5 where it held 7: SQLite reads it without complaint and
    # ROWIDs 11 and 12 are simply not there. The message indexes still list them.
    data = bytearray((HERE / "chat.db").read_bytes())
    page = _page_of(bytes(data), b"GUID-0006")
    at = (page - 1) * 1024
    assert data[at + 3 : at + 5] == b"\x00\x07"
    data[at + 3 : at + 5] = b"\x00\x05"
    db = tmp_path / "chat.db"
    db.write_bytes(bytes(data))
    messages, warnings = read(db)
    assert len(messages) == 23 and sorted(by_rowid(messages)) == [*range(1, 11), *range(13, 25)]
    hidden = [m for m in messages if m.kind == "unparsed"]
    assert [m.source.locator for m in hidden] == ["message ROWID 11-12"]
    assert hidden[0].body.splitlines() == [
        "ROWID 11 in chat 2 at 2024-02-11T17:30:00+00:00", "ROWID 12 in chat 2 at 2024-02-11T17:30:05+00:00",
    ]
    assert hidden[0].timestamp == datetime(2024, 2, 11, 17, 30, tzinfo=UTC)
    assert warnings == [
        "chat.db, message ROWID 11-12: missing from the message table (listed in an index): the rows with "
        "ROWID 11 to 12 could not be read; chat_message_join lists 2 message(s) among them; kept as unparsed text."
    ]


def test_a_huge_rowid_does_not_widen_the_search(tmp_path: Path) -> None:
    db = build_chat_db(tmp_path / "whole.db")
    _add_message(db, ROWID=2**62, guid="GUID-HUGE", date=ns("2024-02-14T09:00:00"), handle_id=1, text="far away")
    data = db.read_bytes()
    damaged = tmp_path / "chat.db"
    damaged.write_bytes(_damage_page(data, _page_of(data, b"GUID-0006")))
    messages, warnings = read(damaged)
    rows = by_rowid(messages)
    assert len(rows) == 18 and rows[2**62].body == "far away"
    assert [m.source.locator for m in messages if m.kind == "unparsed"] == ["message ROWID 6-12"]
    assert len(warnings) == 1


def test_past_the_failure_budget_a_failing_range_is_named_lost_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imessage, "_FAILURE_BUDGET", 0)
    db = tmp_path / "chat.db"
    db.write_bytes(_damaged_fixture())
    messages, warnings = read(db)
    # The first range fails after ROWID 4 (SQLite reads one row ahead, so 5 goes with it).
    assert sorted(by_rowid(messages)) == [1, 2, 3, 4]
    lost = [m for m in messages if m.kind == "unparsed"]
    assert [m.source.locator for m in lost] == ["message ROWID 5-24"]
    assert len(lost[0].body.splitlines()) == 20
    assert "chat_message_join lists 20 message(s) among them" in warnings[0]


def test_damaged_root_page_loses_the_table_but_names_every_row(tmp_path: Path) -> None:
    data = (HERE / "chat.db").read_bytes()
    root = 2  # the message table's root: an interior page pointing at its four leaves
    assert data[(root - 1) * 1024] == 0x05
    db = tmp_path / "chat.db"
    db.write_bytes(_damage_page(data, root))
    messages, warnings = read(db)
    assert len(messages) == 1
    lost = messages[0]
    assert lost.kind == "unparsed" and lost.source.locator == "message ROWID 1-24"
    assert len(lost.body.splitlines()) == 24
    assert lost.body.splitlines()[0] == "ROWID 1 in chat 1 at 2024-02-10T01:02:03.123456+00:00"
    assert lost.timestamp == datetime(2024, 2, 10, 1, 2, 3, 123456, tzinfo=UTC)
    assert "chat_message_join lists 24 message(s) among them" in warnings[0]


# --- fuzz -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_bytes() -> bytes:
    return (HERE / "chat.db").read_bytes()


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
        return data[:at] + rng.randbytes(rng.randint(1, 4096)) + data[at:]
    return data[:at] + data[at + rng.randint(1, 8192) :]


@seed(20240210)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=st.sampled_from(["truncate", "flip", "junk", "delete"]), salt=st.integers(0, 2**32))
def test_mangled_databases_never_crash(tmp_path: Path, fixture_bytes: bytes, how: str, salt: int) -> None:
    mangled = tmp_path / "chat.db"
    mangled.write_bytes(_mangle(fixture_bytes, random.Random(salt), how))
    try:
        parsed = ingest.parse(mangled, format="imessage")
        importer, entries = parsed.groups[0]
        for message in importer.parse(entries, parsed.ctx):
            assert isinstance(message, Message)
    except InputError:
        pass
    finally:
        mangled.unlink(missing_ok=True)


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, builder in (("chat.db", build_chat_db), (HASHED_SMS_DB, build_sms_db)):
        (out / name).unlink(missing_ok=True)
        builder(out / name)
