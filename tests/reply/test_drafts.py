"""Reply drafts: they keep the facts, answer only the practical question, pass the tone check,
never carry the reader's whereabouts, and no-reply advice names the tactic.

Findings here are written by hand, so results are exact whatever the classifier does; only
the dev-set measurement uses the real Screener."""

from __future__ import annotations

import json
import re

import pytest

from greyrock.reply import advise, build_drafts, fact_phrases, find_flags, read_request
from greyrock.screen._text import facts
from tests.conftest import DEV_SET

ABUSE = {"threat", "coercion", "verbal_abuse", "manipulation", "hoovering"}


def _logistics(summary: str = "", needs_reply: bool = True, **extra: object) -> dict:
    return {"labels": ["logistics"], "needs_reply": needs_reply, "tactics": [], "summary": summary, "danger": [], **extra}


# -- the dev-set measurement ("Done when") -------------------------------------------------


def test_dev_set_drafts_keep_every_fact_and_screen_clean() -> None:
    """Drafts for the dev set's needs_reply messages keep every time, date and amount and
    are screened clean by greyrock's own classifier. The texts are read, never copied."""
    if not DEV_SET.is_file():
        pytest.skip(f"dev set not found at {DEV_SET}")
    from greyrock.screen import Screener

    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = [r for r in rows if r.get("needs_reply")]
    screener = Screener()
    findings = screener.screen([r["text"] for r in wanted])
    drafts_all: list[str] = []
    lost: list[tuple[str, str, list[str]]] = []
    first_lost = 0
    for row, finding in zip(wanted, findings):
        drafts = build_drafts(row["text"], finding.summary, screener.screen)
        assert 2 <= len(drafts) <= 3, row["id"]
        wanted_facts = facts(row["text"])
        for i, draft in enumerate(drafts):
            missing = [f for f in wanted_facts if f.lower() not in draft.text.lower()]
            if missing:
                lost.append((row["id"], draft.kind, missing))
                first_lost += i == 0
            drafts_all.append(draft.text)
    screened = screener.screen(drafts_all)
    dirty = [(d, f.labels) for d, f in zip(drafts_all, screened) if set(f.labels) & ABUSE]
    print(f"\ndev set: {len(wanted)} needs_reply messages, {len(drafts_all)} drafts, "
          f"{len(lost)} drafts missing a fact ({first_lost} first drafts), {len(dirty)} given an abuse label")
    assert len(wanted) > 0
    assert first_lost == 0, lost
    assert lost == []
    assert dirty == []


# -- facts and the request ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "phrases"), [
    ("Can we do the handover at 4:30 instead of 3:30 on Friday?", ["at 4:30 instead of 3:30 on Friday"]),
    ("Your half is $40, pay it by Friday.", ["$40", "by Friday"]),
    ("Come and get it Saturday between 10 and 12, you slob.", ["Saturday between 10 and 12"]),
    ("The engineer comes Friday 8-12.", ["Friday 8-12"]),
    ("Dentist is Tues 14th, 3:45.", ["Tues 14th, 3:45"]),
    ("Can he have an extra night next week?", ["next week"]),
    ("Balance of $1,184.20 paid on the 15th.", ["$1,184.20", "on the 15th"]),
])
def test_fact_phrases_join_facts_only_through_neutral_words(text: str, phrases: list[str]) -> None:
    assert [p.text for p in fact_phrases(text)] == phrases


@pytest.mark.parametrize(("text", "shape", "topic"), [
    ("Pick-up moved to 5pm Saturday. Confirm?", "yes_no", "pick-up"),
    ("Are you taking her to the dentist on the 3rd or shall I?", "who", "the appointment"),
    ("Mediation is offered at 10am on the 2nd or 2pm on the 4th.", "choice", "mediation"),
    ("What time does the party finish?", "info", "the party"),
    ("The vet bill was $90, can you send me half?", "payment", "the vet bill"),
    ("Will Mia be at your mum's on Saturday?", "place", None),
])
def test_the_request_shape_and_topic(text: str, shape: str, topic: str | None) -> None:
    req = read_request(text)
    assert (req.shape, req.topic) == (shape, topic)


# -- drafts ------------------------------------------------------------------------------


def test_confirm_decline_and_alternative_for_a_change_of_arrangement() -> None:
    text = "School assembly is on Friday afternoon, so can we do the handover at 4:30 instead of 3:30?"
    drafts = build_drafts(text, text)
    assert [(d.kind, d.text) for d in drafts] == [
        ("confirm", "Confirmed: the handover on Friday afternoon, at 4:30 instead of 3:30."),
        ("decline", "Not possible for me: the handover on Friday afternoon, at 4:30 instead of 3:30. "
                    "The current arrangement stands."),
        ("alternative", "Not possible for me: the handover on Friday afternoon, at 4:30 instead of 3:30. "
                        "Suggested instead: [day, time]."),
    ]


def test_the_issue_example_pick_up() -> None:
    [confirm, *_] = build_drafts("Pick-up Saturday 5 pm, can you confirm?")
    assert confirm.text == "Confirmed: pick-up Saturday 5 pm."


