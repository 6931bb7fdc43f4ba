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
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw

from greyrock.errors import InputError

__all__ = ["HEADER_SIZE", "KdfParams", "derive_key", "new_header", "read_header"]

MAGIC = b"GRC"
FORMAT_VERSION = 1  # v1: Argon2id, 32-byte key, header in the SQLCipher salt
HEADER_SIZE = 16


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost. The default is RFC 9106's second recommended option."""

    time_cost: int = 3
    memory_log2_kib: int = 16  # 64 MiB
    parallelism: int = 4

    def __post_init__(self) -> None:
        if not (1 <= self.time_cost <= 255 and 3 <= self.memory_log2_kib <= 24 and 1 <= self.parallelism <= 255):
            raise ValueError(f"unusable Argon2 parameters: {self}")
        if 2**self.memory_log2_kib < 8 * self.parallelism:
            raise ValueError("Argon2 needs at least 8 KiB of memory per lane")


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
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        header,
        time_cost=params.time_cost,
        memory_cost=2**params.memory_log2_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )
