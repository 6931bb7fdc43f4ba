"""The SQLCipher connection: keyed, hardened, and its errors translated at this boundary."""

from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3

from greyrock._files import PRIVATE_MODE
from greyrock.errors import InputError, WrongPassphrase

__all__ = ["DatabaseError", "SCHEMA_VERSION", "attach_export", "connect", "create_private", "create_schema",
           "fsync_dir"]

DatabaseError = sqlcipher3.DatabaseError
SCHEMA_VERSION = 1
# Part of case format v1 (the header's version byte): SQLCipher pages of 16 KiB, so that
# fewer pages are encrypted and authenticated for the same data.
PAGE_SIZE = 16384

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE originals (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE original_chunks (
    original_id INTEGER NOT NULL REFERENCES originals(id),
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (original_id, seq)
);
CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    dedup_key BLOB NOT NULL UNIQUE,
    original_id INTEGER NOT NULL REFERENCES originals(id),
    locator TEXT NOT NULL,
    timestamp TEXT,
    sort_ts REAL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    direction TEXT NOT NULL,
    sender TEXT,
    sender_name TEXT,
    recipients TEXT NOT NULL,
    body TEXT NOT NULL,
    attachments TEXT NOT NULL,
    extra TEXT NOT NULL
);
CREATE INDEX messages_by_time ON messages(sort_ts);
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    model TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (message_id, model)
);
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX records_by_kind ON records(kind);
CREATE TABLE chain (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref INTEGER NOT NULL,
    payload TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""


def _key_pragma(key: bytes, header: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}{header.hex()}'\""


def connect(path: Path, key: bytes, header: bytes) -> sqlcipher3.Connection:
    """Open (or create) the encrypted database; WrongPassphrase when the key does not fit."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher would log to stderr
        conn.execute(_key_pragma(key, header))
        conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        conn.close()
        raise WrongPassphrase(
            f"Cannot open {path.name}: wrong passphrase, or the case file is damaged."
        ) from exc
    # No plaintext temporary files: sorts and temp tables stay in memory.
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: fewer pages decrypted twice
    return conn


def create_schema(conn: sqlcipher3.Connection) -> None:
    conn.executescript("BEGIN;" + _SCHEMA + "COMMIT;")


def create_private(path: Path) -> None:
    """Create `path` empty with mode 0600 (SQLite then writes its database into it, and
    its journal beside it with the same mode); InputError when something is there."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        raise InputError(f"{path}: already exists; choose a new file name.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot create the file ({exc.strerror}).") from exc
    os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (where the system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _clear_leftover(part: Path) -> None:
    """An interrupted backup leaves DEST.part behind: replace it when it is ours (empty, or
    a greyrock case file); anything else there is someone's file and is left alone."""
    if not part.exists():
        return
    try:
        with open(part, "rb") as fh:
            start = fh.read(3)
    except OSError as exc:
        raise InputError(f"{part}: cannot read the leftover file ({exc.strerror}).") from exc
    if start not in (b"", b"GRC"):
        raise InputError(f"{part}: already exists and is not a greyrock file; move it away and try again.")
    part.unlink()


def attach_export(conn: sqlcipher3.Connection, dest: Path, key: bytes, header: bytes) -> None:
    """Copy the whole database, re-encrypted under another key, into `dest` (a new file).

    It is written as DEST.part (mode 0600), synced to disk, then renamed: an interrupted
    copy never sits under the final name looking like a good backup."""
    if dest.exists():
        raise InputError(f"{dest}: already exists; choose a new file name.")
    part = dest.with_name(dest.name + ".part")
    _clear_leftover(part)
    create_private(part)
    try:
        conn.execute(f"ATTACH DATABASE ? AS export KEY \"x'{key.hex()}{header.hex()}'\"", (str(part),))
        conn.execute(f"PRAGMA export.cipher_page_size = {PAGE_SIZE}")
        try:
            conn.execute("SELECT sqlcipher_export('export')")
            conn.execute(f"PRAGMA export.user_version = {SCHEMA_VERSION}")
        finally:
            conn.execute("DETACH DATABASE export")
        _fsync_file(part)
        if dest.exists():
            raise InputError(f"{dest}: already exists; choose a new file name.")
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    fsync_dir(dest.parent)
