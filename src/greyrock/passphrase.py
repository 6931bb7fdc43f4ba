"""How strong a new passphrase is, and an example of a strong one.

A case file holds the evidence and the reader's plans; if the other person gets the file
(a shared laptop, a synced folder, a backup drive) the passphrase is all that stands in
the way, and they know the reader's birthdays, pets and children's names. So a new
passphrase is measured with zxcvbn (dictionary words, names, dates, keyboard runs,
l33t) before the case is made or re-keyed, and a weak one is refused unless the reader
says plainly that they want it anyway.

zxcvbn runs in memory and writes nothing. The example is drawn here with `secrets` from
greyrock's own word list, never fetched, so it is known to nobody else.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from greyrock._words import WORDS
from greyrock.errors import WeakPassphrase

__all__ = ["MIN_SCORE", "Strength", "example_passphrase", "require_strong", "strength"]

# zxcvbn's score runs 0-4; 3 means about 10^8-10^10 guesses ("safely unguessable:
# moderate protection from an offline slow-hash attack"), and the case's key goes through
# Argon2 (64 MiB, 3 passes), so each guess is slow.
MIN_SCORE = 3
EXAMPLE_WORDS = 4


@dataclass(frozen=True, slots=True)
class Strength:
    """zxcvbn's verdict, in words a reader can act on."""

    score: int
    guess_time: str  # e.g. "less than a second", "centuries": offline, against a slow hash
    reason: str  # why it is weak; "" for a strong one

    @property
    def weak(self) -> bool:
        return self.score < MIN_SCORE


def strength(passphrase: str, context: Iterable[str] = ()) -> Strength:
    """Measure `passphrase`; `context` holds words it should not be built from (the file name)."""
    from zxcvbn import zxcvbn

    result = zxcvbn(passphrase[:100], user_inputs=[c for c in context if c])  # zxcvbn is slow on very long input
    feedback = result.get("feedback") or {}
    parts = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    reason = " ".join(p.strip() for p in parts if p and p.strip())
    if result["score"] < MIN_SCORE and not reason:
        reason = "It is short or made of common words."
    guess_time = str(result["crack_times_display"]["offline_slow_hashing_1e4_per_second"])
    return Strength(int(result["score"]), guess_time, reason if result["score"] < MIN_SCORE else "")


def example_passphrase(words: int = EXAMPLE_WORDS) -> str:
    """Random words from greyrock's list, drawn with `secrets`, that zxcvbn rates strong."""
    while True:
        candidate = " ".join(secrets.choice(WORDS) for _ in range(words))
        if not strength(candidate).weak:
            return candidate


def require_strong(passphrase: str, *, context: Iterable[str] = (), flag: str = "--allow-weak-passphrase") -> None:
    """Raise WeakPassphrase naming the reason, a strong example and `flag`, for a weak passphrase."""
    measured = strength(passphrase, context)
    if not measured.weak:
        return
    raise WeakPassphrase(
        f"This passphrase is too weak: someone who gets the case file could guess it in {measured.guess_time}. "
        f"{measured.reason}",
        f"A strong one is several random words, for example: \"{example_passphrase()}\" (made just now on this "
        f"computer; use it or your own). To keep the weak one anyway, add {flag}.",
    )
