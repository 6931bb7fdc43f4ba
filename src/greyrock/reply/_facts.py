"""What a reply may repeat from a message: its times, dates and amounts, and its topic.

A grey-rock draft copies nothing of the other person's wording except the facts, so that
no insult, hook or guess about the reader's life can slip into it. Facts come from
`screen._text.facts` (the same facts the shielded summary must keep), joined into phrases
only through words that carry no meaning of their own ("on", "at", "instead of", digits,
day names): "at 4:30 instead of 3:30" stays one phrase, while "$40, pay it by Friday"
becomes "$40" and "by Friday". The topic is a fixed, neutral noun phrase from a short
list ("pick-up", "the consent order"), never a quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greyrock.screen._text import facts

__all__ = ["FactPhrase", "Request", "fact_phrases", "read_request", "topic_of"]

_DAYS = r"(?:mon|tues?|weds?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?\.?"
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Words that mean a time or date on their own: a phrase may start or end on them.
_CORE = re.compile(
    rf"^(?:\d{{1,4}}(?:[:.]\d{{2}})?(?:st|nd|rd|th|am|pm|a\.m\.|p\.m\.)?(?:\s?[-–]\s?\d{{1,2}}(?:[:.]\d{{2}})?(?:am|pm)?)?"
    rf"|{_DAYS}|{_MONTHS}|am|pm|noon|midday|midnight|lunchtime|morning|afternoon|evening|night|tonight|today|tomorrow"
    r"|o'?clock|sharp|weekend)$",
    re.I,
)
# Words that only join facts. Prepositions may also open a phrase ("by Friday").
_OPENERS = {"by", "on", "at", "from", "between", "before", "after", "until", "till", "around"}
_JOINERS = _OPENERS | {"the", "of", "or", "and", "to", "instead", "rather", "than", "not", "this", "next", "-", "–", ",", "&"}
_TOKEN = re.compile(r"[$£€]?\d(?:[\d,]*\d)?(?:[:.]\d+)?(?:st|nd|rd|th|am|pm)?(?:\s?[-–]\s?\d{1,2}(?:[:.]\d{2})?(?:am|pm)?)?|[A-Za-z']+|[-–,&]")
_STOP = re.compile(r"[.!?\n;:()\"]")


@dataclass(frozen=True, slots=True)
class FactPhrase:
    """A run of the message's own words that holds one or more facts."""

    text: str
    start: int
    end: int
    facts: tuple[str, ...]


def _fact_positions(text: str) -> list[tuple[int, int, str]]:
    out, cursor = [], 0
    for fact in facts(text):
        at = text.find(fact, cursor)
        if at < 0:
            continue
        out.append((at, at + len(fact), fact))
        cursor = at + len(fact)
    return out


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]


def _joinable(text: str, start: int, end: int) -> bool:
    """Whether the gap between two facts holds only joining words and numbers."""
    gap = text[start:end]
    if _STOP.search(gap) or len(gap) > 40:
        return False
    rest = _TOKEN.sub(" ", gap).strip()
    if rest:
        return False
    return all(w.lower() in _JOINERS or _CORE.match(w) for _, _, w in _tokens(text, start, end))


