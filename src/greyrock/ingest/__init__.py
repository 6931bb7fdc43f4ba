"""Reading exports: one importer per format, chosen by sniffing, all yielding Message.

    parsed = ingest.parse("backup.xml")
    for message in parsed: ...
    parsed.warnings   # what could not be read, or had to be assumed, and where

Detection is per file: in a folder or zip every file goes to the importer that is surest
of it, and each importer gets all of its files together (a Messenger thread split over
message_1.json, message_2.json …). Files nobody recognises (photos, an index page) are
skipped with one summary warning.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from greyrock import _order
from greyrock._gc import fewer_collections
from greyrock.errors import GreyrockError, ParseError, UnknownFormat
from greyrock.identity import default_region
from greyrock.model import Message, ParseWarning, sort_key

from ._ahead import AHEAD_MIN_BYTES, read_ahead
from ._base import Context, Importer
from ._export import Entry, Export, open_export
from ._limits import Limits
from ._registry import IMPORTERS, by_name

__all__ = [
    "AHEAD_MIN_BYTES", "Context", "Entry", "Export", "Importer", "Limits", "Parsed", "detect", "formats", "parse",
]

_MESSAGE_LIKE = (".txt", ".json", ".xml", ".html", ".htm", ".csv", ".eml", ".mbox", ".db")


def formats() -> list[tuple[str, str]]:
    """(name, one-line help) of every supported format, in registry order."""
    return [(imp.name, imp.help) for imp in IMPORTERS]


@dataclass
class Parsed:
    """The messages of one export, read lazily; `warnings` fills as they are read."""

    export: Export
    groups: list[tuple[Importer, list[Entry]]]
    ctx: Context
    skipped: list[Entry] = field(default_factory=list)
    format: str | None = None  # as given to parse(), so read_ahead() can parse the same way

    @property
    def size(self) -> int:
        """Bytes of the files that will be read."""
        return sum(entry.size for _, entries in self.groups for entry in entries)

    @property
    def warnings(self) -> list[ParseWarning]:
        return self.ctx.warnings

    @property
    def formats(self) -> list[str]:
        return [imp.name for imp, _ in self.groups]

    def __iter__(self) -> Iterator[Message]:
        try:
            for importer, entries in self.groups:
                try:
                    yield from importer.parse(entries, self.ctx)
                except GreyrockError:
                    raise
                except Exception as exc:  # a bug must not become a traceback over evidence
                    raise ParseError(
                        entries[0].file,
                        entries[0].member,
                        f"the {importer.name} importer failed ({type(exc).__name__}); "
                        "what was read before this point was kept.",
                        "Please report this as a bug in greyrock.",
                    ) from exc
        finally:
            self.export.close()

    def read_ahead(self) -> Iterator[Message]:
        """The same messages as iterating, read in a second process so that the caller's
        own work (storing them) runs alongside; worth it for large exports (`size`)."""
        self.export.close()
        return read_ahead(self.export.path, self.format, self.ctx.me, self.ctx.region, self.ctx.warnings,
                          self.export.limits, self.export.label)

    def sorted(self, progress: Callable[[str, int], None] | None = None) -> list[Message]:
        """All messages, oldest first (a stable sort: equal times keep file order);
        `progress("read", n)` is called every few hundred records read."""
        return sorted(self if progress is None else _counted(self, progress), key=sort_key)

    def in_order(self, encode: Callable[[Message], bytes],
                 progress: Callable[[str, int], None] | None = None) -> Iterator[bytes]:
        """Every message encoded by `encode`, oldest first (stable), in bounded memory:
        what `sorted` gives, for exports too large to hold as Messages. A large export
        is read by a second process while this one encodes and orders (one core each)."""
        messages: Iterable[Message] = self.read_ahead() if self.size >= AHEAD_MIN_BYTES else iter(self)
        if progress is not None:
            messages = _counted(messages, progress)
        with fewer_collections():
            yield from _order.in_order((sort_key(m), encode(m)) for m in messages)


def _counted(messages: Iterable[Message], progress: Callable[[str, int], None]) -> Iterator[Message]:
    n = 0
    for n, message in enumerate(messages, 1):
        if n % 500 == 0:
            progress("read", n)
        yield message
    progress("read", n)


def _assign(export: Export, forced: Importer | None) -> tuple[list[tuple[Importer, list[Entry]]], list[Entry]]:
    candidates = (forced,) if forced else IMPORTERS
    won: dict[int, list[Entry]] = {}
    skipped: list[Entry] = []
    for entry in export.entries:
        best: tuple[int, int] | None = None
        for index, importer in enumerate(candidates):
            score = importer.sniff(entry)
            if score is not None and (best is None or score > best[0]):
                best = (score, index)
        if best is None:
            skipped.append(entry)
        else:
            won.setdefault(best[1], []).append(entry)
    if forced and not won and len(export.entries) == 1:
        won[0] = list(export.entries)  # the reader said which format it is: believe them
        skipped = []
    return [(candidates[i], won[i]) for i in sorted(won)], skipped


def parse(
    path: str | os.PathLike[str],
    format: str | None = None,
    me: str | None = None,
    region: str | None = None,
    limits: Limits | None = None,
    name: str | None = None,
) -> Parsed:
    """Open an export (file, folder or zip) and prepare to read its messages; `name`, where
    given, is the file's name in warnings and sources instead of its path's (see open_export).

    Raises InputError (UnknownFormat, ParseError) when nothing in it can be read, and
    LimitExceeded (now or while reading) when it goes past a size limit: `limits`, or
    those the environment sets (see `_limits`).
    """
    forced = None
    if format is not None:
        forced = by_name(format)
        if forced is None:
            names = ", ".join(name for name, _ in formats())
            raise UnknownFormat(f"unknown format {format!r}.", f"Known formats: {names}.")
    export = open_export(path, limits, name)
    groups, skipped = _assign(export, forced)
    if not groups:
        export.close()
        what = f"not a {forced.name} export" if forced else "not an export greyrock recognises"
        raise UnknownFormat(
            f"{export.label}: {what}.",
            "Run 'greyrock formats' for the list, or name one with --format.",
        )
    ctx = Context(export=export, me=me, region=region or default_region())
    noteworthy = [e for e in skipped if e.name.lower().endswith(_MESSAGE_LIKE)]
    if noteworthy:
        ctx.warn(
            export.label,
            None,
            f"{len(noteworthy)} file(s) not recognised as messages were skipped "
            f"(first: {noteworthy[0].name}).",
        )
    return Parsed(export=export, groups=groups, ctx=ctx, skipped=skipped, format=format)


def detect(path: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Which format each file of an export is read as: {format name: [entry names]}."""
    export = open_export(path)
    try:
        groups, _ = _assign(export, None)
        return {imp.name: [e.name for e in entries] for imp, entries in groups}
    finally:
        export.close()
