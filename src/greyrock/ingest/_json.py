"""Reading the JSON of a chat export without losing a value or crashing on one.

The standard library is quiet about three things an importer must not be quiet about:

- a duplicate key keeps only its last value (`{"content": "a", "content": "b"}`). Here an
  object with a duplicate key becomes a `JsonObject`: it reads the FIRST value of each
  key and keeps the later ones in `duplicates`, for the importer to store and name;
- a lone UTF-16 surrogate (`"\\ud83d"`, half an emoji) decodes into a str that cannot be
  written as UTF-8 later, so the import crashed at the end. Here it becomes U+FFFD and
  its place (`messages[3].content`) is reported;
- bytes that are not UTF-8 would be replaced without a word. Here the first place is
  reported.

The importers turn each reported place into a warning naming the file (`ctx.warn`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DECODER",
    "JsonObject",
    "Loaded",
    "SURROGATE_NOTE",
    "decode",
    "dumps",
    "duplicates",
    "from_pairs",
    "loads",
    "may_hold_surrogates",
    "notes_to_warnings",
    "repair_surrogates",
]

SURROGATE_NOTE = "a lone UTF-16 surrogate (half a character) was replaced by U+FFFD"
_LONE = re.compile("[\ud800-\udfff]")
# A surrogate can only come from a \uXXXX escape: text decoded from UTF-8 holds none.
_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class JsonObject(dict[str, Any]):
    """A JSON object that had a key more than once.

    It maps each key to its first value; `duplicates` holds the (key, value) pairs that
    came later, in file order. Objects without a duplicate stay plain dicts.
    """

    __slots__ = ("duplicates",)

    def __init__(self) -> None:
        super().__init__()
        self.duplicates: list[tuple[str, Any]] = []


def from_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The object of a JSON object's (key, value) pairs: a JsonObject if a key repeats."""
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    out = JsonObject()
    for key, value in pairs:
        if key in out:
            out.duplicates.append((key, value))
        else:
            out[key] = value
    return out


DECODER = json.JSONDecoder(object_pairs_hook=from_pairs)


@dataclass
class Loaded:
    """A parsed document, what had to be repaired in it ((place, what) pairs), and
    whether any object in it has a duplicate key (so callers walk it only then)."""

    value: Any
    notes: list[tuple[str, str]] = field(default_factory=list)
    duplicated: bool = False


def decode(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    """The text of an export file, a leading BOM dropped; bytes that are not UTF-8 noted."""
    try:
        text = data.decode("utf-8")
        notes = []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        notes = [(f"byte {exc.start}", "bytes that are not UTF-8 were replaced by U+FFFD from here on")]
    return text.lstrip("\ufeff"), notes


def loads(text: str) -> Loaded:
    """`json.loads` keeping duplicate keys and repairing lone surrogates.

    Raises ValueError or RecursionError as `json.loads` does, for the caller's salvage.
    """
    seen: list[JsonObject] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = from_pairs(pairs)
        if isinstance(obj, JsonObject):
            seen.append(obj)
        return obj

    value = json.JSONDecoder(object_pairs_hook=hook).decode(text)
    notes: list[tuple[str, str]] = []
    if _ESCAPE.search(text):
        value, places = repair_surrogates(value)
        notes.extend((place, SURROGATE_NOTE) for place in places)
    return Loaded(value, notes, bool(seen))


def may_hold_surrogates(text: str) -> bool:
    """Whether `text` has an escape that can decode to a lone surrogate (cheap pre-check)."""
    return _ESCAPE.search(text) is not None


def _fix_str(value: str) -> str:
    return _LONE.sub("\ufffd", value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def repair_surrogates(value: Any, path: str = "") -> tuple[Any, list[str]]:
    """`value` with every lone surrogate in keys and strings replaced by U+FFFD, in place
    where it can be, and the paths where one was found (`messages[3].content`).

    Iterative, so a document nested as deep as the decoder allows cannot exhaust the stack.
    """
    places: list[str] = []
    if isinstance(value, str):
        if _LONE.search(value):
            places.append(path or "the document")
            value = _fix_str(value)
        return value, places
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        children: list[tuple[Any, str]] = []
        if isinstance(node, dict):
            rebuilt: list[tuple[str, Any]] = []
            changed = False
            for key, item in node.items():
                here = _join(where, _fix_str(key))
                if _LONE.search(key):
                    places.append(here)
                    key, changed = _fix_str(key), True
                if isinstance(item, str) and _LONE.search(item):
                    places.append(here)
                    item, changed = _fix_str(item), True
                elif isinstance(item, (dict, list)):
                    children.append((item, here))
                rebuilt.append((key, item))
            if changed:
                node.clear()
                for key, item in rebuilt:
                    while key in node:  # two keys that differ only in their broken half
                        key += "\ufffd"
                    node[key] = item
            if isinstance(node, JsonObject):
                fixed: list[tuple[str, Any]] = []
                for key, item in node.duplicates:
                    here = _join(where, _fix_str(key))
                    if _LONE.search(key):
                        places.append(here)
                        key = _fix_str(key)
                    if isinstance(item, str) and _LONE.search(item):
                        places.append(here)
                        item = _fix_str(item)
                    elif isinstance(item, (dict, list)):
                        children.append((item, here))
                    fixed.append((key, item))
                node.duplicates[:] = fixed
        elif isinstance(node, list):
            for i, item in enumerate(node):
                here = f"{where}[{i}]"
                if isinstance(item, str) and _LONE.search(item):
                    places.append(here)
                    node[i] = _fix_str(item)
                elif isinstance(item, (dict, list)):
                    children.append((item, here))
        stack.extend(reversed(children))
    return value, places


def duplicates(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every (path, later value) of a duplicate key inside `value`, in file order.

    `path` names the key from `value` down (`share.link`, `reactions[0].actor`).
    """
    found: list[tuple[str, Any]] = []
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        children: list[tuple[Any, str]] = []
        if isinstance(node, dict):
            if isinstance(node, JsonObject):
                found.extend((_join(where, key), item) for key, item in node.duplicates)
            children = [(item, _join(where, key)) for key, item in node.items() if isinstance(item, (dict, list))]
        elif isinstance(node, list):
            children = [(item, f"{where}[{i}]") for i, item in enumerate(node) if isinstance(item, (dict, list))]
        stack.extend(reversed(children))
    return found


def dumps(value: Any) -> str:
    """The JSON text of a parsed value for an unparsed record, duplicate keys included
    (each object's later values after its first ones). Raises RecursionError when too deep."""
    if isinstance(value, dict):
        pairs = [*value.items(), *(value.duplicates if isinstance(value, JsonObject) else ())]
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {dumps(v)}" for k, v in pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dumps(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def notes_to_warnings(notes: list[tuple[str, str]], limit: int = 20) -> list[tuple[str, str]]:
    """At most `limit` (place, reason) notes, then one that counts the rest."""
    if len(notes) <= limit:
        return notes
    rest = len(notes) - limit
    return [*notes[:limit], (notes[limit][0], f"and {rest} more places like the ones above")]
