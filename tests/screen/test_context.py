"""Context: a message that says the sender is near, within hours of a threat from the same
sender, is a threat too; context never clears one. Invented messages."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from greyrock import pipeline, vault
from greyrock.model import Channel, Direction, Finding, Kind, Message, Source
from greyrock.screen import Screener
from greyrock.screen._context import ThreatMemory
from greyrock.shield import shield
from tests.conftest import CHEAP, PASS
from tests.vault.conftest import write_csv

T0 = datetime(2024, 3, 1, 23, 0)
HIM, SOMEONE = "+12025550147", "+12025550199"


def _m(minutes: int, body: str, sender: str = HIM) -> Message:
    return Message(T0 + timedelta(minutes=minutes), Channel.SMS, Kind.MESSAGE, Direction.IN, sender, body,
                   Source("sms.xml", f"sms[{minutes}]"))


def _found(m: Message) -> Finding:
    """What the model would say, fixed here: a threat for the first words only."""
    threat = m.body.startswith(("I'll kill you", "You'll regret"))
    return Finding(("threat",) if threat else (), False, {"threat": 0.99 if threat else 0.01}, (), (), "")


def _apply(memory: ThreatMemory, msgs: list[Message]) -> list[Finding]:
    return memory.apply(msgs, [_found(m) for m in msgs])


def test_near_after_a_threat_is_a_threat_with_its_words() -> None:
    msgs = [_m(0, "I'll kill you for this"), _m(120, "Come to the window"), _m(130, "I'm outside.")]
    threat, window, outside = _apply(ThreatMemory(), msgs)
    assert threat.labels == ("threat",) and threat.danger == ()
    for f, words in ((window, "Come to the window"), (outside, "I'm outside")):
        assert f.labels == ("threat",) and [(d.sign, d.text) for d in f.danger] == [("near_after_threat", words)]
        assert f.scores["threat"] == 0.99


def test_near_words_are_read_as_shown_curly_apostrophe_invisibles_look_alikes() -> None:
    bodies = ["I\u2019m outside", "I\u200bm outside", "come to the w\u0456ndow"]
    msgs = [_m(0, "I'll kill you for this")] + [_m(10 + i, body) for i, body in enumerate(bodies)]
    for f, body in zip(_apply(ThreatMemory(), msgs)[1:], bodies):
        # the danger words are the original's, invisible character and Cyrillic letter included
        assert f.labels == ("threat",) and [d.text for d in f.danger] == [body]
        assert (f.danger[0].start, f.danger[0].end) == (0, len(body))


def test_only_the_same_sender_and_only_within_hours() -> None:
    msgs = [_m(0, "I'll kill you for this"), _m(7 * 60, "Come to the window"), _m(60, "Come to the window", SOMEONE),
            _m(-60, "Come to the window")]
    _, late, other, before = _apply(ThreatMemory(), msgs)
    for f in (late, other, before):
        assert f.labels == () and f.danger == ()


def test_the_threat_is_remembered_across_batches() -> None:
    memory = ThreatMemory()
    _apply(memory, [_m(0, "You'll regret this.")])
    [f] = _apply(memory, [_m(45, "open the door")])
    assert [d.sign for d in f.danger] == ["near_after_threat"]


def test_presence_without_a_threat_before_it_stays_as_the_model_said() -> None:
    msgs = [_m(0, "Running 10 min late for the handover"), _m(12, "I'm outside."), _m(20, "see you soon")]
    assert [f.labels for f in _apply(ThreatMemory(), msgs)] == [(), (), ()]


def test_an_imported_case_shows_it_as_danger(tmp_path: Path) -> None:
    """Through the import (which screens in batches, in file order) to the shield."""
    export = write_csv(tmp_path / "texts.csv", [
        ("2024-03-01T23:02:00+00:00", HIM, "I swear I will kill you if you keep ignoring me"),
        ("2024-03-02T01:14:00+00:00", HIM, "come to the window"),
    ])
    with vault.create_case(tmp_path / "c.grc", PASS, kdf=CHEAP) as case:
        screener = Screener()
        pipeline.import_export(case, export, screener=screener.screen_messages, model_id=screener.model_id)
        items = shield(case.messages())
    assert [(i.kind, i.text) for i in items] == [("danger", "I swear I will kill you if you keep ignoring me"),
                                                 ("danger", "come to the window")]
