"""`greyrock case people` and the roles behind every view: the other person, the reader, everyone else.

The case is a realistic (written, fictional) three weeks: an SMS backup that holds the
other person's texts from two numbers (the second announced as a "new number"), the
reader's sister (to whom the reader gives her new address and door code), a lawyer's
privileged texts, the school and a bank's verification code; and a WhatsApp export of the
other person's chat imported without --me. No view may show a third party's words as the
other person's, and no report may leave the new number's night out without a word.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import vault
from greyrock.cli import app
from tests.conftest import CHEAP, PASS

runner = CliRunner()

OLD = "+13125550142"  # the other person's number
NEW = "+13125550177"  # their new number, not named at first
SISTER = "+13125550190"
LAWYER = "+13125550123"
SCHOOL = "+13125550160"
BANK = "72273"  # a short code
THEIR_CHAT_NAME = "Jordan Reyes"
READER_CHAT_NAME = "Sam Rivera"

# Words that must never reach a report or the shield once the roles are set.
SECRET_ADDRESS = "41 Alder Court"
DOOR_CODE = "Door code 4711"
THIRD_PARTY_WORDS = (SECRET_ADDRESS, DOOR_CODE, "privileged and confidential", "Maya was absent today",
                     "verification code is 583920", "Did he come by again", "Love you")
NEW_NUMBER_NIGHT = ("I'm watching the house.", "You have 10 minutes to come out.")

# (UTC time, address, Android type: 1 received / 2 sent, contact name, body)
SMS = [
    ("2024-03-01 14:00", OLD, 1, "Jordan", "Pick up the kids at 5. Don't be late again."),
    ("2024-03-01 14:05", OLD, 2, "Jordan", "Jordan, I will be there at 5."),
    ("2024-03-02 23:30", OLD, 1, "Jordan", "You think you can just leave? I know where you sleep."),
    ("2024-03-03 09:00", SISTER, 1, "Lena", "Lena here. Are you ok? Did he come by again?"),
    ("2024-03-03 09:10", SISTER, 2, "Lena",
     f"I'm ok. The new address is {SECRET_ADDRESS}, flat 3. {DOOR_CODE}. Don't tell anyone."),
    ("2024-03-04 10:00", LAWYER, 1, "Ms Okafor",
     "Okafor & Partners: privileged and confidential. Please send me the screenshots before Thursday's hearing."),
    ("2024-03-05 08:30", SCHOOL, 1, "Lincoln Elementary",
     "Lincoln Elementary: Maya was absent today. Please call the office to confirm."),
    ("2024-03-06 12:00", BANK, 1, None, "Your verification code is 583920. Never share this code."),
    ("2024-03-07 22:40", OLD, 1, "Jordan", "Answer me."),
    ("2024-03-09 23:05", NEW, 1, None, "It's me. New number. You don't get to block me."),
    ("2024-03-09 23:20", NEW, 1, None, NEW_NUMBER_NIGHT[0]),
    ("2024-03-09 23:45", NEW, 1, None, NEW_NUMBER_NIGHT[1]),
    ("2024-03-10 08:00", NEW, 2, None, "Jordan, stop contacting me. I will only reply about the kids in writing."),
    ("2024-03-11 18:00", SISTER, 1, "Lena", "Call me when you're home. Love you."),
]
# (UTC time, number, Android call type: 2 outgoing, 3 missed, duration s)
CALLS = [
    ("2024-03-09 23:50", NEW, 3, 0),
    ("2024-03-09 23:55", NEW, 3, 0),
    ("2024-03-15 19:00", SISTER, 2, 300),  # the reader calls her sister: no contact with the other person
]
WHATSAPP = f"""14/03/2024, 20:01 - {THEIR_CHAT_NAME}: Sign the papers or you'll never see Maya again.
14/03/2024, 20:03 - {READER_CHAT_NAME}: I will answer through my lawyer.
14/03/2024, 20:05 - {THEIR_CHAT_NAME}: Where are you staying tonight?
"""


def _xml_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def write_sms(path: Path) -> Path:
    lines = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>", f'<smses count="{len(SMS)}">']
    for when, address, kind, name, body in SMS:
        ms = int(datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc).timestamp() * 1000)
        lines.append(f'  <sms protocol="0" address="{address}" date="{ms}" type="{kind}" subject="null" '
                     f'body="{_xml_attr(body)}" read="1" status="-1" contact_name="{name or "(Unknown)"}" />')
    lines.append("</smses>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ms(when: str) -> int:
    return int(datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc).timestamp() * 1000)


def write_calls(path: Path) -> Path:
    lines = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>", f'<calls count="{len(CALLS)}">']
    for when, number, kind, duration in CALLS:
        lines.append(f'  <call number="{number}" duration="{duration}" date="{_ms(when)}" type="{kind}" '
                     'presentation="1" contact_name="(Unknown)" />')
    lines.append("</calls>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)


@pytest.fixture
def imported(env: None, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The case with both exports imported as a new user would: no --contact, no --me."""
    case = tmp_path / "case.grc"
    vault.create_case(case, PASS, kdf=CHEAP).close()
    sms = write_sms(tmp_path / "sms-20240312.xml")
    chat = tmp_path / "WhatsApp Chat with Jordan Reyes.txt"
    chat.write_text(WHATSAPP, encoding="utf-8")
    calls = write_calls(tmp_path / "calls-20240315.xml")
    result = runner.invoke(app, ["case", "import", str(case), str(sms), str(chat), str(calls)])
    assert result.exit_code == 0, result.output
    return case, sms, chat


