"""How a trained model's outputs become decisions: the thresholds, the CHECK line and the
false-alarm bounds they are fitted within, on validation scores alone.

Kept apart from train.py, without torch, so that the rules which decide what a reader sees
are tested with the rest of greyrock (tests/training/test_calibration.py).
"""

from __future__ import annotations

import math

import numpy as np

PLAIN_FALSE_ALARMS = 0.02  # abuse flags on the written validation's plain messages
# False alarms on held-out real everyday turns: the labels a reader sees as danger.
EVERYDAY_FALSE_ALARMS = {"threat": 0.01, "coercion": 0.01, "verbal_abuse": 0.01, "manipulation": 0.01,
                         "hoovering": 0.01}
EVERYDAY_ANY_ABUSE = 0.03  # any of the five abuse labels, on the same turns
# The CHECK line (the threat watch line): low enough that validation threats are shown as
# threat or CHECK at this rate (the written-set recall the screen is asked for), but never so
# low that unseen everyday sets get more CHECK-or-threat lines than EVERYDAY_ANY_ABUSE.
WATCH_RECALL = 0.95
# The bounds hold for an unseen everyday set of 300 conversations, up to 7 turns each (the
# shape ../shared/eval/README.md gives its everyday set), in 95 of 100 such sets.
EVERYDAY_SET = (300, 7)
EVERYDAY_CONFIDENCE = 0.95


class UnseenSets:
    """How often a label would fire on an everyday set nobody here has: resamples of the
    held-out conversations shaped like one (EVERYDAY_SET: that many conversations, up to
    that many turns of each), and the rate that EVERYDAY_CONFIDENCE of them stay under.

    A bound checked on one sample of turns is met on that sample and missed on the next:
    the threshold is fitted to it, and turns come in conversations (a talk about a horror
    film gives several flags at once), so a new set of conversations varies far more than
    its number of turns suggests."""

    def __init__(self, convs: list[str], seed: int = 0, sets: int = 400) -> None:
        rng = np.random.default_rng(seed)
        members: dict[str, list[int]] = {}
        for i, conv in enumerate(convs):
            members.setdefault(conv, []).append(i)
        groups = [np.array(v) for _, v in sorted(members.items())]
        n_conv, per_conv = EVERYDAY_SET
        index, owner = [], []
        for s in range(sets):
            for g in rng.choice(len(groups), n_conv, replace=True):
                picked = rng.choice(groups[g], min(len(groups[g]), per_conv), replace=False)
                index.append(picked)
                owner.append(np.full(len(picked), s))
        self.index, self.owner = np.concatenate(index), np.concatenate(owner)
        self.sizes = np.bincount(self.owner)

    def rate(self, flagged: np.ndarray) -> float:
        rates = np.bincount(self.owner, weights=flagged[self.index].astype(float), minlength=len(self.sizes)) / self.sizes
        return float(np.quantile(rates, EVERYDAY_CONFIDENCE))


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """One temperature per output, minimising validation log-loss: calibrated scores."""
    best_t, best = 1.0, float("inf")
    for t in np.exp(np.linspace(math.log(0.3), math.log(4.0), 60)):
        p = 1 / (1 + np.exp(-logits / t))
        p = np.clip(p, 1e-6, 1 - 1e-6)
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        if loss < best:
            best_t, best = float(t), loss
    return best_t


def f_beta(p: np.ndarray, y: np.ndarray, t: float, beta: float) -> float:
    tp = ((p >= t) & (y == 1)).sum()
    fp = ((p >= t) & (y == 0)).sum()
    fn = ((p < t) & (y == 1)).sum()
    return float((1 + beta**2) * tp / max(1, (1 + beta**2) * tp + beta**2 * fn + fp))


GRID = np.round(np.linspace(0.05, 0.99, 95), 2)


