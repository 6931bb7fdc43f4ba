"""`greyrock evidence`: the bundle holds what the report rests on, and none of the reader's private life."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from greyrock import evidence, vault
from greyrock.cli import app
from tests.conftest import PASS, edit_behind_greyrocks_back

from .conftest import JOURNAL, PRIVATE_TEXTS, SIGN, SIGN_STATEMENT, SMS, URGE, Built

runner = CliRunner()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_the_bundle_holds_originals_attachments_report_and_manifest(pristine: Path, built: Built) -> None:
    files = _files(pristine)
    assert sorted(files) == [
        "HOW-TO-CHECK.txt", "SHA256SUMS",
        "attachments/m000048-1-image_8.png", "attachments/m000049-1-image_10.png",
        "manifest.json", "messages.csv", "originals/sms_and_mms.xml", "record.json", "report.pdf"]
    assert files["originals/sms_and_mms.xml"] == SMS.read_bytes()  # byte for byte
    png = files["attachments/m000048-1-image_8.png"]
    assert png.startswith(b"\x89PNG") and hashlib.sha256(png).hexdigest().startswith("6b7fa434f92a8b80")
    manifest = json.loads(files["manifest.json"])
    assert manifest["case"]["fingerprint"] == built.fingerprint and manifest["case"]["entries"] == built.entries
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == {
        p: hashlib.sha256(b).hexdigest() for p, b in files.items() if p not in ("manifest.json", "SHA256SUMS")}
    sums = files["SHA256SUMS"].decode().splitlines()
    assert f"{hashlib.sha256(files['manifest.json']).hexdigest()}  manifest.json" in sums and len(sums) == 8
    # every entry of the chain, in order; the private records sealed
    assert [c["seq"] for c in manifest["chain"]] == list(range(1, built.entries + 1))
    opened_records = [json.loads(c["opening"]["data"]) | {"kind": c["opening"]["kind"]}
                      for c in manifest["chain"] if c["kind"] == "record" and "opening" in c]
    assert sorted(r["kind"] for r in opened_records) == ["journal", "label"]
    # sealed: the time zone setting, the roles, the import, the plan, the urge, the reasons, the risk answer
    assert sum(c["kind"] == "record" and "opening" not in c for c in manifest["chain"]) == 7


def test_the_report_log_points_at_the_attachment_files(pristine: Path, built: Built) -> None:
    record = json.loads((pristine / "record.json").read_text(encoding="utf-8"))
    named = [(m["id"], i, a["name"], a["sha256"]) for m in record["messages"] for i, a in enumerate(m["attachments"])]
    assert [(m, n) for m, _, n, _ in named] == [(built.other_ids[0], "image_8.png"), (built.other_ids[1], "image_10.png")]
    for mid, i, name, sha in named:
        assert hashlib.sha256((pristine / evidence.attachment_path(mid, i, name)).read_bytes()).hexdigest() == sha


def test_nothing_of_the_plan_urges_reasons_or_risk_answers_is_in_the_bundle(pristine: Path) -> None:
    texts = {path: data.decode("utf-8", "replace") for path, data in _files(pristine).items()}
    texts["report.pdf (text)"] = _pdf_text(pristine / "report.pdf")
    assert JOURNAL in texts["report.pdf (text)"]  # the text extraction works: the journal is there
    for path, text in texts.items():
        for secret in (*PRIVATE_TEXTS, SIGN_STATEMENT, SIGN, "risk_answer", "code_word"):
            assert secret not in text, (path, secret)
    # nor any of their words JSON-escaped, as the manifest would hold them
    manifest = texts["manifest.json"]
    for secret in PRIVATE_TEXTS:
        assert json.dumps(secret)[1:-1] not in manifest and json.dumps(secret, ensure_ascii=False)[1:-1] not in manifest


def test_the_report_says_the_danger_sign_answers_were_left_out(pristine: Path) -> None:
    record = json.loads((pristine / "record.json").read_text(encoding="utf-8"))
    assert record["danger_signs"] == []
    text = " ".join(_pdf_text(pristine / "report.pdf").split())
    assert "Left out of this report at" in text and record["report"]["options"]["risk"] is False


def test_include_risk_shows_the_danger_sign_answers(built: Built, tmp_path: Path) -> None:
    with vault.open_case(built.path, PASS) as case:
        evidence.write_bundle(case, tmp_path / "b", evidence.BundleOptions(include_risk=True))
    assert SIGN_STATEMENT in _pdf_text(tmp_path / "b" / "report.pdf")
    manifest = (tmp_path / "b" / "manifest.json").read_text(encoding="utf-8")
    assert '\\"sign\\":\\"strangulation\\"' in manifest
    for secret in PRIVATE_TEXTS:
        assert secret not in manifest
    assert evidence.verify_bundle(tmp_path / "b").ok


def test_evidence_verify_passes_without_passphrase_and_prints_the_case_fingerprint(
        pristine: Path, built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GREYROCK_PASSPHRASE", raising=False)
    result = runner.invoke(app, ["evidence", "verify", str(pristine)])
    assert result.exit_code == 0, result.output
    assert f"fingerprint {built.short}\nfull hash {built.fingerprint}" in result.stdout
    assert result.stdout.startswith(f"intact: 7 files, {built.entries} entries (8 opened; sealed: 48 message, 7 record)")
    # the same fingerprint as `greyrock fingerprint` prints for the case
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    printed = runner.invoke(app, ["fingerprint", str(built.path)])
    assert printed.stdout.splitlines()[0] == built.short


def test_cli_writes_a_bundle_and_warns_what_the_originals_also_hold(built: Built, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    out = tmp_path / "b"
    result = runner.invoke(app, ["evidence", str(built.path), "--out", str(out), "--include-third", "+15550000001"])
    assert result.exit_code == 0, result.output
    assert "written: " in result.stdout and f"fingerprint {built.short}" in result.stdout
    assert "originals/sms_and_mms.xml also holds" in result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["selection"] == {"from": None, "to": None, "include_third": ["+15550000001"], "include_risk": False}
    record = json.loads((out / "record.json").read_text(encoding="utf-8"))
    assert {m["from"] for m in record["messages"]} == {"other", "third"}
    assert runner.invoke(app, ["evidence", "verify", str(out)]).exit_code == 0
    again = runner.invoke(app, ["evidence", str(built.path), "--out", str(out)])
    assert again.exit_code == 2 and "not an empty folder" in again.stderr


def test_from_to_seal_the_messages_outside_the_period(built: Built, tmp_path: Path) -> None:
    with vault.open_case(built.path, PASS) as case:
        dates = sorted(s.message.timestamp.date() for s in case.messages() if s.id in built.other_ids)
        result = evidence.write_bundle(case, tmp_path / "b", evidence.BundleOptions(start=dates[-1], end=dates[-1]))
    record = json.loads((tmp_path / "b" / "record.json").read_text(encoding="utf-8"))
    assert [m["id"] for m in record["messages"]] == [built.other_ids[-1]] and result.messages == 1
    assert evidence.verify_bundle(tmp_path / "b").fingerprint == built.fingerprint


def test_a_case_that_is_not_intact_gets_no_bundle(built: Built, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "case.grc"
    shutil.copy(built.path, copy)
    edit_behind_greyrocks_back(copy, PASS, "UPDATE messages SET body = 'edited' WHERE id = ?", (built.other_ids[0],))
    with vault.open_case(copy, PASS) as case, pytest.raises(evidence.NotIntact, match="NOT INTACT"):
        evidence.write_bundle(case, tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_names_are_safe_stable_and_disambiguated() -> None:
    assert evidence.attachment_path(12, 0, "IMG_20250330_004712.png") == "attachments/m000012-1-IMG_20250330_004712.png"
    assert evidence.attachment_path(7, 2, "../../etc/passwd") == "attachments/m000007-3-passwd"
    assert evidence.attachment_path(7, 0, "..\\\u202eevil\x00 name.jpg") == "attachments/m000007-1-evil_name.jpg"
    assert evidence.attachment_path(7, 0, "") == "attachments/m000007-1-attachment"
    assert evidence.safe_name("\u202eevil\x00.png") == "_evil_.png"
    assert evidence.safe_name("CON.txt") == "file_CON.txt"
    assert len(evidence.safe_name("x" * 300 + ".jpeg")) == 100 and evidence.safe_name("x" * 300 + ".jpeg").endswith(".jpeg")
    taken: set[str] = set()
    assert [evidence.original_path(n, taken) for n in ("sms.xml", "SMS.xml", "sms.xml", "chat")] == [
        "originals/sms.xml", "originals/SMS (2).xml", "originals/sms (3).xml", "originals/chat"]


def test_urge_text_is_what_the_case_holds(built: Built) -> None:
    """The grep above could pass because the fixture failed to store the private records."""
    from greyrock import safety

    with vault.open_case(built.path, PASS) as case:
        assert [r["note"] for r in case.records("urge")] == [URGE]
        assert safety.load_plan(case).code_word == PRIVATE_TEXTS[0]
        assert re.search("Because the children", safety.reasons(case) or "")


def test_the_zip_holds_the_same_files_as_the_folder(pristine: Path, built: Built, tmp_path: Path) -> None:
    """bundle_zip (the web app's download) is write_bundle's folder, zipped: every file the
    same bytes except where a time of making is written (manifest, PDF, record)."""
    import zipfile

    with vault.open_case(built.path, PASS) as case:
        data, result = evidence.bundle_zip(case, "bundle")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path)
    got, want = _files(tmp_path / "bundle"), _files(pristine)
    assert sorted(got) == sorted(want)
    differ = sorted(name for name in got if got[name] != want[name])
    assert set(differ) <= {"manifest.json", "report.pdf", "record.json", "SHA256SUMS"}, differ
    assert json.loads(got["record.json"])["messages"] == json.loads(want["record.json"])["messages"]
    assert evidence.verify_bundle(tmp_path / "bundle").ok
    assert result.messages == len(json.loads(got["record.json"])["messages"])
