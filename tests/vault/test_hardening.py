"""Issue 12, sections 3 and 6: de-duplication that never merges two messages, a chain over
every stored column with a fingerprint kept outside the case, one command per case at a
time, private files, atomic backups, NFC passphrases, bounded headers, escaped output."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import journal, pipeline, vault
from greyrock.cli import app
from greyrock.errors import CaseInUse, InputError, WrongPassphrase
from greyrock.vault import _case, _chain, _kdf
from tests.conftest import REPO, TESTS, edit_behind_greyrocks_back

from .conftest import CHEAP, PASS, write_csv

runner = CliRunner()
GROUP = TESTS / "ingest" / "whatsapp" / "android_group.txt"
ROWS = [
    ("2024-03-01T17:02:00+00:00", "+1 202 555 0147", "Pick-up is 5pm Saturday at the school gate"),
    ("2024-03-01T22:15:00+00:00", "+1 202 555 0147", "You really think you can just walk out"),
    ("2024-03-02T08:05:00+00:00", "+1 202 555 0147", "ok"),
    ("2024-03-02T08:05:00+00:00", "+1 202 555 0147", "ok"),
]
PHOTO = b"\xff\xd8\xff\xe0 pretend jpeg bytes of a photo"


@contextmanager
def _keyed(path: Path, passphrase: str = PASS):
    """A raw SQLCipher connection with the case's key: what someone bypassing greyrock has."""
    import sqlcipher3

    from greyrock.vault._db import PAGE_SIZE

    header, params = _kdf.read_header(path)
    key = _kdf.derive_key(passphrase, header, params)
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}{header.hex()}'\"")
    conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def _make_format_1(path: Path) -> None:
    """A case as greyrock 0.1 made it: schema_version 1 and an empty chain (no meta entry)."""
    vault.create_case(path, PASS, kdf=CHEAP).close()
    with _keyed(path) as conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        conn.execute("DELETE FROM chain")


# -- 3. de-duplication -------------------------------------------------------------------------

def _one_to_one(tmp_path: Path) -> Path:
    """A 1:1 chat whose two lines have the same minute, sender and words as lines of the
    group chat in tests/ingest/whatsapp/android_group.txt."""
    p = tmp_path / "WhatsApp Chat with Casey Morgan.txt"
    p.write_text(
        "1/20/24, 7:12 PM - Jordan Reyes: Half term: I have them Mon-Wed, back Wed 5pm.\n"
        "1/20/24, 7:15 PM - Casey Morgan: we'll see about that 🙂\n",
        encoding="utf-8",
    )
    return p


def test_same_words_in_a_group_and_a_one_to_one_chat_stay_two_messages(case, tmp_path: Path) -> None:
    group = pipeline.import_export(case, GROUP, me="Jordan Reyes", region="US")
    assert group.added >= 8 and group.duplicates == 0
    direct = pipeline.import_export(case, _one_to_one(tmp_path), me="Jordan Reyes", region="US")
    assert (direct.added, direct.duplicates) == (2, 0)
    bodies = [s.message.body for s in case.messages()]
    assert bodies.count("we'll see about that 🙂") == 2
    assert bodies.count("Half term: I have them Mon-Wed, back Wed 5pm.") == 2
    assert case.verify().ok
    # The same exports again, and a newer group backup: only what is new is added.
    assert pipeline.import_export(case, GROUP, me="Jordan Reyes", region="US").already_imported
    newer = tmp_path / "group newer.txt"
    newer.write_text(GROUP.read_text(encoding="utf-8") + "1/22/24, 8:00 AM - Casey Morgan: new one\n",
                     encoding="utf-8")
    again = pipeline.import_export(case, newer, me="Jordan Reyes", region="US")
    assert (again.added, again.duplicates) == (1, group.added)


def test_a_format_1_case_keeps_its_keys_so_reimports_add_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.grc"
    _make_format_1(path)
    with vault.open_case(path, PASS) as c:
        assert c.format == 1
        first = pipeline.import_export(c, write_csv(tmp_path / "a.csv", ROWS))
        newer = write_csv(tmp_path / "b.csv", ROWS + [("2024-03-03T09:00:00+00:00", "+1 202 555 0147", "new one")])
        result = pipeline.import_export(c, newer)
        assert (first.added, result.added, result.duplicates) == (4, 1, 4)
        # Its old key still merges the 1:1 lines into the group's: the reason for format 2.
        pipeline.import_export(c, GROUP, me="Jordan Reyes", region="US")
        assert pipeline.import_export(c, _one_to_one(tmp_path), me="Jordan Reyes", region="US").added == 0
        check = c.verify()
        assert check.ok and check.format == 1
        # Format 1 chains no attachments or meta (an import's closing "record" it always had).
        assert [k for (k,) in c._conn.execute("SELECT DISTINCT kind FROM chain ORDER BY kind")] == [
            "message", "original", "record"]


