"""One greyrock command per case at a time: an exclusive flock on the case file itself.

Two commands at once used to end in "wrong passphrase" (SQLite's busy error, read as a key
that does not fit) or an internal error. The lock is advisory, held on the case file (no
lock file beside it, nothing in plain text), released by the kernel when the process dies,
so a killed import never leaves a stale lock behind.

flock and SQLite's own POSIX locks do not interact, but closing any descriptor of a file
drops every POSIX lock the process holds on it: the lock is released only after the
SQLite connection is closed. Where flock does not exist (Windows) there is no lock.
"""

from __future__ import annotations

import os
from pathlib import Path

from greyrock.errors import CaseInUse, InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["CaseLock"]


class CaseLock:
    """Held from open to close; `CaseInUse` (exit 2) when another process holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise InputError(f"{path}: cannot open the case file ({exc.strerror}).") from exc
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise CaseInUse(f"{path}: case is in use by another greyrock command.",
                                "Wait for it to finish, then try again.") from None
            # The file may have been replaced (a passphrase change) between open and lock.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except OSError:
                same = False
            if not same:
                os.close(fd)
                raise CaseInUse(f"{path}: case is in use by another greyrock command (it was just replaced).",
                                "Try again.")
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None
