"""The manifest of a bundle: its files' hashes, and the case's chain with some entries opened.

Every chain entry of the case is in `chain`, in order, with its kind, row id and payload
digest. An entry the bundle holds (the case's metadata, the exports its messages came
from, those messages, their attachments, screening and label corrections, the journal the
report shows) also carries its `opening`: the values its digest was computed from
(`Case.entry_opening`). Every other entry, the safety plan, urges, reasons card and risk
answers among them, is *sealed*: only its digest is there. From the openings and the
digests anyone can redo each entry's hash up to the last one, the case's fingerprint; so
a sealed entry still counts (leaving one out breaks the chain, and shows as a gap), and
changing any opened value changes the fingerprint.

`MANIFEST_VERSION` is the `greyrock_evidence` field: bump it, with a line here, when the
meaning of a field changes.
  1  the first bundles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["MANIFEST_VERSION", "FileEntry", "Manifest"]

MANIFEST_VERSION = 1


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file of the bundle. `what`: original, attachment, report, csv, record or how-to;
    `name` the original file name of an export or an attachment; `messages` the ids of the
    messages an attachment belongs to."""

    path: str
    sha256: str
    size: int
    what: str
    name: str | None = None
    messages: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "sha256": self.sha256, "size": self.size, "what": self.what}
        if self.name is not None:
            d["name"] = self.name
        if self.messages:
            d["messages"] = list(self.messages)
        return d


@dataclass
class Manifest:
    generator: str
    created_at: str
    case_id: str
    case_format: int
    fingerprint: str
    short_fingerprint: str
    entries: int
    selection: dict[str, Any]
    files: list[FileEntry] = field(default_factory=list)
    chain: list[dict[str, Any]] = field(default_factory=list)
    missing_attachments: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "greyrock_evidence": MANIFEST_VERSION,
            "generator": self.generator,
            "created_at": self.created_at,
            "case": {"case_id": self.case_id, "format": self.case_format, "entries": self.entries,
                     "fingerprint": self.fingerprint, "short_fingerprint": self.short_fingerprint},
            "selection": self.selection,
            "files": [f.to_dict() for f in sorted(self.files, key=lambda f: f.path)],
            "missing_attachments": self.missing_attachments,
            "chain": self.chain,
        }
