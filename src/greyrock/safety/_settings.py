"""The reader's safety settings kept in the case: for now, the date they separated.

Settings are records of kind "setting", each holding one or more keys; for each key the
latest record that holds it wins, so a corrected date is a new record, never an edit.
"""

from __future__ import annotations

from datetime import date

from greyrock.errors import InputError
from greyrock.vault import Case

__all__ = ["parse_day", "separation_date", "set_separation_date"]


def parse_day(value: str, where: str) -> date:
    """A YYYY-MM-DD date, or an InputError naming `where`."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{where}: {value!r} is not a date like 2024-03-01.") from None


def separation_date(case: Case) -> date | None:
    """The latest separation date the reader recorded, or None."""
    for rec in reversed(case.records("setting")):
        if "separation_date" in rec:
            return date.fromisoformat(rec["separation_date"]) if rec["separation_date"] else None
    return None


def set_separation_date(case: Case, day: date) -> None:
    """Record the day the reader separated (moved out, or they did)."""
    with case.transaction():
        case.add_record("setting", {"separation_date": day.isoformat()})
