"""How training widens the written corpus (training/augment.py): every new row keeps what
the message says and its labels, and changes only what must not decide a label."""

from __future__ import annotations

import random
import re

THREAT = {"id": "t1", "file": "a_threat.jsonl", "text": "I know where you are. You will regret this! Watch your back.",
          "labels": ["threat"], "needs_reply": False, "tactics": ["threatening"]}
PICKUP = {"id": "l1", "file": "a_logistics.jsonl", "text": "Pick-up moved to 5pm Saturday. Confirm?",
          "labels": ["logistics"], "needs_reply": True, "tactics": []}


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z']+", text)


def test_quoting_keeps_every_word_and_the_labels(augment) -> None:
    rng = random.Random(7)
    seen = set()
    for _ in range(40):
        row = augment.quoting(THREAT, rng)
        assert _words(row["text"]) == _words(THREAT["text"])
        assert row["labels"] == ["threat"] and row["tactics"] == ["threatening"] and row["id"] == "t1-q"
        seen.add(row["text"])
    # All three forms turn up: joined by dots, in quotation marks, and both.
    assert "I know where you are...You will regret this!...Watch your back." in seen
    assert '"I know where you are. You will regret this! Watch your back."' in seen
    assert any(t.startswith('"') and "..." in t for t in seen)
    assert THREAT["text"] not in seen


def test_a_chat_turn_or_one_sentence_only_gets_quotation_marks(augment) -> None:
    turn = {**PICKUP, "text": "we went to the lake. it was cold", "labels": []}
    assert augment.quoting(turn, random.Random(1), joins=False)["text"] == '"we went to the lake. it was cold"'
    one = {**THREAT, "text": "Watch your back"}
    assert {augment.quoting(one, random.Random(s))["text"] for s in range(20)} == {'"Watch your back"'}


def test_a_composed_mix_unites_labels_and_keeps_both_messages(augment) -> None:
    (mix,) = augment.compose([THREAT, PICKUP], random.Random(3), 1)
    assert mix["labels"] == ["logistics", "threat"] and mix["needs_reply"] is True
    assert "Watch your back." in mix["text"] and "Pick-up moved to 5pm Saturday." in mix["text"]


def test_a_chat_marker_leaves_the_message_and_its_labels(augment) -> None:
    for seed in range(20):
        row = augment.marked(THREAT, random.Random(seed))
        assert "where you are" in row["text"].lower() and "watch your back" in row["text"].lower()
        assert row["labels"] == ["threat"]
        assert row["text"] != THREAT["text"]
