"""Writing hostile text safely: abuser-written bodies must not drive the terminal.

JSON escapes C0 controls itself; we also escape DEL and C1 controls (a raw 0x9b is a CSI
on some terminals), line/paragraph separators and the bidi overrides that can make a
line read differently from what it holds. The output stays valid JSON with the same
values.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

__all__ = ["dumps", "safe_text", "write_json", "write_jsonl"]

_UNSAFE = re.compile("[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_UNSAFE_TERMINAL = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]")


def dumps(obj: Any, indent: int | None = None) -> str:
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe_text(text: str) -> str:
    """Text for a human terminal: control characters shown as visible escapes."""
    return _UNSAFE_TERMINAL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)


def write_jsonl(objs: Any) -> None:
    out = sys.stdout
    for obj in objs:
        out.write(dumps(obj))
        out.write("\n")


def write_json(obj: Any) -> None:
    sys.stdout.write(dumps(obj, indent=2))
    sys.stdout.write("\n")
