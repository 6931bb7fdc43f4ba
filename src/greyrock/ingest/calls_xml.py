"""Android "SMS Backup & Restore" call log XML: `<calls>` holding one `<call/>` per call.

    <calls count="1">
      <call number="+15550100" duration="125" date="1512226167463" type="1"
            presentation="1" contact_name="Dana" readable_date="..." />
    </calls>

Quirks this importer knows about:

- `type` is Android's CallLog code: 1 incoming, 2 outgoing, 3 missed, 4 voicemail,
  5 rejected, 6 blocked, 7 answered on another device. Only outgoing calls are the
  reader's ("out"); the rest were placed by the other side ("in").
- `date` is epoch milliseconds, `duration` seconds (0 for a call never answered).
- A withheld number has `presentation` 2 (restricted), 3 (unknown) or 4 (payphone)
  and a `number` that is empty or a negative code ("-2"): the caller is then unknown
  (sender None) and the presentation goes in extra.
- `contact_name` is "(Unknown)" when the phone had no contact; values can be "null".

Calls have no text: body is "", and the facts are in extra (`call_type`, `duration`).
The streaming, the repair of broken character references and the handling of a file
cut off mid-way are shared with the SMS importer (`sms_xml.stream_backup`).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from greyrock.model import Channel, Direction, Kind, Message, Source

from ._base import Context
from ._export import Entry
from .sms_xml import Handler, Unreadable, instant, root_tag, stream_backup

__all__ = ["CallsXml"]

_TYPES: dict[str | None, tuple[str, Direction]] = {
    "1": ("incoming", Direction.IN),
    "2": ("outgoing", Direction.OUT),
    "3": ("missed", Direction.IN),
    "4": ("voicemail", Direction.IN),
    "5": ("rejected", Direction.IN),
    "6": ("blocked", Direction.IN),
    "7": ("answered_elsewhere", Direction.IN),
}
_PRESENTATIONS = {"2": "restricted", "3": "unknown", "4": "payphone"}
_NO_NAMES = frozenset({"(Unknown)", "null", ""})
_ME = ("me",)


def _call(element: etree._Element, entry: Entry, place: str, ctx: Context) -> Message:
    get = element.get
    timestamp = instant(get("date"), True)
    if timestamp is None:
        raise Unreadable("no readable date")
    code = get("type")
    call_type, direction = _TYPES.get(code, ("unknown", Direction.UNKNOWN))
    extra: dict[str, object] = {"call_type": call_type}
    if direction is Direction.UNKNOWN:
        extra["type"] = code
        ctx.note_once(entry, "some calls have a type code this importer does not know; their direction is unknown.")
    duration = get("duration")
    if duration is not None and duration.isdigit():
        extra["duration"] = int(duration)
    presentation = _PRESENTATIONS.get(get("presentation") or "")
    if presentation:
        extra["presentation"] = presentation
    number = get("number")
    other = None if number is None or number in ("null", "") or number.startswith("-") else ctx.address(number)
    name = get("contact_name")
    if name in _NO_NAMES:
        name = None
    sender_name = None
    if direction is Direction.OUT:
        sender, recipients = "me", ((other,) if other else ())
        if name:
            extra["contact_name"] = name
    elif direction is Direction.IN:
        sender, recipients, sender_name = other, _ME, name
    else:
        sender, recipients = None, ((other,) if other else ())
        if name:
            extra["contact_name"] = name
    return Message(
        timestamp=timestamp,
        channel=Channel.CALL,
        kind=Kind.CALL,
        direction=direction,
        sender=sender,
        body="",
        source=Source(entry.file, place),
        sender_name=sender_name,
        recipients=recipients,
        extra=extra,
    )


_HANDLERS: dict[str, Handler] = {"call": _call}


class CallsXml:
    name = "calls-xml"
    help = "Android 'SMS Backup & Restore' calls XML."

    def sniff(self, entry: Entry) -> int | None:
        if root_tag(entry.head()) != "calls":
            return None
        return 95 if entry.name.lower().endswith(".xml") else 90

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        for entry in entries:
            yield from stream_backup(entry, ctx, "calls", _HANDLERS)
