from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from greyrock import vault
from greyrock.vault import KdfParams

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GREYROCK_SHARED", REPO.parent / "shared"))
FIXTURES = SHARED / "fixtures"
DEV_SET = SHARED / "eval" / "dev.jsonl"
TESTS = Path(__file__).resolve().parent

# Tests create many cases: a cheap Argon2 cost keeps them fast. The CLI always uses the default.
CHEAP = KdfParams(time_cost=1, memory_log2_kib=10, parallelism=1)
PASS = "a long case passphrase"


def eventually(check: Callable[[], object], seconds: float, every: float = 0.1) -> bool:
    """Whether `check()` comes true within `seconds`: for state another thread changes (a
    server's idle lock, a mailbox watcher), awaited rather than timed, so a loaded machine
    is slower but not wrong."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True


@pytest.fixture(autouse=True)
def _fixed_region(monkeypatch: pytest.MonkeyPatch) -> None:
    """Numbers without a country code are read as US numbers in every test."""
    monkeypatch.setenv("GREYROCK_REGION", "US")


@pytest.fixture(autouse=True)
def _fixed_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A case made without a time zone gets "this computer's": UTC in every test, whatever
    the machine running them says (tests that need another set TZ themselves)."""
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    return tmp_path / "case.grc"


@pytest.fixture
def case(case_path: Path):
    """A new, empty case (the report tests override this with a built one)."""
    c = vault.create_case(case_path, PASS, kdf=CHEAP)
    yield c
    c.close()


@pytest.fixture
def fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"shared fixtures not found at {FIXTURES}; set GREYROCK_SHARED")
    return FIXTURES


def edit_behind_greyrocks_back(path: Path, passphrase: str, sql: str, args: tuple = ()) -> None:
    """Change a case the way someone with the passphrase and SQLCipher could, bypassing
    greyrock entirely: what `verify` exists to catch."""
    import sqlcipher3

    from greyrock.vault import _kdf
    from greyrock.vault._db import PAGE_SIZE

    header, params = _kdf.read_header(path)
    key = _kdf.derive_key(passphrase, header, params)
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}{header.hex()}'\"")
    conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
    conn.execute(sql, args)
    conn.commit()
    conn.close()


def attachment_bytes(attachment) -> bytes | None:
    """An attachment's bytes, whether the export embeds them (`data`) or they are read
    from a file of the export as the vault reads them (`source`)."""
    if attachment.data is not None:
        return attachment.data
    return b"".join(attachment.source.chunks()) if attachment.source is not None else None