def _people(case: Path) -> dict[str, dict]:
    result = runner.invoke(app, ["case", "people", str(case), "--json"])
    assert result.exit_code == 0, result.output
    return {p["id"]: p for p in json.loads(result.stdout)["people"]}


def _report(case: Path, tmp_path: Path, *extra: str) -> tuple[dict, str]:
    """The report's JSON record, and what the command printed; the HTML page it writes
    with them must hold no word the JSON does not (checked here for the third parties')."""
    out, page = tmp_path / "record.json", tmp_path / "report.html"
    out.unlink(missing_ok=True)
    page.unlink(missing_ok=True)
    result = runner.invoke(app, ["report", str(case), "--json", str(out), "--out", str(page), "--html", *extra])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8")
    for words in THIRD_PARTY_WORDS:
        assert (words in html) == (words in json.dumps(record, ensure_ascii=False)), words
    return record, result.output


def _shield(case: Path) -> dict:
    result = runner.invoke(app, ["shield", str(case), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _verify(case: Path) -> dict:
    result = runner.invoke(app, ["case", "verify", str(case), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_import_names_the_addresses_with_no_role_and_the_command(env: None, tmp_path: Path) -> None:
    case = tmp_path / "case.grc"
    vault.create_case(case, PASS, kdf=CHEAP).close()
    result = runner.invoke(app, ["case", "import", str(case), str(write_sms(tmp_path / "sms.xml"))])
    assert result.exit_code == 0, result.output
    assert "6 addresses have no role yet: " in result.stdout
    assert f"{OLD} (Jordan)" in result.stdout and f"{SISTER} (Lena)" in result.stdout
    assert f"Name the other person first (all their numbers and names): greyrock case people {case} --other ID" \
        in result.stdout
    assert f"greyrock case people {case} --other {NEW} --third {BANK}" in result.stdout


def test_people_lists_everyone_with_counts_dates_and_suggestions(imported: tuple[Path, Path, Path]) -> None:
    case, _, _ = imported
    people = _people(case)
    assert set(people) == {OLD, NEW, SISTER, LAWYER, SCHOOL, BANK, THEIR_CHAT_NAME, READER_CHAT_NAME}
    old = people[OLD]
    assert (old["role"], old["messages"], old["calls"], old["received"], old["sent"]) == (None, 4, 0, 3, 1)
    assert (old["first"], old["last"]) == ("2024-03-01T14:00:00+00:00", "2024-03-07T22:40:00+00:00")
    assert old["names"] == ["Jordan"]
    assert (people[SISTER]["messages"], people[SISTER]["calls"], people[SISTER]["names"]) == (3, 1, ["Lena"])
    assert (people[NEW]["messages"], people[NEW]["calls"], people[NEW]["received"]) == (4, 2, 5)
    # Nothing is named yet: with no known number of theirs, only the words can point at them.
    assert people[NEW]["suggestion"]["role"] == "other"
    assert "says it is a new number" in people[NEW]["suggestion"]["reason"]
    assert people[BANK]["suggestion"] == {"role": "third",
                                          "reason": "a short code: banks, schools and services send from these"}
    # ... and nothing can say who is not them: an ordinary number gets no suggestion yet.
    assert people[LAWYER]["suggestion"] is None and people[OLD]["suggestion"] is None


def test_suggestions_follow_the_known_number(imported: tuple[Path, Path, Path]) -> None:
    case, _, _ = imported
    assert runner.invoke(app, ["case", "people", str(case), "--other", OLD, "--other", THEIR_CHAT_NAME]).exit_code == 0
    people = _people(case)
    reason = people[NEW]["suggestion"]["reason"]
    assert "its first message (2024-03-09) says it is a new number" in reason
    assert "your messages to it call it Jordan, a name of the other person" in reason
    assert "as a known number of the other person went quiet (its last message 2024-03-07)" in reason
    assert people[READER_CHAT_NAME]["suggestion"] == {
        "role": "me", "reason": "it writes in the same chat as the other person, in an export that does not say "
                                "which author is you"}
    assert people[SISTER]["suggestion"] == {
        "role": "third", "reason": "nothing in the case links it to the other person or to you"}
    listing = runner.invoke(app, ["case", "people", str(case)]).stdout
    assert "--me 'Sam Rivera'" in listing and f"--third {SISTER}" in listing


def test_roles_decide_every_view_and_can_change_without_reimport(imported: tuple[Path, Path, Path],
                                                                   tmp_path: Path) -> None:
    case, _, chat = imported
    # Before any role: the report refuses, in one line that says how to name them.
    refused = runner.invoke(app, ["report", str(case), "--json", str(tmp_path / "r.json")])
    assert refused.exit_code == 2
    assert refused.stderr.strip().count("\n") == 0
    assert "names no other person" in refused.stderr
    assert f"greyrock case people {case.name} --other ID" in refused.stderr
    assert not (tmp_path / "r.json").exists()
    before = _verify(case)

    # The other person's known number and chat name; the WhatsApp import given --me again
    # (it adds nothing, but the role sets the reader's own replies right); everyone else third.
    people = runner.invoke(app, ["case", "people", str(case), "--other", "+1 (312) 555-0142", "--other",
                                 THEIR_CHAT_NAME, "--third", SISTER, "--third", LAWYER, "--third", SCHOOL,
                                 "--third", BANK])
    assert people.exit_code == 0, people.output
    assert f"{SISTER}: no role -> third" in people.stdout
    again = runner.invoke(app, ["case", "import", str(case), str(chat), "--me", READER_CHAT_NAME])
    assert again.exit_code == 0 and "already in the case; nothing added" in again.stdout
    assert _people(case)[READER_CHAT_NAME]["role"] == "me"
    after = _verify(case)
    assert after["ok"] and after["entries"] == before["entries"] + 2  # each change is one link of the chain

    record, output = _report(case, tmp_path)
    text = json.dumps(record, ensure_ascii=False)
    for words in (*THIRD_PARTY_WORDS, *NEW_NUMBER_NIGHT):
        assert words not in text
    by_body = {m["body"]: m for m in record["messages"]}
    assert by_body["I will answer through my lawyer."]["from"] == "reader"  # WhatsApp, imported without --me
    assert by_body["I will answer through my lawyer."]["direction"] == "out"
    assert by_body["Where are you staying tonight?"]["from"] == "other"
    # The new number's night is not dropped without a word: counted, and the command named.
    assert record["accounting"]["unassigned"] == 6 and record["accounting"]["other_people"] == 7
    assert f"6 messages are left out because 1 address has no role yet ({NEW})" in " ".join(output.split())
    assert f"greyrock case people {case.name} --other ID" in output

    shield = _shield(case)
    shown = json.dumps(shield, ensure_ascii=False)
    for words in THIRD_PARTY_WORDS:
        assert words not in shown
    assert "I will answer through my lawyer." not in shown
    night = [i for i in shield["items"] if i["text"] in NEW_NUMBER_NIGHT]
    assert night and all(i["unassigned"] for i in night)  # a threat from a new number is never hidden
    assert shield["accounting"]["third"] == 5 and shield["accounting"]["unassigned"] == 3

    # Later the reader names the new number: shield and report follow, nothing re-imported.
    named = runner.invoke(app, ["case", "people", str(case), "--other", NEW, "--json"])
    assert named.exit_code == 0, named.output
    assert json.loads(named.stdout)["changed"] == [{"id": NEW, "from": None, "to": "other"}]
    record, _ = _report(case, tmp_path)
    bodies = [m["body"] for m in record["messages"]]
    assert all(words in bodies for words in NEW_NUMBER_NIGHT)
    assert record["accounting"]["unassigned"] == 0
    assert not any(i["unassigned"] for i in _shield(case)["items"])

    # And a role taken back: the lawyer was wrongly named the other person, then set right.
    runner.invoke(app, ["case", "people", str(case), "--other", LAWYER])
    assert any("privileged" in i["text"] for i in _shield(case)["items"])
    runner.invoke(app, ["case", "people", str(case), "--third", LAWYER])
    assert not any("privileged" in i["text"] for i in _shield(case)["items"])
    record, _ = _report(case, tmp_path)
    assert "privileged and confidential" not in json.dumps(record)

    final = _verify(case)
    assert final["ok"] and final["entries"] == after["entries"] + 3
    extends = runner.invoke(app, ["case", "verify", str(case), "--fingerprint", after["short_fingerprint"]])
    assert extends.exit_code == 0 and "3 entries added since" in extends.stdout


def test_include_third_shows_the_person_asked_for_and_no_one_else(imported: tuple[Path, Path, Path],
                                                                   tmp_path: Path) -> None:
    case, _, _ = imported
    assert runner.invoke(app, ["case", "people", str(case), "--other", OLD, "--other", NEW, "--other",
                               THEIR_CHAT_NAME, "--me", READER_CHAT_NAME, "--third", SISTER, "--third", LAWYER,
                               "--third", SCHOOL, "--third", BANK]).exit_code == 0
    record, _ = _report(case, tmp_path, "--include-third", SCHOOL)
    school = [m for m in record["messages"] if m["from"] == "third"]
    assert [m["body"][:40] for m in school] == ["Lincoln Elementary: Maya was absent toda"]
    assert school[0]["suggested_labels"] == []  # never screened as the other person's
    assert SECRET_ADDRESS not in json.dumps(record)
    # A person named by a name of theirs (the backup's contact name) is found by it too.
    assert runner.invoke(app, ["case", "people", str(case), "--third", "Lena"]).exit_code == 0
    record, _ = _report(case, tmp_path, "--include-third", "Lena")
    assert [m["body"][:10] for m in record["messages"] if m["from"] == "third"] == ["Lena here.", "Call me wh"]
    wrong = runner.invoke(app, ["report", str(case), "--json", str(tmp_path / "x.json"), "--include-third", OLD])
    assert wrong.exit_code == 2 and "--include-third" in wrong.stderr


def test_one_address_cannot_take_two_roles_at_once(imported: tuple[Path, Path, Path]) -> None:
    case, _, _ = imported
    result = runner.invoke(app, ["case", "people", str(case), "--other", OLD, "--third", "+1 312 555 0142"])
    assert result.exit_code == 2
    assert "two roles at once (other and third)" in result.stderr
    assert all(p["role"] is None for p in _people(case).values())


def test_a_third_party_is_not_screened_until_named_the_other_person(env: None, tmp_path: Path) -> None:
    case = tmp_path / "case.grc"
    vault.create_case(case, PASS, kdf=CHEAP).close()
    # Roles may be given before the messages arrive (with a warning, in case of a typing mistake).
    early = runner.invoke(app, ["case", "people", str(case), "--other", OLD, "--third", SISTER])
    assert early.exit_code == 0
    assert f"greyrock: warning: {OLD} is in none of the case's messages (yet)" in early.stderr
    assert runner.invoke(app, ["case", "import", str(case), str(write_sms(tmp_path / "sms.xml"))]).exit_code == 0

    def screening() -> dict[str, object]:
        out = runner.invoke(app, ["case", "messages", str(case), "--json"]).stdout
        return {r["body"]: r["screening"] for r in map(json.loads, out.splitlines())}

    assert screening()["Lena here. Are you ok? Did he come by again?"] is None
    assert screening()["Answer me."] is not None
    named = runner.invoke(app, ["case", "people", str(case), "--other", SISTER, "--json"])
    assert json.loads(named.stdout)["screened"] == 2  # her two received texts, screened now
    assert screening()["Lena here. Are you ok? Did he come by again?"] is not None
    assert _verify(case)["ok"]


def test_pending_risk_timeline_and_nocontact_count_only_the_other_person(imported: tuple[Path, Path, Path]) -> None:
    from datetime import date

    from greyrock import report, reply, safety

    case, _, _ = imported
    assert runner.invoke(app, ["case", "people", str(case), "--other", OLD, "--other", NEW, "--other",
                               THEIR_CHAT_NAME, "--me", READER_CHAT_NAME, "--third", SISTER, "--third", LAWYER,
                               "--third", SCHOOL, "--third", BANK]).exit_code == 0
    with vault.open_case(case, PASS) as c:
        their_words = {row[4] for row in SMS if row[1] in (OLD, NEW) and row[2] == 1}
        their_words |= {"Sign the papers or you'll never see Maya again.", "Where are you staying tonight?"}
        theirs = {s.id for s in c.messages() if s.message.body in their_words}
        pending = {p.message_id for p in reply.pending(c)}
        evidence = {e.id for g in safety.suggest_signs(c) for e in g.messages}
        timeline = report.case_timeline(c)
        status = safety.no_contact_status(c, date(2024, 3, 20))
    assert pending <= theirs and evidence <= theirs
    assert evidence  # "I know where you sleep": stalking
    # 3 texts from the old number, 3 texts and 2 calls from the new one, 2 in the chat.
    assert timeline.attempts == 10
    assert sum(w.messages for w in status.attempts_per_week) == 8
    # The reader's last contact with the other person is her WhatsApp reply, not the later
    # call to her sister.
    assert status.last_reader_contact is not None and status.last_reader_contact.startswith("2024-03-14T20:03")


def test_case_messages_shows_the_direction_the_roles_give(imported: tuple[Path, Path, Path]) -> None:
    """A WhatsApp reply imported without --me is "unknown" as stored; once its sender is
    "me" the listing says "out", with no re-import."""
    case, _, _ = imported

    def direction_of(body: str) -> str:
        listing = runner.invoke(app, ["case", "messages", str(case)], env={"COLUMNS": "400"})
        assert listing.exit_code == 0, listing.output
        [row] = [line for line in listing.stdout.splitlines() if body in line]
        return row.split("│")[3].strip()

    assert direction_of("I will answer through my lawyer.") == "unknown"
    assert runner.invoke(app, ["case", "people", str(case), "--me", READER_CHAT_NAME]).exit_code == 0
    assert direction_of("I will answer through my lawyer.") == "out"
