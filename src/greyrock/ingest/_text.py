"""Bytes that should be UTF-8 but are not all UTF-8, read as text without losing a character.

Exports are said to be UTF-8, and mostly are; but a spreadsheet saves a row in
Windows-1252, a mailer declares charset=utf-8 over text typed in cp1252, and a file is
appended to by a second program. Decoding all of it as cp1252 would garble the UTF-8 parts
("I’m" as "Iâ€™m"), and decoding with errors="replace" loses the other parts. Here each
run of bytes that is valid UTF-8 is read as UTF-8 and each byte that is not is read as
cp1252 (latin-1 for the five bytes cp1252 leaves unassigned), so every byte becomes the
character its writer most likely meant, and the caller learns where the first such byte is
so that it can say so.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

__all__ = ["Mixed", "decode_mixed", "line_of"]


@dataclass(frozen=True)
class Mixed:
    """Decoded text, and the offset of the first byte that was not UTF-8 (None: all were)."""

    text: str
    first_bad: int | None


def _as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    """The codec error handler: the bytes UTF-8 refused, read as cp1252."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(chr(b) if b in _UNASSIGNED else bytes([b]).decode("cp1252") for b in bad), exc.end


_UNASSIGNED = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D))
_HANDLER = "greyrock.cp1252"
codecs.register_error(_HANDLER, _as_cp1252)


def decode_mixed(data: bytes) -> Mixed:
    """UTF-8 where the bytes are UTF-8, cp1252 where they are not; never fails.

    The common case (all UTF-8) costs one decode; otherwise one more, in linear time.
    """
    try:
        return Mixed(data.decode("utf-8"), None)
    except UnicodeDecodeError as exc:
        return Mixed(data.decode("utf-8", errors=_HANDLER), exc.start)


def line_of(data: bytes, offset: int) -> int:
    """The 1-based line number of a byte offset, counting \\n, \\r\\n and lone \\r endings."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
