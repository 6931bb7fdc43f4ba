"""The append-only hash chain: every row the case holds is committed to, in order.

Each chain entry stores the SHA-256 of a canonical JSON form of one row (an original, a
message, a screening finding, a journal record) and a hash over the previous entry's hash
and its own fields. Verification recomputes both from the rows as they are now, so an edit
made with the right key but without greyrock (a changed body, a deleted row, an inserted
one) shows up as the first entry that no longer matches. The last hash is the case's
fingerprint: written down somewhere else, it pins what the case held at that moment.

Whoever holds the key can rebuild the whole chain after an edit, and can drop its last
entries, so only a fingerprint kept outside the case proves anything against them. The
short form, `ENTRY-xxxx-xxxx-xxxx-xxxx-xxxx`, is the entry number and the first 80 bits
of that entry's hash: short enough to write down, too long to forge a chain to match.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from greyrock.errors import InputError

__all__ = ["Anchor", "canonical", "entry_hash", "fields_hash", "fields_key", "genesis", "parse_fingerprint",
           "payload_hash", "short_fingerprint"]


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


_SHORT_HEX = 20  # 80 bits of the entry's hash
_HEX = re.compile(r"[0-9a-f]+")


def short_fingerprint(seq: int, head: str) -> str:
    """`ENTRY-xxxx-xxxx-xxxx-xxxx-xxxx`: the chain entry and the start of its hash."""
    prefix = head[:_SHORT_HEX]
    return f"{seq}-" + "-".join(prefix[i:i + 4] for i in range(0, _SHORT_HEX, 4))


@dataclass(frozen=True, slots=True)
class Anchor:
    """A fingerprint the reader kept: an entry number (None for a bare full hash, which is
    looked for along the chain) and the hash or the start of it."""

    text: str
    seq: int | None
    prefix: str


def parse_fingerprint(text: str) -> Anchor:
    """A short fingerprint (as `greyrock fingerprint` prints it) or a full 64-digit one
    (as reports and `verify` print it). Case does not matter, and spaces, dashes and colons
    are all read as separators, as someone copying it by hand may write them."""
    parts = [p for p in re.split(r"[\s:\-]+", text.strip().lower()) if p]
    joined = "".join(parts)
    if len(joined) == 64 and _HEX.fullmatch(joined):
        return Anchor(text.strip(), None, joined)
    rest = "".join(parts[1:])
    if len(parts) < 2 or not parts[0].isdigit() or not _SHORT_HEX <= len(rest) <= 64 or not _HEX.fullmatch(rest):
        raise InputError(f"--fingerprint: {text.strip()!r} is not a greyrock fingerprint.",
                         "It looks like 1234-9f2c-4a1b-7e3d-5a6c-0b8e, or 64 hexadecimal digits.")
    return Anchor(text.strip(), int(parts[0]), rest)
