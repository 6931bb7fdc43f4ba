"""The reader's own answers to the danger signs, and what they mean in plain words.

There is no score. The only rule is the one advocates work by: if any of the gravest
signs applies (a threat to kill, a weapon, strangulation, or the reader's own belief that
they could be killed), the advice is to talk to a domestic-violence advocate today, with
the numbers right there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greyrock._jsonfile import read_json
from greyrock.errors import InputError

from ._resources import Resource
from ._signs import GRAVE_SIGNS, NOT_CERTIFIED, SIGN_IDS, SOURCES, Sign, check_sign, get_sign

__all__ = ["Answers", "Assessment", "assess", "load_answers"]


@dataclass(frozen=True, slots=True)
class Answers:
    """Signs answered yes and no; a sign in neither list is unanswered ("not sure")."""

    yes: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, data: Any, where: str = "answers") -> Answers:
        """Validate {"yes": [ids], "no": [ids]}; unknown ids and contradictions are InputErrors."""
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a JSON object like {{\"yes\": [...], \"no\": [...]}}.")
        extra = set(data) - {"yes", "no"}
        if extra:
            raise InputError(f"{where}: unknown key(s) {', '.join(sorted(map(str, extra)))}; use \"yes\" and \"no\".")
        lists: dict[str, frozenset[str]] = {}
        for key in ("yes", "no"):
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{where}: \"{key}\" must be a list of sign ids.")
            lists[key] = frozenset(check_sign(v, where) for v in value)
        both = lists["yes"] & lists["no"]
        if both:
            raise InputError(f"{where}: {', '.join(sorted(both))} answered both yes and no.")
        return cls(lists["yes"], lists["no"])


def load_answers(path: Path) -> Answers:
    """Read an answers file (cli.md: {"yes": [ids], "no": [ids]})."""
    data = read_json(path, "the answers file")
    return Answers.from_dict(data, str(path))


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the answers mean: the signs that apply, whether any is grave, and the advice."""

    grave: bool
    signs: tuple[Sign, ...]
    unanswered: tuple[str, ...]
    advice: str
    resources: tuple[Resource, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `greyrock risk --answers FILE --json` (cli.md), plus extras."""
        return {
            "grave": self.grave,
            "signs": [
                {"sign": s.id, "name": s.name, "grave": s.grave, "question": s.question, "meaning": s.meaning,
                 "screens": list(s.screens)}
                for s in self.signs
            ],
            "advice": self.advice,
            "resources": [r.to_dict() for r in self.resources],
            "unanswered": list(self.unanswered),
            "not_certified": NOT_CERTIFIED,
            "sources": [{"key": c.key, "text": c.text, "web": c.web} for c in SOURCES],
        }


def _numbers(resources: tuple[Resource, ...]) -> str:
    emergency = next((r for r in resources if r.emergency), None)
    helpline = next((r for r in resources if not r.emergency and r.phone), None)
    parts = []
    if helpline is not None:
        parts.append(f"You can call {helpline.name}: {helpline.phone}"
                     + (f" ({helpline.text})" if helpline.text else "") + ".")
    if emergency is not None:
        parts.append(f"If you are in danger right now, call {emergency.phone}.")
    else:
        parts.append("If you are in danger right now, call your local emergency number.")
    return " ".join(parts)


def assess(answers: Answers, resources: tuple[Resource, ...] | list[Resource] = ()) -> Assessment:
    """Plain-words meaning of the answers; grave signs always lead to 'talk to an advocate today'."""
    res = tuple(resources)
    signs = tuple(get_sign(i) for i in SIGN_IDS if i in answers.yes)
    unanswered = tuple(i for i in SIGN_IDS if i not in answers.yes and i not in answers.no)
    grave = bool(answers.yes & GRAVE_SIGNS)
    if grave:
        named = "; ".join(s.name for s in signs if s.grave)
        advice = (
            "Talk to a domestic-violence advocate today. You answered yes to one of the gravest danger signs "
            f"({named}). Advocates see this every day: they can help you judge the danger, make a safety plan, "
            "and do the full Danger Assessment with you. " + _numbers(res)
        )
    elif signs:
        advice = (
            "Some of the signs that advocates look at apply to you. Please talk them over with a "
            "domestic-violence advocate soon, and plan your safety with them, especially around leaving or "
            "going no-contact: those times can be the most dangerous. " + _numbers(res)
        )
    else:
        advice = (
            "You did not answer yes to any of these signs. That is good to know, but it does not mean you are "
            "safe: no list covers everything, and your own feeling of fear counts. If anything changes, or you "
            "are afraid, talk to a domestic-violence advocate. " + _numbers(res)
        )
    return Assessment(grave, signs, unanswered, advice, res)