# -- 6. verify covers every column --------------------------------------------------------------

@pytest.fixture
def filled(case_path: Path, tmp_path: Path) -> Path:
    """Entries: 1 meta, 2 the original, 3-6 four messages, 7 the import's record, 8 the photo,
    9 the journal entry."""
    photo = tmp_path / "bruise.jpg"
    photo.write_bytes(PHOTO)
    with vault.create_case(case_path, PASS, kdf=CHEAP) as c:
        pipeline.import_export(c, write_csv(tmp_path / "t.csv", ROWS))
        journal.add_entry(c, {"when": "2024-03-06 23:40", "what_happened": "He kicked the door", "files": str(photo)})
        assert c.verify().ok and c.verify().entries == 9
    return case_path


OTHER = b"a different photo"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE messages SET sort_ts = sort_ts + 3600 WHERE id = 1",
         "chain entry 3: the message with id 1 (line 2) was changed"),
        ("UPDATE messages SET dedup_key = X'00112233445566778899aabbccddeeff0000' WHERE id = 2",
         "chain entry 4: the message with id 2 (line 3) was changed"),
        ("DELETE FROM blobs", "chain entry 8: the attachment it records (id 1) has been deleted"),
        (f"UPDATE blobs SET data = X'{OTHER.hex()}', sha256 = '{hashlib.sha256(OTHER).hexdigest()}'",
         "chain entry 8: the attachment with id 1 was changed"),
        (f"UPDATE blobs SET data = X'{OTHER.hex()}'", "chain entry 8: the attachment "),
        (f"INSERT INTO blobs (sha256, data) VALUES ('{hashlib.sha256(OTHER).hexdigest()}', X'{OTHER.hex()}')",
         "attachment id 2 is in the case but not in the chain"),
        ("UPDATE meta SET value = '2020-01-01T00:00:00+00:00' WHERE key = 'created_at'", "the case's metadata"),
        ("INSERT INTO meta (key, value) VALUES ('note', 'x')", "the case's metadata"),
        ("UPDATE meta SET value = '1' WHERE key = 'schema_version'", "chain entry 1: unknown kind 'meta'"),
        ("UPDATE messages SET original_id = 1, locator = 'line 9' WHERE id = 4",
         "chain entry 6: the message with id 4 (line 9) was changed"),
    ],
)
def test_every_stored_column_is_covered(filled: Path, sql: str, expected: str) -> None:
    edit_behind_greyrocks_back(filled, PASS, sql)
    with vault.open_case(filled, PASS) as c:
        result = c.verify()
    assert not result.ok
    assert expected in result.problem


def _rebuild_chain(path: Path) -> None:
    """What someone with the key can do after an edit: recompute every entry from the rows."""
    with _keyed(path) as conn:
        case_id = conn.execute("SELECT value FROM meta WHERE key = 'case_id'").fetchone()[0]
        shas = dict(conn.execute("SELECT id, sha256 FROM originals"))
        cols = ("locator", "timestamp", "channel", "kind", "direction", "sender", "sender_name", "recipients",
                "body", "attachments", "extra", "original_id", "dedup_key", "sort_ts")
        prev = _chain.genesis(case_id)
        for seq, kind, ref, payload in conn.execute("SELECT seq, kind, ref, payload FROM chain ORDER BY seq").fetchall():
            if kind == "message":
                row = dict(zip(cols, conn.execute(f"SELECT {', '.join(cols)} FROM messages WHERE id = ?", (ref,)).fetchone()))
                payload = _case._message_digest(row, shas[row["original_id"]], 2)
            prev = _chain.entry_hash(prev, seq, kind, ref, payload)
            conn.execute("UPDATE chain SET payload = ?, hash = ? WHERE seq = ?", (payload, prev, seq))


def test_a_rebuilt_chain_passes_alone_and_fails_against_a_kept_fingerprint(filled: Path) -> None:
    with vault.open_case(filled, PASS) as c:
        kept = c.verify().short_fingerprint
        full = c.fingerprint()
    assert kept.startswith("9-") and len(kept) == len("9-xxxx-xxxx-xxxx-xxxx-xxxx")
    edit_behind_greyrocks_back(filled, PASS, "UPDATE messages SET body = 'Pick-up is 6pm' WHERE id = 1")
    _rebuild_chain(filled)
    with vault.open_case(filled, PASS) as c:
        assert c.verify().ok  # without an anchor, a rebuilt chain cannot be told from the real one
        short = c.verify(kept)
        long = c.verify(full)
    assert not short.ok and "chain entry 9 no longer has the fingerprint's hash" in short.problem
    assert not long.ok and "no chain entry has this hash" in long.problem


