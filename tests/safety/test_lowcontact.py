"""Low contact for co-parents: the reader's replies about logistics are not contact, and
weeks are shown by their Monday's date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import pipeline
from greyrock.cli import app
from greyrock.errors import InputError
from greyrock.safety import contact_mode, is_logistics, no_contact_status, set_contact_mode
from greyrock.vault import Case

from .conftest import PASS, Row, add_rows, finding

TODAY = date(2026, 3, 18)  # a Wednesday; its week began on Monday 2026-03-16
runner = CliRunner()


@pytest.fixture
def ids(case: Case) -> list[int]:
    pipeline.set_contact(case, ["+1 (202) 555-0147"])
    return add_rows(case, [
        Row("2026-02-20T18:00:00+00:00", "I can't keep doing this. Goodbye.", direction="out"),  # the last real contact
        Row("2026-03-02T08:00:00+00:00", "Noah needs picking up at 3:15 on Friday, I'm stuck at work",
            finding=finding(["logistics"], summary="Pick-up Friday 3:15.")),
        Row("2026-03-02T08:30:00+00:00", "Ok.", direction="out"),  # an acknowledgement of logistics
        Row("2026-03-04T19:00:00+00:00", "I'll collect Noah from school at 3:15 on Friday.", direction="out"),
        Row("2026-03-09T12:00:00+00:00", "I paid half of the nursery fees this morning.", direction="out"),
        Row("2026-03-10T09:00:00+00:00", "See you at the hearing on the 24th, my solicitor has the papers.",
            direction="out"),
        Row("2026-03-11T21:00:00+00:00", "You looked good today. Remember us?",
            finding=finding(["hoovering"])),
    ])


def test_in_no_contact_mode_every_reply_counts(case: Case, ids: list[int]) -> None:
    status = no_contact_status(case, today=TODAY)
    assert status.mode == "no-contact" and contact_mode(case) == "no-contact"
    assert status.last_reader_contact == "2026-03-10T09:00:00+00:00" and status.days_since_reader_contact == 8
    assert status.logistics_left_out == 0


def test_in_low_contact_mode_logistics_replies_do_not_count(case: Case, ids: list[int]) -> None:
    set_contact_mode(case, "low-contact")
    status = no_contact_status(case, today=TODAY).to_dict()
    assert status["mode"] == "low-contact"
    assert status["last_reader_contact"] == "2026-02-20T18:00:00+00:00"
    assert status["days_since_reader_contact"] == 26
    assert status["logistics_left_out"] == 4
    assert [(w["week_of"], w["messages"]) for w in status["attempts_per_week"]] == [
        ("2026-03-02", 1), ("2026-03-09", 1), ("2026-03-16", 0)]


def test_a_personal_word_makes_a_logistics_message_contact(case: Case, ids: list[int]) -> None:
    set_contact_mode(case, "low-contact")
    add_rows(case, [Row("2026-03-12T22:00:00+00:00", "Pick-up is at 5 tomorrow. I miss you.", direction="out")])
    status = no_contact_status(case, today=TODAY)
    assert status.last_reader_contact == "2026-03-12T22:00:00+00:00" and status.logistics_left_out == 0


def test_a_call_always_counts(case: Case, ids: list[int]) -> None:
    set_contact_mode(case, "low-contact")
    add_rows(case, [Row("2026-03-13T20:00:00+00:00", "", direction="out", kind="call", channel="call")])
    assert no_contact_status(case, today=TODAY).days_since_reader_contact == 5


@pytest.mark.parametrize(("body", "expected"), [
    ("Mia's inhaler is in the front pocket of her bag.", True),
    ("The child support went out today.", True),
    ("Parents' evening is on Thursday at 6.", True),
    ("My lawyer will reply about the consent order.", True),
    ("Can we get dinner, just the two of us?", False),
    ("I still love you. Come back home.", False),
    ("How are you doing?", False),
    ("Ok.", False),  # an acknowledgement with no logistics message before it
])
def test_what_counts_as_logistics(case: Case, body: str, expected: bool) -> None:
    add_rows(case, [Row("2026-03-05T10:00:00+00:00", body, direction="out")])
    (stored,) = list(case.messages())
    assert is_logistics(stored) is expected


def test_the_mode_is_kept_and_a_bad_one_is_refused(case: Case) -> None:
    set_contact_mode(case, "low-contact")
    set_contact_mode(case, "no-contact")
    assert contact_mode(case) == "no-contact"
    with pytest.raises(InputError, match="'sometimes' is not a mode"):
        set_contact_mode(case, "sometimes")


def test_cli_sets_the_mode_and_shows_weeks_as_dates(case: Case, case_path: Path, ids: list[int],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    case.close()
    result = runner.invoke(app, ["nocontact", str(case_path), "--mode", "low-contact", "--today", "2026-03-18"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Days since you last contacted them beyond logistics: 26" in out
    assert "Logistics messages you sent since then, not counted: 4" in out
    assert "week of" in out and "  2026-03-02         1      0" in out and "W1" not in out
    again = runner.invoke(app, ["nocontact", str(case_path), "--today", "2026-03-18"])
    assert "beyond logistics: 26" in again.stdout  # the mode is kept in the case
    bad = runner.invoke(app, ["nocontact", str(case_path), "--mode", "sometimes"])
    assert bad.exit_code == 2 and bad.stderr.strip() == (
        "greyrock: --mode: 'sometimes' is not a mode. Modes: no-contact, low-contact.")
