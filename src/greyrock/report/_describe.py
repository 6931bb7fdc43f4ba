"""How one message is described around its text: channel, sender, call details, attachments,
suggested labels. Shared by the PDF and the HTML so that both say exactly the same."""

from __future__ import annotations

from greyrock.identity import normalise_address
from greyrock.model import Direction, Kind

from ._entries import Entry
from ._timeline import label_order
from ._wording import LABEL_NAMES

__all__ = ["CHANNEL_NAMES", "channel_name", "corrected", "notes", "sender", "suggestion"]

CHANNEL_NAMES = {
    "sms": "SMS", "mms": "MMS", "whatsapp": "WhatsApp", "imessage": "iMessage", "signal": "Signal",
    "messenger": "Messenger", "instagram": "Instagram", "telegram": "Telegram", "google-voice": "Google Voice",
    "email": "E-mail", "discord": "Discord", "call": "Phone call", "other": "Other",
}


def channel_name(e: Entry) -> str:
    return CHANNEL_NAMES.get(str(e.message.channel), str(e.message.channel))


def sender(e: Entry) -> str:
    m = e.message
    if e.third and m.direction is Direction.OUT:
        return f"Sent by the reader to {', '.join(m.recipients) or 'unknown number'} (someone other than the other person)"
    if not e.from_other and not e.third:
        return "Sent by the reader"
    who = m.sender or "unknown number"
    if e.third:
        who += " (someone other than the other person)"
    if m.sender_name and m.sender_name != m.sender and normalise_address(m.sender_name) != m.sender:
        who += f" ({m.sender_name})"
    return f"From {who}"


def notes(e: Entry) -> list[str]:
    """What greyrock adds around the text, in brackets: call details, deletions, attachments."""
    m = e.message
    out = []
    if m.kind is Kind.CALL:
        kind = str(m.extra.get("call_type", "call")).replace("_", " ")
        duration = m.extra.get("duration")
        out.append(f"[Call: {kind}" + (f", {duration} s]" if duration is not None else "]"))
    elif m.kind is Kind.DELETED:
        out.append("[Deleted message: the export kept only what follows]")
    if e.agreed:
        out.append("[Agreed contact: " + ("marked as agreed by the reader" if e.agreed == "marked" else
                                          "within the agreed schedule of calls") + "; not counted as an attempt]")
    for a in m.attachments:
        detail = ", ".join(x for x in (a.mime, f"{a.size} bytes" if a.size is not None else None) if x)
        out.append(f"[Attachment: {a.name}" + (f" ({detail})" if detail else "") + "]")
    if not m.body and not out:
        out.append("[no text]")
    return out


def suggestion(e: Entry) -> str | None:
    """The screening's labels as what they are; None where there is nothing to screen."""
    if not e.from_other or (not e.message.body and not e.labels):
        return None
    if e.correction is not None:
        return corrected(e)
    if not e.screened:
        return "Not screened"
    names = _names(e.labels)
    return "Automated suggestion: " + ", ".join(names) if names else "No label suggested"


def _names(labels: tuple[str, ...] | list[str]) -> list[str]:
    return [LABEL_NAMES.get(label, label).split(" (")[0] for label in label_order(labels)]


def corrected(e: Entry) -> str:
    """A label the reader corrected, said as such beside what the screening suggested."""
    fix = e.correction
    assert fix is not None
    now = ", ".join(_names(e.labels)) or "no label"
    was = (f"automated suggestion was: {', '.join(_names(e.suggested)) or 'no label'}" if e.screened
           else "not screened")
    changes = [f"{', '.join(_names(fix.remove))} removed"] if fix.remove else []
    if fix.add:
        changes.append(f"{', '.join(_names(fix.add))} added")
    note = f"; note: {fix.note}" if fix.note else ""
    return f"Labels corrected by the reader ({'; '.join(changes)}): {now} ({was}{note})"
