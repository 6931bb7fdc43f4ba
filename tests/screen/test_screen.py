"""Screening real sentences: labels, danger flags with their words, spans, summaries, and
inputs that must never break it."""

from __future__ import annotations

import pytest

from greyrock.screen import Screener, summary_facts_kept
from greyrock.screen._text import facts


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def test_explicit_threat_is_flagged_with_its_words(screener: Screener) -> None:
    [f] = screener.screen(["If you take the kids to your mother's I'm going to kill you. I mean it."])
    assert "threat" in f.labels
    assert [(d.sign, d.text) for d in f.danger] == [("threat_to_kill", "I'm going to kill you")]
    assert any(s.label == "threat" and "I'm going to kill you" in s.text for s in f.spans)
    assert f.scores["threat"] >= 0.99


def test_plain_logistics_is_kept_whole_and_asks_for_reply(screener: Screener) -> None:
    [f] = screener.screen(["Mia has a dentist appointment on Tuesday 12 March at 3:30pm. Can you take her?"])
    assert f.labels == ("logistics",)
    assert f.needs_reply is True
    assert f.summary == "Mia has a dentist appointment on Tuesday 12 March at 3:30pm. Can you take her?"
    assert f.danger == ()


def test_harmless_figures_of_speech_are_plain(screener: Screener) -> None:
    findings = screener.screen(["I'd kill for a coffee right now haha", "ok", "👍"])
    for f in findings:
        assert not set(f.labels) & {"threat", "coercion", "verbal_abuse", "manipulation", "hoovering"}
        assert f.summary == ""


def test_mixed_message_summary_keeps_the_facts_and_drops_the_abuse(screener: Screener) -> None:
    text = "Pick-up is 5pm Saturday at the school gate, and don't be late again you useless idiot."
    [f] = screener.screen([text])
    assert {"logistics", "verbal_abuse"} <= set(f.labels)
    assert summary_facts_kept(text, f.summary)
    assert "idiot" not in f.summary
    [again] = screener.screen([f.summary])
    assert not set(again.labels) & {"threat", "coercion", "verbal_abuse", "manipulation", "hoovering"}
    assert any(s.label == "verbal_abuse" and "idiot" in s.text for s in f.spans)


def test_threat_at_the_end_of_a_long_email_is_found(screener: Screener) -> None:
    filler = "I have been thinking about the holidays and the school schedule and what works for everyone. " * 400
    [f] = screener.screen([filler + "And if you go to court, nobody will ever find you."])
    assert "threat" in f.labels
    assert f.danger and f.danger[0].sign == "threat_to_kill"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\x00\x01\x02\xff binary \ufffd junk", "😂😂😂🔪", "Ich hole die Kinder um 17 Uhr ab.",
     "a" * 1_000_000, "\u202egnp.exe", "x" + "\n" * 5000],
)
def test_odd_inputs_are_classified_without_error(screener: Screener, text: str) -> None:
    [f] = screener.screen([text])
    assert set(f.scores) == {"threat", "coercion", "verbal_abuse", "manipulation", "hoovering", "logistics", "needs_reply"}
    assert all(0.0 <= v <= 1.0 for v in f.scores.values())


def test_facts_are_times_dates_and_amounts() -> None:
    assert facts("Child support for March is $450, I'll transfer it Friday. Court 18 April, 10am.") == [
        "$450", "Friday", "18 April", "10am"]


def test_scores_do_not_depend_on_the_other_messages_in_the_batch(screener: Screener) -> None:
    """The same words always get the same screening (evidence must be reproducible)."""
    text = "Not possible for me: the key, 9am on Wednesday."
    alone = screener.screen([text])[0]
    among = screener.screen(["YOU ARE A DISGRACE", text, "ok", "x " * 300])[1]
    assert alone.scores == among.scores and alone.labels == among.labels
