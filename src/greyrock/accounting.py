"""Whose each record of a case is, and what a view says about the records it leaves out.

A view of a case (the court report, the shield) shows some of its records. So that no
record disappears without a word, every view states how many records the case holds, how
many it shows, and why the rest are out. The rule of who "the other person" is lives here
once (with the roles of `greyrock.people`), so the report and the shield cannot disagree:

- a message is the other person's when its sender has the role `other`; the reader's own
  when they sent it (or it comes from an address with the role `me`) to the other person,
  or to no recipient recorded; anyone else's (`third`, or no role yet) otherwise;
- while the case names no other person, every received message counts as theirs unless
  its sender has another role (the report refuses such a case: see `report.gather`).

An *unparsed* record is a piece of an export that greyrock could not read, kept whole
(see `ingest.Context.unparsed`). Its raw text may hold anyone's words, a friend's, a
lawyer's or several messages run together, so a view shows it only when the importer
attributed the record to the other person; otherwise it gives the place and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greyrock.model import Message
from greyrock.people import Party, Roles, read_roles

if TYPE_CHECKING:  # the CLI imports `read_summary` without loading the vault
    from greyrock.vault import Case, StoredMessage

__all__ = ["IMPORT_RECORD", "UnparsedRecord", "listing_command", "read_summary", "roles_of", "side", "unparsed_reasons"]

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


def roles_of(case: Case) -> Roles:
    """The roles the case gives its addresses now (`greyrock case people`)."""
    return read_roles(case)


def side(message: Message, roles: Roles) -> bool | None:
    """True for the other person's, False for the reader's own, None for anyone else's
    (or where the export does not say whose it is)."""
    return Party.of(message, roles).side(message, roles)


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
    def of(cls, stored: StoredMessage, roles: Roles, reasons: dict[tuple[str, str], str]) -> UnparsedRecord:
        m = stored.message
        # Attributed only where the importer named the other person as its sender: a record
        # with no known sender may be a friend's, a lawyer's or several messages run together.
        theirs = bool(m.sender or m.sender_name) and side(m, roles) is True
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
