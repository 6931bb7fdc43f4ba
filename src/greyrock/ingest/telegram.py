"""Telegram Desktop JSON export (`result.json`).

Two shapes. "Export chat history" on one chat writes that chat at the top level (`name`,
`type`, `id`, `messages`). "Export Telegram data" writes the whole account:
`personal_information` (the reader: `user_id`, `first_name`, `last_name`) and `chats.list`
/ `left_chats.list`, each a chat of the same shape. Quirks:

- `text` is a string, or a list of strings and entity objects (`{"type": "bold", "text":
  ...}`); `text_entities` holds the same parts as objects. The joined text is the body;
  the hidden targets of `text_link` entities are kept in extra (`links`).
- `date_unixtime` (epoch seconds, exports since 2022) is an instant: aware UTC. Older
  exports only have `date`, the exporting computer's wall time without a zone: naive.
- Service messages (`type: "service"`) carry `action` and `actor` instead of `from`;
  `phone_call` is a call (`duration_seconds`, `discard_reason: "missed"`), the rest are
  system events. Their other fields (`title`, `members`, `inviter`, ...) go to extra.
- Media (`photo`, or `file` with `media_type` sticker, voice_message, video_file,
  animation ...) are paths relative to the folder of result.json; a file that was not
  downloaded reads "(File not included. Change data exporting settings to download.)".
- Who the reader is: the full export names them (`from_id` "user<user_id>"). In a
  one-chat export of a personal chat the chat `id` is the other person's user id, so the
  other side is the reader. Otherwise `--me`, or direction unknown.
- A damaged or cut-short file keeps every message before the damage; the rest of the
  file becomes one unparsed record.
- A key written twice keeps both values (the first is read; see `_json`), a lone UTF-16
  surrogate becomes U+FFFD, and each is named in a warning.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from greyrock.errors import ParseError
from greyrock.model import Attachment, Channel, Direction, Kind, Message, Source

from . import _json
from ._attach import guess_mime, load_attachment
from ._base import Context
from ._export import Entry
from ._time import from_epoch, parse_iso

__all__ = ["Telegram"]

_SNIFF = re.compile(
    r'"(?:date_unixtime|from_id|actor_id|text_entities)"\s*:'
    r'|"type"\s*:\s*"(?:service|personal_chat|saved_messages|bot_chat|private_group'
    r'|private_supergroup|public_supergroup|private_channel|public_channel)"'
)
_NOT_EXPORTED = re.compile(r"\((?:File|Photo) (?:not included|exceeds maximum size|unavailable)[^)]*\)\s*$")
_DIGITS = re.compile(r"[0-9]{1,12}")
_WS = re.compile(r"[ \t\n\r]*")
_GAP = re.compile(r"[\s,]*")
_INSIDE_MESSAGE = re.compile(r"(?:^|\.)messages(?:#\d+)?\[\d+\]")
_CONTAINERS = frozenset({"messages", "chats", "left_chats", "list"})
_MAX_DEPTH = 200
_MEDIA_KEYS = ("location_information", "contact_information", "poll", "place_name", "game_title", "invoice_information")
# Fields read into Message fields, or sizes of the picture; everything else goes to extra as written.
_HANDLED = frozenset(
    {
        "id", "type", "date", "date_unixtime", "edited", "edited_unixtime", "from", "from_id",
        "actor", "actor_id", "text", "text_entities", "photo", "file", "file_name", "mime_type",
        "width", "height", "photo_file_size", "file_size", "thumbnail_file_size",
    }
)
_UNKNOWN_READER = "the export does not say which side is the reader; directions are unknown: pass --me NAME"
_PEER_IS_READER = (
    "the id of this one-to-one chat names the other person, so every other sender is taken "
    "to be the reader; pass --me NAME to say otherwise"
)


@dataclass(frozen=True)
class _Chat:
    name: str | None
    type: str | None
    id: int | None
    owner_id: str | None
    owner_name: str | None
    duplicated: bool = False  # some object in the file has a duplicate key


class _Cut(Exception):
    """Raised where a damaged document stops making sense, carrying what was read."""

    def __init__(self, partial: Any) -> None:
        super().__init__()
        self.partial = partial


class _Salvage:
    """Reads a damaged JSON document as far as it is intact.

    Containers keep their complete members; a message object cut in half is left out
    (its text is part of the unparsed tail). `last_message_end` is where the tail starts.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.decoder = _json.DECODER
        self.last_message_end = 0

    def run(self) -> tuple[Any, int]:
        try:
            root, end = self._value(0, False, 0)
        except _Cut as cut:
            return cut.partial, self.last_message_end
        return root, end

    def _ws(self, pos: int) -> int:
        return _skip(_WS, self.text, pos)

    def _value(self, pos: int, in_messages: bool, depth: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH:
            raise _Cut(None)
        pos = self._ws(pos)
        char = self.text[pos : pos + 1]
        if char == "{":
            return self._object(pos + 1, depth + 1)
        if char == "[":
            return self._array(pos + 1, in_messages, depth + 1)
        try:
            return self.decoder.raw_decode(self.text, pos)
        except ValueError:
            raise _Cut(None) from None

    def _object(self, pos: int, depth: int) -> tuple[dict[str, Any], int]:
        pairs: list[tuple[str, Any]] = []
        pos = self._ws(pos)
        if self.text.startswith("}", pos):
            return {}, pos + 1
        while True:
            pos = self._ws(pos)
            if not self.text.startswith('"', pos):
                raise _Cut(_json.from_pairs(pairs))
            try:
                key, pos = self.decoder.raw_decode(self.text, pos)
            except ValueError:
                raise _Cut(_json.from_pairs(pairs)) from None
            pos = self._ws(pos)
            if not self.text.startswith(":", pos):
                raise _Cut(_json.from_pairs(pairs))
            try:
                value, pos = self._value(pos + 1, key == "messages", depth)
            except _Cut as cut:
                if cut.partial is not None:
                    pairs.append((key, cut.partial))
                raise _Cut(_json.from_pairs(pairs)) from None
            pairs.append((key, value))
            pos = self._ws(pos)
            if self.text.startswith(",", pos):
                pos += 1
            elif self.text.startswith("}", pos):
                return _json.from_pairs(pairs), pos + 1
            else:
                raise _Cut(_json.from_pairs(pairs))

    def _array(self, pos: int, in_messages: bool, depth: int) -> tuple[list[Any], int]:
        out: list[Any] = []
        pos = self._ws(pos)
        if self.text.startswith("]", pos):
            return out, pos + 1
        while True:
            try:
                item, pos = self._value(pos, False, depth)
            except _Cut as cut:
                if cut.partial is not None and not in_messages:
                    out.append(cut.partial)
                raise _Cut(out) from None
            out.append(item)
            if in_messages:
                self.last_message_end = pos
            pos = self._ws(pos)
            if self.text.startswith(",", pos):
                pos += 1
            elif self.text.startswith("]", pos):
                return out, pos + 1
            else:
                raise _Cut(out)


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    match = pattern.match(text, pos)
    return match.end() if match else pos


def _peer_id(value: Any) -> str | None:
    """`from_id` as "user123": old exports wrote a bare number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return f"user{value}"
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _when(msg: dict[str, Any], key: str) -> datetime | None:
    unix = msg.get(f"{key}_unixtime")
    if isinstance(unix, str) and _DIGITS.fullmatch(unix.strip()):
        unix = int(unix.strip())
    if isinstance(unix, int) and not isinstance(unix, bool):
        try:
            return from_epoch(unix)
        except OverflowError:
            return None
    raw = msg.get(key)
    return parse_iso(raw) if isinstance(raw, str) else None


def _text(msg: dict[str, Any]) -> tuple[str, list[str]]:
    """The joined text and the targets of its hidden links."""
    parts = msg.get("text")
    if parts is None or (parts == "" and isinstance(msg.get("text_entities"), list)):
        parts = msg.get("text_entities")
    if isinstance(parts, str):
        return parts, []
    if not isinstance(parts, list):
        return "", []
    chunks: list[str] = []
    links: list[str] = []
    for part in parts:
        if isinstance(part, str):
            chunks.append(part)
        elif isinstance(part, dict):
            text = part.get("text")
            chunks.append(text if isinstance(text, str) else "")
            href = part.get("href")
            if isinstance(href, str) and href:
                links.append(href)
    return "".join(chunks), links


def _owner(root: dict[str, Any]) -> tuple[str | None, str | None]:
    info = root.get("personal_information")
    if not isinstance(info, dict):
        return None, None
    user_id = info.get("user_id")
    if isinstance(user_id, str) and _DIGITS.fullmatch(user_id.strip()):
        user_id = int(user_id)
    owner_id = _peer_id(user_id) if isinstance(user_id, int) else None
    names = [info.get(k) for k in ("first_name", "last_name")]
    name = " ".join(n.strip() for n in names if isinstance(n, str) and n.strip()) or None
    return owner_id, name


def _every(obj: dict[str, Any], key: str) -> list[tuple[str, Any]]:
    """(name, value) of `key` and of each later duplicate of it (`chats#2`)."""
    found = [(key, obj[key])] if key in obj else []
    if isinstance(obj, _json.JsonObject):
        later = [value for k, value in obj.duplicates if k == key]
        found.extend((f"{key}#{n}", value) for n, value in enumerate(later, 2))
    return found


def _message_lists(chat: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """The chat's "messages" list, and a second one where the key is written twice."""
    return [(name, value) for name, value in _every(chat, "messages") if isinstance(value, list)]


def _chats(root: Any) -> Iterator[tuple[str, Any]]:
    """(locator prefix, chat) for the one chat of a chat export or each of a full export."""
    if not isinstance(root, dict):
        return
    if _message_lists(root):
        yield "", root
    for section in ("chats", "left_chats"):
        for name, block in _every(root, section):
            lists = _every(block, "list") if isinstance(block, dict) else [("list", block)]
            for list_name, listed in lists:
                if isinstance(listed, list):
                    for i, chat in enumerate(listed):
                        yield f"{name}.{list_name}[{i}].", chat


def _stray_duplicates(root: Any) -> Iterator[tuple[str, Any]]:
    """Keys written twice outside the messages and the lists that hold them."""
    for path, value in _json.duplicates(root):
        if _INSIDE_MESSAGE.search(path):
            continue  # a message keeps its own in extra
        if path.rsplit(".", 1)[-1] in _CONTAINERS and isinstance(value, (list, dict)):
            continue  # read as a second list of chats or messages
        yield path, value


def _raw(value: Any) -> str:
    try:
        return _json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


class Telegram:
    name = "telegram"
    help = "Telegram Desktop export result.json."

    def sniff(self, entry: Entry) -> int | None:
        if not entry.name.lower().endswith(".json"):
            return None
        head = entry.head_text(8192).lstrip()
        if not head.startswith("{"):
            return None
        if '"personal_information"' in head and '"user_id"' in head:
            return 95
        if '"messages"' in head and _SNIFF.search(head):
            return 90
        return None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        files = {e.name: e for e in ctx.export.entries}
        for entry in entries:
            yield from self._parse_one(entry, ctx, files)

    def _load(self, entry: Entry) -> tuple[_json.Loaded, str | None, int]:
        """The document, and for a damaged one the unread tail and the line it starts on."""
        text, notes = _json.decode(entry.read_bytes())
        if not text.strip():
            raise ParseError(entry.file, entry.member, "the file is empty.")
        try:
            loaded = _json.loads(text)
            loaded.notes[:0] = notes
            return loaded, None, 0
        except (ValueError, RecursionError):
            pass
        root, stop = _Salvage(text).run()
        if _json.may_hold_surrogates(text):
            root, places = _json.repair_surrogates(root)
            notes.extend((place, _json.SURROGATE_NOTE) for place in places)
        stop = _skip(_GAP, text, stop)
        tail = text[stop:]
        loaded = _json.Loaded(root, notes, duplicated=True)
        return loaded, tail if tail.strip() else None, text.count("\n", 0, stop) + 1

    def _parse_one(self, entry: Entry, ctx: Context, files: dict[str, Entry]) -> Iterator[Message]:
        loaded, tail, tail_line = self._load(entry)
        root = loaded.value
        chats = list(_chats(root))
        read = sum(len(items) for _, c in chats if isinstance(c, dict) for _, items in _message_lists(c))
        if tail is not None and read == 0:
            raise ParseError(entry.file, entry.member, "the JSON is damaged before its first message.")
        if not chats:
            raise ParseError(entry.file, entry.member, "not a Telegram export: no chats or messages in it.")
        for place, what in _json.notes_to_warnings(loaded.notes):
            ctx.warn(entry, place, f"{what}.")
        if loaded.duplicated:
            for path, value in _stray_duplicates(root):
                raw = _raw({path.rsplit(".", 1)[-1]: value})
                yield ctx.unparsed(entry, path, raw, f'a second value of "{path}"', Channel.TELEGRAM)
        owner_id, owner_name = _owner(root)
        base = posixpath.dirname(entry.name)
        for prefix, chat in chats:
            if not isinstance(chat, dict):
                raw = _raw(chat)
                yield ctx.unparsed(entry, prefix.rstrip("."), raw, "a chat that is not an object", Channel.TELEGRAM)
                continue
            lists = _message_lists(chat)
            if not lists:
                continue  # a chat cut short before its messages: its text is in the tail
            chat_id = chat.get("id")
            info = _Chat(
                name=chat.get("name") if isinstance(chat.get("name"), str) else None,
                type=chat.get("type") if isinstance(chat.get("type"), str) else None,
                id=chat_id if isinstance(chat_id, int) and not isinstance(chat_id, bool) else None,
                owner_id=owner_id,
                owner_name=owner_name,
                duplicated=loaded.duplicated,
            )
            for name, messages in lists:
                for i, msg in enumerate(messages):
                    yield self._message(entry, ctx, files, base, info, f"{prefix}{name}[{i}]", msg)
        if tail is not None:
            yield ctx.unparsed(
                entry,
                f"line {tail_line} onward",
                tail,
                "the JSON is damaged or cut short from here",
                Channel.TELEGRAM,
            )

    def _message(
        self,
        entry: Entry,
        ctx: Context,
        files: dict[str, Entry],
        base: str,
        chat: _Chat,
        locator: str,
        msg: Any,
    ) -> Message:
        if not isinstance(msg, dict):
            return ctx.unparsed(entry, locator, _raw(msg), "a message that is not an object", Channel.TELEGRAM)
        timestamp = _when(msg, "date")
        if timestamp is None:
            return ctx.unparsed(entry, locator, _raw(msg), "no readable date", Channel.TELEGRAM)
        service = msg.get("type") == "service"
        who = msg.get("actor" if service else "from")
        who_name = who.strip() if isinstance(who, str) and who.strip() else None
        who_id = _peer_id(msg.get("actor_id" if service else "from_id"))
        direction = self._direction(entry, ctx, chat, who_id, who_name)
        body, links = _text(msg)
        extra: dict[str, Any] = {}
        if chat.name:
            extra["chat"] = chat.name
        if chat.type:
            extra["chat_type"] = chat.type
        if "id" in msg:
            extra["id"] = msg["id"]  # what reply_to_message_id and a pin's message_id point at
        if who_id:
            extra["from_id"] = who_id
        edited = _when(msg, "edited")
        if edited is not None or msg.get("edited"):
            extra["edited"] = True
            if edited is not None:
                extra["edited_at"] = edited.isoformat()
        if links:
            extra["links"] = links
        extra.update((k, v) for k, v in msg.items() if k not in _HANDLED)
        duplicates: dict[str, list[Any]] = {}
        for path, value in _json.duplicates(msg) if chat.duplicated else ():
            duplicates.setdefault(path, []).append(value)
        if duplicates:
            extra["duplicate_keys"] = duplicates
            names = ", ".join(f'"{path}"' for path in duplicates)
            ctx.warn(
                entry,
                locator,
                f"the key {names} is written more than once; the first value is read, "
                'the others are kept in extra["duplicate_keys"].',
            )
        if not service and "text" not in msg and "text_entities" not in msg:
            ctx.warn(entry, locator, 'no "text" key; kept with an empty text and its other keys in extra.')
        attachment = self._attachment(entry, ctx, files, base, msg, extra)
        if service and msg.get("action") == "phone_call":
            kind = Kind.CALL
            extra["missed"] = msg.get("discard_reason") == "missed"
        elif service:
            kind = Kind.SYSTEM
            action = msg.get("action")
            body = body or (action if isinstance(action, str) else "")
        elif not body and (attachment is not None or any(k in msg for k in _MEDIA_KEYS)):
            kind = Kind.MEDIA
        else:
            kind = Kind.MESSAGE
        return Message(
            timestamp=timestamp,
            channel=Channel.TELEGRAM,
            kind=kind,
            direction=direction,
            sender=ctx.address(who_name) or who_id,
            sender_name=who_name,
            recipients=self._recipients(ctx, chat, direction),
            body=body,
            attachments=(attachment,) if attachment is not None else (),
            source=Source(entry.file, entry.locate(locator)),
            extra=extra,
        )

    def _direction(
        self, entry: Entry, ctx: Context, chat: _Chat, who_id: str | None, who_name: str | None
    ) -> Direction:
        if chat.owner_id is not None and who_id is not None:
            return Direction.OUT if who_id == chat.owner_id else Direction.IN
        if chat.owner_name is not None and who_name is not None:
            return Direction.OUT if who_name == chat.owner_name else Direction.IN
        if ctx.me:
            return ctx.direction_of(who_name)
        if who_id is not None and chat.id is not None and chat.type in ("personal_chat", "saved_messages"):
            peer = f"user{chat.id}"
            if chat.type == "saved_messages" and who_id == peer:
                return Direction.OUT  # Saved Messages is the reader's own chat: its id is theirs
            if chat.type == "personal_chat" and (who_id == peer or who_id.startswith("user")):
                ctx.note_once(entry, _PEER_IS_READER)
                return Direction.IN if who_id == peer else Direction.OUT
        ctx.note_once(entry, _UNKNOWN_READER)
        return Direction.UNKNOWN

    def _recipients(self, ctx: Context, chat: _Chat, direction: Direction) -> tuple[str, ...]:
        if direction is Direction.IN:
            return ("me",)
        if direction is Direction.OUT and chat.type == "personal_chat" and chat.name:
            address = ctx.address(chat.name)
            return (address,) if address else ()
        return ()

    def _attachment(
        self,
        entry: Entry,
        ctx: Context,
        files: dict[str, Entry],
        base: str,
        msg: dict[str, Any],
        extra: dict[str, Any],
    ) -> Attachment | None:
        """The photo or file of a message, hashed when the export folder or zip holds it."""
        key = next((k for k in ("photo", "file") if isinstance(msg.get(k), str) and msg[k].strip()), None)
        if key is None:
            return None
        path: str = msg[key]
        file_name = msg.get("file_name") if isinstance(msg.get("file_name"), str) else None
        mime = msg.get("mime_type") if isinstance(msg.get("mime_type"), str) else None
        if _NOT_EXPORTED.search(path):
            extra["media_not_exported"] = path
            name = file_name or (msg.get("media_type") if isinstance(msg.get("media_type"), str) else None) or key
            return Attachment(name=name, mime=mime or (guess_mime(name) if file_name else None))
        extra["media_path"] = path
        name = file_name or posixpath.basename(path)
        mime = mime or guess_mime(path)
        return load_attachment(files.get(posixpath.normpath(posixpath.join(base, path))), name, ctx, mime)

