"""`greyrock case …` and `greyrock journal …` through the CLI: exit codes and JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock.cli import app

runner = CliRunner()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", "a long case passphrase")


@pytest.fixture
def export(tmp_path: Path) -> Path:
    p = tmp_path / "texts.csv"
    p.write_text(
        "timestamp,sender,body\n"
        "2024-03-01T17:02:00+00:00,+1 202 555 0147,Pick-up is 5pm Saturday\n"
        "2024-03-06T23:41:00+00:00,+1 202 555 0147,Watch your back\n",
        encoding="utf-8",
    )
    return p


def test_create_import_verify_stats_messages(env: None, tmp_path: Path, export: Path) -> None:
    case = tmp_path / "c.grc"
    assert runner.invoke(app, ["case", "create", str(case)]).exit_code == 0
    result = runner.invoke(app, ["case", "import", str(case), str(export), "--contact", "+1 (202) 555-0147", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["imports"][0]["added"] == 2 and data["imports"][0]["formats"] == ["csv"]
    again = json.loads(runner.invoke(app, ["case", "import", str(case), str(export), "--json"]).stdout)
    assert again["imports"][0]["already_imported"] is True and again["fingerprint"] == data["fingerprint"]

    verify = runner.invoke(app, ["case", "verify", str(case)])
    assert verify.exit_code == 0 and data["fingerprint"] in verify.stdout

    stats = json.loads(runner.invoke(app, ["case", "stats", str(case), "--json"]).stdout)
    assert stats == {"messages": 2, "originals": 1, "incidents": 0, "by_label": {"logistics": 1, "threat": 1},
                     "first": "2024-03-01T17:02:00+00:00", "last": "2024-03-06T23:41:00+00:00",
                     "fingerprint": data["fingerprint"], "timezone": "UTC"}

    rows = [json.loads(line) for line in runner.invoke(app, ["case", "messages", str(case), "--json", "--since", "2024-03-02"]).stdout.splitlines()]
    assert [r["body"] for r in rows] == ["Watch your back"]


def test_wrong_passphrase_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "c.grc"
    monkeypatch.setenv("GREYROCK_PASSPHRASE", "the right one, with hazel and quartz")
    assert runner.invoke(app, ["case", "create", str(case)]).exit_code == 0
    monkeypatch.setenv("GREYROCK_PASSPHRASE", "the wrong one, with hazel and quartz")
    result = runner.invoke(app, ["case", "stats", str(case)])
    assert result.exit_code == 3
    assert result.stderr.strip() == "greyrock: Cannot open c.grc: wrong passphrase, or the case file is damaged."


def test_missing_case_and_damaged_case(env: None, tmp_path: Path) -> None:
    result = runner.invoke(app, ["case", "verify", str(tmp_path / "none.grc")])
    assert result.exit_code == 2 and "no case file here" in result.stderr
    junk = tmp_path / "junk.grc"
    junk.write_bytes(b"GRC\x01" + b"\x00" * 5000)
    result = runner.invoke(app, ["case", "verify", str(junk)])
    assert result.exit_code in (1, 2, 3) and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_verify_exits_1_when_tampered(env: None, tmp_path: Path, export: Path) -> None:
    from tests.conftest import edit_behind_greyrocks_back

    case = tmp_path / "c.grc"
    runner.invoke(app, ["case", "create", str(case)])
    runner.invoke(app, ["case", "import", str(case), str(export)])
    edit_behind_greyrocks_back(case, "a long case passphrase", "UPDATE messages SET body = 'Pick-up is 6pm Saturday' WHERE id = 1")
    result = runner.invoke(app, ["case", "verify", str(case)])
    assert result.exit_code == 1
    # Entries: 1 meta, 2 the time zone recorded at creation, 3 the original, 4 the message.
    assert "chain entry 4: the message with id 1 (line 2) was changed" in result.stderr


def test_journal_add_from_json_and_list(env: None, tmp_path: Path) -> None:
    case = tmp_path / "c.grc"
    runner.invoke(app, ["case", "create", str(case)])
    answers = tmp_path / "entry.json"
    answers.write_text(json.dumps({"when": "2024-03-06T23:40", "where": "home",
                                   "what_happened": "Banged on the door for ten minutes"}))
    result = runner.invoke(app, ["journal", "add", str(case), "--json", str(answers)])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["journal", "list", str(case), "--json"]).stdout)
    assert [(e["when"], e["what_happened"]) for e in listed] == [("2024-03-06T23:40:00", "Banged on the door for ten minutes")]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(app, ["journal", "add", str(case), "--json", str(bad)])
    assert result.exit_code == 2 and "bad.json: not a readable JSON file" in result.stderr


def test_passwd_and_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, export: Path) -> None:
    case = tmp_path / "c.grc"
    first, second, third = "first: otter lantern cobalt", "second: fennel harbor quill", "third: tundra pewter lilac"
    monkeypatch.setenv("GREYROCK_PASSPHRASE", first)
    runner.invoke(app, ["case", "create", str(case)])
    runner.invoke(app, ["case", "import", str(case), str(export)])
    monkeypatch.setenv("GREYROCK_NEW_PASSPHRASE", second)
    assert runner.invoke(app, ["case", "passwd", str(case)]).exit_code == 0
    assert runner.invoke(app, ["case", "stats", str(case)]).exit_code == 3
    monkeypatch.setenv("GREYROCK_PASSPHRASE", second)
    monkeypatch.setenv("GREYROCK_BACKUP_PASSPHRASE", third)
    assert runner.invoke(app, ["case", "backup", str(case), str(tmp_path / "b.grc")]).exit_code == 0
    monkeypatch.setenv("GREYROCK_PASSPHRASE", third)
    stats = json.loads(runner.invoke(app, ["case", "stats", str(tmp_path / "b.grc"), "--json"]).stdout)
    assert stats["messages"] == 2
