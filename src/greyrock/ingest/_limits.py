"""The size limits that keep a hostile export from exhausting memory, disk or time.

An abuser can hand over (or plant) any file: a zip whose 40 KB inflate to gigabytes, a
zip of a million empty members, a backup with a gigabyte "photo" in it. Every limit has
a default that no real export comes near and an environment variable that lifts it for a
file the reader trusts (sizes take a K, M or G suffix, binary):

    GREYROCK_MAX_RATIO       100     uncompressed/compressed size of one zip member
                                     (members under 1 MiB are not held to it)
    GREYROCK_MAX_TOTAL       16G     uncompressed size of all members of one zip
    GREYROCK_MAX_MEMBERS     100000  members in one zip
    GREYROCK_MAX_ATTACHMENT  64M     one attachment (a file in the export, or base64
                                     data inside a backup)

The library takes the same as `Limits(...)` (`ingest.parse(path, limits=...)`); without
one it reads the environment when the export is opened. A limit hit is `LimitExceeded`:
exit 2 and one line naming the file, the place and the variable.

The attachment default is the one that keeps memory bounded where the bytes cannot be
streamed: base64 inside an XML attribute is held whole by the XML parser (about 1.4 times
the attachment's size) before greyrock sees it. Files in a zip or a folder are streamed
and stored in chunks, so raising the limit for them costs time, not memory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from greyrock.errors import InputError

__all__ = ["RATIO_FLOOR", "Limits", "describe_size"]

KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
# Small members may compress far better than any limit (a few KB of zeros, a blank
# template): their ratio says nothing, and inflating them costs nothing.
RATIO_FLOOR = 1 * MiB
_SIZE = re.compile(r"^\s*(\d+)\s*([KMG]?)i?B?\s*$", re.I)
_UNITS = {"": 1, "K": KiB, "M": MiB, "G": GiB}


@dataclass(frozen=True, slots=True)
class Limits:
    """How far an export may go before reading stops with LimitExceeded."""

    ratio: int = 100
    total: int = 16 * GiB
    members: int = 100_000
    attachment: int = 64 * MiB

    # The variable that sets each limit, named in the error so the reader can lift it.
    VARIABLES = {
        "ratio": "GREYROCK_MAX_RATIO",
        "total": "GREYROCK_MAX_TOTAL",
        "members": "GREYROCK_MAX_MEMBERS",
        "attachment": "GREYROCK_MAX_ATTACHMENT",
    }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, with any limit the environment sets; InputError for a value
        that is not a positive number."""
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for field, variable in cls.VARIABLES.items():
            raw = env.get(variable)
            if raw is None or not raw.strip():
                continue
            sized = field in ("total", "attachment")
            match = _SIZE.match(raw) if sized else re.match(r"^\s*(\d+)\s*$", raw)
            value = int(match.group(1)) * _UNITS[match.group(2).upper()] if match and sized else (
                int(match.group(1)) if match else 0)
            if value <= 0:
                example = "a size such as 500M or 2G" if sized else "a whole number"
                raise InputError(f"{variable}={raw!r} is not a limit greyrock understands.", f"Use {example}.")
            values[field] = value
        return cls(**values)

    def variable(self, field: str) -> str:
        return self.VARIABLES[field]


def describe_size(n: int) -> str:
    """A size for an error line: exact bytes under 1 KiB, else the largest whole-ish unit."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"
