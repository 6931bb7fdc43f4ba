"""Android "SMS Backup & Restore" (SyncTech) XML: `<smses>` holding `<sms>` and `<mms>`.

    <smses count="2">
      <sms address="+15550100" date="1512226167463" type="1" body="Hi&#10;there"
           date_sent="1512226166000" contact_name="Dana" readable_date="..." />
      <mms date="1720997593000" date_sent="1720997593" msg_box="1" address="a~b" ...>
        <parts><part ct="text/plain" text="..."/><part ct="image/png" data="BASE64"/></parts>
        <addrs><addr address="+15550101" type="137"/><addr address="..." type="151"/></addrs>
      </mms>
    </smses>

Quirks this importer knows about:

- Who sent what comes from type codes, never from `address` (which is the other side
  of the conversation in both directions): sms `type` 1 received, 2 sent, 3 draft,
  4 outbox, 5 failed, 6 queued; mms `msg_box` 1 inbox, 2 sent, 3 drafts, 4 outbox,
  5 failed; mms `<addr type>` 137 FROM, 151 TO, 130 CC, 129 BCC. Drafts, outbox,
  failed and queued messages are the reader's own ("out"), with `extra.status`.
- `date` is epoch milliseconds; mms `date_sent` is epoch SECONDS (sms `date_sent` is
  milliseconds); 0 means unknown. Missing values are written as the string "null",
  which is read as absent everywhere (a body that is literally "null" included).
- `contact_name` is the phone's name for the other side; "(Unknown)" means none. It
  names the sender only of incoming one-to-one messages; otherwise it is kept in extra.
- Group mms list their members in `address` joined with "~"; Google Messages writes
  RCS group chats as mms whose `address` is a "...@rcs.google.com" thread id.
- An mms's `text/plain` parts make its body; `application/smil` parts are slide layout
  and skipped; any other part is an attachment, its bytes decoded from base64 `data`.
- The app writes emoji outside the BMP as two XML character references, one per UTF-16
  half (`&#55357;&#56838;`), which XML forbids and libxml2 rejects. `_CharRefFixer`
  repairs them in the byte stream, before the parser, into one reference
  (`&#128518;`): a reference, not UTF-8 bytes, so the repair is the same whatever
  encoding the file declares. Lone halves and control characters that XML forbids
  become U+FFFD, reported once per file.
- Backups run to gigabytes, so elements are streamed with `lxml.etree.iterparse` and
  freed as soon as they are read. When the XML breaks (a backup cut off mid-copy, a
  damaged byte), everything before the break is kept, the unreadable bytes become one
  unparsed message with a warning naming the line, and reading resumes at the next
  line that starts an element, so one bad byte does not cost the rest of the file.

Locators are XPath-style and 1-based per element name (`sms[17]` is the 17th `<sms>`);
after a break they count the records read, so the warning's line number is the way back
into the file. This module also holds the streaming machinery that `calls_xml` shares.
"""

from __future__ import annotations

import binascii
import codecs
import hashlib
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import BinaryIO

from lxml import etree

from greyrock.errors import LimitExceeded, ParseError
from greyrock.model import Attachment, Channel, Direction, Kind, Message, Source

from ._attach import EmbeddedGuard, check_size
from ._limits import describe_size
from ._base import Context
from ._export import Entry
from ._time import from_epoch, from_epoch_ms

__all__ = ["Handler", "SmsXml", "Unreadable", "instant", "root_tag", "stream_backup"]

# --- the byte-level repair of character references ---------------------------------

