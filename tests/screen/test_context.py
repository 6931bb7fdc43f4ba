"""Context: a message that says the sender is near, within hours of a threat from the same
sender, is a threat too (after a CHECK, a CHECK); context never clears one. Invented messages."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from greyrock import pipeline, vault
from greyrock.model import Channel, Direction, Kind, Message, Source
from greyrock.screen import Screener
from greyrock.screen._context import bare_arrival, context_updates
from greyrock.shield import shield
from tests.conftest import CHEAP, PASS
from tests.vault.conftest import write_csv

T0 = datetime(2024, 3, 1, 23, 0)
HIM, SOMEONE = "+12025550147", "+12025550199"


def _m(minutes: int, body: str, sender: str = HIM) -> Message:
    return Message(T0 + timedelta(minutes=minutes), Channel.SMS, Kind.MESSAGE, Direction.IN, sender, body,
                   Source("sms.xml", f"sms[{minutes}]"))


def _found(m: Message) -> dict:
    """What the model would say, fixed here: a threat for the first words, CHECK for "you'll see"."""
    threat = m.body.startswith(("I'll kill you", "You'll regret"))
    return {"labels": ["threat"] if threat else [], "needs_reply": False, "scores": {"threat": 0.99 if threat else 0.01},
            "danger": [], "check": m.body.startswith("You'll see")}


def _apply(msgs: list[Message]) -> list[dict]:
    """Each message's finding after context, `msgs` in the order given (oldest first)."""
    found = [_found(m) for m in msgs]
    for i, new in context_updates((i, m, f) for i, (m, f) in enumerate(zip(msgs, found))):
        found[i] = new
    return found


def test_near_after_a_threat_is_a_threat_with_its_words() -> None:
    msgs = [_m(0, "I'll kill you for this"), _m(120, "Come to the window"), _m(130, "I'm outside.")]
    threat, window, outside = _apply(msgs)
    assert threat["labels"] == ["threat"] and threat["danger"] == []
    for f, words in ((window, "Come to the window"), (outside, "I'm outside")):
        assert f["labels"] == ["threat"] and [(d["sign"], d["text"]) for d in f["danger"]] == [("near_after_threat", words)]
        assert f["scores"]["threat"] == 0.99


def test_near_words_as_texts_are_typed() -> None:
    bodies = ["omw", "be there in 10", "pulling up now", "Outside.", "am ootside", "Ok I am coming to you",
              "parked near your work", "at ur gate. open it", "10 mins away", "I can see your light on", "I'll wait",
              "parked outside yer building"]
    msgs = [_m(0, "I'll kill you for this")] + [_m(10 + i, body) for i, body in enumerate(bodies)]
    assert [f["labels"] for f in _apply(msgs)[1:]] == [["threat"]] * len(bodies)


def test_near_words_are_read_as_shown_curly_apostrophe_invisibles_look_alikes() -> None:
    bodies = ["I\u2019m outside", "I\u200bm outside", "come to the w\u0456ndow"]
    msgs = [_m(0, "I'll kill you for this")] + [_m(10 + i, body) for i, body in enumerate(bodies)]
    for f, body in zip(_apply(msgs)[1:], bodies):
        # the danger words are the original's, invisible character and Cyrillic letter included
        assert f["labels"] == ["threat"] and [d["text"] for d in f["danger"]] == [body]
        assert (f["danger"][0]["start"], f["danger"][0]["end"]) == (0, len(body))


def test_only_the_same_sender_and_only_within_hours() -> None:
    msgs = [_m(-60, "Come to the window"), _m(0, "I'll kill you for this"), _m(60, "Come to the window", SOMEONE),
            _m(7 * 60, "Come to the window")]
    before, _, other, late = _apply(msgs)
    for f in (before, other, late):
        assert f["labels"] == [] and f["danger"] == [] and not f["check"]


def test_near_after_a_check_is_a_check_not_a_threat() -> None:
    msgs = [_m(0, "You'll see what happens"), _m(30, "I'm outside."), _m(40, "Running late, sorry")]
    check, outside, late = _apply(msgs)
    assert check["check"] and outside["check"] and outside["labels"] == [] and outside["danger"] == []
    assert not late["check"]


def test_words_that_say_nothing_of_where_he_is_stay_plain_after_a_threat() -> None:
    bodies = ["The kids are in the car with my mum", "Send the form", "I reached out to my solicitor",
              "the papers arrived", "I'll wait for the court", "I can see you're upset", "look up the law"]
    msgs = [_m(0, "I'll kill you for this")] + [_m(10 + i, body) for i, body in enumerate(bodies)]
    assert [f["labels"] for f in _apply(msgs)[1:]] == [[]] * len(bodies)


def test_presence_without_a_threat_before_it_stays_as_the_model_said() -> None:
    msgs = [_m(0, "Running 10 min late for the handover"), _m(12, "I'm outside."), _m(20, "see you soon")]
    assert [f["labels"] for f in _apply(msgs)] == [[], [], []]


