"""The shielded view on real screening: danger shown with its words, a near-threat shown
whole for the reader to judge (CHECK), practical summaries, abuse held back by name."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from greyrock.model import Channel, Direction, Kind, Message, Source
from greyrock.screen import Screener
from greyrock.shield import shield
from greyrock.vault import StoredMessage

TEXTS = [
    "You'll regret this.",
    "There's no point anymore. I've written my letters. Tell the kids I loved them",
    "You are a pathetic, useless excuse for a mother.",
    "Ok",
    "We'll see about that.",
]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def _stored(texts: list[str], findings: list) -> list[StoredMessage]:
    return [
        StoredMessage(i, Message(datetime(2024, 3, 1, 18, i), Channel.SMS, Kind.MESSAGE, Direction.IN, "+12025550147",
                                 text, Source("sms.xml", f"sms[{i}]")), "0" * 64, f.to_dict())
        for i, (text, f) in enumerate(zip(texts, findings), 1)
    ]


def test_check_is_a_threat_score_between_the_watch_line_and_the_threshold(screener: Screener) -> None:
    [plain] = screener.screen([TEXTS[4]])
    score = plain.scores["threat"]
    assert "threat" not in plain.labels and not plain.check and score < screener.model.watch
    meta = screener.model.meta
    try:
        screener.model.meta = dataclasses.replace(meta, watch=score * 0.9)  # a line below it (scores are rounded to 3 places)
        [near] = screener.screen([TEXTS[4]])
    finally:
        screener.model.meta = meta
    assert near.check and "threat" not in near.labels and near.scores["threat"] == score


def test_each_kind_of_line(screener: Screener) -> None:
    findings = screener.screen(TEXTS)
    findings[4] = dataclasses.replace(findings[4], check=True)  # as the test above makes it
    items = shield(_stored(TEXTS, findings))
    assert [(i.message_id, i.kind) for i in items] == [(1, "danger"), (2, "danger"), (3, "hidden"), (4, "plain"),
                                                       (5, "check")]
    goodbye, hidden, check = items[1], items[2], items[4]
    assert "I've written my letters" in goodbye.text  # a quiet suicide note is a danger, with its words
    assert hidden.text == "" and "verbal abuse" in hidden.held_back
    assert check.text == TEXTS[4]  # shown whole, never held back


def test_a_finding_stored_before_check_existed_is_read_as_no_check(screener: Screener) -> None:
    [f] = screener.screen([TEXTS[4]])
    old = {k: v for k, v in dataclasses.replace(f, check=True).to_dict().items() if k != "check"}
    [item] = shield([StoredMessage(5, _stored(TEXTS[4:], [f])[0].message, "0" * 64, old)])
    assert item.kind == "plain"


def _rendered(items: list) -> str:
    """What `greyrock shield` prints for these items."""
    from rich.console import Console

    from greyrock.cli._shield import render

    console = Console(record=True, width=300)
    render(items, "case.grc", console=console)
    return console.export_text()


def test_a_suicide_note_beside_threats_keeps_the_readers_own_safety_line(screener: Screener) -> None:
    def shown(texts: list[str]) -> str:
        return _rendered(shield(_stored(texts, screener.screen(texts))))

    both = shown(TEXTS[:2])  # "You'll regret this." and a goodbye note
    assert "it is not your job to rescue them" in both
    assert "If you feel unsafe, call the emergency number or a helpline: greyrock help-now" in both
    alone = shown(TEXTS[1:2])
    assert "it is not your job to rescue them" in alone and "If you feel unsafe" in alone


def test_a_lure_keeps_its_caution_beside_the_practical_part(screener: Screener) -> None:
    texts = ["Pick-up moved to 4pm Friday at my mum's house. Come on your own.",
             "What's your new address? I need it for the papers.",
             "Pick-up is 5pm Friday at the school gate."]
    items = shield(_stored(texts, screener.screen(texts)))
    by_id = {i.message_id: i.cautions for i in items if i.kind in ("action", "check", "danger")}
    assert by_id[1] == ("lure",) and by_id[2] == ("whereabouts",) and by_id[3] == ()
    shown = _rendered(items)
    assert "[asks you to meet or come to them: not alone, and not on their terms]" in shown
    assert "Drafts that grant none of it: greyrock reply case.grc --pending" in shown


def test_held_back_lines_come_with_the_screens_limits(screener: Screener) -> None:
    from greyrock.shield import MAY_MISS

    abuse, ok = TEXTS[2], TEXTS[3]  # held back as verbal abuse; plain
    held = _rendered(shield(_stored([abuse, ok], screener.screen([abuse, ok]))))
    assert "held back" in held and MAY_MISS in " ".join(held.split())
    plain = _rendered(shield(_stored([ok], screener.screen([ok]))))
    assert "held back" not in plain and "can miss a threat" not in plain
