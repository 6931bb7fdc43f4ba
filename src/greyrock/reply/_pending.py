"""The messages still waiting for an answer, with drafts for each.

A message is pending when it is the other person's (`greyrock case people`), its stored
screening says it needs a reply or it asks for something a reply could give away (a
meeting, the reader's whereabouts, their consent: see _risks), and the reader has written
nothing to them since. A sister's or a lawyer's message (role `third`) is never listed, and
the reader's message to them answers nothing of the other person's. Everything comes from
the case: the stored findings, not a new screening, so the list matches what the reader
has already seen, and the abusive wording never needs to be shown again: only the shielded
summary and the drafts are.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from greyrock.model import Kind
from greyrock.people import Party, attributed, read_roles
from greyrock.settings import case_clock
from greyrock.vault import Case

from ._drafts import Advice, advise
from ._risks import find_risks

_DECIDE = {"lure", "whereabouts", "consent"}  # need the reader's decision, whatever the model said

__all__ = ["PendingReply", "pending"]

# What counts as a written answer from the reader. A call does not: the call script ends
# with "I'll reply in writing", so the written reply is still owed.
_WRITTEN = (Kind.MESSAGE, Kind.MEDIA)


@dataclass(frozen=True, slots=True)
class PendingReply:
    message_id: int
    timestamp: str | None
    channel: str
    sender: str | None
    advice: Advice
    correction: dict[str, Any] | None = None  # the reader corrected its labels (`greyrock case label`)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.message_id,
            "timestamp": self.timestamp,
            "channel": self.channel,
            "sender": self.sender,
            **self.advice.to_dict(),
        }
        if self.correction:
            out["correction"] = self.correction
        return out


def pending(case: Case, country: str | None = None) -> list[PendingReply]:
    """Messages that need a reply and have had none since, oldest first."""
    waiting: list[PendingReply] = []
    clock = case_clock(case)[0]
    roles = read_roles(case)
    for stored in attributed(case.messages(clock=clock), roles):
        message = stored.message
        whose = Party.of(message, roles).side(message, roles)
        if whose is False and message.kind in _WRITTEN:
            waiting.clear()  # the reader has written since: what came before counts as answered
            continue
        finding = stored.finding
        if whose is not True or message.kind is not Kind.MESSAGE or not finding:
            continue
        if not finding.get("needs_reply") and not any(n.kind in _DECIDE for n in find_risks(message.body, finding)):
            continue
        waiting.append(
            PendingReply(
                message_id=stored.id,
                timestamp=clock.iso(message.timestamp),
                channel=str(message.channel),
                sender=message.sender_name or message.sender,
                advice=advise(message.body, finding, country=country),
            )
        )
    # The advice above was drawn from the labels as the reader corrected them; say so.
    fixes = case.corrections()
    return [dataclasses.replace(p, correction=fixes[p.message_id].to_dict()) if p.message_id in fixes else p
            for p in waiting]
