"""`greyrock reply`, `greyrock tone` and `greyrock call` through the CLI: JSON shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import journal, vault
from greyrock.cli import app
from tests.reply.test_case_features import make_case
from tests.vault.conftest import PASS

runner = CliRunner()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)


def _one_error_line(result, code: int, words: str) -> None:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], lines
    assert "Traceback" not in result.output


def test_reply_text_json_for_a_practical_request() -> None:
    text = "Mia has a dentist appointment on Tuesday 12 March at 3:30pm. Can you take her?"
    result = runner.invoke(app, ["reply", "--text", text, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) >= {"advice", "why", "drafts", "summary", "labels"}
    assert out["advice"] == "reply" and "logistics" in out["labels"]
    assert out["drafts"][0] == "Confirmed: the appointment on Tuesday 12 March at 3:30pm."
    assert 2 <= len(out["drafts"]) <= 3 and all(isinstance(d, str) for d in out["drafts"])


def test_reply_text_json_for_plain_abuse_is_no_reply() -> None:
    result = runner.invoke(app, ["reply", "--text", "You are a worthless, pathetic excuse for a mother.", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["advice"] == "no_reply" and out["drafts"] == [] and out["why"]


def test_reply_human_output_escapes_hostile_control_characters() -> None:
    result = runner.invoke(app, ["reply", "--text", "\x1b]0;pwned\x07 Can you confirm pick-up at 5pm Saturday?"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Advice:" in result.stdout


@pytest.mark.parametrize(("args", "words"), [
    (["reply"], "give --text"),
    (["reply", "--text", "  "], "--text: the message is empty."),
    (["reply", "some.grc"], "CASE --pending"),
    (["tone", ""], "tone: the draft is empty."),
])
def test_bad_usage_is_one_line_and_exit_2(args: list[str], words: str) -> None:
    _one_error_line(runner.invoke(app, args), 2, words)


def test_reply_pending_json(env: None, tmp_path: Path) -> None:
    case = make_case(tmp_path / "case.grc")
    result = runner.invoke(app, ["reply", str(case), "--pending", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["summary"] for r in rows] == [
        "The school trip is $30, can you send me half by Friday?",
        "Are you taking her to the dentist on the 12th or shall I?",
    ]
    assert rows[0]["advice"] == "reply" and rows[0]["drafts"][0].endswith("$30, by Friday.")
    human = runner.invoke(app, ["reply", str(case), "--pending"])
    assert human.exit_code == 0 and "Confirmed: I'll do it, the appointment on the 12th." in human.stdout


def test_reply_pending_wrong_passphrase_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = make_case(tmp_path / "case.grc")
    monkeypatch.setenv("GREYROCK_PASSPHRASE", "not the passphrase")
    assert runner.invoke(app, ["reply", str(case), "--pending"]).exit_code == 3


def test_tone_json_shape_and_rewrite() -> None:
    result = runner.invoke(app, ["tone", "Sorry, I was late because the bus broke down. Pick-up is 5pm.", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"flags", "rewrite"}
    assert [(f["kind"], f["text"]) for f in out["flags"]] == [
        ("apologising", "Sorry"), ("justifying", "because the bus broke down"),
    ]
    assert out["rewrite"] == "I was late. Pick-up is 5pm."


def test_tone_flags_a_routine_and_keeps_only_the_handover() -> None:
    result = runner.invoke(app, ["tone", "I'm at work until 5 every day, so pick-up at 6 works.", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [(f["kind"], f["text"]) for f in out["flags"]] == [
        ("reveals_location_or_plans", "I'm at work until 5 every day"),
    ]
    assert out["rewrite"] == "Pick-up at 6 works."


def test_tone_with_the_classifier_flags_an_unmistakable_insult() -> None:
    result = runner.invoke(app, ["tone", "You are a disgusting excuse for a human being.", "--json", "--model"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert "insult_or_threat" in [f["kind"] for f in out["flags"]]
    assert out["rewrite"] == "Noted."


def test_tone_reads_stdin_and_prints_flags_for_people() -> None:
    result = runner.invoke(app, ["tone", "-"], input="You always do this.\n")
    assert result.exit_code == 0, result.output
    assert 'absolute: "always"' in result.stdout and "Grey-rock rewrite:" in result.stdout


def test_call_script_prints_the_steps() -> None:
    result = runner.invoke(app, ["call", "script"])
    assert result.exit_code == 0
    assert 'Say: "I\'ll reply in writing."' in result.stdout


def test_call_note_from_json_is_filed_in_the_journal(env: None, tmp_path: Path) -> None:
    case = make_case(tmp_path / "case.grc")
    answers = tmp_path / "call.json"
    answers.write_text(json.dumps({"when": "2024-03-06 18:05", "who": "Alex called me", "said": "Be there at 6.",
                                   "agreed": "I said I'd reply in writing."}), encoding="utf-8")
    result = runner.invoke(app, ["call", "note", str(case), "--json", str(answers)])
    assert result.exit_code == 0, result.output
    assert "journal entry" in result.stdout
    with vault.open_case(case, PASS) as c:
        [entry] = journal.entries(c)
    assert entry["where"] == "By phone" and "What they said: Be there at 6." in entry["what_happened"]


def test_call_note_bad_json_is_exit_2(env: None, tmp_path: Path) -> None:
    case = make_case(tmp_path / "case.grc")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    _one_error_line(runner.invoke(app, ["call", "note", str(case), "--json", str(bad)]), 2, "bad.json")
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({"when": "2024-03-06 18:05"}), encoding="utf-8")
    _one_error_line(runner.invoke(app, ["call", "note", str(case), "--json", str(missing)]), 2, "'who' is required")
