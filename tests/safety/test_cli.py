"""The safety commands through the CLI: cli.md's JSON shapes, exit codes and safe output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import safety, vault
from greyrock.cli import app
from greyrock.vault import Case

from .conftest import PASS, Row, add_rows, finding

runner = CliRunner()
CONTRACT_RESOURCE_KEYS = {"name", "phone", "text", "web", "hours", "source", "checked"}


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)


def _json(args: list[str], code: int = 0):
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def test_risk_answers_json_with_a_grave_sign(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"yes": ["believes_could_kill", "unemployment"], "no": ["weapon"]}), encoding="utf-8")
    data = _json(["risk", "--answers", str(path), "--json"])
    assert set(data) >= {"grave", "signs", "advice", "resources"}
    assert data["grave"] is True
    assert [s["sign"] for s in data["signs"]] == ["believes_could_kill", "unemployment"]
    assert data["advice"].startswith("Talk to a domestic-violence advocate today.")
    assert data["resources"][0]["phone"] == "911" and set(data["resources"][0]) >= CONTRACT_RESOURCE_KEYS


def test_risk_bad_answers_file_exits_2_naming_file_and_id(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"yes": ["gun"]}', encoding="utf-8")
    result = runner.invoke(app, ["risk", "--answers", str(path), "--json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"greyrock: {path}: unknown danger sign 'gun'.")
    assert "Traceback" not in result.output


def test_risk_interactive_asks_each_sign_and_stores_answers_in_the_case(case: Case, case_path: Path) -> None:
    case.close()
    replies = ["n", "maybe", "y"] + ["?"] * 12  # 'maybe' is asked again
    result = runner.invoke(app, ["risk", "--case", str(case_path)], input="\n".join(replies) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("If you are in danger right now, call 911.")
    assert "Please answer y, n or ?." in result.stdout
    assert "Talk to a domestic-violence advocate today." in result.stdout
    assert "not the Danger Assessment" in result.stdout and "Maryland Network Against Domestic Violence" in result.stdout
    assert "1-800-799-7233" in result.stdout
    with vault.open_case(case_path, PASS) as c:
        assert safety.sign_answers(c) == {"weapon": "dismissed", "threat_to_kill": "confirmed"}


def test_risk_suggest_json_shape(case: Case, case_path: Path) -> None:
    (mid,) = add_rows(case, [Row("2024-03-02T22:14:00", "I will kill you", channel="whatsapp",
                                 finding=finding(["threat"], [("threat_to_kill", "I will kill you")]))])
    case.close()
    assert _json(["risk", "suggest", str(case_path), "--json"]) == [
        {"sign": "threat_to_kill", "why": "a message threatens to kill you", "status": "open",
         "messages": [{"id": mid, "timestamp": "2024-03-02T22:14:00+00:00", "channel": "whatsapp",
                       "text": "I will kill you", "words": "I will kill you"}]}]


def test_risk_suggest_text_escapes_hostile_text(case: Case, case_path: Path) -> None:
    add_rows(case, [Row("2024-03-02T22:14:00", "\x1b]0;pwned\x07 I know where you live \u202e",
                        finding=finding(["threat"], [("stalking", "I know where you live")]))])
    case.close()
    result = runner.invoke(app, ["risk", "suggest", str(case_path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout and "\\x1b]0;pwned" in result.stdout


def test_confirm_dismiss_and_separated(case: Case, case_path: Path) -> None:
    case.close()
    ok = runner.invoke(app, ["risk", "confirm", str(case_path), "strangulation"])
    assert ok.exit_code == 0 and "Please talk to a domestic-violence advocate today" in ok.stdout
    assert runner.invoke(app, ["risk", "dismiss", str(case_path), "stalking"]).exit_code == 0
    bad = runner.invoke(app, ["risk", "confirm", str(case_path), "danger"])
    assert bad.exit_code == 2 and bad.stderr.startswith("greyrock: SIGN: unknown danger sign 'danger'.")
    assert runner.invoke(app, ["risk", "separated", str(case_path), "2024-03-01"]).exit_code == 0
    assert runner.invoke(app, ["risk", "separated", str(case_path), "March"]).exit_code == 2
    with vault.open_case(case_path, PASS) as c:
        assert safety.confirmed_signs(c) == ["strangulation"]
        assert safety.separation_date(c).isoformat() == "2024-03-01"


def test_wrong_passphrase_exits_3(case: Case, case_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case.close()
    monkeypatch.setenv("GREYROCK_PASSPHRASE", "not the passphrase")
    for args in (["risk", "suggest", str(case_path), "--json"], ["nocontact", str(case_path), "--json"],
                 ["plan", str(case_path), "--json"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 3 and result.stdout == "", args


def test_help_now_json(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _json(["help-now", "--country", "IE", "--json"])
    assert rows[0]["phone"] == "112 or 999" and rows[1]["phone"] == "1800 341 900"
    assert all(set(r) >= CONTRACT_RESOURCE_KEYS and r["checked"] in ("2026-11-24", "2026-12-05") for r in rows)
    assert [(r["name"], r["phone"]) for r in rows if r["kind"] == "crisis"] == [("Samaritans Ireland", "116 123")]
    monkeypatch.setenv("GREYROCK_REGION", "AU")
    assert _json(["help-now", "--json"])[0]["phone"] == "000"


@pytest.mark.parametrize(("country", "crisis"), [("US", "988"), ("CA", "988"), ("GB", "116 123"), ("IE", "116 123"),
                                                 ("AU", "13 11 14"), ("NZ", "1737")])
def test_help_now_lists_the_crisis_line_beside_the_domestic_violence_lines(country: str, crisis: str) -> None:
    rows = _json(["help-now", "--country", country, "--json"])
    kinds = [r["kind"] for r in rows]
    assert kinds[0] == "emergency" and "helpline" in kinds[1:]
    assert [r["phone"] for r in rows if r["kind"] == "crisis"] == [crisis]
    text = runner.invoke(app, ["help-now", "--country", country]).output
    assert crisis in text


def test_help_now_unknown_country_exits_2_listing_the_known() -> None:
    result = runner.invoke(app, ["help-now", "--country", "ZZ"])
    assert result.exit_code == 2
    assert "no help numbers for 'ZZ'" in result.stderr and "CA (Canada)" in result.stderr


def test_nocontact_json_shape(case: Case, case_path: Path) -> None:
    add_rows(case, [Row("2024-03-04T09:00:00+00:00", "Answer me"),
                    Row("2024-03-01T09:00:00+00:00", "ok", direction="out")])
    case.close()
    data = _json(["nocontact", str(case_path), "--json", "--today", "2024-03-12"])
    assert {k: data[k] for k in ("days_since_reader_contact", "attempts_per_week", "hoovers", "urges")} == {
        "days_since_reader_contact": 11,
        "attempts_per_week": [{"week": "2024-W10", "messages": 1, "calls": 0, "week_of": "2024-03-04"},
                              {"week": "2024-W11", "messages": 0, "calls": 0, "week_of": "2024-03-11"}],
        "hoovers": [], "urges": 0}
    assert (data["mode"], data["logistics_left_out"]) == ("no-contact", 0)
    assert runner.invoke(app, ["nocontact", str(case_path), "--today", "12/03/2024"]).exit_code == 2


def test_nocontact_urge_shows_the_reasons_card(case: Case, case_path: Path, tmp_path: Path) -> None:
    case.close()
    first = runner.invoke(app, ["nocontact", str(case_path), "--urge", "lonely tonight"])
    assert first.exit_code == 0 and "You have not written your reasons card yet" in first.stdout
    card = tmp_path / "reasons.txt"
    card.write_text("The night he choked me.\nThe kids laugh again.\n", encoding="utf-8")
    assert runner.invoke(app, ["nocontact", str(case_path), "--reasons-file", str(card)]).exit_code == 0
    second = runner.invoke(app, ["nocontact", str(case_path), "--urge", "again"])
    assert second.exit_code == 0
    assert "Your reasons for leaving:\n  The night he choked me.\n  The kids laugh again." in second.stdout
    assert _json(["nocontact", str(case_path), "--json"])["urges"] == 2


def test_nocontact_reasons_interactive(case: Case, case_path: Path) -> None:
    case.close()
    result = runner.invoke(app, ["nocontact", str(case_path), "--reasons"], input="I am safer\nI sleep\n\n")
    assert result.exit_code == 0, result.output
    assert _json(["nocontact", str(case_path), "--json"])["reasons"] == "I am safer\nI sleep"


def test_plan_from_json_then_export_html_escapes_hostile_text(case: Case, case_path: Path, tmp_path: Path) -> None:
    case.close()
    hostile = "<script>alert(1)</script>"
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"phase": "after_leaving", "code_word": hostile,
                                "sections": {"safe_places": {"done": ["route"], "notes": hostile}}}), encoding="utf-8")
    saved = _json(["plan", str(case_path), "--from-json", str(plan), "--json"])
    assert saved["code_word"] == hostile and saved["sections"]["safe_places"]["done"] == ["route"]
    out = tmp_path / "plan.html"
    result = runner.invoke(app, ["plan", str(case_path), "--export", str(out), "--country", "GB"])
    assert result.exit_code == 0 and "Keep this plan somewhere safe" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "0808 2000 247" in page


def test_plan_export_without_a_plan_exits_2(case: Case, case_path: Path, tmp_path: Path) -> None:
    case.close()
    result = runner.invoke(app, ["plan", str(case_path), "--export", str(tmp_path / "p.html")])
    assert result.exit_code == 2 and "no safety plan in this case yet" in result.stderr
    assert not (tmp_path / "p.html").exists()


def test_plan_interactive_builds_and_then_edits(case: Case, case_path: Path) -> None:
    case.close()
    # phase 2; code word; advocate name + contact; four roles skipped; 3 support items; notes; then
    # every other section: its items answered n, notes blank.
    answers = ["2", "red kite", "Sam", "555-0100", "", "", "", "", "y", "n", "y", "call Sam first"]
    for section in safety.SECTIONS[1:]:
        answers += ["n"] * len(section.items) + [""]
    result = runner.invoke(app, ["plan", str(case_path)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    data = _json(["plan", str(case_path), "--json"])
    assert data["phase"] == "preparing_to_leave" and data["code_word"] == "red kite"
    assert data["team"] == [{"role": "advocate", "name": "Sam", "contact": "555-0100"}]
    assert data["sections"]["support_team"] == {"done": ["told_someone", "advocate_contacted"],
                                                "notes": "call Sam first"}
    # Editing: Enter keeps everything, '-' clears the code word.
    keep = ["", "-"] + [""] * (2 + 4) + [""] * 4
    for section in safety.SECTIONS[1:]:
        keep += [""] * (len(section.items) + 1)
    assert runner.invoke(app, ["plan", str(case_path)], input="\n".join(keep) + "\n").exit_code == 0
    edited = _json(["plan", str(case_path), "--json"])
    assert edited["code_word"] == "" and edited["team"] == data["team"] and edited["sections"] == data["sections"]
