"""mbox mailboxes: Gmail Takeout's "All mail Including Spam and Trash.mbox", Thunderbird, mutt.

One file, many e-mails, each opened by a "From " line (`From 1234567890@xxx Mon Jan 01
00:00:00 +0000 2024` in Takeout). Quirks:

- Mailboxes run to gigabytes, so they are split while streaming, one message in memory
  at a time, never with `mailbox.mbox` (which opens files rb+ and may create them).
- A message starts at a "From " line at the top of the file or after a blank line. A
  writer that forgot the blank line is tolerated, as CPython's mailbox does, but only
  for a line that carries a From-line date, so body text starting "From " stays body.
- A damaged From line (a flipped byte, a line of junk, cut short) or a missing one would
  merge two e-mails. So the splitter also resynchronises on headers: after a blank line,
  outside any multipart still open, a header block that opens an e-mail (two of From,
  Date, Subject, To, Cc and one header only mail software writes, see `opens_email`)
  starts a new e-mail, and a line standing where its From line should be becomes
  unparsed text with a warning naming the line. One bad From line costs no e-mail.
  Where that cannot be told (junk and no blank line), the e-mail after it stays inside
  the one before; text after a multipart's closing boundary is then kept as body text.
- ">From " escapes in bodies are left as written: they are what the file holds.
- Gmail adds X-Gmail-Labels (Inbox, Sent, ... which tell the direction) and X-GM-THRID.
- Each message's locator gives its number and byte range: `message 12 (bytes 1024-2311)`,
  the range covering the From line up to the next message.
- A file cut inside its last message (a multipart never closed, headers never ended)
  gives that message as unparsed raw text; a damaged zip member stops the reading with
  a warning, keeping every message before the damage.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from itertools import chain
from typing import BinaryIO

from greyrock.errors import ParseError
from greyrock.model import Channel, Kind, Message

from ._base import Context
from ._email import FROM_LINE_DATE, opens_email, read_email
from ._export import Entry
from ._text import decode_mixed

__all__ = ["Mbox", "split_mbox"]

_BLANK = (b"\n", b"\r\n")
_BOM = b"\xef\xbb\xbf"
# What reading a damaged zip member can raise; RuntimeError is an encrypted member or an
# unsupported compression method.
_READ_ERRORS = (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError)
_SEPARATOR_ANYWHERE = re.compile(rb"(?:\A|\n)From \S")
# How mail programs introduce an e-mail quoted whole in a body ("-------- Forwarded Message
# --------", "Begin forwarded message:", "-----Original Message-----"): never a From line.
_QUOTE_INTRO = re.compile(rb"forward|original message", re.IGNORECASE)
# The date of a From line wherever it stands in the line ("Frxm 123@xxx Sat Jan 13 17:15:40 +0000 2024").
_SEPARATOR_DATE = re.compile(
    rb"\s(?:[A-Za-z]{3},?\s+)?[A-Za-z]{3}\s+\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}\s+)?\d{4}\b"
)
_LATER_SEPARATOR = re.compile(rb"\n\r?\n" + FROM_LINE_DATE.pattern.removeprefix(b"^"))
_BOUNDARY = re.compile(rb'boundary\s*=\s*"?([^"\s;]+)', re.IGNORECASE)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")


class _Lines:
    """The file's lines, one at a time, with a bounded look at the lines ahead."""

    def __init__(self, fh: BinaryIO) -> None:
        self._lines = iter(fh)
        self._ahead: deque[bytes] = deque()

    def __iter__(self) -> Iterator[bytes]:
        ahead = self._ahead
        while True:
            while ahead:
                yield ahead.popleft()
            for line in self._lines:
                yield line
                if ahead:  # the caller looked ahead: those lines come first
                    break
            else:
                return

    def ahead(self) -> Iterator[bytes]:
        """The lines after the current one, read but not consumed."""
        index = 0
        while True:
            if index == len(self._ahead):
                line = next(self._lines, None)
                if line is None:
                    return
                self._ahead.append(line)
            yield self._ahead[index]
            index += 1


def _resync(line: bytes, lines: _Lines, after_blank: bool) -> str | None:
    """Where no multipart is open: "headers" when an e-mail starts at this line without its
    From line, "damaged" when this line stands where a From line should (an e-mail's
    headers follow it), else None.

    After a blank line, any short line before headers counts as a damaged From line,
    whatever its bytes (a flipped byte, a line of junk), except the lines with which mail
    programs introduce a forwarded or quoted e-mail. Without the blank line (some writers
    leave it out) only a line that still carries a From line's date does.
    """
    if _HEADER_LINE.match(line):
        return "headers" if after_blank and opens_email(chain([line], lines.ahead())) else None
    if not line.strip() or len(line) >= 1024 or _QUOTE_INTRO.search(line):
        return None
    if not after_blank and not _SEPARATOR_DATE.search(line):
        return None
    return "damaged" if opens_email(lines.ahead()) else None


