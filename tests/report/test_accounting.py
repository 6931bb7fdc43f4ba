"""Every record accounted for: the report's cover and annex, the exports, shield, parse and import.

Built from the shared SMS Backup & Restore fixture `sms_small.xml` (12 SMS, unchanged
except that the third record's date is broken, so it becomes one unparsed record). The
case names Contact A (+15550000001) as the other person. What the case then holds:

- sms[1], sms[2]: received from Contact A (the other person's);
- sms[3]: unparsed (it was Contact A's "Body text 3", but the unparsed record names no sender);
- sms[5]: the reader's own, to Contact A;
- sms[4] from Contact B, and sms[6]..sms[12] with Contact C (4 received, 3 sent): 8 records
  with people other than the other person, which no report may show.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from greyrock import pipeline, report, vault
from greyrock.cli import app
from greyrock.model import Channel, Direction, Kind, Message, Source
from greyrock.report import ReportOptions, core_fonts
from tests.conftest import CHEAP, FIXTURES, PASS

runner = CliRunner()
CONTACT_A = "+15550000001"
BROKEN = 'date="1512226208124"'  # sms[3], "Body text 3"
REASON = "no readable date; kept as unparsed text."


def damaged_export(folder: Path) -> Path:
    """sms_small.xml with the date of its third record made unreadable."""
    text = (FIXTURES / "sms-backup-restore" / "sms_small.xml").read_text(encoding="utf-8")
    assert text.count(BROKEN) == 1
    path = folder / "sms_small.xml"
    path.write_text(text.replace(BROKEN, 'date="garbage"'), encoding="utf-8")
    return path


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    export = damaged_export(tmp_path)
    path = tmp_path / "case.grc"
    with vault.create_case(path, PASS, kdf=CHEAP) as case:
        pipeline.set_contact(case, [CONTACT_A], name="Contact A")
        result = pipeline.import_export(case, export)
    assert (result.added, result.unparsed) == (12, 1)
    return path


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)


def _gather(path: Path, options: ReportOptions | None = None) -> report.CaseRecord:
    with vault.open_case(path, PASS) as case:
        return report.gather(case, options)


def _pdf_text(record: report.CaseRecord) -> list[str]:
    data = report.render_pdf(record, core_fonts()).data
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


# -- the record --------------------------------------------------------------------------


def test_every_record_is_shown_or_left_out_for_one_reason(damaged: Path) -> None:
    record = _gather(damaged)
    assert record.accounting.to_dict() == {
        "held": 12, "shown": 3, "left_out": 9, "unparsed": 1, "other_people": 0, "unassigned": 8,
        "unknown_sender": 0, "system": 0,
        "filtered": {"period": 0, "labels": 0, "own_messages": 0}}
    assert [e.message.body for e in record.log] == ["Body text 1", "Body text 2", "Body text 5"]
    [u] = record.unparsed
    assert (u.place, u.reason, u.channel, u.timestamp) == ("sms_small.xml, sms[3]", REASON, "sms", None)
    assert u.raw is None and "someone else's" in (u.withheld or "") and u.chars > len("Body text 3")


@pytest.mark.parametrize(("options", "shown", "filtered"), [
    (ReportOptions(own_messages=False), 2, {"period": 0, "labels": 0, "own_messages": 1}),
    (ReportOptions(labels=("threat",)), 0, {"period": 0, "labels": 3, "own_messages": 0}),
    (ReportOptions(start=date(2017, 12, 3)), 0, {"period": 3, "labels": 0, "own_messages": 0}),
])
def test_the_readers_choices_are_counted_apart(damaged: Path, options: ReportOptions, shown: int,
                                               filtered: dict[str, int]) -> None:
    a = _gather(damaged, options).accounting.to_dict()
    assert (a["held"], a["shown"], a["unparsed"], a["unassigned"], a["filtered"]) == (12, shown, 1, 8, filtered)


# -- the PDF and the HTML ----------------------------------------------------------------


def test_pdf_cover_says_what_it_holds_and_shows_and_the_annex_lists_the_unparsed(damaged: Path) -> None:
    pages = _pdf_text(_gather(damaged))
    cover = pages[0]
    assert "The case holds 12 records" in cover
    assert "This report shows 3 of them in its chronological log (Appendix A) and leaves out 9: 1 unparsed" in cover
    assert ("8 messages with 2 addresses the reporting party has not yet said is the other person or someone else (counted "
            "only: their content is not shown; 'greyrock case people case.grc' lists them)") in cover
    annex = next(p for p in pages if "Appendix C. Records greyrock could not read" in p)
    assert "sms_small.xml, sms[3]" in annex and f"Why: {REASON}" in annex
    assert "Raw text not shown: the export does not say who wrote it" in annex
    assert "greyrock case messages case.grc --kind unparsed" in annex
    whole = " ".join(pages)
    for withheld in ("Body text 3", "Body text 4", "Body text 6", "Body text 13", "Contact C"):
        assert withheld not in whole  # the unparsed record's text and other people's messages


def test_pdf_cover_names_the_readers_choice(damaged: Path) -> None:
    cover = _pdf_text(_gather(damaged, ReportOptions(own_messages=False)))[0]
    assert "shows 2 of them" in cover and "leaves out 10" in cover
    assert "1 message of the reporting party's own (--no-own-messages)" in cover


def test_pdf_cover_of_a_case_read_whole_says_0_unparsed(case) -> None:
    """The report tests' own case: 11 texts (one from a friend) and 3 calls, every one readable."""
    record = report.gather(case)
    cover = _pdf_text(record)[0]
    assert "The case holds 14 records" in cover and "shows 13 of them" in cover
    assert "leaves out 1: 1 message with people other than the other person" in cover
    assert "0 unparsed: greyrock read every record of the exports." in cover
    annex = next(p for p in _pdf_text(record) if "Appendix C. Records" in p)
    assert "None: greyrock read every record of the exports." in annex


