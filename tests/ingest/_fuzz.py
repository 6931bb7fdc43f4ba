"""Shared by the fuzz tests: mangle an export, and run its importer directly.

The importer is called directly (not through Parsed, whose safety net turns a bug into a
ParseError), so a crash is a real bug in the importer. Only InputError may come out.
"""

from __future__ import annotations

from pathlib import Path

from greyrock import ingest
from greyrock.errors import InputError
from greyrock.model import Message

HOW = ("truncate", "flip", "insert", "delete")


def mangle(data: bytes, how: str, a: int, b: int, junk: bytes) -> bytes:
    i, j = sorted((a % (len(data) + 1), b % (len(data) + 1)))
    if how == "truncate":
        return data[:i]
    if how == "flip":
        return data[:i] + bytes([data[i] ^ (1 + b % 255)]) + data[i + 1 :] if i < len(data) else data
    if how == "insert":
        return data[:i] + junk + data[i:]
    return data[:i] + data[j:]  # delete a range


def parse_directly(path: Path, fmt: str, **kwargs: str) -> list[Message] | None:
    """Every message the importer yields, or None when it refuses the file (InputError)."""
    try:
        parsed = ingest.parse(path, format=fmt, **kwargs)
    except InputError:
        return None
    messages: list[Message] = []
    try:
        for importer, entries in parsed.groups:
            messages.extend(importer.parse(entries, parsed.ctx))
    except InputError:
        return None
    finally:
        parsed.export.close()
    return messages
