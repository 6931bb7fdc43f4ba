"""The built-in importers, in one explicit tuple. Order breaks ties between equal sniffs."""

from __future__ import annotations

from ._base import Importer
from .calls_xml import CallsXml
from .csv_generic import GenericCsv
from .eml import Eml
from .google_voice import GoogleVoice
from .imessage import IMessage
from .mbox import Mbox
from .messenger import InstagramJson, MessengerHtml, MessengerJson
from .signal import Signal
from .sms_xml import SmsXml
from .telegram import Telegram
from .whatsapp import WhatsApp

__all__ = ["IMPORTERS", "by_name"]

IMPORTERS: tuple[Importer, ...] = (
    SmsXml(),
    CallsXml(),
    WhatsApp(),
    MessengerJson(),
    InstagramJson(),
    MessengerHtml(),
    Telegram(),
    Signal(),
    IMessage(),
    GoogleVoice(),
    Mbox(),
    Eml(),
    GenericCsv(),
)


def by_name(name: str) -> Importer | None:
    for importer in IMPORTERS:
        if importer.name == name:
            return importer
    return None
