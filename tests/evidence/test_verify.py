"""`greyrock evidence verify`: a changed byte, a removed message, a hostile manifest.

Each test damages a copy of one bundle the way someone holding it could, and checks that
verify names the file or the chain entry, exits 1 (or 2 for a bundle that cannot be read
as one), prints one line and never a traceback, and reads nothing outside the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import evidence
from greyrock.cli import app

from .conftest import Built

runner = CliRunner()


def _verify(folder: Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["evidence", "verify", str(folder)])
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result.exit_code, result.stdout, result.stderr


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _manifest(bundle: Path) -> dict:
    return json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))


def _save_manifest(bundle: Path, m: dict) -> None:
    (bundle / "manifest.json").write_text(json.dumps(m, ensure_ascii=False, indent=1), encoding="utf-8")


def _rehash(bundle: Path, rel: str) -> None:
    """What a careful forger does after changing a file: its hash in the manifest, and
    SHA256SUMS, made to match again."""
    m = _manifest(bundle)
    data = (bundle / rel).read_bytes()
    for f in m["files"]:
        if f["path"] == rel:
            f["sha256"], f["size"] = hashlib.sha256(data).hexdigest(), len(data)
    _save_manifest(bundle, m)
    sums = [f"{hashlib.sha256((bundle / p).read_bytes()).hexdigest()}  {p}" for p in
            sorted([f["path"] for f in m["files"]] + ["manifest.json"])]
    (bundle / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")


@pytest.mark.parametrize("rel", [
    "originals/sms_and_mms.xml", "attachments/m000048-1-image_8.png", "report.pdf", "messages.csv",
    "record.json", "HOW-TO-CHECK.txt"])
def test_one_changed_byte_in_any_file_is_named(bundle: Path, rel: str) -> None:
    path = bundle / rel
    _flip(path, path.stat().st_size // 2)
    code, out, err = _verify(bundle)
    assert code == 1 and out == ""
    assert err == f"NOT INTACT: {rel}: does not match the manifest (its SHA-256 differs): it was changed.\n"


def test_a_changed_original_with_its_hash_updated_is_not_the_case_s(bundle: Path) -> None:
    rel = "originals/sms_and_mms.xml"
    _flip(bundle / rel, 1000)
    _rehash(bundle, rel)
    code, _, err = _verify(bundle)
    assert code == 1 and err == f"NOT INTACT: {rel}: no opened chain entry records this export (it is not the case's).\n"


def test_a_changed_attachment_with_its_hash_updated_is_not_the_case_s(bundle: Path) -> None:
    rel = "attachments/m000048-1-image_8.png"
    _flip(bundle / rel, 40)
    _rehash(bundle, rel)
    code, _, err = _verify(bundle)
    assert code == 1 and "no opened chain entry records this attachment" in err


def test_removing_a_message_line_from_the_json_record_is_found(bundle: Path, built: Built) -> None:
    rel = "record.json"
    record = json.loads((bundle / rel).read_text(encoding="utf-8"))
    removed = record["messages"].pop(0)
    assert removed["id"] == built.other_ids[0]
    (bundle / rel).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    code, _, err = _verify(bundle)
    assert code == 1 and err == f"NOT INTACT: {rel}: does not match the manifest (its SHA-256 differs): it was changed.\n"
    _rehash(bundle, rel)  # even with every hash made to match again
    code, _, err = _verify(bundle)
    assert code == 1
    assert f"record.json: message {removed['id']} (chain entry" in err and "missing from record.json's messages" in err


def test_a_changed_message_in_the_json_record_is_found(bundle: Path, built: Built) -> None:
    record = json.loads((bundle / "record.json").read_text(encoding="utf-8"))
    record["messages"][1]["timestamp"] = "2015-01-01T00:00:00+00:00"
    (bundle / "record.json").write_text(json.dumps(record), encoding="utf-8")
    _rehash(bundle, "record.json")
    code, _, err = _verify(bundle)
    assert code == 1 and f"record.json: message {built.other_ids[1]} (chain entry" in err and "differs" in err


def test_a_changed_opening_or_a_removed_sealed_entry_breaks_the_chain(bundle: Path) -> None:
    m = _manifest(bundle)
    message = next(c for c in m["chain"] if c["kind"] == "message" and "opening" in c)
    message["opening"]["fields"][-3] = "I never sent a photo."  # the body (fields end body, attachments, extra)
    _save_manifest(bundle, m)
    code, _, err = _verify(bundle)
    assert code == 1 and err == (f"NOT INTACT: chain entry {message['seq']} (message {message['ref']}): its opening "
                                 "does not give its digest: the record was changed.\n")

    sealed = next(c for c in m["chain"] if c["kind"] == "record" and "opening" not in c)
    m["chain"].remove(sealed)  # the changed body stays: the gap, earlier in the chain, is named first
    _save_manifest(bundle, m)
    code, _, err = _verify(bundle)
    assert code == 1 and f"chain entry {sealed['seq']}: missing" in err


def test_a_renumbered_chain_does_not_reach_the_fingerprint(pristine: Path, tmp_path: Path) -> None:
    import shutil

    bundle = tmp_path / "b"
    shutil.copytree(pristine, bundle)
    m = _manifest(bundle)
    sealed = [c for c in m["chain"] if c["kind"] == "record" and "opening" not in c][-1]
    m["chain"].remove(sealed)  # an entry left out, the rest renumbered to hide the gap
    for n, c in enumerate(m["chain"]):
        c["seq"] = n + 1
    _save_manifest(bundle, m)
    code, _, err = _verify(bundle)
    assert code == 1 and "does not lead to the fingerprint it states" in err


def test_a_file_added_to_the_bundle_is_named(bundle: Path) -> None:
    (bundle / "attachments" / "extra.png").write_bytes(b"\x89PNG fake")
    code, _, err = _verify(bundle)
    assert code == 1 and "attachments/extra.png: in the bundle but not in its manifest" in err


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "originals/../../outside.txt", "a\\..\\b",
                                  "originals/./x"])
def test_a_manifest_path_leaving_the_bundle_is_refused(bundle: Path, path: str) -> None:
    outside = bundle.parent / "outside.txt"
    outside.write_text("not part of the bundle", encoding="utf-8")
    m = _manifest(bundle)
    m["files"][0]["path"] = path
    m["files"][0]["sha256"] = hashlib.sha256(outside.read_bytes()).hexdigest()
    _save_manifest(bundle, m)
    code, out, err = _verify(bundle)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "refused, nothing outside the bundle is read" in err


def test_a_file_replaced_by_a_link_out_of_the_bundle_is_not_followed(bundle: Path) -> None:
    outside = bundle.parent / "outside.pdf"
    outside.write_bytes((bundle / "report.pdf").read_bytes())  # the same bytes: only the link is wrong
    (bundle / "report.pdf").unlink()
    os.symlink(outside, bundle / "report.pdf")
    code, _, err = _verify(bundle)
    assert code == 1 and err == "NOT INTACT: report.pdf: missing from the bundle (or not a plain file).\n"


def test_a_huge_file_is_read_only_as_far_as_its_stated_size(bundle: Path) -> None:
    path = bundle / "attachments" / "m000048-1-image_8.png"
    with open(path, "ab") as fh:
        fh.truncate(10 * 1024**3)  # 10 GiB, sparse: read whole it would take minutes
    code, _, err = _verify(bundle)
    assert code == 1 and "m000048-1-image_8.png: does not match the manifest" in err


@pytest.mark.parametrize("content, says", [
    (b"{not json", "manifest.json: not valid JSON (line 1, column 2)"),
    (b"[]", "manifest.json: not a JSON object"),
    (b'{"greyrock_evidence": 99}', "greyrock_evidence is 99, not 1"),
    (b"\xff\xfe", "manifest.json: not valid JSON"),
    (b"[" * 100000 + b"]" * 100000, "manifest.json: not valid JSON"),
])
def test_a_damaged_manifest_gives_one_line_and_exit_2(bundle: Path, content: bytes, says: str) -> None:
    (bundle / "manifest.json").write_bytes(content)
    code, out, err = _verify(bundle)
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and says in err


def test_a_manifest_with_wrong_field_types_gives_one_line(bundle: Path) -> None:
    m = _manifest(bundle)
    m["chain"][3]["opening"] = {"sha256": 7}
    _save_manifest(bundle, m)
    code, _, err = _verify(bundle)
    assert code == 1 and "chain entry 4" in err and "opening is malformed" in err
    m["files"][2]["size"] = "big"
    _save_manifest(bundle, m)
    code, _, err = _verify(bundle)
    assert code == 2 and "files[2].size is not a size" in err


def test_no_manifest_or_no_folder(tmp_path: Path) -> None:
    code, _, err = _verify(tmp_path)
    assert code == 2 and "manifest.json: not in the bundle" in err
    code, _, err = _verify(tmp_path / "nothing")
    assert code == 2 and "no such folder" in err


def test_the_library_check_reports_counts(pristine: Path, built: Built) -> None:
    check = evidence.verify_bundle(pristine)
    assert (check.ok, check.fingerprint, check.entries, check.opened, check.sealed) == (
        True, built.fingerprint, built.entries, 8, {"message": 48, "record": 7})
