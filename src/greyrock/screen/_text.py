"""Cutting a message into the pieces screening looks at, and finding its facts.

Sentences (and, inside a mixed sentence, clauses) are what spans point at and what the
shielded summary is built from. Facts (times, dates, amounts) are what the summary must
never lose: "Pick-up is 5 pm, and don't be late again you useless idiot" must still say
5 pm after the insult is gone.
"""

from __future__ import annotations

import re

# The summary when nothing practical could be cut cleanly from an abusive message: greyrock's
# own words, none of the sender's, pointing the reader to the original when they choose.
HIDDEN_PRACTICAL = "Something practical is mixed with abuse here; open the message to read it."

__all__ = ["HIDDEN_PRACTICAL", "clauses", "facts", "sentences", "split_at"]

# A sentence ends at . ! ? before a space or the end: "5.30pm", "3.5%" and "...and" go on.
_SENTENCE_END = re.compile(r"(?:[^.!?\n]|[.!?]+(?=[^\s.!?\"')\]]))*(?:[.!?]+[\"')\]]*|\n+|$)")
_CLAUSE_SPLIT = re.compile(r",\s+(?:and|but|so|or)\s+|;\s*|\s+[-–—]+\s+|,\s+(?=(?:and\s+)?(?:don'?t|do not|you|u|stop|never)\b)", re.I)

_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_FACT_PATTERNS = [
    # times: 5pm, 5 pm, 5:30, 17:00, 5.30pm, noon, midnight, half five
    r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)(?![a-z])",
    r"\b(?:[01]?\d|2[0-3])[:h][0-5]\d\b",
    r"\b(?:noon|midday|midnight)\b",
    r"\bhalf\s+(?:past\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
    r"\b(?:at|by|from|until|till|before|after)\s+(?:[1-9]|1[0-2])(?=\s*(?:$|[,.;!?)]|\s+(?:on|at|today|tonight|tomorrow|sharp|o'?clock)\b))",
    # dates: 12 March, March 12th, 12/03, 2024-03-12, Saturday, tomorrow, the 12th
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s+\d{{4}})?",
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?",
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
    rf"\b{_DAY}(?![a-z])",
    r"\b(?:today|tonight|tomorrow|this\s+(?:morning|afternoon|evening|weekend)|next\s+(?:week|weekend|month))\b",
    r"\bthe\s+\d{1,2}(?:st|nd|rd|th)\b",
    # amounts: $450, £20.50, 450 dollars, €1,200, 300 quid
    r"[$£€]\s?\d(?:[\d,]*\d)?(?:\.\d{1,2})?(?:\s?(?:k|m)\b)?",
    r"\b\d(?:[\d,]*\d)?(?:\.\d{1,2})?\s?(?:dollars|pounds|euros|quid|bucks|usd|gbp|eur|aud|cad|nzd)\b",
]
_FACT = re.compile("|".join(f"(?:{p})" for p in _FACT_PATTERNS), re.I)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty sentence, trimmed of surrounding space."""
    out = []
    for m in _SENTENCE_END.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


def split_at(
    text: str, start: int, end: int, joints: re.Pattern[str], lead: str = "", trail: str = ""
) -> list[tuple[int, int]]:
    """(start, end) of the parts of text[start:end] between `joints`, each trimmed of
    `lead` characters at its start and `trail` characters at its end; empty parts dropped."""
    out, cursor = [], start
    for m in joints.finditer(text, start, end):
        if m.start() > cursor:
            out.append((cursor, m.start()))
        cursor = m.end()
    if end > cursor:
        out.append((cursor, end))
    trimmed = []
    for a, b in out:
        while a < b and text[a] in lead:
            a += 1
        while b > a and text[b - 1] in trail:
            b -= 1
        if b > a:
            trimmed.append((a, b))
    return trimmed


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split one sentence at the joints where a practical part meets an abusive one."""
    return split_at(text, start, end, _CLAUSE_SPLIT, " ,;-–—", " ,;-–—") or [(start, end)]


def facts(text: str) -> list[str]:
    """Times, dates and amounts in the order they appear, as written."""
    return [m.group().strip().rstrip(".") for m in _FACT.finditer(text)]
