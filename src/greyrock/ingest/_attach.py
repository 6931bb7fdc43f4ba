"""Attachments shared by the importers: one MIME table, one way to read and hash a file.

The MIME table is pinned (then Python's built-in table, never the machine's own files),
so the same export reads the same on every machine and every Python version.
"""

from __future__ import annotations

import hashlib
import mimetypes

from greyrock.errors import ParseError
from greyrock.model import Attachment

from ._base import Context
from ._export import Entry

__all__ = ["guess_mime", "load_attachment"]

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
        data = found.read_bytes()
    except ParseError:
        ctx.warn(found, None, "the attached file cannot be read; kept by name only.")
        return Attachment(name=name, mime=mime)
    return Attachment(name=name, mime=mime, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
