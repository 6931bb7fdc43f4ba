"""iMessage and iPhone SMS: the Messages database `chat.db` (macOS) or `sms.db` (iPhone backup).

The macOS file is ~/Library/Messages/chat.db; in an iPhone backup the same database is an
unnamed file, `3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28`. Both are SQLite with the
tables `message`, `handle` (the other people's numbers and e-mail addresses), `chat`,
`chat_message_join`, `chat_handle_join`, `attachment` and `message_attachment_join`.

Quirks:

- Times count from 2001-01-01 UTC, in seconds in older databases and in nanoseconds in
  newer ones (any value above 1e12 is nanoseconds). They are instants: aware UTC.
- Since macOS 13 / iOS 16 `text` is often NULL and the words live only in
  `attributedBody`, an NSAttributedString in Apple's old "typedstream" archive format.
  `_archived_text` reads the string out of it; a blob it cannot read becomes an unparsed
  record with the blob's bytes as text.
- Tapbacks (associated_message_type 2000-2007; 3000-3007 take one back) are rows of their
  own. They stay separate records, kind "system", with extra {"tapback", "target_guid",
  "removed"}: attaching them to their target would hide who reacted and when. Every
  record carries its own `guid` in extra so that the target can be found.
- item_type other than 0 is a conversation event (someone added, removed or leaving, the
  group renamed, the photo changed): kind "system", body a short description.
- `date_edited` marks an edited message (extra edited, edited_at; the table keeps only
  the latest text). `date_retracted`, or an edited row left without text, is an unsent
  message: kind "deleted".
- Attachments are named from the attachment table. Their bytes are hashed only when the
  export folder holds the file (…/Attachments/xx/yy/GUID/name), which it usually does not.
  The U+FFFC placeholder the text holds for each attachment is removed from the body.
- The database is never modified: a file is opened read-only and immutable (no -wal,
  -shm or -journal file is created), a zip member is read into memory. A -wal file beside
  chat.db holds changes not yet written into it; those cannot be read without writing,
  so a warning says to quit Messages and copy the database again.
- A damaged database is read again by ROWID ranges, halving a range that SQLite cannot
  read down to single rows, so a damaged page costs only the rows it held. Each stretch
  of unreadable ROWIDs becomes one unparsed record (locator `message ROWID 6-12`) whose
  text lists what chat_message_join still knows of those rows (conversation and date).
"""

from __future__ import annotations

import re
import sqlite3
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from greyrock.errors import ParseError
from greyrock.model import Attachment, Channel, Direction, Kind, Message, Source

from ._attach import measure
from ._base import Context
from ._export import Entry

__all__ = ["IMessage"]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_REQUIRED = frozenset({"message", "handle"})
_SCHEMA_TABLE = re.compile(rb"CREATE TABLE\s+[\"'`\[]?(\w+)", re.IGNORECASE)
_KNOWN_NAMES = ("chat.db", "sms.db", "3d0d7e5fb2ce288813306e4d4636395e047a3d28")
_APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=timezone.utc)
_NANOSECONDS = 1e12  # above this an Apple time is in nanoseconds, below it in seconds
_OBJECT_MARK = "\ufffc"  # object replacement character: where an attachment sat in the text

_TAPBACKS = ("loved", "liked", "disliked", "laughed", "emphasised", "questioned", "emoji", "sticker")
_STICKER = 1000
# SQLite reports damage as sqlite3 errors, or, when its message quotes damaged bytes, as a
# UnicodeDecodeError raised while Python reads that message.
_DB_ERRORS = (sqlite3.Error, UnicodeDecodeError)

_MESSAGE_COLUMNS = (
    "guid",
    "text",
    "attributedBody",
    "handle_id",
    "service",
    "date",
    "date_edited",
    "date_retracted",
    "is_from_me",
    "associated_message_type",
    "associated_message_guid",
    "associated_message_emoji",
    "cache_has_attachments",
    "item_type",
    "group_action_type",
    "group_title",
    "other_handle",
    "subject",
    "thread_originator_guid",
)


