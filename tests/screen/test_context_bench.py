"""Context on the written conversations of bench/data/context_conversations.jsonl (invented
people) and on a real fixture export, through the library as an import uses it: a new
Screener per case, its Message objects in order. See bench/context.py for the figures."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from greyrock import pipeline
from greyrock.model import Channel, Direction, Kind, Message, Source
from greyrock.screen import Screener
from tests.conftest import REPO

DATA = REPO / "bench" / "data" / "context_conversations.jsonl"
SIGN = "near_after_threat"


def _conversation(cid: str) -> dict:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    [conv] = [r for r in rows if r["id"] == cid]
    return conv


def _screened(cid: str) -> tuple[list[dict], list[dict | None]]:
    """The conversation's messages (gold) and their findings in context; None for the reader's."""
    conv = _conversation(cid)
    msgs = [Message(datetime.fromisoformat(m["timestamp"]), Channel.SMS, Kind.MESSAGE,
                    Direction.OUT if m["sender"] == "me" else Direction.IN, m["sender"], m["body"],
                    Source(f"{cid}.jsonl", f"messages[{i}]"))
            for i, m in enumerate(conv["messages"])]
    return conv["messages"], Screener().screen_messages(msgs)


def _signs(finding: dict) -> list[tuple[str, str]]:
    return [(d["sign"], d["text"]) for d in finding["danger"]]


@pytest.mark.parametrize(("cid", "words"), [
    ("a01", "come to the window"),  # 1 h 35 after "you'll regret this"
    ("a05", "see you tonight"),  # 2 h 30 after "Watch your back."
    ("a20", "see u in a bit"),  # 5 h 45 after "I'll break your neck": inside the 6 hours
    ("a18", "I'm outside"),  # after a quiet threat the model finds ("Enjoy your last night of peace.")
])
def test_near_words_after_a_threat_become_a_threat_with_them(cid: str, words: str) -> None:
    gold, found = _screened(cid)
    threat, near = found[0], found[-1]
    assert gold[0]["threat"] and gold[-1]["threat"]
    assert "threat" in threat["labels"] and not any(s == SIGN for s, _ in _signs(threat))
    assert "threat" in near["labels"] and (SIGN, words) in _signs(near) and near["scores"]["threat"] == 0.99
    [alone] = Screener().screen([gold[-1]["body"]])
    assert "threat" not in alone.labels  # context did it, not the model


def test_the_readers_own_messages_are_not_screened() -> None:
    gold, found = _screened("a01")
    assert [m["sender"] for m in gold] == ["Dan", "me", "Dan"] and found[1] is None


@pytest.mark.parametrize("cid", ["b06", "b07"])
def test_a_threat_from_someone_else_is_not_carried_over(cid: str) -> None:
    """b06: "I'm going to kill you" from Lee, then Priya "I'm downstairs with the pizza";
    b07: the reader's brother threatens the ex, then the ex "I'm outside with Ava's things".
    The last message keeps the finding the model gives it alone: since model ec543eac4bbb, b07's
    drop-off ("I'm outside with Ava's things. Leaving them on the step") is a threat to the
    model itself (0.80), a false alarm of the model that bench/context.py counts."""
    gold, found = _screened(cid)
    assert "threat" in found[0]["labels"]
    assert not gold[-1]["threat"] and gold[-1]["sender"] != gold[0]["sender"]
    [alone] = Screener().screen([gold[-1]["body"]])
    assert found[-1]["labels"] == list(alone.labels) and not any(s == SIGN for s, _ in _signs(found[-1]))
    assert found[-1]["scores"]["threat"] == pytest.approx(alone.scores["threat"], abs=0.01)


def test_past_six_hours_the_threat_is_forgotten() -> None:
    """d10: "I'm outside" 7 h 15 after "I will kill you, I mean that". Read, it is a threat
    (gold); the rule stops at 6 hours, so it is missed: a gap the bench reports."""
    gold, found = _screened("d10")
    assert "threat" in found[0]["labels"] and gold[-1]["threat"]
    assert "threat" not in found[-1]["labels"] and found[-1]["danger"] == []


def test_the_same_words_with_no_threat_before_stay_as_the_model_said() -> None:
    """t14 is a18's "I'm outside" on its own."""
    _, [found] = _screened("t14")
    assert "threat" not in found["labels"] and found["danger"] == []


def test_fixture_exports_get_no_context_changes(case, fixtures: Path) -> None:
    """Real exports from other projects' test data, imported as `greyrock import` does."""
    screener = Screener()
    for rel in ("sms-backup-restore/sms_and_mms.xml", "whatsapp/test_ddmmyy_24hrs.txt"):
        pipeline.import_export(case, fixtures / rel, screener=screener.screen_messages, model_id=screener.model_id)
    found = [s.finding for s in case.messages() if s.finding is not None]
    assert len(found) == 27 + 7
    assert [f for f in found if any(d["sign"] == SIGN for d in f["danger"])] == []
