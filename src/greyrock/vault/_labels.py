"""The reader's corrections of the screening's labels: a layer over the screening, never in it.

The automated screening of a message is stored once and never rewritten (it is evidence of
what greyrock suggested). When the reader says a label is wrong ("Tell Maya to hurry up" is
not a threat) or missing, `greyrock case label` appends a chained record of kind "label":

    {"message_id": 12, "add": ["coercion"], "remove": ["threat"], "note": "...", "reset": false}

Records are folded oldest first into one `Correction` per message, and `apply` gives the
screening as corrected: the one dict every view reads (`StoredMessage.finding`), so the
shield, reply --pending, risk suggest, the timeline and the report all agree. `reset`
drops the reader's earlier corrections of that message.

Removing `threat` also sets aside the screening's danger flags and its CHECK mark: they are
the screening's reasons for calling the message a threat, and a view that kept them would
still show the message as DANGER after the reader said it is not. They stay in the original
screening (`case messages --json`, "screening").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from greyrock.model import Label

__all__ = ["LABELS", "RECORD_KIND", "Correction", "apply", "fold"]

RECORD_KIND = "label"
LABELS: tuple[str, ...] = tuple(str(label) for label in Label)


def _ordered(labels: Iterable[str]) -> list[str]:
    wanted = set(labels)
    return [name for name in LABELS if name in wanted] + sorted(wanted - set(LABELS))


@dataclass(frozen=True, slots=True)
class Correction:
    """What the reader changed on one message's labels, against the automated screening."""

    add: tuple[str, ...]
    remove: tuple[str, ...]
    note: str
    at: str  # when the latest correction was made (UTC, ISO 8601)

    def to_dict(self) -> dict[str, Any]:
        return {"add": list(self.add), "remove": list(self.remove), "note": self.note or None, "at": self.at,
                "by": "reader"}

    def describe(self) -> str:
        """One line for people: "corrected by the reader: threat removed, coercion added"."""
        parts = [f"{', '.join(self.remove)} removed"] if self.remove else []
        if self.add:
            parts.append(f"{', '.join(self.add)} added")
        return "labels corrected by the reader: " + "; ".join(parts)


def fold(records: Iterable[dict[str, Any]], screened: dict[int, list[str]]) -> dict[int, Correction]:
    """message id -> the reader's correction, from the "label" records oldest first.

    `screened` gives each corrected message's automated labels, so that adding a label the
    screening already gave (or removing one it never gave) changes nothing and shows as
    nothing. A message whose corrections cancel out has no correction.
    """
    state: dict[int, tuple[set[str], set[str], str, str]] = {}
    for rec in records:
        mid = rec.get("message_id")
        if not isinstance(mid, int):
            continue
        if rec.get("reset"):
            state.pop(mid, None)
        add, remove, note, _ = state.get(mid, (set(), set(), "", ""))
        auto = set(screened.get(mid, ()))
        for label in rec.get("add") or ():
            remove.discard(label)
            if label not in auto:
                add.add(label)
        for label in rec.get("remove") or ():
            add.discard(label)
            if label in auto:
                remove.add(label)
        note = str(rec.get("note") or "") or note
        state[mid] = (add, remove, note, str(rec.get("created_at") or ""))
    return {mid: Correction(tuple(_ordered(add)), tuple(_ordered(remove)), note, at)
            for mid, (add, remove, note, at) in state.items() if add or remove}


def apply(finding: dict[str, Any] | None, correction: Correction | None) -> dict[str, Any] | None:
    """The screening as the reader corrected it (a new dict; `finding` is left as it is)."""
    if correction is None:
        return finding
    base = dict(finding) if finding else {"labels": [], "needs_reply": False, "scores": {}, "tactics": [],
                                          "spans": [], "summary": "", "danger": [], "check": False}
    labels = _ordered((set(base.get("labels") or ()) - set(correction.remove)) | set(correction.add))
    base["labels"] = labels
    base["spans"] = [s for s in base.get("spans") or () if s.get("label") not in correction.remove]
    if "threat" in correction.remove:
        base["danger"] = []
        base["check"] = False
    base["correction"] = correction.to_dict()
    return base
