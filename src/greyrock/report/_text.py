"""Showing hostile text and timestamps in a document, safely and honestly.

The other person's words are evidence: a report shows them exactly, with two exceptions
that are always made visible, never silent. Characters that change how a line *reads*
rather than what it says (bidi overrides, control characters) are shown as their code
point, so a message cannot make itself look different from what it holds. Characters the
document's font cannot draw (an emoji in a PDF without an emoji font) are replaced by a
visible placeholder, and the caller is told so that the page can say where the exact text
is (the JSON and CSV exports keep every character).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Shown", "format_ts", "offset_label", "show"]

# Bidi embeddings, overrides and isolates, and the marks: shown, never obeyed.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible joiners and spaces that carry no words; dropped for display (kept in exports).
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f")
_EMOJI_MODIFIERS = frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))  # skin tones
_PLACEHOLDER_RUN = 4

# What a latin-1-only font gets instead of common typographic characters.
_ASCII_LOOKALIKES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "*", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
    "\u20ac": "EUR", "\u2122": "(TM)",
}


@dataclass(frozen=True, slots=True)
class Shown:
    """Text ready to be drawn, and whether any character had to be replaced to draw it."""

    text: str
    replaced: bool


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2B00 <= cp <= 0x2BFF
        or 0x1F1E6 <= cp <= 0x1F1FF
        or unicodedata.category(ch) == "So" and cp > 0x2000
    )


def _codepoints(run: list[str]) -> str:
    if len(run) > _PLACEHOLDER_RUN:
        return f"[{len(run)} characters not shown]"
    return "[" + " ".join(f"U+{ord(c):04X}" for c in run) + "]"


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _sequence_end(text: str, i: int) -> int:
    """The index just past the emoji sequence starting at `i` (modifiers, ZWJ chains, flags)."""
    n = len(text)
    j = i + 1
    if _is_regional(text[i]) and j < n and _is_regional(text[j]):
        return j + 1
    while j < n:
        if text[j] in _INVISIBLE and text[j] != "\u200d" or text[j] in _EMOJI_MODIFIERS:
            j += 1
        elif text[j] == "\u200d" and j + 1 < n and _is_emoji(text[j + 1]):
            j += 2
        else:
            break
    return j


def _unsafe(ch: str) -> bool:
    cp = ord(ch)
    return ch in _BIDI or cp < 0x20 or 0x7F <= cp <= 0x9F or ch in "\u2028\u2029" or 0xD800 <= cp <= 0xDFFF


def show(text: str, drawable: Container[str] | Callable[[str], bool] | None = None) -> Shown:
    """`text` as a document may draw it.

    `drawable` says which characters the font can draw (a set, or a predicate); None
    means every printable character (HTML, where the browser draws them). Line breaks are
    kept as layout, a tab becomes four spaces.
    """
    if drawable is None:
        can: Callable[[str], bool] = lambda c: True  # noqa: E731
    else:
        can = drawable if callable(drawable) else drawable.__contains__
    latin1_only = drawable is not None and not can("\u0100") and can("\u00e9")
    out: list[str] = []
    run: list[str] = []
    replaced = False
    i, n = 0, len(text)

    def flush() -> None:
        if run:
            out.append(_codepoints(run))
            run.clear()

    while i < n:
        ch = text[i]
        if ch in "\n\t\r":
            flush()
            if ch == "\t":
                out.append("    ")
            elif ch == "\n" or i + 1 >= n or text[i + 1] != "\n":
                out.append("\n")
            i += 1
        elif _unsafe(ch):
            flush()
            out.append(f"[U+{ord(ch):04X}]")
            replaced = True
            i += 1
        elif drawable is None:
            out.append(ch)
            i += 1
        elif ch in _INVISIBLE or ch in _EMOJI_MODIFIERS:
            i += 1  # joiners and variation selectors draw nothing; a lone skin tone is noise
        elif can(ch):
            flush()
            out.append(ch)
            i += 1
        elif _is_emoji(ch):
            flush()
            out.append("[emoji]")
            replaced = True
            i = _sequence_end(text, i)
        else:
            replaced = True
            substitute = _ASCII_LOOKALIKES.get(ch) if latin1_only else None
            if substitute is None and latin1_only:
                base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
                substitute = base if base and all(can(c) for c in base) else None
            if substitute is not None:
                flush()
                out.append(substitute)
            else:
                run.append(ch)
            i += 1
    flush()
    return Shown("".join(out), replaced)


def offset_label(ts: datetime) -> str:
    """'UTC+01:00' for an aware time; the local-clock note for a naive one."""
    offset = ts.utcoffset()
    if offset is None:
        return "local time, zone not recorded"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def format_ts(ts: datetime | None) -> str:
    """A timestamp as every page of a report prints it: seconds and the UTC offset.

    A time whose zone the export did not record says so instead of pretending to one.
    """
    if ts is None:
        return "time unreadable"
    base = ts.strftime("%Y-%m-%d %H:%M:%S")
    if ts.utcoffset() is None:
        return f"{base} (local time, zone not recorded)"
    return f"{base} {offset_label(ts)}"
