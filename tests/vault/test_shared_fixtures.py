"""Every real export in ../shared/fixtures goes into one case, which then verifies, holds
no plaintext of them, and adds nothing when the same exports are imported again."""

from __future__ import annotations

from pathlib import Path

from greyrock import pipeline, vault

from .conftest import CHEAP, PASS

EXPORTS = [
    ("sms-backup-restore/sms_small.xml", {}),
    ("sms-backup-restore/sms_and_mms.xml", {}),
    ("whatsapp/test_ddmmyy_24hrs.txt", {"me": "John Doe"}),
    ("whatsapp/test_mmddyyyy_12hrs.txt", {"me": "John Doe"}),
    ("telegram/test_single_export.json", {}),
    ("signal/test_export.txt", {"me": "Jane Doe"}),
    ("instagram/test_export.json", {"format": "instagram"}),
    ("messenger", {}),
    ("google-voice", {}),
]


def test_all_shared_fixtures_import_into_one_case_and_verify(fixtures: Path, tmp_path: Path) -> None:
    case_path = tmp_path / "all.grc"
    with vault.create_case(case_path, PASS, kdf=CHEAP) as case:
        results = [pipeline.import_export(case, fixtures / rel, region="US", **kw) for rel, kw in EXPORTS]
        added = {Path(r.path).name: (r.added, r.duplicates) for r in results}
        # sms_and_mms.xml repeats sms_small.xml's 12 messages, and the two WhatsApp files hold
        # the same 9 records in two date formats: each is stored as an original, once as messages.
        assert added == {"sms_small.xml": (12, 0), "sms_and_mms.xml": (38, 12), "test_ddmmyy_24hrs.txt": (9, 0),
                         "test_mmddyyyy_12hrs.txt": (0, 9), "test_single_export.json": (2, 0),
                         "test_export.txt": (2, 0), "test_export.json": (2, 0), "messenger": (14, 0),
                         "google-voice": (12, 0)}
        assert all(r.originals_added >= 1 for r in results)
        stats = case.stats()
        check = case.verify()
        assert check.ok, check.problem
        assert stats["messages"] == sum(r.added for r in results)
        assert stats["originals"] == sum(r.originals_added for r in results)
        again = [pipeline.import_export(case, fixtures / rel, region="US", **kw) for rel, kw in EXPORTS]
        assert all(r.already_imported for r in again)
        assert case.fingerprint() == check.fingerprint
    raw = case_path.read_bytes()
    for needle in (b"Body text 1", b"Lorem ipsum", b"Minimal Message", b"Hello Jane", b"+15550000001",
                   b"doing just fine"):
        assert needle not in raw
