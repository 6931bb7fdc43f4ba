"""The shielded view: what the reader needs to see, without reading the abuse.

Every message from the other person becomes one line of three kinds:
- danger: a threat or danger phrase, shown with its words (never hidden);
- action: the practical summary (times, dates, amounts, requests), and whether it needs
  a reply, with the abuse around it left out and only named ("also contained: insult");
- hidden: nothing practical and no danger: only the tactic's name, the words held back
  until the reader asks for them.
Plain messages are shown as they are. The reader decides what to open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from greyrock.model import Direction, Kind
from greyrock.screen._text import sentences
from greyrock.vault import StoredMessage

__all__ = ["ShieldItem", "shield"]

_ABUSE = ("threat", "coercion", "verbal_abuse", "manipulation", "hoovering")
_NAMES = {
    "threat": "threat",
    "coercion": "coercion",
    "verbal_abuse": "verbal abuse",
    "manipulation": "manipulation",
    "hoovering": "hoovering (pulling you back into contact)",
}


@dataclass(frozen=True, slots=True)
class ShieldItem:
    message_id: int
    timestamp: str | None
    channel: str
    kind: Literal["danger", "action", "hidden", "plain"]
    text: str  # what is shown: danger words, the summary, or the message itself when plain
    needs_reply: bool
    held_back: tuple[str, ...]  # names of what was left out ("verbal abuse: name calling")


def _held_back(labels: Iterable[str], tactics: Iterable[str]) -> tuple[str, ...]:
    tactics = list(tactics)
    out = []
    for label in labels:
        if label in _ABUSE and label != "threat":
            out.append(_NAMES[label])
    if tactics:
        out.append("tactics: " + ", ".join(tactics))
    return tuple(out)


def shield(messages: Iterable[StoredMessage]) -> list[ShieldItem]:
    """The shielded view of the other person's messages, oldest first."""
    items = []
    for stored in messages:
        m, f = stored.message, stored.finding
        if m.direction is Direction.OUT or m.kind is not Kind.MESSAGE:
            continue
        ts = m.timestamp.isoformat() if m.timestamp else None
        if f is None:
            items.append(ShieldItem(stored.id, ts, str(m.channel), "plain", m.body, False, ()))
            continue
        labels = f.get("labels", [])
        danger = f.get("danger", [])
        held = _held_back(labels, f.get("tactics", []))
        if danger or "threat" in labels:
            # The whole sentence around each danger: "Shame if anything happened to it" must
            # not be cut to the words the rule matched.
            marks = [(d["start"], d["end"]) for d in danger]
            marks += [(s["start"], s["end"]) for s in f.get("spans", []) if s["label"] == "threat"]
            around = [(a, b) for a, b in sentences(m.body) if any(a < e and s < b for s, e in marks)]
            text = " … ".join(m.body[a:b] for a, b in around) or m.body
            items.append(ShieldItem(stored.id, ts, str(m.channel), "danger", text, bool(f.get("needs_reply")), held))
            if f.get("summary"):
                items.append(ShieldItem(stored.id, ts, str(m.channel), "action", f["summary"], bool(f.get("needs_reply")), held))
        elif f.get("summary"):
            items.append(ShieldItem(stored.id, ts, str(m.channel), "action", f["summary"], bool(f.get("needs_reply")), held))
        elif set(labels) & set(_ABUSE):
            items.append(ShieldItem(stored.id, ts, str(m.channel), "hidden", "", False, held))
        else:
            items.append(ShieldItem(stored.id, ts, str(m.channel), "plain", m.body, False, ()))
    return items
