"""Checking a bundle with no passphrase and no case: files, chain, and the record's messages.

The bundle may have been edited by anyone, so everything read from it is hostile input:
the manifest and record.json are read up to a size limit and their shape is checked
field by field (a bad one is `BundleDamaged`, exit 2, one line); every path is checked to
stay inside the folder and is opened without following links; a file is hashed only up to
the size the manifest gives it. A check that fails is a result (exit 1) naming the first
file or chain entry that does not match, in this order: the files, files the manifest does
not list, the chain, then the ties between chain and files (each opened export and
attachment has its file; each message of record.json is an opened entry with the same
values, and each opened message is in record.json).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greyrock import vault
from greyrock.errors import InputError
from greyrock.report._images import attachment_file_name

from ._manifest import MANIFEST_VERSION
from ._names import check_relative

__all__ = ["BundleDamaged", "BundleCheck", "MAX_JSON_BYTES", "verify_bundle"]

MAX_JSON_BYTES = 1 << 30  # manifest.json and record.json are read whole: 1 GiB at most
_HEX64 = re.compile(r"[0-9a-f]{64}")
_KINDS = ("meta", "original", "message", "blob", "finding", "record")
_SKIP = {"manifest.json", "SHA256SUMS"}
# What each file of a bundle is, and where it must be: an original or an attachment in its
# folder (an attachment's name starts with its hash), the others at one fixed place.
_WHAT = {"original": "originals/", "attachment": "attachments/", "report": "report.pdf", "csv": "messages.csv",
         "record": "record.json", "how-to": "HOW-TO-CHECK.txt"}


class BundleDamaged(InputError):
    """The bundle cannot be checked at all: no manifest, or one that is not a manifest."""


@dataclass
class BundleCheck:
    ok: bool
    fingerprint: str = ""
    short_fingerprint: str = ""
    entries: int = 0
    opened: int = 0
    sealed: dict[str, int] = field(default_factory=dict)
    files: int = 0
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "fingerprint": self.fingerprint or None,
                "short_fingerprint": self.short_fingerprint or None, "entries": self.entries,
                "opened": self.opened, "sealed": self.sealed, "files": self.files, "problem": self.problem}


def _read_json(root: Path, rel: str) -> Any:
    path = _inside(root, rel)
    if path is None:
        raise BundleDamaged(f"{root / rel}: not in the bundle (or not a plain file); this is not a greyrock "
                            "evidence bundle, or it is incomplete.")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise BundleDamaged(f"{root / rel}: larger than {MAX_JSON_BYTES >> 20} MiB; not a file greyrock wrote.")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise BundleDamaged(f"{root / rel}: not valid JSON{where}; the bundle is damaged.") from None


def _inside(root: Path, rel: str) -> Path | None:
    """The regular file `rel` under `root`, reached without leaving it or following a link."""
    real_root = os.path.realpath(root)
    path = os.path.join(real_root, *rel.split("/"))
    if os.path.realpath(path) != path or os.path.commonpath([real_root, path]) != real_root:
        return None
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return Path(path) if stat.S_ISREG(st.st_mode) else None


def _hash(path: Path, limit: int) -> tuple[str, int]:
    """SHA-256 and size of the file, reading at most `limit` + 1 bytes."""
    digest, size = hashlib.sha256(), 0
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        while size <= limit and (chunk := fh.read(min(1 << 20, limit + 1 - size))):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _need(cond: bool, where: str) -> None:
    if not cond:
        raise BundleDamaged(f"manifest.json: {where}; the bundle is damaged or was not written by greyrock.")


def _check_manifest(m: Any) -> None:
    """The manifest's shape; BundleDamaged naming the first field that is wrong."""
    _need(isinstance(m, dict), "not a JSON object")
    _need(m.get("greyrock_evidence") == MANIFEST_VERSION,
          f"greyrock_evidence is {m.get('greyrock_evidence')!r}, not {MANIFEST_VERSION} (made by another version?)")
    case = m.get("case")
    _need(isinstance(case, dict), "case is missing")
    _need(isinstance(case.get("case_id"), str), "case.case_id is not text")
    _need(case.get("format") in (1, 2), "case.format is not 1 or 2")
    _need(isinstance(case.get("fingerprint"), str) and bool(_HEX64.fullmatch(case["fingerprint"])),
          "case.fingerprint is not a SHA-256")
    _need(type(case.get("entries")) is int, "case.entries is not a number")
    files = m.get("files")
    _need(isinstance(files, list), "files is not a list")
    seen: set[str] = set()
    for n, f in enumerate(files):
        _need(isinstance(f, dict), f"files[{n}] is not an object")
        why = check_relative(f.get("path"))
        if why:
            raise BundleDamaged(f"manifest.json: files[{n}].path {str(f.get('path'))[:80]!r} {why}; refused, "
                                "nothing outside the bundle is read.")
        _need(f["path"] not in seen and f["path"] not in _SKIP, f"files[{n}].path is listed twice")
        seen.add(f["path"])
        _need(isinstance(f.get("sha256"), str) and bool(_HEX64.fullmatch(f["sha256"])),
              f"files[{n}].sha256 is not a SHA-256")
        _need(type(f.get("size")) is int and f["size"] >= 0, f"files[{n}].size is not a size")
        what = f.get("what")
        _need(what in _WHAT, f"files[{n}].what is not one of {', '.join(_WHAT)}")
        fixed = _WHAT[what]
        if fixed.endswith("/"):
            _need(f["path"].startswith(fixed) and "/" not in f["path"][len(fixed):],
                  f"files[{n}]: an {what} is a file in {fixed}")
        else:
            _need(f["path"] == fixed, f"files[{n}]: the {what} is {fixed}")
    chain = m.get("chain")
    _need(isinstance(chain, list), "chain is not a list")
    for n, c in enumerate(chain):
        _need(isinstance(c, dict), f"chain[{n}] is not an object")
        _need(type(c.get("seq")) is int and c.get("kind") in _KINDS and type(c.get("ref")) is int,
              f"chain[{n}] lacks seq, a known kind or ref")
        _need(isinstance(c.get("payload"), str) and bool(_HEX64.fullmatch(c["payload"])),
              f"chain[{n}].payload is not a SHA-256")


