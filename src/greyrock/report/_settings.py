"""The case settings a report reads, and the clock it tells time by.

Settings are records of kind "setting" in the case (the latest one holding a key wins):
`case_name`, `separation_date` (YYYY-MM-DD), and those of `greyrock case settings`
(greyrock.settings): `timezone` (an IANA name such as "Europe/London"), the names of the
parties and a court reference. A setting that cannot be read is left out with a warning rather than
stopping the report: the evidence matters more than a malformed preference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from greyrock._clock import Clock
from greyrock.settings import Settings, case_clock
from greyrock.settings import read_settings as read_case_settings
from greyrock.vault import Case

__all__ = ["CaseSettings", "Clock", "read_settings"]


@dataclass(frozen=True, slots=True)
class CaseSettings:
    case_name: str
    separation_date: date | None = None
    timezone: str | None = None
    clock: Clock = field(default_factory=Clock)
    warnings: tuple[str, ...] = ()
    names: Settings = field(default_factory=Settings)  # the parties' names and the court reference


def _latest(records: list[dict], key: str) -> object | None:
    for rec in reversed(records):
        if key in rec and rec[key] not in (None, ""):
            return rec[key]
    return None


def read_settings(case: Case) -> CaseSettings:
    records = case.records("setting")
    warnings: list[str] = []
    name = _latest(records, "case_name")
    case_name = str(name).strip() if isinstance(name, str) and name.strip() else Path(case.path).stem

    separation: date | None = None
    raw = _latest(records, "separation_date")
    if raw is not None:
        try:
            separation = date.fromisoformat(str(raw)[:10])
        except ValueError:
            warnings.append(f"setting separation_date {str(raw)[:40]!r} is not a date (YYYY-MM-DD); ignored.")

    clock, warning = case_clock(case)
    if warning:
        warnings.append(warning)
    return CaseSettings(case_name, separation, clock.name, clock, tuple(warnings), read_case_settings(case))
