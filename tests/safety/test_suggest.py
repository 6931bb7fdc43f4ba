"""Signs suggested from a case's messages: exactly the signs shown, with the messages that show them."""

from __future__ import annotations

from datetime import date

import pytest

from greyrock import pipeline
from greyrock.errors import InputError
from greyrock.safety import (
    confirm_sign,
    confirmed_signs,
    dismiss_sign,
    separation_date,
    set_separation_date,
    suggest_signs,
)
from greyrock.vault import Case

from .conftest import FRIEND, Row, add_rows, finding


def _threat_and_gun_case(case: Case) -> list[int]:
    return add_rows(case, [
        Row("2024-03-01T17:02:00+00:00", "Pick-up is 5pm Saturday", finding=finding(["logistics"])),
        Row("2024-03-02T22:14:00+00:00", "If you take the kids I will kill you",
            finding=finding(["threat"], [("threat_to_kill", "I will kill you")])),
        Row("2024-03-03T09:00:00+00:00", "Don't forget who has a gun in the truck.", finding=finding(["threat"])),
        Row("2024-03-04T10:00:00+00:00", "Took the kids to the gun club, they loved it", finding=finding([])),
        Row("2024-03-04T11:00:00+00:00", "Please stop.", direction="out"),
    ])


def test_threat_to_kill_and_gun_suggest_exactly_those_signs_with_those_ids(case: Case) -> None:
    ids = _threat_and_gun_case(case)
    got = [s.to_dict() for s in suggest_signs(case)]
    assert [(s["sign"], [m["id"] for m in s["messages"]]) for s in got] == [
        ("threat_to_kill", [ids[1]]),
        ("gun_access", [ids[2]]),
    ]
    assert got[0] == {
        "sign": "threat_to_kill", "why": "a message threatens to kill you", "status": "open",
        "messages": [{"id": ids[1], "timestamp": "2024-03-02T22:14:00+00:00", "channel": "sms",
                      "text": "If you take the kids I will kill you", "words": "I will kill you"}],
    }
    assert got[1]["messages"][0]["words"] == "gun"


def test_flags_with_no_screen_sign_are_not_suggested(case: Case) -> None:
    add_rows(case, [
        Row("2024-03-02T22:15:00+00:00", "go kill yourself", finding=finding(["threat"], [("self_harm_goading", "kill yourself")])),
    ])
    assert suggest_signs(case) == []


def test_threatening_messages_count_as_the_screens_stalking_item(case: Case) -> None:
    """The Lethality Screen asks about following, spying AND leaving threatening messages."""
    ids = add_rows(case, [
        Row("2024-03-02T22:14:00+00:00", "shame if something happened to your car",
            finding=finding(["threat"], [("property", "shame if something happened to")])),
        Row("2024-03-03T22:14:00+00:00", "you'll regret this, watch your back",
            finding=finding(["threat"], [("intimidation", "watch your back")])),
    ])
    assert [(s.sign, [e.id for e in s.messages]) for s in suggest_signs(case)] == [("stalking", ids)]


def test_stalking_and_suicide_flags_map_to_their_signs(case: Case) -> None:
    ids = add_rows(case, [
        Row("2024-03-05T01:00:00+00:00", "I know where you are staying",
            finding=finding(["threat"], [("stalking", "I know where you are")])),
        Row("2024-03-05T01:05:00+00:00", "answer or I'll kill myself and it's on you",
            finding=finding(["threat", "hoovering"], [("suicide_threat", "I'll kill myself")])),
    ])
    assert [(s.sign, [e.id for e in s.messages]) for s in suggest_signs(case)] == [
        ("suicide_threat", [ids[1]]),
        ("stalking", [ids[0]]),
    ]


def test_rising_attempts_after_separation_suggest_escalation(case: Case) -> None:
    rows = [Row("2024-02-20T10:00:00+00:00", "before we split")]  # before separation: not counted
    rows += [Row("2024-03-02T10:00:00+00:00", "w09")]  # Sat of 2024-W09 (separation on Fri 2024-03-01)
    rows += [Row(f"2024-03-0{d}T10:00:00+00:00", f"w10 {d}") for d in (4, 5)]
    rows += [Row(f"2024-03-1{d}T10:00:00+00:00", f"w11 {d}") for d in (1, 2, 3)]
    rows += [Row("2024-03-14T10:00:00+00:00", "", kind="call", channel="call")]
    ids = add_rows(case, rows)
    assert [s.sign for s in suggest_signs(case)] == []  # no separation date: nothing to compare with

    set_separation_date(case, date(2024, 3, 1))
    assert separation_date(case) == date(2024, 3, 1)
    (escalation,) = suggest_signs(case)
    assert escalation.sign == "escalation"
    assert [(w.week, w.messages, w.calls) for w in escalation.weeks] == [
        ("2024-W09", 1, 0), ("2024-W10", 2, 0), ("2024-W11", 3, 1)]
    assert [e.id for e in escalation.messages] == ids[1:]
    assert escalation.why == ("after you separated on 2024-03-01, their messages and calls rose 3 weeks in a row "
                              "(1, 2, 4 a week, 2024-W09 to 2024-W11)")


