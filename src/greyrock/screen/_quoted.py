"""An e-mail's own words: the lines its sender wrote, without the earlier mails it quotes.

A reply carries the thread below it ("> ..." lines, "On Mon, 2 Nov, Sam wrote:", Outlook's
"-----Original Message-----" or its "From: / Sent:" block), often the reader's own words.
Screened whole, a reply is labelled for what the reader once wrote, and a long thread's
quoted headers and code look like nothing a person says: the model reads only the sender's
words. The danger phrases still read everything (screen/__init__.py): a threat is never
hidden, not even inside a quote.

The quoted parts are blanked, not cut: every character keeps its place, so spans and
danger words point into the original text unchanged.
"""

from __future__ import annotations

import re

__all__ = ["own_words"]

_QUOTE_LINE = re.compile(r"^[ \t]*>.*$", re.M)
# "On Mon, 2 Nov 2026 at 10:00, Sam <sam@example.com> wrote:": a date, a comma, and "wrote:"
# ending the line or the next. Narrow on purpose: a blanked line is one the model, and the
# summary of what to act on, never read, so the sender's own "On Saturday at 5 Tom said:"
# must not look like one.
_ATTRIBUTION = re.compile(
    r"^[ \t]*On\b[^\n]{0,200}\d[^\n]{0,200},[^\n]{0,200}?"
    r"(?:\bwrote:|\n[ \t]*(?:<[^>\n]+@[^>\n]+>\s*)?wrote:)[ \t]*$",
    re.M,
)
# Outlook and others put the whole earlier mail below one of these, unmarked.
_THREAD_BELOW = re.compile(
    r"^[ \t]*-{2,}\s*Original Message\s*-{2,}[ \t]*$"
    r"|^(?:[ \t]*_{10,}[ \t]*\n)?[ \t]*From:[^\n]+\n[ \t]*(?:Sent|Date):[^\n]+\n(?:[ \t]*(?:To|Cc):[^\n]*\n)*[ \t]*Subject:",
    re.M | re.I,
)


def own_words(body: str) -> str:
    """`body` with the quoted earlier mails blanked (spaces, newlines kept), same length."""
    spans = [(m.start(), m.end()) for m in _QUOTE_LINE.finditer(body)]
    spans += [(m.start(), m.end()) for m in _ATTRIBUTION.finditer(body)]
    below = _THREAD_BELOW.search(body)
    if below is not None:
        spans.append((below.start(), len(body)))
    if not spans:
        return body
    chars = list(body)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)
