"""The safety plan: kept encrypted in the case, validated, and printed safely."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from greyrock import vault
from greyrock.errors import InputError
from greyrock.safety import (
    KEEP_SAFE,
    SECTIONS,
    TECH_WARNING,
    Plan,
    SectionEntry,
    TeamMember,
    export_plan,
    load_plan,
    load_plan_file,
    render_html,
    resources_for,
    save_plan,
)
from greyrock.vault import Case

from .conftest import PASS

PLAN = Plan(
    phase="preparing_to_leave",
    code_word="blue umbrella",
    team=(TeamMember("advocate", "Sam at the county DV centre", "555-0100"), TeamMember("work", "Priya (HR)")),
    sections={
        "emergency_bag": SectionEntry(("passports", "medication", "chargers"), "Bag is at my sister's, back room"),
        "technology": SectionEntry(("location",), "Use the library computer"),
    },
)
HOSTILE = '<script>alert("x")</script><img src=https://evil.example/p.png onerror=alert(1)>'


def test_plan_round_trips_through_the_case_encrypted(case: Case, case_path: Path) -> None:
    assert load_plan(case) is None
    save_plan(case, PLAN)
    case.close()
    raw = case_path.read_bytes()
    assert b"blue umbrella" not in raw and b"sister" not in raw
    with vault.open_case(case_path, PASS) as reopened:
        assert load_plan(reopened) == PLAN


def test_latest_plan_wins_and_earlier_versions_stay_in_the_chain(case: Case) -> None:
    save_plan(case, PLAN)
    after = Plan("after_leaving", "green door")
    save_plan(case, after)
    assert load_plan(case) == after
    assert [r["phase"] for r in case.records("plan")] == ["preparing_to_leave", "after_leaving"]
    assert case.verify().ok


def test_plan_file_round_trips_and_orders_items(tmp_path: Path) -> None:
    data = PLAN.to_dict()
    data["sections"]["emergency_bag"]["done"] = ["chargers", "passports", "medication"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_plan_file(path) == PLAN


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"phase": "moved_on"}, "phase must be one of living_together, preparing_to_leave, after_leaving"),
        ({"team": [{"role": "neighbour", "name": "Al"}]}, "team[0]: role must be one of"),
        ({"sections": {"garden": {}}}, "sections.garden: unknown section"),
        ({"sections": {"emergency_bag": {"done": ["toothbrush"]}}}, "sections.emergency_bag.done: unknown item 'toothbrush'"),
        ({"code_word": 42}, "code_word: expected text"),
        ({"colour": "red"}, "unknown field(s) colour"),
    ],
)
def test_bad_plan_file_names_the_file_and_the_field(tmp_path: Path, change: dict, expected: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({**PLAN.to_dict(), **change}), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_plan_file(path)
    assert err.value.message.startswith(f"{path}: ") and expected in err.value.message


def test_html_export_escapes_the_readers_text_and_loads_nothing() -> None:
    hostile = Plan("after_leaving", HOSTILE, (TeamMember("lawyer", HOSTILE, HOSTILE),),
                   {"moving": SectionEntry((), HOSTILE)})
    page = render_html(hostile, resources_for("GB"), printed_on=date(2024, 3, 1))
    assert "<script" not in page and "<img" not in page and "onerror=alert(1)>" not in page
    assert page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 4
    assert "src=" not in page.replace("&lt;img src=", "") and "<link" not in page
    assert "default-src 'none'" in page and "@media print" in page


def test_html_export_shows_the_plan_the_warnings_and_the_numbers() -> None:
    page = render_html(PLAN, resources_for("US"), printed_on=date(2024, 3, 1))
    assert KEEP_SAFE in page
    assert "Preparing to leave" in page and "printed 2024-03-01" in page
    assert "blue umbrella" in page and "Sam at the county DV centre" in page
    assert "&#9745; Passports" in page and "&#9744; ID cards and driving licence" in page
    assert TECH_WARNING.replace("'", "&#x27;") in page
    assert "1-800-799-7233" in page
    assert all(f'<section id="{s.id}">' in page for s in SECTIONS)


def test_txt_export_is_plain_text(tmp_path: Path) -> None:
    out = export_plan(PLAN, tmp_path / "plan.txt", printed_on=date(2024, 3, 1))
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"SAFETY PLAN\nPhase: Preparing to leave - printed 2024-03-01\n\n{KEEP_SAFE}\n")
    assert "Code word: blue umbrella" in text and "  Domestic-violence advocate: Sam at the county DV centre, 555-0100" in text
    assert "  [x] Passports (mine and the children's), visas and immigration papers" in text
    assert "  [ ] Some cash" in text and "<" not in text