def test_payment_choice_who_info_and_place_templates() -> None:
    assert [d.text for d in build_drafts("Vet bill was $90, can you send me half by Friday?")][0] == \
        "Confirmed: I'll pay my half of the vet bill, $90, by Friday."
    assert [d.text for d in build_drafts("Mediation is offered at 10am on the 2nd or 2pm on the 4th. Which?")] == [
        "Mediation: 10am on the 2nd works for me, not 2pm on the 4th.",
        "Mediation: 2pm on the 4th works for me, not 10am on the 2nd.",
        "Mediation: neither 10am on the 2nd nor 2pm on the 4th works for me. Suggested instead: [day, time].",
    ]
    assert [d.text for d in build_drafts("Dentist on the 3rd at 4pm. Are you taking her or shall I?")][:2] == [
        "Confirmed: I'll do it, the appointment on the 3rd at 4pm.",
        "The appointment on the 3rd at 4pm: please go ahead.",
    ]
    assert [d.text for d in build_drafts("What time does the party finish on Saturday?")] == [
        "The party on Saturday: [details].",
        "I'll reply about the party on Saturday by [day].",
    ]
    assert build_drafts("Will Mia be at your mum's on Saturday? I'll collect her.")[0].text == \
        "Handover place for pick-up on Saturday: [the usual handover place]."


def test_the_summary_decides_the_topic_so_abuse_never_does() -> None:
    text = "Sign the consent order by Thursday 5pm. You'll never see the kids at Easter, you pig."
    drafts = build_drafts(text, "Sign the consent order by Thursday 5pm.")
    assert drafts[0].text == "Confirmed: the consent order by Thursday 5pm."
    for d in drafts:
        assert "pig" not in d.text and "Easter" not in d.text and "never" not in d.text


# Messages that ask about, or guess at, the reader's whereabouts and plans. Written for these tests.
NOSY = [
    "Are you at your mum's on Saturday? I'll collect Mia from there at 5pm.",
    "I heard you're moving to Leeds. Can you confirm pick-up on Saturday at 5pm?",
    "Where are you staying now? I need to drop Leo's bag off by 6pm Friday.",
    "Is your new boyfriend going to be at the handover at 3pm? Confirm by Thursday.",
    "Send me your new address so I can post the $200 cheque.",
    "Are you still going to the gym on Tuesdays? Can we swap the handover to Tuesday at 7pm?",
]
_READER_SIDE = re.compile(
    r"mum|mom|moving|leeds|staying|boyfriend|address|gym|new\b|your\b|my (?:place|house|flat|home)|i'm at|i am at", re.I
)


@pytest.mark.parametrize("text", NOSY)
def test_drafts_never_carry_the_readers_location_or_plans(text: str) -> None:
    advice = advise(text, _logistics(text))
    assert advice.advice == "reply" and advice.drafts
    assert [n.kind for n in advice.safety] == ["whereabouts"]
    assert advice.drafts[0].text == "I won't be sharing that."
    for d in advice.drafts:
        assert not _READER_SIDE.search(d.text), d.text
        assert find_flags(d.text) == [], d.text
        assert not d.text.startswith(("Confirmed", "Noted")), d.text  # no time or place is agreed to


def test_every_template_passes_the_tone_check() -> None:
    texts = [
        "Can you confirm?", "Are you doing it or shall I?", "Which one?", "Can you send me the form?",
        "Send me half of the $30 please.", "Is pick-up at 3 or 3:30 tomorrow?", "Where will she be on Sunday?",
        "Can we swap weekends? You'd get the 10th instead of the 17th.",
    ]
    for text in texts:
        drafts = build_drafts(text)
        assert len(drafts) >= 2, text
        for d in drafts:
            assert find_flags(d.text) == [], d.text


# -- advice ------------------------------------------------------------------------------


def test_reply_advice_says_what_to_answer_and_what_to_leave() -> None:
    text = "Pick-up is 5pm Saturday, confirm? Don't be late again you useless idiot."
    finding = {"labels": ["verbal_abuse", "logistics"], "needs_reply": True, "tactics": ["name calling"],
               "summary": "Pick-up is 5pm Saturday, confirm?", "danger": []}
    advice = advise(text, finding)
    assert advice.advice == "reply"
    assert advice.why == ("It asks about pick-up: answer only that, briefly, in writing. Leave the insults "
                          "(name calling) unanswered: they are there to get a reaction.")
    assert advice.drafts[0].text == "Confirmed: pick-up, 5pm Saturday."


@pytest.mark.parametrize(("labels", "tactics", "why_start"), [
    (["hoovering"], ["love-bombing"], "It tries to pull you back into contact (love-bombing)."),
    (["coercion"], [], "It pressures you with a penalty."),
    (["manipulation", "verbal_abuse"], ["guilt-tripping", "name calling"],
     "It tries to make you doubt yourself or feel guilty (guilt-tripping)."),
    (["verbal_abuse"], ["name calling"], "It insults you (name calling) to get a reaction."),
    (["threat"], [], "It threatens you."),
    ([], [], "Nothing in it asks about the children, money, property or court; no reply is needed."),
])
def test_no_reply_advice_names_the_tactic(labels: list[str], tactics: list[str], why_start: str) -> None:
    advice = advise("...", {"labels": labels, "needs_reply": False, "tactics": tactics, "summary": "", "danger": []})
    assert advice.advice == "no_reply" and advice.drafts == ()
    assert advice.why.startswith(why_start), advice.why


def test_no_reply_for_information_that_asks_nothing() -> None:
    advice = advise("Pick-up is 5pm.", _logistics("Pick-up is 5pm.", needs_reply=False))
    assert advice.advice == "no_reply"
    assert advice.why == ("It tells you something about pick-up but asks nothing of you; no reply is needed. "
                          "If an acknowledgement is expected, 'Noted.' is enough.")


def test_advice_json_has_the_contract_fields() -> None:
    out = advise("Can you confirm 5pm Saturday?", _logistics("Can you confirm 5pm Saturday?")).to_dict()
    assert set(out) >= {"advice", "why", "drafts", "summary", "labels"}
    assert out["advice"] == "reply" and out["drafts"][0] == "Confirmed: 5pm Saturday."
    assert all(isinstance(d, str) for d in out["drafts"])