def test_cutting_the_last_entries_is_caught_by_a_kept_fingerprint(filled: Path) -> None:
    with vault.open_case(filled, PASS) as c:
        kept = c.verify().short_fingerprint
        early = _chain.short_fingerprint(5, c._conn.execute("SELECT hash FROM chain WHERE seq = 5").fetchone()[0])
    with _keyed(filled) as conn:  # the last two messages, the photo and the journal entry go
        for sql in ("DELETE FROM records", "DELETE FROM blobs", "DELETE FROM messages WHERE id > 2",
                    "DELETE FROM chain WHERE seq > 4"):
            conn.execute(sql)
    with vault.open_case(filled, PASS) as c:
        assert c.verify().ok and c.stats()["messages"] == 2
        result = c.verify(kept)
        assert not result.ok
        assert "has 4 chain entries and the fingerprint records entry 9: entries were removed" in result.problem
        assert not c.verify(early).ok
    env = {"GREYROCK_PASSPHRASE": PASS}
    out = runner.invoke(app, ["case", "verify", str(filled), "--fingerprint", kept], env=env)
    assert out.exit_code == 1 and "does not extend fingerprint" in out.stderr and "entries were removed" in out.stderr


def test_a_case_that_grew_still_extends_its_fingerprint(filled: Path) -> None:
    env = {"GREYROCK_PASSPHRASE": PASS}
    printed = runner.invoke(app, ["fingerprint", str(filled)], env=env)
    assert printed.exit_code == 0, printed.output
    kept = printed.stdout.splitlines()[0]
    with vault.open_case(filled, PASS) as c:
        assert kept == c.short_fingerprint()
        journal.add_entry(c, {"when": "2024-03-07 10:00", "what_happened": "Called 14 times"})
        full = c.verify().fingerprint
    out = runner.invoke(app, ["case", "verify", str(filled), "--fingerprint", kept.upper().replace("-", " ", 2)], env=env)
    assert out.exit_code == 0, out.output
    assert "extends" in out.stdout and "(entry 9; 1 entry added since)" in out.stdout
    assert runner.invoke(app, ["case", "verify", str(filled), "--fingerprint", full], env=env).exit_code == 0
    bad = runner.invoke(app, ["case", "verify", str(filled), "--fingerprint", "8-zz"], env=env)
    assert bad.exit_code == 2 and "is not a greyrock fingerprint" in bad.stderr


# -- one command at a time -----------------------------------------------------------------------

HOLD = """
import sys
from greyrock import vault
with vault.open_case(sys.argv[1], sys.argv[2]) as case:
    print("open", flush=True)
    sys.stdin.readline()
"""


def test_a_second_command_on_a_case_in_use_is_told_so(filled: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "GREYROCK_PASSPHRASE": PASS}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(filled), PASS], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"open"
        second = subprocess.run([sys.executable, "-m", "greyrock", "case", "stats", str(filled)],
                                capture_output=True, env=env, timeout=60)
        assert second.returncode == 2
        assert second.stderr.decode().splitlines() == [
            f"greyrock: {filled}: case is in use by another greyrock command. Wait for it to finish, then try again."]
        with pytest.raises(CaseInUse):
            vault.open_case(filled, PASS)
    finally:
        holder.communicate(b"\n", timeout=60)
    assert holder.returncode == 0
    after = subprocess.run([sys.executable, "-m", "greyrock", "case", "stats", str(filled)],
                           capture_output=True, env=env, timeout=60)
    assert after.returncode == 0 and b"messages: 4" in after.stdout


def test_the_lock_follows_a_passphrase_change(filled: Path) -> None:
    with vault.open_case(filled, PASS) as c:
        c.change_passphrase("a new one", kdf=CHEAP)
        with pytest.raises(CaseInUse):
            vault.open_case(filled, "a new one")
    with vault.open_case(filled, "a new one") as c:
        assert c.verify().ok


# -- files: 0600, backups written whole or not at all -----------------------------------------------