def test_a_trickle_from_zero_and_a_plateau_are_not_escalation(case: Case) -> None:
    # weeks after separation: W09 0, W10 1, W11 2, W12 2
    add_rows(case, [Row(f"2024-03-{d:02d}T10:00:00+00:00", f"m{d}") for d in (4, 11, 12, 18, 19)])
    set_separation_date(case, date(2024, 3, 1))
    assert suggest_signs(case) == []


def test_confirm_and_dismiss_are_the_readers_and_latest_wins(case: Case) -> None:
    _threat_and_gun_case(case)
    assert confirmed_signs(case) == []  # nothing is marked for the reader
    confirm_sign(case, "threat_to_kill")
    dismiss_sign(case, "gun_access")
    assert confirmed_signs(case) == ["threat_to_kill"]
    assert [(s.sign, s.status) for s in suggest_signs(case)] == [("threat_to_kill", "confirmed"),
                                                                ("gun_access", "dismissed")]
    confirm_sign(case, "gun_access")
    dismiss_sign(case, "threat_to_kill")
    assert confirmed_signs(case) == ["gun_access"]
    assert [r["answer"] for r in case.records("risk_answer")] == ["confirmed", "dismissed", "confirmed", "dismissed"]


def test_confirm_keeps_the_evidence_ids_and_refuses_unknown_ones(case: Case) -> None:
    ids = _threat_and_gun_case(case)
    confirm_sign(case, "threat_to_kill", [ids[1]])
    assert case.records("risk_answer")[-1]["messages"] == [ids[1]]
    with pytest.raises(InputError, match="no message 999 in this case"):
        confirm_sign(case, "threat_to_kill", [999])


def test_with_contacts_only_the_other_persons_messages_are_evidence(case: Case) -> None:
    pipeline.set_contact(case, ["+1 202 555 0147"])
    ids = add_rows(case, [
        Row("2024-03-02T22:14:00+00:00", "I will kill you", finding=finding(["threat"], [("threat_to_kill", "I will kill you")])),
        Row("2024-03-02T22:20:00+00:00", "He said I will kill you to me too", sender=FRIEND,
            finding=finding(["threat"], [("threat_to_kill", "I will kill you")])),
    ])
    assert [(s.sign, [e.id for e in s.messages]) for s in suggest_signs(case)] == [("threat_to_kill", [ids[0]])]


def test_agreed_calls_are_not_counted_as_escalation(case: Case) -> None:
    """Calls with the children (agreed contact: greyrock.agreed) are not attempts: three
    agreed calls in week 11 do not make 1, 2, 1 rise."""
    from greyrock.settings import update_settings

    rows = [Row("2024-03-02T10:00:00+00:00", "w09")]
    rows += [Row(f"2024-03-0{d}T10:00:00+00:00", f"w10 {d}") for d in (4, 5)]
    rows += [Row("2024-03-11T10:00:00+00:00", "w11")]
    rows += [Row(f"2024-03-1{d}T18:10:00+00:00", "", kind="call", channel="call") for d in (2, 3, 4)]
    ids = add_rows(case, rows)
    set_separation_date(case, date(2024, 3, 1))
    assert [s.sign for s in suggest_signs(case)] == ["escalation"]  # 1, 2, 4 a week
    update_settings(case, timezone="UTC", agreed_calls="Tue 18:00-18:30; Wed 18:00-18:30")
    case.mark_agreed(ids[-1])  # Thursday's call, marked one by one
    assert suggest_signs(case) == []  # 1, 2, 1


def test_checklist_answers_are_kept_as_risk_case_keeps_them_and_the_latest_wins(case: Case) -> None:
    from greyrock.safety import Answers, checklist_answers, record_checklist, sign_answers

    record_checklist(case, Answers(frozenset({"weapon", "stalking"}), frozenset({"separation"})))
    assert sorted((r["sign"], r["answer"], r["source"]) for r in case.records("risk_answer")) == [
        ("separation", "dismissed", "checklist"), ("stalking", "confirmed", "checklist"),
        ("weapon", "confirmed", "checklist")]
    dismiss_sign(case, "stalking")
    assert sign_answers(case) == {"weapon": "confirmed", "stalking": "dismissed", "separation": "dismissed"}
    assert checklist_answers(case) == Answers(frozenset({"weapon"}), frozenset({"stalking", "separation"}))