_HIGH = rb"0{0,4}(?:5529[6-9]|55[3-9][0-9]{2}|56[0-2][0-9]{2}|563[01][0-9])"  # D800-DBFF
_LOW = rb"0{0,4}(?:563[2-9][0-9]|56[4-9][0-9]{2}|57[0-2][0-9]{2}|573[0-3][0-9]|5734[0-3])"
_XHIGH = rb"[xX]0{0,4}[dD][89abAB][0-9a-fA-F]{2}"
_XLOW = rb"[xX]0{0,4}[dD][c-fC-F][0-9a-fA-F]{2}"
# C0 controls other than tab, LF, CR, and U+FFFE/U+FFFF: not characters in XML 1.0.
_CONTROL = (
    rb"0{0,4}(?:[0-8]|1[12]|1[4-9]|2[0-9]|3[01]|6553[45])"
    rb"|[xX]0{0,4}(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])"
)
# A well-formed pair first, so that a lone half followed by a pair keeps the pair.
_BAD_REF = re.compile(
    rb"&#(?:(?:%s);&#(?:%s)|(?:%s);&#(?:%s)|%s|%s|%s|%s|%s);"
    % (_HIGH, _LOW, _XHIGH, _XLOW, _HIGH, _LOW, _XHIGH, _XLOW, _CONTROL)
)
_LONGEST_REF = 32  # longer than any match of _BAD_REF
_REPLACEMENT = b"&#65533;"
_CHUNK = 256 * 1024


def _code_point(ref: bytes) -> int:
    digits = ref[2:-1] if ref.endswith(b";") else ref[2:]
    return int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)


class _CharRefFixer:
    """A read-only file object that repairs the character references XML forbids.

    A surrogate pair written as two references becomes one reference to the real
    character; anything else `_BAD_REF` matches becomes U+FFFD (counted in `replaced`).
    The last bytes of each chunk are held back until the next read, so a pair split
    across two reads is still seen whole.
    """

    def __init__(self, raw: BinaryIO, prefix: bytes = b"") -> None:
        self._raw = raw
        self._pending = prefix
        self._eof = False
        self.replaced = 0

    def read(self, size: int = -1) -> bytes:
        """The next repaired chunk, whatever `size` asks: lxml keeps what it did not ask for."""
        while True:
            if not self._eof:
                chunk = self._raw.read(_CHUNK)
                self._eof = not chunk
                self._pending += chunk
            buf = self._pending
            if self._eof:
                self._pending = b""
                return self._repair(buf, len(buf))
            out = self._repair(buf, len(buf) - _LONGEST_REF)
            if out:
                return out

    def _repair(self, buf: bytes, limit: int) -> bytes:
        """Repaired bytes of buf up to `limit` (or the end of a match begun before it);
        the rest stays pending."""
        if limit <= 0:
            return b""
        if b"&#" not in buf:
            self._pending = buf[limit:]
            return buf[:limit]
        out: list[bytes] = []
        pos = 0
        for match in _BAD_REF.finditer(buf):
            if match.start() >= limit:
                break
            out.append(buf[pos : match.start()])
            out.append(self._replacement(match.group()))
            pos = match.end()
        cut = max(limit, pos)
        out.append(buf[pos:cut])
        self._pending = buf[cut:]
        return b"".join(out)

    def _replacement(self, refs: bytes) -> bytes:
        first, _, second = refs.partition(b";")
        if second:
            high, low = _code_point(first), _code_point(second)
            return b"&#%d;" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        self.replaced += 1
        return _REPLACEMENT


# --- streaming the records of a backup ----------------------------------------------


class Unreadable(Exception):
    """Raised by a record handler for a record it cannot read; the record is kept raw."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Handler = Callable[[etree._Element, Entry, str, Context], Message]
"""Reads one record element: (element, entry, locator naming the zip member, ctx)."""

_COMMENTS = re.compile(rb"<!--.*?-->", re.S)
_FIRST_TAG = re.compile(rb"<(?![?!])([A-Za-z_][\w.:-]*)")
_LIBXML_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_LIBXML_BYTES = re.compile(r",?\s*Bytes:.*$", re.S)
_LIBXML_PLACE = re.compile(r",? line \d+, column \d+.*$", re.S)
_CHANNELS = {"sms": Channel.SMS, "mms": Channel.MMS, "call": Channel.CALL}
_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)
_SCAN = 1024 * 1024


def root_tag(head: bytes) -> str | None:
    """Name of the document element, read from the first bytes of a file (for sniffing)."""
    match = _FIRST_TAG.search(_COMMENTS.sub(b"", head))
    return match.group(1).decode("ascii", "replace") if match else None


def _xml_reason(exc: Exception) -> str:
    """libxml2's message without quoted names or bytes: they can come from message text."""
    text = str(getattr(exc, "msg", None) or exc)
    text = _LIBXML_BYTES.sub("", _LIBXML_PLACE.sub("", text))
    return _LIBXML_QUOTED.sub("'…'", text).strip() or type(exc).__name__


