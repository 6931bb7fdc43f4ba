"""greyrock.report's public surface: explicit, sorted, complete."""

from __future__ import annotations

import greyrock.report as report


def test_all_is_sorted_and_every_name_exists() -> None:
    assert report.__all__ == sorted(report.__all__)
    assert all(hasattr(report, name) for name in report.__all__)
    public = {n for n in vars(report) if not n.startswith("_") and n != "annotations"}
    assert public - set(report.__all__) == set()
