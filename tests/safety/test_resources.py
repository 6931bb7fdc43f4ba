"""Help numbers: every entry sourced and dated, emergency number first, chosen by country."""

from __future__ import annotations

import re

import pytest

from greyrock.errors import InputError
from greyrock.safety import known_countries, resources_for
from greyrock.safety._helplines import HELPLINES

EMERGENCY = {"US": "911", "CA": "911", "GB": "999", "IE": "112 or 999", "AU": "000", "NZ": "111"}


def test_the_six_countries_are_held() -> None:
    assert set(known_countries()) == {"US", "CA", "GB", "IE", "AU", "NZ"}


@pytest.mark.parametrize("country", sorted(EMERGENCY))
def test_every_entry_carries_a_source_and_a_checked_date(country: str) -> None:
    rows = HELPLINES[country]
    assert len(rows) >= 2
    for row in rows:
        assert row["source"].startswith("https://"), row["name"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["checked"]), row["name"]
        assert row["phone"] or row["web"], row["name"]


@pytest.mark.parametrize(("country", "number"), sorted(EMERGENCY.items()))
def test_emergency_number_comes_first(country: str, number: str) -> None:
    rows = resources_for(country)
    assert rows[0].emergency and rows[0].phone == number
    assert not any(r.emergency for r in rows[1:])


def test_national_lines_are_the_well_known_numbers() -> None:
    phones = {c: [r.phone for r in resources_for(c)] for c in EMERGENCY}
    assert "1-800-799-7233" in phones["US"]
    assert "0808 2000 247" in phones["GB"]
    assert "1800 341 900" in phones["IE"]
    assert "1800 737 732" in phones["AU"]
    assert "0800 733 843 (0800 REFUGE)" in phones["NZ"]
    assert "1-866-863-0511" in phones["CA"]


def test_country_defaults_to_greyrock_region_and_accepts_uk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_REGION", "NZ")
    assert resources_for()[0].phone == "111"
    assert resources_for("uk")[0].phone == "999"


def test_unknown_country_lists_the_known_ones() -> None:
    with pytest.raises(InputError) as err:
        resources_for("FR")
    assert err.value.message.startswith("--country: greyrock has no help numbers for 'FR'")
    assert "US (United States)" in err.value.message and "NZ (New Zealand)" in err.value.message
