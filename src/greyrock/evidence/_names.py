"""File names inside a bundle: stable, safe on every system, and never outside the bundle.

`attachment_path(message_id, index, name)` is THE name of an attachment in a bundle:
`attachments/m<message id, 6 digits>-<its place among the message's attachments, from
1>-<its name, reduced to safe characters>`, e.g. `attachments/m000012-1-IMG_0047.png`. It
depends on nothing but the message, the attachment's place and its name, so the report
can print it beside a message before any bundle is written, and the bundle writes the
file under it. (The report's `attachment_file_name`, written at the same time on the
report's branch, follows the same rule; one of the two should call the other.)

`check_relative(path)` is the verifier's guard: a path read from a manifest someone may
have written by hand must stay inside the bundle folder.
"""

from __future__ import annotations

import re
import unicodedata

from greyrock.report._images import attachment_file_name

__all__ = ["ATTACHMENTS", "ORIGINALS", "attachment_path", "check_relative", "original_path", "safe_name"]

ORIGINALS = "originals"
ATTACHMENTS = "attachments"
_MAX_NAME = 100  # characters of a file name kept (the hash prefix keeps names apart)
_UNSAFE = re.compile(r"[^\w.\-+ ()\[\]@,]", re.UNICODE)
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_name(name: str, fallback: str = "file") -> str:
    """`name` as one file name every system accepts: no folders, no control characters,
    no leading dot, at most 100 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("/", "_").replace("\\", "_")
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name or name.split(".")[0].lower() in _WINDOWS_RESERVED:
        name = f"{fallback}_{name}" if name else fallback
    if len(name) > _MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        name = name[: _MAX_NAME - len(ext) - 1].rstrip(" .") + ("." + ext if ext else "")
    return name




def attachment_path(message_id: int, index: int, name: str) -> str:
    """Where a bundle holds attachment `index` (0-based) of message `message_id`, relative
    to the bundle folder: the report's own name for it, so the log points at the file."""
    return f"{ATTACHMENTS}/{attachment_file_name(message_id, index, name)}"


def original_path(name: str, taken: set[str]) -> str:
    """Where a bundle holds an export under its own name; a second export of the same
    name (two `sms.xml` of different days) becomes `sms (2).xml`. Adds the result to
    `taken` (compared without case: some file systems do not tell `A` from `a`)."""
    base = safe_name(name, "export")
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem:
        stem, ext = base, ""
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n})" + (f".{ext}" if ext else "")
    taken.add(candidate.lower())
    return f"{ORIGINALS}/{candidate}"


def check_relative(path: object) -> str | None:
    """Why `path` (read from a manifest) is not a plain path inside the bundle, or None."""
    if not isinstance(path, str) or not path:
        return "is not a file name"
    if len(path) > 1000:
        return "is too long"
    if path.startswith("/") or "\\" in path or ":" in path.split("/")[0]:
        return "is not relative to the bundle folder"
    if any(ord(c) < 32 or c == "\x7f" for c in path):
        return "holds control characters"
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "leaves the bundle folder or is not a plain path"
    return None
