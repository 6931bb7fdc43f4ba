"""A case's own settings: its time zone, the names its report gives the parties, a court reference.

They are records of kind "setting" in the case, like the separation date: each change is a
new record, a link in the chain, and for each key the latest record holding it wins. The
time zone is recorded when the case is made (the computer's zone then), so that a case's
days, nights and times stay the same whatever computer opens it later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from greyrock._clock import Clock, system_zone_name, zone_named
from greyrock.errors import InputError

if TYPE_CHECKING:
    from greyrock.vault import Case

__all__ = ["NAME_KEYS", "Settings", "case_clock", "check_text", "ensure_zone", "read_settings", "record_system_zone", "update_settings"]

# The free-text settings and the option that sets each.
NAME_KEYS = {"my_name": "--my-name", "their_name": "--their-name", "court_ref": "--court-ref"}
_MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class Settings:
    """The latest value of each setting (None when never set)."""

    timezone: str | None = None
    my_name: str | None = None
    their_name: str | None = None
    court_ref: str | None = None
    agreed_calls: str | None = None  # a weekly schedule of agreed calls (greyrock.agreed)

    def to_dict(self) -> dict[str, Any]:
        return {"timezone": self.timezone, "my_name": self.my_name, "their_name": self.their_name,
                "court_ref": self.court_ref, "agreed_calls": self.agreed_calls}


def _latest(records: list[dict[str, Any]], key: str) -> str | None:
    for rec in reversed(records):
        if key in rec:
            value = rec[key]
            return value if isinstance(value, str) and value.strip() else None
    return None


def read_settings(case: Case) -> Settings:
    records = case.records("setting")
    return Settings(**{key: _latest(records, key) for key in ("timezone", *NAME_KEYS, "agreed_calls")})


def case_clock(case: Case) -> tuple[Clock, str | None]:
    """The case's clock, and a warning when it is not the one recorded.

    A case with no zone recorded (made by an earlier greyrock) is read on this computer's
    zone; `ensure_zone` records it. A recorded name this computer's zone database does not
    know falls back the same way, with a warning saying so.
    """
    name = _latest(case.records("setting"), "timezone")
    if name is not None:
        try:
            return Clock(ZoneInfo(name), name), None
        except (ZoneInfoNotFoundError, ValueError, OSError):
            fallback = system_zone_name()
            return Clock(ZoneInfo(fallback), fallback), (
                f"the case's time zone {name[:40]!r} is not known on this computer; {fallback} is used.")
    fallback = system_zone_name()
    return Clock(ZoneInfo(fallback), fallback), None


def record_system_zone(case: Case) -> str:
    """Record this computer's zone as the case's (a new case); its name."""
    name = system_zone_name()
    with case.transaction():
        case.add_record("setting", {"timezone": name})
    return name


def ensure_zone(case: Case) -> str | None:
    """Record this computer's zone as the case's when it has none; the note to show, or None."""
    if _latest(case.records("setting"), "timezone") is not None:
        return None
    name = record_system_zone(case)
    return (f"this case had no time zone; it now uses {name} (this computer's). Change it with "
            f"'greyrock case settings CASE --timezone Area/City'.")


def check_text(value: str, option: str) -> str:
    """A free-text setting: stripped, at most 200 characters, no control characters."""
    text = value.strip()
    if len(text) > _MAX_TEXT:
        raise InputError(f"{option}: longer than {_MAX_TEXT} characters.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise InputError(f"{option}: control characters are not allowed.")
    return text


def update_settings(case: Case, *, timezone: str | None = None, my_name: str | None = None,
                    their_name: str | None = None, court_ref: str | None = None,
                    agreed_calls: str | None = None) -> Settings:
    """Record the settings given (one chained record); an empty name clears that setting.

    Everything is checked before anything is written: a bad zone changes nothing.
    """
    data: dict[str, str] = {}
    if timezone is not None:
        zone_named(timezone)
        data["timezone"] = timezone.strip()
    for key, value in (("my_name", my_name), ("their_name", their_name), ("court_ref", court_ref)):
        if value is not None:
            data[key] = check_text(value, NAME_KEYS[key])
    if agreed_calls is not None:
        from greyrock.agreed import parse_schedule

        text = check_text(agreed_calls, "--agreed-calls")
        parse_schedule(text)
        data["agreed_calls"] = text
    if data:
        with case.transaction():
            case.add_record("setting", data)
    return read_settings(case)
