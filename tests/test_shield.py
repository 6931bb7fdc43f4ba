"""The shielded view on real screening: danger shown with its words, a near-threat shown
whole for the reader to judge (CHECK), practical summaries, abuse held back by name."""

from __future__ import annotations

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
]


@pytest.fixture(scope="module")
def screened() -> list[StoredMessage]:
    screener = Screener()
    findings = screener.screen(TEXTS)
    return [
        StoredMessage(i, Message(datetime(2024, 3, 1, 18, i), Channel.SMS, Kind.MESSAGE, Direction.IN, "+12025550147",
                                 text, Source("sms.xml", f"sms[{i}]")), "0" * 64, f.to_dict())
        for i, (text, f) in enumerate(zip(TEXTS, findings), 1)
    ]


def test_a_near_threat_is_shown_whole_as_check_never_held_back(screened: list[StoredMessage]) -> None:
    goodbye = screened[1]
    finding = goodbye.finding
    assert finding is not None and "threat" not in finding["labels"] and finding["check"] is True
    items = {i.message_id: i for i in shield(screened)}
    assert items[2].kind == "check" and items[2].text == TEXTS[1]


def test_each_kind_of_line(screened: list[StoredMessage]) -> None:
    kinds = [(i.message_id, i.kind) for i in shield(screened)]
    assert kinds == [(1, "danger"), (2, "check"), (3, "hidden"), (4, "plain")]
    hidden = [i for i in shield(screened) if i.kind == "hidden"][0]
    assert hidden.text == "" and "verbal abuse" in hidden.held_back


def test_a_finding_stored_before_check_existed_is_read_as_no_check(screened: list[StoredMessage]) -> None:
    old = {k: v for k, v in screened[1].finding.items() if k != "check"}
    [item] = shield([StoredMessage(2, screened[1].message, "0" * 64, old)])
    assert item.kind != "check"