def _split(fh: BinaryIO) -> Iterator[tuple[int, int, bytes, str]]:
    """(start, end, raw, kind) of each chunk of the file, end exclusive.

    kind is "mail" (opened by a From line), "headers" (an e-mail found by its headers, with
    no From line before it), "damaged" (one line that stands where a From line should: an
    e-mail's headers follow it) or "text" (bytes before the first e-mail). Every byte of
    the file belongs to exactly one chunk.

    Resynchronising on headers is only tried after a blank line, outside any multipart
    still open (where a forwarded mail's headers are at home) and not on the first line
    of a body (where a message/rfc822 e-mail's own headers are), so that one damaged From
    line costs no e-mail.
    """
    lines = _Lines(fh)
    start = pos = 0
    chunk: list[bytes] = []
    kind = "text"
    after_blank = True
    in_headers = first_body_line = False
    open_parts: set[bytes] = set()
    for line in lines:
        bare = line.removeprefix(_BOM) if pos == 0 else line
        found = None
        if bare.startswith(b"From ") and (
            pos == 0 or (after_blank and line[5:6].strip()) or FROM_LINE_DATE.match(line)
        ):
            found = "mail"
        elif not first_body_line and not open_parts and (after_blank or (not in_headers and b":" in line)):
            found = _resync(bare, lines, after_blank)
        if found is not None:
            if chunk:
                yield start, pos, b"".join(chunk), kind
            start, chunk, kind = pos, [], found
            open_parts.clear()
            in_headers, first_body_line = True, False
            if found == "damaged":
                yield pos, pos + len(line), line, found
                pos += len(line)
                start, kind, after_blank = pos, "headers", False
                continue
        chunk.append(line)
        pos += len(line)
        blank = line in _BLANK
        first_body_line = in_headers and blank
        in_headers = in_headers and not blank
        if b"oundary" in line or b"OUNDARY" in line:
            open_parts.update(m.group(1) for m in _BOUNDARY.finditer(line))
        elif open_parts and line.startswith(b"--"):
            marker = line.rstrip(b" \t\r\n")
            if marker.endswith(b"--"):
                open_parts.discard(marker[2:-2])  # the multipart's closing boundary
        after_blank = blank
    if chunk:
        yield start, pos, b"".join(chunk), kind


def split_mbox(fh: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, raw) of each chunk of the file (see `_split`), end exclusive.

    Bytes before the first From line come first as a chunk of their own (its raw does not
    start with "From "), so every byte of the file belongs to exactly one chunk.
    """
    for start, end, raw, _ in _split(fh):
        yield start, end, raw


def _without_separator_line(raw: bytes) -> bytes:
    """The message as mail: the blank line that separates it from the next one removed."""
    if raw.endswith(b"\r\n\r\n"):
        return raw[:-2]
    if raw.endswith(b"\n\n"):
        return raw[:-1]
    return raw


class Mbox:
    name = "mbox"
    help = "E-mail mailbox in mbox format (Gmail Takeout included)."

    def sniff(self, entry: Entry) -> int | None:
        first = entry.head(1024).removeprefix(_BOM).split(b"\n", 1)[0]
        named = entry.name.lower().endswith(".mbox")
        if FROM_LINE_DATE.match(first):
            return 90 if named else 80
        if named and _LATER_SEPARATOR.search(entry.head(65536)):
            return 85  # its first From line is damaged or missing; later ones are there
        return 50 if named else None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        for entry in entries:
            yield from self._parse_one(entry, ctx)

    def _parse_one(self, entry: Entry, ctx: Context) -> Iterator[Message]:
        head = entry.head().removeprefix(_BOM)
        if not _SEPARATOR_ANYWHERE.search(head):
            if not head and entry.size:
                reason = "cannot be read (a damaged or encrypted zip member)"
            elif not head.strip():
                reason = "is empty"
            else:
                reason = "has no 'From ' line: not an mbox mailbox"
            if len(ctx.export.entries) == 1:
                raise ParseError(entry.file, entry.member, f"the file {reason}.")
            ctx.warn(entry, None, f"the file {reason}; nothing read from it.")
            return
        number = 0
        line = 1  # the line each chunk starts on
        after_damage = False
        chunks = _read_chunks(entry, ctx)
        pending = next(chunks, None)
        while pending is not None:
            start, end, raw, kind = pending
            pending = next(chunks, None)
            raw = raw.removeprefix(_BOM) if start == 0 else raw
            first_line, line = line, line + raw.count(b"\n")
            if kind == "text":
                yield ctx.unparsed(
                    entry, f"bytes {start}-{end}", decode_mixed(raw).text,
                    "text before the first 'From ' line", channel=Channel.EMAIL,
                )
                continue
            if kind == "damaged":
                after_damage = True
                yield ctx.unparsed(
                    entry, f"line {first_line} (bytes {start}-{end})", decode_mixed(raw).text,
                    "a damaged 'From ' line; the e-mail after it was found by its headers", channel=Channel.EMAIL,
                )
                continue
            number += 1
            locator = f"message {number} (bytes {start}-{end})"
            if kind == "mail":
                from_line, _, message = raw.partition(b"\n")
            else:
                from_line, message = None, raw
                if not after_damage:
                    ctx.warn(entry, locator, f"no 'From ' line before this e-mail (line {first_line}); found by its headers")
            after_damage = False
            last = pending is None
            read = read_email(ctx, entry, locator, _without_separator_line(message), from_line, at_end=last)
            if last and read.kind != Kind.UNPARSED and not raw.endswith(b"\n"):
                ctx.warn(entry, locator, "the file does not end with a line break; this e-mail may be cut off")
            yield read


def _read_chunks(entry: Entry, ctx: Context) -> Iterator[tuple[int, int, bytes, str]]:
    """The file's chunks; a damaged zip member ends them early, with a warning."""
    end = 0
    try:
        with entry.open() as fh:
            for chunk in _split(fh):
                end = chunk[1]
                yield chunk
    except _READ_ERRORS as exc:
        ctx.warn(
            entry,
            f"bytes {end}-",
            f"the file cannot be read past this point ({type(exc).__name__}); the e-mails before it were kept.",
        )