def _extend(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a phrase over neighbouring numbers and day words ("Friday 8-12", "Tues 14th")."""
    # rightwards: keep taking joiners, remember the last core word
    right = end
    pos = end
    while True:
        m = _TOKEN.match(text, _skip_space(text, pos))
        if not m or _STOP.search(text[pos:m.start()]):
            break
        word = m.group()
        if _CORE.match(word):
            right = pos = m.end()
        elif word.lower() in _JOINERS:
            pos = m.end()
        else:
            break
    # leftwards over whole tokens
    left = start
    before = _tokens(text, max(0, start - 60), start)
    if before and before[-1][1] < start and _STOP.search(text[before[-1][1]:start]):
        before = []
    kept = start
    for a, b, word in reversed(before):
        if _STOP.search(text[b:kept]):
            break
        if _CORE.match(word):
            left = kept = a
        elif word.lower() in _JOINERS:
            kept = a
        else:
            break
    # one opening preposition directly before the phrase: "by Friday", "on the 1st"
    words = _tokens(text, max(0, left - 12), left)
    if words and words[-1][2].lower() in _OPENERS and not text[words[-1][1]:left].strip():
        left = words[-1][0]
    return left, right


_PART_OF_DAY = re.compile(r"(?:morning|afternoon|evening|night|lunchtime|weekend)\s+", re.I)


def _drop_leading_part_of_day(text: str, start: int, first_fact: int) -> int:
    """"an extra night next week" gives "next week", not "night next week"."""
    m = _PART_OF_DAY.match(text, start)
    return m.end() if m and m.end() <= first_fact else start


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def fact_phrases(text: str) -> list[FactPhrase]:
    """The message's facts as phrases in its own words, in order; every fact is in one."""
    found = _fact_positions(text)
    groups: list[list[tuple[int, int, str]]] = []
    for item in found:
        if groups and _joinable(text, groups[-1][-1][1], item[0]):
            groups[-1].append(item)
        else:
            groups.append([item])
    phrases: list[FactPhrase] = []
    for group in groups:
        start, end = _extend(text, group[0][0], group[-1][1])
        if phrases and start < phrases[-1].end:  # two groups grew into each other
            last = phrases.pop()
            start = last.start
            group = [(0, 0, f) for f in last.facts] + group
        start = _drop_leading_part_of_day(text, start, group[0][0])
        phrase = text[start:end].strip(" ,-–")
        phrases.append(FactPhrase(phrase, start, end, tuple(f for _, _, f in group)))
    return _unique(phrases)


def _unique(phrases: list[FactPhrase]) -> list[FactPhrase]:
    """Drop a phrase whose words another phrase already says ("Saturday" twice)."""
    out: list[FactPhrase] = []
    for p in phrases:
        if any(p.text.lower() in q.text.lower() for q in out):
            continue
        out = [q for q in out if q.text.lower() not in p.text.lower()]
        out.append(p)
    return sorted(out, key=lambda p: p.start)


# -- topic -------------------------------------------------------------------------------

# (pattern, topic). The first pattern found in the request sentence wins, then in the rest.
# "{}" is filled with the matched word in lower case, for neutral nouns ("the retainer").
_TOPICS: tuple[tuple[str, str], ...] = (
    (r"consent order", "the consent order"),
    (r"court|hearing", "the hearing"),
    (r"mediation|mediator", "mediation"),
    (r"parents'? ?evening", "parents' evening"),
    (r"permission slip", "the permission slip"),
    (r"passports?", "the passport forms"),
    (r"deposit", "the deposit"),
    (r"tenancy|lease|letting agent|landlord", "the tenancy"),
    (r"mortgage", "the mortgage"),
    (r"vet|booster", "the vet bill"),
    (r"council tax|bill|invoice", "the bill"),
    (r"insurance", "the insurance"),
    (r"joint account|account", "the account"),
    (r"tax (?:refund|office|letter)|refund", "the tax letter"),
    (r"survey(?:or)?|viewings?|estate agent|buyers", "access to the house"),
    (r"pick[- ]?up|pick (?:[A-Z]\w+|her|him|them|the kids|the children) up|collection"
     r"|collect(?:ing)? (?:her|him|them|the kids|the children)", "pick-up"),
    (r"hand[- ]?over", "the handover"),
    (r"drop[- ]?off", "drop-off"),
    (r"sleepover", "the sleepover"),
    (r"dentist|doctor|gp|optician|hospital|appointment|appt", "the appointment"),
    (r"(?:school|field) trip", "the school trip"),
    (r"tournament|match|practice|lessons?|training|recital|assembly", "the {}"),
    (r"soccer|football|swimming|dance|ballet|rugby|cricket|gymnastics|drama|scouts|brownies|cubs", "{}"),
    (r"birthday|party", "the party"),
    (r"swap(?:ping)? (?:weekends?|days|nights)|weekends|(?:your|my) weekend", "the weekend arrangement"),
    (r"holidays?|summer|christmas|easter|half[- ]term", "the holiday dates"),
    (r"meeting|teacher (?:wants|meeting|call)", "the meeting"),
    (r"medicine|medication|prescription", "the medicine"),
    (r"keys?", "the key"),
    (r"boiler|engineer|plumber|repairs?", "the repair visit"),
    (r"login|password|school app", "the login details"),
    (r"signatures?|sign", "the signature"),
    (r"forms?", "the form"),
    (r"(?:swimming|swim|pe|gym|football|rugby|dance|ballet|school) (?:stuff|kit|bag|things)", "the {}"),
    (r"shoes|wellies|uniform|kit|coat|retainer|glasses|folder", "the {}"),
    (r"letter|post|mail", "the post"),
    (r"bike rack|bike|furniture|belongings|boxes|stuff|things", "the belongings"),
    (r"dinner|lunch", "the {}"),
    (r"school", "school"),
)
_TOPIC_RES = [(re.compile(rf"\b(?:{p})\b", re.I), t) for p, t in _TOPICS]


def topic_of(text: str) -> str | None:
    """A neutral name for what the message is about, or None when no listed topic fits."""
    best: tuple[int, int, str] | None = None
    for rank, (pattern, topic) in enumerate(_TOPIC_RES):
        m = pattern.search(text)
        if m and (best is None or rank < best[1]):
            best = (m.start(), rank, topic.format(m.group().lower()))
    return best[2] if best else None


# -- the request -------------------------------------------------------------------------

_QUESTION_OR_REQUEST = re.compile(
    r"\?|\b(?:can|could|would|will) (?:you|u|we)\b|\bplease\b|\bconfirm\b|\blet me know\b|\bneeds? (?:you|your)\b"
    r"|\b(?:send|sign|pay|return|bring|pack|drop|leave)\b",
    re.I,
)
_WHO_CHOICE = re.compile(
    r"\bor (?:shall|should|will|do|can|am|would) i\b|\bor (?:me|i)\s*\?|\bor (?:am i|i'?ll|i will)\b"
    r"|\b(?:you|u) or (?:me|i)\b",
    re.I,
)
# A question about where the reader (or the child) is: answered only with a handover place.
_PLACE = re.compile(
    r"\bwhere\b[^.!?\n]{0,40}\b(?:you|u|she|he|they|staying|living|collect|pick)|\bat (?:yours|your (?:place|house|flat|new \w+))\b"
    r"|\byour (?:mum|mom|dad|mother|father|parents|sister|brother|nan|gran)'?s\b|\byour (?:new )?address\b",
    re.I,
)
_INFO = re.compile(
    r"\b(?:what|which|where|when|how (?:much|many|long))\s+(?:is|are|was|were|do|does|did|can|could|will|would|should"
    r"|size|time|day|date|number|works?|suits?)\b",
    re.I,
)
# "confirm the account number", "send me the login": a piece of information is asked for.
_ASKS_FOR = re.compile(r"\b(?:confirm|let me know|send me|tell me|text me|email me) (?:the|your|which|what|when|how)\b", re.I)
_PAYMENT = re.compile(r"\b(?:half|split|share|50/50|pay|paid|send me|transfer|owe|contribute)\b", re.I)
_CHANGE = re.compile(r"\b(?:instead|swap|switch|move|moved|change|changed|rather than|extra (?:night|day)|earlier|later)\b", re.I)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


@dataclass(frozen=True, slots=True)
class Request:
    """The practical question a message asks, as far as a reply needs to know it.

    `shape` is one of: "yes_no" (confirm or decline), "who" (you or me?), "choice" (one of
    two times or dates), "info" (a piece of information is asked for), "payment", "place"
    (where the reader or the child will be: answered only with a handover place).
    """

    shape: str
    topic: str | None
    phrases: tuple[FactPhrase, ...]
    options: tuple[FactPhrase, ...] = ()  # for "choice": the two offered phrases
    change: bool = False  # the message asks to change an existing arrangement


def _request_sentence(text: str) -> str:
    sents = [m.group().strip() for m in _SENTENCE.finditer(text) if m.group().strip()]
    for s in sents:
        if s.endswith("?"):
            return s
    for s in sents:
        if _QUESTION_OR_REQUEST.search(s):
            return s
    return sents[0] if sents else ""


def _without_opener(option: str) -> str:
    """"at 10am on the 2nd" reads as "10am on the 2nd" in "... works for me", if no fact needs the word."""
    bare = re.sub(r"^(?:at|on|by|from)\s+", "", option, flags=re.I)
    return bare if all(f in bare for f in facts(option)) else option


def read_request(text: str, summary: str = "") -> Request:
    """Read what is asked. `text` gives the facts; `summary` (the shielded text), when
    there is one, gives the request and the topic, so that abuse never decides them."""
    practical = summary.strip() or text
    ask = _request_sentence(practical)
    topic = topic_of(ask) or topic_of(practical)
    phrases = tuple(fact_phrases(text))
    change = bool(_CHANGE.search(ask))
    # two phrases joined by "or" inside one phrase of the message: "10am on the 22nd or 2pm on the 24th"
    for p in phrases:
        parts = re.split(r"\s+or\s+", p.text, flags=re.I)
        if len(parts) == 2 and all(facts(part) or _CORE.match(part.strip(" ,")) for part in parts):
            a, b = (_without_opener(part.strip(" ,")) for part in parts)
            options = (
                FactPhrase(a, p.start, p.start + len(parts[0]), tuple(facts(a))),
                FactPhrase(b, p.end - len(parts[1]), p.end, tuple(facts(b))),
            )
            return Request("choice", topic, phrases, options, change)
    if _PLACE.search(practical):
        shape = "place"
    elif _WHO_CHOICE.search(ask):
        shape = "who"
    elif (ask.endswith("?") and _INFO.search(ask)) or _ASKS_FOR.search(ask):
        shape = "info"
    elif _PAYMENT.search(practical) and any(re.search(r"[$£€]|\d\s?(?:dollars|pounds|euros|quid)", p.text) for p in phrases):
        shape = "payment"
    elif _PAYMENT.search(ask) and re.search(r"\b(?:half|split|share|50/50)\b", ask, re.I):
        shape = "payment"
    else:
        shape = "yes_no"
    return Request(shape, topic, phrases, (), change)