def verify_bundle(folder: str | os.PathLike[str]) -> BundleCheck:
    """Check the bundle in `folder`. BundleDamaged when it cannot be checked at all."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{root}: no such folder.", "Give the folder that 'greyrock evidence' wrote.")
    m = _read_json(root, "manifest.json")
    _check_manifest(m)
    result = BundleCheck(False, files=len(m["files"]))

    # 1. every file against the manifest
    for f in m["files"]:
        path = _inside(root, f["path"])
        if path is None:
            return _fail(result, f"{f['path']}: missing from the bundle (or not a plain file).")
        digest, size = _hash(path, f["size"])
        if size != f["size"] or digest != f["sha256"]:
            return _fail(result, f"{f['path']}: does not match the manifest (its SHA-256 differs): it was changed.")
    listed = {f["path"] for f in m["files"]} | _SKIP
    for extra in _unlisted(root, listed):
        return _fail(result, f"{extra}: in the bundle but not in its manifest (added after the bundle was made).")

    # 2. the chain, up to the fingerprint
    case = m["case"]
    head = vault.genesis(case["case_id"])
    openings: dict[str, list[tuple[int, int, Any]]] = {k: [] for k in _KINDS}
    for n, c in enumerate(m["chain"]):
        seq = n + 1
        if c["seq"] != seq:
            return _fail(result, f"chain entry {seq}: missing (the manifest's chain has a gap: an entry was removed).")
        if "opening" in c:
            try:
                payload = vault.payload_of(c["kind"], c["opening"])
            except ValueError as exc:
                return _fail(result, f"chain entry {seq} ({c['kind']} {c['ref']}): its opening is malformed ({exc}).")
            if payload != c["payload"]:
                return _fail(result, f"chain entry {seq} ({c['kind']} {c['ref']}): its opening does not give its "
                                     "digest: the record was changed.")
            openings[c["kind"]].append((seq, c["ref"], c["opening"]))
            result.opened += 1
        else:
            result.sealed[c["kind"]] = result.sealed.get(c["kind"], 0) + 1
        head = vault.entry_hash(head, seq, c["kind"], c["ref"], c["payload"])
    entries = len(m["chain"])
    if entries != case["entries"] or head != case["fingerprint"]:
        return _fail(result, f"manifest.json: the chain ({entries} entries) does not lead to the fingerprint it "
                             f"states ({case['entries']} entries, {case['fingerprint'][:20]}…): it was changed.")
    meta = openings["meta"]
    if not meta or meta[0][2]["meta"].get("case_id") != case["case_id"]:
        return _fail(result, "chain entry 1: the case's metadata is not opened, or names another case.")
    result.fingerprint, result.entries = head, entries
    result.short_fingerprint = vault.short_fingerprint(entries, head)

    # 3. the files and record.json against the opened entries
    problem = _ties(root, m, openings)
    if problem:
        return _fail(result, problem)
    result.ok = True
    return result


def _fail(result: BundleCheck, problem: str) -> BundleCheck:
    result.ok, result.problem = False, problem
    return result


def _unlisted(root: Path, listed: set[str]) -> list[str]:
    """Files and links in the bundle the manifest does not list (hidden files aside)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        names = filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        for name in sorted(names):
            if name.startswith("."):
                continue
            rel = name if rel_dir == "." else f"{rel_dir.replace(os.sep, '/')}/{name}"
            if rel not in listed:
                out.append(rel)
    return out


