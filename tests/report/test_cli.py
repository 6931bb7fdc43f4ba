"""`greyrock timeline` and `greyrock report` through the CLI: JSON shape, files, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from greyrock.cli import app

from .conftest import PASS, Built, build_case, tamper

runner = CliRunner()


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)


def test_timeline_json_follows_the_contract(built: Built) -> None:
    result = runner.invoke(app, ["timeline", str(built.path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"days", "first_threat", "trend"} <= data.keys()
    assert set(data["days"][0]) >= {"date", "messages", "calls", "by_label"}
    assert (data["first_threat"], data["trend"]) == ("2024-03-04T23:10:00-05:00", "rising")


def test_timeline_from_to(built: Built) -> None:
    result = runner.invoke(app, ["timeline", str(built.path), "--json", "--from", "2024-03-02", "--to", "2024-03-03"])
    assert [(d["date"], d["messages"]) for d in json.loads(result.stdout)["days"]] == [("2024-03-02", 2),
                                                                                     ("2024-03-03", 0)]


def test_report_writes_pdf_csv_and_json(built: Built, tmp_path: Path) -> None:
    out, csv_out, json_out = tmp_path / "r.pdf", tmp_path / "m.csv", tmp_path / "r.json"
    result = runner.invoke(app, ["report", str(built.path), "--out", str(out), "--csv", str(csv_out),
                                 "--json", str(json_out)])
    assert result.exit_code == 0, result.output
    fingerprint = json.loads(json_out.read_text(encoding="utf-8"))["integrity"]["fingerprint"]
    assert f"fingerprint {fingerprint}" in result.stdout
    pages = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages
    assert f"written: {out} ({len(pages)} pages)" in result.stdout
    assert csv_out.read_bytes().count(b"\r\n") > 10
    assert f"{csv_out} holds their messages exactly as sent: open it through a spreadsheet's import" in result.stdout


def test_report_html(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(built.path), "--out", str(out), "--html", "--labels", "threat"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Watch your back" in page and "Pick-up is 5pm" not in page


@pytest.mark.parametrize(("args", "message"), [
    ([], "--out: name the file to write the report to"),
    (["--out", "{case}"], "this is the case file"),
    (["--out", "{tmp}/r.pdf", "--from", "March"], "--from: 'March' is not a date like 2024-03-01."),
    (["--out", "{tmp}/r.pdf", "--from", "2024-03-05", "--to", "2024-03-01"], "--from 2024-03-05 is after --to"),
    (["--out", "{tmp}/r.pdf", "--labels", "threat,rude"], "--labels: unknown label(s) rude."),
    (["--out", "{tmp}/nowhere/r.pdf"], "does not exist"),
])
def test_bad_options_exit_2_with_one_line(built: Built, tmp_path: Path, args: list[str], message: str) -> None:
    args = [a.format(case=built.path, tmp=tmp_path) for a in args]
    result = runner.invoke(app, ["report", str(built.path), *args])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_report_on_a_tampered_case_is_written_and_exits_1(tmp_path: Path) -> None:
    built = build_case(tmp_path, calls=False, settings=False)
    tamper(built.path, "UPDATE messages SET body = 'Nothing happened' WHERE id = 6")
    out = tmp_path / "r.pdf"
    result = runner.invoke(app, ["report", str(built.path), "--out", str(out)])
    assert result.exit_code == 1
    assert "NOT INTACT: chain entry" in result.stderr and "fingerprint" not in result.stdout
    assert "INTEGRITY CHECK FAILED" in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
