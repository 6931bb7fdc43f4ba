"""Files only their owner can read: case files, backups, reports and exports hold the
messages, so they are created with mode 0600 whatever the umask, and a file written over
is narrowed to 0600 too."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["PRIVATE_MODE", "write_private"]

PRIVATE_MODE = 0o600


def write_private(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path` (created or truncated), readable by its owner only."""
    p = Path(path)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), PRIVATE_MODE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_MODE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return p


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file, read a megabyte at a time (exports can be gigabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
