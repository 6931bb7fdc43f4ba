"""Exports uploaded through the browser, held in memory and handed to the importer as a file.

The importer reads paths (it streams large exports and may read them in a second
process). An upload is never written to disk in plain text: its bytes go into an anonymous
in-memory file (`memfd_create`, Linux), reached as /proc/PID/fd/N while it is open, and
closed as soon as the import ends. Several loose files (a Messenger folder chosen file by
file) are first put into one zip built in memory, so that each keeps its own name in the
case; an uploaded zip is imported as it is.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from greyrock.errors import InputError

__all__ = ["Upload", "in_memory_exports"]

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    data: bytes


def _safe_name(name: str) -> str:
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
            name, n = _safe_name(f.name), 1
            while name in seen:
                n += 1
                name = f"{n}-{_safe_name(f.name)}"
            seen.add(name)
            zf.writestr(name, f.data)
    return buffer.getvalue()


@contextmanager
def in_memory_exports(files: Sequence[Upload]) -> Iterator[list[tuple[str, Path]]]:
    """(name shown to the reader, path to import) for each export among `files`, valid inside the block."""
    files = [f for f in files if f.data]
    if not files:
        raise InputError("No file was chosen, or the files chosen are empty.")
    zips = [f for f in files if f.data[:4] in _ZIP_MAGIC]
    loose = [f for f in files if f.data[:4] not in _ZIP_MAGIC]
    opened: list[int] = []
    try:
        exports: list[tuple[str, Path]] = []
        for f in zips:
            fd, path = _memfile(f.data, _safe_name(f.name))
            opened.append(fd)
            exports.append((_safe_name(f.name), path))
        if loose:
            fd, path = _memfile(_bundle(loose), "files")
            opened.append(fd)
            exports.append((", ".join(_safe_name(f.name) for f in loose), path))
        yield exports
    finally:
        for fd in opened:
            os.close(fd)
