"""An export as handed to us: one file, a folder, or a zip, seen as a list of entries.

Zips are read in memory, member by member, as streams: extracting them would leave
plaintext copies of the messages on disk. Files are only ever opened read-only.

A zip is checked against the size limits (`_limits.Limits`) before anything in it is
read: the member count from the end of the file before Python builds an object per
member, then each member's declared compression ratio and the declared total. The
declared sizes are what bounds the reading too: Python's zipfile never inflates a member
past its declared size (and fails its CRC check if the data goes on), so a member that
lies about its size cannot be made to inflate more than it admits.
"""

from __future__ import annotations

import io
import os
import zipfile
from struct import error as struct_error
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from greyrock.errors import InputError, LimitExceeded, ParseError

from ._limits import RATIO_FLOOR, Limits, describe_size

__all__ = ["Entry", "Export", "open_export", "text_stream"]

SNIFF_BYTES = 64 * 1024
CHUNK = 1024 * 1024
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
            if self._zip.fp is None:
                # The export was closed (read to the end): an attachment's bytes may still
                # be wanted. The member keeps the new opening's file until it is closed.
                with zipfile.ZipFile(self.path, "r") as again:
                    return again.open(self.member, "r")  # type: ignore[return-value]
            return self._zip.open(self.member, "r")  # type: ignore[return-value]
        return open(self.path, "rb")

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        """The bytes as a stream of chunks (an attachment's `source`); ParseError when
        they cannot be read."""
        try:
            with self.open() as fh:
                while chunk := fh.read(size):
                    yield chunk
        except _READ_ERRORS as exc:
            raise ParseError(self.file, self.member, f"cannot read: {exc}") from exc

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
    limits: Limits = field(default_factory=Limits)
    label: str = ""  # the name warnings and originals use: the file's own, or the one open_export was given

    def __post_init__(self) -> None:
        self.label = self.label or self.path.name

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


def open_export(path: str | os.PathLike[str], limits: Limits | None = None, name: str | None = None) -> Export:
    """Open a file, folder or zip for reading; InputError when there is nothing to read,
    LimitExceeded when a zip goes past a limit (`limits`, else from the environment).
    `name` replaces a single file's or zip's own name in entries and errors: an upload held
    in memory is reached as /proc/PID/fd/N, which would mean nothing to the reader."""
    limits = limits or Limits.from_env()
    p = Path(path)
    label = name or p.name
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
        return Export(path=p, entries=entries, limits=limits)
    if not p.is_file():
        raise InputError(f"{p}: not a regular file.")
    size = p.stat().st_size
    if size == 0:
        raise ParseError(label, None, "the file is empty.")
    with open(p, "rb") as fh:
        magic = fh.read(4)
    if magic in (b"PK\x03\x04", b"PK\x05\x06"):
        return _open_zip(p, limits, label)
    return Export(path=p, entries=[Entry(file=label, path=p, size=size)], limits=limits, label=label)


# The smallest central directory record: 46 bytes and a name. A directory larger than
# this many bytes per allowed member cannot be an honest one within the limit.
_DIRECTORY_BYTES_PER_MEMBER = 1024


def _check_directory(p: Path, limits: Limits, label: str) -> None:
    """The member count as the end of the zip states it, before zipfile builds an object
    for each member (a directory of millions of members would exhaust memory first)."""
    try:
        with open(p, "rb") as fh:
            end = zipfile._EndRecData(fh)  # type: ignore[attr-defined]
    except (OSError, AttributeError, struct_error):
        return  # zipfile itself will say what is wrong
    if not end:
        return
    count, directory = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if count > limits.members:
        raise _too_many(label, count, limits)
    if directory > limits.members * _DIRECTORY_BYTES_PER_MEMBER:
        raise LimitExceeded(label, None, f"the zip's directory of members ({describe_size(directory)}) is too "
                            f"large for the member limit of {limits.members:,}.", limits.variable("members"))


def _too_many(label: str, count: int, limits: Limits) -> LimitExceeded:
    return LimitExceeded(label, None, f"the zip holds {count:,} members, more than the member limit of "
                         f"{limits.members:,}.", limits.variable("members"))


def _check_members(label: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Member count, each member's compression ratio, and the total, as declared."""
    if len(infos) > limits.members:
        raise _too_many(label, len(infos), limits)
    total = 0
    for info in infos:
        size = info.file_size
        if size > RATIO_FLOOR and size > limits.ratio * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            raise LimitExceeded(label, info.filename, f"inflates {ratio:,.0f} times ({describe_size(size)} "
                                f"from {describe_size(info.compress_size)}), past the compression ratio limit of "
                                f"{limits.ratio} (a zip bomb?).", limits.variable("ratio"))
        total += size
        if total > limits.total:
            raise LimitExceeded(label, None, f"the members add up to more than {describe_size(limits.total)} "
                                "uncompressed, past the total size limit (a zip bomb?).", limits.variable("total"))


def _open_zip(p: Path, limits: Limits, label: str) -> Export:
    _check_directory(p, limits, label)
    try:
        zf = zipfile.ZipFile(p, "r")
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ParseError(label, None, f"not a readable zip file ({exc}).") from exc
    try:
        _check_members(label, infos, limits)
    except LimitExceeded:
        zf.close()
        raise
    entries = [
        Entry(file=label, path=p, size=info.file_size, member=info.filename, _zip=zf)
        for info in infos
        if not info.is_dir() and not _is_hidden(info.filename)
    ]
    if not entries:
        zf.close()
        raise ParseError(label, None, "the zip file is empty.")
    return Export(path=p, entries=entries, _zip=zf, limits=limits, label=label)


def text_stream(entry: Entry, encoding: str = "utf-8") -> io.TextIOWrapper:
    """A text view of an entry that keeps undecodable bytes visible instead of failing."""
    return io.TextIOWrapper(entry.open(), encoding=encoding, errors="replace", newline="")