class IMessage:
    name = "imessage"
    help = "iMessage / iPhone SMS database chat.db or sms.db."

    def sniff(self, entry: Entry) -> int | None:
        head = entry.head()
        if not head.startswith(_SQLITE_MAGIC):
            return None
        # The schema's CREATE statements are plain text near the start of the file.
        if _REQUIRED <= {m.group(1).decode("ascii").lower() for m in _SCHEMA_TABLE.finditer(head)}:
            return 95
        if entry.member is None:
            try:
                conn = _connect_file(entry)
                try:
                    return 95 if _REQUIRED <= _tables(conn) else None
                finally:
                    conn.close()
            except _DB_ERRORS:
                return None
        return 40 if entry.basename in _KNOWN_NAMES else None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        for entry in entries:
            try:
                yield from self._parse_one(entry, ctx)
            except ParseError as exc:
                if len(entries) == 1:
                    raise
                # One unreadable copy among several databases must not hide the others.
                ctx.warn(entry, None, f"{exc.reason} Skipped; the other databases were read.")

    def _parse_one(self, entry: Entry, ctx: Context) -> Iterator[Message]:
        conn = _open(entry)
        try:
            _warn_unread_wal(entry, ctx)
            db = _Lookups.load(conn, entry, ctx)
            yield from _read_messages(conn, entry, ctx, db)
        finally:
            conn.close()


# --- opening --------------------------------------------------------------------------


def _connect_file(entry: Entry) -> sqlite3.Connection:
    """Read-only and immutable: SQLite then takes no locks and writes no -wal/-shm file."""
    uri = entry.path.resolve().as_uri() + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    conn.text_factory = _lenient_text
    return conn


def _lenient_text(raw: bytes) -> str:
    """Damaged or hostile text may not be UTF-8: show it replaced rather than fail on it."""
    return raw.decode("utf-8", errors="replace")


def _open(entry: Entry) -> sqlite3.Connection:
    """A connection to the database, checked to be a Messages database; never writable."""
    if not entry.head(len(_SQLITE_MAGIC)).startswith(_SQLITE_MAGIC):
        reason = "not an SQLite database, so not a Messages chat.db." if entry.head(1) else "the file is empty."
        raise ParseError(entry.file, entry.member, reason)
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect_file(entry) if entry.member is None else _connect_copy(entry)
        conn.execute("PRAGMA query_only = ON")
        # A file cut short still says in its header how long it was; SQLite refuses such a
        # file unless told to read what is there. Nothing can be written either way.
        conn.execute("PRAGMA writable_schema = ON")
        tables = _tables(conn)
    except _DB_ERRORS as exc:
        if conn is not None:
            conn.close()
        raise ParseError(entry.file, entry.member, f"not a readable SQLite database ({_why(exc)}).") from exc
    if not _REQUIRED <= tables:
        conn.close()
        reason = "an SQLite database without message and handle tables: not a Messages chat.db."
        raise ParseError(entry.file, entry.member, reason)
    conn.row_factory = sqlite3.Row
    return conn


def _connect_copy(entry: Entry) -> sqlite3.Connection:
    """A zip member, read into an in-memory database: no temporary file is ever written."""
    data = bytearray(entry.read_bytes())
    if data[18:20] == b"\x02\x02":
        # A WAL-mode header makes an in-memory copy unreadable; mark the copy (never the
        # original) as a rollback-journal database.
        data[18:20] = b"\x01\x01"
    conn = sqlite3.connect(":memory:")
    conn.text_factory = _lenient_text
    try:
        conn.deserialize(bytes(data))
    except _DB_ERRORS:
        conn.close()
        raise
    return conn


