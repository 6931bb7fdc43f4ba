"""No contact: the figures on a case with known dates, as of a fixed 'today'."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from greyrock import pipeline
from greyrock.errors import InputError
from greyrock.safety import (
    CAUTION,
    GRAVE_CAUTION,
    SUGGESTED_CAUTION,
    confirm_sign,
    dismiss_sign,
    log_urge,
    no_contact_status,
    reasons,
    set_reasons,
)
from greyrock.vault import Case

from .conftest import FRIEND, THEM, Row, add_rows, finding

TODAY = date(2024, 3, 20)  # a Wednesday in 2024-W12


@pytest.fixture
def ids(case: Case) -> list[int]:
    pipeline.set_contact(case, ["+1 (202) 555-0147"])
    return add_rows(case, [
        Row("2024-02-26T20:00:00+00:00", "We're done. Please don't contact me again.", direction="out"),
        Row("2024-02-27T08:00:00+00:00", "You can't just leave"),
        Row("2024-02-28T12:00:00+00:00", "", direction="out", kind="call", channel="call"),  # the reader's last
        Row("2024-03-04T09:00:00+00:00", "Answer me"),
        Row("2024-03-05T21:30:00+00:00", "", kind="call", channel="call"),
        Row("2024-03-05T22:00:00+00:00", "Are you coming to the dinner?", direction="out", recipients=(FRIEND,)),
        Row("2024-03-06T23:41:00+00:00", "I miss us. Just one coffee?",
            finding=finding(["hoovering"], summary="")),
        Row("2024-03-12T10:00:00+00:00", "Dinner was lovely", sender=FRIEND),
        Row("2024-03-14T19:00:00+00:00", "Your box of things is here, come get it Friday 6pm",
            finding=finding(["hoovering", "logistics"], summary="Your things can be collected Friday 6 pm.")),
    ])


def test_figures_on_a_case_with_known_dates(case: Case, ids: list[int]) -> None:
    log_urge(case, "wanted to reply to the coffee one")
    log_urge(case, "")
    status = no_contact_status(case, today=TODAY).to_dict()
    assert status["days_since_reader_contact"] == 21  # the call of 2024-02-28; the friend does not count
    assert status["last_reader_contact"] == "2024-02-28T12:00:00+00:00"
    assert status["attempts_per_week"] == [
        {"week": "2024-W09", "messages": 1, "calls": 0, "week_of": "2024-02-26"},
        {"week": "2024-W10", "messages": 2, "calls": 1, "week_of": "2024-03-04"},
        {"week": "2024-W11", "messages": 1, "calls": 0, "week_of": "2024-03-11"},
        {"week": "2024-W12", "messages": 0, "calls": 0, "week_of": "2024-03-18"},
    ]
    assert status["hoovers"] == [
        {"id": ids[6], "timestamp": "2024-03-06T23:41:00+00:00", "channel": "sms",
         "text": "I miss us. Just one coffee?", "summary": "", "danger": False},
        {"id": ids[8], "timestamp": "2024-03-14T19:00:00+00:00", "channel": "sms",
         "text": "Your box of things is here, come get it Friday 6pm",
         "summary": "Your things can be collected Friday 6 pm.", "danger": False},
    ]
    assert status["urges"] == 2
    assert status["recent_hoover"] is True  # 2024-03-14 is 6 days before 2024-03-20


def test_without_contacts_every_received_and_sent_message_counts(case: Case) -> None:
    add_rows(case, [
        Row("2024-03-04T09:00:00+00:00", "hi", sender=THEM),
        Row("2024-03-05T09:00:00+00:00", "hello", sender=FRIEND),
        Row("2024-03-18T09:00:00+00:00", "see you", direction="out", recipients=(FRIEND,)),
    ])
    status = no_contact_status(case, today=TODAY)
    assert status.days_since_reader_contact == 2
    assert [(w.week, w.messages) for w in status.attempts_per_week] == [("2024-W10", 2), ("2024-W11", 0),
                                                                         ("2024-W12", 0)]


def test_since_sets_the_first_week(case: Case, ids: list[int]) -> None:
    status = no_contact_status(case, today=TODAY, since=date(2024, 3, 11))
    assert [w.week for w in status.attempts_per_week] == ["2024-W11", "2024-W12"]


def test_a_hoover_a_week_old_is_no_longer_recent(case: Case, ids: list[int]) -> None:
    assert no_contact_status(case, today=date(2024, 3, 20)).recent_hoover is True
    assert no_contact_status(case, today=date(2024, 3, 21)).recent_hoover is False


def test_empty_case_has_no_figures(case: Case) -> None:
    status = no_contact_status(case, today=TODAY).to_dict()
    assert (status["days_since_reader_contact"], status["attempts_per_week"], status["hoovers"], status["urges"]) == (
        None, [], [], 0)


def test_caution_is_the_grave_one_once_a_grave_sign_is_confirmed(case: Case) -> None:
    assert no_contact_status(case, today=TODAY).caution == CAUTION
    confirm_sign(case, "strangulation")
    status = no_contact_status(case, today=TODAY)
    assert status.caution == GRAVE_CAUTION and status.grave_signs == ("strangulation",)


def test_caution_names_grave_signs_the_messages_suggest_until_dismissed(case: Case) -> None:
    add_rows(case, [Row("2024-03-02T22:14:00+00:00", "I will kill you",
                        finding=finding(["threat"], [("threat_to_kill", "I will kill you")]))])
    status = no_contact_status(case, today=TODAY)
    assert status.caution == SUGGESTED_CAUTION and status.grave_signs_suggested == ("threat_to_kill",)
    dismiss_sign(case, "threat_to_kill")
    assert no_contact_status(case, today=TODAY).caution == CAUTION


def test_urges_are_kept_with_their_note_and_time(case: Case) -> None:
    log_urge(case, "  saw our song on the radio ", when=datetime(2024, 3, 9, 21, 0, tzinfo=timezone.utc))
    (urge,) = case.records("urge")
    assert (urge["at"], urge["note"]) == ("2024-03-09T21:00:00+00:00", "saw our song on the radio")


def test_reasons_card_latest_wins_and_cannot_be_empty(case: Case) -> None:
    assert reasons(case) is None
    set_reasons(case, "He choked me.\nThe kids were scared.")
    set_reasons(case, "He choked me.\nThe kids were scared.\nI sleep now.\n")
    assert reasons(case) == "He choked me.\nThe kids were scared.\nI sleep now."
    with pytest.raises(InputError, match="the card is empty"):
        set_reasons(case, "  \n ")


def test_a_hoover_that_is_also_a_threat_is_marked_danger(case: Case) -> None:
    pipeline.set_contact(case, ["+1 (202) 555-0147"])
    add_rows(case, [Row("2024-03-10T02:14:00+00:00", "I have the pills right here. Call me or it's on you.",
                        finding=finding(["threat", "hoovering"], summary=""))])
    [hoover] = no_contact_status(case, today=TODAY).hoovers
    assert hoover.danger is True and hoover.to_dict()["danger"] is True
