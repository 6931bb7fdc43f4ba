"""An e-mail is screened for its sender's own words; what it quotes keeps its danger phrases.
Invented mails."""

from __future__ import annotations

from datetime import datetime

import pytest

from greyrock.model import Channel, Direction, Kind, Message, Source
from greyrock.screen import Screener
from greyrock.screen._quoted import own_words

REPLY = (
    "Fine, 5pm Saturday at the library.\n"
    "\n"
    "On Mon, 2 Nov 2026 at 10:00, Sam Reader <sam@example.com>\n"
    "wrote:\n"
    "> You are a useless, pathetic liar and everyone knows it.\n"
    ">> earlier: can we move the handover?\n"
)
OUTLOOK = (
    "Noted.\n"
    "\n"
    "-----Original Message-----\n"
    "From: Sam\n"
    "Sent: Monday\n"
    "Subject: you disgusting cow\n"
    "You disgusting, worthless cow.\n"
)


@pytest.mark.parametrize(("body", "kept"), [
    (REPLY, "Fine, 5pm Saturday at the library."),
    (OUTLOOK, "Noted."),
    ("From: Sam\nSent: Monday 10:00\nTo: Alex\nSubject: Re: kids\n\nold mail", ""),
])
def test_quoted_thread_is_blanked_in_place(body: str, kept: str) -> None:
    own = own_words(body)
    assert len(own) == len(body) and own.count("\n") == body.count("\n")
    assert " ".join(own.split()) == kept


@pytest.mark.parametrize("body", [
    "I said > 5 pm, not 4.\nCall me back.",  # a ">" inside a line is not a quote
    "On Saturday at 5 I'll be at the library.\nTom said:\nbring the form",  # the sender's own lines
    "On 12 March 2026 the court said:\nalternate weekends",
])
def test_the_senders_own_words_are_untouched(body: str) -> None:
    assert own_words(body) is body


def _mail(body: str) -> Message:
    return Message(datetime(2026, 11, 2, 11, 0), Channel.EMAIL, Kind.MESSAGE, Direction.IN, "ex@example.com", body,
                   Source("mail.eml", "message"))


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def test_the_readers_quoted_words_are_not_labelled_as_the_senders(screener: Screener) -> None:
    [reply] = screener.screen_messages([_mail(REPLY)])
    [quoted] = screener.screen(["You are a useless, pathetic liar and everyone knows it."])
    assert "verbal_abuse" in quoted.labels  # the quoted line alone is abuse: its words are kept out, not missed
    assert "verbal_abuse" not in reply["labels"] and "logistics" in reply["labels"]
    assert "useless" not in reply["summary"]


def test_a_quoted_threat_is_still_a_danger_with_its_words(screener: Screener) -> None:
    body = "Read what you made me say.\n\n> I will kill you if you take the kids\n"
    [f] = screener.screen_messages([_mail(body)])
    assert "threat" in f["labels"]
    [flag] = f["danger"]
    assert body[flag["start"]:flag["end"]] == flag["text"] == "I will kill you"
