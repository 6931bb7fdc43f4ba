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
- Damaged HTML must not cost the rest of the file, whatever libxml2 version reads it.
  Messages are looked for anywhere in the document, not only inside div.hChatLog (an
  `<x/>` in its tag can close it before its messages); a message whose div was damaged
  is read from its loose parts, with a warning. When the document holds fewer records
  than the file has record starts (a div or a time stamp: an unclosed comment, title or
  textarea swallowed the rest), each record is read on its own from its stretch of the
  file. A message with words but no <q> body is kept as unparsed HTML, never read as
  empty. Bytes that are not UTF-8 are read as Windows-1252 before libxml2 sees them.
- A file cut short (no closing </html>) yields the records before the last one begun;
  that last one is kept as unparsed raw HTML, with a warning. In a folder, a file with no
  thread or call in it is one unparsed record; alone, it is a ParseError.
"""

from __future__ import annotations

import bisect
import copy
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
from ._text import decode_mixed, line_of
from ._time import parse_iso

__all__ = ["GoogleVoice"]

_CALL_TYPES = ("missed", "received", "placed", "voicemail", "recorded")
_NAME = re.compile(r"^(?P<who>.*?) ?- (?P<type>Text|Missed|Received|Placed|Voicemail|Recorded) - \d{4}-\d\d-\d\dT")
_COPY = re.compile(r" \((\d+)\)(?=\.html?$)", re.IGNORECASE)
_DURATION = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")
_END = re.compile(rb"</html\s*>", re.IGNORECASE)
_RECORD_START = re.compile(rb"<div\s+class\s*=\s*[\"'](?:message\b|haudio|hcall)", re.IGNORECASE)
_STAMP = re.compile(rb"<abbr\s[^<>]*?class\s*=\s*[\"'](?:dt|published)\b", re.IGNORECASE)
_MMS_STAND_INS = ("MMS Sent", "MMS Received")
_GATHERED = "data-greyrock-gathered"  # marks a message div rebuilt from loose parts
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
        marked = 'class="hChatLog' in head or 'class="haudio' in head
        if not marked and not ('class="message"' in head and '<abbr class="dt"' in head):
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
        mixed = decode_mixed(raw)
        if mixed.first_bad is not None:  # libxml2 versions differ on such bytes: none reach it
            ctx.warn(
                entry, f"line {line_of(raw, mixed.first_bad)}",
                "not valid UTF-8 from here on; the bytes that are not were read as Windows-1252",
            )
            raw = mixed.text.encode("utf-8")
        tail = b""
        if not _END.search(raw):
            starts = list(_RECORD_START.finditer(raw))
            if starts:
                raw, tail = raw[: starts[-1].start()], raw[starts[-1].start() :]
        doc = _document(raw)
        texts, calls = _records(doc)
        thread = bool(texts) or (doc is not None and bool(doc.xpath(f"//div[{_has_class('hChatLog')}]")))
        bounds = _bounds(raw)
        expected = len(bounds)
        if len(texts) + len(calls) < expected:
            # The document as libxml2 built it hides records (an element that swallowed the
            # rest, a tag that closed the thread early): read each record on its own.
            ctx.warn(
                entry, None,
                f"the HTML is damaged: {len(texts) + len(calls)} of {expected} records were found in the "
                "document; each record was read on its own",
            )
            yield from self._record_by_record(entry, ctx, raw, bounds, doc, files, own)
        elif not thread and not calls and not tail:
            reason = "no Google Voice text thread or call found in this file"
            if single:
                raise ParseError(entry.file, entry.member, f"{reason}.")
            yield ctx.unparsed(entry, "whole file", _decode(raw), reason, channel=Channel.GOOGLE_VOICE)
            return
        elif doc is not None:
            extra = {"user_deleted": True} if _user_deleted(doc) else {}
            if texts:
                yield from _thread(entry, ctx, doc, texts, files, own, extra)
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

    def _record_by_record(
        self,
        entry: Entry,
        ctx: Context,
        raw: bytes,
        bounds: list[int],
        doc: Any,
        files: dict[str, Entry],
        own: str | None,
    ) -> Iterator[Message]:
        """Every record read from its own stretch of the file, from one record start to the next."""
        if doc is None or not doc.xpath("//title"):
            doc = _document(raw[: bounds[0]]) if bounds[0] else None
        if doc is None:
            doc = lxml.html.document_fromstring(b"<html><body></body></html>")
        context = doc
        extra = {"user_deleted": True} if _user_deleted(doc) else {}
        texts: list[Any] = []
        calls: list[Any] = []
        for n, (start, end) in enumerate(zip(bounds, [*bounds[1:], len(raw)]), 1):
            part = _document(raw[start:end])
            found = _records(part)
            if not found[0] and not found[1]:
                yield ctx.unparsed(
                    entry, f"record {n} (bytes {start}-{end})", _decode(raw[start:end]),
                    "this record's HTML cannot be read", channel=Channel.GOOGLE_VOICE,
                )
            texts += found[0]
            calls += found[1]
        if texts:
            yield from _thread(entry, ctx, context, texts, files, own, extra)
        for index, call in enumerate(calls, 1):
            yield _call(entry, ctx, context, call, index if len(calls) > 1 else None, files, own or "me", extra)


# --- files ----------------------------------------------------------------------------


def _bounds(raw: bytes) -> list[int]:
    """Where each record starts in the file: at its div, or, where the div is damaged past
    recognising, at its time stamp."""
    starts = [m.start() for m in _RECORD_START.finditer(raw)]
    bounds = set(starts)
    previous = 0
    for stamp in (m.start() for m in _STAMP.finditer(raw)):
        at = bisect.bisect_left(starts, previous)
        if at == len(starts) or starts[at] >= stamp:  # no record start since the last stamp
            bounds.add(stamp)
        previous = stamp
    return sorted(bounds)


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


def _records(doc: Any) -> tuple[list[Any], list[Any]]:
    """The text messages and the calls of a document, each as one element, in file order.

    A message is looked for anywhere in the document, not only inside the thread's div:
    damaged HTML (`<div class="hChatLog"<x/>>`) can close the thread before its messages.
    A message whose own div was damaged leaves its parts (abbr.dt, cite, q) loose; they
    are gathered into a new div so that the message is still read.
    """
    if doc is None:
        return [], []
    message = f"div[{_has_class('message')}]"
    hits = doc.xpath(f"//{message} | //abbr[{_has_class('dt')}][not(ancestor::{message})]")
    texts: list[Any] = []
    for hit in hits:
        if hit.tag != "abbr":
            texts.append(hit)
            continue
        gathered = _gather(hit)
        if texts and _is_empty_message(texts[-1]) and texts[-1].getnext() is hit:
            texts[-1] = gathered  # `<div class="message" <x/>>`: the div closed on itself
        else:
            texts.append(gathered)
    calls = doc.xpath("//div[contains(@class, 'haudio') or contains(@class, 'hcall')]")
    return texts, calls


def _gather(stamp: Any) -> Any:
    """A message div holding copies of a loose abbr.dt and the siblings after it, up to the
    next message."""
    div = lxml.html.Element("div", {"class": "message", _GATHERED: ""})
    div.append(copy.deepcopy(stamp))
    for sibling in stamp.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if _has_message_part(sibling):
            break
        div.append(copy.deepcopy(sibling))
    return div


def _has_message_part(element: Any) -> bool:
    classes = f" {element.get('class') or ''} ".replace("\t", " ").replace("\n", " ")
    if (element.tag == "abbr" and " dt " in classes) or (element.tag == "div" and " message " in classes):
        return True
    return bool(element.xpath(f".//abbr[{_has_class('dt')}] | .//div[{_has_class('message')}]"))


def _is_empty_message(div: Any) -> bool:
    return div.get(_GATHERED) is None and not div.xpath(f".//abbr[{_has_class('dt')}] | .//q")


def _own_part(div: Any) -> Any:
    """The message without the messages nested in it (a div left open swallows the next)."""
    if not div.xpath(f".//div[{_has_class('message')}]"):
        return div
    alone = copy.deepcopy(div)
    for inner in alone.xpath(f".//div[{_has_class('message')}]"):
        if inner.getparent() is not None:
            inner.getparent().remove(inner)
    return alone


def _thread(
    entry: Entry,
    ctx: Context,
    doc: Any,
    found: list[Any],
    files: dict[str, Entry],
    own: str | None,
    extra: dict[str, Any],
) -> Iterator[Message]:
    messages = [_own_part(div) for div in found]
    people = [_person(cite, ctx) for cite in doc.xpath(f"//div[{_has_class('participants')}]//cite")]
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
            title = " ".join(doc.xpath("//title//text()")).split()
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
        if div.get(_GATHERED) is not None:
            ctx.warn(entry, locator, "the HTML around this message is damaged; it was read from its parts")
        quoted = div.xpath(".//q")
        if not quoted and _stray_text(div):
            yield ctx.unparsed(
                entry, locator, _html(div), "the message holds text but no <q> body", channel=Channel.GOOGLE_VOICE,
                timestamp=timestamp,
            )
            continue
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


def _stray_text(div: Any) -> bool:
    """Whether a message without <q> still holds words outside its time and sender: its body
    inside an element that should not be there, which must not be read as an empty body."""
    rest = copy.deepcopy(div)
    for part in rest.xpath(f".//abbr[{_has_class('dt')}] | .//cite[{_has_class('sender')}]"):
        part.drop_tree()  # the element goes, the text after it stays
    return bool(rest.text_content().strip(" \t\r\n:"))


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
    if element.get(_GATHERED) is not None:  # our own wrapper: only what the file holds
        return "".join(lxml.html.tostring(child, encoding="unicode", with_tail=False) for child in element)
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