def test_html_says_the_same(damaged: Path) -> None:
    page = report.render_html(_gather(damaged))
    assert "The case holds 12 records" in page and "leaves out 9: 1 unparsed" in page
    assert "Appendix C. Records greyrock could not read" in page and "sms_small.xml, sms[3]" in page
    assert "Body text 3" not in page and "Body text 4" not in page


def test_raw_text_is_shown_escaped_when_the_export_names_the_other_person(tmp_path: Path) -> None:
    """An importer that could tell the sender (here: the other person) lets the annex show the text."""
    raw = 'half a record <b onclick="x()">\u202e evil'
    path = tmp_path / "case.grc"
    with vault.create_case(path, PASS, kdf=CHEAP) as case:
        pipeline.set_contact(case, [CONTACT_A])
        with case.transaction():
            oid, _ = case.add_original("chat.txt", io.BytesIO(b"x"), "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881")
            message = Message(datetime(2024, 3, 1, tzinfo=timezone.utc), Channel.SMS, Kind.UNPARSED, Direction.IN,
                              CONTACT_A, raw, Source("chat.txt", "line 7"))
            list(case.add_messages([message], {"chat.txt": oid}))
        record = report.gather(case)
    [u] = record.unparsed
    assert u.raw == raw and u.withheld is None
    assert "the reason was not recorded" in u.reason  # added without an import: no import record
    page = report.render_html(record)
    assert "half a record &lt;b onclick=&quot;x()&quot;&gt;[U+202E] evil" in page and "<b onclick" not in page
    annex = next(p for p in _pdf_text(record) if "Appendix C. Records" in p)
    assert "chat.txt, line 7" in annex and 'half a record <b onclick="x()">[U+202E] evil' in annex
    row = list(csv.DictReader(io.StringIO(report.to_csv(record), newline="")))[-1]
    assert (row["kind"], row["from"], row["body"]) == ("unparsed", "other", raw)


# -- the exports -------------------------------------------------------------------------