def _ties(root: Path, m: dict[str, Any], openings: dict[str, list[tuple[int, int, Any]]]) -> str | None:
    files = m["files"]
    by_what: dict[str, dict[str, str]] = {}
    for f in files:
        by_what.setdefault(f["what"], {})[f["sha256"]] = f["path"]
    originals = {o["sha256"]: (seq, o) for seq, _, o in openings["original"]}
    for sha, path in by_what.get("original", {}).items():
        if sha not in originals:
            return f"{path}: no opened chain entry records this export (it is not the case's)."
    for sha, (seq, o) in originals.items():
        if sha not in by_what.get("original", {}):
            return f"chain entry {seq}: the export {o['name']!r} it records is not in originals/."
    blobs = {o["sha256"]: (seq, o) for seq, _, o in openings["blob"]}
    for f in files:
        if f["what"] == "attachment" and (f["sha256"] not in blobs or blobs[f["sha256"]][1]["size"] != f["size"]):
            return f"{f['path']}: no opened chain entry records this attachment (it is not the case's)."
    for sha, (seq, _) in blobs.items():
        if sha not in by_what.get("attachment", {}):
            return f"chain entry {seq}: the attachment it records is not in attachments/."
    record_path = by_what.get("record")
    if not record_path:
        return "manifest.json: lists no record.json."
    record = _read_json(root, next(iter(record_path.values())))
    return _messages_tie(record, openings["message"], m["case"]["fingerprint"])


def _messages_tie(record: Any, messages: list[tuple[int, int, Any]], fingerprint: str) -> str | None:
    if not isinstance(record, dict) or not isinstance(record.get("messages"), list):
        return "record.json: has no list of messages."
    integrity = record.get("integrity")
    if not isinstance(integrity, dict) or integrity.get("fingerprint") != fingerprint:
        return "record.json: states another fingerprint than the manifest."
    opened = {ref: (seq, o) for seq, ref, o in messages}
    listed: set[int] = set()
    for n, d in enumerate(record["messages"]):
        mid = d.get("id") if isinstance(d, dict) else None
        if type(mid) is not int or mid not in opened:
            return f"record.json: messages[{n}] is not a message of the chain's opened entries."
        listed.add(mid)
        seq, o = opened[mid]
        if _differs(d, o):
            return f"record.json: message {mid} (chain entry {seq}) differs from the case's record of it."
    for section in ("threats_and_coercion",):
        for d in record.get(section) or []:
            mid = d.get("id") if isinstance(d, dict) else None
            if mid not in opened or _differs(d, opened[mid][1]):
                return f"record.json: {section} holds message {mid!r}, which differs from the case's record of it."
    for ref, (seq, _) in sorted(opened.items()):
        if ref not in listed:
            return f"record.json: message {ref} (chain entry {seq}) is in the chain's opened entries but missing " \
                   "from record.json's messages: it was removed."
    return None


def _differs(d: dict[str, Any], opening: dict[str, Any]) -> bool:
    """Whether a message of record.json says anything else than its opened chain entry."""
    fields = dict(zip(vault.message_field_names(opening["format"]), opening["fields"]))
    source = d.get("source") if isinstance(d.get("source"), dict) else {}
    try:
        attachments = json.loads(fields["attachments"])
        recipients = json.loads(fields["recipients"])
    except (TypeError, ValueError):
        return True
    # Each attachment of the record also names its file in the bundle, a name derived from
    # the message id and place; the direction is derived from the people's roles (chained
    # records of their own), so it is not compared with the direction the export recorded.
    shown = d.get("attachments")
    if not isinstance(shown, list) or not all(isinstance(a, dict) for a in shown):
        return True
    expected = [f"attachments/{attachment_file_name(d.get('id', -1), i, a.get('name') or '')}"
                for i, a in enumerate(attachments)]
    if [a.get("bundle_file", e) for a, e in zip(shown, expected)] != expected[:len(shown)]:
        return True
    plain = [{k: v for k, v in a.items() if k != "bundle_file"} for a in shown]
    return (d.get("body") != fields["body"] or d.get("timestamp") != fields["timestamp"]
            or d.get("sender") != fields["sender"] or d.get("sender_name") != fields["sender_name"]
            or d.get("kind") != fields["kind"]
            or d.get("channel") != fields["channel"] or d.get("recipients") != recipients
            or plain != attachments or source.get("locator") != fields["locator"]
            or source.get("original_sha256") != fields["original_sha256"])
