"""WhatsApp "Export chat": a .txt, or a .zip holding the .txt and the media, Android or iOS.

One line starts each message; lines without a timestamp continue the message above::

    31/12/2021, 22:01 - Alex: text            Android (also `[01/01/19 11:25] Alex: text`)
    12/31/21, 10:01\u202fPM - Alex: text       Android, US 12-hour with a narrow no-break space
    [31.12.21, 22:01:05] Alex: text           iOS: brackets, seconds, U+200E before markers
    31/12/2021, 22:01 - Alex left             Android system line: no author
    [31/12/2021, 22:01:05] Chat: \u200eAlex left   iOS system line: the chat's name as author

Quirks this module handles:

- The date follows the phone's locale: d/m/y, m/d/y or y/m/d, 2- or 4-digit years, `/`, `.`
  or `-` between the parts, 12 or 24 hours (`PM`, `p. m.`, `a.m.`; even `00:08 a. m.`).
  Day/month order cannot be read from one line, so it is inferred from the whole file
  (a first field above 12 means day first, a second field above 12 month first). When no
  field is above 12, the order that keeps the lines in time order wins (an export is
  written oldest first); when both do, the region decides (`--region`, GREYROCK_REGION,
  the locale: month first in the US and the few places that write dates its way, day first
  elsewhere). A guess is never silent: the inference and its reason are said once.
- Times are wall-clock times with no zone: timestamps stay naive.
- The export names people as the reader's phone shows them and never says who the reader
  is, except where it writes "You": `--me` names the reader.
- Media is a marker in the text: Android `IMG-...jpg (file attached)` or `<Media omitted>`,
  iOS `<attached: 00000012-PHOTO-...jpg>` or `image omitted`. In a zip (or folder) the file
  itself sits beside the chat and is found by name.
- Only English system texts are recognised by wording. An Android line without an author is
  a system line in any language; an iOS one in another language stays a message from the
  chat's name, with its text intact.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from greyrock.errors import ParseError
from greyrock.model import Attachment, Channel, Direction, Kind, Message, Source

from ._attach import guess_mime, load_attachment
from ._base import Context
from ._export import Entry

__all__ = ["WhatsApp"]

_SP = "[ \u00a0\u202f]"
# Bidi controls the apps write around names and markers; invisible, so never part of a name.
_MARKS = "\u200e\u200f\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_M = f"[{_MARKS}]*"
_HEADER = re.compile(
    rf"^{_M}(?P<open>\[)?{_M}"
    r"(?P<d1>\d{1,4})(?P<sep>[./-])(?P<d2>\d{1,2})(?P=sep)(?P<d3>\d{1,4})\.?"
    rf",?{_SP}+"
    r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?"
    rf"(?:{_SP}*(?P<ampm>[AaPp]\.?{_SP}?[Mm]\.?))?{_M}"
    rf"(?(open)\]{_SP}?|{_SP}+[-\u2013]{_SP}?)"
    r"(?P<rest>.*)$"
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_STRIP_MARKS = str.maketrans({c: None for c in _MARKS} | {"\u00a0": " ", "\u202f": " ", "\u2011": "-"})

# English system texts. Every actor is `[^:]+?` so that "Name: text" never matches one.
_A = r"[^:]+?"
_SYSTEM = re.compile(
    r"^(?:"
    r"Messages and calls are end-to-end encrypted\b.*"
    r"|Messages to this (?:chat|group) (?:and calls )?are now secured with end-to-end encryption\b.*"
    r"|This chat is with a business account\b.*"
    r"|You were added|You're now an admin|You are now an admin"
    rf"|{_A} created (?:the )?group\b.*|{_A} created this group"
    rf"|{_A} added {_A}|{_A} removed {_A}|{_A} left|{_A} joined using this group's invite link"
    rf"|{_A} changed (?:the subject|the group name|the group description|this group's \w+)\b.*"
    rf"|{_A} deleted this group's icon"
    rf"|{_A} changed (?:their phone number|to \+?[\d ()\-]+)\b.*"
    rf"|Your security code with {_A} changed\b.*|{_A}'s security code changed\b.*"
    rf"|{_A} turned (?:on|off) disappearing messages\b.*|Disappearing messages were turned (?:on|off)\b.*"
    r"|You (?:un)?blocked this contact\b.*"
    r")$"
)
_MISSED_CALL = re.compile(r"^Missed (?:group )?(?P<what>voice|video) call\b[,.]?\s*(?P<detail>.*)$", re.I)
_CALL = re.compile(r"^(?P<what>Voice|Video) call\b[,.]?\s*(?P<detail>.*)$")
_DURATION = re.compile(r"(\d+)\s*(sec|min|hr|h|s|m)\b")
_SECONDS = {"sec": 1, "s": 1, "min": 60, "m": 60, "hr": 3600, "h": 3600}
_DELETED = re.compile(r"^(?:This message was deleted|You deleted this message)\.?$")
_EDITED = re.compile(rf"[\s{_MARKS}]*<This message was edited>\s*$")
_ATTACHED = re.compile(r"\u200e?<attached: (?P<name>[^<>\n]+)>")
_FILE_ATTACHED = re.compile(r"^\u200e?(?P<name>[^\n]+?) \(file attached\)$")
_OMITTED = re.compile(
    r"^\u200e?(?:<(?P<android>Media) omitted>"
    r"|(?P<what>image|video|audio|sticker|GIF|Contact card|document) omitted"
    r"|(?P<label>[^\n]+?)[ \u200e]*\u200e(?P<doc>document) omitted)$"
)
_WA_MARKERS = ("end-to-end encrypted", "<Media omitted>", "(file attached)", "\u200e", "<attached: ")
# What reading a zip member raises beyond what Entry catches: corrupt deflate data, and
# RuntimeError for an encrypted member or an unsupported compression method.
_ZIP_ERRORS = (zlib.error, RuntimeError)


@dataclass
class _Record:
    """The lines of one message as found in the file, before they are understood."""

    first: int  # 1-based line number
    lines: list[str]
    header: re.Match[str] | None  # None for text before the first timestamp
    timestamp: datetime | None = None
    cut_off: bool = False

    @property
    def locator(self) -> str:
        last = self.first + len(self.lines) - 1
        return f"line {self.first}" if last == self.first or self.header else f"lines {self.first}-{last}"


@dataclass
class _Read:
    """One understood record; recipients are added once every author of the file is known."""

    record: _Record
    kind: Kind
    author: str | None  # as written, invisible marks removed; None for system lines
    body: str
    attachments: tuple[Attachment, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def _style(m: re.Match[str]) -> tuple[bool, str, bool]:
    """Bracketed, date separator, year first: one file keeps one style, so a pasted-in
    line of another style is message text, not a new message."""
    return (m["open"] is not None, m["sep"], len(m["d1"]) == 4)


# Regions whose phones write short dates month first (the US and the places that follow
# its locale); everywhere else writes the day first. Only asked when the file cannot tell.
_MONTH_FIRST_REGIONS = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM", "MH", "PW"})


def _day_first(entry: Entry, ctx: Context, headers: list[re.Match[str]]) -> bool:
    """Day/month order for the whole file: its dates first, then its time order, then the region.

    A date with a field above 12 proves the order. When none does, an export (always
    written oldest first) is read the way that keeps its messages in time order; when
    both ways do, the region decides, and the note says so and how to change it.
    """
    short = [m for m in headers if len(m["d1"]) < 4]
    firsts = sum(1 for m in short if 12 < int(m["d1"]) <= 31)
    seconds = sum(1 for m in short if 12 < int(m["d2"]) <= 31)
    region = (ctx.region or "").upper()
    by_region = region not in _MONTH_FIRST_REGIONS
    if firsts and seconds:
        day_first = firsts > seconds if firsts != seconds else by_region
        order = "day/month/year" if day_first else "month/day/year"
        why = "as most of them are" if firsts != seconds else f"as many each way (region {region or 'unknown'})"
        ctx.note_once(entry, f"dates disagree on day/month order; read as {order}, {why}")
        return day_first
    if firsts or seconds or not short:
        return firsts >= seconds
    back_dm, back_md = _backsteps(short, True), _backsteps(short, False)
    if back_dm != back_md:
        order = "day/month/year" if back_dm < back_md else "month/day/year"
        ctx.note_once(entry, f"no date has a number above 12; read as {order}, the only order "
                             "that keeps the messages in time order")
        return back_dm < back_md
    order = "day/month/year" if by_region else "month/day/year"
    ctx.note_once(entry, f"no date decides between day/month and month/day (no number above 12); "
                         f"dates are read as {order} (region {region or 'unknown'}); pass --region to change")
    return by_region


def _backsteps(headers: list[re.Match[str]], day_first: bool) -> int:
    """How often a reading of the dates goes back in time from one line to the next."""
    times = [t for t in (_timestamp(m, day_first) for m in headers) if t is not None]
    return sum(1 for a, b in zip(times, times[1:]) if b < a)


def _timestamp(m: re.Match[str], day_first: bool) -> datetime | None:
    if len(m["d1"]) == 4:
        year, month, day = int(m["d1"]), int(m["d2"]), int(m["d3"])
    elif len(m["d1"]) <= 2 and len(m["d3"]) in (2, 4):
        year = int(m["d3"]) + (2000 if len(m["d3"]) == 2 else 0)
        a, b = int(m["d1"]), int(m["d2"])
        day, month = (a, b) if day_first else (b, a)
    else:
        return None
    hour = int(m["h"])
    if m["ampm"]:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if m["ampm"][0] in "pP" else 0)
    try:
        return datetime(year, month, day, hour, int(m["mi"]), int(m["s"] or 0))
    except ValueError:
        return None


def _shape(text: str) -> str:
    """A line with digits collapsed and AM/PM alike, for telling a header cut short from
    message text."""
    return re.sub(r"\d+", "9", text.translate(_STRIP_MARKS)).lower().replace("p", "a")


def _split_author(rest: str) -> tuple[str | None, str]:
    """("Alex", "text") for "Alex: text"; (None, rest) for a system line.

    WhatsApp writes "Name: "; a bare "Name:" (as in "John Doe:.") is accepted too.
    """
    if _SYSTEM.match(rest.translate(_STRIP_MARKS)):
        return None, rest
    head, sep, body = rest.partition(": ")
    if not sep:
        head, sep, body = rest.partition(":")
    if not sep or not head.translate(_STRIP_MARKS).strip():
        return None, rest
    return head, body


def _duration(detail: str) -> int | None:
    total = sum(int(n) * _SECONDS[unit] for n, unit in _DURATION.findall(detail))
    return total or None


class WhatsApp:
    name = "whatsapp"
    help = "WhatsApp 'Export chat' .txt or .zip, Android and iOS."

    def sniff(self, entry: Entry) -> int | None:
        if not entry.name.lower().endswith(".txt"):
            return None
        try:
            text = entry.head_text()
        except _ZIP_ERRORS:
            return None
        lines = [line for line in _LINE_BREAK.split(text[:8192]) if line.strip()][:5]
        found = next(((i, m) for i, line in enumerate(lines) if (m := _HEADER.match(line))), None)
        if found is None:
            return None
        index, m = found
        # Signal's old text export is `[2019-12-24, 12:23] Name: text`: leave it to Signal
        # unless something only WhatsApp writes is there too.
        signal_like = m["open"] and m["sep"] == "-" and len(m["d1"]) == 4 and not m["s"] and not m["ampm"]
        if signal_like and not any(marker in text for marker in _WA_MARKERS):
            return 30
        score = 80 if index == 0 else 60
        base = entry.basename.lower()
        return score + 10 if base == "_chat.txt" or base.startswith("whatsapp") else score

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        for entry in entries:
            yield from self._parse_one(entry, ctx)

    def _parse_one(self, entry: Entry, ctx: Context) -> Iterator[Message]:
        records = self._records(entry, ctx)
        reads: list[_Read | Message] = []
        for record in records:
            if record.header is None or record.timestamp is None or record.cut_off:
                reason = (
                    "text before the first message line" if record.header is None
                    else "the file ends part-way through a line (cut off?)" if record.cut_off
                    else "a message line with an impossible date or time"
                )
                reads.append(ctx.unparsed(entry, record.locator, "\n".join(record.lines), reason,
                                          channel=Channel.WHATSAPP, timestamp=record.timestamp))
            else:
                reads.append(self._read(record, entry, ctx))
        authors = [r.author for r in reads if isinstance(r, _Read) and r.author is not None
                   and r.kind is not Kind.SYSTEM]
        reader = self._reader(entry, ctx, authors)
        others = list(dict.fromkeys(a for a in authors if not self._is_reader(a, reader)))
        for item in reads:
            yield item if isinstance(item, Message) else self._message(item, entry, ctx, reader, others)

    def _records(self, entry: Entry, ctx: Context) -> list[_Record]:
        """Split the file into records (a header line and its continuation lines)."""
        try:
            raw = entry.read_bytes()
        except _ZIP_ERRORS as exc:
            raise ParseError(entry.file, entry.member, "cannot read: the zip member is damaged or encrypted.") from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="replace")
            ctx.note_once(entry, "some bytes are not valid UTF-8; they are shown as \ufffd")
        text = text.removeprefix("\ufeff")
        lines = _LINE_BREAK.split(text)
        ended = lines[-1] == ""
        if ended:
            lines.pop()
        if not any(line.strip() for line in lines):
            raise ParseError(entry.file, entry.member, "the file is empty.")
        matches = [_HEADER.match(line) for line in lines]
        first = next((m for m in matches if m), None)
        if first is None:
            raise ParseError(entry.file, entry.member,
                             "no WhatsApp message lines (date, time, name) were found.",
                             "Is this a WhatsApp 'Export chat' file?")
        style = _style(first)
        headers = [m if m and _style(m) == style else None for m in matches]
        day_first = _day_first(entry, ctx, [m for m in headers if m])
        records: list[_Record] = []
        for number, (line, m) in enumerate(zip(lines, headers), start=1):
            if m is not None:
                records.append(_Record(number, [line], m, _timestamp(m, day_first)))
            elif records:
                records[-1].lines.append(line)
            elif line.strip():
                records.append(_Record(number, [line], None))
        while records and records[0].header is None and not records[0].lines[-1].strip():
            records[0].lines.pop()  # blank lines between leading text and the first message
        if not ended:
            self._mark_cut_off(records, first)
        return records

    @staticmethod
    def _mark_cut_off(records: list[_Record], first: re.Match[str]) -> None:
        """A file without a final line end may have been cut short: a last line that is
        only the start of a header, or a header with neither author nor known system
        text, is kept apart as the unreadable tail."""
        last = records[-1]
        line = last.lines[-1]
        if last.header is not None and len(last.lines) == 1:
            rest = last.header["rest"]
            author, _ = _split_author(rest)
            stripped = rest.translate(_STRIP_MARKS).strip()
            if author is None and not _SYSTEM.match(stripped) and not _MISSED_CALL.match(stripped):
                last.cut_off = True
            return
        template = _shape(first.group(0)[: first.start("rest")])
        if len(last.lines) > 1 and line.strip() and template.startswith(_shape(line).rstrip() or "\0"):
            last.lines.pop()
            records.append(_Record(last.first + len(last.lines), [line], last.header, cut_off=True))

    def _read(self, record: _Record, entry: Entry, ctx: Context) -> _Read:
        assert record.header is not None
        author, first_line = _split_author(record.header["rest"])
        body = "\n".join([first_line, *record.lines[1:]])
        extra: dict[str, Any] = {}
        if author is None:
            plain = body.translate(_STRIP_MARKS).strip()
            call = _MISSED_CALL.match(plain)
            if call:
                return _Read(record, Kind.CALL, None, plain, extra=self._call_extra(call, missed=True))
            return _Read(record, Kind.SYSTEM, None, body)
        name = author.translate(_STRIP_MARKS).strip()
        edited = _EDITED.search(body)
        if edited:
            body = body[: edited.start()]
            extra["edited"] = True
        plain = body.translate(_STRIP_MARKS).strip()
        marked = body.lstrip(" ").startswith("\u200e")
        if _DELETED.match(plain):
            return _Read(record, Kind.DELETED, name, plain, extra=extra)
        call = _MISSED_CALL.match(plain) or _CALL.match(plain)
        if marked and call:
            missed = call.re is _MISSED_CALL
            return _Read(record, Kind.CALL, name, plain, extra=extra | self._call_extra(call, missed))
        if marked and _SYSTEM.match(plain):
            return _Read(record, Kind.SYSTEM, None, plain, extra=extra | {"shown_as": name})
        omitted = _OMITTED.match(body.strip(" "))
        if omitted:
            what = "media" if omitted["android"] else (omitted["what"] or omitted["doc"]).lower()
            return _Read(record, Kind.MEDIA, name, plain, extra=extra | {"omitted": what})
        names = [m["name"] for m in _ATTACHED.finditer(body)]
        if names:
            body = _ATTACHED.sub("", body).strip(" \n\u200e")
        else:
            attached = _FILE_ATTACHED.match(first_line)
            if attached:
                names = [attached["name"]]
                body = "\n".join(record.lines[1:])
        if names:
            files = tuple(self._attachment(n, entry, ctx) for n in names)
            kind = Kind.MEDIA if not body.strip() else Kind.MESSAGE
            return _Read(record, kind, name, body, files, extra)
        return _Read(record, Kind.MESSAGE, name, body, extra=extra)

    @staticmethod
    def _call_extra(call: re.Match[str], missed: bool) -> dict[str, Any]:
        extra: dict[str, Any] = {"call": call["what"].lower(), "missed": missed}
        if call["detail"]:
            extra["detail"] = call["detail"]
            seconds = _duration(call["detail"])
            if seconds is not None:
                extra["duration"] = seconds
        return extra

    def _attachment(self, name: str, entry: Entry, ctx: Context) -> Attachment:
        """The attached file's bytes when the export holds it beside the chat."""
        found = ctx.export.find(name)
        if found is None or found is entry:
            ctx.note_once(entry, "some attached files are not in this export; only their names were kept "
                                 "(export the chat with media, and give the whole zip or folder)")
            return Attachment(name=name, mime=guess_mime(name))
        return load_attachment(found, name, ctx)

    @staticmethod
    def _reader(entry: Entry, ctx: Context, authors: list[str]) -> str | None:
        """The name the reader goes by in this file ("You" counts), said once when
        it is assumed or unknown."""
        has_you = any(a.casefold() == "you" for a in authors)
        if ctx.me:
            if not has_you and not any(ctx.is_me(a) for a in authors):
                ctx.note_once(entry, "no author in this file has the name given with --me; "
                                     "every message is read as received")
            return ctx.me
        if has_you:
            ctx.note_once(entry, "'You' is taken to be the reader and every other author as someone "
                                 "writing to them (pass --me NAME to say otherwise)")
            return "You"
        ctx.note_once(entry, "the export does not say which author is the reader, so directions are "
                             "'unknown': pass --me NAME")
        return None

    @staticmethod
    def _is_reader(name: str, reader: str | None) -> bool:
        folded = name.strip().casefold()
        return folded == "you" or (reader is not None and folded == reader.strip().casefold())

    def _message(self, read: _Read, entry: Entry, ctx: Context, reader: str | None,
                 others: list[str]) -> Message:
        source = Source(entry.file, entry.locate(read.record.locator))
        author = read.author
        if author is None:
            direction, sender, recipients = Direction.UNKNOWN, None, ()
        else:
            mine = self._is_reader(author, reader)
            if reader is None:
                direction = Direction.UNKNOWN
                sender = ctx.address(author)
            else:
                direction = Direction.OUT if mine else Direction.IN
                sender = "me" if mine else ctx.address(author)
            names = [o for o in others if o != author]
            recipients = tuple(
                (["me"] if reader is not None and not mine else [])
                + [a for a in dict.fromkeys(ctx.address(o) for o in names) if a]
            )
        return Message(
            timestamp=read.record.timestamp,
            channel=Channel.WHATSAPP,
            kind=read.kind,
            direction=direction,
            sender=sender,
            sender_name=author,
            recipients=recipients,
            body=read.body,
            attachments=read.attachments,
            source=source,
            extra=read.extra,
        )
