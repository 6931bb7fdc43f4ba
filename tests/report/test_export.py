"""CSV and JSON exports: the same record as the PDF, every character of every message exact."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from greyrock import report
from greyrock.report import ReportOptions

from .conftest import HOSTILE, MULTILINE, ROWS


def _csv_rows(record) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(report.to_csv(record), newline="")))


def test_csv_holds_the_exact_original_text(case) -> None:
    rows = _csv_rows(report.gather(case))
    bodies = [r["body"] for r in rows if r["kind"] == "message"]
    expected = [r[2] for r in ROWS if r[1] != "+1 202 555 0199"]  # everyone's but the friend's
    assert bodies == expected
    hostile = next(r for r in rows if r["body"] == HOSTILE)
    assert hostile["suggested_labels"] == "verbal_abuse" and hostile["from"] == "other"
    assert hostile["shown_as"] == "2024-03-06 08:00:00 UTC-05:00" and hostile["sender"] == "+12025550147"


def test_csv_file_is_utf8_for_spreadsheets(case, tmp_path: Path) -> None:
    path = report.write_csv(report.gather(case), tmp_path / "m.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert MULTILINE.encode("utf-8") in raw


def test_json_is_the_whole_record(case, tmp_path: Path) -> None:
    record = report.gather(case)
    data = json.loads(report.write_json(record, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["integrity"]["ok"] is True and data["integrity"]["fingerprint"] == record.integrity.fingerprint
    assert [m["body"] for m in data["threats_and_coercion"]] == [
        "Watch your back. I know where you sleep.", "Sign the papers or you'll never see the kids again.",
        "I'm outside."]
    assert HOSTILE in [m["body"] for m in data["messages"]]
    assert data["timeline"]["first_threat"] == "2024-03-04T23:10:00-05:00"
    assert [s["sign"] for s in data["danger_signs"]] == ["stalking"]
    assert data["danger_signs"][0]["messages"][0]["flagged_text"] == "I know where you sleep"
    assert data["people"] == {"Alex Doe": ["+12025550147"]}
    assert {o["name"] for o in data["originals"]} == {"texts.csv", "calls.xml"}


def test_labels_keep_only_those_messages_of_the_other_person(case) -> None:
    rows = _csv_rows(report.gather(case, ReportOptions(labels=("threat",))))
    assert [r["body"] for r in rows] == ["Watch your back. I know where you sleep.",
                                         "Sign the papers or you'll never see the kids again.", "I'm outside."]


def test_no_own_messages_leaves_the_readers_out(case) -> None:
    everything = _csv_rows(report.gather(case))
    theirs = _csv_rows(report.gather(case, ReportOptions(own_messages=False)))
    assert sorted(r["from"] for r in everything).count("reader") == 2  # "Confirmed." and the outgoing call
    assert {r["from"] for r in theirs} == {"other"} and len(theirs) == len(everything) - 2
