"""Danger signs as a report states them: what the reader confirmed, in plain words.

The ids are those of cli.md (`greyrock risk`). A report says what the *reader* confirmed
about their own situation; the messages that the screening linked to a sign are shown
beside it as automated suggestions, so a reader of the report can see both apart.
"""

from __future__ import annotations

__all__ = ["GRAVE", "describe"]

_STATEMENTS: dict[str, str] = {
    "weapon": "They have used a weapon against me, or threatened me with one.",
    "threat_to_kill": "They have threatened to kill me or my children.",
    "believes_could_kill": "I believe they might try to kill me.",
    "gun_access": "They have a gun, or could easily get one.",
    "strangulation": "They have choked or strangled me, or tried to.",
    "jealousy_control": "They are violently or constantly jealous, or control most of my daily activities.",
    "separation": "I have left or separated from them after living together or being married.",
    "unemployment": "They are unemployed.",
    "suicide_threat": "They have threatened or tried to kill themselves.",
    "child_not_theirs": "I have a child they know is not theirs.",
    "stalking": "They follow or spy on me, or leave threatening messages.",
    "escalation": "The physical violence has become more frequent or more severe.",
    "pregnancy_violence": "They have hurt me while I was pregnant.",
    "forced_sex": "They have forced me to have sex when I did not want to.",
}

# The signs that validated lethality screens treat as the gravest (cli.md `grave`).
GRAVE = frozenset({"threat_to_kill", "weapon", "strangulation", "believes_could_kill"})


def describe(sign: str) -> str:
    """The reader's confirmation in the first person; an unknown id is shown as it is."""
    return _STATEMENTS.get(sign, f"Danger sign '{sign}'.")
