"""PLACEHOLDER: to be implemented."""

from __future__ import annotations

from collections.abc import Iterator

from greyrock.model import Message

from ._base import Context
from ._export import Entry


class IMessage:
    name = "imessage"
    help = "iMessage / iPhone SMS database chat.db or sms.db."

    def sniff(self, entry: Entry) -> int | None:
        return None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        raise NotImplementedError
