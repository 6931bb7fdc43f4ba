"""From passphrase to SQLCipher key: Argon2id, with its parameters in a plaintext header.

SQLCipher keeps the first 16 bytes of a database file in plain text as the file's salt,
and accepts a raw key together with an explicit salt. greyrock chooses that salt itself so
that the case stays ONE file and still says how to derive its key:

    bytes 0-2   b"GRC"            magic: this is a greyrock case
    byte  3     format version    1
    byte  4     Argon2 time cost  (iterations)
    byte  5     log2 memory cost  in KiB (16 = 64 MiB)
    byte  6     parallelism
    bytes 7-15  random            9 bytes, unique per case and per re-key

The whole 16 bytes are the Argon2id salt, so the parameters are bound into the key.

Every header field is bounded before any derivation: the header is plaintext that anyone
(or a flipped bit) can change, and an unbounded cost made a damaged file take 46 s and gigabytes
to refuse. The bound is twice greyrock's default cost (the default takes 0.2 s on a 2-core
laptop, 0.6 s with the machine busy), and greyrock only ever writes the default.

The passphrase is NFC-normalised: the same words typed on another keyboard (or pasted
from another system) may arrive decomposed (NFD), and must open the same case.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw

from greyrock.errors import InputError

__all__ = ["HEADER_SIZE", "KdfParams", "derive_key", "derive_key_unnormalised", "new_header", "read_header"]

MAGIC = b"GRC"
FORMAT_VERSION = 1  # v1: Argon2id, 32-byte key, header in the SQLCipher salt
HEADER_SIZE = 16
# The largest cost a header may ask for: time cost x memory (KiB) of two default derivations.
MAX_COST = 2 * 3 * 2**16


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost. The default is RFC 9106's second recommended option."""

    time_cost: int = 3
    memory_log2_kib: int = 16  # 64 MiB
    parallelism: int = 4

    def __post_init__(self) -> None:
        t, m, p = self.time_cost, self.memory_log2_kib, self.parallelism
        if not 1 <= t <= 8:
            raise ValueError(f"Argon2 time cost {t} is outside 1-8")
        if not 3 <= m <= 17:
            raise ValueError(f"Argon2 memory 2^{m} KiB is outside 2^3-2^17 KiB")
        if not 1 <= p <= 8:
            raise ValueError(f"Argon2 parallelism {p} is outside 1-8")
        if 2**m < 8 * p:
            raise ValueError("Argon2 needs at least 8 KiB of memory per lane")
        if t * 2**m > MAX_COST:
            raise ValueError(f"Argon2 cost {t} x 2^{m} KiB is over greyrock's limit")


def new_header(params: KdfParams) -> bytes:
    return (
        MAGIC
        + bytes([FORMAT_VERSION, params.time_cost, params.memory_log2_kib, params.parallelism])
        + os.urandom(HEADER_SIZE - 7)
    )


def read_header(path: Path) -> tuple[bytes, KdfParams]:
    """The header of an existing case; InputError when the file is not a greyrock case."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(HEADER_SIZE)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the case file ({exc.strerror}).") from exc
    if len(header) < HEADER_SIZE or header[:3] != MAGIC:
        raise InputError(f"{path}: not a greyrock case file.", "Create one with 'greyrock case create'.")
    if header[3] != FORMAT_VERSION:
        raise InputError(
            f"{path}: case format version {header[3]} is not supported by this greyrock.",
            "Upgrade greyrock to open it.",
        )
    try:
        params = KdfParams(header[4], header[5], header[6])
    except ValueError as exc:
        raise InputError(f"{path}: the case header is damaged ({exc}).") from exc
    return header, params


def derive_key(passphrase: str, header: bytes, params: KdfParams) -> bytes:
    """The key for a passphrase, NFC-normalised."""
    return derive_key_unnormalised(unicodedata.normalize("NFC", passphrase), header, params)


def derive_key_unnormalised(passphrase: str, header: bytes, params: KdfParams) -> bytes:
    """The key for the passphrase exactly as typed: cases made before greyrock normalised
    passphrases were keyed this way, so an NFD passphrase opens them still."""
    return hash_secret_raw(
        passphrase.encode("utf-8", "surrogatepass"),
        header,
        time_cost=params.time_cost,
        memory_cost=2**params.memory_log2_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )
