"""The append-only hash chain: every row the case holds is committed to, in order.

Each chain entry stores the SHA-256 of a canonical JSON form of one row (an original, a
message, a screening finding, a journal record) and a hash over the previous entry's hash
and its own fields. Verification recomputes both from the rows as they are now, so an edit
made with the right key but without greyrock (a changed body, a deleted row, an inserted
one) shows up as the first entry that no longer matches. The last hash is the case's
fingerprint: written down somewhere else, it pins what the case held at that moment.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

__all__ = ["canonical", "entry_hash", "fields_hash", "fields_key", "genesis", "payload_hash"]


_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical(obj: Any) -> bytes:
    return _encode(obj).encode("utf-8")


def payload_hash(obj: Any) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def fields_hash(values: Sequence[str | None]) -> str:
    """The hash of a row of text fields: their lengths (None as '-'), then the fields
    themselves, so no two different rows can encode alike. Faster than JSON on the hot
    path of an import."""
    return _fields_digest(values).hexdigest()


def fields_key(values: Sequence[str | None]) -> bytes:
    """A compact identity for a row's content (16 bytes)."""
    return _fields_digest(values).digest()[:16]


def _fields_digest(values: Sequence[str | None]) -> "hashlib._Hash":
    if None in values:
        lengths = ",".join(["-" if v is None else str(len(v)) for v in values])
        text = lengths + "|" + "".join([v for v in values if v])
    else:  # the same text, built without a Python-level loop (the import's hot path)
        text = _lengths_format(len(values)) % tuple(map(len, values)) + "|" + "".join(values)  # type: ignore[arg-type]
    return hashlib.sha256(text.encode("utf-8", "surrogatepass"))


@lru_cache(maxsize=None)
def _lengths_format(n: int) -> str:
    return ",".join(["%d"] * n)


def genesis(case_id: str) -> str:
    """The 'previous hash' of entry 1: ties the chain to this case, not any other."""
    return hashlib.sha256(f"greyrock-case-v1:{case_id}".encode()).hexdigest()


def entry_hash(prev: str, seq: int, kind: str, ref: int, payload: str) -> str:
    return hashlib.sha256(f"{prev}|{seq}|{kind}|{ref}|{payload}".encode()).hexdigest()
