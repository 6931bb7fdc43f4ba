"""Facebook Messenger and Instagram "Download your information" exports, JSON and HTML.

JSON (`MessengerJson`, `InstagramJson`): one folder per thread under `messages/inbox/`,
`archived_threads/`, `filtered_threads/`, `message_requests/` or `e2ee_cutover/`
(Instagram: `your_instagram_activity/messages/...`). A long thread is split over
`message_1.json`, `message_2.json` ... `message_10.json`; each file holds `participants`,
`title` and `messages`, newest first: `sender_name`, `timestamp_ms` (an instant),
`content`, `type` (Generic, Share, Call, Subscribe, Unsubscribe; gone since 2024),
`photos`/`videos`/`audio_files`/`files`/`gifs`/`sticker` (a `uri` into the export),
`share` (`link`, `share_text`), `call_duration`, `missed`, `is_unsent`, `reactions`.

The end-to-end-encrypted download Meta added in 2024 has its own schema, one file per
thread: `participants` as plain strings, `threadName`, and `messages` with `senderName`,
`timestamp` (ms), `text`, `media` (`uri` relative to the file), `reactions`, `isUnsent`.

HTML (`MessengerHtml`): `message_N.html`, one box per message holding the sender, the
content and a date. The class names are minified per build, so boxes are found by shape:
an element whose first child is a name and whose last child is a date. The dates are
wall time with no zone ("Jan 2, 2024, 10:11 PM", "Jan 02, 2024 10:11:12 pm",
"02 Jan 2024, 22:11"), so those timestamps stay naive.

Quirks:
- Mojibake: the JSON writes every UTF-8 byte as a `\\u00XX` escape ("cafÃ©"). Strings
  are repaired by encoding latin-1 and decoding UTF-8 where that round-trips; ftfy's
  `fix_encoding` handles strings that are only partly broken.
- The reader: the export owner is in every thread, so with several threads the one name
  common to all of them is the reader (noted once). With a single thread and no --me
  the directions are unknown (noted once): the export does not say which side is whose.
- Attachments are named by their `uri`; where that file is inside the export folder or
  zip it is read and hashed.
- HTML, and JSON since 2024, write group events, unsent messages and calls as English
  text ("Alex named the group ...", "You unsent a message."). Such a line becomes a
  system/deleted/call record only when it starts with the sender's own name or first
  name (or "You", from the reader): a message merely containing the words stays one.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import ftfy
import lxml.html
from lxml import etree

from greyrock.errors import ParseError
from greyrock.model import Attachment, Channel, Direction, Kind, Message, Source

from . import _json
from ._attach import guess_mime, measure
from ._base import Context
from ._export import Entry, Export
from ._text import decode_mixed, line_of
from ._time import from_epoch, from_epoch_ms

__all__ = ["InstagramJson", "MessengerHtml", "MessengerJson"]

_FOLDERS = frozenset({"inbox", "archived_threads", "filtered_threads", "message_requests", "e2ee_cutover"})
_MEDIA_KEYS = ("photos", "videos", "audio_files", "files", "gifs")
_SYSTEM_TYPES = frozenset({"Subscribe", "Unsubscribe"})
_KNOWN_TYPES = frozenset({"Generic", "Call", "Share"}) | _SYSTEM_TYPES
_SHARE_KEYS = {"link": "link", "share_text": "text", "original_content_owner": "owner"}

# --- sniffing -----------------------------------------------------------------------

_MESSAGES_KEY = re.compile(r'"messages"\s*:\s*\[')
_PARTICIPANTS_KEY = re.compile(r'"participants"\s*:\s*\[')
_META_FIELDS = (
    (re.compile(r'"sender_name"\s*:'), re.compile(r'"timestamp_ms"\s*:')),
    (re.compile(r'"senderName"\s*:'), re.compile(r'"timestamp"\s*:')),
)
_EMPTY_THREAD = re.compile(r'"messages"\s*:\s*\[\s*\]')
_E2EE_HEAD = re.compile(r'"participants"\s*:\s*\[\s*"|"threadName"\s*:|"senderName"\s*:')
_HTML_NAME = re.compile(r"message_\d+\.html?", re.IGNORECASE)
_HTML_MARKERS = ("uiBoxWhite", "_a6-g", "_2lej", "Participants:")
_PART_NO = re.compile(r"_(\d+)\.(?:json|html?)$", re.IGNORECASE)


def _json_shape(entry: Entry) -> str | None:
    """'thread' for a Meta thread file, 'messages' for a bare message list, else None.

    Meta's own field names must be there (or the thread be empty): other apps' JSON
    with "participants" and "messages" (Telegram, Meta's autofill or secret-conversation
    files) is not claimed.
    """
    if not entry.name.lower().endswith(".json"):
        return None
    head = entry.head_text()
    if not head.lstrip().startswith("{") or not _MESSAGES_KEY.search(head):
        return None
    fields = any(a.search(head) and b.search(head) for a, b in _META_FIELDS)
    if _PARTICIPANTS_KEY.search(head) and (fields or _EMPTY_THREAD.search(head)):
        return "thread"
    return "messages" if fields else None


def _says_instagram(entry: Entry) -> bool:
    """Whether the path above the thread folder, or content only Instagram writes, says so."""
    parts = entry.name.lower().split("/")
    above = parts[:-2] if len(parts) > 1 else parts
    if entry.member is not None:
        above = [*above, entry.file.lower()]
    if any("instagram" in part for part in above):
        return True
    head = entry.head_text()
    return "your_instagram_activity/" in head or '"original_content_owner"' in head


# --- small helpers --------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def _fix(value: str) -> str:
    """Undo Meta's mojibake: each UTF-8 byte was written as one latin-1 character."""
    if value.isascii():
        return value
    try:
        fixed = value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        fixed = ftfy.fix_encoding(value)
    return _SURROGATE.sub("\ufffd", fixed)


