"""Signal Desktop chats as written by signal-export (carderne/signal-export), in three shapes.

1. Older text: `[2019-12-24, 12:23] Jane Doe: Hello John!` (a comma after the date, no
   seconds), as a .txt or .md file. A message runs on over the following lines until the
   next `[date] Name:` line.
2. Markdown `chat.md` (one folder a chat): `[2024-01-02 10:11:12] Alice: text`, a blank
   line after each message. A reply starts with the quoted text as `> ` lines between
   blank lines; reactions follow the body as `(- Bob: 👍, Me: ❤️ -)`; stickers as
   `(( 😀 ))` or a link into ../exported_stickers; attachments as `![name](./media/f.jpg)`
   (images) or `[name](./media/f.pdf)`, spaces in paths written %20. A deleted message
   reads "(This message was deleted)"; calls read "Missed voice call", "Incoming video
   call (accepted, 2m 3s)", "Outgoing call".
3. JSON Lines `data.json` (or `*.jsonl`) beside chat.md: one object a message, `date`,
   `sender`, `body`, `quote`, `sticker`, `reactions` ([[name, emoji]]), `attachments`
   ([{name, path}]), `deleted`, `call`, `missed`. Keys we do not know are kept in extra.

signal-export writes chat.md and data.json for every chat. When both are there chat.md is
read (only it keeps messages merged in from an older export with `--old`) and data.json
is skipped, with a note. The tool appends two spaces to every body (a Markdown line
break); trailing whitespace is not kept.

Lines may end in \n, \r\n or a lone \r (files passed through old Mac tools); all three
end a line. Bytes that are not UTF-8 are read as Windows-1252 and the first such line is
named in a warning. In data.json an escaped surrogate with no partner ("\\ud83d", half
an emoji) becomes U+FFFD with a warning naming the line, rather than text that cannot be
stored.

Times are the exporting computer's wall time without a zone: naive. The tool writes the
reader as "Me" (some versions "You"); when neither appears, `--me NAME` tells who the
reader is, else directions are unknown.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from greyrock.errors import ParseError
from greyrock.model import Attachment, Channel, Direction, Kind, Message, Source

from ._attach import guess_mime, load_attachment
from ._base import Context
from ._export import Entry
from ._text import decode_mixed, line_of
from ._time import parse_iso

__all__ = ["Signal"]

_HEADER = re.compile(r"^\[(\d{4})-(\d{2})-(\d{2}),? (\d{2}):(\d{2})(?::(\d{2}))?\] (.*?): ?(.*)$")
_LINE_END = re.compile(r"\r\n|\r|\n")
# A JSON escape of a UTF-16 surrogate: json.loads turns an unpaired one into a str that
# cannot be encoded again, so it is replaced (a paired one is a real character).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_BROKEN_HEADER = re.compile(r"^\[\d{4}-")  # a header line damaged past reading
_LINK = re.compile(r"!?\[([^\]\n]*)\]\(((?:\./|\.\./)[^)\n]*)\)[ ]*")  # only the tool's relative links
_STICKER = re.compile(r"(?:^|\n)\(\( (.*) \)\)$")
_REACTIONS = re.compile(r"(?:^|\n)\(- (.*) -\)$")
_QUOTE = re.compile(r"^\n+((?:>(?: [^\n]*)?(?:\n|$))+)")
_CALL = re.compile(r"^(Incoming|Outgoing|Missed)(?: (voice|video))? call(?: \((.*)\))?$")
_DURATION = re.compile(r"(?:(\d+)m )?(\d+)s\b")
_DELETED = "(This message was deleted)"
_READER_NAMES = ("Me", "You")
_MARKDOWN_NAMES = ("chat.md", "index.md")
_JSON_KEYS = frozenset({"date", "sender", "body", "quote", "sticker", "reactions", "attachments", "deleted", "call", "missed"})
_WRITES_ME = "messages from 'Me' are taken as the reader's, everyone else's as received"
_UNKNOWN_READER = "the export does not say which side is the reader; directions are unknown: pass --me NAME"


@dataclass
class _Record:
    """One message as read from a file, before direction is known for the whole file."""

    locator: str
    timestamp: datetime
    sender: str | None
    body: str
    quote: str | None = None
    sticker: str | None = None
    reactions: list[dict[str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (name, path from the chat folder)
    deleted: bool = False
    call: bool | None = None
    missed: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _text(entry: Entry, ctx: Context) -> str:
    """The file as text; bytes that are not UTF-8 are read as Windows-1252, with a warning."""
    data = entry.read_bytes()
    mixed = decode_mixed(data)
    text = mixed.text.lstrip("\ufeff")
    if not text.strip():
        raise ParseError(entry.file, entry.member, "the file is empty.")
    if mixed.first_bad is not None:
        ctx.warn(
            entry, f"line {line_of(data, mixed.first_bad)}",
            "not valid UTF-8 from here on; the bytes that are not were read as Windows-1252",
        )
    return text


def _lines(text: str) -> list[str]:
    """Lines ended by \\r\\n, \\n or a lone \\r (old Mac tools), and by nothing else: a
    body may hold U+2028 and other separators."""
    return _LINE_END.split(text)


def _quote_text(raw: str) -> str:
    lines = raw.strip("\n").split("\n")
    return "\n".join(line[2:] if line.startswith("> ") else line.removeprefix(">") for line in lines)


def _reactions(raw: str) -> list[dict[str, str]]:
    out = []
    for item in raw.split(", "):
        name, sep, emoji = item.rpartition(": ")
        out.append({"from": name, "emoji": emoji} if sep else {"from": "", "emoji": item})
    return out


def _unmark(rest: str) -> tuple[str, dict[str, Any]]:
    """Split the Markdown of one message into its body and the parts the tool added."""
    parts: dict[str, Any] = {"links": []}
    for match in _LINK.finditer(rest):
        name, path = match.group(1), unquote(match.group(2))
        if path.startswith("../exported_stickers/"):
            parts["sticker"] = name  # the link text is the sticker's emoji, not a file name
            name = posixpath.basename(path)
        parts["links"].append((name, path))
    rest = _LINK.sub("", rest).rstrip()
    if sticker := _STICKER.search(rest):
        parts["sticker"] = sticker.group(1)
        rest = rest[: sticker.start()].rstrip()
    if reactions := _REACTIONS.search(rest):
        parts["reactions"] = _reactions(reactions.group(1))
        rest = rest[: reactions.start()].rstrip()
    if quote := _QUOTE.match(rest):
        parts["quote"] = _quote_text(quote.group(1))
        rest = rest[quote.end() :].lstrip("\n")
    return rest, parts


def _without_lone_surrogates(value: Any) -> tuple[Any, bool]:
    """`value` (parsed JSON) with every unpaired surrogate made U+FFFD; whether any was."""
    if isinstance(value, str):
        fixed = _LONE_SURROGATE.sub("\ufffd", value)
        return fixed, fixed != value
    if isinstance(value, list):
        pairs = [_without_lone_surrogates(v) for v in value]
        return [v for v, _ in pairs], any(r for _, r in pairs)
    if isinstance(value, dict):
        out, replaced = {}, False
        for key, item in value.items():
            fixed_key, r1 = _without_lone_surrogates(key)
            out[fixed_key], r2 = _without_lone_surrogates(item)
            replaced = replaced or r1 or r2
        return out, replaced
    return value, False


class Signal:
    name = "signal"
    help = "Signal via signal-export (Markdown, JSON Lines) or older text."

    def sniff(self, entry: Entry) -> int | None:
        lowered = entry.name.lower()
        if lowered.endswith((".md", ".txt")):
            first = next((line for line in _lines(entry.head_text(4096)) if line.strip()), "")
            if not _HEADER.match(first):
                return None
            return 85 if lowered.endswith(".md") else 70
        if lowered.endswith((".json", ".jsonl")):
            first = _lines(entry.head_text())[0].strip()
            if not first.startswith("{"):
                return None
            try:
                obj = json.loads(first)
            except (ValueError, RecursionError):
                return None
            if isinstance(obj, dict) and {"date", "sender", "body"} <= obj.keys():
                return 85
        return None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        markdown_dirs = {posixpath.dirname(e.name) for e in entries if e.basename.lower() in _MARKDOWN_NAMES}
        files = {e.name: e for e in ctx.export.entries}
        for entry in entries:
            if entry.name.lower().endswith((".json", ".jsonl")):
                if posixpath.dirname(entry.name) in markdown_dirs:
                    ctx.note_once(entry, "not read: chat.md beside it holds the same chat")
                    continue
                records = list(self._read_jsonl(entry, ctx))
            else:
                records = list(self._read_text(entry, ctx))
            yield from self._messages(entry, ctx, files, records)

    def _read_text(self, entry: Entry, ctx: Context) -> Iterator[_Record | Message]:
        """Records of the text and Markdown shapes, in file order; damaged ones unparsed."""
        lines = _lines(_text(entry, ctx))
        starts = [i for i, line in enumerate(lines) if _HEADER.match(line) or _BROKEN_HEADER.match(line)]
        if not any(_HEADER.match(lines[i]) for i in starts):
            raise ParseError(entry.file, entry.member, "not a Signal export: no '[date] Name: text' line in it.")
        if any(line.strip() for line in lines[: starts[0]]):
            raw = "\n".join(lines[: starts[0]]).strip("\n")
            yield ctx.unparsed(entry, "line 1", raw, "text before the first message", Channel.SIGNAL)
        for n, start in enumerate(starts):
            stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
            block = lines[start:stop]
            locator = f"line {start + 1}"
            header = _HEADER.match(block[0])
            timestamp = None
            if header:
                year, month, day, hour, minute, second = (int(g or 0) for g in header.groups()[:6])
                try:
                    timestamp = datetime(year, month, day, hour, minute, second)
                except ValueError:
                    timestamp = None
            if header is None or timestamp is None:
                raw = "\n".join(block).rstrip("\n")
                reason = "a damaged message header" if header is None else "an impossible date"
                yield ctx.unparsed(entry, locator, raw, reason, Channel.SIGNAL)
                continue
            body, parts = _unmark("\n".join([header.group(8), *block[1:]]))
            sender = header.group(7).strip() or None
            record = _Record(
                locator=locator,
                timestamp=timestamp,
                sender=sender,
                body=body,
                quote=parts.get("quote"),
                sticker=parts.get("sticker"),
                reactions=parts.get("reactions", []),
                links=parts["links"],
                deleted=body == _DELETED,
            )
            yield record

    def _read_jsonl(self, entry: Entry, ctx: Context) -> Iterator[_Record | Message]:
        """Records of data.json, one JSON object a line; lines that are not one, unparsed."""
        readable = 0
        for number, line in enumerate(_lines(_text(entry, ctx)), 1):
            if not line.strip():
                continue
            locator = f"line {number}"
            try:
                obj = json.loads(line)
            except (ValueError, RecursionError):
                obj = None
            if _SURROGATE_ESCAPE.search(line):
                obj, replaced = _without_lone_surrogates(obj)
                if replaced:
                    ctx.warn(entry, locator, "an unpaired UTF-16 surrogate escape; replaced with U+FFFD")
            if not isinstance(obj, dict):
                yield ctx.unparsed(entry, locator, line, "not a JSON object", Channel.SIGNAL)
                continue
            date = obj.get("date")
            timestamp = parse_iso(date) if isinstance(date, str) else None
            if timestamp is None:
                yield ctx.unparsed(entry, locator, line, "no readable date", Channel.SIGNAL)
                continue
            readable += 1
            yield self._json_record(locator, timestamp, obj)
        if readable == 0:
            raise ParseError(entry.file, entry.member, "not a signal-export JSON file: no message in it.")

    def _json_record(self, locator: str, timestamp: datetime, obj: dict[str, Any]) -> _Record:
        sender = obj.get("sender")
        body = obj.get("body")
        quote = obj.get("quote")
        sticker = obj.get("sticker")
        if isinstance(sticker, dict):
            sticker = sticker.get("emoji") or sticker.get("label")
        reactions = []
        for item in obj.get("reactions") or []:
            if isinstance(item, (list, tuple)) and len(item) == 2:
                reactions.append({"from": str(item[0]), "emoji": str(item[1])})
            elif isinstance(item, dict):
                who = item.get("name", item.get("from", item.get("sender", "")))
                reactions.append({"from": str(who), "emoji": str(item.get("emoji", ""))})
        links = []
        for item in obj.get("attachments") or []:
            if isinstance(item, dict):
                path = item.get("path")
                path = unquote(path) if isinstance(path, str) else ""
                name = item.get("name") or item.get("fileName") or posixpath.basename(path)
                links.append((str(name), path))
        extra = {k: v for k, v in obj.items() if k not in _JSON_KEYS}
        return _Record(
            locator=locator,
            timestamp=timestamp,
            sender=(sender.strip() or None) if isinstance(sender, str) else None,
            body=body.rstrip() if isinstance(body, str) else "",
            quote=_quote_text(quote) if isinstance(quote, str) and quote.strip() else None,
            sticker=sticker if isinstance(sticker, str) and sticker else None,
            reactions=reactions,
            links=links,
            deleted=obj.get("deleted") is True,
            call=obj.get("call") if isinstance(obj.get("call"), bool) else None,
            missed=obj.get("missed") if isinstance(obj.get("missed"), bool) else None,
            extra=extra,
        )

    def _messages(
        self, entry: Entry, ctx: Context, files: dict[str, Entry], records: list[_Record | Message]
    ) -> Iterator[Message]:
        """Messages of one file: who the reader is is decided once, from all of its records."""
        senders = {r.sender for r in records if isinstance(r, _Record)}
        writes_me = any(s in _READER_NAMES for s in senders)
        if writes_me and not ctx.me:
            ctx.note_once(entry, _WRITES_ME)
        if ctx.me and not writes_me and not any(ctx.is_me(s) for s in senders):
            ctx.note_once(entry, f"no sender here is named {ctx.me!r}: every message is taken as received")
        chat_dir = posixpath.dirname(entry.name)
        chat = None
        if entry.basename.lower() in (*_MARKDOWN_NAMES, "data.json") and chat_dir:
            chat = posixpath.basename(chat_dir)
        for record in records:
            if isinstance(record, Message):
                yield record
                continue
            if record.sender in _READER_NAMES or ctx.is_me(record.sender):
                direction = Direction.OUT
            elif ctx.me or writes_me:
                direction = Direction.IN if record.sender else Direction.UNKNOWN
            else:
                ctx.note_once(entry, _UNKNOWN_READER)
                direction = Direction.UNKNOWN
            yield self._message(entry, ctx, files, chat_dir, chat, record, direction)

    def _message(
        self,
        entry: Entry,
        ctx: Context,
        files: dict[str, Entry],
        chat_dir: str,
        chat: str | None,
        record: _Record,
        direction: Direction,
    ) -> Message:
        extra: dict[str, Any] = {}
        if chat:
            extra["chat"] = chat
        if record.quote is not None:
            extra["quote"] = record.quote
        if record.reactions:
            extra["reactions"] = record.reactions
        if record.sticker is not None:
            extra["sticker"] = record.sticker
        extra.update(record.extra)
        attachments = tuple(self._attachment(ctx, files, chat_dir, name, path) for name, path in record.links)
        call = _CALL.match(record.body)
        if record.deleted:
            kind = Kind.DELETED
        elif record.call or (record.call is None and call):
            kind = Kind.CALL
            extra.update(self._call_facts(call, record.missed))
        elif not record.body and (attachments or record.sticker is not None):
            kind = Kind.MEDIA
        else:
            kind = Kind.MESSAGE
        is_reader_word = record.sender in _READER_NAMES
        return Message(
            timestamp=record.timestamp,
            channel=Channel.SIGNAL,
            kind=kind,
            direction=direction,
            sender="me" if is_reader_word else ctx.address(record.sender),
            sender_name=record.sender,
            recipients=("me",) if direction is Direction.IN else (),
            body=record.body,
            attachments=attachments,
            source=Source(entry.file, entry.locate(record.locator)),
            extra=extra,
        )

    def _call_facts(self, call: re.Match[str] | None, missed: bool | None) -> dict[str, Any]:
        facts: dict[str, Any] = {}
        if call is not None:
            if call.group(2):
                facts["call_type"] = call.group(2)
            if call.group(3):
                facts["call_status"] = call.group(3)
                if duration := _DURATION.search(call.group(3)):
                    facts["duration_seconds"] = int(duration.group(1) or 0) * 60 + int(duration.group(2))
        facts["missed"] = missed if missed is not None else bool(call and call.group(1) == "Missed")
        return facts

    def _attachment(self, ctx: Context, files: dict[str, Entry], chat_dir: str, name: str, path: str) -> Attachment:
        """An attachment by name, hashed when the export folder or zip holds the file."""
        found = files.get(posixpath.normpath(posixpath.join(chat_dir, path))) if path else None
        return load_attachment(found, name, ctx, guess_mime(path or name))
