"""Cases built message by message, with findings written by hand, so every figure is exact."""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from greyrock.model import Channel, Direction, Kind, Message, Source
from greyrock.vault import Case
from tests.conftest import CHEAP, PASS  # noqa: F401  (re-exported for the tests here)

THEM = "+12025550147"
FRIEND = "+12025550100"

_files = itertools.count()


@dataclass
class Row:
    """One message for a test case: `at` is ISO 8601; `finding` is stored as the screening."""

    at: str
    body: str
    direction: str = "in"
    kind: str = "message"
    sender: str | None = None
    recipients: tuple[str, ...] = ()
    channel: str = "sms"
    finding: dict[str, Any] | None = field(default=None)


def finding(labels: Sequence[str] = (), danger: Sequence[tuple[str, str]] = (), summary: str = "") -> dict[str, Any]:
    """A stored screening: labels, and danger flags given as (sign, words)."""
    return {
        "labels": list(labels), "needs_reply": False, "scores": {}, "tactics": [], "spans": [], "summary": summary,
        "danger": [{"sign": s, "why": "test", "text": w, "start": 0, "end": len(w)} for s, w in danger],
        "model": "test",
    }


def add_rows(case: Case, rows: list[Row]) -> list[int]:
    """Store the rows (as one imported file) and their findings; returns the message ids, in order."""
    name = f"fixture-{next(_files)}.txt"
    data = name.encode()
    messages = []
    for r in rows:
        direction = Direction(r.direction)
        sender = r.sender if r.sender is not None else (THEM if direction is Direction.IN else "me")
        recipients = r.recipients or (("me",) if direction is Direction.IN else (THEM,))
        messages.append(Message(datetime.fromisoformat(r.at), Channel(r.channel), Kind(r.kind), direction, sender,
                                r.body, Source(name, f"line {len(messages) + 1}"), recipients=recipients))
    with case.transaction():
        oid, _ = case.add_original(name, io.BytesIO(data), hashlib.sha256(data).hexdigest())
        ids = [rid for rid, _ in case.add_messages(messages, {name: oid})]
        for rid, row in zip(ids, rows, strict=True):
            if row.finding is not None:
                case.add_finding(rid, "test", row.finding)
    return ids