class _Probe:
    """Random access to the raw bytes, to find where a break begins and ends.

    Positions are (offset, line) pairs so that each search counts lines from a nearby
    known point instead of from the top of a file that may be gigabytes long.
    """

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh

    def line_start(self, known: tuple[int, int], line: int) -> tuple[int, int] | None:
        """Where `line` starts, counting newlines from the known line start."""
        off, at_line = known
        if line <= at_line:
            return known
        self._fh.seek(off)
        todo = line - at_line
        while True:
            chunk = self._fh.read(_SCAN)
            if not chunk:
                return None
            found = chunk.count(b"\n")
            if found >= todo:
                at = -1
                for _ in range(todo):
                    at = chunk.index(b"\n", at + 1)
                return off + at + 1, line
            todo -= found
            off += len(chunk)

    def position(self, known: tuple[int, int], off: int) -> tuple[int, int]:
        """(off, its line number), counting from a known position before it."""
        start, line = known
        self._fh.seek(start)
        todo = off - start
        while todo > 0:
            chunk = self._fh.read(min(_SCAN, todo))
            if not chunk:
                break
            line += chunk.count(b"\n")
            todo -= len(chunk)
        return off, line

    def offset_of(self, start: int, pattern: re.Pattern[bytes], group: int = 0) -> int | None:
        """Offset of the first match (of `group`) at or after `start`."""
        self._fh.seek(start)
        base, data = start, b""
        while True:
            chunk = self._fh.read(_SCAN)
            if not chunk:
                return None
            data += chunk
            match = pattern.search(data)
            if match:
                return base + match.start(group)
            keep = min(len(data), 64)
            base += len(data) - keep
            data = data[-keep:]

    def read(self, start: int, end: int | None, most: int) -> bytes:
        self._fh.seek(start)
        return self._fh.read(most if end is None else min(end - start, most))

    def byte_at(self, off: int) -> bytes:
        self._fh.seek(off)
        return self._fh.read(1)


_GT = re.compile(rb">")
_RECORD_START = re.compile(rb"<(sms|mms|call)(?=[\s/>])(?:[^>]*?\sdate=[\"'](\d+)[\"'])?")


