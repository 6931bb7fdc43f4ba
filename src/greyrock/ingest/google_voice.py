"""Google Voice from Google Takeout: Takeout/Voice/Calls/*.html, one file per thread or call.

File names say what each file is: `NAME - Text - 2022-07-01T01_06_39Z.html` (a text
thread), `NAME - Missed|Received|Placed|Voicemail|Recorded - TIME.html` (one call),
`Group Conversation - TIME.html` (a group thread). NAME is the contact's name or number,
or empty. Media sit beside them: `<thread file name>-2-1.jpg`, voicemail `.mp3`s.

Quirks:

- Texts are `div.message` in a `div.hChatLog`: `abbr.dt` whose title is the ISO time
  with its offset (aware), `cite.sender` with `a.tel` (href `tel:+1…`) and `.fn` (the
  name; the reader is an `abbr.fn` reading "Me"), and the body in `q`, where `<br>` is a
  line break. Only the reader's own messages record the reader's number; the file's own,
  else the first found in the export, stands for the reader (sender of their texts and
  placed calls, recipient of the rest), and "me" where the export never shows it.
- extra: {"group": true} in group threads, {"user_deleted": true} when the file says the
  reader deleted the thread in Google Voice, and for calls call_type, duration (seconds)
  and, for placed calls, recipient_name.
- MMS: `img[src]`, `a.video`, `a.vcard` or `audio[src]` name a file without its
  extension; the file is found beside the HTML with any extension and hashed. The
  placeholder bodies "MMS Sent" / "MMS Received" are not words anyone wrote: a message
  with attachments and only that placeholder is kind "media" with an empty body.
- Group threads list everyone in `div.participants`.
- Calls are one `div.haudio` with `abbr.published` (time), `abbr.duration` (`PT1M23S`),
  the caller in `div.contributor`, a voicemail transcript in `span.full-text` (the body)
  and its recording in `audio[src]`. The type comes from the file name, else the labels,
  else the title. Missed, received and voicemail are incoming; placed is outgoing;
  recorded says neither.
- Takeout sometimes writes the same thread twice, the second as `… (2).html`. When a
  folder is read, a record identical (time, sender, body, kind) to one already read from
  another file is skipped, with one warning per file naming how many.
- A file cut short (no closing </html>) yields the records before the last one begun;
  that last one is kept as unparsed raw HTML, with a warning. In a folder, a file with no
  thread or call in it is one unparsed record; alone, it is a ParseError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import lxml.etree
import lxml.html

from greyrock.errors import ParseError
from greyrock.model import Attachment, Channel, Direction, Kind, Message, Source

from ._attach import load_attachment
from ._base import Context
from ._export import Entry
from ._time import parse_iso

__all__ = ["GoogleVoice"]

_CALL_TYPES = ("missed", "received", "placed", "voicemail", "recorded")
_NAME = re.compile(r"^(?P<who>.*?) ?- (?P<type>Text|Missed|Received|Placed|Voicemail|Recorded) - \d{4}-\d\d-\d\dT")
_COPY = re.compile(r" \((\d+)\)(?=\.html?$)", re.IGNORECASE)
_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")
_END = re.compile(rb"</html\s*>", re.IGNORECASE)
_RECORD_START = re.compile(rb"<div\s+class\s*=\s*[\"'](?:message\b|haudio|hcall)", re.IGNORECASE)
_MMS_STAND_INS = ("MMS Sent", "MMS Received")
_MY_NUMBER = re.compile(rb"href=[\"']tel:([^\"']+)[\"']\s*>\s*<abbr[^>]*class=[\"']fn[\"'][^>]*>\s*Me\s*</abbr>")
_MEDIA_XPATH = (
    ".//img/@src | .//audio/@src | .//video/@src | .//a[contains(@class,'video') or contains(@class,'vcard')]/@href"
)


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True)


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


class GoogleVoice:
    name = "google-voice"
    help = "Google Voice Takeout HTML (texts, calls, voicemail)."

    def sniff(self, entry: Entry) -> int | None:
        if not entry.name.lower().endswith((".html", ".htm")):
            return None
        head = entry.head_text()
        if 'class="hChatLog' not in head and 'class="haudio' not in head:
            return None
        if "google.com/voice" in head or "Call Log for" in head or _NAME.match(entry.basename):
            return 95
        return 70 if "tel:" in head else None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        files = _media_index(ctx)
        own = _own_number(entries, ctx)
        seen: dict[tuple[Any, ...], str] = {}
        # Originals before their " (2)" copies, so that the copy is the one reported.
        for entry in sorted(entries, key=_original_first):
            skipped, original = 0, ""
            try:
                for message in self._parse_one(entry, ctx, files, own, single=len(entries) == 1):
                    key = (message.timestamp, message.sender, message.body, message.kind)
                    first = seen.setdefault(key, entry.name)
                    if first != entry.name:
                        skipped, original = skipped + 1, first
                        continue
                    yield message
            except ParseError as exc:
                if len(entries) == 1:
                    raise
                ctx.warn(entry, None, f"{exc.reason} Skipped; the other files were read.")
            if skipped:
                ctx.warn(
                    entry,
                    None,
                    f"{skipped} record(s) identical to ones already read from {original} were skipped: "
                    "Takeout exported the same thread twice.",
                )

    def _parse_one(
        self, entry: Entry, ctx: Context, files: dict[str, Entry], own: str | None, single: bool
    ) -> Iterator[Message]:
        raw = entry.read_bytes()
        tail = b""
        if not _END.search(raw):
            starts = list(_RECORD_START.finditer(raw))
            if starts:
                raw, tail = raw[: starts[-1].start()], raw[starts[-1].start() :]
        doc = _document(raw)
        thread = doc.xpath(f"//div[{_has_class('hChatLog')}]") if doc is not None else []
        calls = doc.xpath("//div[contains(@class, 'haudio') or contains(@class, 'hcall')]") if doc is not None else []
        if not thread and not calls and not tail:
            reason = "no Google Voice text thread or call found in this file"
            if single:
                raise ParseError(entry.file, entry.member, f"{reason}.")
            yield ctx.unparsed(entry, "whole file", _decode(raw), reason, channel=Channel.GOOGLE_VOICE)
            return
        if doc is not None:
            extra = {"user_deleted": True} if _user_deleted(doc) else {}
            if thread:
                yield from _thread(entry, ctx, thread[0], files, own, extra)
            for index, call in enumerate(calls, 1):
                yield _call(entry, ctx, doc, call, index if len(calls) > 1 else None, files, own or "me", extra)
        if tail:
            yield ctx.unparsed(
                entry,
                "end of file",
                _decode(tail),
                "the file is cut short (no closing </html>); its last record may be incomplete",
                channel=Channel.GOOGLE_VOICE,
            )


# --- files ----------------------------------------------------------------------------


def _document(raw: bytes) -> Any:
    try:
        return lxml.html.document_fromstring(raw, parser=_parser())
    except (lxml.etree.ParserError, ValueError):
        return None


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _own_number(entries: list[Entry], ctx: Context) -> str | None:
    """The reader's number, from the first of their own messages found in the export.

    Only the reader's messages record it; reading it once for the whole export means the
    same address stands for the reader in every file, calls included.
    """
    for entry in entries:
        try:
            found = _MY_NUMBER.search(entry.read_bytes())
        except ParseError:
            continue
        if found:
            return ctx.address(found.group(1).decode("utf-8", errors="replace"))
    return None


def _original_first(entry: Entry) -> tuple[str, int]:
    copy = _COPY.search(entry.name)
    return (_COPY.sub("", entry.name), int(copy.group(1)) if copy else 0)


def _media_index(ctx: Context) -> dict[str, Entry]:
    """Every non-HTML file of the export, by its path with and without its extension."""
    index: dict[str, Entry] = {}
    for e in ctx.export.entries:
        if e.name.lower().endswith((".html", ".htm")):
            continue
        index.setdefault(e.name, e)
        stem, dot, _ = e.name.rpartition(".")
        if dot and "/" not in e.name[len(stem) :]:
            index.setdefault(stem, e)
    return index


def _attachment(ref: str, entry: Entry, ctx: Context, files: dict[str, Entry]) -> Attachment:
    """A media file named in the HTML; hashed when it lies beside the HTML file."""
    folder = entry.name.rsplit("/", 1)[0] + "/" if "/" in entry.name else ""
    found = files.get(folder + ref)
    return load_attachment(found, found.basename if found else ref, ctx)


def _media(element: Any, entry: Entry, ctx: Context, files: dict[str, Entry]) -> tuple[Attachment, ...]:
    refs = dict.fromkeys(str(r).strip() for r in element.xpath(_MEDIA_XPATH))
    local = (r for r in refs if r and not r.startswith(("tel:", "http:", "https:")))
    return tuple(_attachment(r, entry, ctx, files) for r in local)


# --- text threads ---------------------------------------------------------------------


def _thread(
    entry: Entry, ctx: Context, log: Any, files: dict[str, Entry], own: str | None, extra: dict[str, Any]
) -> Iterator[Message]:
    messages = log.xpath(f".//div[{_has_class('message')}]")
    people = [_person(cite, ctx) for cite in log.xpath(f"./div[{_has_class('participants')}]//cite")]
    group = bool(people)
    parsed = [_sender(div, ctx) for div in messages]
    me = next((number for is_me, number, _ in parsed if is_me and number), None) or own or "me"
    if group:
        others = [address for address, _ in people if address]
    else:
        others = list(dict.fromkeys(number for is_me, number, _ in parsed if not is_me and number))
        if not others:
            # The reader wrote and nobody answered: the file name, or the title "Me to NAME",
            # still names the other side.
            match = _NAME.match(entry.basename)
            title = " ".join(log.getroottree().xpath("//title//text()")).split()
            named = match.group("who") if match else " ".join(title[2:]) if title[:2] == ["Me", "to"] else ""
            who = ctx.address(named) if named.strip() else None
            others = [who] if who else []
    group_extra = {"group": True} if group else {}
    for index, (div, (is_me, number, name)) in enumerate(zip(messages, parsed), 1):
        locator = f"message {index}"
        stamp = div.xpath(f".//abbr[{_has_class('dt')}]/@title")
        timestamp = parse_iso(str(stamp[0])) if stamp else None
        if timestamp is None:
            yield ctx.unparsed(entry, locator, _html(div), "no readable time", channel=Channel.GOOGLE_VOICE)
            continue
        quoted = div.xpath(".//q")
        body = _text(quoted[0]) if quoted else ""
        attachments = _media(div, entry, ctx, files)
        if attachments and body.strip() in _MMS_STAND_INS:
            body = ""
        if is_me:
            direction, sender, recipients = Direction.OUT, me, tuple(others)
        else:
            direction, sender = Direction.IN, number
            recipients = (me, *(o for o in others if o != sender)) if group else (me,)
        yield Message(
            timestamp=timestamp,
            channel=Channel.GOOGLE_VOICE,
            kind=Kind.MEDIA if attachments and not body else Kind.MESSAGE,
            direction=direction,
            sender=sender,
            sender_name=name,
            recipients=recipients,
            body=body,
            attachments=attachments,
            source=Source(entry.file, entry.locate(locator)),
            extra={**group_extra, **extra},
        )


def _sender(div: Any, ctx: Context) -> tuple[bool, str | None, str | None]:
    """(is the reader, normalised number, display name) of one message's `cite.sender`."""
    cites = div.xpath(f".//cite[{_has_class('sender')}]")
    if not cites:
        return False, None, None
    address, name = _person(cites[0], ctx)
    fn = cites[0].xpath(f".//*[{_has_class('fn')}]")
    is_me = bool(fn) and (fn[0].tag == "abbr" or (fn[0].tag != "span" and name == "Me"))
    return is_me, address, name


