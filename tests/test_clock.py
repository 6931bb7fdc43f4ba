"""One clock for a case: the same times, order and figures whatever the computer's TZ says.

The case below mixes an SMS backup (instants, stored in UTC) and a WhatsApp export (the
phone's wall clock, no zone), in a case whose zone is America/Chicago (UTC-06:00 in early
March 2024). Before the case had a clock, the SMS showed in UTC and the WhatsApp lines in
local time, the WhatsApp lines sorted as if UTC (hours before the SMS around them), and
"nights with 3+ attempts" changed with TZ.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from greyrock import pipeline, vault
from greyrock._clock import Clock, system_zone_name, true_order
from greyrock.cli import app
from greyrock.settings import case_clock, read_settings, update_settings
from tests.conftest import CHEAP, PASS

SRC = Path(__file__).resolve().parents[1] / "src"
OTHER = "+13125550142"
ZONES = ("UTC", "America/Los_Angeles", "Asia/Kolkata")

# (UTC instant, type 1 received / 2 sent, body): Chicago times in the comments.
SMS = [
    (datetime(2024, 3, 1, 13, 45), 1, "Pick-up moved to 5pm, dont be late"),  # 07:45 on 1 March: first contact
    (datetime(2024, 3, 1, 14, 0), 2, "OK, 5pm."),
    (datetime(2024, 3, 2, 3, 30), 1, "answer me"),  # 21:30 on 1 March: evening, not night (03:30 in UTC)
    (datetime(2024, 3, 4, 4, 10), 1, "Pick up the phone"),  # 22:10 on 3 March
    (datetime(2024, 3, 4, 5, 30), 1, "I know you're awake"),  # 23:30
    (datetime(2024, 3, 4, 7, 45), 1, "You'll regret ignoring me"),  # 01:45 on 4 March
]
# The phone's clock in Chicago, month first (a US phone); no zone in the export.
WHATSAPP = """03/03/2024, 23:00 - Casey Morgan: I can see your light is on
03/05/2024, 22:30 - Casey Morgan: where are you
03/05/2024, 23:15 - Casey Morgan: answer
03/05/2024, 23:40 - Casey Morgan: fine
03/06/2024, 09:00 - Jordan Reyes: Please keep messages about Maya.
"""


def _sms_xml(path: Path) -> Path:
    rows = "\n".join(
        f'  <sms protocol="0" address="{OTHER}" date="{int(ts.replace(tzinfo=timezone.utc).timestamp() * 1000)}" '
        f'type="{kind}" body="{body}" read="1" status="-1" locked="0" contact_name="Casey" />'
        for ts, kind, body in SMS)
    path.write_text(f"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"{len(SMS)}\">\n"
                    f"{rows}\n</smses>\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def chicago(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clock")
    path = folder / "case.grc"
    with vault.create_case(path, PASS, kdf=CHEAP) as case:
        update_settings(case, timezone="America/Chicago", their_name="Casey Morgan", court_ref="FAM-2024-0117")
        pipeline.set_contact(case, [OTHER, "Casey Morgan"], region="US")
        pipeline.import_export(case, _sms_xml(folder / "sms.xml"), region="US")
        (folder / "chat.txt").write_text(WHATSAPP, encoding="utf-8")
        pipeline.import_export(case, folder / "chat.txt", format="whatsapp", me="Jordan Reyes", region="US")
    return path


def _greyrock(args: list[str], zone: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
           "GREYROCK_PASSPHRASE": PASS, "TZ": zone}
    run = subprocess.run([sys.executable, "-m", "greyrock", *args], capture_output=True, text=True, env=env,
                         timeout=180)
    assert run.returncode == 0, run.stderr
    return run


def test_timeline_report_and_shield_are_the_same_under_three_tz(chicago: Path, tmp_path: Path) -> None:
    seen: dict[str, tuple] = {}
    for zone in ZONES:
        timeline = json.loads(_greyrock(["timeline", str(chicago), "--json"], zone).stdout)
        shield = json.loads(_greyrock(["shield", str(chicago), "--json"], zone).stdout)
        out, html = tmp_path / f"{zone.replace('/', '_')}.json", tmp_path / f"{zone.replace('/', '_')}.html"
        _greyrock(["report", str(chicago), "--json", str(out), "--out", str(html), "--html"], zone)
        record = json.loads(out.read_text(encoding="utf-8"))
        del record["report"]["generated_at"]
        page = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC with greyrock", "MADE", html.read_text(encoding="utf-8"))
        page = re.sub(r"evidence report of \d{4}-\d\d-\d\d", "MADE", page)
        seen[zone] = (timeline, shield, record, page)

    assert seen["UTC"] == seen["America/Los_Angeles"] == seen["Asia/Kolkata"]
    timeline, shield, record, page = seen["UTC"]
    # Nights on the case's clock: 22:10, 23:00 (WhatsApp), 23:30 and 01:45; then 22:30, 23:15, 23:40.
    assert [(n["night"], n["start"], n["end"], n["attempts"]) for n in timeline["night_bursts"]] == [
        ("2024-03-03", "2024-03-03T22:10:00-06:00", "2024-03-04T01:45:00-06:00", 4),
        ("2024-03-05", "2024-03-05T22:30:00-06:00", "2024-03-05T23:40:00-06:00", 3),
    ]
    assert timeline["timezone"] == "America/Chicago"
    assert sum(timeline["hours"][h] for h in (22, 23, 0, 1)) == 7 and timeline["hours"][21] == 1
    assert [d["date"] for d in timeline["days"]][:2] == ["2024-03-01", "2024-03-02"]
    assert [(d["date"], d["messages"]) for d in timeline["days"] if d["messages"]] == [
        ("2024-03-01", 2), ("2024-03-03", 3), ("2024-03-04", 1), ("2024-03-05", 3)]
    # The log is ordered by the true instant: the WhatsApp line of 23:00 sits between the SMS.
    log = [(m["shown_as"], m["body"]) for m in record["messages"]]
    assert log[3:6] == [("2024-03-03 22:10:00 UTC-06:00", "Pick up the phone"),
                        ("2024-03-03 23:00:00 UTC-06:00", "I can see your light is on"),
                        ("2024-03-03 23:30:00 UTC-06:00", "I know you're awake")]
    assert [i["timestamp"] for i in shield["items"]][2:4] == ["2024-03-03T22:10:00-06:00", "2024-03-03T23:00:00-06:00"]
    assert record["counts"]["night_bursts"] == 2
    assert (record["report"]["timezone"], record["report"]["court_ref"]) == ("America/Chicago", "FAM-2024-0117")
    # The summary and the log agree on the first contact, with the offset.
    assert "<th>First contact in the period</th><td>2024-03-01 07:45:00 UTC-06:00</td>" in page.replace("\n", "")
    assert "2024-03-01 07:45:00 UTC-06:00 · " in page
    assert "12:45" not in page and "13:45" not in page
    assert "chat.txt (5)" in unescape(page) and "read as times in the case's zone (America/Chicago)" in unescape(page)
    assert "FAM-2024-0117" in page and "Casey Morgan (" in page


def test_case_settings_sets_shows_and_refuses_a_bad_zone(chicago: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    runner = CliRunner()
    case = tmp_path / "c.grc"
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    made = runner.invoke(app, ["case", "create", str(case)])
    assert made.exit_code == 0 and "Time zone Asia/Kolkata (this computer's)" in made.stdout
    monkeypatch.setenv("TZ", "UTC")  # a later computer's zone changes nothing
    shown = runner.invoke(app, ["case", "settings", str(case), "--json"])
    assert json.loads(shown.stdout) == {"timezone": "Asia/Kolkata", "my_name": None, "their_name": None, "agreed_calls": None,
                                        "court_ref": None}
    before = json.loads(runner.invoke(app, ["case", "verify", str(case), "--json"]).stdout)["entries"]

    bad = runner.invoke(app, ["case", "settings", str(case), "--timezone", "Mars/Olympus"])
    assert bad.exit_code == 2
    assert bad.stderr.splitlines() == ["greyrock: --timezone: 'Mars/Olympus' is not a time zone greyrock knows. Use an "
                                       "Area/City name such as Europe/London, America/New_York or Asia/Kolkata."]
    assert "Traceback" not in bad.stderr
    assert runner.invoke(app, ["case", "settings", str(case), "--timezone", "../../etc/passwd"]).exit_code == 2

    set_ = runner.invoke(app, ["case", "settings", str(case), "--timezone", "Europe/London", "--my-name",
                               "Jordan Reyes", "--court-ref", "FAM-2024-0117"])
    assert set_.exit_code == 0, set_.output
    assert set_.stdout.splitlines() == ["timezone: Europe/London", "my_name: Jordan Reyes",
                                        "their_name: (not set)", "court_ref: FAM-2024-0117", "agreed_calls: (not set)"]
    after = json.loads(runner.invoke(app, ["case", "verify", str(case), "--json"]).stdout)
    assert after["ok"] and after["entries"] == before + 1  # one chained record for the change
    stats = json.loads(runner.invoke(app, ["case", "stats", str(case), "--json"]).stdout)
    assert stats["timezone"] == "Europe/London"
    assert runner.invoke(app, ["case", "settings", str(case), "--my-name", "a\x1bb"]).exit_code == 2


def test_an_old_case_gets_this_computers_zone_once_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.grc"
    vault.create_case(path, PASS, kdf=CHEAP).close()  # as an earlier greyrock made them: no zone
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    runner = CliRunner()
    first = runner.invoke(app, ["case", "stats", str(path), "--json"])
    assert first.exit_code == 0 and json.loads(first.stdout)["timezone"] == "America/Los_Angeles"
    assert first.stderr == (f"greyrock: note: {path}: this case had no time zone; it now uses America/Los_Angeles "
                            "(this computer's). Change it with 'greyrock case settings CASE --timezone Area/City'.\n")
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    again = runner.invoke(app, ["case", "stats", str(path), "--json"])
    assert again.stderr == "" and json.loads(again.stdout)["timezone"] == "America/Los_Angeles"
    with vault.open_case(path, PASS) as case:
        assert read_settings(case).timezone == "America/Los_Angeles" and case.verify().ok


def test_import_says_which_times_had_no_zone_and_the_zone_they_are_read_in(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    monkeypatch.setenv("TZ", "America/Chicago")
    runner = CliRunner()
    case, chat = tmp_path / "c.grc", tmp_path / "chat.txt"
    chat.write_text(WHATSAPP, encoding="utf-8")
    assert runner.invoke(app, ["case", "create", str(case)]).exit_code == 0
    args = ["case", "import", str(case), str(chat), "--format", "whatsapp", "--me", "Jordan Reyes"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines()[1] == (
        f"    5 times without a time zone, read as America/Chicago times (change with 'greyrock case settings "
        f"{case} --timezone Area/City').")
    sms = _sms_xml(tmp_path / "sms.xml")
    [result] = json.loads(runner.invoke(app, ["case", "import", str(case), str(sms), "--json"]).stdout)["imports"]
    assert (result["times_without_zone"], result["read_in_zone"]) == (0, "America/Chicago")


def test_case_messages_since_and_order_on_the_cases_clock(chicago: Path) -> None:
    with vault.open_case(chicago, PASS) as case:
        clock = case_clock(case)[0]
        assert clock.name == "America/Chicago"
        bodies = [s.message.body for s in case.messages(since=datetime(2024, 3, 5))]
        times = [clock.iso(s.message.timestamp) for s in case.messages()]
    # 5 March begins at 06:00 UTC in Chicago: the SMS of 4 March 07:45 UTC (01:45 Chicago) is before it.
    assert bodies == ["where are you", "answer", "fine", "Please keep messages about Maya."]
    assert times == sorted(times, key=lambda t: datetime.fromisoformat(t).timestamp())


# -- the clock itself ---------------------------------------------------------------------------

def test_clock_reads_naive_times_in_its_zone_and_converts_aware_ones() -> None:
    clock = Clock(ZoneInfo("America/New_York"), "America/New_York")
    assert clock.show(datetime(2024, 3, 1, 12, 45, tzinfo=timezone.utc)) == "2024-03-01 07:45 UTC-05:00"
    assert clock.show(datetime(2024, 3, 1, 7, 45)) == "2024-03-01 07:45 UTC-05:00"
    assert clock.show(None) == "?"
    # 02:30 on 10 March 2024 does not exist in New York (clocks jump to 03:00): shown as a real time.
    assert clock.iso(datetime(2024, 3, 10, 2, 30)) == "2024-03-10T03:30:00-04:00"
    assert clock.day(datetime(2024, 3, 2, 3, 0, tzinfo=timezone.utc)) == date(2024, 3, 1)


def test_true_order_fixes_naive_times_stored_as_if_utc() -> None:
    clock = Clock(ZoneInfo("Asia/Kolkata"), "Asia/Kolkata")
    utc = timezone.utc
    # Stored order (naive read as UTC): the 10:00 wall-clock line first, then the SMS of 06:00 UTC.
    stored = [datetime(2024, 3, 1, 1, 0, tzinfo=utc), datetime(2024, 3, 1, 10, 0),
              datetime(2024, 3, 1, 6, 0, tzinfo=utc), datetime(2024, 3, 3, 0, 0, tzinfo=utc)]
    ordered = list(true_order(stored, clock, lambda ts: ts))
    # 10:00 in Kolkata is 04:30 UTC: before the SMS of 06:00 UTC.
    assert ordered == [stored[0], stored[1], stored[2], stored[3]]
    late = [datetime(2024, 3, 1, 6, 0, tzinfo=utc), datetime(2024, 3, 1, 8, 0)]  # 08:00 IST = 02:30 UTC
    assert list(true_order(late, clock, lambda ts: ts)) == [late[1], late[0]]
    many = [datetime(2024, 1, 1, tzinfo=utc) + timedelta(hours=h) for h in range(200)]
    assert list(true_order(many, clock, lambda ts: ts)) == many


def test_system_zone_name_reads_tz_and_never_invents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", ":Europe/Berlin")
    assert system_zone_name() == "Europe/Berlin"
    monkeypatch.setenv("TZ", "Nowhere/Special")
    assert system_zone_name() != "Nowhere/Special"
