"""The case: one encrypted file holding the originals, the messages read from them, their
screening, the reader's journal, and the hash chain over all of it.

Everything is append-only. A write happens inside `Case.transaction()`, so a process
killed half-way leaves the case exactly as it was before that transaction began; the chain
head is re-read at the start of each transaction.

Case format (meta `schema_version`; the tables are the same in both):
  1  the first cases. Messages were deduplicated on (time, channel, kind, direction,
     sender, body, attachments), so the same words in a group chat and a 1:1 chat in the
     same minute became one; the chain left out sort_ts, dedup keys, stored attachment
     bytes and the meta table.
  2  the dedup key adds the recipients and the conversation (the importer's chat or thread
     in `extra`), and the chain covers every stored column: a message's entry adds its
     dedup key and sort_ts, each stored attachment has a "blob" entry (its SHA-256 and
     size, checked against its bytes), and a "meta" entry commits to the meta table.
A format 1 case keeps its rules for good (its keys and chain are read and extended as
they are): re-importing the same exports into it stays a no-op, and any fingerprint
written down for it stays valid. A new case is format 2.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import unicodedata
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, BinaryIO

from greyrock._clock import Clock, true_order
from greyrock.errors import CaseNotFound, InputError, WrongPassphrase
from greyrock.model import Attachment, Channel, Direction, Kind, Message, Source, sort_key

from . import _chain, _labels
from ._db import DatabaseError, attach_export, connect, create_private, create_schema, fsync_dir
from ._kdf import KdfParams, derive_key, derive_key_unnormalised, new_header, read_header
from ._lock import CaseLock

__all__ = ["Case", "StoredMessage", "VerifyResult"]

_SALT = "_salt"  # see Case.add_record

CHUNK = 1024 * 1024
_DEDUP_WINDOW = 20_000
_MESSAGE_FIELDS = ("locator", "timestamp", "channel", "kind", "direction", "sender", "sender_name",
                   "recipients", "body", "attachments", "extra")
FORMAT = 2  # see the module docstring; meta `schema_version`
# The keys of `extra` by which importers name a conversation (iMessage, Signal and
# Telegram "chat", SMS "thread", e-mail "thread_id", Google Voice "group").
_CONVERSATION_KEYS = ("chat", "chat_type", "thread", "thread_id", "group")


# Attachments past one chunk continue here (`blobs` holds each one's first chunk).
_BLOB_CHUNKS = ("CREATE TABLE IF NOT EXISTS blob_chunks (sha256 TEXT NOT NULL REFERENCES blobs(sha256),"
                " seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (sha256, seq))")


def _slices(data: bytes) -> Iterator[bytes]:
    """Bytes held whole (base64 from a backup), as the chunks the vault stores."""
    view = memoryview(data)
    for start in range(0, len(data), CHUNK):
        yield bytes(view[start : start + CHUNK])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


@lru_cache(maxsize=4096)
def _recipients_json(recipients: tuple[str, ...]) -> str:
    return _encode(list(recipients))


@lru_cache(maxsize=4096)
def _recipient_set_json(recipients: tuple[str, ...]) -> str:
    return _encode(sorted(set(recipients)))


def _conversation(extra: dict[str, Any]) -> str:
    if not extra or not any(k in extra for k in _CONVERSATION_KEYS):
        return "{}"
    return _encode({k: extra[k] for k in _CONVERSATION_KEYS if k in extra})


def _dedup_content(values: tuple[Any, ...], recipients: tuple[str, ...], extra: dict[str, Any], fmt: int) -> bytes:
    """What makes two messages the same message (16 bytes): not where each was read,
    which differs between two backups holding it. Format 2 adds who it was to (as a set:
    exports list recipients in different orders) and the conversation it was in."""
    if fmt < 2:
        return _chain.fields_key(values[1:6] + values[8:10])
    return _chain.fields_key(("dedup-v2", *values[1:6], _recipient_set_json(recipients), _conversation(extra),
                              values[8], values[9]))


def _sort_text(sort_ts: float | None) -> str | None:
    return None if sort_ts is None else repr(float(sort_ts))


_quote = json.encoder.encode_basestring  # the encoder's own string quoting (ensure_ascii=False)


def _dumps(obj: Any) -> str:
    """Canonical JSON (sorted keys, compact). Importers' `extra` is nearly always a flat
    dict of strings: that case is joined directly, to the same bytes, at a fraction of
    the encoder's per-call cost on the import's hot path."""
    if not obj:
        return "[]" if isinstance(obj, (list, tuple)) else "{}"
    if type(obj) is dict and all(type(k) is str and type(v) is str for k, v in obj.items()):
        return "{" + ",".join([f"{_quote(k)}:{_quote(v)}" for k, v in sorted(obj.items())]) + "}"
    return _encode(obj)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as the case holds it: the Message, its row id, original and screening.

    `finding` is the screening as the reader corrected it (`greyrock case label`), what
    every view uses; `screening` the automated one, untouched; `correction` what the
    reader changed (None when nothing)."""

    id: int
    message: Message
    original_sha256: str
    finding: dict[str, Any] | None = None
    correction: _labels.Correction | None = None
    automated: dict[str, Any] | None = None  # the screening before the correction (set with `correction`)

    @property
    def labels(self) -> list[str]:
        return list(self.finding.get("labels", [])) if self.finding else []

    @property
    def screening(self) -> dict[str, Any] | None:
        """The automated screening as it was stored, whatever the reader corrected."""
        return self.automated if self.correction is not None else self.finding


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """`fingerprint` is the head's full hash; `anchored` the entry a kept fingerprint
    was found at, when one was given and the case extends it."""

    ok: bool
    fingerprint: str
    entries: int
    problem: str | None = None
    format: int = FORMAT
    anchored: int | None = None

    @property
    def short_fingerprint(self) -> str:
        return _chain.short_fingerprint(self.entries, self.fingerprint) if self.fingerprint else ""


