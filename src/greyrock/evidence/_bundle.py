"""Writing an evidence bundle: originals, attachments, the report and its record, the manifest.

The bundle is what a lawyer hands to the court and to the other side, so it is built to
hold only what the report shows and what that rests on: the report's messages (the
reader's chosen period, the other person and the reader, and the third persons asked for),
the exports they came from, their attachments, their screening. The reader's private
records (safety plan, urges, reasons card, and the danger-sign answers unless
`include_risk`) are never written; they take part in the chain by their digests only (see
`_manifest`). The danger-sign section of the report is left out with them.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from greyrock import __version__, report, vault
from greyrock._files import write_private
from greyrock.errors import GreyrockError, InputError
from greyrock.vault import Case
from greyrock.vault._labels import RECORD_KIND as LABEL_RECORD

from ._howto import how_to_check
from ._manifest import FileEntry, Manifest
from ._names import attachment_path, original_path

__all__ = ["BundleOptions", "BundleResult", "NotIntact", "PRIVATE_RECORDS", "bundle_zip", "write_bundle"]

# Record kinds that never leave the case: the safety plan, logged urges, the reasons
# card, and the danger-sign answers (those only with `include_risk`).
PRIVATE_RECORDS = ("plan", "urge", "reasons", "risk_answer")
REPORT, CSV, RECORD, HOWTO, MANIFEST, SUMS = ("report.pdf", "messages.csv", "record.json", "HOW-TO-CHECK.txt",
                                             "manifest.json", "SHA256SUMS")


class NotIntact(GreyrockError):
    """The case failed its own verification: a bundle of it would prove nothing."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class BundleOptions:
    start: date | None = None
    end: date | None = None
    include_third: tuple[str, ...] = ()
    include_risk: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None,
                "include_third": list(self.include_third), "include_risk": self.include_risk}


@dataclass(frozen=True, slots=True)
class BundleResult:
    out: Path
    fingerprint: str
    short_fingerprint: str
    entries: int
    opened: int
    messages: int
    originals: tuple[str, ...]
    attachments: int
    missing_attachments: int
    pages: int
    # (bundle path of an export, how many of its messages are not in the bundle): whoever
    # receives the bundle can read those in the export all the same.
    also_in_originals: tuple[tuple[str, int], ...] = ()
    notes: tuple[str, ...] = ()


def _prepare(out: Path) -> None:
    if out.exists():
        if not out.is_dir() or any(out.iterdir()):
            raise InputError(f"{out}: already exists and is not an empty folder; a bundle is never written over "
                             "anything. Choose a new folder name.")
    else:
        if not out.parent.is_dir():
            raise InputError(f"{out}: the folder {out.parent} does not exist.")
        out.mkdir(mode=0o700)
    os.chmod(out, 0o700)


class _Writer:
    """Writes the bundle's files (each 0600 in a folder, or into a zip held in memory) and
    remembers their hashes."""

    def __init__(self, out: Path, archive: zipfile.ZipFile | None = None) -> None:
        self.out, self.archive = out, archive
        self.files: dict[str, FileEntry] = {}

    def put(self, rel: str, data: bytes) -> None:
        """A file of the bundle that the manifest does not list (SHA256SUMS)."""
        if self.archive is not None:
            self.archive.writestr(f"{self.out.name}/{rel}", data)
            return
        path = self.out / rel
        path.parent.mkdir(mode=0o700, exist_ok=True)
        write_private(path, data)

    def write(self, rel: str, data: bytes, what: str, name: str | None = None,
              messages: tuple[int, ...] = ()) -> FileEntry:
        self.put(rel, data)
        entry = FileEntry(rel, hashlib.sha256(data).hexdigest(), len(data), what, name, messages)
        self.files[rel] = entry
        return entry


def write_bundle(case: Case, out: str | os.PathLike[str], options: BundleOptions | None = None) -> BundleResult:
    """Write the bundle of `case` into the folder `out` (new, or empty).

    NotIntact when the case fails its verification; InputError for an unusable folder or
    option. A failure half-way removes what was written, and the folder if it was made."""
    options = options or BundleOptions()
    out = Path(out)
    if out.resolve() == case.path.resolve() or case.path.resolve().is_relative_to(out.resolve()):
        raise InputError(f"{out}: this folder holds the case file; choose a new folder for the bundle.")
    record = report.gather(case, report.ReportOptions(start=options.start, end=options.end,
                                                      include_third=options.include_third, risk=options.include_risk))
    if not record.integrity.ok:
        raise NotIntact(f"{case.path.name} is NOT INTACT: {record.integrity.problem} No bundle was written.")
    existed = out.exists()
    _prepare(out)
    try:
        return _write(case, _Writer(out), options, record)
    except BaseException:
        if existed:
            for child in out.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        else:
            shutil.rmtree(out, ignore_errors=True)
        raise


