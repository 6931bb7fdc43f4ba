"""The shielded view: what the reader needs to see, without reading the abuse.

Every message from the other person becomes one line of these kinds:
- danger: a threat or danger phrase, shown with its words (never hidden);
- check: not called a threat, but close to it (its threat score lies between the model's
  watch line and its threshold, or it is a bare arrival such as "im on my way" that only
  the model calls one): shown whole, for the reader to judge, never held back;
- action: the practical summary (times, dates, amounts, requests), and whether it needs
  a reply, with the abuse around it left out and only named ("also contained: insult");
- hidden: nothing practical and no danger: only the tactic's name, the words held back
  until the reader asks for them.
Plain messages are shown as they are. The reader decides what to open.

The shield shows the messages the reader received from the other person and from every
address with no role yet (`greyrock case people`): a threat from a new number must not be
hidden because the case does not know it yet. It never shows the messages of people with
the role `third` (a sister, a lawyer, a bank) nor the reader's own. `account` says what
the lines stand for: how many records the case holds, how many are shown, how many of those
come from addresses with no role yet, how many are someone else's, and how many records
greyrock could not read (never shown here; `greyrock case messages CASE --kind unparsed`
lists them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from greyrock._clock import Clock
from greyrock.accounting import listing_command
from greyrock.model import Direction, Kind, Message
from greyrock.people import Party, Roles, attributed
from greyrock.reply._risks import guarded_kinds
from greyrock.screen._text import sentences
from greyrock.vault import StoredMessage

__all__ = ["CAUTIONS", "MAY_MISS", "ShieldCounts", "ShieldItem", "account", "shield"]

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
    kind: Literal["danger", "check", "action", "hidden", "plain"]
    text: str  # what is shown: danger words, the summary, or the message itself when plain
    needs_reply: bool
    held_back: tuple[str, ...]  # names of what was left out ("verbal abuse: name calling")
    signs: tuple[str, ...] = ()  # the danger signs of a danger line (suicide_threat, threat_to_kill, ...)
    unassigned: bool = False  # from an address with no role yet: it may be the other person, or not
    # What the message asks that a reply must not grant (lure, whereabouts, consent): the
    # summary of "Pick-up at my mum's. Come on your own." keeps the pick-up, not the lure.
    cautions: tuple[str, ...] = ()


# How a caution reads beside a line (the CLI and the web page say the same).
CAUTIONS: dict[str, str] = {
    "lure": "asks you to meet or come to them: not alone, and not on their terms",
    "whereabouts": "asks where you are, stay or go: you don't have to say",
    "consent": "asks you to agree or sign: take advice first",
}


# Under the held-back lines (the CLI and the web page say the same). A hidden line is the
# screen's judgement that nothing there is dangerous, and on real messages quoted in court
# records the screen shows about half of the threats (training/MODEL_CARD.md): the reader
# must not take "held back" for "safe".
MAY_MISS = ("The screen can miss a threat, most often a veiled one: a held-back message may still matter. "
            "Read it when you choose, or with someone you trust.")


def _shown(m: Message, party: Party) -> bool:
    """Whether the shield has a line for a message: a message received from the other
    person or from an address with no role yet (`m` carries the direction roles give)."""
    return m.direction is not Direction.OUT and m.kind is Kind.MESSAGE and party.role in ("other", None)


@dataclass(frozen=True, slots=True)
class ShieldCounts:
    """Every record the shield looked at, once: shown, or not shown for one stated reason.

    `unassigned` is part of `shown`: messages from addresses with no role yet (or whose
    export does not say who sent them), which the report leaves out. `third` counts the
    messages of people with the role `third`, never shown here.
    """

    held: int
    shown: int
    unassigned: int
    own: int  # the reader's own messages and calls
    other_kinds: int  # received calls, photos, deleted messages, system notices
    third: int
    unparsed: tuple[tuple[str, str], ...]  # (file, locator) of each record greyrock could not read
    listing: str  # the command that lists the unparsed records

    def to_dict(self) -> dict[str, Any]:
        return {"held": self.held, "shown": self.shown, "unassigned": self.unassigned, "own": self.own,
                "other_kinds": self.other_kinds, "third": self.third, "unparsed": len(self.unparsed),
                "unparsed_records": [{"file": f, "locator": loc} for f, loc in self.unparsed],
                "unparsed_listing": self.listing}


def account(messages: Iterable[StoredMessage], roles: Roles, case_file: str) -> ShieldCounts:
    """The counts behind a shielded view of `messages` (the same messages `shield` was given)."""
    held = shown = unassigned = own = other_kinds = third = 0
    unparsed: list[tuple[str, str]] = []
    for stored in attributed(messages, roles):
        m = stored.message
        party = Party.of(m, roles)
        held += 1
        if m.kind is Kind.UNPARSED:
            unparsed.append((m.source.file, m.source.locator))
        elif _shown(m, party):
            shown += 1
            unassigned += party.role is None
        elif m.direction is Direction.OUT:
            own += 1
        elif party.role == "third":
            third += 1
        else:
            other_kinds += 1
    return ShieldCounts(held, shown, unassigned, own, other_kinds, third, tuple(unparsed), listing_command(case_file))


def _held_back(labels: Iterable[str], tactics: Iterable[str]) -> tuple[str, ...]:
    tactics = list(tactics)
    out = []
    for label in labels:
        if label in _ABUSE and label != "threat":
            out.append(_NAMES[label])
    if tactics:
        out.append("tactics: " + ", ".join(tactics))
    return tuple(out)


def shield(messages: Iterable[StoredMessage], roles: Roles | None = None, clock: Clock | None = None) -> list[ShieldItem]:
    """The shielded view of the other person's messages (and of those from addresses with
    no role yet, marked `unassigned` once the case names the other person), oldest first,
    timed on `clock` (the case's; without one, times stay as the export recorded them)."""
    roles = roles if roles is not None else Roles.none()
    items = []
    unassigned: set[int] = set()
    for stored in attributed(messages, roles):
        m, f = stored.message, stored.finding
        party = Party.of(m, roles)
        if not _shown(m, party):
            continue
        if party.role is None and roles.has_other:
            unassigned.add(stored.id)
        ts = clock.iso(m.timestamp) if clock else m.timestamp.isoformat() if m.timestamp else None
        if f is None:
            items.append(ShieldItem(stored.id, ts, str(m.channel), "plain", m.body, False, ()))
            continue
        labels = f.get("labels", [])
        danger = f.get("danger", [])
        held = _held_back(labels, f.get("tactics", []))
        shown = danger or "threat" in labels or f.get("check") or f.get("summary")
        cautions = guarded_kinds(m.body) if shown else ()
        if danger or "threat" in labels:
            # The whole sentence around each danger: "Shame if anything happened to it" must
            # not be cut to the words the rule matched.
            marks = [(d["start"], d["end"]) for d in danger]
            marks += [(s["start"], s["end"]) for s in f.get("spans", []) if s["label"] == "threat"]
            around = [(a, b) for a, b in sentences(m.body) if any(a < e and s < b for s, e in marks)]
            text = " … ".join(m.body[a:b] for a, b in around) or m.body
            signs = tuple(dict.fromkeys(d["sign"] for d in danger))
            items.append(ShieldItem(stored.id, ts, str(m.channel), "danger", text, bool(f.get("needs_reply")), held,
                                    signs, cautions=cautions))
            if f.get("summary"):
                items.append(ShieldItem(stored.id, ts, str(m.channel), "action", f["summary"], bool(f.get("needs_reply")),
                                        held, cautions=cautions))
        elif f.get("check"):
            items.append(ShieldItem(stored.id, ts, str(m.channel), "check", m.body, bool(f.get("needs_reply")), held,
                                    cautions=cautions))
        elif f.get("summary"):
            items.append(ShieldItem(stored.id, ts, str(m.channel), "action", f["summary"], bool(f.get("needs_reply")),
                                    held, cautions=cautions))
        elif set(labels) & set(_ABUSE):
            items.append(ShieldItem(stored.id, ts, str(m.channel), "hidden", "", False, held))
        else:
            items.append(ShieldItem(stored.id, ts, str(m.channel), "plain", m.body, False, ()))
    return [replace(i, unassigned=True) if i.message_id in unassigned else i for i in items]
