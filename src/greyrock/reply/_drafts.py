"""Reply drafts for one message, and the advice whether to reply at all.

When contact cannot be avoided, what works is brief, factual and firm, with nothing to
react to. The drafts are built from fixed templates: a neutral topic ("pick-up"), the
message's own times, dates and amounts, and a few set phrases ("Confirmed:", "That
doesn't work for me:"), with square-bracket gaps where only the reader can decide
("[day, time]"). No other word of the message is ever copied, so no insult, hook or guess
at the reader's life can come through, and each draft is tone-checked before it is shown.

Messages that need no reply (abuse, pressure, hoovering with nothing practical, or plain
messages) get the advice not to reply and why, naming the tactic when screening named it.
The tool suggests; the reader decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from greyrock.model import Finding
from greyrock.screen._vocab import TACTIC_LABEL

from ._facts import FactPhrase, Request, read_request, topic_of
from ._risks import SafetyNote, find_risks, lure_parts
from ._tone import find_flags

__all__ = ["Advice", "Draft", "advise", "build_drafts"]

_ABUSE_ORDER = ("threat", "coercion", "hoovering", "manipulation", "verbal_abuse")
_ABUSE = frozenset(_ABUSE_ORDER)
# greyrock.screen.Screener.screen, or anything shaped like it.
Screen = Callable[[list[str]], list[Finding]]
_OPENING_WORDS = {"by", "on", "at", "from", "between", "before", "after", "until", "till", "around", "this", "next",
                  "tomorrow", "tonight", "today"}
# The set phrases. They were chosen to read as flat and final to a person and, measured on
# the dev set's requests, to stay clear of every abuse label of greyrock's own classifier.
_DECLINE = "Not possible for me:"
_SUGGEST = "Suggested instead: [day, time]."
_DAY_START = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Draft:
    """One suggested reply. `kind`: confirm, decline, alternative or answer."""

    kind: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


@dataclass(frozen=True, slots=True)
class Advice:
    """Whether to reply, why, and the drafts when a reply is needed."""

    advice: str  # "reply" | "no_reply"
    why: str
    drafts: tuple[Draft, ...]
    summary: str
    labels: tuple[str, ...]
    tactics: tuple[str, ...] = ()
    # What a reply could cost the reader (lure, whereabouts, consent, suicide, threat),
    # gravest first; shown before the advice.
    safety: tuple[SafetyNote, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The shape of `greyrock reply --text ... --json` (cli.md), with extra fields."""
        return {
            "advice": self.advice,
            "why": self.why,
            "drafts": [d.text for d in self.drafts],
            "draft_kinds": [d.kind for d in self.drafts],
            "summary": self.summary,
            "labels": list(self.labels),
            "tactics": list(self.tactics),
            "safety": [n.to_dict() for n in self.safety],
        }


# -- building the drafts -------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _joins_with_space(phrase: str) -> bool:
    first = phrase.split(" ", 1)[0].lower()
    return first in _OPENING_WORDS or first.startswith(_DAY_START)


def _item(topic: str | None, phrases: tuple[FactPhrase, ...] | list[FactPhrase]) -> str:
    """"pick-up Saturday 5 pm", "the school trip, $40, by Friday", or just the facts."""
    texts = [p.text for p in phrases]
    if not topic:
        return ", ".join(texts)
    if not texts:
        return topic
    sep = " " if _joins_with_space(texts[0]) else ", "
    return topic + sep + ", ".join(texts)


def _yes_no(req: Request, item: str) -> list[Draft]:
    if not item:
        return [
            Draft("confirm", "Confirmed."),
            Draft("decline", "Not possible for me."),
            Draft("alternative", f"Not possible for me. {_SUGGEST}"),
        ]
    decline = f"{_DECLINE} {item}."
    if req.change:
        decline += " The current arrangement stands."
    return [
        Draft("confirm", f"Confirmed: {item}."),
        Draft("decline", decline),
        Draft("alternative", f"{_DECLINE} {item}. {_SUGGEST}"),
    ]