def _why(exc: Exception) -> str:
    return str(exc) if isinstance(exc, sqlite3.Error) else "damaged bytes in the schema"


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {str(row[0]).lower() for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    try:
        return {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}
    except _DB_ERRORS:
        return set()


def _warn_unread_wal(entry: Entry, ctx: Context) -> None:
    wal = f"{entry.name}-wal"
    if entry.member is None:
        sibling = entry.path.with_name(entry.path.name + "-wal")
        present = sibling.is_file() and sibling.stat().st_size > 0
    else:
        present = any(e.name == wal and e.size > 0 for e in ctx.export.entries)
    if present:
        ctx.warn(
            entry,
            None,
            f"{wal.rsplit('/', 1)[-1]} beside it holds recent messages not yet written into the database; "
            "they were not read. Quit Messages, then copy the database and its -wal file again.",
        )


# --- lookup tables --------------------------------------------------------------------


@dataclass
class _Chat:
    title: str | None
    members: tuple[str, ...]
    service: str | None


@dataclass
class _Lookups:
    """The small tables, read once: who each handle is, which chat a message is in, files."""

    handles: dict[int, str]
    chats: dict[int, _Chat]
    chat_of: dict[int, int]
    attachments_of: dict[int, list[tuple[Any, ...]]]
    files: dict[str, Entry]

    @classmethod
    def load(cls, conn: sqlite3.Connection, entry: Entry, ctx: Context) -> _Lookups:
        tables = _tables(conn)

        def rows(table: str, sql: str) -> list[sqlite3.Row]:
            if table not in tables:
                return []
            try:
                return conn.execute(sql).fetchall()
            except _DB_ERRORS as exc:
                ctx.warn(entry, f"table {table}", f"unreadable ({_why(exc)}); messages are read without it.")
                return []

        handles: dict[int, str] = {}
        for r in rows("handle", "SELECT ROWID, id FROM handle"):
            address = ctx.address(r[1]) if isinstance(r[1], str) else None
            if address:
                handles[r[0]] = address
        members: dict[int, list[str]] = {}
        for r in rows("chat_handle_join", "SELECT chat_id, handle_id FROM chat_handle_join ORDER BY 1, 2"):
            if r[1] in handles:
                members.setdefault(r[0], []).append(handles[r[1]])
        chat_cols = _columns(conn, "chat") if "chat" in tables else set()
        title = "display_name" if "display_name" in chat_cols else "NULL"
        service = "service_name" if "service_name" in chat_cols else "NULL"
        chats = {
            r[0]: _Chat(_text_or_none(r[1]), tuple(members.get(r[0], ())), _text_or_none(r[2]))
            for r in rows("chat", f"SELECT ROWID, {title}, {service} FROM chat")
        }
        chat_of = {r[1]: r[0] for r in rows("chat_message_join", "SELECT chat_id, message_id FROM chat_message_join")}
        att_cols = _columns(conn, "attachment") if "attachment" in tables else set()
        wanted = ("filename", "mime_type", "transfer_name", "total_bytes")
        picked = ", ".join(c if c in att_cols else "NULL" for c in wanted)
        files = {r[0]: tuple(r[1:]) for r in rows("attachment", f"SELECT ROWID, {picked} FROM attachment")}
        attachments_of: dict[int, list[tuple[Any, ...]]] = {}
        joined = "SELECT message_id, attachment_id FROM message_attachment_join ORDER BY 1, 2"
        for r in rows("message_attachment_join", joined):
            if r[1] in files:
                attachments_of.setdefault(r[0], []).append(files[r[1]])
        return cls(handles, chats, chat_of, attachments_of, _attachment_files(ctx))


def _attachment_files(ctx: Context) -> dict[str, Entry]:
    """Export files under an Attachments/ folder, keyed by their path from that folder on."""
    found: dict[str, Entry] = {}
    for e in ctx.export.entries:
        key = _attachments_key(e.name)
        if key is not None:
            found.setdefault(key, e)
    return found


def _attachments_key(path: str) -> str | None:
    at = path.rfind("Attachments/")
    return path[at:] if at >= 0 else None


# --- the message table ----------------------------------------------------------------


def _read_messages(conn: sqlite3.Connection, entry: Entry, ctx: Context, db: _Lookups) -> Iterator[Message]:
    """Every row, oldest first; on damage, every readable row by ROWID and each unreadable
    stretch of ROWIDs as one unparsed record."""
    present = _columns(conn, "message")
    picked = ", ".join(c if c in present else f"NULL AS {c}" for c in _MESSAGE_COLUMNS)
    base = f"SELECT ROWID AS rowid, {picked} FROM message"
    blank = 0
    seen = array("q")  # ROWIDs read: to skip them if the date-ordered read fails part-way
    try:
        for row in conn.execute(f"{base} ORDER BY date, ROWID"):
            seen.append(row[0])
            if _is_blank(row):
                blank += 1
                continue
            yield _message(row, entry, ctx, db)
    except _DB_ERRORS:
        yield from _read_damaged(conn, base, entry, ctx, db, sorted(seen))
        return
    # A damaged page can also hide rows without any error: an index still lists them.
    indexes = _message_indexes(conn)
    # COUNT(ROWID), not COUNT(*): for COUNT(*) SQLite scans whichever index it likes best.
    counts = (_one_int(conn, f"SELECT COUNT(ROWID) FROM message INDEXED BY {i}") for i in indexes)
    if any(count != len(seen) for count in counts):
        for hidden in _listed_but_missing(conn, indexes, sorted(seen), [], with_join=False):
            yield _lost_record(conn, entry, ctx, hidden, "missing from the message table")
    if blank:
        ctx.warn(entry, "message table", f"{blank} row(s) without guid, date or text (damaged pages) were ignored.")


def _is_blank(row: sqlite3.Row) -> bool:
    """A zeroed page of a damaged file read as rows: nothing in them."""
    return all(row[key] is None for key in ("guid", "date", "text", "attributedBody"))


def _read_damaged(
    conn: sqlite3.Connection, base: str, entry: Entry, ctx: Context, db: _Lookups, seen: list[int]
) -> Iterator[Message]:
    """The message table read again by ROWID ranges, skipping the rows in `seen`; then every
    ROWID that chat_message_join or an index still lists but that was neither read nor
    named lost (a damaged page can also hide rows without an error) is named lost too."""
    bounds = _rowid_bounds(conn, seen)
    if bounds is None:
        yield ctx.unparsed(entry, "message table", "", "the message table is damaged and no row of it could be read",
                           channel=Channel.IMESSAGE)
        return
    lo, hi, hi_exact = bounds
    blank = 0
    read = array("q")  # ROWIDs the table gave, ascending
    lost_spans: list[_Lost] = []
    for item in _rows_by_range(conn, base, lo, hi):
        if isinstance(item, _Lost):
            lost_spans.append(item)
            yield _lost_record(conn, entry, ctx, item, "a damaged database page")
            continue
        read.append(item["rowid"])
        if _is_blank(item):
            blank += 1
        elif not _contains(seen, item["rowid"]):
            yield _message(item, entry, ctx, db)
    if not hi_exact:
        # The last ROWID was not readable; rows past the best guess may still be there.
        last = hi
        try:
            for row in conn.execute(f"{base} WHERE ROWID > ? ORDER BY ROWID", (hi,)):
                last = row["rowid"]
                read.append(last)
                if _is_blank(row):
                    blank += 1
                elif not _contains(seen, last):
                    yield _message(row, entry, ctx, db)
        except _DB_ERRORS as exc:
            lost_spans.append(_Lost(last + 1, 2**63 - 1, _why(exc)))
            reason = f"the database is damaged ({_why(exc)}); the rows from ROWID {last + 1} on could not be read"
            yield ctx.unparsed(entry, f"message ROWID {last + 1}-", "", reason, channel=Channel.IMESSAGE)
    for hidden in _listed_but_missing(conn, _message_indexes(conn), sorted(read), lost_spans, with_join=True):
        yield _lost_record(conn, entry, ctx, hidden, "missing from the message table")
    if blank:
        ctx.warn(entry, "message table", f"{blank} row(s) without guid, date or text (damaged pages) were ignored.")


def _message_indexes(conn: sqlite3.Connection) -> list[str]:
    """The message table's whole (not partial) indexes, quoted for INDEXED BY. Each holds
    every row's ROWID, and scanning one never touches the table's own pages."""
    try:
        rows = conn.execute("PRAGMA index_list(message)").fetchall()  # seq, name, unique, origin, partial
    except _DB_ERRORS:
        return []
    return [f'"{r[1]}"' for r in rows if len(r) > 4 and not r[4] and isinstance(r[1], str) and '"' not in r[1]]


def _listed_but_missing(
    conn: sqlite3.Connection, indexes: list[str], read: list[int], lost: list[_Lost], with_join: bool
) -> list[_Lost]:
    """Runs of ROWIDs that an index of the message table (and, once damage was met,
    chat_message_join) lists, but that the table neither gave nor failed on.

    In a sound database every index entry has its row. chat_message_join is asked only
    after damage, since Messages may leave a join row behind a deleted message."""
    sources = ["SELECT message_id FROM chat_message_join"] if with_join else []
    sources += [f"SELECT ROWID FROM message INDEXED BY {name}" for name in indexes]
    firsts = [x.first for x in lost]  # ascending, as the range reader names them
    missing: set[int] = set()
    for sql in sources:
        try:
            for (value,) in conn.execute(sql):
                rowid = _int(value)
                if rowid is None or _contains(read, rowid):
                    continue
                at = bisect_right(firsts, rowid) - 1
                if at < 0 or rowid > lost[at].last:
                    missing.add(rowid)
        except _DB_ERRORS:
            continue  # a damaged index or join table: what it gave before the damage counts
    runs: list[_Lost] = []
    for rowid in sorted(missing):
        if runs and runs[-1].last == rowid - 1:
            runs[-1].last = rowid
        else:
            runs.append(_Lost(rowid, rowid, "listed in an index" + (" or chat_message_join" if with_join else "")))
    return runs


def _contains(ordered: list[int], value: int) -> bool:
    at = bisect_left(ordered, value)
    return at < len(ordered) and ordered[at] == value


def _rowid_bounds(conn: sqlite3.Connection, seen: list[int]) -> tuple[int, int, bool] | None:
    """(first, last, last_is_exact): the ROWIDs to read. The table's own MIN/MAX when its
    first and last pages are readable, else what sqlite_sequence, chat_message_join and the
    rows already read say; None when nothing says anything."""
    low = _one_int(conn, "SELECT MIN(ROWID) FROM message")
    high = _one_int(conn, "SELECT MAX(ROWID) FROM message")
    if low is not None and high is not None:
        return low, high, True
    # With AUTOINCREMENT (as Messages creates the table) no ROWID ever exceeded seq.
    sequence = _one_int(conn, "SELECT seq FROM sqlite_sequence WHERE name = 'message'")
    hints = [v for v in (
        sequence,
        _one_int(conn, "SELECT MIN(message_id) FROM chat_message_join"),
        _one_int(conn, "SELECT MAX(message_id) FROM chat_message_join"),
        seen[0] if seen else None,
        seen[-1] if seen else None,
    ) if v is not None]
    if low is None:
        low = min([1, *hints])  # Messages numbers its rows from 1
    if high is not None:
        return low, high, True
    if not hints:
        return None
    return low, max(low, *hints), sequence is not None and sequence >= max(hints)


def _one_int(conn: sqlite3.Connection, sql: str) -> int | None:
    try:
        row = conn.execute(sql).fetchone()
    except _DB_ERRORS:
        return None
    value = row[0] if row is not None else None
    return _int(value)


@dataclass
class _Lost:
    """A stretch of ROWIDs that could not be read, and why."""

    first: int
    last: int
    why: str


# Failed queries allowed while halving damaged ranges (a failed query costs ~20 µs). A
# damaged interior page can make a range of ~1e18 ROWIDs fail everywhere: past this many
# failures, a range that fails is named lost whole instead of being halved further.
_FAILURE_BUDGET = 250_000


def _rows_by_range(conn: sqlite3.Connection, base: str, lo: int, hi: int) -> Iterator[sqlite3.Row | _Lost]:
    """The rows with lo <= ROWID <= hi in ROWID order, and the stretches that cannot be read.

    A range is read in one query; when SQLite raises part-way, what follows the last row
    read is halved and each half read again, down to single ROWIDs (read by `ROWID = ?`,
    which touches only the page that holds the row). Unreadable neighbours merge into one
    _Lost. A damaged page costs a few queries per ROWID it held, never the rest of the table.
    """
    lost: _Lost | None = None
    failures = 0

    def fail(first: int, last: int, exc: Exception) -> _Lost | None:
        """Add first..last to the current lost stretch; the stretch it closes, if any."""
        nonlocal lost, failures
        failures += 1
        if lost is not None and lost.last == first - 1:
            lost.last = last
            return None
        closed, lost = lost, _Lost(first, last, _why(exc))
        return closed

    pending = [(lo, hi)]
    while pending:
        a, b = pending.pop()
        start = a
        try:
            if a == b:
                rows = [row for row in conn.execute(f"{base} WHERE ROWID = ?", (a,)) if row["rowid"] == a][:1]
            else:
                rows = conn.execute(f"{base} WHERE ROWID BETWEEN ? AND ? ORDER BY ROWID", (a, b))
            for row in rows:
                if not start <= row["rowid"] <= b:
                    continue  # a damaged tree can lead the cursor back to rows already given
                if lost is not None:
                    yield lost
                    lost = None
                yield row
                start = row["rowid"] + 1
            continue
        except _DB_ERRORS as exc:
            if start > b:
                continue
            if a == b or failures >= _FAILURE_BUDGET:
                # One ROWID that cannot be read, or no budget left to halve: lost whole.
                closed = fail(start, b, exc)
                if closed is not None:
                    yield closed
                continue
            failures += 1
            if start == b:
                pending.append((b, b))
                continue
        mid = start + (b - start) // 2
        pending.append((mid + 1, b))
        pending.append((start, mid))
    if lost is not None:
        yield lost


def _lost_record(conn: sqlite3.Connection, entry: Entry, ctx: Context, lost: _Lost, what: str) -> Message:
    """One unparsed record for a stretch of unreadable ROWIDs, with what chat_message_join
    still knows of them (which conversation, when) as its text."""
    span = f"{lost.first}" if lost.first == lost.last else f"{lost.first}-{lost.last}"
    known = _joined(conn, lost.first, lost.last)
    lines = [f"ROWID {rowid} in chat {chat}" + (f" at {when.isoformat()}" if when else "")
             for rowid, chat, when in known]
    times = [when for _, _, when in known if when is not None]
    rows = "the row" if lost.first == lost.last else f"the rows with ROWID {lost.first} to {lost.last}"
    listed = f"; chat_message_join lists {len(known)} message(s) among them" if known else ""
    reason = f"{what} ({lost.why}): {rows} could not be read{listed}"
    return ctx.unparsed(entry, f"message ROWID {span}", "\n".join(lines), reason, channel=Channel.IMESSAGE,
                        timestamp=min(times) if times else None)


def _joined(conn: sqlite3.Connection, first: int, last: int) -> list[tuple[int, int, datetime | None]]:
    """(ROWID, chat, date) of the messages chat_message_join places in first..last."""
    has_date = "message_date" in _columns(conn, "chat_message_join")
    date = "message_date" if has_date else "NULL"
    sql = (f"SELECT message_id, chat_id, {date} FROM chat_message_join "
           "WHERE message_id BETWEEN ? AND ? ORDER BY message_id, chat_id")
    try:
        rows = conn.execute(sql, (first, last)).fetchall()
    except _DB_ERRORS:
        return []
    return [(r[0], r[1], _apple_time(r[2])) for r in rows if _int(r[0]) is not None]


def _message(row: sqlite3.Row, entry: Entry, ctx: Context, db: _Lookups) -> Message:
    rowid = row["rowid"]
    locator = f"message ROWID {rowid}"
    chat = db.chats.get(db.chat_of.get(rowid, -1))
    channel, service_extra = _channel(row["service"], chat)
    timestamp = _apple_time(row["date"])
    if timestamp is None:
        return ctx.unparsed(entry, locator, _raw(row), "no readable date", channel=channel)
    text = row["text"]
    if not isinstance(text, str):
        blob = row["attributedBody"]
        if isinstance(blob, bytes) and blob:
            text = _archived_text(blob)
            if text is None:
                reason = "the text in attributedBody could not be read"
                return ctx.unparsed(entry, locator, _raw(row), reason, channel=channel, timestamp=timestamp)
        else:
            text = ""
    body = text.replace(_OBJECT_MARK, "").strip() if _OBJECT_MARK in text else text

    handle = db.handles.get(_int(row["handle_id"]) or 0)
    from_me = _int(row["is_from_me"])
    members = chat.members if chat and chat.members else ((handle,) if handle else ())
    if from_me == 1:
        direction, sender, recipients = Direction.OUT, "me", members
    else:
        direction = Direction.IN if from_me == 0 else Direction.UNKNOWN
        sender = handle or None
        others = tuple(m for m in members if m != sender)
        recipients = ("me", *others) if direction is Direction.IN else others

    extra: dict[str, Any] = {"guid": _text_or_none(row["guid"]), **service_extra}
    if chat and chat.title:
        extra["chat"] = chat.title
    for column, key in (("subject", "subject"), ("thread_originator_guid", "reply_to")):
        value = _text_or_none(row[column])
        if value:
            extra[key] = value
    attachments = tuple(_attachment(a, entry, ctx, db) for a in db.attachments_of.get(rowid, ()))
    kind, body = _classify(row, body, bool(attachments), db, extra)
    return Message(
        timestamp=timestamp,
        channel=channel,
        kind=kind,
        direction=direction,
        sender=sender,
        recipients=recipients,
        body=body,
        attachments=attachments,
        source=Source(entry.file, entry.locate(locator)),
        extra=extra,
    )


def _classify(row: sqlite3.Row, body: str, has_files: bool, db: _Lookups, extra: dict[str, Any]) -> tuple[Kind, str]:
    """The kind of record a row is (and the body of an event), noting its facts in `extra`."""
    edited = _apple_time(row["date_edited"])
    retracted = _apple_time(row["date_retracted"])
    if edited is not None:
        extra["edited"] = True
        extra["edited_at"] = edited.isoformat()
    associated = _int(row["associated_message_type"]) or 0
    item_type = _int(row["item_type"]) or 0
    if retracted is not None or (edited is not None and not body and not has_files):
        if retracted is not None:
            extra["unsent_at"] = retracted.isoformat()
        return Kind.DELETED, body
    if 2000 <= associated < 2000 + len(_TAPBACKS) or 3000 <= associated < 3000 + len(_TAPBACKS):
        extra["tapback"] = _TAPBACKS[associated % 1000]
        extra["target_guid"] = _target_guid(row["associated_message_guid"])
        if associated >= 3000:
            extra["removed"] = True
        emoji = _text_or_none(row["associated_message_emoji"])
        if emoji:
            extra["emoji"] = emoji
        return Kind.SYSTEM, body
    if item_type != 0:
        other = db.handles.get(_int(row["other_handle"]) or 0)
        extra["item_type"] = item_type
        if other:
            extra["other"] = other
        action = _int(row["group_action_type"]) or 0
        return Kind.SYSTEM, body or _event_text(item_type, action, other, _text_or_none(row["group_title"]))
    if associated == _STICKER:
        extra["target_guid"] = _target_guid(row["associated_message_guid"])
        return Kind.MEDIA, body
    return (Kind.MEDIA if has_files and not body else Kind.MESSAGE), body


def _channel(service: Any, chat: _Chat | None) -> tuple[Channel, dict[str, str]]:
    """The channel from the row's service, else the chat's; unusual services kept in extra."""
    name = service if isinstance(service, str) and service else (chat.service if chat else None)
    if name == "iMessage":
        return Channel.IMESSAGE, {}
    if name == "SMS":
        return Channel.SMS, {}
    if name == "RCS":
        return Channel.SMS, {"service": name}
    return Channel.OTHER, ({"service": name} if name else {})


def _event_text(item_type: int, action: int, other: str | None, title: str | None) -> str:
    """What Messages shows for a conversation event (the actor is the message's sender)."""
    someone = other or "someone"
    if item_type == 1:
        return f"removed {someone} from the conversation" if action == 1 else f"added {someone} to the conversation"
    if item_type == 2:
        return f"named the conversation “{title}”" if title else "removed the conversation name"
    if item_type == 3:
        return {0: "left the conversation", 1: "changed the group photo", 2: "removed the group photo"}.get(
            action, f"changed the conversation (action {action})"
        )
    return f"conversation event (item_type {item_type})"


def _attachment(info: tuple[Any, ...], entry: Entry, ctx: Context, db: _Lookups) -> Attachment:
    filename, mime, transfer_name = (_text_or_none(value) for value in info[:3])
    total = _int(info[3])
    name = transfer_name or (filename.rsplit("/", 1)[-1] if filename else None) or "attachment"
    key = _attachments_key(filename) if filename else None
    found = db.files.get(key) if key else None
    if found is not None:
        try:
            size, sha256 = measure(found, ctx.export.limits)
        except ParseError:
            ctx.warn(found, None, "attachment file unreadable; kept by name only.")
        else:
            return Attachment(name, mime, size, sha256, source=found)
    return Attachment(name, mime, total if total and total > 0 else None)


# --- values ---------------------------------------------------------------------------


def _apple_time(value: Any) -> datetime | None:
    """An Apple time (seconds or nanoseconds since 2001) as aware UTC; None for 0/NULL/junk."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        return None
    try:
        if value > _NANOSECONDS:
            return _APPLE_EPOCH + timedelta(microseconds=int(value) // 1000)
        return _APPLE_EPOCH + timedelta(seconds=value)
    except (OverflowError, ValueError):
        return None


def _archived_text(blob: bytes) -> str | None:
    """The string of an NSAttributedString archived as a typedstream, or None.

    After the class name "NSString" come a few bytes of class version and type, ending in
    the C-string type '+', then the UTF-8 byte length: one byte below 0x80, or 0x81 and an
    int16, or 0x82 and an int32 (little-endian), then the bytes.
    """
    at = blob.find(b"NSString")
    if at < 0:
        return None
    plus = blob.find(b"+", at + 8, at + 16)
    if plus < 0 or plus + 1 >= len(blob):
        return None
    tag, pos = blob[plus + 1], plus + 2
    if tag < 0x80:
        length = tag
    elif tag in (0x81, 0x82):
        width = 2 if tag == 0x81 else 4
        if pos + width > len(blob):
            return None
        length = int.from_bytes(blob[pos : pos + width], "little", signed=True)
        pos += width
    else:
        return None
    if length < 0 or pos + length > len(blob):
        return None
    return blob[pos : pos + length].decode("utf-8", errors="replace")


def _target_guid(value: Any) -> str | None:
    """The bare guid of a tapback's target: 'p:0/GUID' (part 0 of it) or 'bp:GUID'."""
    text = _text_or_none(value)
    if not text:
        return None
    return text.split("/", 1)[1] if text.startswith("p:") and "/" in text else text.removeprefix("bp:")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _raw(row: sqlite3.Row) -> str:
    """The row as text for an unparsed record: every non-empty column, blobs decoded."""
    parts = []
    for key in row.keys():
        value = row[key]
        if value is None:
            continue
        shown = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
        parts.append(f"{key}={shown}")
    return "; ".join(parts)
