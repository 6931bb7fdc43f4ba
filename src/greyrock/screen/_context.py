"""Context: what a message means after a threat from the same sender.

"Come to the window" is nothing on its own and a danger an hour after "I'll kill you".
A message is screened alone; here, a message from a sender who made a threat in the hours
before it, and that says they are near the reader or asks the reader to come out, becomes a
threat too, with the words that show it. Context only ever adds: it never clears a threat
(a school trip that makes "kill it at the interview" harmless is the reader's to judge).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence

from greyrock.model import DangerFlag, Finding, Message, sort_key

from ._normalise import screening_text
from ._vocab import LABELS

__all__ = ["AFTER_THREAT_HOURS", "ThreatMemory"]

AFTER_THREAT_HOURS = 6
_SIGN = "near_after_threat"
_WHY = "within hours of a threat from the same sender, a message says they are near you or asks you to come out"
_NEAR = re.compile(
    r"\b(?:i'?m|i am|im)\s+(?:outside|here|downstairs|out front|out the back|at (?:your|ur) (?:door|house|place|work|flat)"
    r"|(?:just\s+)?(?:around|round) the corner|on my way|coming (?:over|round|up|in))\b"
    r"|\b(?:come|get)\s+(?:to the (?:window|door)|outside|out(?:side)? now|down(?:stairs)?(?: now)?|out here)\b"
    r"|\b(?:open|answer) the (?:door|window)\b"
    r"|\blook (?:out(?:side)?|out (?:the|your) window)\b"
    r"|\b(?:parked|waiting) (?:outside|out front|across the (?:road|street)|downstairs|by your)\b"
    r"|\bsee (?:you|u) (?:soon|tonight|in a (?:minute|bit|sec))\b",
    re.I,
)


class ThreatMemory:
    """The times of each sender's threats, across the batches of one screening run."""

    def __init__(self, hours: float = AFTER_THREAT_HOURS) -> None:
        self.window = hours * 3600.0
        self._times: dict[str, list[float]] = {}

    def apply(self, messages: Sequence[Message], findings: list[Finding]) -> list[Finding]:
        """The findings of `messages` (same order), with context added; remembers their threats."""
        for m, f in zip(messages, findings):
            if m.sender and m.timestamp is not None and ("threat" in f.labels or f.danger):
                bisect.insort(self._times.setdefault(m.sender, []), sort_key(m))
        out = []
        for m, f in zip(messages, findings):
            out.append(self._after_threat(m, f) if "threat" not in f.labels and m.sender and m.timestamp else f)
        return out

    def _after_threat(self, m: Message, f: Finding) -> Finding:
        times = self._times.get(m.sender or "", [])
        t = sort_key(m)
        i = bisect.bisect_left(times, t)  # threats strictly before this message
        if not i or t - times[i - 1] > self.window:
            return f
        near = _near(m.body)
        if near is None:
            return f
        start, end = near
        flag = DangerFlag(_SIGN, _WHY, m.body[start:end], start, end)
        labels = tuple(name for name in LABELS if name == "threat" or name in f.labels)
        scores = {**f.scores, "threat": max(f.scores.get("threat", 0.0), 0.99)}
        return dataclasses.replace(f, labels=labels, danger=(*f.danger, flag), scores=scores, check=False)


def _near(body: str) -> tuple[int, int] | None:
    """Where `body` says the sender is near, in the original text. Read on the normalised
    copy the rest of the screen reads: phones type "I’m outside" with a curly apostrophe, and
    an invisible character or a look-alike letter must not hide "come to the window"."""
    for variant in screening_text(body):
        found = _NEAR.search(variant.text)
        if found is not None:
            return variant.original_span(found.start(), found.end())
    return None
