"""Danger signs that a case's messages suggest, each with the messages as evidence.

Sources, all already in the case, read from the messages the reader did not send (only the
other person's, when the case names their aliases):
- the screening's danger flags (high-precision phrases: a threat to kill, a weapon,
  strangulation, suicide as leverage, stalking), mapped to the sign ids;
- threatening messages that mention a gun (a gun within reach is its own sign);
- escalation: the other person's contact attempts rising week on week after the
  separation date the reader recorded.

The tool suggests; the reader decides. Nothing here is marked for the reader: a
suggestion becomes a sign only when they confirm it (`confirm`), and a dismissed one stays
dismissed until they change their mind. Both are chained records of kind "risk_answer",
so the report can show what the reader confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from greyrock._clock import Clock
from greyrock.agreed import agreed_contact
from greyrock.errors import InputError
from greyrock.settings import case_clock
from greyrock.vault import Case, StoredMessage

from ._activity import WeekCount, attempts, not_from_reader, other_person, weekly_counts
from ._assess import Answers
from ._settings import separation_date
from ._signs import SIGN_IDS, check_sign

__all__ = [
    "ESCALATION_WEEKS",
    "Evidence",
    "Suggestion",
    "checklist_answers",
    "confirm_sign",
    "confirmed_signs",
    "dismiss_sign",
    "record_answers",
    "record_checklist",
    "sign_answers",
    "suggest_signs",
]

# Danger-flag sign (screen/_rules.py) -> danger-sign id. Flags with no sign on the validated
# screens (goading to self-harm, threats to property, excusing past violence) stay visible in
# the message's screening but are not offered as a screen item.
_FLAG_TO_SIGN: dict[str, str] = {
    "threat_to_kill": "threat_to_kill",
    "weapon": "weapon",
    "strangulation": "strangulation",
    "suicide_threat": "suicide_threat",
    "stalking": "stalking",
    # The Lethality Screen asks about following, spying AND leaving threatening messages.
    "intimidation": "stalking",
    "property": "stalking",
    "near_after_threat": "stalking",  # "I'm outside" hours after a threat (screen/_context.py)
}

_WHY: dict[str, str] = {
    "threat_to_kill": "a message threatens to kill you",
    "weapon": "a message mentions a weapon in a threatening way",
    "strangulation": "a message mentions choking or strangling",
    "suicide_threat": "a message threatens suicide, which can also be used to pull you back",
    "stalking": "a message shows you are being followed, watched or tracked, or threatens you",
    "gun_access": "a threatening message mentions a gun",
}

_GUN = re.compile(r"\b(?:guns?|gun ?safe|firearms?|rifles?|shotguns?|pistols?|handguns?|revolvers?|glocks?|"
                  r"ammo|ammunition|bullets?)\b", re.I)

# Weeks in a row, each with more attempts than the one before, that count as rising (the
# first of them with at least one attempt).
ESCALATION_WEEKS = 3


@dataclass(frozen=True, slots=True)
class Evidence:
    """A message that shows the sign, and the words in it that do."""

    id: int
    timestamp: str | None
    channel: str
    text: str
    words: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "timestamp": self.timestamp, "channel": self.channel, "text": self.text}
        if self.words:
            out["words"] = self.words
        return out


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A sign the messages suggest, its reason, its evidence, and the reader's answer so far.

    `status` is "open" until the reader confirms ("confirmed") or dismisses ("dismissed") it.
    """

    sign: str
    why: str
    messages: tuple[Evidence, ...]
    status: str = "open"
    weeks: tuple[WeekCount, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `greyrock risk suggest --json` (cli.md), plus id, status, weeks."""
        out: dict[str, Any] = {"sign": self.sign, "why": self.why,
                               "messages": [e.to_dict() for e in self.messages], "status": self.status}
        if self.weeks:
            out["weeks"] = [w.to_dict() for w in self.weeks]
        return out


def _evidence(s: StoredMessage, clock: Clock, words: str = "") -> Evidence:
    m = s.message
    return Evidence(s.id, clock.iso(m.timestamp), str(m.channel), m.body, words)


def _rising_run(weeks: list[WeekCount]) -> list[WeekCount]:
    """The latest run of at least ESCALATION_WEEKS weeks, each with more attempts than the last.

    A run starts at a week with at least one attempt: 0, 1, 2 is a trickle, not a rise.
    """
    best: list[WeekCount] = []
    run: list[WeekCount] = []
    for w in weeks:
        if run and w.total > run[-1].total:
            run.append(w)
        else:
            run = [w] if w.total > 0 else []
        if len(run) >= ESCALATION_WEEKS:
            best = list(run)
    return best


def _escalation(case: Case, messages: list[StoredMessage], clock: Clock) -> Suggestion | None:
    start = separation_date(case)
    if start is None:
        return None
    theirs = [a for a in attempts(messages, other_person(case), clock, agreed_contact(case)) if a.day >= start]
    if not theirs:
        return None
    weeks = weekly_counts(theirs, start, max(a.day for a in theirs))
    run = _rising_run(weeks)
    if not run:
        return None
    counts = ", ".join(str(w.total) for w in run)
    why = (f"after you separated on {start.isoformat()}, their messages and calls rose {len(run)} weeks in a row "
           f"({counts} a week, {run[0].week} to {run[-1].week})")
    first, last = run[0].monday, run[-1].monday
    evidence = tuple(_evidence(a.stored, clock) for a in theirs
                     if first <= a.day and (a.day - last).days < 7)
    return Suggestion("escalation", why, evidence, weeks=tuple(run))


def sign_answers(case: Case) -> dict[str, str]:
    """sign id -> the reader's latest answer ("confirmed" or "dismissed"); unanswered signs absent."""
    out: dict[str, str] = {}
    for rec in case.records("risk_answer"):
        if rec.get("sign") in SIGN_IDS and rec.get("answer") in ("confirmed", "dismissed"):
            out[rec["sign"]] = rec["answer"]
    return out


def confirmed_signs(case: Case) -> list[str]:
    """The signs the reader has confirmed (and not dismissed since), in the screens' order."""
    answers = sign_answers(case)
    return [s for s in SIGN_IDS if answers.get(s) == "confirmed"]


def suggest_signs(case: Case) -> list[Suggestion]:
    """Every sign the case's messages suggest, in the screens' order, with its evidence."""
    clock = case_clock(case)[0]
    messages = list(case.messages(clock=clock))
    found: dict[str, list[Evidence]] = {}
    for s in not_from_reader(messages, other_person(case)):
        f = s.finding or {}
        seen_here: set[str] = set()
        for flag in f.get("danger") or []:
            sign = _FLAG_TO_SIGN.get(flag.get("sign", ""))
            if sign and sign not in seen_here:
                seen_here.add(sign)
                found.setdefault(sign, []).append(_evidence(s, clock, flag.get("text", "")))
        if "threat" in (f.get("labels") or []) or f.get("danger"):
            gun = _GUN.search(s.message.body)
            if gun:
                found.setdefault("gun_access", []).append(_evidence(s, clock, gun.group()))
    answers = sign_answers(case)
    out = [Suggestion(sign, _WHY[sign], tuple(ev), answers.get(sign, "open")) for sign, ev in found.items()]
    escalation = _escalation(case, messages, clock)
    if escalation is not None:
        out.append(Suggestion(escalation.sign, escalation.why, escalation.messages,
                              answers.get("escalation", "open"), escalation.weeks))
    out.sort(key=lambda g: SIGN_IDS.index(g.sign))
    return out


def record_answers(case: Case, answers: dict[str, str], source: str, where: str = "sign",
                   message_ids: dict[str, list[int]] | None = None) -> None:
    """Store the reader's answers (sign -> "confirmed" | "dismissed") in one transaction."""
    for sign, answer in answers.items():
        check_sign(sign, where)
        if answer not in ("confirmed", "dismissed"):
            raise ValueError(f"answer must be 'confirmed' or 'dismissed', not {answer!r}")
    with case.transaction():
        for sign, answer in answers.items():
            data: dict[str, Any] = {"sign": sign, "answer": answer, "source": source}
            if message_ids and message_ids.get(sign):
                data["messages"] = sorted(message_ids[sign])
            case.add_record("risk_answer", data)


def record_checklist(case: Case, answers: Answers) -> None:
    """Keep the checklist's answers: yes is "confirmed", no is "dismissed", "not sure" is not stored.

    `greyrock risk --case` and the web app's checklist (one question at a time) both store
    this way, so the report and `risk suggest` read the same records whichever was used.
    """
    record_answers(case, {**{s: "confirmed" for s in answers.yes}, **{s: "dismissed" for s in answers.no}},
                   "checklist")


def checklist_answers(case: Case) -> Answers:
    """The reader's latest answer to each sign, from the checklist or a suggestion, as Answers."""
    latest = sign_answers(case)
    return Answers(frozenset(s for s, a in latest.items() if a == "confirmed"),
                   frozenset(s for s, a in latest.items() if a == "dismissed"))


def confirm_sign(case: Case, sign: str, message_ids: list[int] | None = None, where: str = "sign") -> None:
    """The reader says this sign applies (optionally naming the messages that show it)."""
    if message_ids:
        held = {s.id for s in case.messages()}
        missing = sorted(set(message_ids) - held)
        if missing:
            raise InputError(f"--message: no message {', '.join(map(str, missing))} in this case.",
                             "Message ids are shown by 'greyrock risk suggest'.")
    record_answers(case, {sign: "confirmed"}, "suggestion", where, {sign: message_ids or []})


def dismiss_sign(case: Case, sign: str, where: str = "sign") -> None:
    """The reader says this sign does not apply; the suggestion stays, marked dismissed."""
    record_answers(case, {sign: "dismissed"}, "suggestion", where)
