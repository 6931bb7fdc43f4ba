"""How training widens the written corpus: composed mixes, typing, chat markers, quoting.

Each function returns new rows from existing ones with the labels kept (or, for a mix,
united), so that what the model must not learn from (how a message is typed, a marker of
chat, quotation marks) cannot decide a label. Torch-free, so tests can call it.
"""

from __future__ import annotations

import random
import re

__all__ = ["compose", "compose_chat", "joined", "marked", "noisy", "quoting"]


def compose(rows: list[dict], rng: random.Random, n: int) -> list[dict]:
    """Mixed messages: a practical message joined to an abusive one, labels united.

    Real messages bury the pick-up time inside the insult; the written corpus has fewer of
    those than the model needs to learn that both labels can hold at once.
    """
    practical = [r for r in rows if r["labels"] == ["logistics"]]
    hostile = [r for r in rows if set(r["labels"]) - {"logistics"}]
    out = []
    for i in range(n):
        a, b = rng.choice(practical), rng.choice(hostile)
        parts = [a["text"].strip(), b["text"].strip()]
        if rng.random() < 0.5:
            parts.reverse()
        sep = rng.choice([" ", "  ", "\n", ". ", " - "])
        out.append({
            "id": f"mix-{i}",
            "file": "mix",
            "text": sep.join(parts),
            "labels": sorted(set(a["labels"]) | set(b["labels"])),
            "needs_reply": bool(a["needs_reply"] or b["needs_reply"]),
            "tactics": sorted(set(a["tactics"]) | set(b["tactics"])),
        })
    return out


def compose_chat(chat: list[dict], rows: list[dict], rng: random.Random, n: int) -> list[dict]:
    """Real everyday chat turns joined to an abusive written message, the abuse's labels.

    Every real chat turn in training is plain and every written one was written to a brief,
    so the model can learn "sounds like chat, so harmless": real threats come in that chatty
    voice. Here the same real turns carry a threat or an insult, half of them typed as chat
    is (lower case or no punctuation), so the voice cannot decide."""
    hostile = [r for r in rows if set(r["labels"]) - {"logistics"} and r.get("file") != "mix"]
    out = []
    for i in range(n):
        a, b = rng.choice(chat), rng.choice(hostile)
        b_text = b["text"].strip()
        if rng.random() < 0.5:
            b_text = b_text.lower() if rng.random() < 0.5 else "".join(c for c in b_text if c not in ".,;:!?'\"")
        parts = [a["text"].strip(), b_text]
        if rng.random() < 0.5:
            parts.reverse()
        out.append({**b, "id": f"chatmix-{i}", "file": "chatmix", "text": rng.choice([" ", "\n", ". "]).join(parts)})
    return out


def noisy(row: dict, rng: random.Random) -> dict:
    """The same message typed differently: lower case, no punctuation, or shouted."""
    text = row["text"]
    choice = rng.random()
    if choice < 0.4:
        text = text.lower()
    elif choice < 0.7:
        text = "".join(c for c in text if c not in ".,;:!?'\"")
    elif choice < 0.85:
        text = text.upper()
    else:
        text = text.replace("you", "u").replace("You", "U").replace("are", "r")
    return {**row, "id": row["id"] + "-n", "text": text}


# Chat markers that say nothing about abuse. Every real chat turn trains as plain and many
# carry them, so without this the model learnt "...", "lol" or "haha" as signs of harmless
# talk: held-out threats recalled at 0.87 fell to 0.56 with " haha" after them
# (bench/style_robustness.py, which measures with markers other than these).
MARKER_PREFIXES = ("...", "so ", "ok so ", "well ", "hmm ", "omg ", "ugh ", "lol ", "idk ", "look ")
MARKER_SUFFIXES = ("...", " lol", " lmao", " xx", " 😂", " smh", " ..", " hahaha", " 🙄", " !!")


def marked(row: dict, rng: random.Random) -> dict:
    """The same message with a chat marker before it, after it, or both; labels unchanged."""
    text = row["text"].strip()
    where = rng.random()
    if where < 0.7:
        text = rng.choice(MARKER_PREFIXES) + (text[:1].lower() + text[1:] if rng.random() < 0.5 else text)
    if where >= 0.4:
        text = text.rstrip(".") + rng.choice(MARKER_SUFFIXES)
    return {**row, "id": row["id"] + "-m", "text": text}


# Quoting forms. Court records and news quote a message in part, in quotation marks, its
# sentences run together with "..."; real senders write "..." between thoughts. Chat turns
# (all plain) are full of mid-text "...", the written files rarely have it, and the model
# read it as harmless talk: held-out threats of two or more sentences recalled at 0.88 fell
# to 0.72 joined by " … ", and coercion at 0.86 to 0.65 inside quotation marks
# (bench/style_robustness.py measures forms other than these: curly quotes, "…", " — ").
QUOTE_JOINS = ("...", " ... ", "... ", " ..")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def joined(text: str, join: str) -> str:
    """`text` with its sentences run together by `join`, each full stop before it dropped."""
    parts = _SENTENCE_END.split(text)
    return join.join([p.removesuffix(".") for p in parts[:-1]] + parts[-1:])


def quoting(row: dict, rng: random.Random, joins: bool = True) -> dict:
    """The same message quoted: its sentences run together with "...", inside quotation
    marks, or both (only the marks when `joins` is false); labels unchanged."""
    text = original = row["text"].strip()
    form = rng.random() if joins else 1.0
    if form < 0.7:
        text = joined(text, rng.choice(QUOTE_JOINS))
    if form >= 0.5 or text == original:  # one sentence: the marks are the only form left
        text = '"' + text + '"'
    return {**row, "id": row["id"] + "-q", "text": text}
