"""Exports uploaded through the browser, held in memory and handed to the importer as a file.

The importer reads paths (it streams large exports and may read them in a second
process). An upload is never written to disk in plain text: its bytes go into an anonymous
in-memory file (`memfd_create`, Linux), reached as /proc/PID/fd/N while it is open, and
closed as soon as the import ends. Several loose files (a Messenger folder chosen file by
file) are first put into one zip built in memory (`uploaded-files.zip`), so that each keeps
its own name in the case; an uploaded zip, or a single file, is imported as it is, under its
own name (the importer is given it: the path means nothing to the reader).

Starlette keeps a form's files in a spooled temporary file that goes to disk past 1 MiB;
`spool_max_size = 0` below keeps every upload in memory instead (a photo or an export
must never reach the disk in plain text).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.formparsers import MultiPartParser

from greyrock.errors import InputError

__all__ = ["BUNDLE", "Upload", "in_memory_exports", "safe_name"]

MultiPartParser.spool_max_size = 0  # a SpooledTemporaryFile of max_size 0 never rolls over to disk
MultiPartParser.max_file_size = 0  # the same setting under its older name (Starlette 0.40, the lowest allowed)
BUNDLE = "uploaded-files.zip"

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    data: bytes


def safe_name(name: str) -> str:
    """The browser's file name without any folder part or control character."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip()
    return cleaned or "upload"


def _memfile(data: bytes, name: str) -> tuple[int, Path]:
    if not hasattr(os, "memfd_create"):
        raise InputError("Uploading through the browser needs Linux (memfd); import with 'greyrock case import'.")
    fd = os.memfd_create(f"greyrock-{name}"[:200], os.MFD_CLOEXEC)
    try:
        view, written = memoryview(data), 0
        while written < len(data):
            written += os.write(fd, view[written:])
    except BaseException:
        os.close(fd)
        raise
    return fd, Path(f"/proc/{os.getpid()}/fd/{fd}")


def _bundle(files: Sequence[Upload]) -> bytes:
    buffer = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for f in files:
            name, n = safe_name(f.name), 1
            while name in seen:
                n += 1
                name = f"{n}-{safe_name(f.name)}"
            seen.add(name)
            zf.writestr(name, f.data)
    return buffer.getvalue()


@contextmanager
def in_memory_exports(files: Sequence[Upload]) -> Iterator[list[tuple[str, Path, str]]]:
    """(name shown to the reader, path to import, name to import it under) for each export
    among `files`, valid inside the block."""
    files = [f for f in files if f.data]
    if not files:
        raise InputError("No file was chosen, or the files chosen are empty.")
    zips = [f for f in files if f.data[:4] in _ZIP_MAGIC]
    loose = [f for f in files if f.data[:4] not in _ZIP_MAGIC]
    opened: list[int] = []
    try:
        exports: list[tuple[str, Path, str]] = []
        for f in zips + (loose if len(loose) == 1 else []):  # each imported as it is
            fd, path = _memfile(f.data, safe_name(f.name))
            opened.append(fd)
            exports.append((safe_name(f.name), path, safe_name(f.name)))
        if len(loose) > 1:
            fd, path = _memfile(_bundle(loose), "files")
            opened.append(fd)
            exports.append((", ".join(safe_name(f.name) for f in loose), path, BUNDLE))
        yield exports
    finally:
        for fd in opened:
            os.close(fd)


@dataclass
class ImportProgress:
    """What the import page's progress bar shows while an import runs: fed by the pipeline's
    progress callback (`update`), read by GET /import/progress as JSON. Counts add up over
    the files of one upload; nothing of the messages themselves is kept here."""

    running: bool = False
    file: str = ""
    files: int = 0
    files_done: int = 0
    read: int = 0
    screened: int = 0
    _base: tuple[int, int] = (0, 0)

    def start(self, files: int) -> None:
        self.running, self.file, self.files, self.files_done = True, "", files, 0
        self.read = self.screened = 0
        self._base = (0, 0)

    def next_file(self, name: str) -> None:
        self.file, self._base = name, (self.read, self.screened)

    def update(self, what: str, count: int) -> None:
        """The pipeline's `progress(what, count)`: counts so far within the current file."""
        if what == "read":
            self.read = self._base[0] + count
        elif what == "screened":
            self.screened = self._base[1] + count

    def file_done(self) -> None:
        self.files_done += 1

    def finish(self) -> None:
        self.running = False

    def to_dict(self) -> dict[str, object]:
        return {"running": self.running, "done": not self.running and self.files > 0, "file": self.file,
                "files": self.files, "files_done": self.files_done, "read": self.read, "screened": self.screened}