def test_a_bare_arrival_alone_is_check_and_a_threat_after_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the model's threat score of "im on my way" (the shipped one gave 0.86), a
    one-word update is logistics by labels.md: alone it is CHECK, shown whole; after a threat,
    context makes it a threat."""
    screener = Screener()
    sure = screener.model.thresholds["threat"] + 0.1
    real = screener._probabilities

    def the_model_calls_it_a_threat(views):  # type: ignore[no-untyped-def]
        probs = real(views)
        probs[:, screener._col["threat"]] = np.maximum(probs[:, screener._col["threat"]], sure)
        return probs

    monkeypatch.setattr(screener, "_probabilities", the_model_calls_it_a_threat)
    alone, dressed = screener.screen(["im on my way", "See you soon 😈"])
    assert "threat" not in alone.labels and alone.check and alone.scores["threat"] >= sure - 0.001
    assert "threat" in dressed.labels  # one emoji more is not bare: the model's to read
    after = screener.screen_messages([_m(0, "I'll kill you for this"), _m(40, "im on my way")])
    assert "threat" in after[1]["labels"] and after[1]["danger"][0]["sign"] == "near_after_threat"


@pytest.mark.parametrize(("text", "bare"), [
    ("im on my way", True), ("Im on my way now", True), ("see u soon x", True), ("ok, 5 mins away", True),
    ("I'll be there in 10 mins.", True), ("here", True),
    ("See you soon. Sooner than you think.", False), ("I'm outside your house", False),
    ("on my way, you'd better be in", False), ("see you soon 😈", False),
    ("Am ootside. Nae rush", True), ("Mi reach. Sen dem out when yuh ready.", True), ("here, send Mia out", True),
    ("outside. send her out or im coming in", False),
])
def test_what_counts_as_a_bare_arrival(text: str, bare: bool) -> None:
    assert bare_arrival(text) is bare


def _shield_after_imports(tmp_path: Path, *exports: Path) -> tuple[list, bool]:
    """Each export imported in turn into one new case, each with its own Screener (as each
    `greyrock import` makes one): the shield's items, and whether the case's chain checks."""
    with vault.create_case(tmp_path / "c.grc", PASS, kdf=CHEAP) as case:
        for export in exports:
            screener = Screener()
            pipeline.import_export(case, export, screener=screener.screen_messages, model_id=screener.model_id)
        return shield(case.messages()), case.verify().ok


def test_an_imported_case_shows_it_as_danger(tmp_path: Path) -> None:
    """Through the import (which screens in batches, in file order) to the shield."""
    export = write_csv(tmp_path / "texts.csv", [
        ("2024-03-01T23:02:00+00:00", HIM, "I swear I will kill you if you keep ignoring me"),
        ("2024-03-02T01:14:00+00:00", HIM, "come to the window"),
    ])
    items, _ = _shield_after_imports(tmp_path, export)
    assert [(i.kind, i.text) for i in items] == [("danger", "I swear I will kill you if you keep ignoring me"),
                                                 ("danger", "come to the window")]


@pytest.mark.parametrize("batch", [1, 256])
def test_a_newest_first_export_screened_in_batches_still_shows_it(tmp_path: Path, batch: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen meets "come to the window" before the threat that came first (an export
    listed newest first), in another batch: the case-wide pass after the import finds it."""
    monkeypatch.setattr(pipeline, "_SCREEN_BATCH", batch)
    export = write_csv(tmp_path / "texts.csv", [
        ("2024-03-02T01:14:00+00:00", HIM, "come to the window"),
        ("2024-03-01T23:02:00+00:00", HIM, "I swear I will kill you if you keep ignoring me"),
    ])
    items, _ = _shield_after_imports(tmp_path, export)
    assert [(i.kind, i.text) for i in items] == [("danger", "I swear I will kill you if you keep ignoring me"),
                                                 ("danger", "come to the window")]
    assert items[1].signs == ("near_after_threat",)


def test_a_threat_in_one_export_and_im_outside_in_a_later_one(tmp_path: Path) -> None:
    """A threat by text, then "I'm here" in an export imported later (another Screener):
    the later import reads it in the case's context, and adds a finding, never replaces one."""
    first = write_csv(tmp_path / "first.csv", [("2024-03-01T23:02:00+00:00", HIM, "I'll kill you when I find you")])
    later = write_csv(tmp_path / "later.csv", [("2024-03-02T00:30:00+00:00", HIM, "I'm here")])
    items, chain_ok = _shield_after_imports(tmp_path, first, later)
    danger = [i for i in items if i.kind == "danger"]
    assert [i.text for i in danger] == ["I'll kill you when I find you", "I'm here"]
    assert danger[1].signs == ("near_after_threat",)  # the context's, not the model's own call
    # Beside the danger, "I'm here" may also show as the practical update it is (labels.md:
    # logistics); it is never hidden or shown as plain.
    assert {i.kind for i in items if i.text == "I'm here"} <= {"danger", "action"}
    assert chain_ok
