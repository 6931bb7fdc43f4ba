"""The text screening reads: what the reader sees, not the bytes a sender chose to hide in.

"I will k\u200bill you" shows as a threat but, read byte by byte, holds no "kill"; so do
"I will kіll you" (a Cyrillic і), "ｋｉｌｌ" (fullwidth letters) and "k̶i̶l̶l̶" (a combining
stroke on each letter). Screening therefore reads a normalised copy:

- format characters (Unicode category Cf: zero-width space and joiners, soft hyphen, the
  bidi marks, embeddings, overrides and isolates, tag characters) and the other invisibles
  (variation selectors, combining grapheme joiner, Hangul fillers) are dropped. The model's
  own tokenizer drops them too, which is why an emoji family (👨‍👩‍👧) scores as before;
- NFKC folds compatibility forms (fullwidth, mathematical alphanumerics, ligatures,
  superscripts) to their plain letters;
- look-alike letters of other scripts fold to Latin (Unicode's confusables.txt, through the
  confusable-homoglyphs package, plus a few small-capital look-alikes it leaves out), and
  typographic quotes to ASCII ones (iPhones type "I’ll"); only inside words that hold a
  Latin letter or are made only of look-alikes, so Greek or Russian prose stays itself;
- combining marks left on a Latin letter after NFKC (strikes, underlines, "zalgo") are dropped;
- terminal control sequences ("\x1b[31m" colours, cursor moves, the frame of a window-title
  sequence) and the other control characters but whitespace are dropped: a terminal shows
  "\x1b[31mI will kill you\x1b[0m" as a red threat, and the model read it as "[31mI";
- text under a right-to-left override is also read in the order it is shown, as a variant.

The stored message is never touched. Each character of the copy remembers the span of the
original it came from, so evidence (danger words, spans) points into the original text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["ScreeningText", "screening_text"]

_RLO, _LRO, _PDF = "\u202e", "\u202d", "\u202c"
# Invisible but not Cf: variation selectors, combining grapheme joiner, Hangul fillers.
_INVISIBLE_OTHER = frozenset(
    [chr(c) for c in range(0xFE00, 0xFE10)] + [chr(c) for c in range(0xE0100, 0xE01F0)]
    + ["\u034f", "\u115f", "\u1160", "\u3164", "\uffa0"]
)
# Look-alikes that confusables.txt maps only to capital Latin letters (small capitals: in a
# chat font "кill" reads as "kill"), or not at all.
_EXTRA_FOLDS = {
    "к": "k", "κ": "k", "м": "m", "н": "h", "т": "t", "τ": "t", "в": "b", "ь": "b", "χ": "x",
    "ɴ": "n", "ʀ": "r", "ʟ": "l", "ʜ": "h", "ɢ": "g", "ʙ": "b", "ᴋ": "k", "ᴍ": "m", "ᴛ": "t",
}
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
           "\u201e": '"', "\u2033": '"'}


# ECMA-48 sequences a terminal acts on and does not show: CSI (colours, cursor), the opening
# "ESC ] N ;" and the terminator of an OSC (its payload, a window title, stays: greyrock
# shows it as text), and two-character escapes. C1 forms (0x9b, 0x9d) too.
_TERMINAL = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[0-9]*;?|\x1b\\|\x1b[@-Z^_]"
)
_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c")


def _invisible(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch in _INVISIBLE_OTHER or category == "Cf" or (category == "Cc" and ch not in _WHITESPACE_CONTROLS)


def _control_sequences(original: str) -> frozenset[int]:
    """Indices inside terminal control sequences (the ESC or C1 character itself is Cc)."""
    if "\x1b" not in original and "\x9b" not in original and "\x9d" not in original:
        return frozenset()
    return frozenset(i for m in _TERMINAL.finditer(original) for i in range(m.start(), m.end()))


@functools.cache
def _letter_folds() -> dict[str, str]:
    """Non-ASCII letter -> the ASCII letter it is confusable with (same case preferred)."""
    from confusable_homoglyphs import confusables

    table: dict[str, str] = {}
    for ch, glyphs in confusables.confusables_data.items():
        if len(ch) != 1 or ch.isascii() or not unicodedata.category(ch).startswith("L"):
            continue
        if unicodedata.normalize("NFKC", ch) != ch:
            continue  # NFKC already gives the plain letter
        latin = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalpha()]
        if latin:
            same_case = [g for g in latin if g.isupper() == ch.isupper()]
            table[ch] = (same_case or latin)[0]
    table.update(_EXTRA_FOLDS)
    return table


@dataclass(frozen=True, slots=True)
class ScreeningText:
    """A normalised copy of `original`; character i came from original[starts[i]:ends[i]]."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original that text[start:end] was made from."""
        if start >= end:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return min(self.starts[start:end]), max(self.ends[start:end])

    def original_text(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return self.original[a:b]


def _clusters(original: str) -> list[tuple[int, int, str]]:
    """(start, end, visible characters) of each base character with its combining marks;
    invisible characters belong to none (they fall in the gaps)."""
    out: list[tuple[int, int, str]] = []
    hidden = _control_sequences(original)
    i, n = 0, len(original)
    while i < n:
        if i in hidden or _invisible(original[i]):
            i += 1
            continue
        chars, end, j = [original[i]], i + 1, i + 1
        while j < n and j not in hidden and (unicodedata.category(original[j])[0] == "M" or _invisible(original[j])):
            if not _invisible(original[j]):
                chars.append(original[j])
                end = j + 1
            j += 1
        out.append((i, end, "".join(chars)))
        i = j
    return out


def _fold_words(chars: list[str]) -> list[str]:
    """Fold look-alike letters in the words where a reader would take them for Latin."""
    folds = _letter_folds()
    out = list(chars)
    i, n = 0, len(chars)
    while i < n:
        if not chars[i].isalpha():
            out[i] = _QUOTES.get(chars[i], chars[i])
            i += 1
            continue
        j = i
        while j < n and chars[j].isalpha():
            j += 1
        word = chars[i:j]
        latin = any(c.isascii() for c in word)
        if latin or all(c in folds for c in word):
            out[i:j] = [folds.get(c, c) for c in word]
        i = j
    return out


def _normalise(original: str, clusters: list[tuple[int, int, str]]) -> ScreeningText:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for a, b, cluster in clusters:
        norm = unicodedata.normalize("NFKC", cluster)
        if len(norm) > 1 and norm[0].isascii() and norm[0].isalpha():
            norm = norm[0] + "".join(c for c in norm[1:] if unicodedata.category(c)[0] != "M")
        for c in norm:
            chars.append(c)
            starts.append(a)
            ends.append(b)
    return ScreeningText(original, "".join(_fold_words(chars)), tuple(starts), tuple(ends))


def _shown_order(original: str, clusters: list[tuple[int, int, str]]) -> list[tuple[int, int, str]] | None:
    """The clusters in the order a right-to-left override shows them; None without one."""
    if _RLO not in original:
        return None
    out: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str]] = []
    inside = False
    cursor = 0
    for a, b, cluster in clusters:
        between = original[cursor:a]
        for ch in between:  # the invisible controls between two clusters open or close a run
            if ch == _RLO:
                inside = True
            elif ch in (_PDF, _LRO) and inside:
                out.extend(reversed(run))
                run, inside = [], False
        if inside and "\n" in cluster:
            out.extend(reversed(run))
            run, inside = [], False
        (run if inside else out).append((a, b, cluster))
        cursor = b
    out.extend(reversed(run))
    return out


def screening_text(original: str) -> list[ScreeningText]:
    """The normalised copy of `original`, then (only under a right-to-left override) the
    same copy in the order the override shows it. Danger phrases are looked for in each."""
    clusters = _clusters(original)
    variants = [_normalise(original, clusters)]
    shown = _shown_order(original, clusters)
    if shown is not None:
        variants.append(_normalise(original, shown))
    return variants
