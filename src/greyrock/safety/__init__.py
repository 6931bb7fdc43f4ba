"""Safety: notice danger, get the reader to help and to a plan; no contact comes inside that plan.

Intimate-partner homicide research is blunt: separation after living together, a threat
to kill, a weapon, strangulation, stalking and extreme jealousy multiply the risk, and the
time around leaving is among the most dangerous. So this package:

- lists the danger signs of the validated screens (Lethality Screen, DA-5, Danger
  Assessment) in plain words, and sends anyone with a grave sign to an advocate today
  (`SIGNS`, `assess`), without inventing a score;
- suggests the signs a case's messages show, each with its evidence, for the reader to
  confirm or dismiss (`suggest_signs`, `confirm_sign`, `dismiss_sign`, `confirmed_signs`);
- keeps a three-phase safety plan in the case and prints it (`Plan`, `save_plan`,
  `export_plan`);
- holds the emergency and helpline numbers by country (`resources_for`);
- tracks no contact (`no_contact_status`, `log_urge`, `set_reasons`), or low contact for
  co-parents (`set_contact_mode`: replies about logistics are not contact).
"""

from __future__ import annotations

from ._activity import WeekCount, iso_week
from ._assess import Answers, Assessment, assess, load_answers
from ._lowcontact import CONTACT_MODES, contact_mode, is_logistics, set_contact_mode
from ._nocontact import (
    CAUTION,
    GRAVE_CAUTION,
    SUGGESTED_CAUTION,
    Hoover,
    NoContactStatus,
    log_urge,
    no_contact_status,
    reasons,
    set_reasons,
)
from ._plan import Plan, SectionEntry, TeamMember, load_plan, load_plan_file, save_plan
from ._plan_export import KEEP_SAFE, export_plan, render_html, render_text
from ._plan_guide import PHASES, ROLES, SECTIONS, TECH_WARNING, Item, Phase, Section
from ._resources import Resource, known_countries, resolve_country, resources_for
from ._settings import parse_day, separation_date, set_separation_date
from ._signs import GRAVE_SIGNS, NOT_CERTIFIED, SIGN_IDS, SIGNS, SOURCES, Citation, Sign, check_sign, get_sign
from ._suggest import (
    Evidence,
    Suggestion,
    checklist_answers,
    confirm_sign,
    confirmed_signs,
    dismiss_sign,
    record_answers,
    record_checklist,
    sign_answers,
    suggest_signs,
)

__all__ = [
    "Answers",
    "Assessment",
    "CAUTION",
    "CONTACT_MODES",
    "Citation",
    "Evidence",
    "GRAVE_CAUTION",
    "GRAVE_SIGNS",
    "Hoover",
    "Item",
    "KEEP_SAFE",
    "NOT_CERTIFIED",
    "NoContactStatus",
    "PHASES",
    "Phase",
    "Plan",
    "ROLES",
    "Resource",
    "SECTIONS",
    "SIGNS",
    "SIGN_IDS",
    "SOURCES",
    "SUGGESTED_CAUTION",
    "Section",
    "SectionEntry",
    "Sign",
    "Suggestion",
    "TECH_WARNING",
    "TeamMember",
    "WeekCount",
    "assess",
    "check_sign",
    "checklist_answers",
    "confirm_sign",
    "confirmed_signs",
    "contact_mode",
    "dismiss_sign",
    "export_plan",
    "get_sign",
    "is_logistics",
    "iso_week",
    "known_countries",
    "load_answers",
    "load_plan",
    "load_plan_file",
    "log_urge",
    "no_contact_status",
    "parse_day",
    "reasons",
    "record_answers",
    "record_checklist",
    "render_html",
    "render_text",
    "resolve_country",
    "resources_for",
    "save_plan",
    "separation_date",
    "set_contact_mode",
    "set_reasons",
    "set_separation_date",
    "sign_answers",
    "suggest_signs",
]
