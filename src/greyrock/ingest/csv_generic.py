"""A generic CSV with a header: timestamp, sender, body (for anything without an importer).

Recognised header names (case-insensitive): timestamp/date/time/datetime, sender/from/
author/name, body/text/message/content; optional direction (in/out), recipient/to,
channel. Timestamps: ISO 8601, or epoch seconds/milliseconds.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from greyrock.model import Channel, Direction, Kind, Message, Source

from ._base import Context
from ._export import Entry, text_stream
from ._time import from_epoch, from_epoch_ms, parse_iso

__all__ = ["GenericCsv"]

_COLUMNS = {
    "timestamp": ("timestamp", "date", "time", "datetime", "sent", "date_time"),
    "sender": ("sender", "from", "author", "name", "sender_name"),
    "body": ("body", "text", "message", "content"),
    "direction": ("direction",),
    "recipient": ("recipient", "to", "recipients"),
    "channel": ("channel",),
}
_CHANNELS = {c.value for c in Channel}


def _header_map(header: list[str]) -> dict[str, int]:
    lowered = [h.strip().lstrip("\ufeff").lower() for h in header]
    found: dict[str, int] = {}
    for key, names in _COLUMNS.items():
        for i, h in enumerate(lowered):
            if h in names:
                found[key] = i
                break
    return found


def _timestamp(raw: str):
    value = raw.strip()
    if value.isdigit():
        number = int(value)
        return from_epoch_ms(number) if number > 10**11 else from_epoch(number)
    return parse_iso(value)


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

    def _parse_one(self, entry: Entry, ctx: Context) -> Iterator[Message]:
        with text_stream(entry) as fh:
            reader = csv.reader(fh)
            try:
                header = next(reader)
            except (StopIteration, csv.Error):
                ctx.warn(entry, "line 1", "no header row; nothing read.")
                return
            cols = _header_map(header)
            if not {"timestamp", "body"} <= cols.keys():
                raw = ",".join(header)
                yield ctx.unparsed(entry, "line 1", raw, "header names no timestamp and body columns")
                for row in reader:
                    yield ctx.unparsed(entry, f"line {reader.line_num}", ",".join(row), "no usable header")
                return
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield ctx.unparsed(entry, f"line {reader.line_num}", "", f"CSV error: {exc}")
                    continue
                locator = f"line {reader.line_num}"
                if not any(cell.strip() for cell in row):
                    continue

                def cell(key: str) -> str:
                    i = cols.get(key)
                    return row[i] if i is not None and i < len(row) else ""

                ts = _timestamp(cell("timestamp"))
                if ts is None:
                    yield ctx.unparsed(entry, locator, ",".join(row), "unreadable timestamp")
                    continue
                sender_raw = cell("sender").strip() or None
                direction_raw = cell("direction").strip().lower()
                if direction_raw in ("in", "incoming", "received"):
                    direction = Direction.IN
                elif direction_raw in ("out", "outgoing", "sent"):
                    direction = Direction.OUT
                else:
                    direction = ctx.direction_of(sender_raw)
                channel_raw = cell("channel").strip().lower()
                recipients = tuple(
                    a for a in (ctx.address(r) for r in cell("recipient").split(";")) if a
                )
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
