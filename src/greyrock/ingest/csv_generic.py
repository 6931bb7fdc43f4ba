"""A generic CSV with a header: timestamp, sender, body (for anything without an importer).

Recognised header names (case-insensitive): timestamp/datetime/date (with an optional
separate time column), sender/from/author/name, body/text/message/content; optional
direction (in/out), recipient/to, channel. Timestamps: ISO 8601, or epoch seconds or
milliseconds. Spreadsheet programs often save Windows-1252 rather than UTF-8, and a file
appended to by two programs holds both: bytes that are not UTF-8 are read as Windows-1252,
the rest as UTF-8, and the first line that is not UTF-8 is named in a warning.

A writer that does not quote leaves the commas of a body unquoted, which gives a row more
fields than the header. The extra fields are joined back into the body (with a warning
naming the line) only when that is the one reading that fits: every other column then
holds a readable timestamp, a known direction or channel, or a sender or recipient that
well-formed rows of the same file also name, and the header has no column greyrock does
not know. Otherwise the row is kept unparsed, never cut short.

Each record keeps its raw text, so a row we cannot read is kept exactly as written, and
its locator names the line the record starts on.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from datetime import datetime

from greyrock.errors import ParseError
from greyrock.model import Channel, Direction, Kind, Message, Source

from ._base import Context
from ._export import Entry
from ._text import decode_mixed, line_of
from ._time import from_epoch, from_epoch_ms, parse_iso

__all__ = ["GenericCsv"]

# A message body can be long (a pasted e-mail); the csv module's default cap is 128 KiB.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_COLUMNS = {
    "timestamp": ("timestamp", "datetime", "date_time", "sent", "date", "time"),
    "time": ("time",),
    "sender": ("sender", "from", "author", "name", "sender_name"),
    "body": ("body", "text", "message", "content"),
    "direction": ("direction",),
    "recipient": ("recipient", "to", "recipients"),
    "channel": ("channel",),
}
_CHANNELS = {c.value for c in Channel}
# Lines end at \r\n, \n or \r only, as the csv module sees them: str.splitlines would also
# end one at U+2028, NEL or a form feed inside a body, cutting its row in two.
_LINES = re.compile(r".*?(?:\r\n|\r|\n)|.+", re.DOTALL)


def _header_map(header: list[str]) -> dict[str, int]:
    lowered = [h.strip().lstrip("\ufeff").lower() for h in header]
    found: dict[str, int] = {}
    for key, names in _COLUMNS.items():
        for name in names:  # the first name in the list wins: "timestamp" before "date"
            if name in lowered and lowered.index(name) not in found.values():
                found[key] = lowered.index(name)
                break
    if "time" in found and lowered[found["timestamp"]] != "date":
        del found["time"]  # a separate time column only completes a date column
    return found


def _timestamp(raw: str) -> datetime | None:
    value = raw.strip()
    try:
        if value.isascii() and value.isdigit():
            number = int(value)
            return from_epoch_ms(number) if number > 10**11 else from_epoch(number)
        return parse_iso(value)
    except (OverflowError, ValueError, OSError):
        return None


def _decode(entry: Entry, ctx: Context) -> str:
    data = entry.read_bytes()
    mixed = decode_mixed(data)
    if mixed.first_bad is not None:
        ctx.warn(
            entry, f"line {line_of(data, mixed.first_bad)}",
            "not valid UTF-8 from here on; the bytes that are not were read as Windows-1252 "
            "(how spreadsheet programs often save).",
        )
    return mixed.text.removeprefix("\ufeff")


_DIRECTIONS = {"in": Direction.IN, "incoming": Direction.IN, "received": Direction.IN,
               "out": Direction.OUT, "outgoing": Direction.OUT, "sent": Direction.OUT}
_NAMED = ("sender", "recipient")  # free text that well-formed rows vouch for


def _rejoined(row: list[str], width: int, cols: dict[str, int], known: dict[str, set[str]]) -> list[str] | None:
    """`row` with its extra fields joined back into the body, if that is the one reading that fits.

    None when some other column could as well have held the unquoted commas.
    """
    if len(cols) < width:
        return None  # a column we do not read could hold them
    extra = len(row) - width
    body = cols["body"]
    fixed = [*row[:body], ",".join(row[body : body + extra + 1]), *row[body + extra + 1 :]]
    for key, i in cols.items():
        value = fixed[i].strip()
        if key in _NAMED and value and value not in known[key]:
            return None
        if key == "direction" and value and value.lower() not in _DIRECTIONS:
            return None
        if key == "channel" and value and value.lower() not in _CHANNELS:
            return None
    stamp = fixed[cols["timestamp"]] + (" " + fixed[cols["time"]].strip() if "time" in cols else "")
    return fixed if _timestamp(stamp) is not None else None


class GenericCsv:
    name = "csv"
    help = "Any CSV with a header row naming timestamp, sender and body columns."

    def sniff(self, entry: Entry) -> int | None:
        if not entry.name.lower().endswith(".csv"):
            return None
        first = entry.head_text(4096).splitlines()[:1]
        if not first:
            return None
        try:
            header = next(csv.reader(first))
        except csv.Error:
            return None
        cols = _header_map(header)
        return 60 if {"timestamp", "body"} <= cols.keys() else None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        for entry in entries:
            yield from self._parse_one(entry, ctx)

    def _records(self, text: str) -> Iterator[tuple[int, str, list[str] | None]]:
        """(first line number, raw text, cells or None when the csv module refused it)."""
        lines = _LINES.findall(text)
        pos = 0

        def feed() -> Iterator[str]:
            nonlocal pos
            while pos < len(lines):
                pos += 1
                yield lines[pos - 1]

        reader = csv.reader(feed())
        while True:
            start = pos
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error:
                row = None
            yield start + 1, "".join(lines[start:pos]).rstrip("\r\n"), row

    def _parse_one(self, entry: Entry, ctx: Context) -> Iterator[Message]:
        records = self._records(_decode(entry, ctx))
        first = next(records, None)
        if first is None or first[2] is None:
            raise ParseError(entry.file, "line 1", "no readable header row.")
        cols = _header_map(first[2])
        if not {"timestamp", "body"} <= cols.keys():
            raise ParseError(entry.file, "line 1", "the header names no timestamp and body columns.",
                             "Name them timestamp, sender and body.")
        width = len(first[2])
        rows = list(records)  # twice: senders named by well-formed rows vouch for the others
        known: dict[str, set[str]] = {key: set() for key in _NAMED}
        for _, _, row in rows:
            if row is not None and len(row) <= width:
                for key in _NAMED:
                    if key in cols and cols[key] < len(row):
                        known[key].add(row[cols[key]].strip())
        unknown_direction = False
        for line, raw, row in rows:
            locator = f"line {line}"
            if row is None:
                yield ctx.unparsed(entry, locator, raw, "not a valid CSV row")
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > width:
                fixed = _rejoined(row, width, cols, known)
                if fixed is None:
                    yield ctx.unparsed(
                        entry, locator, raw,
                        f"{len(row)} fields for {width} columns, and which column holds the unquoted "
                        "comma(s) cannot be told",
                    )
                    continue
                ctx.warn(
                    entry, locator,
                    f"{len(row)} fields for {width} columns: the unquoted comma(s) were kept as part of the body",
                )
                row = fixed

            def cell(key: str) -> str:
                i = cols.get(key)
                return row[i] if i is not None and i < len(row) else ""

            stamp = cell("timestamp") + (" " + cell("time").strip() if "time" in cols else "")
            ts = _timestamp(stamp)
            if ts is None:
                yield ctx.unparsed(entry, locator, raw, "unreadable timestamp")
                continue
            sender_raw = cell("sender").strip() or None
            direction = _DIRECTIONS.get(cell("direction").strip().lower()) or ctx.direction_of(sender_raw)
            unknown_direction |= direction is Direction.UNKNOWN
            channel_raw = cell("channel").strip().lower()
            recipients = tuple(a for a in (ctx.address(r) for r in cell("recipient").split(";")) if a)
            if raw.count('"') % 2:  # a quote that never closes: the csv module ended the cell at EOF
                ctx.warn(entry, locator, "the file ends inside a quoted cell; this message may be cut short.")
            yield Message(
                timestamp=ts,
                channel=Channel(channel_raw) if channel_raw in _CHANNELS else Channel.OTHER,
                kind=Kind.MESSAGE,
                direction=direction,
                sender=ctx.address(sender_raw),
                sender_name=sender_raw,
                recipients=recipients,
                body=cell("body"),
                source=Source(entry.file, entry.locate(locator)),
            )
        if unknown_direction:
            ctx.note_once(entry, "who sent each message is unknown: pass --me NAME or add a direction column.")