def _text(value: object) -> str | None:
    return _fix(value) if isinstance(value, str) else None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dump(item: object) -> str:
    try:
        return _json.dumps(item)
    except (TypeError, ValueError, RecursionError):
        return repr(item)


def _folder(entry: Entry, thread_path: object = None) -> str | None:
    for part in reversed(entry.name.split("/")[:-1]):
        if part in _FOLDERS:
            return part
    if isinstance(thread_path, str) and thread_path.split("/", 1)[0] in _FOLDERS:
        return thread_path.split("/", 1)[0]
    return None


def _part_no(entry: Entry) -> int:
    found = _PART_NO.search(entry.basename)
    return int(found.group(1)) if found else 0


_EPOCH_NAIVE = datetime(1970, 1, 1)


def _order(ts: datetime | None) -> tuple[bool, float]:
    """Sort key within a thread: by time, records without one last."""
    if ts is None:
        return (True, 0.0)
    if ts.tzinfo is None:
        return (False, (ts - _EPOCH_NAIVE).total_seconds())
    return (False, ts.timestamp())


# --- attachments ----------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


class _Media:
    """The files of the export that messages point at, found by path and hashed once.

    Only entries of the export itself are ever read, so a hostile `uri` ("../../etc")
    cannot reach outside it. A `uri` is tried relative to the message file, then as a
    path ending (Meta writes them from the export root, which a zip or a folder handed
    over one level down does not share); an ending that fits two files is left alone.
    """

    def __init__(self, export: Export) -> None:
        self._entries = export.entries
        self._by_name: dict[str, Entry] | None = None
        self._by_suffix: dict[str, list[Entry]] = {}
        self._read: dict[int, Attachment] = {}

    def attachment(self, uri: str, near: Entry, ctx: Context, audio: bool = False) -> Attachment:
        """`audio`: the export lists it as a voice clip, which Meta stores as .mp4."""
        mime = guess_mime(uri) if "." in uri.split("?", 1)[0].rsplit("/", 1)[-1] else None
        if audio and mime and mime.startswith("video/"):
            mime = "audio/" + mime.split("/", 1)[1]
        target = self._find(uri, near)
        if target is None:
            if not _SCHEME.match(uri.strip()):
                ctx.note_once(near, "some attachments named here are not in the export; only their names are kept.")
            return Attachment(uri, mime)
        known = self._read.get(id(target))
        if known is None:
            try:
                size, sha256 = measure(target, ctx.export.limits)
            except ParseError:
                ctx.warn(near, None, f"cannot read attachment {target.name}; only its name is kept.")
                return Attachment(uri, mime)
            known = Attachment(target.name, mime, size, sha256, source=target)
            self._read[id(target)] = known
        return Attachment(uri, mime, known.size, known.sha256, source=known.source)

    def _find(self, uri: str, near: Entry) -> Entry | None:
        text = uri.strip().replace("\\", "/")
        if not text or _SCHEME.match(text) or text.startswith("#"):
            return None
        if self._by_name is None:
            self._by_name = {e.name: e for e in self._entries}
            for e in self._entries:
                parts = e.name.split("/")
                for k in range(1, len(parts) + 1):
                    self._by_suffix.setdefault("/".join(parts[-k:]), []).append(e)
        own = posixpath.normpath(posixpath.join(posixpath.dirname(near.name), text))
        if own in self._by_name:
            return self._by_name[own]
        parts = [p for p in posixpath.normpath("/" + text).split("/") if p]
        for k in range(len(parts), 0, -1):
            if k == 1 and len(parts) > 1:
                break
            hits = self._by_suffix.get("/".join(parts[-k:]))
            if hits:
                return hits[0] if len(hits) == 1 else None
        return None


# --- text lines Meta writes for events --------------------------------------------------

_BOILERPLATE = re.compile(
    r"You are now connected on Messenger\.?|Say hi to your new Facebook friend, .+"
    r"|You can now message and call each other.*|Liked a message|Reacted .{1,12} to your message"
)
_CALL_ENDED = re.compile(r"The (?:video )?call ended\.?")
_DELETED_TAIL = re.compile(r"unsent a message\.?")
_CALL_TAIL = re.compile(r"(?:called you|started a (?:video )?call|joined the (?:video )?call)\.?")
_READER_CALL_TAIL = re.compile(r"called (?P<callee>.+?)\.?")
_SYSTEM_TAIL = re.compile(
    r"(?:named the group .+|changed the group (?:photo|name to .+)|removed the group name"
    r"|set (?:the nickname for .+|(?:his|her|their|your) own nickname) to .+"
    r"|cleared (?:the nickname for .+|(?:his|her|their|your) own nickname)"
    r"|changed the (?:chat )?theme(?: to .+)?|set the (?:quick reaction|emoji) to .+"
    r"|added .+ to the group|removed .+ from the group|left the (?:group|chat|conversation)"
    r"|created the group.*|(?:started|stopped) sharing (?:(?:his|her|their|your) )?(?:live )?location"
    r"|(?:pinned|unpinned) a message|turned (?:on|off) disappearing messages.*)\.?"
)


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def _text_kind(body: str, sender: str | None, from_reader: bool, others: tuple[str, ...] = ()) -> Kind | None:
    """The kind of an event Meta wrote as a text line, or None for a real message.

    `others`: the thread's other people, the only ones "You called ..." can name.
    """
    text = body.strip()
    if not text or "\n" in text or len(text) > 300:
        return None
    if _BOILERPLATE.fullmatch(text):
        return Kind.SYSTEM
    if _CALL_ENDED.fullmatch(text):
        return Kind.CALL
    if not sender:
        return None
    first_name = _first_name(sender)
    if text.startswith("You missed a"):
        caller = "|".join(re.escape(name) for name in (sender, first_name))
        if re.fullmatch(rf"You missed a (?:video )?call from (?:{caller})\.?", text):
            return Kind.CALL
    actors = {sender, first_name} | ({"You"} if from_reader else set())
    for actor in sorted(actors, key=len, reverse=True):
        if not text.startswith(actor + " "):
            continue
        rest = text[len(actor) + 1 :]
        if _DELETED_TAIL.fullmatch(rest):
            return Kind.DELETED
        if _CALL_TAIL.fullmatch(rest):
            return Kind.CALL
        callee = _READER_CALL_TAIL.fullmatch(rest) if actor == "You" else None
        if callee and any(callee["callee"] in (name, _first_name(name)) for name in others):
            return Kind.CALL
        if _SYSTEM_TAIL.fullmatch(rest):
            return Kind.SYSTEM
    return None


