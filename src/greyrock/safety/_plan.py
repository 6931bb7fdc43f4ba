"""The reader's safety plan: what they filled in, kept in the encrypted case.

A plan is stored as a record of kind "plan"; the latest record wins, and every earlier
version stays in the chain. Only what the reader wrote or ticked is stored: the guide
(sections, items, tips) lives in `_plan_guide` and is joined in when the plan is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greyrock._jsonfile import read_json
from greyrock.errors import InputError
from greyrock.vault import Case

from ._plan_guide import PHASES, ROLES, SECTIONS

__all__ = ["Plan", "SectionEntry", "TeamMember", "load_plan", "load_plan_file", "save_plan"]

PLAN_VERSION = 1
_PHASE_IDS = tuple(p.id for p in PHASES)
_ROLE_IDS = tuple(r for r, _ in ROLES)
_ITEMS = {s.id: tuple(i.id for i in s.items) for s in SECTIONS}


@dataclass(frozen=True, slots=True)
class TeamMember:
    role: str
    name: str
    contact: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "name": self.name, "contact": self.contact}


@dataclass(frozen=True, slots=True)
class SectionEntry:
    """What the reader ticked off in a section (item ids) and their own notes."""

    done: tuple[str, ...] = ()
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"done": list(self.done), "notes": self.notes}


@dataclass(frozen=True, slots=True)
class Plan:
    phase: str
    code_word: str = ""
    team: tuple[TeamMember, ...] = ()
    sections: dict[str, SectionEntry] = field(default_factory=dict)

    def section(self, section_id: str) -> SectionEntry:
        return self.sections.get(section_id, SectionEntry())

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": PLAN_VERSION,
            "phase": self.phase,
            "code_word": self.code_word,
            "team": [m.to_dict() for m in self.team],
            "sections": {sid: self.sections[sid].to_dict() for sid in _ITEMS if sid in self.sections},
        }

    @classmethod
    def from_dict(cls, data: Any, where: str = "plan") -> Plan:
        """Validate a plan (from a file or the case); every problem names `where` and the field."""
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a JSON object with phase, code_word, team and sections.")
        extra = set(data) - {"version", "phase", "code_word", "team", "sections"}
        if extra:
            raise InputError(f"{where}: unknown field(s) {', '.join(sorted(map(str, extra)))}.",
                             "Fields: phase, code_word, team, sections.")
        phase = data.get("phase", "")
        if phase not in _PHASE_IDS:
            raise InputError(f"{where}: phase must be one of {', '.join(_PHASE_IDS)}, not {phase!r}.")
        code_word = _text(data.get("code_word", ""), f"{where}: code_word")
        team_raw = data.get("team", [])
        if not isinstance(team_raw, list):
            raise InputError(f"{where}: team must be a list of {{role, name, contact}}.")
        team = []
        for n, member in enumerate(team_raw):
            place = f"{where}: team[{n}]"
            if not isinstance(member, dict) or set(member) - {"role", "name", "contact"}:
                raise InputError(f"{place}: expected an object with role, name and contact.")
            role = member.get("role", "")
            if role not in _ROLE_IDS:
                raise InputError(f"{place}: role must be one of {', '.join(_ROLE_IDS)}, not {role!r}.")
            team.append(TeamMember(role, _text(member.get("name", ""), f"{place}.name"),
                                   _text(member.get("contact", ""), f"{place}.contact")))
        sections_raw = data.get("sections", {})
        if not isinstance(sections_raw, dict):
            raise InputError(f"{where}: sections must be an object keyed by section id.")
        sections = {}
        for sid, entry in sections_raw.items():
            place = f"{where}: sections.{sid}"
            if sid not in _ITEMS:
                raise InputError(f"{place}: unknown section.", f"Sections: {', '.join(_ITEMS)}.")
            if not isinstance(entry, dict) or set(entry) - {"done", "notes"}:
                raise InputError(f"{place}: expected an object with done (item ids) and notes.")
            done = entry.get("done", [])
            if not isinstance(done, list):
                raise InputError(f"{place}.done: expected a list of item ids.")
            for item in done:
                if item not in _ITEMS[sid]:
                    raise InputError(f"{place}.done: unknown item {item!r}.", f"Items: {', '.join(_ITEMS[sid])}.")
            ordered = tuple(i for i in _ITEMS[sid] if i in done)
            sections[sid] = SectionEntry(ordered, _text(entry.get("notes", ""), f"{place}.notes"))
        return cls(phase, code_word, tuple(team), sections)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: expected text.")
    return value.strip()


def load_plan_file(path: Path) -> Plan:
    """Read a plan written as JSON (the shape of `Plan.to_dict`)."""
    data = read_json(path, "the plan file")
    return Plan.from_dict(data, str(path))


def save_plan(case: Case, plan: Plan) -> int:
    """Store a new version of the plan in the case; returns the record id."""
    with case.transaction():
        return case.add_record("plan", plan.to_dict())


def load_plan(case: Case) -> Plan | None:
    """The latest plan in the case, or None when the reader has not made one."""
    records = case.records("plan")
    if not records:
        return None
    data = {k: v for k, v in records[-1].items() if k not in ("id", "created_at")}
    return Plan.from_dict(data, f"{case.path.name}: plan record {records[-1]['id']}")
