"""Case-level reply features: the pending list and the call note filed in the journal.
Findings are added by hand so the results are exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from greyrock import journal, pipeline, vault
from greyrock.errors import InputError
from greyrock.reply import CALL_SCRIPT, add_call_note, pending
from tests.vault.conftest import CHEAP, PASS

ROWS = [
    # (timestamp, direction, body, finding or None)
    ("2024-03-01T09:00:00+00:00", "in", "Can you confirm pick-up at 5pm on Saturday?",
     {"labels": ["logistics"], "needs_reply": True, "summary": "Can you confirm pick-up at 5pm on Saturday?"}),
    ("2024-03-01T10:00:00+00:00", "out", "Confirmed: pick-up at 5pm on Saturday.", None),
    ("2024-03-02T08:00:00+00:00", "in", "You are useless.",
     {"labels": ["verbal_abuse"], "needs_reply": False, "summary": ""}),
    ("2024-03-02T09:00:00+00:00", "in", "The school trip is $30, can you send me half by Friday? Useless as ever.",
     {"labels": ["verbal_abuse", "logistics"], "needs_reply": True, "tactics": ["name calling"],
      "summary": "The school trip is $30, can you send me half by Friday?"}),
    ("2024-03-03T09:00:00+00:00", "in", "Are you taking her to the dentist on the 12th or shall I?",
     {"labels": ["logistics"], "needs_reply": True, "summary": "Are you taking her to the dentist on the 12th or shall I?"}),
]


def make_case(path: Path, rows: list = ROWS) -> Path:
    export = path.parent / "texts.csv"
    lines = ["timestamp,sender,direction,body"]
    for ts, direction, body, _ in rows:
        sender = "me" if direction == "out" else "+12025550147"
        lines.append(f'{ts},{sender},{direction},"{body}"')
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with vault.create_case(path, PASS, kdf=CHEAP) as case:
        pipeline.import_export(case, export)
        by_body = {body: finding for _, _, body, finding in rows}
        with case.transaction():
            for stored in case.messages():
                finding = by_body[stored.message.body]
                if finding is not None:
                    full = {"tactics": [], "scores": {}, "spans": [], "danger": [], **finding}
                    case.add_finding(stored.id, "test", full)
    return path


def test_pending_lists_unanswered_messages_that_need_a_reply(tmp_path: Path) -> None:
    path = make_case(tmp_path / "case.grc")
    with vault.open_case(path, PASS) as case:
        waiting = pending(case)
    assert [p.advice.summary for p in waiting] == [
        "The school trip is $30, can you send me half by Friday?",
        "Are you taking her to the dentist on the 12th or shall I?",
    ]
    assert [p.timestamp for p in waiting] == ["2024-03-02T09:00:00+00:00", "2024-03-03T09:00:00+00:00"]
    assert waiting[0].advice.drafts[0].text == "Confirmed: I'll pay my half of the school trip, $30, by Friday."
    assert waiting[1].advice.drafts[0].text == "Confirmed: I'll do it, the appointment on the 12th."
    out = waiting[0].to_dict()
    assert set(out) >= {"id", "timestamp", "channel", "advice", "why", "drafts", "summary", "labels"}
    assert "Useless" not in str(out)  # only the shielded summary is shown, never the abuse


def test_a_later_reply_from_the_reader_clears_what_came_before(tmp_path: Path) -> None:
    rows = [*ROWS, ("2024-03-04T09:00:00+00:00", "out", "Noted.", None)]
    path = make_case(tmp_path / "case.grc", rows)
    with vault.open_case(path, PASS) as case:
        assert pending(case) == []


def test_call_note_is_filed_as_a_journal_entry(tmp_path: Path) -> None:
    with vault.create_case(tmp_path / "c.grc", PASS, kdf=CHEAP) as case:
        entry_id = add_call_note(case, {
            "when": "2024-03-06 18:05", "who": "Alex called me", "said": "Have them ready by 6 or else.",
            "agreed": "Nothing; I said I'd reply in writing.", "threatening": "or else",
        })
        [entry] = journal.entries(case)
    assert entry["id"] == entry_id
    assert entry["when"] == "2024-03-06T18:05:00" and entry["where"] == "By phone"
    assert entry["what_happened"] == (
        "Phone call.\nWho called: Alex called me\nWhat they said: Have them ready by 6 or else.\n"
        "What was agreed: Nothing; I said I'd reply in writing.\nAnything threatening: or else"
    )


@pytest.mark.parametrize(("answers", "message"), [
    ({"when": "2024-03-06 18:05", "who": "Alex"}, "call note: 'said' is required."),
    ({"when": "yesterday", "who": "Alex", "said": "x"}, "'when' must be a date and time"),
    ({"when": "2024-03-06 18:05", "who": "Alex", "said": "x", "mood": "bad"}, "unknown field(s) mood"),
])
def test_call_note_rejects_incomplete_answers(tmp_path: Path, answers: dict, message: str) -> None:
    with vault.create_case(tmp_path / "c.grc", PASS, kdf=CHEAP) as case:
        with pytest.raises(InputError) as err:
            add_call_note(case, answers)
        assert message in str(err.value)
        assert journal.entries(case) == []


def test_call_script_ends_in_writing() -> None:
    says = [s.say for s in CALL_SCRIPT if s.say]
    assert "I'll reply in writing." in says
    assert says[-1] == "I'll reply in writing. Goodbye."
