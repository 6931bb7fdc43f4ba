"""The names screening speaks: labels.md's six labels and its tactic names.

Shared by the training script and the runtime, so the model's outputs and the code that
reads them can never disagree about order or spelling.
"""

from __future__ import annotations

__all__ = ["LABELS", "ABUSE_LABELS", "TACTICS", "TACTIC_LABEL", "canonical_tactic"]

LABELS: list[str] = ["threat", "coercion", "verbal_abuse", "manipulation", "hoovering", "logistics"]
ABUSE_LABELS: frozenset[str] = frozenset(LABELS[:5])

# Evans' fifteen categories of verbal abuse, then the common names for manipulation and
# hoovering. The label a tactic belongs to decides when it may be shown.
TACTIC_LABEL: dict[str, str] = {
    "withholding": "verbal_abuse",
    "countering": "verbal_abuse",
    "discounting": "verbal_abuse",
    "abuse disguised as jokes": "verbal_abuse",
    "blocking and diverting": "verbal_abuse",
    "accusing and blaming": "verbal_abuse",
    "judging and criticising": "verbal_abuse",
    "trivialising": "verbal_abuse",
    "undermining": "verbal_abuse",
    "threatening": "verbal_abuse",
    "name calling": "verbal_abuse",
    "forgetting": "verbal_abuse",
    "ordering": "verbal_abuse",
    "denial": "verbal_abuse",
    "abusive anger": "verbal_abuse",
    "guilt-tripping": "manipulation",
    "gaslighting": "manipulation",
    "playing the victim": "manipulation",
    "DARVO": "manipulation",
    "triangulation": "manipulation",
    "smearing": "manipulation",
    "love-bombing": "hoovering",
    "future-faking": "hoovering",
    "pretext contact": "hoovering",
}
TACTICS: list[str] = list(TACTIC_LABEL)

_ALIASES = {
    "judging and criticizing": "judging and criticising",
    "trivializing": "trivialising",
    "guilt tripping": "guilt-tripping",
    "guilt trip": "guilt-tripping",
    "love bombing": "love-bombing",
    "future faking": "future-faking",
    "darvo": "DARVO",
    "smear": "smearing",
    "pretext": "pretext contact",
    "name-calling": "name calling",
    "abuse disguised as a joke": "abuse disguised as jokes",
}


def canonical_tactic(name: str) -> str | None:
    """labels.md's spelling of a tactic name, or None for a name it does not list."""
    key = name.strip()
    if key in TACTIC_LABEL:
        return key
    low = key.lower()
    for tactic in TACTICS:
        if tactic.lower() == low:
            return tactic
    return _ALIASES.get(low)
