"""Context: what a message means after a threat from the same sender.

"Come to the window" is nothing on its own and a danger an hour after "I'll kill you".
A message is screened alone; here, a message from a sender who made a threat in the hours
before it, and that says they are near the reader or asks the reader to come out, becomes a
threat too, with the words that show it. After a message that came close to the threat line
(CHECK), the same words make a CHECK: shown whole, for the reader to judge. Context only ever
adds: it never clears a threat (a school trip that makes "kill it at the interview" harmless
is the reader's to judge).

One function, `context_updates`, applies it in two places: to the messages of one screening
call (`Screener.screen_messages`), and to a whole case in time order after every import and
every mail stored (`pipeline.apply_context`), because an export read newest first, a long
export screened in batches, or a threat by text and "I'm outside" in a later export reach
the screen in any order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from greyrock.model import DangerFlag, Message, sort_key

from ._normalise import screening_text
from ._vocab import LABELS

__all__ = ["AFTER_THREAT_HOURS", "bare_arrival", "context_updates"]

AFTER_THREAT_HOURS = 6
_SIGN = "near_after_threat"
_WHY = "within hours of a threat from the same sender, a message says they are near you or asks you to come out"
# Where the sender is, as a small grammar: (I'm / am / just) + a position word + the reader's
# place ("at your gate", "outside ur building", "end of yer street"); arriving
# ("5 mins away", "be there in 10", "pulled up", "reached"); waiting or watching ("I'll wait",
# "I can see your light on"); and asking the reader out or to open up ("come out", "open the
# gate"). Only ever read after a threat or a CHECK from the same sender, hours before.
_YOURS = r"(?:your|ur|yer|yur|ya|you'?re)"  # not "the": "the kids are in the car" says nothing of where he is
_PLACE = (
    r"(?:door|front door|back door|gate|window|house|place|flat|apartment|apt|building|block|street|road|drive|driveway"
    r"|car|car park|parking lot|garage|work|office|job|school|nursery|gym|area|estate|corner|front|back|garden|porch"
    r"|lobby|entrance|stairs|stairwell|mum'?s|mom'?s|sister'?s|parents'?|new place)"
)
_POSITION = (
    r"(?:at|outside|near|nr|by|around|round|in front of|across from|opposite|behind|next to|down the road from|in|on"
    r"|at the end of|end of|up the road from|parked (?:outside|at|by|near|in|on|across from))"
)
_NEAR = re.compile(
    r"\b(?:i'?m|i am|im|am|i'?ll be|ill be|i will be|just|now|already)?\s*" + _POSITION + r"\s+" + _YOURS + r"\s+" + _PLACE + r"\b"
    r"|\b(?:at|outside|by|near) the (?:front |back )?(?:door|gates?|window|school(?: gates?)?|nursery)\b"
    r"|\b(?:i'?m|i am|im|am)\s+(?:outside|here|downstairs|out front|out the back|ootside|oot front|close|close by|nearby"
    r"|around|round|in the area|in ur area|on your street|(?:just\s+)?(?:around|round) the corner)\b"
    r"|\b(?:on my way|omw|otw|leaving now|heading (?:over|round|your way|to yours|to urs|there)|setting off now)\b"
    r"|\b(?:coming|comin) (?:over|round|around|up|in|to (?:you|u|yours|urs|your (?:house|place|flat|work)))\b"
    r"|\b\d+\s*(?:mins?|minutes?|secs?)\s+(?:away|out)\b|\beta\s*\d+|\b(?:be )?there in (?:\d+|five|ten|two|a (?:minute|min|sec|bit))\b"
    r"|\bsee (?:you|u) (?:soon|tonight|in (?:a (?:minute|bit|sec)|\d+|five|ten))\b"
    r"|\b(?:pulled up|pulling (?:up|in)|parked up|got here|here now)\b|\b(?:i'?ve|i have|just) (?:arrived|reached)\b"
    r"|\b(?:i'?ll|ill|i will) wait\b(?=\s*(?:[.!…]|$|here|outside|for (?:you|u)\b|in the car|till|until))"
    r"|\bwaiting (?:for (?:you|u)\b|outside|downstairs|out front|by (?:the|your|ur)|at (?:the|your|ur)|in the car)"
    r"|\bi (?:can )?see (?:you|u|your|ur) (?:light|lights|car|window|bedroom|curtains?|kitchen)\b|\bi can see (?:you|u)\b(?!')(?!\s+(?:are|r|have|don'?t|dont|do|did|think|want|need|were|was|know|feel))"
    r"|\bcome\s+(?:out(?:side)?|down(?:stairs)?)\b(?!\s+(?:with|of|on|in|to the (?:court|hearing)))|\b(?:come|get)\s+(?:outside|to the (?:window|door|gate))\b"
    r"|\bstep outside\b"
    r"|\b(?:open|answer|unlock) (?:the|your|ur|yer) (?:door|window|gate)\b|\bopen up\s*(?:[.!]|$)"
    r"|\blook (?:out(?:side)?|out (?:the|your|ur) window)\b(?!\s+(?:for|of))|\blook up\s*(?:[.!]|$)"
    r"|^\W*(?:outside|here|downstairs|out front|ootside|arrived|reached)\W*$",
    re.I,
)


# A message that says nothing but that the sender is coming or has come: "im on my way",
# "see you soon", "here", "5 mins away x". Alone it is the commonest text of a handover; a
# threat hours before makes it one (context_updates), and an emoji or one word more ("see you
# soon 😈", "sooner than you think") is not bare and stays the model's to read.
_BARE_ARRIVAL = re.compile(
    r"^\W*(?:(?:ok|okay|right|hi|hey|hiya|yo|morning|evening)[\s,.!]+)?"
    r"(?:(?:i'?m|im|i am|am|ah'?m|mi|me|i'?ll|ill|i will|just|nearly|almost|now)\s+)*"
    r"(?:on my way|omw|otw|here|outside|ootside|downstairs|out front|oot front|there|leaving now|setting off|heading (?:over|out|round)"
    r"|pulling (?:up|in)|pulled up|parked(?: up)?|arrived|reached|reach(?: already)?|be there (?:in|at|by) \w+(?: ?(?:mins?|minutes?))?"
    r"|\d+ ?(?:mins?|minutes?) (?:away|out)|see (?:you|u|ya) (?:soon|in a (?:bit|min|minute|sec)|shortly|later|then|there"
    r"|at \d{1,2}(?:[:.]\d\d)?(?: ?[ap]m)?))"
    r"(?:\s+(?:now|then|soon))?(?:\s+\d+ ?(?:mins?|minutes?))?"
    # A handover's own words may follow: "no rush", "send them out when you're ready".
    r"(?:[\s.!,]+(?:no rush|nae rush|nuh rush|no hurry|take (?:your|ur|yer) time"
    r"|(?:send|sen|bring) (?:them|him|her|dem|the (?:kids|children|boys|girls|twins|baby)|[a-z]+) (?:out|down)"
    r"(?: (?:when|whenever) (?:you'?re|yuh|ur|u r|you are|ya|yer) ready)?))?"
    r"[\s.!,]*(?:x+)?[\s.!]*$",
    re.I,
)


def bare_arrival(text: str) -> bool:
    """Whether a (normalised) message says only that the sender is coming or is here."""
    return _BARE_ARRIVAL.match(text) is not None


K = TypeVar("K")


def context_updates(stored: Iterable[tuple[K, Message, dict[str, Any] | None]], hours: float = AFTER_THREAT_HOURS,
                    instant: Callable[[Message], float] = sort_key) -> Iterator[tuple[K, dict[str, Any]]]:
    """(key, new finding) for each screened message that context now makes a threat or a
    CHECK and whose finding (JSON form, as stored) does not say so yet.

    `stored` is (key, message, finding) oldest first, findings as the reader corrected them
    (a threat the reader struck out is no context for what follows). `instant`: a message's
    time in seconds (a case passes its clock's, which reads naive times in its zone)."""
    window = hours * 3600.0
    threats: dict[str, float] = {}
    checks: dict[str, float] = {}
    for key, m, f in stored:
        if f is None or not m.sender or m.timestamp is None:
            continue
        t = instant(m)
        labels = f.get("labels", [])
        if "threat" in labels or f.get("danger"):
            threats[m.sender] = t
            continue
        after_threat = t - threats.get(m.sender, -window - 1) <= window
        after_check = t - checks.get(m.sender, -window - 1) <= window
        if f.get("check"):
            checks[m.sender] = t
            if not after_threat:
                continue
        if not (after_threat or after_check):
            continue
        near = _near(m.body)
        if near is None:
            continue
        if after_threat:
            threats[m.sender] = t  # as a stored finding, it is a threat for what follows
            start, end = near
            flag = DangerFlag(_SIGN, _WHY, m.body[start:end], start, end).to_dict()
            scores = {**f.get("scores", {}), "threat": max(f.get("scores", {}).get("threat", 0.0), 0.99)}
            yield key, {**f, "labels": [n for n in LABELS if n == "threat" or n in labels],
                        "danger": [*f.get("danger", []), flag], "scores": scores, "check": False}
        else:
            yield key, {**f, "check": True}


def _near(body: str) -> tuple[int, int] | None:
    """Where `body` says the sender is near, in the original text. Read on the normalised
    copy the rest of the screen reads: phones type "I’m outside" with a curly apostrophe, and
    an invisible character or a look-alike letter must not hide "come to the window"."""
    for variant in screening_text(body):
        found = _NEAR.search(variant.text)
        if found is not None:
            return variant.original_span(found.start(), found.end())
    return None
