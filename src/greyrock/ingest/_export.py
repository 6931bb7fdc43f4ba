"""An export as handed to us: one file, a folder, or a zip, seen as a list of entries.

Zips are read in memory, member by member: extracting them would leave plaintext copies
of the messages on disk. Files are only ever opened read-only.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from greyrock.errors import InputError, ParseError

__all__ = ["Entry", "Export", "open_export", "text_stream"]

SNIFF_BYTES = 64 * 1024
# What reading a damaged or encrypted zip member can raise, besides the usual.
_READ_ERRORS = (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError, NotImplementedError)


@dataclass(eq=False)
class Entry:
    """One file of an export.

    `file` is the original on disk as the reader named it (relative to a folder they gave
    us; the zip itself for a member of a zip); `member` is the path inside the zip.
    `name` is the entry's own path (member, or file) and is what importers match on.
    """

    file: str
    path: Path
    size: int
    member: str | None = None
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)
    _head: bytes | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.member if self.member is not None else self.file

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    def open(self) -> BinaryIO:
        if self._zip is not None and self.member is not None:
            return self._zip.open(self.member, "r")  # type: ignore[return-value]
        return open(self.path, "rb")

    def read_bytes(self) -> bytes:
        try:
            with self.open() as fh:
                return fh.read()
        except _READ_ERRORS as exc:
            raise ParseError(self.file, self.member, f"cannot read: {exc}") from exc

    def head(self, n: int = SNIFF_BYTES) -> bytes:
        """The first bytes, for sniffing; cached, and never more than 64 KiB."""
        if self._head is None:
            try:
                with self.open() as fh:
                    self._head = fh.read(SNIFF_BYTES)
            except _READ_ERRORS:
                self._head = b""
        return self._head[:n]

    def head_text(self, n: int = SNIFF_BYTES) -> str:
        return self.head(n).decode("utf-8", errors="replace").lstrip("\ufeff")

    def locate(self, locator: str) -> str:
        """A locator that also names the zip member, when there is one."""
        return f"{self.member} {locator}" if self.member is not None else locator


@dataclass(eq=False)
class Export:
    """What the reader pointed at, with every file in it as an Entry."""

    path: Path
    entries: list[Entry]
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)

    def find(self, name: str) -> Entry | None:
        """The entry whose path (or, failing that, base name) is `name`."""
        for entry in self.entries:
            if entry.name == name:
                return entry
        base = name.rsplit("/", 1)[-1]
        for entry in self.entries:
            if entry.basename == base:
                return entry
        return None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)


def _is_hidden(rel: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in rel.split("/"))


def open_export(path: str | os.PathLike[str]) -> Export:
    """Open a file, folder or zip for reading; InputError when there is nothing to read."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder.")
    if p.is_dir():
        entries = []
        for root, dirs, files in os.walk(p):
            dirs.sort()
            for name in sorted(files):
                full = Path(root) / name
                rel = full.relative_to(p).as_posix()
                if _is_hidden(rel) or not full.is_file():
                    continue
                entries.append(Entry(file=rel, path=full, size=full.stat().st_size))
        if not entries:
            raise InputError(f"{p}: the folder holds no files to import.")
        return Export(path=p, entries=entries)
    if not p.is_file():
        raise InputError(f"{p}: not a regular file.")
    size = p.stat().st_size
    if size == 0:
        raise ParseError(p.name, None, "the file is empty.")
    with open(p, "rb") as fh:
        magic = fh.read(4)
    if magic in (b"PK\x03\x04", b"PK\x05\x06"):
        return _open_zip(p)
    return Export(path=p, entries=[Entry(file=p.name, path=p, size=size)])


def _open_zip(p: Path) -> Export:
    try:
        zf = zipfile.ZipFile(p, "r")
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ParseError(p.name, None, f"not a readable zip file ({exc}).") from exc
    entries = [
        Entry(file=p.name, path=p, size=info.file_size, member=info.filename, _zip=zf)
        for info in infos
        if not info.is_dir() and not _is_hidden(info.filename)
    ]
    if not entries:
        zf.close()
        raise ParseError(p.name, None, "the zip file is empty.")
    return Export(path=p, entries=entries, _zip=zf)


def text_stream(entry: Entry, encoding: str = "utf-8") -> io.TextIOWrapper:
    """A text view of an entry that keeps undecodable bytes visible instead of failing."""
    return io.TextIOWrapper(entry.open(), encoding=encoding, errors="replace", newline="")