def bundle_zip(case: Case, name: str = "evidence-bundle", options: BundleOptions | None = None
               ) -> tuple[bytes, BundleResult]:
    """The bundle of `case` as a zip built in memory, its files under the folder `name`:
    for the web app's download, where nothing may be written to disk but the file the
    reader saves. Unzipped, it is the folder `write_bundle` writes (`evidence verify` reads it)."""
    options = options or BundleOptions()
    record = report.gather(case, report.ReportOptions(start=options.start, end=options.end,
                                                      include_third=options.include_third, risk=options.include_risk))
    if not record.integrity.ok:
        raise NotIntact(f"{case.path.name} is NOT INTACT: {record.integrity.problem} No bundle was written.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        result = _write(case, _Writer(Path(name), archive), options, record)
    return buffer.getvalue(), result


def _write(case: Case, w: _Writer, options: BundleOptions, record: report.CaseRecord) -> BundleResult:
    out = w.out
    log = record.log
    shown = {e.id for e in log}
    # Every message the record names elsewhere is in its log (the bundle applies no label
    # or own-message filter): the log is what the manifest opens.
    named = {e.id for e in record.serious} | {e.id for s in record.danger_signs for e, _ in s.messages} | {
        e.id for s in record.danger_signs for e in s.linked}
    if not named <= shown:
        raise RuntimeError("the report names messages that are not in its log")

    # originals/: the exports the log's messages came from, byte for byte
    wanted = {e.original_sha256 for e in log}
    taken: set[str] = set()
    original_files: dict[str, str] = {}
    for o in case.originals():
        if o["sha256"] in wanted:
            rel = original_path(o["name"], taken)
            w.write(rel, case.original_bytes(o["sha256"]), "original", o["name"])
            original_files[o["sha256"]] = rel

    # attachments/: each file of the log's messages, under the name the report gives it
    missing: list[dict[str, Any]] = []
    blob_shas: set[str] = set()
    for e in log:
        for i, a in enumerate(e.message.attachments):
            data = case.blob(a.sha256) if a.sha256 else None
            if data is None:
                missing.append({"message": e.id, "name": a.name, "reason": "the export did not hold the file"})
                continue
            w.write(attachment_path(e.id, i, a.name), data, "attachment", a.name, (e.id,))
            blob_shas.add(a.sha256)

    # the report and its record, from the one gathered record
    pdf = report.render_pdf(record)
    pages = pdf.pages
    w.write(REPORT, pdf.data, "report")
    w.write(CSV, report.csv_bytes(record), "csv")
    w.write(RECORD, report.to_json(record).encode("utf-8"), "record")

    chain, head, seq = _chain(case, options, shown, {e.get("id") for e in record.journal}, wanted, blob_shas)
    if head != record.integrity.fingerprint or seq != record.integrity.entries:
        raise RuntimeError("the case's chain changed while the bundle was written")
    short = vault.short_fingerprint(seq, head)
    opened = sum("opening" in c for c in chain)
    w.write(HOWTO, how_to_check(short, head, seq, opened, seq - opened).encode("utf-8"), "how-to")
    manifest = Manifest(
        generator=f"greyrock {__version__}", created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        case_id=case.case_id, case_format=case.format, fingerprint=head, short_fingerprint=short, entries=seq,
        selection=options.to_dict(), files=list(w.files.values()), chain=chain, missing_attachments=missing)
    text = json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1)
    try:
        data = (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a broken export: escaped, not lost
        data = (json.dumps(manifest.to_dict(), ensure_ascii=True, indent=1) + "\n").encode("ascii")
    w.write(MANIFEST, data, "manifest")  # after the manifest was made: it lists every file but itself
    sums = "".join(f"{f.sha256}  {f.path}\n" for f in sorted(w.files.values(), key=lambda f: f.path))
    w.put(SUMS, sums.encode("utf-8"))

    held: Counter[str] = Counter()
    for s in case.messages():
        if s.id not in shown and s.original_sha256 in original_files:
            held[s.original_sha256] += 1
    also = tuple((original_files[sha], n) for sha, n in held.items() if n)
    attachments = sum(f.what == "attachment" for f in w.files.values())
    return BundleResult(out, head, short, seq, opened, len(log), tuple(original_files.values()), attachments,
                        len(missing), pages, also, record.notes)


def _chain(case: Case, options: BundleOptions, messages: set[int], journal: set[Any], originals: set[str],
           blobs: set[str]) -> tuple[list[dict[str, Any]], str, int]:
    """Every chain entry, opened where the bundle holds its record; the head recomputed."""
    out: list[dict[str, Any]] = []
    head, last = vault.genesis(case.case_id), 0
    for seq, kind, ref, payload, h in case.chain_entries():
        entry: dict[str, Any] = {"seq": seq, "kind": kind, "ref": ref, "payload": payload}
        opening = None
        if kind == "meta" or (kind == "message" and ref in messages):
            opening = case.entry_opening(kind, ref)
        elif kind in ("original", "blob", "finding", "record"):
            candidate = case.entry_opening(kind, ref)
            if candidate is not None and _opens(kind, ref, candidate, options, messages, journal, originals, blobs):
                opening = candidate
        if opening is not None:
            if vault.payload_of(kind, opening) != payload:
                raise NotIntact(f"chain entry {seq}: its record does not give its digest; run 'greyrock case verify'.")
            entry["opening"] = opening
        head = vault.entry_hash(head, seq, kind, ref, payload)
        if head != h:
            raise NotIntact(f"chain entry {seq}: its hash does not follow from the entry before it.")
        last = seq
        out.append(entry)
    return out, head, last


def _opens(kind: str, ref: int, opening: dict[str, Any], options: BundleOptions, messages: set[int],
           journal: set[Any], originals: set[str], blobs: set[str]) -> bool:
    if kind == "original":
        return opening["sha256"] in originals
    if kind == "blob":
        return opening["sha256"] in blobs
    if kind == "finding":
        return opening["message_id"] in messages
    rkind = opening["kind"]
    if rkind in PRIVATE_RECORDS:
        return rkind == "risk_answer" and options.include_risk
    if rkind == "journal":
        return ref in journal
    if rkind == LABEL_RECORD:
        try:
            return json.loads(opening["data"]).get("message_id") in messages
        except (ValueError, AttributeError):
            return False
    return False