class _Backup:
    """The records of one SMS Backup & Restore file, read in segments.

    The first segment is the file from the top. After a break, the next segment starts
    at the following line that begins a record, read under a stand-in `<root>`. Records
    are freed as they are read, so memory stays flat however large the file is.
    """

    def __init__(self, entry: Entry, ctx: Context, root: str, handlers: Mapping[str, Handler]):
        self.entry = entry
        self.ctx = ctx
        self.root = root
        self.handlers = handlers
        self.counts = dict.fromkeys(handlers, 0)
        self.member = f"{entry.member} " if entry.member is not None else ""
        names = b"|".join(re.escape(t.encode()) for t in handlers)
        self._record_line = re.compile(rb"\n[ \t\r]*(<(?:%s)[\s/>])" % names)
        self._opening = re.compile(rb"<%s(?:\s[^>]*)?>" % re.escape(root.encode()))
        self._record_start = re.compile(rb"<(%s)(?=[\s/>])" % names)
        self._closing = re.compile(rb"</%s\s*>\s*$" % re.escape(root.encode()))
        self._encoding = _declared_encoding(entry.head())
        self._parser = etree.XMLParser(
            encoding=None if self._encoding in ("utf-8", "utf8") else self._encoding,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
            remove_comments=True,
            remove_pis=True,
        )
        self.last: etree._Element | None = None
        self.last_label = ""
        self.read_any = False
        self.replaced = 0

    def records(self) -> Iterator[Message]:
        entry = self.entry
        found = root_tag(entry.head())
        if found != self.root:
            what = f"<{found}>" if found else "no XML element"
            raise ParseError(
                entry.file, entry.member, f"not an SMS Backup & Restore {self.root} file ({what} at the top)."
            )
        segment, prefix = (0, 1), b""
        with entry.open() as raw, entry.open() as probe_fh:
            probe = _Probe(probe_fh)
            while True:
                fixer = _CharRefFixer(EmbeddedGuard(raw, entry, self.ctx.export.limits, segment[1]), prefix)
                self.last = None
                try:
                    yield from self._segment(fixer, segment[1] - 1)
                    error = None
                except etree.XMLSyntaxError as exc:
                    error = exc
                except _READ_ERRORS as exc:  # a damaged zip member, a failing disk
                    if not self.read_any:
                        raise ParseError(entry.file, entry.member, f"cannot read: {type(exc).__name__}.") from exc
                    reason = f"reading stopped early: the rest cannot be read ({type(exc).__name__})."
                    self.ctx.warn(entry, None, reason)
                    break
                self.replaced += fixer.replaced
                if error is None:
                    break
                resume = yield from self._after_break(probe, segment, error)
                if resume is None:
                    break
                segment = resume
                raw.seek(segment[0])
                prefix = b"<%s>" % self.root.encode()
        if self.replaced:
            self.ctx.warn(
                entry,
                None,
                f"{self.replaced} character reference(s) that XML does not allow (a lone half of a UTF-16 "
                "pair, a control character) were read as U+FFFD.",
            )
        if not any(self.counts.values()):
            self.ctx.warn(entry, None, f"the backup holds no {' or '.join(self.handlers)} records.")

    def _segment(self, source: _CharRefFixer, line_offset: int) -> Iterator[Message]:
        """The records of one parse; raises XMLSyntaxError where the XML breaks."""
        events = etree.iterparse(
            source,
            events=("end",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
            remove_comments=True,
            remove_pis=True,
        )
        entry, ctx, handlers, counts, member = self.entry, self.ctx, self.handlers, self.counts, self.member
        # The last record read is kept in locals and handed over only at a break: this
        # loop runs once a message, so it stays lean.
        last: etree._Element | None = None
        label = ""
        try:
            for _, element in events:
                tag = element.tag
                handler = handlers.get(tag)  # type: ignore[arg-type]
                if handler is None:
                    parent = element.getparent()
                    if parent is not None and parent.getparent() is None:
                        line = line_offset + (element.sourceline or 1)
                        last, label = element, f"the <…> element at line {line}"
                        self.read_any = True
                        yield ctx.unparsed(
                            entry, f"line {line}", _serialise(element), "an element this importer does not know"
                        )
                    continue
                n = counts[tag] = counts[tag] + 1
                locator = f"{tag}[{n}]"
                try:
                    message = handler(element, entry, member + locator, ctx)
                except Unreadable as exc:
                    when = instant(element.get("date"), True)  # every record's date is epoch ms
                    message = ctx.unparsed(entry, locator, _serialise(element), exc.reason, _CHANNELS[tag], when)
                last, label = element, locator
                yield message
                if len(element):
                    element.clear(keep_tail=True)  # an mms may carry megabytes of base64
                if not n & 255:
                    parent = element.getparent()
                    if parent is not None:
                        # Only earlier siblings: lxml has already built elements past this one.
                        del parent[: parent.index(element)]
        finally:
            self.last, self.last_label = last, label
            self.read_any = self.read_any or last is not None

    def _after_break(
        self, probe: _Probe, segment: tuple[int, int], error: etree.XMLSyntaxError
    ) -> Iterator[Message]:
        """Read the stretch around a break record by record; return where to resume.

        libxml2 reports a break at or after the byte that breaks, but how many of the
        records before it iterparse has already handed over depends on its version (2.14
        withholds the rest of the chunk it was reading). So nothing is taken from where
        libxml2 stopped: everything from the end of the last record read to the first
        record that starts after the line of the error is split at each `<sms`, `<mms`
        or `<call` and every piece is parsed on its own. One broken record costs that
        record, whatever the libxml2 version.
        """
        entry, last = self.entry, self.last
        line_offset = segment[1] - 1
        anchor = segment
        if last is not None and last.sourceline:
            anchor = probe.line_start(segment, line_offset + last.sourceline) or segment
            tail = self._element_end(probe, anchor[0], last.tag)
        elif segment[0] == 0:
            opening = self._opening.search(entry.head())
            tail = opening.end() if opening else 0
        else:
            tail = segment[0]
        error_line = line_offset + max(error.lineno or 1, 1)
        next_line = probe.line_start(anchor, error_line + 1)
        resume = None
        if next_line is not None:
            resume = probe.offset_of(max(next_line[0] - 1, tail), self._record_line, 1)
        if resume is None and not self.read_any and segment[0] == 0:
            raise ParseError(entry.file, entry.member, f"not readable as XML ({_xml_reason(error)}).")
        start = probe.position(anchor, tail)
        limits = self.ctx.export.limits
        longest = limits.attachment * 3 // 2 + 64 * 1024  # as EmbeddedGuard: the largest record allowed
        data = probe.read(tail, resume, longest + 1)
        if len(data) > longest:  # read whole to be split, so bounded like any one value
            raise LimitExceeded(entry.file, entry.locate(f"line {error_line}"),
                                f"the XML breaks here and the damaged stretch after it runs past "
                                f"{describe_size(longest)}, more than a record within the attachment limit of "
                                f"{describe_size(limits.attachment)} can take.", limits.variable("attachment"))
        yield from self._pieces(data, start[1], resume is None)
        return None if resume is None else probe.position(anchor, resume)

    def _pieces(self, data: bytes, line: int, at_end: bool) -> Iterator[Message]:
        """The records of `data` (which starts on `line`), each parsed on its own."""
        if at_end:
            data = self._closing.sub(b"", data)
        starts = [m.start() for m in self._record_start.finditer(data)]
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        cut_off = at_end
        for i, begin in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(data)
            piece = data[begin:end]
            text = piece.strip()
            here = line + data.count(b"\n", 0, begin) + (piece.count(b"\n", 0, len(piece) - len(piece.lstrip())))
            if not text:
                continue
            self.read_any = True
            is_last = i + 1 == len(starts)
            tag = self._record_start.match(text)
            name = tag.group(1).decode() if tag else None
            locator = None
            if name is not None:
                n = self.counts[name] = self.counts[name] + 1
                locator = f"{name}[{n}]"
            parsed, reason = self._parse_piece(text, here)
            if parsed is not None:
                yield from self._read_piece(parsed, locator, here)
                continue
            where = f" in {locator}" if locator else ""
            if is_last and cut_off:
                why, reason = "the XML is cut off", "the file ends inside it"
            else:
                why = "the XML breaks"
            channel, timestamp = _broken_record(text)
            yield self.ctx.unparsed(
                self.entry, f"line {here}", text.decode("utf-8", "replace"), f"{why}{where} ({reason})", channel, timestamp
            )

    def _parse_piece(self, piece: bytes, line: int) -> tuple[etree._Element | None, str]:
        """One record (and what surrounds it) parsed alone under a stand-in root, or None
        and why it is not well-formed. Bytes that are not UTF-8 are read as Windows-1252,
        with a note: phones and old tools write both."""
        fixer = _CharRefFixer(_Empty(), b"<r>" + piece + b"</r>")
        fixed = fixer.read()
        self.replaced += fixer.replaced
        try:
            return etree.fromstring(fixed, self._parser), ""
        except etree.XMLSyntaxError as exc:
            reason = _xml_reason(exc)
        if self._encoding not in ("utf-8", "utf8"):
            return None, reason
        try:
            fixed.decode("utf-8")
            return None, reason  # not an encoding problem
        except UnicodeDecodeError:
            pass
        try:
            root = etree.fromstring(fixed.decode("cp1252", "replace"), self._parser)
        except (etree.XMLSyntaxError, ValueError):
            return None, reason
        self.ctx.warn(self.entry, f"line {line}", "bytes that are not UTF-8 were read as Windows-1252 (cp1252) text.")
        return root, ""

    def _read_piece(self, root: etree._Element, locator: str | None, line: int) -> Iterator[Message]:
        entry, ctx = self.entry, self.ctx
        stray = (root.text or "").strip()
        for element in root:
            tag = element.tag
            handler = self.handlers.get(tag) if isinstance(tag, str) else None
            if handler is None or locator is None:
                yield ctx.unparsed(entry, f"line {line}", _serialise(element), "an element this importer does not know")
            else:
                try:
                    yield handler(element, entry, self.member + locator, ctx)
                except Unreadable as exc:
                    when = instant(element.get("date"), True)
                    yield ctx.unparsed(entry, locator, _serialise(element), exc.reason, _CHANNELS[tag], when)
                locator = None  # a piece holds at most one record start; anything more is unknown
            stray += (element.tail or "").strip()
        if stray:
            yield ctx.unparsed(entry, f"line {line}", stray, "text outside any record")

    @staticmethod
    def _element_end(probe: _Probe, line_start: int, tag: str) -> int:
        """Offset just past an element lxml read whole, from the start of the line where
        its start tag ends (lxml's `sourceline`). When anything looks unexpected,
        `line_start`: the unparsed remainder then repeats part of the element rather
        than missing bytes."""
        gt = probe.offset_of(line_start, _GT)
        if gt is None:
            return line_start
        if gt > line_start and probe.byte_at(gt - 1) == b"/":
            return gt + 1
        close = probe.offset_of(gt, re.compile(rb"</%s\s*>" % re.escape(tag.encode())))
        if close is None:
            return line_start
        end = probe.offset_of(close, _GT)
        return line_start if end is None else end + 1


class _Empty:
    """A file with nothing in it: `_CharRefFixer` over bytes already in memory."""

    def read(self, size: int = -1) -> bytes:
        return b""


_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _declared_encoding(head: bytes) -> str:
    """The encoding the XML declaration names, when Python knows it; else UTF-8 (what the
    app writes, and what libxml2 falls back to)."""
    match = _DECLARATION.match(head)
    if match is None:
        return "utf-8"
    name = match.group(1).decode("ascii").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return "utf-8"
    return name


def _broken_record(raw: bytes) -> tuple[Channel, datetime | None]:
    """Channel and date of a record that starts a stretch of broken XML, from its start
    tag, so that the unparsed text sorts where the record belongs."""
    match = _RECORD_START.match(raw, 0, 65536)
    if match is None:
        return Channel.OTHER, None
    date = match.group(2)
    return _CHANNELS[match.group(1).decode()], instant(date.decode(), True) if date else None


def stream_backup(entry: Entry, ctx: Context, root: str, handlers: Mapping[str, Handler]) -> Iterator[Message]:
    """Every record of one SMS Backup & Restore file (`root` names its document element),
    each read by the handler for its element name. Shared by sms_xml and calls_xml."""
    return _Backup(entry, ctx, root, handlers).records()


def _serialise(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode", with_tail=False)


# --- reading sms and mms ------------------------------------------------------------

_ME = ("me",)
_NO_NAMES = frozenset({"(Unknown)", "null", ""})
_NOT_ADDRESSES = frozenset({"insert-address-token", "null", ""})
_SMS_TYPES: dict[str | None, tuple[Direction, str | None]] = {
    "1": (Direction.IN, None),
    "2": (Direction.OUT, None),
    "3": (Direction.OUT, "draft"),
    "4": (Direction.OUT, "outbox"),
    "5": (Direction.OUT, "failed"),
    "6": (Direction.OUT, "queued"),
}
_UNKNOWN_TYPE = (Direction.UNKNOWN, None)
_MMS_BOXES: dict[str | None, tuple[Direction, str | None]] = {
    "1": (Direction.IN, None),
    "2": (Direction.OUT, None),
    "3": (Direction.OUT, "draft"),
    "4": (Direction.OUT, "outbox"),
    "5": (Direction.OUT, "failed"),
}
_FROM, _TO, _CC, _BCC = "137", "151", "130", "129"
_CHARSETS = {"106": "utf-8", "3": "ascii", "4": "latin-1", "1015": "utf-16", "1013": "utf-16-be", "1014": "utf-16-le"}


def _value(raw: str | None) -> str | None:
    return None if raw is None or raw == "null" else raw


def instant(raw: str | None, milliseconds: bool) -> datetime | None:
    """An epoch attribute as an aware time; None when absent, zero, "null" or not a number."""
    try:
        value = int(raw)  # type: ignore[arg-type]
        if value > 0:
            return from_epoch_ms(value) if milliseconds else from_epoch(value)
    except (TypeError, ValueError, OverflowError):
        pass
    return None


def _is_rcs_thread(address: str | None) -> bool:
    return bool(address) and "@rcs." in address.lower()  # type: ignore[union-attr]


def _sms(element: etree._Element, entry: Entry, place: str, ctx: Context) -> Message:
    # Runs once for nearly every record of a backup: written for speed (see bench/parse_sms.py).
    get = element.get
    timestamp = instant(get("date"), True)
    if timestamp is None:
        raise Unreadable("no readable date")
    kind_code = get("type")
    direction, status = _SMS_TYPES.get(kind_code, _UNKNOWN_TYPE)
    body = get("body")
    if body is None or body == "null":
        body = ""
    raw = get("address")
    if raw and "~" not in raw and raw not in _NOT_ADDRESSES:
        addresses: tuple[str, ...] = (ctx.address(raw),)  # type: ignore[assignment]
    else:
        addresses = _addresses(raw, ctx)
    name = get("contact_name")
    if name in _NO_NAMES:
        name = None
    extra: dict[str, object] = {}
    sender_name = None
    if direction is Direction.IN:
        sender: str | None = addresses[0] if len(addresses) == 1 else None
        recipients = _ME if sender else (*_ME, *addresses)
        if sender:
            sender_name = name
    elif direction is Direction.OUT:
        sender, recipients = "me", addresses
    else:
        sender, recipients = None, addresses
        extra["sms_type"] = kind_code
        ctx.note_once(entry, "some sms have a type code this importer does not know; their direction is unknown.")
    if name and sender_name is None:
        extra["contact_name"] = name
    if status:
        extra["status"] = status
    sent = get("date_sent")
    if sent and sent != "0":
        when = instant(sent, True)
        if when is not None:
            extra["date_sent"] = when.isoformat()
    subject = get("subject")
    if subject and subject != "null":
        extra["subject"] = subject
    # Positional: keywords cost a microsecond a message here (the golden tests pin the order).
    return Message(
        timestamp, Channel.SMS, Kind.MESSAGE, direction, sender, body, Source(entry.file, place), sender_name,
        recipients, (), extra,
    )  # fmt: skip


def _addresses(raw: str | None, ctx: Context) -> tuple[str, ...]:
    """The normalised addresses of the `address` attribute ("~" joins a group's)."""
    if raw is None or raw in _NOT_ADDRESSES:
        return ()
    if "~" not in raw:
        return (ctx.address(raw),)  # type: ignore[return-value]
    return tuple(dict.fromkeys(a for a in (ctx.address(p) for p in raw.split("~") if p not in _NOT_ADDRESSES) if a))


def _mms(element: etree._Element, entry: Entry, place: str, ctx: Context) -> Message:
    get = element.get
    timestamp = instant(get("date"), True)
    if timestamp is None:
        raise Unreadable("no readable date")
    box = get("msg_box")
    direction, status = _MMS_BOXES.get(box, (Direction.UNKNOWN, None))
    texts: list[str] = []
    attachments: list[Attachment] = []
    senders: list[str] = []
    others: list[str] = []
    to: list[str] = []
    for child in element:
        if child.tag == "parts":
            for part in child:
                _read_part(part, texts, attachments)
            for attachment in attachments:
                check_size(attachment.size or 0, ctx.export.limits, entry.file, place)
        elif child.tag == "addrs":
            for addr in child:
                raw = addr.get("address")
                if raw is None or raw in _NOT_ADDRESSES:
                    continue
                address = ctx.address(raw)
                code = addr.get("type")
                if code == _FROM:
                    senders.append(address)  # type: ignore[arg-type]
                elif code in (_TO, _CC, _BCC):
                    others.append(address)  # type: ignore[arg-type]
                    if code == _TO:
                        to.append(address)  # type: ignore[arg-type]
    thread = get("address")
    rcs = _is_rcs_thread(thread)
    members = () if rcs else _addresses(thread, ctx)
    group = rcs or len(members) > 1
    name = get("contact_name")
    if name in _NO_NAMES:
        name = None
    extra: dict[str, object] = {}
    sender_name = None
    own = senders[0] if senders else None
    if direction is Direction.IN:
        sender = own or (members[0] if len(members) == 1 else None)
        reader = {ctx.address(ctx.me)} if ctx.me else set()
        if len(set(to)) == 1:
            reader.add(to[0])  # the one TO of a received mms is the reader
        elif to and not ctx.me:
            ctx.note_once(
                entry,
                "group mms with several TO addresses list the reader's own number among the "
                "recipients; pass --me with your number to leave it out.",
            )
        rest = [a for a in dict.fromkeys(others or members) if a != sender and a not in reader]
        recipients: tuple[str, ...] = (*_ME, *rest)
        if not group and (not members or sender == members[0]):
            sender_name = name  # the phone's name for the one other side of the thread
    elif direction is Direction.OUT:
        sender = "me"
        recipients = tuple(a for a in dict.fromkeys(others or members) if a != own)
        if own:
            extra["from"] = own
    else:
        sender = own
        recipients = tuple(a for a in dict.fromkeys(others or members) if a != own)
        extra["msg_box"] = box
        ctx.note_once(entry, "some mms have a msg_box code this importer does not know; their direction is unknown.")
    if name and sender_name is None:
        extra["contact_name"] = name
    if status:
        extra["status"] = status
    if rcs:
        extra["rcs"] = True
        extra["thread"] = thread
    sent = instant(get("date_sent"), False)
    if sent is not None:
        extra["date_sent"] = sent.isoformat()
    subject = _value(get("sub"))
    if subject:
        extra["subject"] = subject
    body = "\n".join(texts)
    if any(a.damaged for a in attachments):
        ctx.warn(entry, place, "an attachment's base64 is damaged; kept as the export holds it, marked damaged.")
    return Message(
        timestamp=timestamp,
        channel=Channel.MMS,
        kind=Kind.MEDIA if attachments and not body else Kind.MESSAGE,
        direction=direction,
        sender=sender,
        body=body,
        source=Source(entry.file, place),
        sender_name=sender_name,
        recipients=recipients,
        attachments=tuple(attachments),
        extra=extra,
    )


def _read_part(part: etree._Element, texts: list[str], attachments: list[Attachment]) -> None:
    """A text part joins the body; SMIL (the slide layout) is skipped; the rest are files."""
    get = part.get
    mime = _value(get("ct")) or ""
    essence = mime.split(";", 1)[0].strip().lower()
    if essence == "application/smil":
        return
    text = _value(get("text"))
    encoded = _value(get("data"))
    data = None
    damaged = False
    if encoded is not None:
        try:
            data = binascii.a2b_base64(encoded)
        except (binascii.Error, ValueError):
            data, damaged = encoded.encode("utf-8", "surrogatepass"), True
    if damaged:
        name = _part_name(get)
        size = len(data)  # type: ignore[arg-type]
        sha = hashlib.sha256(data).hexdigest()  # type: ignore[arg-type]
        attachments.append(Attachment(name, mime or None, size, sha, data, damaged=True))
        return
    if essence == "text/plain":
        if text is None and data is not None:
            text = data.decode(_CHARSETS.get(get("chset") or "", "utf-8"), errors="replace")
        if text:
            texts.append(text)
        return
    if data is None and text is not None:
        data = text.encode("utf-8")  # a vCard or calendar part written as text
    name = _part_name(get)
    if data is None:
        attachments.append(Attachment(name, mime or None))
    else:
        attachments.append(Attachment(name, mime or None, len(data), hashlib.sha256(data).hexdigest(), data))


def _part_name(get: Callable[[str], str | None]) -> str:
    return next(
        (v.strip("<>") for v in (_value(get(k)) for k in ("cl", "name", "fn", "cid")) if v and v.strip("<>")),
        f"part{get('seq') or ''}",
    )


_SMS_HANDLERS: dict[str, Handler] = {"sms": _sms, "mms": _mms}


class SmsXml:
    name = "sms-xml"
    help = "Android 'SMS Backup & Restore' XML (sms and mms)."

    def sniff(self, entry: Entry) -> int | None:
        if root_tag(entry.head()) != "smses":
            return None
        return 95 if entry.name.lower().endswith(".xml") else 90

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        for entry in entries:
            yield from stream_backup(entry, ctx, "smses", _SMS_HANDLERS)