def _person(cite: Any, ctx: Context) -> tuple[str | None, str | None]:
    href = cite.xpath(f".//a[{_has_class('tel')}]/@href")
    number = str(href[0]).strip() if href else ""
    number = number[4:] if number.lower().startswith("tel:") else number
    fn = cite.xpath(f".//*[{_has_class('fn')}]")
    name = fn[0].text_content().strip() if fn else ""
    return ctx.address(number) if number else None, name or None


def _text(element: Any) -> str:
    """The element's text with each <br> as a line break, nothing else changed."""
    parts = [element.text or ""]
    for event, child in lxml.etree.iterwalk(element, events=("start", "end")):
        if child is element:
            continue
        if event == "start":
            parts.append("\n" if child.tag == "br" else child.text or "")
        else:
            parts.append(child.tail or "")
    return "".join(parts)


def _html(element: Any) -> str:
    return lxml.html.tostring(element, encoding="unicode", with_tail=False)


def _user_deleted(doc: Any) -> bool:
    status = doc.xpath(f"//div[{_has_class('deletedStatusContainer')}]")
    return bool(status) and status[0].text_content().split(":")[-1].strip() == "True"


# --- calls ----------------------------------------------------------------------------


def _call(
    entry: Entry,
    ctx: Context,
    doc: Any,
    div: Any,
    index: int | None,
    files: dict[str, Entry],
    me: str,
    extra: dict[str, Any],
) -> Message:
    locator = "call" if index is None else f"call {index}"
    stamp = div.xpath(f".//abbr[{_has_class('published')}]/@title")
    timestamp = parse_iso(str(stamp[0])) if stamp else None
    call_type = _call_type(entry, doc, div)
    if timestamp is None or call_type is None:
        reason = "no readable time" if timestamp is None else "the kind of call is not recorded"
        return ctx.unparsed(entry, locator, _html(div), reason, channel=Channel.CALL, timestamp=timestamp)
    cites = div.xpath(f".//div[{_has_class('contributor')}]")
    number, name = _person(cites[0], ctx) if cites else (None, None)
    details: dict[str, Any] = {"call_type": call_type}
    duration = div.xpath(f".//abbr[{_has_class('duration')}]/@title")
    seconds = _seconds(str(duration[0])) if duration else None
    if seconds is not None:
        details["duration"] = seconds
    transcript = div.xpath(f".//span[{_has_class('full-text')}]")
    if call_type == "placed":
        direction, sender, recipients = Direction.OUT, me, ((number,) if number else ())
        if name:
            details["recipient_name"] = name
    else:
        direction = Direction.UNKNOWN if call_type == "recorded" else Direction.IN
        sender, recipients = number, (me,)
    return Message(
        timestamp=timestamp,
        channel=Channel.CALL,
        kind=Kind.CALL,
        direction=direction,
        sender=sender,
        sender_name=name if call_type != "placed" else None,
        recipients=recipients,
        body=_text(transcript[0]).strip() if transcript else "",
        attachments=_media(div, entry, ctx, files),
        source=Source(entry.file, entry.locate(locator)),
        extra={**details, **extra},
    )


def _call_type(entry: Entry, doc: Any, div: Any) -> str | None:
    match = _NAME.match(entry.basename)
    if match and match.group("type").lower() in _CALL_TYPES:
        return match.group("type").lower()
    for href in doc.xpath("//a[@rel='tag']/@href"):
        label = str(href).rsplit("#", 1)[-1].lower()
        if label in _CALL_TYPES:
            return label
    title = " ".join(doc.xpath("//title//text()") + div.xpath(f"./*[{_has_class('fn')}]//text()")).lower()
    return next((t for t in _CALL_TYPES if title.lstrip().startswith(t)), None)


def _seconds(iso_duration: str) -> int | float | None:
    """Seconds of an ISO 8601 duration such as PT1M23S; None when it is not one."""
    match = _DURATION.match(iso_duration.strip())
    if not match or not any(match.groups()):
        return None
    days, hours, minutes, secs = (float(g) if g else 0.0 for g in match.groups())
    total = ((days * 24 + hours) * 60 + minutes) * 60 + secs
    return int(total) if total.is_integer() else total
