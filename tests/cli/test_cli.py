"""The command-line contract of cli.md: output shape, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock.cli import app

runner = CliRunner()


def test_formats_lists_every_registered_format() -> None:
    result = runner.invoke(app, ["formats"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names[:3] == ["sms-xml", "calls-xml", "whatsapp"]
    assert "csv" in names and "google-voice" in names and len(names) == 13


def test_parse_prints_json_lines_oldest_first(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "timestamp,sender,body\n"
        "2024-03-02T09:00:00+00:00,+1 (202) 555-0147,second\n"
        "2024-03-01T09:00:00+00:00,+1 (202) 555-0147,first\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["parse", str(export), "--region", "US"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["body"] for r in rows] == ["first", "second"]
    assert rows[0]["sender"] == "+12025550147"
    assert rows[0]["timestamp"] == "2024-03-01T09:00:00+00:00" and rows[0]["tz_known"] is True
    assert rows[0]["source"] == {"file": "export.csv", "locator": "line 3"}
    assert set(rows[0]) >= {"timestamp", "tz_known", "channel", "kind", "direction", "sender",
                            "sender_name", "recipients", "body", "attachments", "source"}


def test_hostile_control_characters_are_escaped_in_json(tmp_path: Path) -> None:
    export = tmp_path / "x.csv"
    export.write_text("timestamp,sender,body\n2024-01-01T00:00:00,a,\"\x1b]0;pwned\x07 \x9b31m \u202egnp.exe\"\n", encoding="utf-8")
    result = runner.invoke(app, ["parse", str(export)])
    assert result.exit_code == 0
    line = result.stdout.splitlines()[0]
    assert "\x1b" not in line and "\x9b" not in line and "\u202e" not in line
    assert json.loads(line)["body"] == "\x1b]0;pwned\x07 \x9b31m \u202egnp.exe"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["parse", "/nonexistent/export.xml"], "no such file"),
        (["parse", "{empty}"], "empty.txt: the file is empty"),
        (["parse", "{junk}"], "junk.bin: not an export greyrock recognises"),
        (["parse", "{junk}", "--format", "nope"], "unknown format 'nope'"),
        (["parse", "{badzip}"], "broken.zip: not a readable zip file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)
    paths = {"empty": tmp_path / "empty.txt", "junk": tmp_path / "junk.bin", "badzip": tmp_path / "broken.zip"}
    argv = [a.format(**paths) for a in args]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]
    assert "Traceback" not in result.output


def test_installed_entry_point_reports_errors_without_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "chat.txt"
    empty.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "greyrock", "parse", str(empty)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "greyrock: chat.txt: the file is empty."


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    import typer.main

    def walk(group, prefix):
        for name, command in group.commands.items():
            full = f"{prefix} {name}"
            if hasattr(command, "commands"):
                yield from walk(command, full)
            else:
                yield full, command

    commands = list(walk(typer.main.get_command(app), "greyrock"))
    assert len(commands) >= 10
    for name, command in commands:
        assert (command.help or "").strip(), f"{name} has no help"
        assert f"`{name}" in readme, f"{name} is not documented in README.md"
        shown = runner.invoke(app, [*name.split()[1:], "--help"])  # help text is Rich markup: "[/x]" broke one
        assert shown.exit_code == 0 and "Usage" in shown.output, f"{name} --help: {shown.output[-300:]}"


@pytest.mark.parametrize(("args", "expected"), [
    (["nosuchcmd"], "greyrock: No such command 'nosuchcmd'. (see greyrock --help)"),
    (["--bogus"], "greyrock: No such option: --bogus (see greyrock --help)"),
    (["parse"], "greyrock: Missing argument 'path'. (see greyrock parse --help)"),
])
def test_a_usage_mistake_is_one_line_and_exit_2(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args, prog_name="greyrock")
    assert (result.exit_code, result.stderr.strip()) == (2, expected)


def test_a_question_left_unanswered_at_the_end_of_input_exits_2() -> None:
    result = runner.invoke(app, ["risk"], input="")  # no --answers and nothing on stdin: a script's mistake
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "greyrock: no answer: standard input ended at a question; run it in a terminal, or give the answers "
        "as options (see --help)."]


def test_ctrl_c_at_a_question_exits_130(tmp_path: Path) -> None:
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "greyrock", "risk"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()  # the first line is printed before the first question waits
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err.decode()
    assert err.decode().strip().splitlines()[-1] == "greyrock: interrupted."


def test_human_output_shows_what_could_drive_a_terminal_as_escapes() -> None:
    from greyrock.cli._output import safe_text

    assert safe_text("a\x1b[2Jb\u2028c\u200fd\u061ce\u202ef\tg\nh") == \
        "a\\x1b[2Jb\\u2028c\\u200fd\\u061ce\\u202ef\tg\nh"


def test_json_lines_escape_what_could_drive_a_terminal() -> None:
    from greyrock.cli._output import dumps, json_line

    hostile = {"body": "a\u202eb\x9b[2Jc\u2028d\x7fe\u061cf caf\u00e9 \u2764\ufe0f \U0001f600", "n": [1, None]}
    line = json_line(hostile)
    assert line.endswith(b"\n") and json.loads(line) == hostile
    for raw in ("\u202e", "\x9b", "\u2028", "\x7f", "\u061c"):
        assert raw.encode() not in line
    assert b"\\u202e" in line and b"\\u009b" in line and "caf\u00e9".encode() in line
    # a lone surrogate, which orjson refuses, still becomes a line (through json)
    assert json.loads(json_line({"body": "x\ud83dy"})) == {"body": "x\ud83dy"}
    assert json.loads(dumps(hostile)) == hostile


def test_eval_of_several_sets_puts_them_side_by_side(tmp_path: Path) -> None:
    written = tmp_path / "written.jsonl"
    written.write_text("\n".join(json.dumps(r) for r in [
        {"text": "I will kill you if you take her", "labels": ["threat"]},
        {"text": "Pick-up is at 5 on Friday, can you confirm?", "labels": ["logistics"], "needs_reply": True},
    ]) + "\n", encoding="utf-8")
    everyday = tmp_path / "everyday.jsonl"
    everyday.write_text(json.dumps({"text": "what did you have for lunch", "labels": []}) + "\n", encoding="utf-8")

    result = runner.invoke(app, ["eval", str(written), str(everyday)])

    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[0] == "== written.jsonl ==" and "== everyday.jsonl ==" in out
    table = out[-3:]  # the last table: a header and a line a set
    assert table[0].split()[:4] == ["set", "n", "threat", "P"]
    assert table[1].split()[:2] == ["written.jsonl", "2"] and table[2].split()[:2] == ["everyday.jsonl", "1"]
    both = json.loads(runner.invoke(app, ["eval", str(written), str(everyday), "--json"]).stdout)
    assert set(both["sets"]) == {"written.jsonl", "everyday.jsonl"} and both["sets"]["everyday.jsonl"]["messages"] == 1
