"""Safety notes on replies: a lure never gets "Confirmed", a question about where the reader
is never gets a place, a request for consent never gets "Noted", a suicide note gets the
crisis line. Phrasings written for these tests (not in the model's training data, nor in
the measured set tests/reply/data/safety_kinds.jsonl)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from greyrock.cli import app
from greyrock.reply import advise, find_flags, find_risks


runner = CliRunner()


def _logistics(text: str) -> dict:
    return {"labels": ["logistics"], "needs_reply": True, "summary": text, "tactics": [], "danger": []}


def _kinds(text: str, finding: dict | None = None) -> list[str]:
    return [n.kind for n in find_risks(text, finding or {}, "US")]


LURES = [
    "I've got your passport and the kids' birth certificates. Come and get them yourself. Saturday 3pm, just you.",
    "ur boxes r in my garage. come get em sunday, dont bring ur sister",
    "If you want your laptop back you'll collect it from mine, on your own, tomorrow at 7.",
    "Roast at mine Sunday 5pm, the kids would love it. We could all be a family again x",
    "Let's meet for a coffee and talk this through like adults, Thursday at 11?",
    "Bring the kids to my place for the handover on Friday instead, 6pm.",
]
WHEREABOUTS = [
    "Where are you living now? I need the address for the school forms.",
    "what time do u finish work these days",
    "Who's the guy in the blue car, is he staying at yours?",
    "Send me your new postcode so the insurance letter reaches you.",
    "Which gym are you going to now? Emma said she saw your car.",
]
CONSENT = [
    "Sign the travel consent form by Monday, I'm taking the kids to Florida for three weeks.",
    "I need your signature on the remortgage papers by Friday.",
    "Drop the protective order and we can sort the money out between us.",
    "Just reply yes to say you're ok with me having them every weekend from now on.",
    "Do you agree to move Sam to St Anne's in September? I've already spoken to them.",
    "Sign the consent so I can take the kids on a trip to Spain in July.",  # a trip abroad is no school trip
]
SUICIDE = [
    "There's no point anymore. I've written my letters. Tell the kids I loved them",
    "you'll all be better off without me. this is my last text ever",
    "I'm going to kill myself tonight and it's on you",
    "Say goodbye to the kids for me.",
]
PLAIN = [
    "Pick-up is 5pm at the school gate as the order says.",
    "Can we swap this weekend for next? I've a work trip.",
    "Your half of the dentist bill is $40, due by the 12th.",
    "Mia has a dentist appointment Tuesday at 4, she needs her inhaler.",
    "The mediator moved our session to 3pm on the 14th.",
    "I'm exhausted, work this week killed me.",
    "Please confirm you got the school photos order form.",
    "I need the school trip form signed by Monday, will you sign it?",
    "I'm moving to Leeds in June, the kids will still see you every other weekend as per the order.",
]


@pytest.mark.parametrize("text", LURES)
def test_a_lure_gets_no_draft_that_agrees(text: str) -> None:
    advice = advise(text, _logistics(text), country="US")
    assert "lure" in [n.kind for n in advice.safety], text
    assert advice.drafts and all(not d.text.startswith(("Confirmed", "Noted", "Received")) for d in advice.drafts)
    assert all(find_flags(d.text) == [] for d in advice.drafts)
    note = next(n for n in advice.safety if n.kind == "lure")
    assert "public place" in note.why and "third party" in note.why and note.words


def test_the_lures_of_the_issue_get_the_right_safe_drafts() -> None:
    [passports, _, laptop, dinner, *_] = LURES
    assert [d.text for d in advise(passports, _logistics(passports)).drafts] == [
        "I won't meet in person. Please arrange it through [a third party or my lawyer].",
        "Please send [the items] by courier or post to [an address you choose, e.g. your lawyer's office].",
    ]
    assert [d.text for d in advise(dinner, _logistics(dinner)).drafts] == ["I won't be coming."]
    assert advise(laptop, _logistics(laptop)).drafts[0].kind == "decline"


@pytest.mark.parametrize("text", WHEREABOUTS)
def test_a_question_about_where_the_reader_is_gets_a_no_and_who_can_take_it(text: str) -> None:
    advice = advise(text, _logistics(text))
    assert "whereabouts" in [n.kind for n in advice.safety], text
    assert advice.drafts[0].text == "I won't be sharing that."
    assert any("[my lawyer]" in d.text for d in advice.drafts)
    note = next(n for n in advice.safety if n.kind == "whereabouts")
    assert "You don't have to answer" in note.why and "school, court or agency" in note.why


def test_a_lure_that_threatens_is_advised_no_reply_and_its_warnings_are_said_once() -> None:
    text = "Meet me at the car park at 9pm tonight, come alone, or you'll regret it."
    finding = {**_logistics(text), "labels": ["threat", "logistics"]}
    advice = advise(text, finding, country="US")
    assert {"threat", "lure"} <= {n.kind for n in advice.safety}
    assert advice.advice == "no_reply" and advice.why.startswith("Leave a threat unanswered")
    assert [d.text for d in advice.drafts] == ["I won't be coming."]
    for note in advice.safety:  # each warning is in its note, not again in the advice
        assert note.why not in advice.why


@pytest.mark.parametrize("text", CONSENT)
def test_a_request_for_consent_gets_only_the_advice_draft(text: str) -> None:
    advice = advise(text, _logistics(text))
    assert "consent" in [n.kind for n in advice.safety], text
    assert [d.text for d in advice.drafts if "advice" in d.text] == ["I will reply after I have taken advice."]
    assert not any(w in d.text for d in advice.drafts for w in ("Noted", "Confirmed", "Agreed", "OK"))
    assert "may be read as agreement" in next(n.why for n in advice.safety if n.kind == "consent")
    assert advice.why.startswith("You don't have to reply. If you do, use only a draft below")


@pytest.mark.parametrize("text", SUICIDE)
def test_a_suicide_note_gets_the_emergency_number_and_the_crisis_line_first(text: str) -> None:
    advice = advise(text, {"labels": ["hoovering"], "needs_reply": True, "summary": ""}, country="US")
    assert [n.kind for n in advice.safety][0] == "suicide", text
    assert advice.advice == "no_reply" and advice.drafts == ()
    note = advice.safety[0]
    assert [r["phone"] for r in note.resources] == ["911", "988"]
    assert "not your job to rescue them" in note.why and "911" in note.why and "988" in note.why


@pytest.mark.parametrize(("country", "numbers"), [("GB", ["999", "116 123"]), ("IE", ["112 or 999", "116 123"]),
                                                  ("AU", ["000", "13 11 14"]), ("NZ", ["111", "1737"]),
                                                  ("CA", ["911", "988"])])
def test_the_crisis_line_follows_the_country(country: str, numbers: list[str]) -> None:
    [note] = find_risks(SUICIDE[0], {}, country)
    assert [r["phone"] for r in note.resources] == numbers


def test_an_unknown_country_still_gets_the_note_without_numbers() -> None:
    [note] = find_risks(SUICIDE[0], {}, "ZZ")
    assert note.resources == () and "112" in note.why


@pytest.mark.parametrize("text", PLAIN)
def test_ordinary_logistics_raise_no_safety_note(text: str) -> None:
    assert _kinds(text) == [], text


def test_a_threat_note_comes_from_the_danger_phrase_or_the_model() -> None:
    assert _kinds("If you take the kids I will kill you") == ["threat"]
    assert _kinds("Enjoy your new life while it lasts.", {"labels": ["threat"]}) == ["threat"]
    # a suicide note that the model also called a threat is a suicide note, not a threat to the reader
    assert _kinds(SUICIDE[0], {"labels": ["threat"]}) == ["suicide"]


def test_reply_text_json_carries_the_safety_list(monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["reply", "--text", LURES[0], "--json", "--country", "GB"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    [lure] = [n for n in out["safety"] if n["kind"] == "lure"]
    assert set(lure) == {"kind", "why", "words", "resources"}
    assert lure["resources"][0]["phone"] == "0808 2000 247"
    assert not any(d.startswith("Confirmed") for d in out["drafts"])
    text = runner.invoke(app, ["reply", "--text", SUICIDE[0], "--country", "NZ"]).output
    assert text.startswith("SAFETY (suicide):") and "1737" in text and "111" in text
