"""Low contact, for co-parents: replies about the children's logistics are not contact.

A parent who shares children cannot go fully no-contact: they must answer about handovers,
school, the children's health, money and court. In low-contact mode (set per case) those
replies do not break the count of days without contact; anything else the reader sends
(a call, a photo, "I miss you", "can we talk") still does.

A reader's message counts as logistics when one of these explainable rules says so:
- its own screening (if it was screened) is labelled logistics and nothing else;
- it names a practical topic: the reply drafts' topic list (`reply._facts.topic_of`: pick-up,
  the handover, school, the appointment, the hearing, the consent order, the bill…) or the
  few words added here for children, money and court (child support, fees, lawyer…);
- it is a bare acknowledgement ("ok", "yes", "noted", "thanks") within two days of a message
  from the other person that is itself logistics.
And never when it holds words about the relationship itself ("miss you", "love you",
"come back", "about us"): a message that mixes a pick-up time with "I miss you" is contact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import timedelta

from greyrock.errors import InputError
from greyrock.model import Direction, Kind
from greyrock.reply._facts import topic_of
from greyrock.vault import Case, StoredMessage

__all__ = ["CONTACT_MODES", "contact_mode", "is_logistics", "logistics_replies", "set_contact_mode"]

CONTACT_MODES = ("no-contact", "low-contact")
_SETTING = "contact_mode"
_ACK_WINDOW = timedelta(days=2)

# Topics from the reply list that are social, not practical: "dinner with me tonight?".
_SOCIAL_TOPICS = frozenset({"the dinner", "the lunch"})
_PRACTICAL = re.compile(
    r"\b(?:kids?|child(?:ren)?|son|daughter|baby|toddler|child support|maintenance|alimony|payments?|paid|pay"
    r"|transfer(?:red)?|fees?|nursery|daycare|childcare|nanny|babysitter|school|teacher|homework|report card"
    r"|lawyer|solicitor|attorney|court|judge|(?:court|protective|restraining|consent) order|mediat(?:ion|or)|custody|visitation|contact cent(?:re|er)"
    r"|schedule|rota|calendar|sick|ill|fever|temperature|medicine|allergy|inhaler|nap|bedtime)\b",
    re.I,
)
_PERSONAL = re.compile(
    r"\b(?:miss(?:ing)? (?:you|us)|love you|loved you|i love|in love|forgive me|come back|get back together"
    r"|try again|another chance|about us|need you|want you|hugs?|kiss(?:es)?|lonely)\b",
    re.I,
)
_ACK = re.compile(
    r"^\s*(?:ok(?:ay)?|k|yes|yep|no|fine|noted|received|got it|thanks|thank you|confirmed|will do|sure"
    r"|see you then)[\s.!]*$",
    re.I,
)


def _practical_text(text: str) -> bool:
    if not text.strip() or _PERSONAL.search(text):
        return False
    topic = topic_of(text)
    return (topic is not None and topic not in _SOCIAL_TOPICS) or bool(_PRACTICAL.search(text))


def _labelled_logistics(s: StoredMessage) -> bool:
    labels = set((s.finding or {}).get("labels") or [])
    return labels == {"logistics"}


def is_logistics(s: StoredMessage, previous_incoming: StoredMessage | None = None) -> bool:
    """Whether the reader's message `s` is about logistics only (rules in the module docstring).

    `previous_incoming` is the other person's latest message before it, for acknowledgements.
    """
    m = s.message
    if m.kind is not Kind.MESSAGE or _PERSONAL.search(m.body or ""):
        return False
    if _labelled_logistics(s) or _practical_text(m.body or ""):
        return True
    if previous_incoming is None or not _ACK.match(m.body or ""):
        return False
    p = previous_incoming.message
    if m.timestamp is None or p.timestamp is None or not timedelta(0) <= m.timestamp - p.timestamp <= _ACK_WINDOW:
        return False
    return _labelled_logistics(previous_incoming) or (
        "logistics" in ((previous_incoming.finding or {}).get("labels") or []) or _practical_text(p.body or ""))


def logistics_replies(messages: Iterable[StoredMessage]) -> Iterator[StoredMessage]:
    """The reader's messages (oldest first) that are about logistics only."""
    previous: StoredMessage | None = None
    for s in messages:
        if s.message.direction is Direction.IN:
            previous = s
        elif s.message.direction is Direction.OUT and is_logistics(s, previous):
            yield s


def contact_mode(case: Case) -> str:
    """The case's mode: "no-contact" (the default) or "low-contact"."""
    for rec in reversed(case.records("setting")):
        if _SETTING in rec:
            return str(rec[_SETTING])
    return CONTACT_MODES[0]


def set_contact_mode(case: Case, mode: str) -> None:
    """Record the mode; a later record wins, so changing it back is a new record."""
    if mode not in CONTACT_MODES:
        raise InputError(f"--mode: {mode!r} is not a mode.", f"Modes: {', '.join(CONTACT_MODES)}.")
    with case.transaction():
        case.add_record("setting", {_SETTING: mode})
