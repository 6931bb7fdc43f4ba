"""The messages still waiting for an answer, with drafts for each.

A message is pending when it is the other person's (`greyrock case people`), its stored
screening says it needs a reply, and the reader has written nothing to them since. A
sister's or a lawyer's message (role `third`) is never listed, and the reader's message to
them answers nothing of the other person's. Everything comes
from the case: the stored findings, not a new screening, so the list matches what the
reader has already seen, and the abusive wording never needs to be shown again: only
the shielded summary and the drafts are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from greyrock.model import Kind
from greyrock.people import Party, attributed, read_roles
from greyrock.vault import Case

from ._drafts import Advice, advise

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.message_id,
            "timestamp": self.timestamp,
            "channel": self.channel,
            "sender": self.sender,
            **self.advice.to_dict(),
        }


def pending(case: Case) -> list[PendingReply]:
    """Messages that need a reply and have had none since, oldest first."""
    waiting: list[PendingReply] = []
    roles = read_roles(case)
    for stored in attributed(case.messages(), roles):
        message = stored.message
        whose = Party.of(message, roles).side(message, roles)
        if whose is False and message.kind in _WRITTEN:
            waiting.clear()  # the reader has written since: what came before counts as answered
            continue
        finding = stored.finding
        if whose is not True or message.kind is not Kind.MESSAGE or not finding or not finding.get("needs_reply"):
            continue
        waiting.append(
            PendingReply(
                message_id=stored.id,
                timestamp=message.timestamp.isoformat() if message.timestamp else None,
                channel=str(message.channel),
                sender=message.sender_name or message.sender,
                advice=advise(message.body, finding),
            )
        )
    return waiting
