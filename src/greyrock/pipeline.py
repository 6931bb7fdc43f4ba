"""The one explicit import pipeline: hash originals, skip what is held, store, parse,
screen, chain.

An export is stored in several transactions (originals first, then every couple of
seconds whole slices of 5,000 messages with their screening), so an import stopped
half-way (Ctrl-C, a crash, a full disk) keeps what it had committed. Commits go by time,
not count: each one rewrites the pages of the dedup index it touched, which grow with the
case, so a count would make a million-message import slower and slower. An "import" record, the last thing an import writes, names
the originals it finished; running the same import again skips a finished export, and
re-reads an unfinished one, adding only what is missing (the rest are duplicates).

Progress is the caller's business: `progress(what, count)` is called as records are read
("read") and messages screened ("screened"); the library never prints.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from greyrock import ingest
from greyrock._files import sha256_file
from greyrock.accounting import IMPORT_RECORD
from greyrock.identity import default_region, normalise_address
from greyrock.model import Kind, Message, ParseWarning
from greyrock.people import Party, Roles, attributed, read_roles
from greyrock.settings import case_clock
from greyrock.vault import Case

__all__ = ["ImportResult", "Progress", "Screener", "apply_context", "import_exports", "screen_theirs", "set_contact"]

# A screener takes a batch of messages and returns one finding (a JSON-able dict) for each,
# or None for a message it does not screen (the reader's own).
Screener = Callable[[Sequence[Message]], list[dict[str, Any] | None]]
# (what, count so far): "read" for records read from the export, "screened" for messages screened.
Progress = Callable[[str, int], None]
_SCREEN_BATCH = 256
_COMMIT_EVERY = 5000  # records per slice: a transaction holds whole slices
_COMMIT_SECONDS = 2.0  # a transaction ends with the first slice that ends after this
_REPORT_EVERY = 500  # records between two "read" progress calls


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
    files_read: list[Path] = field(default_factory=list)  # the files on disk stored as originals
    # Records whose export gave no zone, and the case's zone they are read in.
    without_zone: int = 0
    zone: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "added": self.added, "duplicates": self.duplicates, "unparsed": self.unparsed,
            "originals_added": self.originals_added, "already_imported": self.already_imported,
            "formats": self.formats, "warnings": [str(w) for w in self.warnings],
            "unparsed_records": [{"file": w.file, "locator": w.locator, "reason": w.reason}
                                 for w in self.unparsed_at],
            "times_without_zone": self.without_zone, "read_in_zone": self.zone or None,
        }


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
    progress: Progress | None = None,
    name: str | None = None,
) -> ImportResult:
    """Import one export. `name`, where given, is the export's name in warnings, sources,
    the import record and the result instead of its path (an upload held in memory is
    /proc/PID/fd/N); it is cut to its last part, without control characters."""
    label = _display_name(name) if name is not None else None
    parsed = ingest.parse(path, format=format, me=me, region=region, name=label)
    result = ImportResult(path=label or str(path), formats=parsed.formats)
    files: dict[str, Path] = {}
    for _, entries in parsed.groups:
        for entry in entries:
            files.setdefault(entry.file, entry.path)
    result.files_read = sorted(set(files.values()))
    # A large export is read in a second process while this one hashes and stores it. Its
    # first message is read before anything is hashed or stored: an export that goes past
    # a size limit early (a bomb, a gigabyte photo) is refused in seconds.
    messages = parsed.read_ahead() if parsed.size >= ingest.AHEAD_MIN_BYTES else iter(parsed)
    first = list(itertools.islice(messages, 1))
    hashes = {name: sha256_file(p) for name, p in files.items()}
    if set(hashes.values()) <= _finished(case):
        messages.close()  # type: ignore[attr-defined]
        parsed.export.close()
        result.already_imported = True
        return result

    with case.transaction():
        original_ids: dict[str, int] = {}
        for name, p in files.items():
            with open(p, "rb") as fh:
                original_ids[name], new = case.add_original(name, fh, hashes[name])
            result.originals_added += new

    total = screened = 0
    roles = read_roles(case)  # a sister's or the reader's own messages are never screened as the other person's
    unparsed_places: list[tuple[str, str]] = []
    report = progress or (lambda what, count: None)

    def counted():
        nonlocal total
        for m in itertools.chain(first, messages):
            total += 1
            if m.timestamp is not None and m.timestamp.tzinfo is None:
                result.without_zone += 1
            if m.kind is Kind.UNPARSED:
                result.unparsed += 1
                unparsed_places.append((m.source.file, m.source.locator))
            if total % _REPORT_EVERY == 0:
                report("read", total)
            yield m

    earliest: datetime | None = None  # of the messages screened: context is read again from there

    def screen(batch: list[tuple[int, Message]]) -> None:
        nonlocal screened, earliest
        if batch and screener is not None:
            _screen(case, batch, screener, model_id or "")
            screened += len(batch)
            report("screened", screened)
            times = [m.timestamp for _, m in batch if m.timestamp is not None]
            if earliest is not None:
                times.append(earliest)
            earliest = min(times, key=clock.instant, default=None)

    stream = counted()
    clock = case_clock(case)[0]
    zone, result.zone = clock.zone, clock.name  # times without a zone are read in the case's zone
    occurrences: OrderedDict[bytes, int] = OrderedDict()  # dedup's count of repeats, across transactions
    finished = False
    while not finished:
        began = time.monotonic()
        with case.transaction():
            while True:  # at least one slice per transaction
                before = total
                batch: list[tuple[int, Message]] = []
                for row_id, message in case.add_messages(itertools.islice(stream, _COMMIT_EVERY), original_ids, occurrences,
                                                      zone=zone):
                    result.added += 1
                    if screener is not None and message.kind is not Kind.UNPARSED and _screened(message, roles):
                        batch.append((row_id, message))
                        if len(batch) >= _SCREEN_BATCH:
                            screen(batch)
                            batch = []
                screen(batch)
                finished = total - before < _COMMIT_EVERY
                if finished or time.monotonic() - began >= _COMMIT_SECONDS:
                    break
            if finished:
                if earliest is not None:
                    apply_context(case, model_id or "", new_from=earliest)
                # The last thing an import writes: which originals it finished, and why each
                # unparsed record could not be read (so that a report can say so).
                result.unparsed_at = _unparsed_at(unparsed_places, parsed.warnings)
                case.add_record(IMPORT_RECORD, {
                    "originals": sorted(set(hashes.values())), "export": label or Path(path).name,
                    "unparsed": [{"file": w.file, "locator": w.locator, "reason": w.reason} for w in result.unparsed_at]})
    report("read", total)
    result.duplicates = total - result.added
    result.warnings = list(parsed.warnings)
    return result


def _display_name(name: str) -> str:
    """A name the reader's browser or program gave: its last part, printable characters only."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in base if c.isprintable()).strip() or "upload"