@dataclass
class _Head:
    seq: int
    hash: str


@dataclass
class _Writer:
    """Chain appends within one transaction."""

    conn: Any
    head: _Head
    pending: list[tuple[int, str, int, str, str]] = field(default_factory=list)

    def append(self, kind: str, ref: int, digest: str) -> None:
        self.extend(kind, [(ref, digest)])

    def extend(self, kind: str, entries: Iterable[tuple[int, str]]) -> None:
        """Chain entries of one kind, in order: (row id, payload digest) each."""
        seq, h = self.head.seq, self.head.hash
        for ref, digest in entries:
            seq += 1
            h = _chain.entry_hash(h, seq, kind, ref, digest)
            self.pending.append((seq, kind, ref, digest, h))
        self.head = _Head(seq, h)
        if len(self.pending) >= 2000:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.conn.executemany("INSERT INTO chain (seq, kind, ref, payload, hash) VALUES (?,?,?,?,?)", self.pending)
            self.pending.clear()


def _message_digest(row: dict[str, Any], original_sha: str, fmt: int) -> str:
    """What the chain commits to for a message: every stored field, in a fixed order
    (format 1: all but the dedup key and sort_ts)."""
    if fmt < 2:
        return _chain.fields_hash([original_sha, *(row[k] for k in _MESSAGE_FIELDS)])
    return _chain.fields_hash([original_sha, bytes(row["dedup_key"]).hex(), _sort_text(row["sort_ts"]),
                               *(row[k] for k in _MESSAGE_FIELDS)])


def _blob_digest(sha256: str, size: int) -> str:
    return _chain.fields_hash(("blob", sha256, str(size)))


def _original_payload(row: dict[str, Any]) -> dict[str, Any]:
    return {"sha256": row["sha256"], "name": row["name"], "size": row["size"], "imported_at": row["imported_at"]}


