"""The one explicit import pipeline: hash originals, skip what is held, store, parse,
screen, chain. Each export is one transaction, so a crash mid-import leaves the case as it
was and the next import does the whole export again, with nothing twice.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greyrock import ingest
from greyrock.accounting import IMPORT_RECORD
from greyrock.identity import default_region, normalise_address
from greyrock.model import Kind, Message, ParseWarning
from greyrock.vault import Case

__all__ = ["ImportResult", "Screener", "import_exports", "set_contact"]

# A screener takes a batch of messages and returns one finding (a JSON-able dict) for each,
# or None for a message it does not screen (the reader's own).
Screener = Callable[[Sequence[Message]], list[dict[str, Any] | None]]
_SCREEN_BATCH = 256


@dataclass
class ImportResult:
    path: str
    added: int = 0
    duplicates: int = 0
    unparsed: int = 0
    originals_added: int = 0
    already_imported: bool = False
    formats: list[str] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    unparsed_at: list[ParseWarning] = field(default_factory=list)  # each unparsed record: place and why

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "added": self.added, "duplicates": self.duplicates, "unparsed": self.unparsed,
            "originals_added": self.originals_added, "already_imported": self.already_imported,
            "formats": self.formats, "warnings": [str(w) for w in self.warnings],
            "unparsed_records": [{"file": w.file, "locator": w.locator, "reason": w.reason}
                                 for w in self.unparsed_at],
        }


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def set_contact(case: Case, aliases: Sequence[str], name: str = "other", region: str | None = None) -> None:
    """Record the other person's aliases (numbers, addresses, chat names), normalised."""
    reg = region or default_region()
    normalised = sorted({normalise_address(a, reg) for a in aliases if a.strip()})
    if normalised:
        with case.transaction():
            case.add_record("contact", {"name": name, "aliases": normalised})


def import_export(
    case: Case,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    me: str | None = None,
    region: str | None = None,
    screener: Screener | None = None,
    model_id: str | None = None,
) -> ImportResult:
    parsed = ingest.parse(path, format=format, me=me, region=region)
    result = ImportResult(path=str(path), formats=parsed.formats)
    files: dict[str, Path] = {}
    for _, entries in parsed.groups:
        for entry in entries:
            files.setdefault(entry.file, entry.path)
    hashes = {name: _sha256_file(p) for name, p in files.items()}
    if all(case.original_id(sha) is not None for sha in hashes.values()):
        parsed.export.close()
        result.already_imported = True
        return result

    with case.transaction():
        original_ids: dict[str, int] = {}
        for name, p in files.items():
            with open(p, "rb") as fh:
                original_ids[name], new = case.add_original(name, fh, hashes[name])
            result.originals_added += new
        total = 0
        batch: list[tuple[int, Message]] = []
        unparsed_places: list[tuple[str, str]] = []

        # A large export is read in a second process while this one stores it.
        messages = parsed.read_ahead() if parsed.size >= ingest.AHEAD_MIN_BYTES else parsed

        def counted():
            nonlocal total
            for m in messages:
                total += 1
                if m.kind is Kind.UNPARSED:
                    result.unparsed += 1
                    unparsed_places.append((m.source.file, m.source.locator))
                yield m

        for row_id, message in case.add_messages(counted(), original_ids):
            result.added += 1
            if screener is not None and message.kind is not Kind.UNPARSED:
                batch.append((row_id, message))
                if len(batch) >= _SCREEN_BATCH:
                    _screen(case, batch, screener, model_id or "")
                    batch = []
        if batch and screener is not None:
            _screen(case, batch, screener, model_id or "")
        result.duplicates = total - result.added
        result.unparsed_at = _unparsed_at(unparsed_places, parsed.warnings)
        if result.unparsed_at:  # kept in the case, so that a report can say why each could not be read
            case.add_record(IMPORT_RECORD, {"export": Path(path).name, "unparsed": [
                {"file": w.file, "locator": w.locator, "reason": w.reason} for w in result.unparsed_at]})
    result.warnings = list(parsed.warnings)
    return result


def _unparsed_at(places: list[tuple[str, str]], warnings: list[ParseWarning]) -> list[ParseWarning]:
    """Each unparsed record's place with the reason the importer gave there."""
    reasons: dict[tuple[str, str | None], list[str]] = {}
    for w in warnings:
        reasons.setdefault((w.file, w.locator), []).append(w.reason)
    return [ParseWarning(file, locator, " / ".join(dict.fromkeys(reasons.get((file, locator), ["unreadable"]))))
            for file, locator in places]


def _screen(case: Case, batch: list[tuple[int, Message]], screener: Screener, model_id: str) -> None:
    findings = screener([m for _, m in batch])
    for (row_id, _), finding in zip(batch, findings, strict=True):
        if finding is not None:
            case.add_finding(row_id, model_id, finding)


def import_exports(case: Case, paths: Sequence[str | os.PathLike[str]], **kwargs: Any) -> list[ImportResult]:
    return [import_export(case, p, **kwargs) for p in paths]
