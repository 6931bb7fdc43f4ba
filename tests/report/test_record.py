"""Gathering the record: who sent what, the case's settings, and what the reader is told."""

from __future__ import annotations

from pathlib import Path

from greyrock import report, vault

from .conftest import OTHER, PASS, build_case

ROWS_SMALL = [
    ("2024-03-01T09:00:00-05:00", OTHER, "Pick-up is 5pm", "in", "sms", ["logistics"]),
    ("2024-03-01T09:05:00-05:00", "me", "Confirmed.", "out", "sms", None),
]


def test_case_name_defaults_to_the_file_name_and_a_bad_setting_becomes_a_note(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    built = build_case(tmp_path, ROWS_SMALL, calls=False, settings=False)
    with vault.open_case(built.path, PASS) as case:
        with case.transaction():
            case.add_record("setting", {"separation_date": "soon", "timezone": "Mars/Olympus"})
        record = report.gather(case)
    assert record.case_name == "case" and record.timeline.separation_date is None
    assert record.notes == (
        "setting separation_date 'soon' is not a date (YYYY-MM-DD); ignored.",
        "the case's time zone 'Mars/Olympus' is not known on this computer; Asia/Kolkata is used.",
    )


def test_a_message_without_direction_is_theirs_only_when_it_comes_from_their_number(tmp_path: Path) -> None:
    rows = ROWS_SMALL + [
        ("2024-03-02T10:00:00-05:00", OTHER, "No direction, their number", "", "whatsapp", []),
        ("2024-03-02T11:00:00-05:00", "Sam", "No direction, someone else", "", "whatsapp", []),
    ]
    built = build_case(tmp_path, rows, calls=False, settings=False)
    with vault.open_case(built.path, PASS) as case:
        record = report.gather(case)
    assert [e.message.body for e in record.log] == ["Pick-up is 5pm", "Confirmed.", "No direction, their number"]
    assert record.notes == ("1 message is left out because 1 address has no role yet (Sam); give each one with "
                            "'greyrock case people case.grc --other ID' or '--third ID'.",)
