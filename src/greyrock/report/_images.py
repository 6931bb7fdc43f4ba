"""Thumbnails of the images among a message's attachments, and the name each attachment has
in an evidence bundle.

The other person's image bytes are hostile input: a file that claims to be a photo may be
truncated, crafted to crash a decoder, or a decompression bomb (a few kilobytes that
unpack to gigapixels). Each image is therefore decoded by Pillow under a pixel limit, with
Pillow's bomb warning turned into an error, and re-encoded as a small PNG; anything that
fails gives no thumbnail and a note saying so, never a crash and never the original bytes
in the PDF.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from greyrock.model import Attachment

if TYPE_CHECKING:
    from greyrock.vault import Case

    from ._entries import Entry

__all__ = ["MAX_PIXELS", "Thumb", "attachment_file_name", "is_image", "make_thumb", "thumbnails"]

MAX_PIXELS = 40_000_000  # about a 48-megapixel photo's worth is refused beyond this
MAX_BYTES = 30 * 1024 * 1024  # an attachment larger than this is not decoded for a thumbnail
THUMB_PX = 360  # the longer side of a thumbnail, in pixels
_IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment_file_name(message_id: int, index: int, name: str) -> str:
    """The file name of attachment `index` (0-based) of message `message_id` in an evidence
    bundle's attachments/ folder, e.g. "m000012-1-IMG_20250330_004712.png".

    Deterministic (the same message and attachment always give the same name) and unique
    (the message id and index come first), so the report's log can name the file before
    the bundle is written. The export's name is kept for people, reduced to safe characters
    (no folders, no control characters, at most 80 characters, its extension kept).
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = _UNSAFE.sub("_", stem).strip("._") or "attachment"
    ext = _UNSAFE.sub("", ext)[:10]
    stem = stem[: 80 - len(ext) - 1]
    return f"m{message_id:06d}-{index + 1}-{stem}" + (f".{ext}" if ext else "")


def is_image(a: Attachment) -> bool:
    mime = (a.mime or "").lower()
    if mime.startswith("image/"):
        return True
    return not mime and any(a.name.lower().endswith(ext) for ext in _IMAGE_EXT)


@dataclass(frozen=True, slots=True)
class Thumb:
    """One attachment of a message as the report shows it: its bundle file name and, for an
    image, a re-encoded thumbnail (`png`, `width` x `height` pixels) or the `note` saying why
    there is none."""

    index: int
    name: str
    file_name: str
    mime: str | None = None
    size: int | None = None
    png: bytes | None = None
    width: int = 0
    height: int = 0
    note: str = ""


def make_thumb(data: bytes) -> tuple[bytes, int, int] | str:
    """A PNG thumbnail of image bytes, with its size; or the reason there is none."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        return f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB"
    old_limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > MAX_PIXELS:
                    return f"the image claims {img.width} x {img.height} pixels, too many to decode safely"
                img.draft("RGB", (THUMB_PX, THUMB_PX))  # JPEG: decode at a reduced size
                img.thumbnail((THUMB_PX, THUMB_PX))
                out = img.convert("RGB")
        buf = io.BytesIO()
        out.save(buf, format="PNG", optimize=True)
        return buf.getvalue(), out.width, out.height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "the image unpacks to too many pixels to decode safely"
    except UnidentifiedImageError:
        return "the file is not an image greyrock can read"
    except Exception:  # noqa: BLE001 - hostile bytes: any decoder failure means no thumbnail, never a crash
        return "the image is damaged or cannot be decoded"
    finally:
        Image.MAX_IMAGE_PIXELS = old_limit


def _thumb(case: Case, message_id: int, index: int, a: Attachment) -> Thumb:
    file_name = attachment_file_name(message_id, index, a.name)
    if not is_image(a):
        return Thumb(index, a.name, file_name, a.mime, a.size)
    if a.damaged:
        return Thumb(index, a.name, file_name, a.mime, a.size, note="no thumbnail: the export holds this image damaged")
    data = case.blob(a.sha256) if a.sha256 else None
    if data is None:
        return Thumb(index, a.name, file_name, a.mime, a.size,
                     note="no thumbnail: the export did not include the image itself")
    made = make_thumb(data)
    if isinstance(made, str):
        return Thumb(index, a.name, file_name, a.mime, a.size, note=f"no thumbnail: {made}")
    png, width, height = made
    return Thumb(index, a.name, file_name, a.mime, a.size, png, width, height)


def thumbnails(case: Case, entries: Iterable[Entry]) -> dict[int, tuple[Thumb, ...]]:
    """message id -> its attachments as the report shows them, for the entries that have any."""
    out: dict[int, tuple[Thumb, ...]] = {}
    for e in entries:
        if e.message.attachments and e.id not in out:
            out[e.id] = tuple(_thumb(case, e.id, i, a) for i, a in enumerate(e.message.attachments))
    return out
