"""A small, exactly known case for the report tests.

Eleven messages from the other person, one from a friend (role third: no report may show it), the
reader's own message and call, and a calls export. Screening is added by hand so every
label is exact; the case's time zone is New York, where early March is UTC-05:00.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from greyrock import journal, people, pipeline, vault
from greyrock.vault import Case
from tests.conftest import CHEAP, PASS  # noqa: F401  (re-exported for the tests here)

OTHER = "+1 202 555 0147"
OTHER_E164 = "+12025550147"
FRIEND = "+1 202 555 0199"

HOSTILE = 'Hostile <script>alert("x")</script> & 😡👍🏽 “quoted”'
MULTILINE = "Line one\nLine two \u202eevil"
THREATS = {
    # body: the timestamp as every page prints it
    "Watch your back. I know where you sleep.": "2024-03-04 23:10:00 UTC-05:00",
    "Sign the papers or you'll never see the kids again.": "2024-03-05 18:00:00 UTC-05:00",
    "I'm outside.": "2024-03-06 22:00:00 UTC-05:00",
}
JOURNAL_TEXT = "He stood at the door shouting for twenty minutes."

# (timestamp, sender, body, direction, channel, labels or None for no screening)
ROWS = [
    ("2024-03-01T09:00:00-05:00", OTHER, "Pick-up is 5pm Saturday. Confirm?", "in", "sms", ["logistics"]),
    ("2024-03-01T09:05:00-05:00", "me", "Confirmed.", "out", "sms", None),
    ("2024-03-01T12:00:00-05:00", FRIEND, "Are you ok? Call me", "in", "sms", []),
    ("2024-03-02T10:00:00-05:00", OTHER, "You ruined everything, you useless idiot", "in", "whatsapp", ["verbal_abuse"]),
    ("2024-03-02T22:30:00-05:00", OTHER, "Answer me", "in", "sms", ["verbal_abuse"]),
    ("2024-03-04T23:10:00-05:00", OTHER, "Watch your back. I know where you sleep.", "in", "sms", ["threat"]),
    ("2024-03-05T00:40:00-05:00", OTHER, "Pick up the phone", "in", "sms", []),
    ("2024-03-05T18:00:00-05:00", OTHER, "Sign the papers or you'll never see the kids again.", "in", "whatsapp",
     ["coercion", "threat"]),
    ("2024-03-06T08:00:00-05:00", OTHER, HOSTILE, "in", "sms", ["verbal_abuse"]),
    ("2024-03-06T09:00:00-05:00", OTHER, MULTILINE, "in", "sms", []),
    ("2024-03-07T03:00:00+00:00", OTHER, "I'm outside.", "in", "sms", ["threat"]),  # 22:00 in New York
]
# Calls: (UTC time, Android type: 1 incoming, 2 outgoing, 3 missed, duration s)
CALLS = [
    (datetime(2024, 3, 5, 7, 15, tzinfo=timezone.utc), "3", 0),  # 02:15 New York: the third attempt that night
    (datetime(2024, 3, 6, 17, 0, tzinfo=timezone.utc), "1", 30),
    (datetime(2024, 3, 6, 17, 5, tzinfo=timezone.utc), "2", 60),  # the reader's own call
]


def write_export(path: Path, rows: list[tuple]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["timestamp", "sender", "body", "direction", "channel"])
        for row in rows:
            w.writerow(row[:5])
    return path


def write_calls(path: Path) -> Path:
    lines = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>", f'<calls count="{len(CALLS)}">']
    for when, kind, duration in CALLS:
        ms = int(when.timestamp() * 1000)
        lines.append(f'  <call number="{OTHER}" duration="{duration}" date="{ms}" type="{kind}" presentation="1" '
                     'contact_name="Alex" />')
    lines.append("</calls>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def finding(labels: list[str], summary: str = "", danger: list[dict] | None = None) -> dict:
    return {"labels": labels, "needs_reply": False, "scores": {}, "tactics": [], "spans": [], "summary": summary,
            "danger": danger or []}


@dataclass
class Built:
    path: Path
    exports: list[Path]


def build_case(folder: Path, rows: list[tuple] = ROWS, calls: bool = True, settings: bool = True) -> Built:
    path = folder / "case.grc"
    exports = [write_export(folder / "texts.csv", rows)]
    if calls:
        exports.append(write_calls(folder / "calls.xml"))
    case = vault.create_case(path, PASS, kdf=CHEAP)
    try:
        pipeline.set_contact(case, [OTHER], name="Alex Doe")
        people.set_roles(case, third=[FRIEND])  # the friend is someone else (`greyrock case people`)
        for export in exports:
            pipeline.import_export(case, export)
        labels = {r[2]: r[5] for r in rows}
        with case.transaction():
            for stored in case.messages():
                wanted = labels.get(stored.message.body)
                if wanted is None or stored.message.direction.value != "in":
                    continue
                danger = None
                if "sleep" in stored.message.body:
                    danger = [{"sign": "stalking", "why": "says they know where you sleep",
                               "text": "I know where you sleep", "start": 17, "end": 39}]
                summary = "SHIELDED-SUMMARY" if "ruined" in stored.message.body else ""
                case.add_finding(stored.id, "test", finding(wanted, summary, danger))
            if settings:
                case.add_record("setting", {"case_name": "Doe v. Doe (test)"})
                case.add_record("setting", {"separation_date": "2024-03-05", "timezone": "America/New_York"})
                case.add_record("risk_answer", {"sign": "stalking", "answer": "confirmed"})
                case.add_record("risk_answer", {"sign": "threat_to_kill", "answer": "confirmed"})
                case.add_record("risk_answer", {"sign": "threat_to_kill", "answer": "dismissed"})
        if settings:
            journal.add_entry(case, {"when": "2024-03-04 23:30", "where": "At my door",
                                     "what_happened": JOURNAL_TEXT, "police_report": "CR-2024-0042"})
    finally:
        case.close()
    return Built(path, exports)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Built once: the tests only read it (a test that changes a case builds its own)."""
    return build_case(tmp_path_factory.mktemp("case"))


@pytest.fixture
def case(built: Built):
    c: Case = vault.open_case(built.path, PASS)
    yield c
    c.close()


def tamper(path: Path, sql: str) -> None:
    """Change a case behind greyrock's back, as someone with the passphrase and sqlite could."""
    from tests.conftest import edit_behind_greyrocks_back

    edit_behind_greyrocks_back(path, PASS, sql)
