"""Whose each record of a case is, and what a view says about the records it leaves out.

A view of a case (the court report, the shield) shows some of its records. So that no
record disappears without a word, every view states how many records the case holds, how
many it shows, and why the rest are out. The rule of who "the other person" is lives here
once, so the report and the shield cannot disagree about it:

- a received message (direction "in") is the other person's, once the case names them
  (`greyrock case import --contact`), only when it comes from one of their aliases; a
  friend's message in the same export is someone else's;
- a message whose export did not say who sent it (direction "unknown") is theirs only when
  it comes from one of their aliases;
- the reader's own messages are those sent to them (or with no recipient recorded).

An *unparsed* record is a piece of an export that greyrock could not read, kept whole
(see `ingest.Context.unparsed`). Its raw text may hold anyone's words, a friend's, a
lawyer's or several messages run together, so a view shows it only when the importer
attributed the record to the other person; otherwise it gives the place and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greyrock.identity import normalise_address
from greyrock.model import Direction, Message

if TYPE_CHECKING:  # the CLI imports `read_summary` without loading the vault
    from greyrock.vault import Case, StoredMessage

__all__ = ["IMPORT_RECORD", "UnparsedRecord", "listing_command", "read_summary", "other_aliases", "side", "unparsed_reasons"]

# The kind of case record in which an import keeps where it found unreadable records, and why.
IMPORT_RECORD = "import"


def listing_command(case_file: str) -> str:
    """The command that lists a case's unparsed records, raw text included, for the reader alone."""
    return f"greyrock case messages {case_file} --kind unparsed"


def read_summary(read: int, unparsed: list[tuple[str, str | None]], *, places: int = 10) -> str:
    """One line on what an export gave: '11 messages, 1 unparsed: sms.xml, sms[3]'.

    `read` counts every record read, unparsed ones included; `unparsed` is each unparsed
    record's (file, locator). Only the first `places` places are named.
    """
    line = f"{read - len(unparsed)} {'message' if read - len(unparsed) == 1 else 'messages'}, {len(unparsed)} unparsed"
    if unparsed:
        named = "; ".join(f"{file}, {loc}" if loc else file for file, loc in unparsed[:places])
        more = f"; and {len(unparsed) - places} more" if len(unparsed) > places else ""
        line += f": {named}{more}"
    return line


def other_aliases(case: Case) -> set[str]:
    """Every alias (number, address, chat name) the case records for the other person."""
    aliases: set[str] = set()
    for names in case.contacts().values():
        aliases.update(names)
    return aliases


def _is_alias(value: str | None, aliases: set[str]) -> bool:
    if not value:
        return False
    return value in aliases or normalise_address(value) in aliases


def side(message: Message, aliases: set[str]) -> bool | None:
    """True for the other person's, False for the reader's own, None for anyone else's
    (or where the export does not say whose it is)."""
    from_alias = _is_alias(message.sender, aliases) or _is_alias(message.sender_name, aliases)
    if message.direction is Direction.IN:
        return True if not aliases or from_alias else None
    if message.direction is Direction.UNKNOWN:
        return True if from_alias else None
    if message.direction is Direction.OUT:
        recipients = [r for r in message.recipients if r and r != "me"]
        if not aliases or not recipients or any(_is_alias(r, aliases) for r in recipients):
            return False
        return None
    return None


def unparsed_reasons(case: Case) -> dict[tuple[str, str], str]:
    """(file, locator) -> why the importer could not read the record there, as recorded at
    import. Cases imported by an earlier greyrock hold no such record."""
    reasons: dict[tuple[str, str], str] = {}
    for rec in case.records(IMPORT_RECORD):
        for item in rec.get("unparsed") or ():
            if isinstance(item, dict) and isinstance(item.get("reason"), str):
                reasons[(str(item.get("file")), str(item.get("locator")))] = item["reason"]
    return reasons


NO_REASON = "the reason was not recorded (imported with an earlier greyrock); 'greyrock parse' on the export names it"


@dataclass(frozen=True, slots=True)
class UnparsedRecord:
    """A record greyrock could not read: where it is, why, and its raw text when it may be shown.

    `raw` is None where the text is withheld; `withheld` then says why. `chars` is the
    length of the raw text either way, so a reader knows how much there is to look at.
    """

    id: int
    file: str
    locator: str
    reason: str
    original_sha256: str
    timestamp: str | None
    channel: str
    chars: int
    raw: str | None
    withheld: str | None

    @classmethod
    def of(cls, stored: StoredMessage, aliases: set[str], reasons: dict[tuple[str, str], str]) -> UnparsedRecord:
        m = stored.message
        # Attributed only where the importer named the other person as its sender: a record
        # with no known sender may be a friend's, a lawyer's or several messages run together.
        theirs = bool(m.sender or m.sender_name) and side(m, aliases) is True
        return cls(
            id=stored.id,
            file=m.source.file,
            locator=m.source.locator,
            reason=reasons.get((m.source.file, m.source.locator), NO_REASON),
            original_sha256=stored.original_sha256,
            timestamp=m.timestamp.isoformat() if m.timestamp else None,
            channel=str(m.channel),
            chars=len(m.body),
            raw=m.body if theirs else None,
            withheld=None if theirs else "the export does not say who wrote it, so it may be someone else's words",
        )

    @property
    def place(self) -> str:
        return f"{self.file}, {self.locator}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": "unparsed", "timestamp": self.timestamp, "channel": self.channel,
                "source": {"file": self.file, "locator": self.locator, "original_sha256": self.original_sha256},
                "reason": self.reason, "chars": self.chars, "raw_text": self.raw, "raw_text_withheld": self.withheld}
