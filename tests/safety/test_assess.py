"""The danger-sign checklist: grave signs always send the reader to an advocate, with numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greyrock.errors import InputError
from greyrock.safety import GRAVE_SIGNS, NOT_CERTIFIED, SIGN_IDS, SIGNS, Answers, assess, load_answers, resources_for

CONTRACT_IDS = ("weapon", "threat_to_kill", "believes_could_kill", "gun_access", "strangulation", "jealousy_control",
                "separation", "unemployment", "suicide_threat", "child_not_theirs", "stalking", "escalation",
                "pregnancy_violence", "forced_sex")
US = tuple(resources_for("US"))


def test_sign_ids_are_the_contracts_and_the_grave_four() -> None:
    assert SIGN_IDS == CONTRACT_IDS
    assert GRAVE_SIGNS == {"threat_to_kill", "weapon", "strangulation", "believes_could_kill"}
    assert all(s.question.endswith("?") and s.meaning and s.screens for s in SIGNS)


@given(st.sets(st.sampled_from(CONTRACT_IDS)), st.sampled_from(sorted(GRAVE_SIGNS)))
def test_any_grave_yes_always_gives_the_advocate_advice_with_the_numbers(others: set[str], grave: str) -> None:
    result = assess(Answers(frozenset(others | {grave})), US)
    assert result.grave is True
    assert result.advice.startswith("Talk to a domestic-violence advocate today.")
    assert "1-800-799-7233" in result.advice and "call 911" in result.advice


@given(st.sets(st.sampled_from(sorted(set(CONTRACT_IDS) - GRAVE_SIGNS))))
def test_without_a_grave_yes_the_answers_are_not_grave(yes: set[str]) -> None:
    result = assess(Answers(frozenset(yes), frozenset(GRAVE_SIGNS)), US)
    assert result.grave is False
    assert not result.advice.startswith("Talk to a domestic-violence advocate today.")
    assert [s.id for s in result.signs] == [i for i in CONTRACT_IDS if i in yes]


def test_json_shape_names_the_signs_in_order_and_says_it_is_not_certified() -> None:
    data = assess(Answers(frozenset({"separation", "strangulation"}), frozenset({"weapon"})), US).to_dict()
    assert data["grave"] is True
    assert [s["sign"] for s in data["signs"]] == ["strangulation", "separation"]
    assert data["resources"][0]["phone"] == "911"
    assert "weapon" not in data["unanswered"] and "strangulation" not in data["unanswered"]
    assert len(data["unanswered"]) == 11
    assert data["not_certified"] == NOT_CERTIFIED and "Danger Assessment" in NOT_CERTIFIED
    assert [s["key"] for s in data["sources"]] == ["LAP", "DA", "DA-5", "strangulation"]
    assert "Maryland Network Against Domestic Violence" in data["sources"][0]["text"]
    assert "Jacqueline C. Campbell, Johns Hopkins" in data["sources"][1]["text"]


def test_unknown_sign_in_answers_file_names_file_and_id(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"yes": ["weapon", "knife_fight"], "no": []}), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_answers(path)
    assert str(path) in err.value.message and "'knife_fight'" in err.value.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"yes": ["weapon"], "no": ["weapon"]}', "weapon answered both yes and no"),
        ('{"yes": "weapon"}', '"yes" must be a list of sign ids'),
        ('{"maybe": []}', "unknown key(s) maybe"),
        ("[1, 2]", "expected a JSON object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_malformed_answers_file_is_an_input_error(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load_answers(path)
