"""The public surface of greyrock.safety: an explicit, sorted __all__ that all resolves."""

from __future__ import annotations

import greyrock.safety as safety


def test_all_is_sorted_and_every_name_exists() -> None:
    assert safety.__all__ == sorted(safety.__all__)
    assert [n for n in safety.__all__ if not hasattr(safety, n)] == []
    assert {"confirmed_signs", "suggest_signs", "no_contact_status", "resources_for", "save_plan"} <= set(safety.__all__)