def _payment(req: Request, item: str, text: str) -> list[Draft]:
    half = any(w in text.lower() for w in ("half", "split", "share", "50/50"))
    owed = f"my half of {item}" if half and req.topic else (f"my half, {item}" if half else item)
    if not owed:
        owed = "my half" if half else "it"
    return [
        Draft("confirm", f"Confirmed: I'll pay {owed}."),
        Draft("decline", f"{_DECLINE} {item or 'this payment'}."),
        Draft("alternative", f"{_DECLINE} {item or 'this payment'}. I can pay [amount] by [date]."),
    ]


def _who(item: str) -> list[Draft]:
    if not item:
        return [Draft("confirm", "Confirmed: I'll do it."), Draft("decline", "Please go ahead."),
                Draft("alternative", f"Not possible for me. {_SUGGEST}")]
    return [
        Draft("confirm", f"Confirmed: I'll do it, {item}."),
        Draft("decline", f"{_cap(item)}: please go ahead."),
        Draft("alternative", f"{_DECLINE} {item}. {_SUGGEST}"),
    ]


def _choice(req: Request) -> list[Draft]:
    a, b = req.options
    others = [p for p in req.phrases if p.text != f"{a.text} or {b.text}" and not (p.start <= a.start and b.end <= p.end)]
    lead = _cap(_item(req.topic, others)) if (req.topic or others) else ""
    head = f"{lead}: " if lead else ""
    return [
        Draft("confirm", f"{head}{a.text} works for me, not {b.text}."),
        Draft("confirm", f"{head}{b.text} works for me, not {a.text}."),
        Draft("alternative", f"{head}neither {a.text} nor {b.text} works for me. {_SUGGEST}"),
    ]


def _info(item: str) -> list[Draft]:
    if not item:
        return [Draft("answer", "Details: [your answer]."), Draft("answer", "I'll reply by [day].")]
    return [Draft("answer", f"{_cap(item)}: [details]."), Draft("answer", f"I'll reply about {item} by [day].")]


def _place(item: str) -> list[Draft]:
    # Only ever a handover place: never where the reader or the child stays.
    thing = item if item and not _joins_with_space(item) and not item.startswith(("by ", "on ", "at ")) else \
        f"the handover {item}".strip()
    return [
        Draft("confirm", f"Handover place for {thing}: [the usual handover place]."),
        Draft("answer", f"I'll confirm the handover place for {thing} by [day]."),
        Draft("alternative", f"{_DECLINE} {thing}. {_SUGGEST}"),
    ]


def build_drafts(text: str, summary: str = "", screen: Screen | None = None) -> list[Draft]:
    """Two or three drafts for a message that needs a reply; the first carries every fact.

    `text` is the message as received (its facts are kept exactly); `summary` is the
    shielded text from screening, which decides the request and the topic when present.
    With `screen` (greyrock's classifier), a draft that it would itself read as abuse is
    never offered: the reader's words must give nothing to hold against them.
    """
    drafts = _templates(text, summary)
    if screen is None:
        return drafts
    # Plainer wordings of the first draft, carrying the same facts, for when others fall away.
    first = drafts[0].text
    spare = [Draft("acknowledge", first.replace(word, plain, 1))
             for word, plain in (("Confirmed:", "Noted:"), ("Confirmed:", "Received:")) if word in first]
    candidates = drafts + spare
    verdicts = screen([d.text for d in candidates])
    clean = [d for d, f in zip(candidates, verdicts) if not set(f.labels) & _ABUSE]
    return clean[:3] if len(clean) >= 2 or not spare else clean


def _templates(text: str, summary: str) -> list[Draft]:
    req = read_request(text, summary)
    item = _item(req.topic, req.phrases)
    if req.shape == "choice":
        drafts = _choice(req)
    elif req.shape == "place":
        drafts = _place(item)
    elif req.shape == "who":
        drafts = _who(item)
    elif req.shape == "info":
        drafts = _info(item)
    elif req.shape == "payment":
        drafts = _payment(req, item, summary or text)
    else:
        drafts = _yes_no(req, item)
    # A template should never raise a flag; if one ever does, it is not offered.
    return [d for d in drafts if not find_flags(d.text)]