@pytest.fixture
def open_umask():
    old = os.umask(0)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_case_backup_and_report_files_are_private(open_umask: None, filled: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.grc"
    vault.create_case(fresh, PASS, kdf=CHEAP).close()
    backup = tmp_path / "backup.grc"
    with vault.open_case(filled, PASS) as c:
        c.backup(backup, "backup pass", kdf=CHEAP)
    out = {name: tmp_path / name for name in ("r.html", "r.csv", "r.json")}
    named = runner.invoke(app, ["case", "people", str(filled), "--other", ROWS[0][1]], env={"GREYROCK_PASSPHRASE": PASS})
    assert named.exit_code == 0, named.output
    result = runner.invoke(app, ["report", str(filled), "--html", "--out", str(out["r.html"]), "--csv",
                                 str(out["r.csv"]), "--json", str(out["r.json"])], env={"GREYROCK_PASSPHRASE": PASS})
    assert result.exit_code == 0, result.output
    from greyrock.safety import Plan, export_plan

    plan = export_plan(Plan(phase="after_leaving"), tmp_path / "plan.txt")
    modes = {p.name: _mode(p) for p in (filled, fresh, backup, plan, *out.values())}
    assert modes == dict.fromkeys(modes, 0o600)
    assert not backup.with_name("backup.grc.part").exists()


def test_an_interrupted_backup_leaves_nothing_under_its_name(filled: Path, tmp_path: Path, monkeypatch) -> None:
    dest = tmp_path / "backup.grc"

    def killed(path: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("greyrock.vault._db._fsync_file", killed)
    with vault.open_case(filled, PASS) as c, pytest.raises(KeyboardInterrupt):
        c.backup(dest, "backup pass", kdf=CHEAP)
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == []
    monkeypatch.undo()
    # A kill -9 leaves DEST.part: the next backup replaces it; someone else's file it leaves alone.
    part = tmp_path / "backup.grc.part"
    part.write_bytes(filled.read_bytes()[:5000])
    with vault.open_case(filled, PASS) as c:
        c.backup(dest, "backup pass", kdf=CHEAP)
        with pytest.raises(InputError, match="not a greyrock file"):
            (tmp_path / "b2.grc.part").write_text("my notes")
            c.backup(tmp_path / "b2.grc", "backup pass", kdf=CHEAP)
    assert not part.exists() and (tmp_path / "b2.grc.part").read_text() == "my notes"
    with vault.open_case(dest, "backup pass") as b:
        assert b.verify().ok and b.stats()["messages"] == 4


# -- passphrases and headers -------------------------------------------------------------------------

NFC = unicodedata.normalize("NFC", "Zoë's café, ñandú")
NFD = unicodedata.normalize("NFD", NFC)


def test_an_nfd_passphrase_opens_a_case_made_with_nfc(case_path: Path) -> None:
    assert NFC != NFD
    vault.create_case(case_path, NFC, kdf=CHEAP).close()
    with vault.open_case(case_path, NFD) as c:
        assert c.verify().ok


def test_a_case_keyed_with_an_nfd_passphrase_before_normalising_still_opens(case_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("greyrock.vault._case.derive_key", _kdf.derive_key_unnormalised)  # greyrock 0.1
    vault.create_case(case_path, NFD, kdf=CHEAP).close()
    monkeypatch.undo()
    with vault.open_case(case_path, NFD) as c:
        assert c.verify().ok
    with pytest.raises(WrongPassphrase):
        vault.open_case(case_path, "not it")


@pytest.mark.parametrize(("changes", "why"), [
    ({4: 0}, "time cost 0"), ({4: 200}, "time cost 200"), ({5: 24}, "memory 2^24 KiB"), ({5: 255}, "memory 2^255 KiB"),
    ({5: 0}, "memory 2^0 KiB"), ({6: 0}, "parallelism 0"), ({6: 255}, "parallelism 255"),
    ({4: 4, 5: 17}, "cost 4 x 2^17 KiB is over greyrock's limit"),
])
def test_a_damaged_header_fails_at_once_with_one_line(filled: Path, changes: dict[int, int], why: str) -> None:
    data = bytearray(filled.read_bytes())
    for offset, value in changes.items():
        data[offset] = value
    filled.write_bytes(bytes(data))
    start = time.perf_counter()
    result = runner.invoke(app, ["case", "stats", str(filled)], env={"GREYROCK_PASSPHRASE": PASS})
    assert time.perf_counter() - start < 1.0
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "the case header is damaged" in line and why in line


def test_every_header_greyrock_accepts_costs_at_most_two_default_derivations() -> None:
    default = _kdf.KdfParams()
    for offset in (4, 5, 6):
        for value in range(256):
            fields = [default.time_cost, default.memory_log2_kib, default.parallelism]
            fields[offset - 4] = value
            try:
                p = _kdf.KdfParams(*fields)
            except ValueError:
                continue
            assert p.time_cost * 2**p.memory_log2_kib <= 2 * default.time_cost * 2**default.memory_log2_kib


# -- escaped output ----------------------------------------------------------------------------------

def test_show_escapes_a_hostile_file_name(case_path: Path, tmp_path: Path) -> None:
    export = write_csv(tmp_path / "texts\x1b]0;owned\x07\x1b[2J.csv", ROWS[:1])
    with vault.create_case(case_path, PASS, kdf=CHEAP) as c:
        pipeline.import_export(c, export)
    env = {"GREYROCK_PASSPHRASE": PASS}
    for args in (["show", str(case_path), "1"], ["case", "import", str(case_path), str(export)]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "texts\\x1b]0;owned\\x07\\x1b[2J.csv" in result.output
