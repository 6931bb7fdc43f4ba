"""`greyrock case label`: the reader's correction of a message's labels, a layer over the
screening that every view uses, and `risk confirm --message` links shown in the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import reply, safety, vault
from greyrock.cli import app
from greyrock.shield import shield

from .conftest import OTHER, PASS, ROWS, Built, build_case, finding

runner = CliRunner()
MAYA = "Tell Maya to hurry up"
NOTE = "About the school run, not a threat."


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)


@pytest.fixture
def mine(tmp_path: Path) -> Built:
    """The report case plus a message the screening wrongly called a threat."""
    return build_case(tmp_path, [*ROWS, ("2024-03-06T12:00:00-05:00", OTHER, MAYA, "in", "sms", ["threat"])])


def _id(built: Built, body: str) -> int:
    with vault.open_case(built.path, PASS) as c:
        return next(s.id for s in c.messages() if s.message.body == body)


def _cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _report(built: Built, tmp_path: Path) -> tuple[dict, str]:
    out, data = tmp_path / "r.html", tmp_path / "r.json"
    code, stdout, stderr = _cli("report", str(built.path), "--out", str(out), "--html", "--json", str(data))
    assert code == 0, stdout + stderr
    return json.loads(data.read_text(encoding="utf-8")), out.read_text(encoding="utf-8")


def test_a_cleared_threat_leaves_the_threats_section_and_shows_as_a_correction(mine: Built, tmp_path: Path) -> None:
    mid = _id(mine, MAYA)
    before, _ = _report(mine, tmp_path)
    assert MAYA in [m["body"] for m in before["threats_and_coercion"]]
    assert before["counts"]["threat"] == 4

    code, stdout, _ = _cli("case", "label", str(mine.path), str(mid), "--remove", "threat", "--note", NOTE)
    assert code == 0
    assert f"#{mid}: labels now none (screening suggested threat)." in stdout
    assert "labels corrected by the reader: threat removed" in stdout

    data, page = _report(mine, tmp_path)
    assert MAYA not in [m["body"] for m in data["threats_and_coercion"]]
    assert data["counts"]["threat"] == 3
    [logged] = [m for m in data["messages"] if m["body"] == MAYA]
    assert logged["suggested_labels"] == ["threat"] and logged["labels"] == []
    assert logged["correction"]["remove"] == ["threat"] and logged["correction"]["note"] == NOTE
    threats_html = page.split("<h2>4. Threats and coercion, in full</h2>")[1].split("<h2>5.")[0]
    assert MAYA not in threats_html and "Watch your back" in threats_html
    assert ("Labels corrected by the reporting party (threat removed): no label (automated suggestion was: threat; "
            f"note: {NOTE[:-1]}") in page
    assert "The reporting party corrected the labels of 1 message shown here" in page


def test_case_messages_json_keeps_the_screening_and_adds_the_correction(mine: Built) -> None:
    mid = _id(mine, MAYA)
    assert _cli("case", "label", str(mine.path), str(mid), "--remove", "threat", "--add", "logistics",
                "--note", NOTE)[0] == 0
    code, stdout, _ = _cli("case", "messages", str(mine.path), "--json")
    assert code == 0
    [row] = [json.loads(line) for line in stdout.splitlines() if json.loads(line)["id"] == mid]
    assert row["screening"]["labels"] == ["threat"]  # the automated screening, untouched
    assert row["labels"] == ["logistics"]
    assert {k: row["correction"][k] for k in ("add", "remove", "note", "by")} == {
        "add": ["logistics"], "remove": ["threat"], "note": NOTE, "by": "reader"}
    assert row["correction"]["at"][:2] == "20"
    untouched = [json.loads(line) for line in stdout.splitlines() if json.loads(line)["id"] != mid]
    assert all(r["correction"] is None for r in untouched)
    # --label filters on the labels as corrected
    code, stdout, _ = _cli("case", "messages", str(mine.path), "--json", "--label", "threat")
    assert MAYA not in stdout and "Watch your back" in stdout


def test_verify_passes_and_records_the_correction(mine: Built) -> None:
    mid = _id(mine, MAYA)
    with vault.open_case(mine.path, PASS) as c:
        entries = c.verify().entries
    assert _cli("case", "label", str(mine.path), str(mid), "--remove", "threat")[0] == 0
    assert _cli("case", "label", str(mine.path), str(mid), "--reset")[0] == 0
    code, stdout, _ = _cli("case", "verify", str(mine.path), "--json")
    assert code == 0
    result = json.loads(stdout)
    assert result["ok"] is True and result["entries"] == entries + 2
    with vault.open_case(mine.path, PASS) as c:
        [label] = [r for r in c.records("label") if r.get("reset")]
        assert label["message_id"] == mid


def test_reset_brings_back_the_screening(mine: Built) -> None:
    mid = _id(mine, MAYA)
    _cli("case", "label", str(mine.path), str(mid), "--remove", "threat")
    code, stdout, _ = _cli("case", "label", str(mine.path), str(mid), "--reset", "--json")
    assert code == 0
    assert json.loads(stdout) == {"id": mid, "labels": ["threat"], "screening_labels": ["threat"], "correction": None}


def test_a_label_added_by_the_reader_counts(mine: Built, tmp_path: Path) -> None:
    mid = _id(mine, "Pick up the phone")
    code, stdout, _ = _cli("case", "label", str(mine.path), str(mid), "--add", "coercion,verbal_abuse", "--json")
    assert code == 0
    assert json.loads(stdout)["correction"]["add"] == ["coercion", "verbal_abuse"]
    data, _ = _report(mine, tmp_path)
    [serious] = [m for m in data["threats_and_coercion"] if m["body"] == "Pick up the phone"]
    assert serious["labels"] == ["coercion", "verbal_abuse"] and serious["suggested_labels"] == []
    assert data["counts"]["coercion"] == 2
    code, stdout, _ = _cli("timeline", str(mine.path), "--json", "--from", "2024-03-05", "--to", "2024-03-05")
    [day] = json.loads(stdout)["days"]
    assert day["by_label"].get("coercion") == 2


def test_the_shield_and_show_use_the_correction(mine: Built) -> None:
    mid = _id(mine, MAYA)

    def line() -> dict:
        [item] = [i for i in json.loads(_cli("shield", str(mine.path), "--json")[1])["items"] if i["message_id"] == mid]
        return item

    assert (line()["kind"], line()["corrected"]) == ("danger", False)
    _cli("case", "label", str(mine.path), str(mid), "--remove", "threat")
    assert (line()["kind"], line()["text"], line()["corrected"]) == ("plain", MAYA, True)
    with vault.open_case(mine.path, PASS) as c:
        [item] = [i for i in shield(c.messages()) if i.message_id == mid]
        stats = c.stats()["by_label"]
    assert (item.kind, item.text) == ("plain", MAYA)
    assert stats["threat"] == 3
    code, stdout, _ = _cli("shield", str(mine.path))
    flat = " ".join(stdout.split())  # the console folds long lines
    assert f"#{mid} message {MAYA} (labels corrected by the reader)" in flat
    code, stdout, _ = _cli("show", str(mine.path), str(mid))
    assert "screening (automated suggestion): threat" in stdout
    assert "labels corrected by the reader: threat removed; labels now: none" in stdout


def test_removing_threat_sets_the_danger_flags_aside_but_keeps_them_in_the_screening(tmp_path: Path) -> None:
    built = build_case(tmp_path)
    mid = _id(built, "Watch your back. I know where you sleep.")
    _cli("case", "label", str(built.path), str(mid), "--remove", "threat")
    with vault.open_case(built.path, PASS) as c:
        [s] = [s for s in c.messages() if s.id == mid]
        assert [d["sign"] for d in s.screening["danger"]] == ["stalking"]
        assert s.finding["danger"] == [] and s.labels == []
        assert "stalking" not in [g.sign for g in safety.suggest_signs(c)]


def test_reply_pending_shows_the_correction(mine: Built) -> None:
    mid = _id(mine, MAYA)
    with vault.open_case(mine.path, PASS) as c, c.transaction():
        c.add_finding(mid, "test-2", {**finding(["threat", "logistics"], "Maya: hurry up"), "needs_reply": True})
    _cli("case", "label", str(mine.path), str(mid), "--remove", "threat", "--note", NOTE)
    with vault.open_case(mine.path, PASS) as c:
        [p] = [p for p in reply.pending(c) if p.message_id == mid]
    assert p.to_dict()["correction"]["remove"] == ["threat"]
    code, stdout, _ = _cli("reply", str(mine.path), "--pending")
    assert code == 0
    assert f"#{mid} " in stdout and "(labels corrected by the reader)" in stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--add", "thret"], "unknown label(s) thret."),
    (["--remove", "threat", "--add", "threat"], "label(s) threat both added and removed"),
    ([], "nothing to correct: give --add LABEL, --remove LABEL or --reset."),
])
def test_bad_corrections_exit_2_with_one_line(mine: Built, args: list[str], message: str) -> None:
    code, _, stderr = _cli("case", "label", str(mine.path), str(_id(mine, MAYA)), *args)
    assert code == 2
    assert stderr.count("\n") == 1 and message in stderr


def test_an_unknown_message_id_exits_2(mine: Built) -> None:
    code, _, stderr = _cli("case", "label", str(mine.path), "99999", "--remove", "threat")
    assert (code, stderr.count("\n")) == (2, 1)
    assert "no message 99999 in this case." in stderr
    with vault.open_case(mine.path, PASS) as c:
        assert c.records("label") == []


def test_an_id_past_sqlites_integers_is_an_unknown_message_not_a_crash(mine: Built) -> None:
    code, _, stderr = _cli("case", "label", str(mine.path), "9" * 20, "--remove", "threat")
    assert (code, stderr.count("\n")) == (2, 1)
    assert f"no message {'9' * 20} in this case." in stderr


def test_a_bad_label_with_agreed_records_nothing(mine: Built) -> None:
    mid = _id(mine, MAYA)
    code, _, stderr = _cli("case", "label", str(mine.path), str(mid), "--agreed", "--add", "thret")
    assert code == 2 and "unknown label(s) thret." in stderr
    with vault.open_case(mine.path, PASS) as c:
        assert c.records("label") == [] and c.records("agreed") == []
    assert _cli("case", "label", str(mine.path), str(mid), "--agreed", "--add", "logistics")[0] == 0
    with vault.open_case(mine.path, PASS) as c:
        assert [r["message_id"] for r in c.records("agreed")] == [mid]


def test_risk_confirm_message_links_show_beside_the_sign(mine: Built, tmp_path: Path) -> None:
    mid = _id(mine, "I'm outside.")
    code, _, stderr = _cli("risk", "confirm", str(mine.path), "stalking", "--message", str(mid))
    assert code == 0, stderr
    data, page = _report(mine, tmp_path)
    [sign] = [s for s in data["danger_signs"] if s["sign"] == "stalking"]
    assert [m["flagged_text"] for m in sign["messages"]] == ["I know where you sleep"]  # the screening's link
    assert [m["id"] for m in sign["linked_by_reader"]] == [mid]
    assert sign["linked_by_reader"][0]["body"] == "I'm outside."
    section = page.split("<h2>3. Danger signs confirmed by the reporting party</h2>")[1].split("<h2>4.")[0]
    assert "LINKED TO THIS SIGN BY THE REPORTING PARTY" in section and "I&#x27;m outside." in section
    assert sign["linked_not_shown"] == 0 and "more message" not in section


def test_the_pdf_shows_links_and_corrections(mine: Built, tmp_path: Path) -> None:
    import io

    import pypdf

    _cli("case", "label", str(mine.path), str(_id(mine, MAYA)), "--remove", "threat")
    friend = _id(mine, "Are you ok? Call me")  # not the other person's: never shown, but counted
    code, _, stderr = _cli("risk", "confirm", str(mine.path), "stalking", "--message", str(_id(mine, "I'm outside.")),
                           "--message", str(friend))
    assert code == 0, stderr
    out = tmp_path / "r.pdf"
    code, stdout, stderr = _cli("report", str(mine.path), "--out", str(out), "--from", "2024-03-02")
    assert code == 0, stdout + stderr
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages).split())
    assert "LINKED TO THIS SIGN BY THE REPORTING PARTY" in text
    assert "1 more message the reporting party linked to this sign is outside this report's period" in text
    assert "Labels corrected by the reporting party (threat removed)" in text
    assert "Are you ok? Call me" not in text
