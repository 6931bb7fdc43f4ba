"""PLACEHOLDER: to be implemented."""

from __future__ import annotations

from collections.abc import Iterator

from greyrock.model import Message

from ._base import Context
from ._export import Entry


class MessengerJson:
    name = "messenger"
    help = "Facebook Messenger 'Download your information' JSON."

    def sniff(self, entry: Entry) -> int | None:
        return None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        raise NotImplementedError


class InstagramJson:
    name = "instagram"
    help = "Instagram 'Download your information' messages JSON."

    def sniff(self, entry: Entry) -> int | None:
        return None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        raise NotImplementedError


class MessengerHtml:
    name = "messenger-html"
    help = "Facebook Messenger / Instagram HTML download."

    def sniff(self, entry: Entry) -> int | None:
        return None

    def parse(self, entries: list[Entry], ctx: Context) -> Iterator[Message]:
        raise NotImplementedError
