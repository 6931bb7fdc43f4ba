"""Whether a rewrite reads as clean sentences, so the reader can send it as it stands.

The rewrite cuts clauses out of the reader's draft; a cut in the wrong place leaves
"I'm only doing this, not." or a fact line like "Re: at 2am.". Such a reply reads as
odd or angry, invites a "what do you mean?", and a reader on a bad night may not see why.
These checks are shallow on purpose (no parser): each names a shape that a cut leaves
behind and that a plain reply never has, so the rewrite can drop the sentence and carry
its facts on a neutral line instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greyrock.screen._text import facts

__all__ = ["SET_PHRASES", "Problem", "problems"]

# One-word replies that are whole on their own.
SET_PHRASES = frozenset(
    "noted received thanks thank ok okay yes no fine agreed confirmed understood sure done cheers yep "
    "right acknowledged great perfect".split()
)
# A sentence never ends on these: a cut left the rest of its clause behind.
_BAD_LAST = frozenset(
    "not no nor and or but so because cos coz cuz if than that to at on of for with by from into onto about "
    "until till the a an my your our their whose which who whom when where while although though unless "
    "whereas as then also plus i we you".split()
)
# A sentence never starts on these: it is the second half of something cut away.
_BAD_FIRST = frozenset("and or but because cos nor than whereas although though unless".split())
# A fact line's list never opens with a bare preposition ("Re: at 2am.").
_BAD_LIST_OPENER = frozenset("at on in of for with to and or but not the a an".split())
# Something that makes a sentence of a clause: a verb, a modal or a contraction. A rewrite
# sentence with none of these and no time, date or amount is a scrap ("Voice note, yeah.",
# "Dear Paul.", "Back in an hour x.").
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|am|do|does|did|done|have|has|had|can|could|will|would|shall|should|may|might"
    r"|must|need|needs|works?|suits?|let|please|send|pay|paid|bring|take|collect|drop|pick|see|keep|stands?|confirm"
    r"|agree|call|text|email|reply|go|come|get|got|make|know|want|thanks|thank|noted|received)\b"
    r"|\b\w+(?:ed|ing|n't|n’t|'ll|’ll|'m|’m|'re|’re|'s|’s|'ve|’ve|'d|’d)\b",
    re.I,
)
_FACT_LINE = re.compile(r"^(?:Re|For [^:]{1,40}):\s*(?P<rest>.*)$", re.S)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")
_WORD = re.compile(r"[A-Za-z0-9$£€][A-Za-z0-9$£€'’:.,/-]*")
_PUNCT_MESS = re.compile(r"\s[,.;:!?]|,\s*[.;:!?]|[,;:]{2}|\.\.(?!\.)|^[\s,.;:!?-]")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a sentence of a rewrite: a code and the sentence."""

    code: str
    sentence: str


def _words(text: str) -> list[str]:
    return [w.strip(".,:;'’").lower() for w in _WORD.findall(text) if w.strip(".,:;'’")]


def sentence_problems(sentence: str) -> list[str]:
    """The codes of what is wrong with one sentence (empty when it reads cleanly)."""
    s = sentence.strip()
    if not s:
        return []
    out: list[str] = []
    line = _FACT_LINE.match(s)
    if line:
        rest = line.group("rest").strip().rstrip(".").strip()
        items = [i.strip() for i in rest.split(",") if i.strip()]
        if not items or not _words(rest):
            out.append("dangling_fact_line")
        elif any(_words(i)[:1] and _words(i)[0] in _BAD_LIST_OPENER for i in items):
            out.append("preposition_led_facts")
        if any(_words(i)[-1:] and _words(i)[-1] in _BAD_LAST for i in items if _words(i)):
            out.append("dangling_end")
    else:
        words = _words(s)
        if not words:
            out.append("no_words")
        else:
            if len(words) == 1 and words[0] not in SET_PHRASES and not facts(s):
                out.append("fragment")
            if words[-1] in _BAD_LAST:
                out.append("dangling_end")
            if words[0] in _BAD_FIRST:
                out.append("dangling_start")
            if not _VERBISH.search(s) and not facts(s) and not (len(words) == 1 and words[0] in SET_PHRASES):
                out.append("no_verb")
            first = s.lstrip("\"'(")[:1]
            if first.isalpha() and first.islower():
                out.append("lowercase_start")
    if _PUNCT_MESS.search(s):
        out.append("punctuation")
    if s[-1:] not in ".!?":
        out.append("no_end_mark")
    if s.count("(") != s.count(")") or s.count('"') % 2:
        out.append("unbalanced")
    return out


def problems(text: str) -> list[Problem]:
    """Every sentence of a rewrite that does not read cleanly, with what is wrong with it."""
    found: list[Problem] = []
    for m in _SENTENCE.finditer(_protect(text)):
        sentence = _unprotect(m.group()).strip()
        for code in sentence_problems(sentence):
            found.append(Problem(code, sentence))
    if not text.strip():
        found.append(Problem("empty", ""))
    return found


# Dots that do not end a sentence: "5.30pm", "£42.50", "a.m.", "St." are kept whole.
_INNER_DOT = re.compile(
    r"(?<=\d)\.(?=\d)|(?<=\b[ap])\.(?=m\.)|(?<=\b[ap]\.m)\.(?=\s+[a-z])"
    r"|(?<=\bSt)\.|(?<=\bDr)\.|(?<=\bMr)\.|(?<=\bMs)\.|(?<=\bMrs)\.|(?<=\bNo)\.(?=\s*\d)",
    re.I,
)


def _protect(text: str) -> str:
    return _INNER_DOT.sub("\x00", text)


def _unprotect(text: str) -> str:
    return text.replace("\x00", ".")
