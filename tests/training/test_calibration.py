"""The rules that turn a trained model's validation scores into what a reader sees
(training/calibration.py): the CHECK line and the everyday bound it is fitted within."""

from __future__ import annotations

import numpy as np
import pytest


def _everyday(calibration, flagged_convs: int, score: float):
    """200 conversations of 7 turns; every turn of the first `flagged_convs` scores `score`."""
    convs = [f"c{i}" for i in range(200) for _ in range(7)]
    pool = np.array([score if int(c[1:]) < flagged_convs else 0.01 for c in convs])
    return pool, calibration.UnseenSets(convs)


def test_the_check_line_shows_95_percent_of_validation_threats(calibration) -> None:
    threats = 0.3 + 0.7 * np.arange(100) / 99  # 0.300 ... 1.000
    p = np.concatenate([threats, np.full(100, 0.02)])
    y = np.concatenate([np.ones(100), np.zeros(100)])
    pool, sets = _everyday(calibration, 0, 0.5)
    line = calibration.fit_watch(p, y, pool, sets, threshold=0.6)
    # 95 of the 100 threats score 0.3354 or more: the highest grid line under it is 0.33.
    assert line == 0.33
    assert (threats >= line).mean() >= calibration.WATCH_RECALL > (threats >= line + 0.01).mean()


def test_the_check_line_rises_where_everyday_sets_would_see_too_many(calibration) -> None:
    threats = 0.3 + 0.7 * np.arange(100) / 99
    p, y = threats, np.ones(100)
    pool, sets = _everyday(calibration, 20, 0.40)  # a tenth of the conversations score 0.40
    assert sets.rate(pool >= 0.40) > calibration.EVERYDAY_ANY_ABUSE
    line = calibration.fit_watch(p, y, pool, sets, threshold=0.6)
    assert line == 0.41 and sets.rate(pool >= line) == 0.0


def test_the_check_line_is_never_above_the_threshold(calibration) -> None:
    threats = 0.3 + 0.7 * np.arange(100) / 99
    pool, sets = _everyday(calibration, 200, 0.9)  # every everyday turn scores above the threshold
    assert calibration.fit_watch(threats, np.ones(100), pool, sets, threshold=0.6) == 0.6


def test_unseen_sets_see_flags_that_come_in_conversations(calibration) -> None:
    """Six conversations of 200 flagged whole: 3% of turns, but a set of 300 conversations
    drawn from them exceeds 3% in far more than 5 of 100 draws."""
    pool, sets = _everyday(calibration, 6, 0.9)
    flagged = pool >= 0.5
    assert flagged.mean() == pytest.approx(0.03)
    assert 0.04 < sets.rate(flagged) < 0.06