# -- the advice ----------------------------------------------------------------------------


def _as_dict(finding: Finding | Mapping[str, Any]) -> dict[str, Any]:
    return finding.to_dict() if isinstance(finding, Finding) else dict(finding)


def _tactics(tactics: list[str], label: str) -> str:
    names = [t for t in tactics if TACTIC_LABEL.get(t) == label]
    return f" ({', '.join(names)})" if names else ""


_NO_REPLY: dict[str, str] = {
    "threat": "It threatens you{t}. Don't answer it: a reply can escalate things. Keep it as evidence, and if you "
              "feel unsafe, contact the police or see 'greyrock help-now'.",
    "coercion": "It pressures you with a penalty{t}. There is no practical question in it to answer, and a reply "
                "invites more pressure. If it concerns the children, money or court, pass it to your solicitor "
                "or mediator.",
    "hoovering": "It tries to pull you back into contact{t}. Any reply, even a no, tells them that it works.",
    "manipulation": "It tries to make you doubt yourself or feel guilty{t}. Answering invites an argument you "
                    "don't need to have.",
    "verbal_abuse": "It insults you{t} to get a reaction. There is nothing practical in it to answer.",
}
_ALSO: dict[str, str] = {
    "threat": "it also threatens you{t}: keep it as evidence, and if you feel unsafe, see 'greyrock help-now'",
    "coercion": "leave the pressure{t} unanswered",
    "hoovering": "leave the attempts to draw you in{t} unanswered",
    "manipulation": "leave the guilt and blame{t} unanswered",
    "verbal_abuse": "leave the insults{t} unanswered: they are there to get a reaction",
}


def _why_reply(req_topic: str | None, labels: list[str], tactics: list[str], danger: bool) -> str:
    about = f"about {req_topic}" if req_topic else "a practical question"
    why = f"It asks {about}: answer only that, briefly, in writing."
    notes = [_ALSO[label].format(t=_tactics(tactics, label)) for label in _ABUSE_ORDER if label in labels]
    if danger and "threat" not in labels:
        notes.insert(0, _ALSO["threat"].format(t=""))
    if notes:
        why += " " + _cap("; ".join(notes)) + "."
    return why


def _why_no_reply(summary: str, labels: list[str], tactics: list[str], danger: bool) -> str:
    abuse = [label for label in _ABUSE_ORDER if label in labels]
    if danger and "threat" not in abuse:
        abuse.insert(0, "threat")
    if abuse:
        why = _NO_REPLY[abuse[0]].format(t=_tactics(tactics, abuse[0]))
        more = [f"{label.replace('_', ' ')}{_tactics(tactics, label)}" for label in abuse[1:]]
        if more:
            why += f" It also carries {', '.join(more)}."
        if "logistics" in labels and summary:
            why += " The practical part asks nothing of you."
        return why
    if "logistics" in labels:
        topic = topic_of(summary)
        about = f" about {topic}" if topic else ""
        return (f"It tells you something{about} but asks nothing of you; no reply is needed. "
                "If an acknowledgement is expected, 'Noted.' is enough.")
    return "Nothing in it asks about the children, money, property or court; no reply is needed."


# The only drafts offered when a reply could walk the reader into a meeting, give away
# where they are, or be read as agreement: each one refuses, redirects or defers.
_LURE_DRAFTS: dict[str, Draft] = {
    "invite": Draft("decline", "I won't be coming."),
    "meet": Draft("decline", "I won't meet in person. Please arrange it through [a third party or my lawyer]."),
    "things": Draft("alternative", "Please send [the items] by courier or post to [an address you choose, e.g. your "
                                   "lawyer's office]."),
    "handover": Draft("alternative", "Handover only at [a public place, or the supervised handover centre] as arranged."),
}
_GUARDED_DRAFTS: dict[str, tuple[Draft, ...]] = {
    "lure": (),  # chosen by what the lure is about: _lure_drafts
    "whereabouts": (
        Draft("decline", "I won't be sharing that."),
        Draft("alternative", "Please send anything that needs my details to [my lawyer]."),
    ),
    "consent": (Draft("answer", "I will reply after I have taken advice."),),
}
_GUARDED = tuple(_GUARDED_DRAFTS)  # gravest first


