"""The case file: encryption, idempotent import, the chain and what breaks it."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from greyrock import pipeline, vault
from greyrock.errors import CaseNotFound, InputError, WrongPassphrase
from greyrock.vault import _case, _chain, _kdf
from tests.conftest import edit_behind_greyrocks_back

from .conftest import CHEAP, PASS, write_csv

ROWS = [
    ("2024-03-01T17:02:00+00:00", "+1 202 555 0147", "Pick-up is 5pm Saturday at the school gate"),
    ("2024-03-01T22:15:00+00:00", "+1 202 555 0147", "You really think you can just walk out"),
    ("2024-03-02T08:05:00+00:00", "+1 202 555 0147", "ok"),
    ("2024-03-02T08:05:00+00:00", "+1 202 555 0147", "ok"),
]


def test_import_stores_messages_originals_and_chain(case, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "texts.csv", ROWS)
    result = pipeline.import_export(case, export, region="US")
    assert (result.added, result.duplicates, result.unparsed, result.originals_added) == (4, 0, 0, 1)
    stored = list(case.messages())
    assert [s.message.body for s in stored] == [r[2] for r in ROWS]
    assert stored[0].message.sender == "+12025550147"
    assert stored[0].message.source.file == "texts.csv" and stored[0].message.source.locator == "line 2"
    assert case.original_bytes(stored[0].original_sha256) == export.read_bytes()
    check = case.verify()
    assert check.ok and check.entries == 7 and check.fingerprint == case.fingerprint()  # meta, original, 4 messages, "import" record
    assert case.stats()["messages"] == 4 and case.stats()["originals"] == 1


def test_same_export_twice_adds_nothing_and_overlap_adds_only_new(case, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "a.csv", ROWS)
    pipeline.import_export(case, export)
    fingerprint = case.fingerprint()
    again = pipeline.import_export(case, export)
    assert again.already_imported and again.added == 0 and case.fingerprint() == fingerprint
    newer = write_csv(tmp_path / "b.csv", ROWS + [("2024-03-03T09:00:00+00:00", "+1 202 555 0147", "new one")])
    result = pipeline.import_export(case, newer)
    assert (result.added, result.duplicates) == (1, 4)
    assert case.stats()["messages"] == 5 and case.stats()["originals"] == 2
    assert case.verify().ok


def test_no_plaintext_in_case_file_or_beside_it(case, case_path: Path, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    export = write_csv(tmp_path / "in" / "x.csv", ROWS)
    pipeline.import_export(case, export)
    case.close()
    needles = [b"Pick-up is 5pm", b"walk out", b"2025550147", b"202 555 0147", "school gate".encode("utf-16-le")]
    for path in tmp_path.iterdir():
        if path.is_file() and path != export:
            data = path.read_bytes()
            for needle in needles:
                assert needle not in data, (path.name, needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.grc", "in"]


def test_wrong_passphrase_is_refused_after_the_full_key_derivation(case_path: Path, monkeypatch) -> None:
    vault.create_case(case_path, PASS, kdf=CHEAP).close()
    calls = []
    real = _kdf.derive_key

    def counting(passphrase, header, params):
        calls.append(params)
        return real(passphrase, header, params)

    monkeypatch.setattr("greyrock.vault._case.derive_key", counting)
    with pytest.raises(WrongPassphrase) as err:
        vault.open_case(case_path, "not it")
    assert err.value.exit_code == 3 and "wrong passphrase" in str(err.value)
    assert calls == [CHEAP]
    vault.open_case(case_path, PASS).close()


def test_missing_and_foreign_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CaseNotFound):
        vault.open_case(tmp_path / "nope.grc", PASS)
    other = tmp_path / "notes.txt"
    other.write_text("just some notes that are not a case at all")
    with pytest.raises(InputError, match="not a greyrock case"):
        vault.open_case(other, PASS)
    with pytest.raises(InputError, match="already exists"):
        vault.create_case(other, PASS)


def _edit_with_key(case_path: Path, sql: str, args: tuple = ()) -> None:
    edit_behind_greyrocks_back(case_path, PASS, sql, args)


@pytest.fixture
def filled(case_path: Path, tmp_path: Path) -> Path:
    with vault.create_case(case_path, PASS, kdf=CHEAP) as c:
        pipeline.import_export(c, write_csv(tmp_path / "t.csv", ROWS))
    return case_path


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE messages SET body = 'Pick-up is 6pm' WHERE id = 1", "chain entry 3: the message with id 1 (line 2) was changed"),
        ("UPDATE messages SET timestamp = '2024-03-01T18:02:00+00:00' WHERE id = 2", "chain entry 4: the message with id 2 (line 3) was changed"),
        ("DELETE FROM messages WHERE id = 3", "chain entry 5: the message it records (id 3) has been deleted"),
        ("INSERT INTO messages (dedup_key, original_id, locator, timestamp, sort_ts, channel, kind, direction, sender,"
         " sender_name, recipients, body, attachments, extra) VALUES ('x', 1, 'line 99', NULL, 0, 'sms', 'message',"
         " 'in', NULL, NULL, '[]', 'forged', '[]', '{}')", "message id 5 is in the case but not in the chain"),
        ("UPDATE original_chunks SET data = CAST('forged' AS BLOB)", "chain entry 2: the original t.csv no longer matches"),
        ("DELETE FROM chain WHERE seq = 3", "chain entry 3: missing"),
        ("UPDATE chain SET hash = 'ff' || substr(hash, 3) WHERE seq = 6", "chain entry 6: its hash does not follow"),
    ],
)
def test_edits_bypassing_greyrock_fail_verify_and_are_named(filled: Path, sql: str, expected: str) -> None:
    with vault.open_case(filled, PASS) as c:
        assert c.verify().ok
    _edit_with_key(filled, sql)
    with vault.open_case(filled, PASS) as c:
        result = c.verify()
    assert not result.ok
    assert expected in result.problem


def test_flipped_bytes_in_the_file_fail_cleanly(filled: Path) -> None:
    data = bytearray(filled.read_bytes())
    for offset in range(len(data) // 2, len(data) // 2 + 64):
        data[offset] ^= 0xFF
    filled.write_bytes(bytes(data))
    try:
        with vault.open_case(filled, PASS) as c:
            result = c.verify()
    except (WrongPassphrase, InputError) as exc:  # page 1 damaged: cannot open at all
        assert exc.exit_code in (2, 3)
    else:
        assert not result.ok and "damaged" in result.problem


def test_journal_entries_are_chained_and_files_kept_encrypted(case, tmp_path: Path) -> None:
    from greyrock import journal

    photo = tmp_path / "bruise.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 pretend jpeg bytes")
    entry_id = journal.add_entry(case, {
        "when": "2024-03-06 23:40", "where": "front door of my flat", "what_happened": "He kicked the door and shouted",
        "injuries": "", "witnesses": "neighbour, flat 4", "police_report": "CAD 1234/06MAR", "files": str(photo),
    })
    [entry] = journal.entries(case)
    assert entry["id"] == entry_id and entry["when"] == "2024-03-06T23:40:00"
    assert entry["files"][0]["name"] == "bruise.jpg" and case.blob(entry["files"][0]["sha256"]) == photo.read_bytes()
    assert case.stats()["incidents"] == 1 and case.verify().ok
    with pytest.raises(InputError, match="'what_happened' is required"):
        journal.add_entry(case, {"when": "2024-03-07 10:00"})
    with pytest.raises(InputError, match="'when' must be a date"):
        journal.add_entry(case, {"when": "last tuesday", "what_happened": "x"})


def test_change_passphrase_keeps_everything(filled: Path) -> None:
    with vault.open_case(filled, PASS) as c:
        before = c.fingerprint()
        c.change_passphrase("a new one", kdf=CHEAP)
        assert c.verify().ok
    with pytest.raises(WrongPassphrase):
        vault.open_case(filled, PASS)
    with vault.open_case(filled, "a new one") as c:
        assert c.fingerprint() == before and c.stats()["messages"] == 4
    assert not filled.with_name(filled.name + ".rekey").exists()


def test_backup_is_an_encrypted_copy_under_its_own_passphrase(filled: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backup.grc"
    with vault.open_case(filled, PASS) as c:
        c.backup(dest, "backup pass", kdf=CHEAP)
        fingerprint = c.fingerprint()
    assert b"Pick-up" not in dest.read_bytes()
    with vault.open_case(dest, "backup pass") as b:
        assert b.fingerprint() == fingerprint and b.verify().ok and b.stats()["messages"] == 4
    with pytest.raises(InputError, match="already exists"):
        with vault.open_case(filled, PASS) as c:
            c.backup(dest, "x", kdf=CHEAP)


def test_the_file_is_not_readable_as_plain_sqlite(filled: Path) -> None:
    conn = sqlite3.connect(filled)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM messages").fetchall()
    conn.close()
    assert filled.read_bytes()[:3] == b"GRC"


@example({"b": "lone \ud800 surrogate", "a": "\x00\n\"\\ 😀"})
@given(st.dictionaries(st.text(), st.text() | st.integers() | st.lists(st.text(), max_size=2), max_size=4))
def test_stored_json_is_exactly_the_canonical_encoding(extra: dict) -> None:
    """Stored `extra` and `attachments` strings are hashed by the chain and compared on
    re-import, so the fast path must give json's canonical bytes for every input."""
    assert _case._dumps(extra) == json.dumps(extra, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_row_hashes_are_frozen() -> None:
    """Cases already written depend on these exact hashes (the chain's message payloads
    and the dedup keys): a faster implementation must give the same bytes."""
    row = ("a" * 64, "sms.xml:record 1", "2020-09-13T12:26:38+00:00", "sms", "message", "in", "+13125551234",
           None, '["me"]', "Pick-up at 5 ✓", "[]", "{}")
    assert _chain.fields_hash(row) == "67aafed34cda272d136e360959f4b2f02014ee695e29b993e33395d796116893"
    assert _chain.fields_key(row[2:7] + row[9:11]).hex() == "7034f41adb5aeb2e8f4a62c6f898ddb3"


@given(st.lists(st.none() | st.text(), max_size=13))
def test_row_hash_is_the_documented_encoding(values: list) -> None:
    lengths = ",".join("-" if v is None else str(len(v)) for v in values)
    text = lengths + "|" + "".join(v for v in values if v)
    assert _chain.fields_hash(values) == hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
