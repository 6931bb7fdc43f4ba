"""Screening real sentences: labels, danger flags with their words, spans, summaries, and
inputs that must never break it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from greyrock.screen import Screener, summary_facts_kept
from greyrock.screen._eval import evaluate, format_report, format_summary
from greyrock.screen._text import HIDDEN_PRACTICAL, facts

TRAINING_DATA = Path(__file__).resolve().parents[2] / "training" / "data"


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


def test_batching_never_changes_a_decision(screener: Screener) -> None:
    """Messages are run in batches of similar length; per-token quantisation keeps each
    message's scores its own. 240 varied training messages, screened alone, together, and
    together in reverse order (so every one meets different neighbours and padding)."""
    rows = [json.loads(line) for line in (TRAINING_DATA / "e_threat.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows[::3]][:240]
    model = screener.model
    together = model.probabilities(texts)
    reversed_ = model.probabilities(texts[::-1])[::-1]
    alone = np.vstack([model.probabilities([t]) for t in texts])
    thresholds = model.meta.thresholds
    for other in (reversed_, alone):
        # Padding rounds a few activations differently: 3.7e-4 at most with model 8fb7f0335312
        # (a tactic output), far inside the 1e-3 that every score here keeps from its threshold.
        assert np.abs(together - other).max() < 1e-3
        assert ((together >= thresholds) == (other >= thresholds)).all()


def test_eval_counts_the_fallback_summary_as_clean_without_screening_it(screener: Screener) -> None:
    """The fallback summary is greyrock's own sentence: a model that misreads it must not
    count against the summaries, and it is never sent to be screened as if the sender wrote it."""
    row = {"id": "x", "text": "Sign here, here and here. Not hard, even for you, idiot.",
           "labels": ["verbal_abuse", "logistics"], "needs_reply": False}
    asked: list[str] = []

    class Fallback:
        model_id = "stub"

        def screen(self, texts: list[str]) -> list:
            asked.extend(texts)
            [f] = screener.screen([row["text"]])
            return [dataclasses.replace(f, summary=HIDDEN_PRACTICAL) for _ in texts]

    report = evaluate([row], Fallback())
    assert report["mixed_messages"] == 1 and report["summary_screened_clean"] == 1.0
    assert HIDDEN_PRACTICAL not in asked


def test_eval_counts_flags_on_plain_messages_and_any_abuse_message_by_message() -> None:
    """What `greyrock eval` prints for an everyday set: the share of plain messages that get
    each flag; and "any abuse" counts a message once, whichever abuse label caught it."""
    rows = [{"id": str(i), "text": t, "labels": gold, "needs_reply": False} for i, (t, gold) in enumerate([
        ("see you at 5", []), ("lol that hike was a killer", []), ("ok", []), ("nice", []),
        ("you're pathetic", ["verbal_abuse"]), ("I'll end you", ["threat"]), ("come back to me", ["hoovering"]),
    ])]
    said = {"lol that hike was a killer": ("threat",), "ok": ("coercion", "threat"),
            "you're pathetic": ("manipulation",), "I'll end you": ("threat",)}

    @dataclasses.dataclass
    class Said:
        labels: tuple[str, ...]
        needs_reply: bool = False
        summary: str = ""

    class Stub:
        model_id = "stub"

        def screen(self, texts: list[str]) -> list[Said]:
            return [Said(said.get(t, ())) for t in texts]

    report = evaluate(rows, Stub())
    assert report["plain_flag_rates"] == {"threat": 0.5, "coercion": 0.25, "verbal_abuse": 0.0,
                                          "manipulation": 0.0, "hoovering": 0.0, "any_abuse": 0.5}
    assert report["any_abuse"] == {"precision": 0.5, "recall": 0.667, "f1": 0.571, "support": 3}
    assert report["labels"]["threat"] == {"precision": 0.333, "recall": 1.0, "f1": 0.5, "support": 1}
    header, line = list(format_summary({"everyday": report}))
    assert line.split() == ["everyday", "7", "0.333", "1.000", "0.500", "0.667", "0.083", "-", "50.0%", "25.0%",
                            "50.0%"]


def test_eval_counts_a_threat_shown_as_check_apart_from_the_label() -> None:
    """A threat scored between the watch line and the threshold misses the label but is
    shown to the reader as CHECK: eval reports both, and how often plain text gets CHECK."""
    rows = [{"id": str(i), "text": t, "labels": gold, "needs_reply": False} for i, (t, gold) in enumerate([
        ("I'll end you", ["threat"]), ("nice car outside your sister's", ["threat"]), ("you'll see", ["threat"]),
        ("see you at 5", []), ("that film killed me", []), ("ok", []), ("lunch?", []),
    ])]
    said = {"I'll end you": (("threat",), False), "nice car outside your sister's": ((), True),
            "that film killed me": ((), True)}

    @dataclasses.dataclass
    class Said:
        labels: tuple[str, ...]
        check: bool
        needs_reply: bool = False
        summary: str = ""

    class Stub:
        model_id = "stub"

        def screen(self, texts: list[str]) -> list[Said]:
            return [Said(*said.get(t, ((), False))) for t in texts]

    report = evaluate(rows, Stub())
    assert report["labels"]["threat"]["recall"] == 0.333
    assert report["threat_or_check"] == {"recall": 0.667, "support": 3, "plain_check_rate": 0.25}
    assert "threat or CHECK (shield shows both): recall 0.667 of 3" in list(format_report(report))


def test_a_window_that_recurs_runs_once_and_scores_the_same(screener: Screener, monkeypatch) -> None:
    model = screener.model
    ran: list[int] = []
    real = model._run_batch
    monkeypatch.setattr(model, "_run_batch", lambda seqs: (ran.append(len(seqs)), real(seqs))[1])
    texts = ["ok", "Pick-up is at 5.", "ok", "ok", "Pick-up is at 5."]
    probs = model.probabilities(texts)
    assert sum(ran) == 2
    assert np.array_equal(probs[0], probs[2]) and np.array_equal(probs[1], probs[4])
    monkeypatch.undo()
    assert np.abs(probs[1] - model.probabilities(["Pick-up is at 5."])[0]).max() < 1e-6
