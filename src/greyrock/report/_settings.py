"""The case settings a report reads, and the clock it tells time by.

Settings are records of kind "setting" in the case (the latest one holding a key wins):
`case_name`, `separation_date` (YYYY-MM-DD) and `timezone` (an IANA name such as
"Europe/London"). A setting that cannot be read is left out with a warning rather than
stopping the report: the evidence matters more than a malformed preference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from greyrock.vault import Case

__all__ = ["CaseSettings", "Clock", "read_settings"]


@dataclass(frozen=True, slots=True)
class Clock:
    """Puts every time on one clock, so that days and nights are counted as the reader lived them.

    Times whose zone the export recorded are converted to `zone` (the computer's own zone,
    with its daylight-saving rules, when `zone` is None). Times without a zone are already
    the local clock of the phone that exported them and are left as they are.
    """

    zone: tzinfo | None = None
    name: str = "this computer's time zone"

    def local(self, ts: datetime | None) -> datetime | None:
        if ts is None or ts.tzinfo is None:
            return ts
        return ts.astimezone(self.zone) if self.zone is not None else ts.astimezone()


@dataclass(frozen=True, slots=True)
class CaseSettings:
    case_name: str
    separation_date: date | None = None
    timezone: str | None = None
    clock: Clock = field(default_factory=Clock)
    warnings: tuple[str, ...] = ()


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

    clock = Clock()
    zone_name = _latest(records, "timezone")
    if zone_name is not None:
        try:
            clock = Clock(ZoneInfo(str(zone_name)), str(zone_name))
        except (ZoneInfoNotFoundError, ValueError):
            warnings.append(f"setting timezone {str(zone_name)[:40]!r} is not a known time zone; "
                            "this computer's zone is used.")
            zone_name = None
    return CaseSettings(case_name, separation, str(zone_name) if zone_name else None, clock, tuple(warnings))
