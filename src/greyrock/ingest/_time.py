"""Timestamp helpers shared by importers. All epochs are instants: they come back aware (UTC)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["from_epoch", "from_epoch_ms", "parse_iso"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def from_epoch(seconds: float) -> datetime:
    return _EPOCH + timedelta(seconds=seconds)


def from_epoch_ms(ms: float) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


def parse_iso(text: str) -> datetime | None:
    """ISO 8601 (with or without zone, 'Z' accepted) or None; never raises."""
    value = text.strip()
    if not value:
        return None
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
