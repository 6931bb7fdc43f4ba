"""CSV and JSON exports of a report's record, with every character of every message exact.

The PDF is for people; these are for the other side's expert, the court's software, or
an advocate's spreadsheet. They hold the same messages as the PDF's log (the reader's
choices applied), with the source of each message and the SHA-256 of its original, so any
row can be checked against the case.

They also account for every record the log leaves out: the JSON's `accounting` counts each
reason (the same numbers as the report's cover) and its `unparsed` list holds every record
greyrock could not read, with its place and reason; the CSV ends with one row per
unparsed record (kind "unparsed", the reason in `note`). An unparsed record's raw text is
given only where the export names the other person as its sender (see
`greyrock.accounting`); otherwise the body is empty and `note` says why.

CSV note: a spreadsheet may treat a cell that begins with = + - or @ as a formula. The
text is kept exact anyway (it is evidence); open the file with a spreadsheet's import
dialog, every column as text, rather than by double-clicking it.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from greyrock._files import write_private

from ._images import attachment_file_name
from ._entries import Entry
from ._record import CaseRecord, UnparsedRecord
from ._text import format_ts
from ._timeline import label_order
from ._wording import how_to_verify, period_text

__all__ = ["CSV_COLUMNS", "csv_bytes", "message_dict", "record_dict", "to_csv", "to_json", "write_csv", "write_json"]

CSV_COLUMNS = (
    "id", "timestamp", "shown_as", "tz_known", "from", "channel", "kind", "direction", "sender", "sender_name",
    "recipients", "body", "attachments", "suggested_labels", "source_file", "source_locator", "original_sha256", "note",
)


def message_dict(e: Entry) -> dict[str, Any]:
    m = e.message
    return {
        "id": e.id,
        "timestamp": m.timestamp.isoformat() if m.timestamp else None,
        "shown_as": format_ts(e.when),
        "tz_known": m.tz_known,
        "from": "other" if e.from_other else "third" if e.third else "reader",
        "channel": str(m.channel),
        "kind": str(m.kind),
        "direction": str(m.direction),
        "sender": m.sender,
        "sender_name": m.sender_name,
        "recipients": list(m.recipients),
        "body": m.body,
        "attachments": [{**a.to_dict(), "bundle_file": f"attachments/{attachment_file_name(e.id, i, a.name)}"}
                        for i, a in enumerate(m.attachments)],
        "extra": m.extra,
        "agreed": e.agreed or None,
        "suggested_labels": label_order(e.suggested if e.correction else e.labels),
        "labels": label_order(e.labels),
        "correction": e.correction.to_dict() if e.correction else None,
        "danger": list(e.danger),
        "source": {"file": m.source.file, "locator": m.source.locator, "original_sha256": e.original_sha256},
    }


def record_dict(record: CaseRecord) -> dict[str, Any]:
    """Everything the report shows, as one JSON-able object."""
    o = record.options
    integrity = record.integrity
    return {
        "report": {
            "generator": f"greyrock {record.version}",
            "generated_at": record.generated_at.isoformat(timespec="seconds"),
            "case_name": record.case_name,
            "case_file": record.case_file,
            "case_id": record.case_id,
            "period": period_text(record),
            "options": {"from": o.start.isoformat() if o.start else None, "to": o.end.isoformat() if o.end else None,
                        "labels": list(o.labels), "own_messages": o.own_messages, "risk": o.risk,
                        "include_third": list(o.include_third)},
            "title": record.title,
            "paper": record.paper,
            "timezone": record.settings.timezone or record.settings.clock.name,
            "court_ref": record.parties.court_ref,
            "my_name": record.parties.my_name,
            "their_name": record.parties.their_name,
            "labels_note": "suggested_labels are automated suggestions of a classifier, not findings.",
        },
        "integrity": {"ok": integrity.ok, "fingerprint": integrity.fingerprint or None, "entries": integrity.entries,
                      "problem": integrity.problem, "how_to_verify": how_to_verify(record)},
        "notes": list(record.notes),
        "accounting": record.accounting.to_dict(),
        "people": record.people,
        "counts": record.counts(),
        "timeline": record.timeline.to_dict(),
        "danger_signs": [
            {"sign": s.sign, "statement": s.statement, "confirmed_at": s.confirmed_at,
             "messages": [{"id": e.id, "timestamp": e.message.timestamp.isoformat() if e.message.timestamp else None,
                           "shown_as": format_ts(e.when), "flagged_text": flag.get("text"), "why": flag.get("why")}
                          for e, flag in s.messages],
             "linked_by_reader": [message_dict(e) for e in s.linked], "linked_not_shown": s.linked_not_shown}
            for s in record.danger_signs
        ],
        "threats_and_coercion": [message_dict(e) for e in record.serious],
        "journal": list(record.journal),
        "messages": [message_dict(e) for e in record.log],
        "unparsed": [u.to_dict() for u in record.unparsed],
        "originals": list(record.originals),
    }


def to_json(record: CaseRecord) -> str:
    text = json.dumps(record_dict(record), ensure_ascii=False, indent=2)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a broken export: escape rather than lose it
        text = json.dumps(record_dict(record), ensure_ascii=True, indent=2)
    return text + "\n"


def _row(e: Entry) -> list[str]:
    d = message_dict(e)
    atts = "; ".join(f"{a['name']} ({a['sha256'] or 'no hash'})" for a in d["attachments"])
    return [
        str(d["id"]), d["timestamp"] or "", d["shown_as"], "true" if d["tz_known"] else "false", d["from"],
        d["channel"], d["kind"], d["direction"], d["sender"] or "", d["sender_name"] or "", ";".join(d["recipients"]),
        d["body"], atts, ";".join(d["suggested_labels"]), d["source"]["file"], d["source"]["locator"],
        d["source"]["original_sha256"], _correction_note(e),
    ]


def _correction_note(e: Entry) -> str:
    fix = e.correction
    if fix is None:
        return ""
    return (f"{fix.describe()}; labels now: {';'.join(label_order(e.labels)) or 'none'}"
            + (f"; note: {fix.note}" if fix.note else ""))


def _unparsed_row(u: UnparsedRecord) -> list[str]:
    note = f"unparsed: {u.reason.rstrip('.')}" + (f"; raw text not given: {u.withheld}" if u.raw is None else "")
    return [str(u.id), u.timestamp or "", "", "", "other" if u.raw is not None else "unknown", u.channel,
            "unparsed", "", "", "", "", u.raw or "", "", "", u.file, u.locator, u.original_sha256, note]


def to_csv(record: CaseRecord) -> str:
    """One row a message of the log, oldest first, the body exactly as received; then one
    row a record greyrock could not read."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in record.log:
        writer.writerow(_row(e))
    for u in record.unparsed:
        writer.writerow(_unparsed_row(u))
    return buf.getvalue()


def csv_bytes(record: CaseRecord) -> bytes:
    # utf-8-sig: spreadsheets recognise the encoding; surrogatepass keeps a broken export's bytes.
    return to_csv(record).encode("utf-8-sig", "surrogatepass")


def write_csv(record: CaseRecord, path: str | os.PathLike[str]) -> Path:
    return write_private(path, csv_bytes(record))


def write_json(record: CaseRecord, path: str | os.PathLike[str]) -> Path:
    return write_private(path, to_json(record).encode("utf-8"))
