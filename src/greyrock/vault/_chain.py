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
from typing import Any

__all__ = ["canonical", "entry_hash", "genesis", "payload_hash"]


_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical(obj: Any) -> bytes:
    return _encode(obj).encode("utf-8")


def payload_hash(obj: Any) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def genesis(case_id: str) -> str:
    """The 'previous hash' of entry 1: ties the chain to this case, not any other."""
    return hashlib.sha256(f"greyrock-case-v1:{case_id}".encode()).hexdigest()


def entry_hash(prev: str, seq: int, kind: str, ref: int, payload: str) -> str:
    return hashlib.sha256(f"{prev}|{seq}|{kind}|{ref}|{payload}".encode()).hexdigest()
