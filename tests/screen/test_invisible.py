"""Invisible and look-alike characters: a threat hidden with them is still a threat, its
evidence points at the original characters, and everyday emoji are left alone."""

from __future__ import annotations

import numpy as np
import pytest

from greyrock.screen import Screener
from greyrock.screen._normalise import screening_text

PLAIN = "I will kill you"
HIDDEN = {
    "zero-width space": "I will k\u200bill you",
    "zero-width joiner and soft hyphen": "I will k\u200di\u00adll you",
    "bidi marks": "I will \u200ekill\u200f you",
    "Cyrillic i": "I will k\u0456ll you",
    "Cyrillic small ka": "I will \u043aill you",
    "Cyrillic u and Greek omicron": "I will kill \u0443\u03bfu",
    "fullwidth": "\uff29 \uff57\uff49\uff4c\uff4c \uff4b\uff49\uff4c\uff4c \uff59\uff4f\uff55",
    "strike-through marks": "I will k\u0336i\u0336l\u0336l\u0336 you",
    "right-to-left override around the threat": "\u202eI will kill you\u202c",
    "right-to-left override showing the threat": "\u202euoy llik lliw I\u202c",
    "terminal colour codes": "\x1b[31mI will kill you\x1b[0m",
    "a bell and a C1 colour code inside": "I will k\x07ill\x9b1m you",
    "after a window-title sequence": "\x1b]0;ok\x07 I will kill you",
}


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def test_the_plain_threat_is_flagged(screener: Screener) -> None:
    [f] = screener.screen([PLAIN])
    assert [(d.sign, d.text, d.start, d.end) for d in f.danger] == [("threat_to_kill", PLAIN, 0, 15)]


@pytest.mark.parametrize("text", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_hidden_threat_raises_the_same_flag_with_the_original_characters(screener: Screener, text: str) -> None:
    [f] = screener.screen([text])
    assert [d.sign for d in f.danger] == ["threat_to_kill"]
    assert "threat" in f.labels and f.scores["threat"] >= 0.99
    [d] = f.danger
    assert text[d.start : d.end] == d.text  # evidence is the stored text, not the normalised copy
    visible = "".join(c for c in d.text if c.isalnum() or c == " ")
    assert len(visible) >= len("will kill you") - 1  # it covers the threat, not a fragment
    assert any(s.label == "threat" and s.start <= d.start and d.end <= s.end and text[s.start : s.end] == s.text
               for s in f.spans)


def test_span_offsets_map_back_across_removed_and_expanded_characters(screener: Screener) -> None:
    # two ligatures (one character becomes two) and a zero-width space before the threat, and a
    # Cyrillic letter and another zero-width space inside it: it starts at 31 in the copy
    text = "\ufb01ne \ufb01ne. \u200bYou will regret it. I'm going to k\u0456\u200bll you."
    [f] = screener.screen([text])
    [d] = [d for d in f.danger if d.sign == "threat_to_kill"]
    assert (d.text, d.start, d.end) == ("I'm going to k\u0456\u200bll you", 30, 52)
    assert text[d.start : d.end] == d.text


def test_the_stored_text_is_unchanged_and_the_copy_knows_its_source() -> None:
    text = "I will k\u200bill you \uff01"
    [view] = screening_text(text)
    assert view.original is text
    assert view.text == "I will kill you !"
    assert view.original_text(7, 11) == "k\u200bill"
    assert view.original_span(16, 17) == (17, 18)  # the fullwidth '!' after the removed space


def test_greek_and_russian_prose_are_not_folded() -> None:
    for text in ("\u042f \u0442\u0435\u0431\u044f \u043b\u044e\u0431\u043b\u044e", "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1"):
        assert screening_text(text)[0].text == text


EVERYDAY_EMOJI = [
    "Movie night with the kids \U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 see you Sunday",
    "Thanks for dropping her off \U0001f44d\U0001f3fd",
    "She loved the park \U0001f469\U0001f3fe\u200d\U0001f9b1\u2764\ufe0f\u200d\U0001f525",
    "Back from holiday \U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f flight lands 5pm",
    "Room 1\ufe0f\u20e3 at the school, parents evening at 6",
]


def test_everyday_emoji_sequences_keep_their_scores(screener: Screener) -> None:
    findings = screener.screen(EVERYDAY_EMOJI)
    raw = screener.model.probabilities(EVERYDAY_EMOJI)  # the model on the text as stored
    for f, p in zip(findings, raw):
        expect = {name: round(float(p[i]), 3) for i, name in enumerate(screener.model.outputs) if name in f.scores}
        assert f.scores == expect
        assert f.danger == ()
    assert np.all(raw[:, screener.model.outputs.index("threat")] < 0.5)
