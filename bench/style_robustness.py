"""Does a chat marker or a quoting form change the screen's mind? Recall of each abuse label
on the held-out written files, as written and with a marker or form that says nothing about
abuse added.

    python bench/style_robustness.py [--model DIR]

Real senders write "...", "haha", "Hey," around a threat as readily as around a pick-up
time, and court records quote messages in part ("…you will regret it"). Every real chat turn
in training is plain and many carry such markers, so a model can learn them as signs of
harmless talk. The markers measured here are ones training never adds (training/augment.py's
MARKER_PREFIXES / MARKER_SUFFIXES are others), and the messages are the written files that
the model's training held out (model.json's training.validation_files), so the figures are
held out twice.
Quoting forms keep every word: the message in curly quotation marks, its sentences run
together with " … " or " — ", or quoted as an excerpt ('“…' before, '”' after). A form that
changes nothing in a message (one sentence has nothing to join) is measured only on the
messages it changes. Training's own quoting forms (training/augment.py's quoting()) are
ASCII: '"' and "...". The screen folds curly quotes and "…" to those before the model reads them; this
bench gives the model the forms as typed, to see whether the invariance carries to tokens
training never saw.
The model alone is measured, at its own thresholds (the danger phrases would hide part of
a drop in threat recall).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "training"))

from augment import joined  # noqa: E402  (training's own sentence joins, with other join marks)
from greyrock.screen._model import Model  # noqa: E402
from greyrock.screen._vocab import ABUSE_LABELS  # noqa: E402


def held_out(model: Model) -> list[str]:
    """The written files this model never trained on, as its own model.json records them."""
    meta = json.loads((model.directory / "model.json").read_text(encoding="utf-8"))
    files = meta.get("training", {}).get("validation_files")
    if not files:
        sys.exit(f"{model.directory / 'model.json'}: records no held-out written files (training.validation_files)")
    return files


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


MARKERS = {
    "'Hey, ' before": lambda t: "Hey, " + _lower_first(t),
    "' haha' after": lambda t: t.rstrip(".") + " haha",
    "'- ' before": lambda t: "- " + t,
    "'…' before": lambda t: "…" + _lower_first(t),
}

QUOTING = {
    "“…” around": lambda t: "“" + t.strip() + "”",
    "joined ' … '": lambda t: joined(t.strip(), " … "),
    "joined ' — '": lambda t: joined(t.strip(), " — "),
    "'“…' excerpt": lambda t: "“…" + _lower_first(t.strip()).removesuffix(".") + "”",
}


def table(model: Model, rows: list[dict], forms: dict) -> float:
    """Print recall per label as written and with each form; return the mean drop."""
    print(f"{'label':14s} {'n':>4s} {'as written':>10s} " + " ".join(f"{m:>15s}" for m in forms) + "  mean drop")
    texts = [r["text"] for r in rows]
    base = model.probabilities(texts)
    changed, probs = {}, {}
    for name, form in forms.items():
        new = [form(t) for t in texts]
        changed[name] = np.array([a != b for a, b in zip(new, texts)])
        probs[name] = model.probabilities(new)
    drops = []
    for label in sorted(ABUSE_LABELS):
        col, th = model.outputs.index(label), model.thresholds[label]
        gold = np.array([label in r["labels"] for r in rows])
        cells, label_drops = [], []
        for name in forms:
            m = gold & changed[name]
            before, after = float((base[m, col] >= th).mean()), float((probs[name][m, col] >= th).mean())
            label_drops.append(before - after)
            cells.append(f"{after:.3f}" + ("" if m.sum() == gold.sum() else f" ({before:.3f})"))
        drops.append(float(np.mean(label_drops)))
        print(f"{label:14s} {int(gold.sum()):4d} {float((base[gold, col] >= th).mean()):10.3f} "
              + " ".join(f"{c:>15s}" for c in cells) + f"  {drops[-1]:+.3f}")
    plain = np.array([not r["labels"] for r in rows])
    cols = [model.outputs.index(label) for label in ABUSE_LABELS]
    ths = np.array([model.thresholds[label] for label in ABUSE_LABELS])
    flagged = {name: float((p[plain][:, cols] >= ths).any(1).mean()) for name, p in probs.items()}
    print(f"{'plain: flagged':14s} {int(plain.sum()):4d} {float((base[plain][:, cols] >= ths).any(1).mean()):10.3f} "
          + " ".join(f"{flagged[m]:15.3f}" for m in forms))
    return float(np.mean(drops))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=None, help="a model folder (default: the shipped model)")
    args = ap.parse_args()
    model = Model(args.model)
    rows = [json.loads(line) for name in held_out(model)
            for line in (REPO / "training" / "data" / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"model {model.id[:12]}: {len(rows)} held-out written messages; recall of each label as written "
          "and with each marker or form added (in brackets: as written, where a form changes only some messages)")
    print("\nchat markers")
    marker_drop = table(model, rows, MARKERS)
    print("\nquoting forms")
    quoting_drop = table(model, rows, QUOTING)
    print(f"\nmean drop in recall over the five abuse labels: {len(MARKERS)} chat markers {marker_drop:+.3f}, "
          f"{len(QUOTING)} quoting forms {quoting_drop:+.3f}")


if __name__ == "__main__":
    main()