def test_csv_ends_with_the_unparsed_record_and_json_counts_every_record(damaged: Path) -> None:
    record = _gather(damaged)
    rows = list(csv.DictReader(io.StringIO(report.to_csv(record), newline="")))
    assert [r["kind"] for r in rows] == ["message"] * 3 + ["unparsed"]
    last = rows[-1]
    assert (last["source_file"], last["source_locator"], last["body"], last["from"]) == (
        "sms_small.xml", "sms[3]", "", "unknown")
    assert last["note"].startswith(f"unparsed: {REASON.rstrip('.')}; raw text not given:")
    data = json.loads(report.to_json(record))
    assert data["accounting"]["held"] == 12 and data["accounting"]["unparsed"] == 1
    assert len(data["messages"]) == 3
    [u] = data["unparsed"]
    assert (u["kind"], u["source"]["locator"], u["reason"], u["raw_text"]) == ("unparsed", "sms[3]", REASON, None)


# -- the commands ------------------------------------------------------------------------


def test_report_command_prints_the_account(env: None, damaged: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["report", str(damaged), "--csv", str(out)])
    assert result.exit_code == 0, result.output
    assert f"written: {out} (CSV, 3 messages, 1 unparsed)" in result.stdout
    assert ("the case holds 12 records; the report shows 3; left out: 1 unparsed, 0 with other people, "
            "8 with addresses that have no role yet, 0 with no known sender, 0 notices, 0 by your choices"
            ) in result.stdout
    assert f"unparsed: sms_small.xml, sms[3]: {REASON}" in result.stdout


def test_shield_json_counts_unparsed_and_unassigned(env: None, damaged: Path) -> None:
    result = runner.invoke(app, ["shield", str(damaged), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["items"]) == 7  # every received message is shown, whoever sent it
    assert data["accounting"] == {
        "held": 12, "shown": 7, "unassigned": 5, "own": 4, "other_kinds": 0, "third": 0, "unparsed": 1,
        "unparsed_records": [{"file": "sms_small.xml", "locator": "sms[3]"}],
        "unparsed_listing": f"greyrock case messages {damaged} --kind unparsed"}


def test_shield_text_names_the_unparsed_and_how_to_list_them(env: None, damaged: Path) -> None:
    result = runner.invoke(app, ["shield", str(damaged), "--since", "2017-12-03"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    # --since leaves every message out, but not the unparsed record, whose time is unknown
    assert "1 record looked at: 0 received messages shown, 0 of your own" in text
    assert (f"1 record could not be read (sms_small.xml, sms[3]); list it with: greyrock case messages "
            f"{damaged} --kind unparsed") in text


def test_case_messages_lists_the_unparsed_by_kind(env: None, damaged: Path) -> None:
    result = runner.invoke(app, ["case", "messages", str(damaged), "--kind", "unparsed", "--json"])
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    data = json.loads(line)
    assert (data["kind"], data["source"]["locator"]) == ("unparsed", "sms[3]") and "Body text 3" in data["body"]
    bad = runner.invoke(app, ["case", "messages", str(damaged), "--kind", "unparseable"])
    assert bad.exit_code == 2 and "--kind: 'unparseable' is not a kind of record." in bad.stderr


def test_parse_prints_one_summary_line(tmp_path: Path) -> None:
    export = damaged_export(tmp_path)
    result = runner.invoke(app, ["parse", str(export)])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 12
    assert result.stderr.splitlines()[-1] == f"greyrock: {export}: 11 messages, 1 unparsed: sms_small.xml, sms[3]"


def test_import_names_each_unparsed_record(env: None, tmp_path: Path) -> None:
    export = damaged_export(tmp_path)
    case = tmp_path / "c.grc"
    vault.create_case(case, PASS, kdf=CHEAP).close()
    result = runner.invoke(app, ["case", "import", str(case), str(export), "--json"])
    assert result.exit_code == 0, result.output
    [imported] = json.loads(result.stdout)["imports"]
    assert imported["unparsed"] == 1
    assert imported["unparsed_records"] == [{"file": "sms_small.xml", "locator": "sms[3]", "reason": REASON}]
    other = tmp_path / "d.grc"
    vault.create_case(other, PASS, kdf=CHEAP).close()
    text = runner.invoke(app, ["case", "import", str(other), str(export)])
    assert f"{export}: 12 added, 0 already held, 1 unparsed.\n    unparsed: sms_small.xml, sms[3]: {REASON}" in text.stdout