def _screened(message: Message, roles: Roles) -> bool:
    """Whether an import screens a message: not the reader's own, nor someone else's (`third`)."""
    party = Party.of(message, roles)
    return not party.own and party.role != "third"


def screen_theirs(case: Case, screener: Screener, model_id: str) -> int:
    """Screen the other person's messages that hold no screening yet (a role given after
    the import: a new number named `other`, an author wrongly taken for the reader), and
    store the findings. Returns how many messages were screened."""
    roles = read_roles(case)
    batch = [(s.id, s.message) for s in attributed(case.messages(), roles)
             if s.finding is None and s.message.kind is Kind.MESSAGE
             and Party.of(s.message, roles).side(s.message, roles) is True]
    if batch:
        with case.transaction():
            for start in range(0, len(batch), _SCREEN_BATCH):
                _screen(case, batch[start:start + _SCREEN_BATCH], screener, model_id)
            apply_context(case, model_id)
    return len(batch)


def apply_context(case: Case, model_id: str, new_from: datetime | None = None) -> dict[int, dict[str, Any]]:
    """Read every screened message in the context of the same sender's threats before it,
    across the whole case, and store a new finding where context adds a threat or a CHECK
    (screen/_context.py). Returns the new findings by message id. `new_from`: the earliest
    time among the messages just added (on the case's clock), so that only the hours around
    them are read again.

    The screen sees a message once, in whatever order its export lists it and with only
    the messages of its own batch around it; an export read newest first, a long export
    screened in batches, or "I'm outside" imported a week after the threat by text would
    otherwise keep the danger out of sight. The new finding is added, never replaces: the
    first screening stays in the case's chain, under the model id with "+context"."""
    from greyrock.screen._context import AFTER_THREAT_HOURS, context_updates  # numpy: only where screening runs

    clock = case_clock(case)[0]
    since = None if new_from is None else new_from - timedelta(hours=AFTER_THREAT_HOURS)
    updates = list(context_updates(((s.id, s.message, s.finding) for s in case.messages(since=since, clock=clock)),
                                   instant=lambda m: clock.instant(m.timestamp)))
    for message_id, finding in updates:
        case.add_finding(message_id, f"{model_id}+context", finding)
    return dict(updates)


def _finished(case: Case) -> set[str]:
    """SHA-256 of the originals whose import ran to the end. (A case from before these
    records re-reads an export once, adds nothing twice, and records it then.)"""
    return {sha for record in case.records(IMPORT_RECORD) for sha in record.get("originals", [])}


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