def allowed(p: np.ndarray, plain: np.ndarray | None, everyday: np.ndarray | None, sets: UnseenSets | None,
            everyday_limit: float | None) -> np.ndarray:
    """The thresholds that keep the false alarms within bounds: on the written validation's
    plain messages (PLAIN_FALSE_ALARMS) and on unseen everyday sets (`everyday`: the scores
    of every held-out turn, resampled by `sets`)."""
    grid = GRID
    if plain is not None and plain.any():
        grid = np.array([t for t in grid if (p[plain] >= t).mean() <= PLAIN_FALSE_ALARMS] or [GRID[-1]])
    if everyday is not None and sets is not None and everyday_limit is not None:
        grid = np.array([t for t in grid if sets.rate(everyday >= t) <= everyday_limit] or [grid[-1]])
    return grid


def best_threshold(p: np.ndarray, y: np.ndarray, beta: float, grid: np.ndarray) -> float:
    """The threshold of `grid` with the best F-beta on validation. Threats use beta 2
    (recall counts four times precision: a missed threat can cost a life, a false alarm
    costs a look)."""
    if y.sum() == 0:
        return 0.5
    scores = [f_beta(p, y, t, beta) for t in grid]
    return float(grid[int(np.argmax(scores))])


def fit_watch(p: np.ndarray, y: np.ndarray, everyday: np.ndarray, sets: UnseenSets, threshold: float) -> float:
    """The threat watch line: the highest grid value at or under the threshold at which
    WATCH_RECALL of the validation threats score at least that much, raised (never above the
    threshold) until unseen everyday sets stay within EVERYDAY_ANY_ABUSE.

    Fitted, not a fixed share of the threshold: a model whose threshold rises (one trained on
    everyday texts as negatives) would otherwise raise its CHECK line with it and show fewer
    threats, although its scores below the threshold still rank threats first."""
    below = GRID[GRID <= threshold]
    if not len(below) or y.sum() == 0:
        return threshold
    reached = [t for t in below if (p[y == 1] >= t).mean() >= WATCH_RECALL]
    line = float(reached[-1]) if reached else float(below[0])
    quiet = [t for t in below if t >= line and sets.rate(everyday >= t) <= EVERYDAY_ANY_ABUSE]
    return float(quiet[0]) if quiet else threshold


def limit_any_abuse(probs: dict[str, np.ndarray], ys: dict[str, np.ndarray], ths: dict[str, float],
                    betas: dict[str, float], everyday: dict[str, np.ndarray], sets: UnseenSets) -> dict[str, float]:
    """Raise abuse thresholds, one grid step at a time, until any-abuse false alarms on
    unseen everyday sets are within EVERYDAY_ANY_ABUSE: each step raises the label that
    loses the least validation F-beta per false alarm removed (threat's loss counts double)."""
    ths = dict(ths)

    def any_rate(th: dict[str, float]) -> float:
        flagged = np.zeros(len(next(iter(everyday.values()))), dtype=bool)
        for name, t in th.items():
            flagged |= everyday[name] >= t
        return sets.rate(flagged)

    rate = any_rate(ths)
    while rate > EVERYDAY_ANY_ABUSE:
        best = None
        for name, t in ths.items():
            higher = GRID[GRID > t]
            if not len(higher):
                continue
            trial = {**ths, name: float(higher[0])}
            gain = rate - any_rate(trial)
            if gain <= 0:
                continue
            loss = f_beta(probs[name], ys[name], t, betas[name]) - f_beta(probs[name], ys[name], trial[name], betas[name])
            cost = max(loss, 0.0) * (2.0 if name == "threat" else 1.0) / gain
            if best is None or cost < best[0]:
                best = (cost, name, trial)
        if best is None:
            break
        ths = best[2]
        rate = any_rate(ths)
    return ths


def prf(p: np.ndarray, y: np.ndarray, t: float) -> dict:
    tp = int(((p >= t) & (y == 1)).sum())
    fp = int(((p >= t) & (y == 0)).sum())
    fn = int(((p < t) & (y == 1)).sum())
    return {"precision": round(tp / max(1, tp + fp), 3), "recall": round(tp / max(1, tp + fn), 3),
            "support": int(y.sum())}
