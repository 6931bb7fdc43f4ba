"""mbox mailboxes: Gmail Takeout's "All mail Including Spam and Trash.mbox", Thunderbird, mutt.

One file, many e-mails, each opened by a "From " line (`From 1234567890@xxx Mon Jan 01
00:00:00 +0000 2024` in Takeout). Quirks:

- Mailboxes run to gigabytes, so they are split while streaming, one message in memory
  at a time, never with `mailbox.mbox` (which opens files rb+ and may create them).
- A message starts at a "From " line at the top of the file or after a blank line. A
  writer that forgot the blank line is tolerated, as CPython's mailbox does, but only
  for a line that carries a From-line date, so body text starting "From " stays body.
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
from collections.abc import Iterator
from typing import BinaryIO

from greyrock.errors import ParseError
from greyrock.model import Channel, Kind, Message

from ._base import Context
from ._email import FROM_LINE_DATE, read_email
from ._export import Entry

__all__ = ["Mbox", "split_mbox"]

_BLANK = (b"\n", b"\r\n")
_BOM = b"\xef\xbb\xbf"
# What reading a damaged zip member can raise; RuntimeError is an encrypted member or an
# unsupported compression method.
_READ_ERRORS = (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError)
_SEPARATOR_ANYWHERE = re.compile(rb"(?:\A|\n)From \S")


def split_mbox(fh: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, raw) of each message, the From line included, end exclusive.

    Bytes before the first From line come first as a chunk of their own (its raw does not
    start with "From "), so every byte of the file belongs to exactly one chunk.
    """
    start = pos = 0
    lines: list[bytes] = []
    after_blank = True
    for line in fh:
        if (line.startswith(b"From ") or (pos == 0 and line.startswith(_BOM + b"From "))) and (
            pos == 0 or (after_blank and line[5:6].strip()) or FROM_LINE_DATE.match(line)
        ):
            if lines:
                yield start, pos, b"".join(lines)
            start, lines = pos, []
        lines.append(line)
        pos += len(line)
        after_blank = line in _BLANK
    if lines:
        yield start, pos, b"".join(lines)


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
        chunks = _read_chunks(entry, ctx)
        pending = next(chunks, None)
        while pending is not None:
            start, end, raw = pending
            pending = next(chunks, None)
            raw = raw.removeprefix(_BOM) if start == 0 else raw
            if not raw.startswith(b"From "):
                yield ctx.unparsed(
                    entry, f"bytes {start}-{end}", raw.decode("utf-8", errors="replace"),
                    "text before the first 'From ' line", channel=Channel.EMAIL,
                )
                continue
            number += 1
            locator = f"message {number} (bytes {start}-{end})"
            from_line, _, message = raw.partition(b"\n")
            last = pending is None
            read = read_email(ctx, entry, locator, _without_separator_line(message), from_line, at_end=last)
            if last and read.kind != Kind.UNPARSED and not raw.endswith(b"\n"):
                ctx.warn(entry, locator, "the file does not end with a line break; this e-mail may be cut off")
            yield read


def _read_chunks(entry: Entry, ctx: Context) -> Iterator[tuple[int, int, bytes]]:
    """The file's chunks; a damaged zip member ends them early, with a warning."""
    end = 0
    try:
        with entry.open() as fh:
            for chunk in split_mbox(fh):
                end = chunk[1]
                yield chunk
    except _READ_ERRORS as exc:
        ctx.warn(
            entry,
            f"bytes {end}-",
            f"the file cannot be read past this point ({type(exc).__name__}); the e-mails before it were kept.",
        )
