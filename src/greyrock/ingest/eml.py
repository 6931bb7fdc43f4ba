"""Single e-mails saved as .eml (RFC 5322 bytes, as Outlook, Thunderbird and Apple Mail save them).

A folder of .eml files is the usual shape: each file is one message. Quirks:

- Files are recognised by the .eml name, or, unnamed, by opening with a header block
  (Received:, From:, Date:, Subject: ...), never by a mere "Subject:" inside a text.
- Some tools keep the mbox "From " line at the top; its date then stands in for a
  missing Date header.
- Everything about the message itself (headers, charsets, HTML, attachments, forwarded
  mails) is shared with the mbox importer in `_email`.
"""

from __future__ import annotations

from collections.abc import Iterator

from greyrock.errors import ParseError
from greyrock.model import Channel, Message

from ._base import Context
from ._email import FROM_LINE_DATE, has_email_headers, looks_like_headers, read_email
from ._export import Entry
from ._text import decode_mixed

__all__ = ["Eml"]

_BOM = b"\xef\xbb\xbf"


class Eml:
    name = "eml"
    help = "A single e-mail message (.eml)."

    def sniff(self, entry: Entry) -> int | None:
        if entry.name.lower().endswith(".eml"):
            return 80
        return 55 if looks_like_headers(entry.head()) else None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        for entry in entries:
            message = self._parse_one(entry, ctx)
            if message is not None:
                yield message

    def _parse_one(self, entry: Entry, ctx: Context) -> Message | None:
        """The message of one file; None (with a warning) for an empty file in a folder."""
        data = entry.read_bytes().removeprefix(_BOM)
        alone = len(ctx.export.entries) == 1
        if not data.strip():
            if alone:
                raise ParseError(entry.file, entry.member, "the file is empty.")
            ctx.warn(entry, None, "the file is empty; nothing read from it.")
            return None
        from_line, mail = None, data
        if FROM_LINE_DATE.match(data):
            from_line, _, mail = data.partition(b"\n")
        if not has_email_headers(mail):
            if alone:
                raise ParseError(entry.file, entry.member, "no e-mail headers: not an e-mail message.")
            return ctx.unparsed(
                entry, "message", decode_mixed(data).text, "no e-mail headers", channel=Channel.EMAIL
            )
        return read_email(ctx, entry, "message", mail, from_line, at_end=True)
