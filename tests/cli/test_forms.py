"""Interactive forms (journal add, call note): each answer checked as it is given and asked
again, free-text dates read and confirmed, and nothing typed lost to a later error."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import _when, journal, vault
from greyrock.cli import app
from greyrock.errors import InputError
from tests.conftest import CHEAP, PASS

runner = CliRunner()
NOW = datetime(2026, 12, 5, 20, 0)  # a Saturday evening


@pytest.fixture
def case_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "case.grc"
    vault.create_case(path, PASS, kdf=CHEAP).close()
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    return path


def _entries(path: Path) -> list[dict]:
    with vault.open_case(path, PASS) as c:
        return journal.entries(c)


def _last(month: int, day: int, hour: int) -> datetime:
    """The latest such moment not in the future, as a form reads "March 16 around 1am"."""
    now = datetime.now()
    moment = datetime(now.year, month, day, hour)
    return moment if moment <= now else moment.replace(year=now.year - 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("March 16 around 1am", datetime(2026, 3, 16, 1, 0)),
    ("yesterday 9pm", datetime(2026, 12, 4, 21, 0)),
    ("last night 11:30pm", datetime(2026, 12, 4, 23, 30)),
    ("last night 1am", datetime(2026, 12, 5, 1, 0)),
    ("Saturday 10pm", datetime(2026, 11, 28, 22, 0)),  # this Saturday's 10pm has not come yet
    ("Dec 25 9pm", datetime(2025, 12, 25, 21, 0)),  # no year: the last December 25 that has been
    ("the 16th of March 2024 at 1.30pm", datetime(2024, 3, 16, 13, 30)),
    ("16/03/2024 01:00", datetime(2024, 3, 16, 1, 0)),
    ("16.03.2024 1am", datetime(2024, 3, 16, 1, 0)),
    ("2 days ago 3pm", datetime(2026, 12, 3, 15, 0)),
    ("1 in the morning on march 3", datetime(2026, 3, 3, 1, 0)),
    ("9 at night", datetime(2026, 12, 4, 21, 0)),
])
def test_free_text_dates_are_understood(text: str, expected: datetime) -> None:
    understood = _when.understand(text, NOW)
    assert (understood.value, understood.exact) == (expected, False)


def test_iso_is_taken_as_written() -> None:
    assert _when.understand("2024-03-06 23:40", NOW) == _when.Understood(datetime(2024, 3, 6, 23, 40), True)
    assert _when.understand("March 16 around 1am", NOW).describe() == "Monday 16 March 2026, 01:00"


@pytest.mark.parametrize(("text", "why"), [
    ("3/4/2024 1am", "'3/4/2024' could be day-first or month-first."),
    ("March 16", "the time is missing"),
    ("the day he came 1am", "could not read 'day he came' as part of a date."),
    ("tomorrow 9pm", "could not read 'tomorrow'"),
    ("the 16th around 1am", "the month is missing; write it as a word (March 16)."),
    ("2027-01-01 9pm", "2027-01-01 21:00 is in the future."),
    ("2027-01-01 21:00", "2027-01-01 21:00 is in the future."),  # ISO too: an incident has happened
    ("13/13/2024 1am", "2024-13-13 is not a day of the calendar."),
    ("25:00 today", "'25:00' is not a time."),
])
def test_unreadable_dates_are_refused_with_an_example(text: str, why: str) -> None:
    with pytest.raises(InputError) as err:
        _when.understand(text, NOW)
    assert why in str(err.value) and "e.g. 2024-03-16 01:00, March 16 around 1am" in str(err.value)


def test_journal_json_refuses_a_moment_in_the_future(case_file: Path, tmp_path: Path) -> None:
    answers = tmp_path / "entry.json"
    answers.write_text(json.dumps({"when": "2099-01-01 10:00", "what_happened": "He was at the school gate."}), encoding="utf-8")
    result = CliRunner().invoke(app, ["journal", "add", str(case_file), "--json", str(answers)])
    assert result.exit_code == 2 and "'when' '2099-01-01 10:00' is in the future." in result.stderr
    assert _entries(case_file) == []


def test_journal_add_reads_march_16_around_1am_and_confirms_it(case_file: Path) -> None:
    answers = ["March 16 around 1am", "y", "At home", "He broke the door.", "", "", "", "", ""]
    result = runner.invoke(app, ["journal", "add", str(case_file)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    expected = _last(3, 16, 1)
    assert f"Understood as {expected:%A} {expected.day} {expected:%B %Y}, 01:00. Is that right?" in result.output
    [entry] = _entries(case_file)
    assert (entry["when"], entry["where"], entry["what_happened"]) == (expected.isoformat(), "At home",
                                                                       "He broke the door.")


def test_journal_add_asks_again_and_keeps_every_earlier_answer(case_file: Path, tmp_path: Path) -> None:
    photo = tmp_path / "door.jpg"
    photo.write_bytes(b"\xff\xd8 a photo")
    answers = [
        "the night he came", "March 16 around 1am", "n", "2024-03-16 01:10",  # unread; read but wrong; exact
        "At home", "", "He broke the door.", "A bruise", "Sam (neighbour)", "CR-1", "",
        str(tmp_path / "missing.jpg"), str(photo),  # a file that is not there is asked again
    ]
    result = runner.invoke(app, ["journal", "add", str(case_file)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Not understood: could not read 'he came' as part of a date." in result.output
    assert "Then please write it again, e.g." in result.output
    assert f"cannot read attachment {tmp_path / 'missing.jpg'} (no such file)." in result.output
    [entry] = _entries(case_file)
    assert entry["when"] == "2024-03-16T01:10:00"
    assert (entry["where"], entry["what_happened"], entry["injuries"], entry["witnesses"], entry["police_report"]) == (
        "At home", "He broke the door.", "A bruise", "Sam (neighbour)", "CR-1")
    assert [f["name"] for f in entry["files"]] == ["door.jpg"]


def test_call_note_reads_yesterday_9pm(case_file: Path) -> None:
    answers = ["yesterday 9pm", "y", "Alex called me", "Bring the kids at 5.", "", "", ""]
    result = runner.invoke(app, ["call", "note", str(case_file)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    [entry] = _entries(case_file)
    yesterday = (datetime.now() - timedelta(days=1)).replace(hour=21, minute=0, second=0, microsecond=0)
    assert entry["when"] == yesterday.isoformat()
    assert "What they said: Bring the kids at 5." in entry["what_happened"]


def test_the_passphrase_is_checked_before_any_question(case_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", "not the passphrase")
    result = runner.invoke(app, ["journal", "add", str(case_file)], input="March 16 around 1am\n")
    assert result.exit_code == 3
    assert "When did it happen?" not in result.output
    assert _entries(case_file) == []