# --- records and threads ----------------------------------------------------------------


@dataclass
class _Rec:
    """One message read from a file, before the thread tells its direction.

    `raw` is set (with `reason`) for a record that could not be read. `textual` marks a
    plain message whose text may still turn out to be an event line (`_text_kind`).
    """

    locator: str
    timestamp: datetime | None
    sender: str | None = None
    kind: Kind = Kind.MESSAGE
    body: str = ""
    attachments: tuple[Attachment, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    textual: bool = False
    raw: str | None = None
    reason: str = ""


def _unreadable(locator: str, raw: str, reason: str) -> _Rec:
    return _Rec(locator, None, raw=raw, reason=reason)


@dataclass
class _Thread:
    entries: list[Entry]
    names: list[str] = field(default_factory=list)  # participants, then other senders
    declared: list[str] = field(default_factory=list)  # the participants the file lists
    extra: dict[str, Any] = field(default_factory=dict)
    records: list[tuple[Entry, _Rec]] = field(default_factory=list)

    def add_name(self, name: str | None) -> None:
        if name and name not in self.names:
            self.names.append(name)

    def add_file(self, entry: Entry, recs: list[_Rec]) -> None:
        """Adds one file's records oldest first, whichever way round the file has them."""
        stamps = [r.timestamp for r in recs if r.raw is None and r.timestamp is not None]
        if len(stamps) > 1 and _order(stamps[0]) > _order(stamps[-1]):
            recs = recs[::-1]
        for rec in recs:
            self.add_name(rec.sender)
            self.records.append((entry, rec))


@dataclass
class _Unreadable:
    """A whole file that could not be read: why, and its text as far as it was read."""

    reason: str
    raw: str


_Reader = Callable[[str | None], Direction]


class _MetaImporter:
    """What the Meta formats share: threads, who the reader is, and the emitted Message."""

    name: ClassVar[str]
    help: ClassVar[str]

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        groups = self._group(entries)
        media = _Media(ctx.export)
        reader = self._reader(groups, entries, ctx)
        for group in groups:
            thread = self._load(group, ctx, media, alone=len(entries) == 1)
            yield from self._emit(thread, reader, ctx)

    # Format-specific parts.
    def _thread_key(self, entry: Entry) -> str:
        return posixpath.dirname(entry.name)

    def _names(self, group: list[Entry]) -> list[str]:
        raise NotImplementedError

    def _load(self, group: list[Entry], ctx: Context, media: _Media, alone: bool) -> _Thread:
        raise NotImplementedError

    def _channel(self, entry: Entry) -> Channel:
        raise NotImplementedError

    def _group(self, entries: list[Entry]) -> list[list[Entry]]:
        groups: dict[str, list[Entry]] = {}
        for entry in entries:
            groups.setdefault(self._thread_key(entry), []).append(entry)
        return [sorted(g, key=lambda e: (_part_no(e), e.name)) for g in groups.values()]

    def _reader(self, groups: list[list[Entry]], entries: list[Entry], ctx: Context) -> _Reader:
        """Who sent "out": --me, else the one person in every thread of the export.

        The names are read in a first pass over the files, thread by thread, so that a
        large export is never held in memory whole.
        """
        if ctx.me:
            return ctx.direction_of
        first = entries[0]
        if len(groups) == 1:
            ctx.note_once(
                first,
                "a single thread cannot tell the reader from the other participants, "
                "so directions are unknown: pass --me NAME.",
            )
            return lambda _name: Direction.UNKNOWN
        common: set[str] | None = None
        for group in groups:
            names = set(self._names(group))
            if names:
                common = names if common is None else common & names
        if common is not None and len(common) == 1:
            reader = next(iter(common))
            ctx.note_once(
                first,
                f"the reader is taken to be {reader!r}, the one person in every thread; "
                "pass --me NAME if that is wrong.",
            )
            return lambda name: Direction.UNKNOWN if not name else Direction.OUT if name == reader else Direction.IN
        ctx.note_once(
            first,
            "no single person is in every thread, so the reader and the directions are unknown: pass --me NAME.",
        )
        return lambda _name: Direction.UNKNOWN

    def _emit(self, thread: _Thread, reader: _Reader, ctx: Context) -> Iterator[Message]:
        if ctx.me and thread.names and not any(ctx.is_me(n) for n in thread.names):
            ctx.note_once(thread.entries[0], "--me names no participant of this thread; all of it reads as received.")
        for entry, rec in sorted(thread.records, key=lambda pair: _order(pair[1].timestamp)):
            channel = self._channel(entry)
            if rec.raw is not None:
                yield ctx.unparsed(entry, rec.locator, rec.raw, rec.reason, channel=channel, timestamp=rec.timestamp)
                continue
            direction = reader(rec.sender)
            others = tuple(n for n in (thread.declared or thread.names) if n != rec.sender)
            kind = rec.kind
            if rec.textual:
                kind = _text_kind(rec.body, rec.sender, direction is Direction.OUT, others) or kind
            recipients = tuple(a for a in (ctx.address(n) for n in others) if a)
            yield Message(
                timestamp=rec.timestamp,
                channel=channel,
                kind=kind,
                direction=direction,
                sender=ctx.address(rec.sender),
                sender_name=rec.sender,
                recipients=recipients,
                body=rec.body,
                attachments=rec.attachments,
                source=Source(entry.file, entry.locate(rec.locator)),
                extra={**thread.extra, **rec.extra},
            )


# --- JSON -----------------------------------------------------------------------------


@dataclass
class _JsonFile:
    top: dict[str, Any]
    items: list[tuple[str, Any]]  # (locator, element of a "messages" list)
    tail: tuple[str, str] | None = None  # (locator, raw text) where the file breaks off
    notes: list[tuple[str, str]] = field(default_factory=list)  # (place, what was repaired)


_WS = re.compile(r"\s*")


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches


def _read_json(entry: Entry) -> _JsonFile | _Unreadable:
    try:
        data = entry.read_bytes()
    except ParseError as exc:
        return _Unreadable(exc.reason, "")
    text, notes = _json.decode(data)
    if not text.strip():
        return _Unreadable("the file is empty", text)
    try:
        top = _json.DECODER.decode(text)
    except (ValueError, RecursionError):
        loaded = _salvage(text)
    else:
        if not isinstance(top, dict) or not isinstance(top.get("messages"), list):
            return _Unreadable("not a Messenger thread: there is no list of messages", text)
        loaded = _JsonFile(top, _message_items(top))
    if isinstance(loaded, _JsonFile):
        loaded.notes[:0] = notes
        if _json.may_hold_surrogates(text):
            _repair(loaded)
    return loaded


def _message_items(top: dict[str, Any]) -> list[tuple[str, Any]]:
    """The messages with their locators, those of a second "messages" list included
    (`messages#2[0]`): a duplicate key must not hide a whole list."""
    lists = [("messages", top["messages"])]
    if isinstance(top, _json.JsonObject):
        later = [(k, v) for k, v in top.duplicates if k == "messages" and isinstance(v, list)]
        top.duplicates[:] = [(k, v) for k, v in top.duplicates if not (k == "messages" and isinstance(v, list))]
        lists.extend((f"messages#{n}", v) for n, (_, v) in enumerate(later, 2))
    return [(f"{name}[{i}]", item) for name, items in lists for i, item in enumerate(items)]


def _repair(loaded: _JsonFile) -> None:
    """Replace lone surrogates everywhere in the file, noting each place."""
    places: list[str] = []
    for i, (locator, item) in enumerate(loaded.items):
        fixed, found = _json.repair_surrogates(item, locator)
        loaded.items[i] = (locator, fixed)
        places.extend(found)
    messages = loaded.top.pop("messages", None)
    places.extend(_json.repair_surrogates(loaded.top)[1])
    if messages is not None:
        loaded.top["messages"] = messages
    loaded.notes.extend((place, _json.SURROGATE_NOTE) for place in places)


def _salvage(text: str) -> _JsonFile | _Unreadable:
    """What a truncated or damaged thread file still holds.

    Walks the top-level object key by key and the messages list item by item, so that
    everything before the damage is kept and the rest becomes one unparsed tail.
    """
    decoder = _json.DECODER
    pairs: list[tuple[str, Any]] = []
    lists: list[list[Any]] = []
    in_messages = False
    pos = _skip(text, 0)
    try:
        if text[pos : pos + 1] != "{":
            raise ValueError("not an object")
        pos = _skip(text, pos + 1)
        while text[pos : pos + 1] != "}":
            key, pos = decoder.raw_decode(text, pos)
            pos = _skip(text, pos)
            if not isinstance(key, str) or text[pos : pos + 1] != ":":
                raise ValueError("not a key")
            pos = _skip(text, pos + 1)
            if key == "messages" and text[pos : pos + 1] == "[":
                in_messages = True
                items: list[Any] = []
                lists.append(items)
                pairs.append((key, items))
                pos = _skip(text, pos + 1)
                while text[pos : pos + 1] != "]":
                    item, pos = decoder.raw_decode(text, pos)
                    items.append(item)
                    pos = _skip(text, pos)
                    if text[pos : pos + 1] == ",":
                        pos = _skip(text, pos + 1)
                    elif text[pos : pos + 1] != "]":
                        raise ValueError("no comma")
                pos += 1
                in_messages = False
            else:
                value, pos = decoder.raw_decode(text, pos)
                pairs.append((key, value))
            pos = _skip(text, pos)
            if text[pos : pos + 1] == ",":
                pos = _skip(text, pos + 1)
            elif text[pos : pos + 1] != "}":
                raise ValueError("no comma")
        pos += 1
    except (ValueError, RecursionError):
        if not any(lists):
            return _Unreadable("not readable as a Messenger thread (damaged JSON)", text)
        name = "messages" if len(lists) == 1 else f"messages#{len(lists)}"
        where = f"{name}[{len(lists[-1])}] onwards" if in_messages else "end of file"
        top = _json.from_pairs(pairs)
        return _JsonFile(top, _message_items(top), (where, text[pos:]))
    if not lists:
        return _Unreadable("not a Messenger thread: there is no list of messages", text)
    top = _json.from_pairs(pairs)
    rest = text[pos:]
    return _JsonFile(top, _message_items(top), ("end of file", rest) if rest.strip() else None)


def _json_participants(loaded: _JsonFile) -> list[str]:
    names: list[str] = []
    for person in _list(loaded.top.get("participants")):
        name = _text(person.get("name") if isinstance(person, dict) else person)
        if name and name not in names:
            names.append(name)
    return names


def _json_names(loaded: _JsonFile) -> list[str]:
    """Everyone in the file: the participants, and senders who have since left."""
    names = _json_participants(loaded)
    for _, item in loaded.items:
        if isinstance(item, dict):
            name = _text(item.get("sender_name", item.get("senderName")))
            if name and name not in names:
                names.append(name)
    return names


def _instant(value: object, ms_only: bool) -> datetime | None:
    """An epoch in ms as a UTC instant; the E2EE schema's `timestamp` also in seconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        if not ms_only and abs(value) < 10**11:
            return from_epoch(value)
        return from_epoch_ms(value)
    except (OverflowError, ValueError):
        return None


def _reactions(value: object) -> list[dict[str, str | None]]:
    return [
        {"reaction": _text(r.get("reaction")), "actor": _text(r.get("actor"))}
        for r in _list(value)
        if isinstance(r, dict)
    ]


def _uris(value: object) -> list[str]:
    return [m["uri"] for m in _list(value) if isinstance(m, dict) and isinstance(m.get("uri"), str)]


# Keys Meta writes on a message; a message without its sender keeps the others in extra.
_KNOWN_KEYS = frozenset(
    {
        "sender_name", "timestamp_ms", "content", "type", "photos", "videos", "audio_files", "files",
        "gifs", "sticker", "share", "call_duration", "missed", "is_unsent", "reactions", "users",
        "is_geoblocked_for_viewer", "is_unsent_image_by_messenger_kid_parent", "is_taken_down",
        "bumped_message_metadata", "ip", "senderName", "timestamp", "text", "media", "isUnsent",
    }
)  # fmt: skip


def _duplicate_keys(entry: Entry, locator: str, item: dict[str, Any], ctx: Context) -> dict[str, list[Any]]:
    """The later values of keys written twice in a message, by path, with a warning."""
    kept: dict[str, list[Any]] = {}
    for path, value in _json.duplicates(item):
        kept.setdefault(path, []).append(value)
    if kept:
        names = ", ".join(f'"{path}"' for path in kept)
        ctx.warn(
            entry,
            locator,
            f"the key {names} is written more than once; the first value is read, "
            'the others are kept in extra["duplicate_keys"].',
        )
    return kept


def _json_rec(entry: Entry, locator: str, item: object, media: _Media, ctx: Context) -> _Rec:
    """One element of `messages`, in either schema."""
    if not isinstance(item, dict):
        return _unreadable(locator, _dump(item), "not a message object")
    e2ee = "senderName" in item or ("timestamp" in item and "timestamp_ms" not in item)
    sender_key, text_key = ("senderName", "text") if e2ee else ("sender_name", "content")
    if e2ee:
        timestamp = _instant(item.get("timestamp"), ms_only=False)
        uris, unsent = [(u, False) for u in _uris(item.get("media"))], item.get("isUnsent") is True
    else:
        timestamp = _instant(item.get("timestamp_ms"), ms_only=True)
        uris = [(u, key == "audio_files") for key in _MEDIA_KEYS if key in item for u in _uris(item[key])]
        sticker = item.get("sticker")
        if isinstance(sticker, dict) and isinstance(sticker.get("uri"), str):
            uris.append((sticker["uri"], False))
        unsent = item.get("is_unsent") is True
    sender, text = _text(item.get(sender_key)), _text(item.get(text_key))
    body = text or ""
    if timestamp is None:
        return _unreadable(locator, _dump(item), "no readable timestamp")
    extra: dict[str, Any] = {}
    share = item.get("share")
    if isinstance(share, dict):
        fields = {_SHARE_KEYS.get(k, k): _fix(v) for k, v in share.items() if isinstance(v, str)}
        if fields:
            extra["share"] = fields
            body = body or "\n".join(v for v in (fields.get("text"), fields.get("link")) if v)
    kind_type = item.get("type") if isinstance(item.get("type"), str) else None
    call = kind_type == "Call" or "call_duration" in item
    if text is None and not (uris or extra or unsent or call or kind_type in _SYSTEM_TYPES):
        # A damaged or renamed key: an empty message would hide that something was there.
        return _unreadable(locator, _dump(item), f'no message text ("{text_key}") and nothing else to show')
    duplicates = _duplicate_keys(entry, locator, item, ctx)
    if duplicates:
        extra["duplicate_keys"] = duplicates
    if sender is None:
        ctx.warn(entry, locator, f'no sender name ("{sender_key}"); the sender is unknown.')
        unread = {k: v for k, v in item.items() if k not in _KNOWN_KEYS}
        if unread:
            extra["unread_keys"] = unread
    attachments = tuple(media.attachment(uri, entry, ctx, audio) for uri, audio in uris)
    reactions = _reactions(item.get("reactions"))
    if reactions:
        extra["reactions"] = reactions
    if kind_type and kind_type not in _KNOWN_TYPES:
        extra["type"] = kind_type
    duration = item.get("call_duration")
    if unsent:
        kind = Kind.DELETED
    elif call:
        kind = Kind.CALL
        if isinstance(duration, (int, float)) and not isinstance(duration, bool) and math.isfinite(duration):
            extra["duration"] = duration
        if isinstance(item.get("missed"), bool):
            extra["missed"] = item["missed"]
    elif kind_type in _SYSTEM_TYPES:
        kind = Kind.SYSTEM
    elif attachments and not body:
        kind = Kind.MEDIA
    else:
        kind = Kind.MESSAGE
    textual = kind is Kind.MESSAGE and kind_type in (None, "Generic")
    return _Rec(locator, timestamp, sender, kind, body, attachments, extra, textual)


def _top_duplicates(top: dict[str, Any]) -> list[tuple[str, Any]]:
    """Keys written twice outside the messages (a second title, participant ...)."""
    found = list(top.duplicates) if isinstance(top, _json.JsonObject) else []
    for key, value in top.items():
        if key != "messages":
            found.extend(_json.duplicates(value, key))
    return found


class _MetaJson(_MetaImporter):
    channel: ClassVar[Channel]

    def _channel(self, entry: Entry) -> Channel:
        return self.channel

    def _thread_key(self, entry: Entry) -> str:
        """A Messenger thread is a folder; an E2EE thread is one file among many."""
        return entry.name if _E2EE_HEAD.search(entry.head_text()) else posixpath.dirname(entry.name)

    def _names(self, group: list[Entry]) -> list[str]:
        names: list[str] = []
        for entry in group:
            loaded = _read_json(entry)
            if isinstance(loaded, _JsonFile):
                names.extend(n for n in _json_names(loaded) if n not in names)
        return names

    def _load(self, group: list[Entry], ctx: Context, media: _Media, alone: bool) -> _Thread:
        thread = _Thread(group)
        for entry in group:
            loaded = _read_json(entry)
            if isinstance(loaded, _Unreadable):
                if alone:
                    raise ParseError(entry.file, entry.member, f"{loaded.reason}.")
                thread.records.append((entry, _unreadable("whole file", loaded.raw, loaded.reason)))
                continue
            for name in _json_names(loaded):
                thread.add_name(name)
            for name in _json_participants(loaded):
                if name not in thread.declared:
                    thread.declared.append(name)
            title = _text(loaded.top.get("title", loaded.top.get("threadName")))
            if title:
                thread.extra.setdefault("thread", title)
            folder = _folder(entry, loaded.top.get("thread_path"))
            if folder:
                thread.extra.setdefault("folder", folder)
            for place, what in _json.notes_to_warnings(loaded.notes):
                ctx.warn(entry, place, f"{what}.")
            for path, value in _top_duplicates(loaded.top):
                raw = _dump({path.rsplit(".", 1)[-1]: value})
                thread.records.append((entry, _unreadable(path, raw, f'a second value of "{path}"')))
            thread.add_file(entry, [_json_rec(entry, loc, item, media, ctx) for loc, item in loaded.items])
            if loaded.tail is not None:
                where, raw = loaded.tail
                thread.records.append((entry, _unreadable(where, raw, "the file breaks off or is damaged here")))
        return thread


class MessengerJson(_MetaJson):
    name = "messenger"
    help = "Facebook Messenger 'Download your information' JSON."
    channel = Channel.MESSENGER

    def sniff(self, entry: Entry) -> int | None:
        shape = _json_shape(entry)
        if shape is None:
            return None
        score = 80 if shape == "thread" else 50
        return score - 20 if _says_instagram(entry) else score


class InstagramJson(_MetaJson):
    name = "instagram"
    help = "Instagram 'Download your information' messages JSON."
    channel = Channel.INSTAGRAM

    def sniff(self, entry: Entry) -> int | None:
        shape = _json_shape(entry)
        if shape is None:
            return None
        score = 75 if shape == "thread" else 45
        return score + 15 if _says_instagram(entry) else score


# --- HTML -----------------------------------------------------------------------------

_HTML_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
_BLOCK = frozenset(
    {
        "div", "p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th",
        "section", "article", "header", "footer", "main", "aside", "nav", "blockquote", "pre", "dl",
        "dt", "dd", "figure", "figcaption", "address", "hr", "caption",
    }
)  # fmt: skip
_PAGE = frozenset({"html", "body"})
_MAX_CLIMB = 64  # how far up from a lone date a sender is looked for
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_CLOCK = r"(?:,| at)? (?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?: ?(?P<ap>[AaPp])\.? ?[Mm]\.?)?"
_DATES = (
    re.compile(r"(?P<mon>[A-Za-z]{3,9})\.? (?P<d>\d{1,2}),? (?P<y>\d{4})" + _CLOCK),
    re.compile(r"(?P<d>\d{1,2}) (?P<mon>[A-Za-z]{3,9})\.? (?P<y>\d{4})" + _CLOCK),
)
_MEDIA_TAGS = frozenset({"img", "video", "audio", "source", "embed"})
_REACTION = re.compile(r"(?P<reaction>[^\w\s]+)\s*(?P<actor>\w.*)?", re.DOTALL)


def _html_time(text: str) -> datetime | None:
    """A Meta HTML date, read as the wall time it shows (there is no zone to read)."""
    if len(text) > 40:
        return None
    for pattern in _DATES:
        found = pattern.fullmatch(text)
        if not found:
            continue
        mon = found["mon"].lower()
        month = next((i for i, full in enumerate(_MONTH_NAMES, 1) if full.startswith(mon)), 0)
        if not month:
            return None
        hour = int(found["h"])
        if found["ap"]:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if found["ap"].lower() == "p" else 0)
        try:
            return datetime(int(found["y"]), month, int(found["d"]), hour, int(found["mi"]), int(found["s"] or 0))
        except ValueError:
            return None
    return None


def _line(el: Any) -> str:
    return " ".join(el.text_content().split())


def _kids(el: Any) -> list[Any]:
    return [c for c in el if isinstance(c.tag, str)]


def _text_sizes(root: Any) -> dict[Any, int]:
    """How many characters of text each element holds, in one pass from the leaves up,
    so that only short elements are ever read whole when looking for dates."""
    sizes: dict[Any, int] = {}
    for el in reversed(list(root.iter())):
        size = len(el.text or "") if isinstance(el.tag, str) else 0
        for child in el:
            size += sizes.get(child, 0) + len(child.tail or "")
        sizes[el] = size
    return sizes


def _tally(dates: list[Any]) -> dict[Any, int]:
    """For each element, how many of `dates` it holds."""
    counts: dict[Any, int] = {}
    for date in dates:
        el = date
        while el is not None:
            counts[el] = counts.get(el, 0) + 1
            el = el.getparent()
    return counts


def _date_elements(root: Any) -> list[Any]:
    """The elements that hold a message box's date, in document order.

    Each is the widest element whose whole text is a date. A date typed as a message is
    one too, but it sits in the box's content, and the content is followed by the box's
    own date: a date that (or whose ancestor) is followed by a date element is text.
    """
    sizes = _text_sizes(root)
    dated = [el for el in root.iter() if isinstance(el.tag, str) and 0 < sizes[el] <= 120 and _html_time(_line(el))]
    inside = set(dated)
    widest = [el for el in dated if el.getparent() not in inside]
    marks = set(widest)
    return [d for d in widest if not _followed_by_a_date(d, marks)]


def _followed_by_a_date(el: Any, dates: set[Any]) -> bool:
    while el is not None and el.tag not in _PAGE:
        after = el.getnext()
        while after is not None and not isinstance(after.tag, str):
            after = after.getnext()
        if after is not None and after in dates:
            return True
        el = el.getparent()
    return False


@dataclass
class _BoxText:
    sender: str | None
    body: str
    reactions: list[dict[str, str | None]]
    files: list[str]
    links: list[str]


def _read_box(box: Any, date: Any) -> _BoxText:
    """A message box read in document order, whatever wraps or folds its parts.

    The box's first line of text is the sender; every other line, before or after the
    date, is the body. Block elements and <br> break lines; a list item that reads
    "❤ Name" is a reaction. Links inside the sender's line (a profile link) are not
    attachments. Iterative, so a file nested ten thousand deep cannot exhaust the stack.
    """
    tokens: list[str | tuple[str] | None] = []  # text, a line break (None), or (ref,)
    reactions: list[dict[str, str | None]] = []
    # (node, closing, inside the date): the date's text is not the body, its files are.
    stack: list[tuple[Any, bool, bool]] = [(box, False, box is date)]
    while stack:
        node, closing, muted = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if closing:
            if tag in _BLOCK or node is date:
                tokens.append(None)
            if node is not box and node.tail and not (muted and node is not date):
                tokens.append(node.tail)
            continue
        muted = muted or node is date
        stack.append((node, True, muted))
        if node is date:
            tokens.append(None)
        if tag in ("ul", "ol") and not muted:
            for li in node.iter("li"):
                text = _line(li)
                found = _REACTION.fullmatch(text)
                if found:
                    reactions.append({"reaction": found["reaction"], "actor": found["actor"]})
                elif text:
                    tokens.extend((None, text, None))
            continue
        if tag == "br":
            tokens.append(None)
        ref = (node.get("src") if tag in _MEDIA_TAGS else node.get("href") if tag == "a" else None) or ""
        if ref.strip() and not ref.strip().startswith("#"):
            tokens.append((ref.strip(),))
        if tag in _BLOCK:
            tokens.append(None)
        if tag and node.text and not muted:
            tokens.append(node.text)
        stack.extend((child, False, muted) for child in reversed(node))
    lines: list[str] = []
    refs: list[str] = []
    current: list[str] = []
    for token in [*tokens, None]:
        if token is None:
            line = " ".join("".join(current).split())
            if line:
                lines.append(line)
            current = []
        elif isinstance(token, tuple):
            if lines and token[0] not in refs:  # before the sender's line ends it is the sender's
                refs.append(token[0])
        else:
            current.append(token)
    body = "\n".join(lines[1:])
    files = [r for r in refs if not _SCHEME.match(r)]
    links = [r for r in refs if _SCHEME.match(r) and r not in body]
    return _BoxText(lines[0] if lines else None, body, reactions, files, links)


def _box_of(date: Any, counts: dict[Any, int], alone: bool) -> Any:
    """The message box around `date`.

    With several dates on the page, it is the largest element holding this date and no
    other: wrappers, folded or nested parts all stay inside it. With one date nothing
    marks where the box ends, so it is the smallest element with a sender before the
    date, which keeps a page heading out.
    """
    if not alone:
        box = date
        while (up := box.getparent()) is not None and up.tag not in _PAGE and counts.get(up, 0) == 1:
            box = up
        return box
    box = date.getparent()
    for _ in range(_MAX_CLIMB):
        if box is None or box.tag in _PAGE:
            break
        if _read_box(box, date).sender:
            return box
        box = box.getparent()
    return date


def _is_orphan(el: Any, after_a_box: bool) -> bool:
    """A sibling of the message boxes that is not one: a box cut short or garbled.

    Before the first box only box-shaped siblings count, so that a heading (the thread
    title, "Participants: ...") is not taken for a broken message.
    """
    text = _line(el)
    if not text or text.startswith("Participants:"):
        return False
    return after_a_box or len(_kids(el)) >= 2


@dataclass
class _Block:
    """A piece of the page that is one record: a box with its date, a box without one
    (`date` None), or text standing between the boxes (`text`)."""

    locator: str
    element: Any
    date: Any | None
    text: str | None = None


@dataclass
class _HtmlFile:
    title: str | None
    header: list[str]  # names on a "Participants:" line
    blocks: list[_Block]
    not_utf8: str | None = None  # where bytes that are not UTF-8 begin ("line 12"), read as cp1252


def _read_html(entry: Entry) -> _HtmlFile | _Unreadable:
    try:
        data = entry.read_bytes()
    except ParseError as exc:
        return _Unreadable(exc.reason, "")
    if not data.strip():
        return _Unreadable("the file is empty", "")
    mixed = decode_mixed(data)
    if mixed.first_bad is not None:  # libxml2 versions differ on such bytes: none reach it
        not_utf8 = f"line {line_of(data, mixed.first_bad)}"
        data = mixed.text.encode("utf-8")
    else:
        not_utf8 = None
    try:
        root = lxml.html.document_fromstring(data, parser=_HTML_PARSER)
    except (etree.LxmlError, ValueError):
        return _Unreadable("not readable as HTML", data.decode("utf-8", errors="replace"))
    dates = _date_elements(root)
    counts = _tally(dates)
    boxes: dict[Any, Any] = {}
    for date in dates:
        boxes.setdefault(_box_of(date, counts, alone=len(dates) == 1), date)
    holders = set()
    for box in boxes:
        parent = box.getparent()
        while parent is not None and parent not in holders:
            holders.add(parent)
            parent = parent.getparent()
    parents = {box.getparent() for box in boxes}
    blocks: list[_Block] = []
    header: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el in boxes:
            blocks.append(_Block(f"messages[{len(blocks)}]", el, boxes[el]))
        elif not blocks and not header and (el.text or "").strip().startswith("Participants:"):
            names = _line(el).removeprefix("Participants:")
            header = [n.strip() for n in re.split(r",| and ", names) if n.strip()]
            continue
        elif el.getparent() in parents and el not in holders and _is_orphan(el, after_a_box=bool(blocks)):
            blocks.append(_Block(f"messages[{len(blocks)}]", el, None))
        else:
            continue
        if (el.tail or "").strip():  # text folded in between two boxes
            blocks.append(_Block(f"messages[{len(blocks)}]", el, None, el.tail))
    title_el = root.find(".//title")
    title = _line(title_el) if title_el is not None else None
    return _HtmlFile(title or None, header, blocks, not_utf8)


def _text_lines(el: Any) -> str:
    return "\n".join(line for line in (" ".join(s.split()) for s in el.itertext()) if line)


def _html_rec(entry: Entry, block: _Block, media: _Media, ctx: Context) -> _Rec:
    locator, el = block.locator, block.element
    if block.text is not None:
        return _unreadable(locator, " ".join(block.text.split()), "text outside any message box")
    if block.date is None:
        return _unreadable(locator, _text_lines(el), "a message box without a sender and a readable date")
    timestamp = _html_time(_line(block.date))
    read = _read_box(el, block.date)
    if not read.sender:
        return _Rec(locator, timestamp, raw=_text_lines(el), reason="a message box without a sender")
    if not (read.body or read.files or read.links):
        # Nothing found between the sender and the date: keep the markup, never an empty message.
        raw = etree.tostring(el, encoding="unicode", method="html", with_tail=False)
        return _Rec(locator, timestamp, raw=raw, reason="a message box whose content could not be read")
    attachments = tuple(media.attachment(uri, entry, ctx) for uri in read.files)
    extra: dict[str, Any] = {}
    if read.reactions:
        extra["reactions"] = read.reactions
    if read.links:
        extra["links"] = read.links
    kind = Kind.MEDIA if attachments and not read.body else Kind.MESSAGE
    return _Rec(locator, timestamp, read.sender, kind, read.body, attachments, extra, textual=kind is Kind.MESSAGE)


class MessengerHtml(_MetaImporter):
    name = "messenger-html"
    help = "Facebook Messenger / Instagram HTML download."

    def sniff(self, entry: Entry) -> int | None:
        if not _HTML_NAME.fullmatch(entry.basename):
            return None
        head = entry.head_text()
        if "<" not in head:
            return None
        return 80 if any(marker in head for marker in _HTML_MARKERS) else 60

    def _channel(self, entry: Entry) -> Channel:
        return Channel.INSTAGRAM if _says_instagram(entry) else Channel.MESSENGER

    def _names(self, group: list[Entry]) -> list[str]:
        names: list[str] = []
        for entry in group:
            loaded = _read_html(entry)
            if isinstance(loaded, _HtmlFile):
                senders = (_read_box(b.element, b.date).sender for b in loaded.blocks if b.date is not None)
                found = loaded.header + [n for n in senders if n]
                names.extend(n for n in found if n not in names)
        return names

    def _load(self, group: list[Entry], ctx: Context, media: _Media, alone: bool) -> _Thread:
        thread = _Thread(group)
        for entry in group:
            loaded = _read_html(entry)
            if isinstance(loaded, _Unreadable) or not any(b.date is not None for b in loaded.blocks):
                reason = loaded.reason if isinstance(loaded, _Unreadable) else "no messages found"
                if alone:
                    raise ParseError(entry.file, entry.member, f"{reason}.")
                ctx.warn(entry, None, f"{reason}; nothing read from this file.")
                continue
            if loaded.not_utf8:
                ctx.warn(entry, loaded.not_utf8,
                         "not valid UTF-8 from here on; the bytes that are not were read as Windows-1252")
            for name in loaded.header:
                thread.add_name(name)
            if loaded.title:
                thread.extra.setdefault("thread", loaded.title)
            folder = _folder(entry)
            if folder:
                thread.extra.setdefault("folder", folder)
            recs = [_html_rec(entry, block, media, ctx) for block in loaded.blocks]
            thread.add_file(entry, recs)
        return thread
