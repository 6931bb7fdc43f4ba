"""Removing the plaintext exports once the case holds them (`case import … --remove-after`).

An export left in Downloads is every message in plain text, where anyone with the laptop can
read it. Once an import has finished, a file may be removed only when all of these hold:
the case's chain and every stored original verify, and the file's bytes on disk now hash to
an original the case holds (so a file that changed since it was read, or was never stored,
stays). Only the files that were read are removed, never a folder: a folder given to import
may be Downloads itself.

Removing a file is not erasing it: on an SSD, in a synced folder (Dropbox, iCloud Drive,
OneDrive, Google Drive: their trash and version history) or in a backup, copies remain.
The warning says so, every time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from greyrock._files import sha256_file
from greyrock.vault import Case

__all__ = ["NOT_ERASED", "Removal", "check_removable", "remove_files"]

NOT_ERASED = (
    "Removing a file does not erase it. On an SSD, in a synced folder (Dropbox, iCloud Drive, OneDrive, "
    "Google Drive keep deleted files and old versions) or in a backup, copies may remain; copies may also be "
    "in Downloads, in your e-mail or on your phone. The case keeps an exact copy of each file."
)


@dataclass(slots=True)
class Removal:
    """What may be removed, or why nothing may (`problem`), and afterwards what was removed."""

    files: list[Path] = field(default_factory=list)
    problem: str | None = None
    removed: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def check_removable(case: Case, files: Iterable[Path]) -> Removal:
    """The files that may be removed now: the case verifies and holds each one's exact bytes."""
    wanted = sorted(set(files))
    verified = case.verify()
    if not verified.ok:
        return Removal(problem=f"the case does not verify ({verified.problem}); nothing was removed.")
    for path in wanted:
        try:
            digest = sha256_file(path)
        except OSError as exc:
            return Removal(problem=f"{path}: cannot be read again ({exc.strerror}); nothing was removed.")
        if case.original_id(digest) is None:
            return Removal(problem=f"{path}: its bytes are not the ones stored in the case (it changed since it "
                                   "was read?); nothing was removed.")
    return Removal(files=wanted)


def remove_files(removal: Removal) -> Removal:
    """Unlink each checked file; a failure is recorded and the rest go on."""
    for path in removal.files:
        try:
            os.unlink(path)
            removal.removed.append(path)
        except OSError as exc:
            removal.failed.append((path, exc.strerror or type(exc).__name__))
    return removal