def _finding_payload(row: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": row["message_id"], "model": row["model"], "data": row["data"]}


def _record_payload(row: dict[str, Any]) -> dict[str, Any]:
    return {"kind": row["kind"], "created_at": row["created_at"], "data": row["data"]}


class Case:
    """An open case file. Use `Case.create()` or `Case.open()`, and close it (or `with`)."""

    def __init__(self, path: Path, conn: Any, header: bytes, lock: CaseLock | None = None) -> None:
        self.path = path
        self._conn = conn
        self._header = header
        self._lock = lock
        self._writer: _Writer | None = None
        self.case_id: str = self._meta("case_id") or ""
        version = self._meta("schema_version") or "1"
        self.format = int(version) if version.isdigit() else 0

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], passphrase: str, kdf: KdfParams | None = None) -> Case:
        p = Path(path)
        if p.exists():
            raise InputError(f"{p}: already exists; a case is never overwritten.")
        if not passphrase:
            raise InputError("An empty passphrase cannot protect a case.")
        params = kdf or KdfParams()
        header = new_header(params)
        key = derive_key(passphrase, header, params)
        create_private(p)  # mode 0600 before a byte is written
        conn = lock = None
        try:
            lock = CaseLock(p)
            conn = connect(p, key, header)
            create_schema(conn)
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("case_id", uuid.uuid4().hex), ("created_at", _now()), ("schema_version", str(FORMAT))],
            )
            case = cls(p, conn, header, lock)
            with case.transaction():
                case._w().append("meta", 0, case._meta_digest())
        except BaseException:
            if conn is not None:
                conn.close()
            if lock is not None:
                lock.release()
            p.unlink(missing_ok=True)
            raise
        return case

    @classmethod
    def open(cls, path: str | os.PathLike[str], passphrase: str) -> Case:
        p = Path(path)
        if not p.is_file():
            raise CaseNotFound(f"{p}: no case file here.", "Create one with 'greyrock case create'.")
        lock = CaseLock(p)  # before the key derivation: a busy case answers at once
        try:
            return cls._open_locked(p, passphrase, lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _open_locked(cls, p: Path, passphrase: str, lock: CaseLock) -> Case:
        header, params = read_header(p)
        key = derive_key(passphrase, header, params)  # always paid: no fast wrong-passphrase oracle
        try:
            conn = connect(p, key, header)
        except WrongPassphrase:
            # Cases made before passphrases were NFC-normalised were keyed with the
            # passphrase as typed: a decomposed one opens them that way.
            if unicodedata.normalize("NFC", passphrase) == passphrase:
                raise
            conn = connect(p, derive_key_unnormalised(passphrase, header, params), header)
        try:
            case = cls(p, conn, header, lock)
        except DatabaseError as exc:
            conn.close()
            raise InputError(f"{p}: the case file is damaged and cannot be read ({exc}).") from exc
        if not case.case_id:
            conn.close()
            raise InputError(f"{p}: not a greyrock case (no case id).")
        if case.format > FORMAT:
            conn.close()
            raise InputError(f"{p}: case format {case.format} was made by a newer greyrock.", "Upgrade greyrock to open it.")
        return case

    def close(self) -> None:
        self._conn.close()
        if self._lock is not None:  # after the connection: see _lock.py
            self._lock.release()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _meta_digest(self) -> str:
        return _chain.payload_hash(dict(self._conn.execute("SELECT key, value FROM meta").fetchall()))

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: a crash or error inside leaves the case as it was."""
        if self._writer is not None:
            raise RuntimeError("transactions do not nest")
        self._conn.execute("BEGIN IMMEDIATE")
        self._writer = _Writer(self._conn, self._head())
        try:
            yield
            self._writer.flush()
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:  # not when Ctrl-C lands just after COMMIT returned
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._writer = None

    def _w(self) -> _Writer:
        if self._writer is None:
            raise RuntimeError("writes happen inside Case.transaction()")
        return self._writer

    def _head(self) -> _Head:
        row = self._conn.execute("SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
        return _Head(row[0], row[1]) if row else _Head(0, _chain.genesis(self.case_id))

    def original_id(self, sha256: str) -> int | None:
        row = self._conn.execute("SELECT id FROM originals WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def add_original(self, name: str, stream: BinaryIO, sha256: str) -> tuple[int, bool]:
        """Store an export file byte for byte; (id, True) when new, (id, False) when held."""
        existing = self.original_id(sha256)
        if existing is not None:
            return existing, False
        w = self._w()
        row = {"sha256": sha256, "name": name, "size": 0, "imported_at": _now()}
        cur = self._conn.execute(
            "INSERT INTO originals (sha256, name, size, imported_at) VALUES (?, ?, 0, ?)",
            (sha256, name, row["imported_at"]),
        )
        oid = int(cur.lastrowid)
        digest, size, seq = hashlib.sha256(), 0, 0
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            self._conn.execute("INSERT INTO original_chunks (original_id, seq, data) VALUES (?, ?, ?)", (oid, seq, chunk))
            seq += 1
        if digest.hexdigest() != sha256:
            raise InputError(f"{name}: the file changed while it was being imported; nothing was added.")
        row["size"] = size
        self._conn.execute("UPDATE originals SET size = ? WHERE id = ?", (size, oid))
        w.append("original", oid, _chain.payload_hash(_original_payload(row)))
        return oid, True

    def add_messages(
        self, messages: Iterable[Message], original_ids: dict[str, int],
        occurrences: OrderedDict[bytes, int] | None = None, zone: tzinfo | None = None,
    ) -> Iterator[tuple[int, Message]]:
        """Store messages not already held; yields (row id, message) for each one added.

        Deduplication is by content (time, channel, kind, direction, sender, recipients,
        conversation, body, attachments), so a newer backup that repeats older messages
        adds only what is new, and the same words in two conversations stay two messages.
        Identical messages that really were sent twice (two "ok" in the same minute) are
        told apart by their order of occurrence. One export stored over several transactions
        passes the same `occurrences` to each call, so the count runs on across them.
        A time without a zone is ordered as read in `zone`, the case's time zone.
        """
        w = self._w()
        fmt = self.format
        seen: OrderedDict[bytes, int] = OrderedDict() if occurrences is None else occurrences
        originals = dict(self._conn.execute("SELECT id, sha256 FROM originals").fetchall())
        next_id = (self._conn.execute("SELECT max(id) FROM messages").fetchone()[0] or 0) + 1
        # (dedup key, original id, sort key, values in _MESSAGE_FIELDS order, message)
        batch: list[tuple[bytes, int, float, tuple[Any, ...], Message]] = []

        def flush() -> Iterator[tuple[int, Message]]:
            # INSERT OR IGNORE with ids we choose: the ids that exist afterwards are the
            # messages that were new (a duplicate leaves a gap), in one index probe each.
            nonlocal next_id
            first = next_id
            next_id += len(batch)
            cur = self._conn.executemany(
                "INSERT OR IGNORE INTO messages (id, dedup_key, original_id, sort_ts, locator, timestamp, channel,"
                " kind, direction, sender, sender_name, recipients, body, attachments, extra)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(first + j, key, oid, ts, *values) for j, (key, oid, ts, values, _) in enumerate(batch)],
            )
            if cur.rowcount == len(batch):
                inserted = range(first, next_id)  # nothing was already held: the usual case
            else:
                inserted = {i for (i,) in self._conn.execute(
                    "SELECT id FROM messages WHERE id >= ? AND id < ?", (first, next_id))}
            added = [(first + j, oid, values, message)
                     for j, (_, oid, _, values, message) in enumerate(batch) if first + j in inserted]
            if fmt < 2:
                w.extend("message", [(i, _chain.fields_hash((originals[oid], *values))) for i, oid, values, _ in added])
            else:
                keys = {first + j: (key, ts) for j, (key, _, ts, _, _) in enumerate(batch)}
                w.extend("message", [(i, _chain.fields_hash((originals[oid], keys[i][0].hex(), _sort_text(keys[i][1]),
                                                             *values))) for i, oid, values, _ in added])
            batch.clear()
            return ((i, message) for i, _, _, message in added)

        for message in messages:
            oid = original_ids.get(message.source.file)
            if oid is None:
                raise RuntimeError(f"no original registered for {message.source.file!r}")
            for att in message.attachments:
                if att.data is not None:
                    self._store_blob(att.sha256 or hashlib.sha256(att.data).hexdigest(), _slices(att.data))
                elif att.source is not None and att.sha256:
                    self._store_blob(att.sha256, att.source.chunks())
            timestamp = message.timestamp.isoformat() if message.timestamp else None
            attachments = _dumps([a.to_dict() for a in message.attachments]) if message.attachments else "[]"
            values = (message.source.locator, timestamp, str(message.channel), str(message.kind),
                      str(message.direction), message.sender, message.sender_name,
                      _recipients_json(message.recipients), message.body, attachments, _dumps(message.extra))
            content = _dedup_content(values, message.recipients, message.extra, fmt)
            n = seen.get(content, 0)
            seen[content] = n + 1
            seen.move_to_end(content)
            if len(seen) > _DEDUP_WINDOW:
                seen.popitem(last=False)
            batch.append((content + min(n, 65535).to_bytes(2, "big"), oid, sort_key(message, zone), values, message))
            if len(batch) >= 1000:
                yield from flush()
        if batch:
            yield from flush()

    def add_finding(self, message_id: int, model: str, data: dict[str, Any]) -> None:
        """Store screening for a message (once per model version)."""
        w = self._w()
        text = _dumps(data)
        cur = self._conn.execute(
            "INSERT OR IGNORE INTO findings (message_id, model, data) VALUES (?, ?, ?)", (message_id, model, text)
        )
        if cur.rowcount == 1:
            w.append("finding", int(cur.lastrowid),
                     _chain.payload_hash(_finding_payload({"message_id": message_id, "model": model, "data": text})))

    def add_record(self, kind: str, data: dict[str, Any]) -> int:
        """Append a record of the reader's (journal entry, note, contact, setting).

        Each record carries a random `_salt` (never returned by `records`): an evidence
        bundle shows a private record (a danger-sign answer, an urge logged at a time) only
        by its chain digest, and without the salt a record with few possible values could be
        recovered by hashing every guess."""
        w = self._w()
        row = {"kind": kind, "created_at": _now(), "data": _dumps({**data, _SALT: secrets.token_hex(16)})}
        cur = self._conn.execute(
            "INSERT INTO records (kind, created_at, data) VALUES (?, ?, ?)", (kind, row["created_at"], row["data"])
        )
        rid = int(cur.lastrowid)
        w.append("record", rid, _chain.payload_hash(_record_payload(row)))
        return rid

    def add_blob(self, data: bytes) -> str:
        """Store a file's bytes (a photo for the journal); returns its SHA-256."""
        self._w()
        sha = hashlib.sha256(data).hexdigest()
        self._store_blob(sha, _slices(data))
        return sha

    def _store_blob(self, sha256: str, chunks: Iterable[bytes]) -> None:
        """Store a file's bytes under the SHA-256 of all of them, once: the first chunk
        in `blobs`, any further ones in `blob_chunks` (SQLite holds at most 1 GB in one
        value, and a chunk at a time keeps memory flat); format 2 chains it (its SHA-256
        and size). InputError when the bytes read do not have the SHA-256 they were
        measured with (the file changed meanwhile)."""
        if self._conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha256,)).fetchone():
            return
        digest, seq, size, rowid = hashlib.sha256(), 0, 0, None
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            if seq == 0:
                rowid = self._conn.execute("INSERT INTO blobs (sha256, data) VALUES (?, ?)", (sha256, chunk)).lastrowid
            else:
                if seq == 1:
                    self._conn.execute(_BLOB_CHUNKS)  # a case made before chunked attachments lacks it
                self._conn.execute("INSERT INTO blob_chunks (sha256, seq, data) VALUES (?, ?, ?)", (sha256, seq, chunk))
            seq += 1
        if seq == 0:
            rowid = self._conn.execute("INSERT INTO blobs (sha256, data) VALUES (?, ?)", (sha256, b"")).lastrowid
        if digest.hexdigest() != sha256:
            raise InputError(f"an attachment ({sha256[:12]}…) changed while it was being imported; nothing was added.")
        if self.format >= 2:
            self._w().append("blob", int(rowid), _blob_digest(sha256, size))

    def _blob_chunks(self, sha256: str) -> Iterator[bytes]:
        """The stored chunks of one blob, in order (the first from `blobs`)."""
        row = self._conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return
        yield bytes(row[0])
        if self._conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'blob_chunks'").fetchone():
            for (data,) in self._conn.execute("SELECT data FROM blob_chunks WHERE sha256 = ? ORDER BY seq", (sha256,)):
                yield bytes(data)

    # -- reading ---------------------------------------------------------------------------

    def fingerprint(self) -> str:
        return self._head().hash

    def short_fingerprint(self) -> str:
        """The head as `greyrock fingerprint` prints it (entry number and 80 bits)."""
        head = self._head()
        return _chain.short_fingerprint(head.seq, head.hash)

    def records(self, kind: str) -> list[dict[str, Any]]:
        rows = self._conn.execute("SELECT id, created_at, data FROM records WHERE kind = ? ORDER BY id", (kind,))
        out = [{"id": rid, "created_at": created, **json.loads(data)} for rid, created, data in rows]
        for rec in out:
            rec.pop(_SALT, None)
        return out

    def contacts(self) -> dict[str, set[str]]:
        """The other person(s): name -> every alias (number, address, chat name) recorded."""
        out: dict[str, set[str]] = {}
        for rec in self.records("contact"):
            out.setdefault(rec["name"], set()).update(rec["aliases"])
        return out

    def blob(self, sha256: str) -> bytes | None:
        chunks = list(self._blob_chunks(sha256))
        return b"".join(chunks) if chunks else None

    def original_bytes(self, sha256: str) -> bytes:
        oid = self.original_id(sha256)
        if oid is None:
            raise InputError(f"no original with SHA-256 {sha256} in this case.")
        rows = self._conn.execute("SELECT data FROM original_chunks WHERE original_id = ? ORDER BY seq", (oid,))
        return b"".join(bytes(r[0]) for r in rows)

    def originals(self) -> list[dict[str, Any]]:
        rows = self._conn.execute("SELECT id, sha256, name, size, imported_at FROM originals ORDER BY id")
        return [dict(zip(("id", "sha256", "name", "size", "imported_at"), r)) for r in rows]

    def messages(self, since: datetime | None = None, clock: Clock | None = None) -> Iterator[StoredMessage]:
        """Every message, oldest first by its true instant on `clock` (default: the case's),
        with its latest screening (if any). `since` is a time on that clock."""
        if clock is None:
            from greyrock.settings import case_clock

            clock = case_clock(self)[0]
        if since is not None:
            since = clock.local(since)
        rows = self._stored_messages(None if since is None else since - timedelta(days=2))
        for stored in true_order(rows, clock, lambda s: s.message.timestamp):
            if since is None or clock.instant(stored.message.timestamp) >= clock.instant(since):
                yield stored

    def _stored_messages(self, since: datetime | None = None) -> Iterator[StoredMessage]:
        """Every message in stored order (naive times as stored), from `since` on."""
        sql = (
            "SELECT m.id, m.locator, m.timestamp, m.channel, m.kind, m.direction, m.sender, m.sender_name,"
            " m.recipients, m.body, m.attachments, m.extra, o.name, o.sha256,"
            " (SELECT data FROM findings f WHERE f.message_id = m.id ORDER BY f.id DESC LIMIT 1)"
            " FROM messages m JOIN originals o ON o.id = m.original_id"
        )
        args: tuple[Any, ...] = ()
        if since is not None:
            probe = Message(since, Channel.OTHER, Kind.MESSAGE, Direction.UNKNOWN, None, "", Source("", ""))
            sql += " WHERE m.sort_ts >= ?"
            args = (sort_key(probe),)
        sql += " ORDER BY m.sort_ts, m.id"
        corrections = self.corrections()
        for (mid, loc, ts, ch, kind, direction, sender, sname, recips, body, atts, extra, oname, osha,
             finding) in self._conn.execute(sql, args):
            message = Message(
                timestamp=datetime.fromisoformat(ts) if ts else None,
                channel=Channel(ch),
                kind=Kind(kind),
                direction=Direction(direction),
                sender=sender,
                sender_name=sname,
                recipients=tuple(json.loads(recips)),
                body=body,
                attachments=tuple(Attachment(**a) for a in json.loads(atts)),
                extra=json.loads(extra),
                source=Source(oname, loc),
            )
            screening = json.loads(finding) if finding else None
            fix = corrections.get(mid)
            yield StoredMessage(mid, message, osha, _labels.apply(screening, fix), fix, screening if fix else None)

    def corrections(self) -> dict[int, _labels.Correction]:
        """message id -> the reader's correction of its labels (see `_labels`)."""
        records = self.records(_labels.RECORD_KIND)
        if not records:
            return {}
        ids = sorted({r["message_id"] for r in records if isinstance(r.get("message_id"), int)})
        return _labels.fold(records, self._screened_labels(ids))

    def _screened_labels(self, ids: list[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for mid in ids:
            row = self._conn.execute("SELECT data FROM findings WHERE message_id = ? ORDER BY id DESC LIMIT 1",
                                     (mid,)).fetchone()
            out[mid] = list(json.loads(row[0]).get("labels", [])) if row else []
        return out

    def correct_labels(self, message_id: int, add: Iterable[str] = (), remove: Iterable[str] = (),
                       note: str = "", reset: bool = False) -> _labels.Correction | None:
        """Record the reader's correction of one message's labels (a chained record; the
        automated screening is kept as it is); returns the message's correction now.
        InputError for an unknown message id or label, or when nothing is asked."""
        add, remove = list(dict.fromkeys(add)), list(dict.fromkeys(remove))
        unknown = [label for label in (*add, *remove) if label not in _labels.LABELS]
        if unknown:
            raise InputError(f"unknown label(s) {', '.join(unknown)}.", f"Labels: {', '.join(_labels.LABELS)}.")
        both = sorted(set(add) & set(remove))
        if both:
            raise InputError(f"label(s) {', '.join(both)} both added and removed; choose one.")
        if not (add or remove or reset):
            raise InputError("nothing to correct: give --add LABEL, --remove LABEL or --reset.")
        self._require_message(message_id)
        data: dict[str, Any] = {"message_id": message_id, "add": add, "remove": remove, "note": note.strip()}
        if reset:
            data["reset"] = True
        with self.transaction():
            self.add_record(_labels.RECORD_KIND, data)
        return self.corrections().get(message_id)

    def _require_message(self, message_id: int) -> None:
        """InputError unless the case holds this message; an id past SQLite's 64-bit integers
        (a typo of many digits) is a message the case does not hold, not an OverflowError."""
        if not -(2**63) <= message_id < 2**63 or self._conn.execute(
                "SELECT 1 FROM messages WHERE id = ?", (message_id,)).fetchone() is None:
            raise InputError(f"no message {message_id} in this case.",
                             "Message ids are shown by 'greyrock shield' and 'greyrock case messages'.")

    def mark_agreed(self, message_id: int, agreed: bool = True) -> None:
        """Record that one call or message is (or is not) agreed contact (greyrock.agreed):
        a chained record; the message itself is unchanged. InputError for an unknown id."""
        from greyrock.agreed import RECORD_KIND

        self._require_message(message_id)
        with self.transaction():
            self.add_record(RECORD_KIND, {"message_id": message_id, "agreed": agreed})

    def stats(self) -> dict[str, Any]:
        """The shape of `greyrock case stats --json` (cli.md)."""
        q = self._conn.execute
        by_label: dict[str, int] = {}
        corrections = self.corrections()
        for (mid, data) in q(
            "SELECT message_id, data FROM findings f WHERE f.id = (SELECT max(id) FROM findings g"
            " WHERE g.message_id = f.message_id)"
        ):
            fix = corrections.pop(mid, None)
            for label in (_labels.apply(json.loads(data), fix) or {}).get("labels", []):
                by_label[label] = by_label.get(label, 0) + 1
        for fix in corrections.values():  # labels the reader gave a message that was never screened
            for label in fix.add:
                by_label[label] = by_label.get(label, 0) + 1
        first = q("SELECT timestamp FROM messages WHERE timestamp IS NOT NULL ORDER BY sort_ts LIMIT 1").fetchone()
        last = q("SELECT timestamp FROM messages WHERE timestamp IS NOT NULL ORDER BY sort_ts DESC LIMIT 1").fetchone()
        return {
            "messages": q("SELECT count(*) FROM messages").fetchone()[0],
            "originals": q("SELECT count(*) FROM originals").fetchone()[0],
            "incidents": q("SELECT count(*) FROM records WHERE kind = 'journal'").fetchone()[0],
            "by_label": dict(sorted(by_label.items())),
            "first": first[0] if first else None,
            "last": last[0] if last else None,
            "fingerprint": self.fingerprint(),
        }

    # -- opening chain entries (an evidence bundle) ------------------------------------------

    def chain_entries(self) -> Iterator[tuple[int, str, int, str, str]]:
        """Every chain entry in order: (seq, kind, ref, payload digest, entry hash)."""
        yield from self._conn.execute("SELECT seq, kind, ref, payload, hash FROM chain ORDER BY seq")

    def entry_opening(self, kind: str, ref: int) -> dict[str, Any] | None:
        """The values a chain entry's payload digest is computed from, as `_opening.payload_of`
        reads them back: what an evidence bundle shows for an entry it opens, so that anyone
        can recompute the digest without the case. None when the row is gone."""
        q = self._conn.execute
        if kind == "meta":
            return {"meta": dict(q("SELECT key, value FROM meta").fetchall())}
        if kind == "original":
            row = q("SELECT sha256, name, size, imported_at FROM originals WHERE id = ?", (ref,)).fetchone()
            return _original_payload(dict(zip(("sha256", "name", "size", "imported_at"), row))) if row else None
        if kind == "message":
            cols = ("original_id", "dedup_key", "sort_ts", *_MESSAGE_FIELDS)
            row = q(f"SELECT {', '.join(cols)} FROM messages WHERE id = ?", (ref,)).fetchone()
            if row is None:
                return None
            r = dict(zip(cols, row))
            sha = q("SELECT sha256 FROM originals WHERE id = ?", (r["original_id"],)).fetchone()[0]
            if self.format < 2:
                return {"format": 1, "fields": [sha, *(r[k] for k in _MESSAGE_FIELDS)]}
            return {"format": 2, "fields": [sha, bytes(r["dedup_key"]).hex(), _sort_text(r["sort_ts"]),
                                            *(r[k] for k in _MESSAGE_FIELDS)]}
        if kind == "blob":
            row = q("SELECT sha256, length(data) FROM blobs WHERE rowid = ?", (ref,)).fetchone()
            if row is None:
                return None
            size = row[1]  # the stored sizes, not the bytes read (the bundle's file is checked against them)
            if q("SELECT 1 FROM sqlite_master WHERE name = 'blob_chunks'").fetchone():
                size += q("SELECT coalesce(sum(length(data)), 0) FROM blob_chunks WHERE sha256 = ?", (row[0],)).fetchone()[0]
            return {"sha256": row[0], "size": size}
        if kind == "finding":
            row = q("SELECT message_id, model, data FROM findings WHERE id = ?", (ref,)).fetchone()
            return _finding_payload(dict(zip(("message_id", "model", "data"), row))) if row else None
        if kind == "record":
            row = q("SELECT kind, created_at, data FROM records WHERE id = ?", (ref,)).fetchone()
            return _record_payload(dict(zip(("kind", "created_at", "data"), row))) if row else None
        return None

    # -- checking --------------------------------------------------------------------------

    def verify(self, fingerprint: str | None = None) -> VerifyResult:
        """Recompute every original's hash and every chain entry from the rows as they are.

        With `fingerprint` (one the reader kept, short or full), the case must also still
        extend it: the chain as it was then must be the start of the chain now. Without
        it, someone holding the key could rebuild the chain after an edit, or cut its end.
        """
        anchor = _chain.parse_fingerprint(fingerprint) if fingerprint is not None else None
        try:
            result = self._verify()
        except DatabaseError as exc:
            return VerifyResult(False, "", 0, f"the case file is damaged: a page failed its integrity check ({exc}).",
                                self.format)
        if anchor is None or not result.ok:
            return result
        problem, seq = self._extends(anchor, result.entries)
        if problem:
            return VerifyResult(False, result.fingerprint, result.entries,
                                f"the case does not extend fingerprint {anchor.text}: {problem}", self.format)
        return VerifyResult(True, result.fingerprint, result.entries, None, self.format, seq)

    def _extends(self, anchor: _chain.Anchor, entries: int) -> tuple[str | None, int | None]:
        q = self._conn.execute
        if anchor.seq is None:
            row = q("SELECT seq FROM chain WHERE hash = ?", (anchor.prefix,)).fetchone()
            if row is None:
                return ("no chain entry has this hash: what the case held then was changed or removed "
                        "(or the fingerprint was mistyped)."), None
            return None, row[0]
        if anchor.seq > entries:
            return (f"the case has {entries} chain entries and the fingerprint records entry {anchor.seq}: "
                    "entries were removed since (or this is an older copy)."), None
        row = q("SELECT hash FROM chain WHERE seq = ?", (anchor.seq,)).fetchone()
        if row is None or not row[0].startswith(anchor.prefix):
            return (f"chain entry {anchor.seq} no longer has the fingerprint's hash: what the case held then was "
                    "changed and the chain rebuilt (or the fingerprint was mistyped)."), None
        return None, anchor.seq

    def _verify(self) -> VerifyResult:
        q = self._conn.execute
        fmt = self.format
        if fmt not in (1, FORMAT):
            return VerifyResult(False, "", 0, f"the case format {self._meta('schema_version')!r} is not one this "
                                              "greyrock knows (the meta table was changed, or greyrock is too old).", fmt)
        # Every page, read or not by the checks below, must pass SQLCipher's HMAC.
        damaged = q("PRAGMA cipher_integrity_check").fetchall()
        if damaged:
            return VerifyResult(False, "", 0, f"the case file is damaged: {len(damaged)} page(s) fail their "
                                              f"integrity check (first: {damaged[0][0]}).", fmt)
        structure = q("PRAGMA integrity_check").fetchone()
        if structure is None or structure[0] != "ok":
            return VerifyResult(False, "", 0, f"the case file is damaged: {structure[0] if structure else 'unreadable'}.",
                                fmt)
        prev = _chain.genesis(self.case_id)
        expected_seq = 0
        originals_sha: dict[int, str] = {}
        message_cols = ("locator", "timestamp", "channel", "kind", "direction", "sender", "sender_name",
                        "recipients", "body", "attachments", "extra", "original_id", "dedup_key", "sort_ts")
        loaders = {
            "original": ("SELECT sha256, name, size, imported_at FROM originals WHERE id = ?",
                         ("sha256", "name", "size", "imported_at")),
            "message": (f"SELECT {', '.join(message_cols)} FROM messages WHERE id = ?", message_cols),
            "finding": ("SELECT message_id, model, data FROM findings WHERE id = ?", ("message_id", "model", "data")),
            "record": ("SELECT kind, created_at, data FROM records WHERE id = ?", ("kind", "created_at", "data")),
            "blob": ("SELECT sha256 FROM blobs WHERE rowid = ?", ("sha256",)),
        }
        chained: dict[str, set[int]] = {k: set() for k in loaders}
        meta_payload: str | None = None

        def fail(seq: int, what: str) -> VerifyResult:
            return VerifyResult(False, "", seq, f"chain entry {seq}: {what}", fmt)

        for seq, kind, ref, payload, h in q("SELECT seq, kind, ref, payload, hash FROM chain ORDER BY seq").fetchall():
            expected_seq += 1
            if seq != expected_seq:
                return fail(expected_seq, "missing: the chain has a gap (an entry was deleted).")
            if fmt >= 2 and seq == 1 and kind != "meta":
                return fail(seq, "the chain of a format 2 case starts with its metadata; this one does not.")
            if kind == "meta" and fmt >= 2:
                meta_payload = recomputed = payload  # checked against the meta table after the loop
            elif kind not in loaders or (kind == "blob" and fmt < 2):
                return fail(seq, f"unknown kind {kind!r}.")
            else:
                sql, cols = loaders[kind]
                found = q(sql, (ref,)).fetchone()
                if found is None:
                    what = "attachment" if kind == "blob" else kind
                    return fail(seq, f"the {what} it records (id {ref}) has been deleted.")
                row = dict(zip(cols, found))
                chained[kind].add(ref)
                if kind == "original":
                    problem = self._check_original(ref, row)
                    if problem:
                        return fail(seq, problem)
                    originals_sha[ref] = row["sha256"]
                    recomputed = _chain.payload_hash(_original_payload(row))
                elif kind == "message":
                    sha = originals_sha.get(row["original_id"])
                    if sha is None:
                        return fail(seq, f"message {ref} points at an original that is not in the chain before it.")
                    recomputed = _message_digest(row, sha, fmt)
                elif kind == "blob":
                    actual, size = self._blob_hash(ref)
                    if actual != row["sha256"]:
                        return fail(seq, f"the attachment {row['sha256'][:12]}… no longer matches its SHA-256.")
                    recomputed = _blob_digest(row["sha256"], size)
                elif kind == "finding":
                    recomputed = _chain.payload_hash(_finding_payload(row))
                else:
                    recomputed = _chain.payload_hash(_record_payload(row))
                if recomputed != payload:
                    where = f" ({row['locator']})" if kind == "message" else ""
                    what = "attachment" if kind == "blob" else kind
                    return fail(seq, f"the {what} with id {ref}{where} was changed after it was recorded.")
            if _chain.entry_hash(prev, seq, kind, ref, payload) != h:
                return fail(seq, "its hash does not follow from the entry before it (the chain was rewritten).")
            prev = h
        if fmt >= 2 and meta_payload != self._meta_digest():
            return VerifyResult(False, "", expected_seq, "the case's metadata (its id, creation time or format) "
                                                         "was changed after it was recorded.", fmt)
        tables = {"original": "originals", "message": "messages", "finding": "findings", "record": "records"}
        if fmt >= 2:
            tables["blob"] = "blobs"
        for kind, table in tables.items():
            for (rid,) in q(f"SELECT rowid FROM {table}"):
                if rid not in chained[kind]:
                    what = "attachment" if kind == "blob" else kind
                    return VerifyResult(False, "", expected_seq,
                                        f"{what} id {rid} is in the case but not in the chain (added outside greyrock).",
                                        fmt)
        if fmt < 2:  # format 1 does not chain attachments: each must at least match its own hash
            for (rid, sha) in q("SELECT rowid, sha256 FROM blobs").fetchall():
                if self._blob_hash(rid)[0] != sha:
                    return VerifyResult(False, "", expected_seq, f"attachment {sha[:12]}… does not match its hash.", fmt)
        return VerifyResult(True, prev, expected_seq, None, fmt)

    def _blob_hash(self, rowid: int) -> tuple[str, int]:
        """The SHA-256 and size of a stored attachment's bytes, all its chunks: the one place
        that reads them for verify."""
        row = self._conn.execute("SELECT sha256 FROM blobs WHERE rowid = ?", (rowid,)).fetchone()
        if row is None:
            return "", 0
        digest, size = hashlib.sha256(), 0
        for chunk in self._blob_chunks(row[0]):
            digest.update(chunk)
            size += len(chunk)
        return digest.hexdigest(), size

    def _check_original(self, oid: int, row: dict[str, Any]) -> str | None:
        digest, size = hashlib.sha256(), 0
        for (data,) in self._conn.execute("SELECT data FROM original_chunks WHERE original_id = ? ORDER BY seq", (oid,)):
            digest.update(data)
            size += len(data)
        if digest.hexdigest() != row["sha256"] or size != row["size"]:
            return f"the original {row['name']} no longer matches its SHA-256."
        return None

    # -- keys and copies -------------------------------------------------------------------

    def backup(self, dest: str | os.PathLike[str], passphrase: str, kdf: KdfParams | None = None) -> Path:
        """An encrypted copy of the whole case at `dest`, under `passphrase`."""
        d = Path(dest)
        if not passphrase:
            raise InputError("An empty passphrase cannot protect a case.")
        params = kdf or KdfParams()
        header = new_header(params)
        attach_export(self._conn, d, derive_key(passphrase, header, params), header)
        return d

    def change_passphrase(self, new_passphrase: str, kdf: KdfParams | None = None) -> None:
        """Re-key: write a fresh copy under the new key, then swap it in atomically.

        The copy is locked before it takes the case's name, so no other command can open
        the case between the swap and this one reopening it."""
        tmp = self.path.with_name(self.path.name + ".rekey")
        tmp.unlink(missing_ok=True)
        self.backup(tmp, new_passphrase, kdf)
        new_lock = CaseLock(tmp)
        try:
            self._conn.close()
            os.replace(tmp, self.path)
        except BaseException:
            new_lock.release()
            raise
        fsync_dir(self.path.parent)
        if self._lock is not None:
            self._lock.release()
        self._lock = new_lock
        reopened = Case._open_locked(self.path, new_passphrase, new_lock)
        self._conn, self._header = reopened._conn, reopened._header
