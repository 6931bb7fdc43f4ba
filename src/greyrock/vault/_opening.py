"""Recomputing a chain entry's payload digest from its opening, without the case.

`Case.entry_opening(kind, ref)` gives the values an entry's payload digest was computed
from; `payload_of(kind, opening)` computes the digest again from them, exactly as the
vault did when it appended the entry. An evidence bundle shows the openings of the
entries it holds and only the digests of the others, so a reader of the bundle can redo
the whole chain, up to the case's fingerprint, with nothing but this module and
`_chain`. The opening comes from a file someone may have edited: every shape is checked
and a wrong one is a ValueError saying what is wrong, never a crash.
"""

from __future__ import annotations

from typing import Any

from . import _chain

__all__ = ["MESSAGE_FIELDS", "message_field_names", "payload_of"]

# The stored columns of a message, in the order its digest reads them (after the
# original's SHA-256, and in format 2 the dedup key and sort key).
MESSAGE_FIELDS = ("locator", "timestamp", "channel", "kind", "direction", "sender", "sender_name",
                  "recipients", "body", "attachments", "extra")


def message_field_names(fmt: int) -> tuple[str, ...]:
    """What each value of a message opening's `fields` is, for a case of format `fmt`."""
    if fmt < 2:
        return ("original_sha256", *MESSAGE_FIELDS)
    return ("original_sha256", "dedup_key", "sort_ts", *MESSAGE_FIELDS)


def _keys(opening: Any, keys: tuple[str, ...], kind: str) -> dict[str, Any]:
    if not isinstance(opening, dict) or set(opening) != set(keys):
        raise ValueError(f"a {kind} opening has exactly the fields {', '.join(keys)}")
    return opening


def _text(value: Any, what: str, null: bool = False) -> None:
    if not (isinstance(value, str) or (null and value is None)):
        raise ValueError(f"{what} must be text")


def payload_of(kind: str, opening: Any) -> str:
    """The payload digest of an entry of `kind` whose opening is `opening`."""
    if kind == "meta":
        meta = _keys(opening, ("meta",), kind)["meta"]
        if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
            raise ValueError("a meta opening's meta maps names to text")
        return _chain.payload_hash(meta)
    if kind == "original":
        o = _keys(opening, ("sha256", "name", "size", "imported_at"), kind)
        for key in ("sha256", "name", "imported_at"):
            _text(o[key], f"an original's {key}")
        if type(o["size"]) is not int:
            raise ValueError("an original's size must be a whole number")
        return _chain.payload_hash(o)
    if kind == "message":
        o = _keys(opening, ("format", "fields"), kind)
        fmt, fields = o["format"], o["fields"]
        if fmt not in (1, 2):
            raise ValueError("a message opening's format is 1 or 2")
        if not isinstance(fields, list) or len(fields) != len(message_field_names(fmt)):
            raise ValueError(f"a format {fmt} message opening has {len(message_field_names(fmt))} fields")
        for name, value in zip(message_field_names(fmt), fields):
            _text(value, f"a message's {name}", null=True)
        return _chain.fields_hash(fields)
    if kind == "blob":
        o = _keys(opening, ("sha256", "size"), kind)
        _text(o["sha256"], "an attachment's sha256")
        if type(o["size"]) is not int:
            raise ValueError("an attachment's size must be a whole number")
        return _chain.fields_hash(("blob", o["sha256"], str(o["size"])))
    if kind == "finding":
        o = _keys(opening, ("message_id", "model", "data"), kind)
        if type(o["message_id"]) is not int:
            raise ValueError("a finding's message_id must be a whole number")
        _text(o["model"], "a finding's model")
        _text(o["data"], "a finding's data")
        return _chain.payload_hash(o)
    if kind == "record":
        o = _keys(opening, ("kind", "created_at", "data"), kind)
        for key in ("kind", "created_at", "data"):
            _text(o[key], f"a record's {key}")
        return _chain.payload_hash(o)
    raise ValueError(f"unknown entry kind {kind!r}")