def _lure_drafts(text: str) -> tuple[Draft, ...]:
    """A plain no to an invitation; to a meeting about things or the children, the safer ways."""
    parts = lure_parts(text)
    if not parts & {"things", "handover"}:
        return (_LURE_DRAFTS["invite"],)
    return (_LURE_DRAFTS["meet"], *(_LURE_DRAFTS[p] for p in ("things", "handover") if p in parts))


def _whereabouts_drafts(text: str, summary: str) -> tuple[Draft, ...]:
    """A no to the question; when it comes with a handover, the handover stays where it is
    (no time is confirmed: agreeing to a change is the reader's separate decision)."""
    decline, lawyer = _GUARDED_DRAFTS["whereabouts"]
    req = read_request(text, summary)
    if req.topic is None or not any(w in req.topic for w in ("pick", "drop", "handover", "collect")):
        return decline, lawyer
    return decline, Draft("answer", "I won't be sharing that. Handovers stay at [the usual handover place]."), lawyer


def _guarded(text: str, notes: list[SafetyNote], labels: list[str], tactics: list[str], summary: str) -> Advice:
    kinds = [n.kind for n in notes]
    if "suicide" in kinds:  # no drafts: the reader's move, if any, is a call for help
        why = next(n.why for n in notes if n.kind == "suicide")
        return Advice("no_reply", why, (), summary, tuple(labels), tuple(tactics), tuple(notes))
    per_kind = {kind: _lure_drafts(text) if kind == "lure" else _GUARDED_DRAFTS[kind] for kind in _GUARDED}
    if "whereabouts" in kinds and "lure" not in kinds:
        per_kind["whereabouts"] = _whereabouts_drafts(text, summary)
    drafts = tuple(dict.fromkeys(d for kind in _GUARDED if kind in kinds for d in per_kind[kind]))[:3]
    # The safety notes, shown first, say why and who can help; the advice only says what to do,
    # so that a reader on a bad night does not read the same warning twice, or "reply" and
    # "don't answer a threat" side by side.
    if "threat" in kinds:
        return Advice("no_reply", "Leave a threat unanswered and keep the message. If something practical in it "
                      "must be answered, use only a draft below: each one refuses or defers.", drafts, summary,
                      tuple(labels), tuple(tactics), tuple(notes))
    return Advice("reply", "You don't have to reply. If you do, use only a draft below: each one refuses, redirects "
                  "or defers, for the reasons above.", drafts, summary, tuple(labels), tuple(tactics), tuple(notes))


def advise(text: str, finding: Finding | Mapping[str, Any], screen: Screen | None = None,
           country: str | None = None) -> Advice:
    """Reply or not, why, and drafts, from a message and its screening (Finding or stored dict).

    A message that lures, asks where the reader is, asks for their consent or talks of
    suicide never gets a draft that agrees, confirms or tells: see greyrock.reply._risks.
    `country` picks the numbers in the safety notes (default: the reader's region).
    """
    f = _as_dict(finding)
    labels = list(f.get("labels") or [])
    tactics = list(f.get("tactics") or [])
    summary = f.get("summary") or ""
    danger = bool(f.get("danger"))
    notes = find_risks(text, f, country)
    if any(n.kind == "suicide" or n.kind in _GUARDED for n in notes):
        return _guarded(text, notes, labels, tactics, summary)
    safety = tuple(notes)
    if f.get("needs_reply"):
        req = read_request(text, summary)
        drafts = tuple(build_drafts(text, summary, screen))
        why = _why_reply(req.topic, labels, tactics, danger)
        return Advice("reply", why, drafts, summary, tuple(labels), tuple(tactics), safety)
    why = _why_no_reply(summary, labels, tactics, danger)
    return Advice("no_reply", why, (), summary, tuple(labels), tuple(tactics), safety)
