"""Attachments shared by the importers: one MIME table, one way to read and hash a file.

The MIME table is pinned (then Python's built-in table, never the machine's own files),
so the same export reads the same on every machine and every Python version.

A file of the export is read as a stream, once to measure it (size, SHA-256, the
attachment limit) and once more when the vault stores it, so a large video costs a
chunk of memory, not its size. Bytes that arrive whole (base64 inside a backup) are
held to the same limit by `check_size`.
"""

from __future__ import annotations

import hashlib
import mimetypes
from typing import BinaryIO

from greyrock.errors import LimitExceeded, ParseError
from greyrock.model import Attachment

from ._base import Context
from ._export import Entry
from ._limits import Limits, describe_size

__all__ = ["EmbeddedGuard", "check_size", "guess_mime", "load_attachment", "measure"]

_PINNED = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
    "webp": "image/webp", "heic": "image/heic", "bmp": "image/bmp",
    "mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "3gp": "video/3gpp",
    "m4a": "audio/mp4", "aac": "audio/aac", "mp3": "audio/mpeg", "wav": "audio/wav", "amr": "audio/amr",
    "ogg": "audio/ogg", "oga": "audio/ogg", "opus": "audio/ogg",
    "pdf": "application/pdf", "txt": "text/plain", "zip": "application/zip", "vcf": "text/vcard",
    "tgs": "application/x-tgsticker",
}  # fmt: skip
_BUILTIN = mimetypes.MimeTypes(filenames=())


def guess_mime(name: str) -> str | None:
    base = name.split("?", 1)[0].rsplit("/", 1)[-1]
    extension = base.rpartition(".")[2].lower() if "." in base else ""
    return _PINNED.get(extension) or _BUILTIN.guess_type(base)[0]


def load_attachment(found: Entry | None, name: str, ctx: Context, mime: str | None = None) -> Attachment:
    """The attachment with its bytes, size and SHA-256 when the export holds the file;
    by name only (and a warning) when the file cannot be read."""
    mime = mime or guess_mime(name)
    if found is None:
        return Attachment(name=name, mime=mime)
    try:
        size, sha256 = measure(found, ctx.export.limits)
    except ParseError:
        ctx.warn(found, None, "the attached file cannot be read; kept by name only.")
        return Attachment(name=name, mime=mime)
    return Attachment(name=name, mime=mime, size=size, sha256=sha256, source=found)


def check_size(size: int, limits: Limits, file: str, locator: str | None) -> None:
    """LimitExceeded when one attachment is larger than the attachment limit."""
    if size > limits.attachment:
        raise LimitExceeded(file, locator, f"an attachment of {describe_size(size)} is larger than the "
                            f"attachment limit of {describe_size(limits.attachment)}.", limits.variable("attachment"))


def measure(found: Entry, limits: Limits) -> tuple[int, str]:
    """(size, SHA-256) of a file of the export, read as a stream; LimitExceeded past the
    attachment limit (as declared, then as read: a file on disk can grow), ParseError
    when it cannot be read."""
    check_size(found.size, limits, found.file, found.member)
    digest, size = hashlib.sha256(), 0
    for chunk in found.chunks():
        size += len(chunk)
        check_size(size, limits, found.file, found.member)
        digest.update(chunk)
    return size, digest.hexdigest()


class EmbeddedGuard:
    """A read-only file object over an XML backup that stops at a value too long to be
    an attachment within the limit, before the XML parser has buffered all of it.

    Base64 inside an attribute reaches greyrock only once the parser holds the whole
    attribute: a 1 GB photo would cost gigabytes first. No attribute value or text can
    hold a `<`, so the longest stretch between two `<` bounds every value; a stretch
    longer than the base64 of the largest allowed attachment (1.5 times it, for line
    breaks written as character references) is over the limit, whatever it is.
    Stretches inside one read are shorter than a read and are not looked at: this only
    has to catch what is large.
    """

    def __init__(self, raw: BinaryIO, entry: Entry, limits: Limits, line: int = 1) -> None:
        self._raw = raw
        self._entry = entry
        self._limits = limits
        self._longest = limits.attachment * 3 // 2 + 64 * 1024
        self._run = 0  # bytes since the last "<"
        self._line = line  # the line the next read starts on
        self._run_line = line  # the line of the last "<"

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        last = chunk.rfind(b"<")
        if last < 0:
            self._run += len(chunk)
        else:
            self._run += chunk.find(b"<")
            self._check()
            self._run = len(chunk) - last - 1
            self._run_line = self._line + chunk.count(b"\n", 0, last)
        self._check()
        self._line += chunk.count(b"\n")
        return chunk

    def _check(self) -> None:
        if self._run > self._longest:
            limits = self._limits
            raise LimitExceeded(self._entry.file, self._entry.locate(f"line {self._run_line}"),
                                f"a value runs past {describe_size(self._longest)}, more than base64 data within "
                                f"the attachment limit of {describe_size(limits.attachment)} can take.",
                                limits.variable("attachment"))
