"""Threat errors of trained networks on the sets written blind for greyrock, the model alone
(no danger phrases, no context, text as written), each at its own thresholds: to compare
candidates on writers that neither training nor calibration ever saw.

    .venv-train/bin/python training/blind_errors.py [MODEL_DIR ...] [--mean DIR,DIR ...]

With no folder it measures the shipped model. `--mean` averages the logits of several
networks (an ensemble of seeds) and fits their temperatures, thresholds and CHECK line
with train.py's calibration on the averaged outputs, as a trained model's are fitted; with
one folder it refits that model's own, as `train.py --calibrate-only` would.

For each model it prints train.py's validation (the held-out written files and every
held-out everyday chat turn), then each blind set: threats labelled and shown (threat or
CHECK) and others labelled threat, and the total of threat errors (threats missed, others
labelled, and every threat label on the everyday texts) with the threats shown.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from calibration import f_beta, prf  # noqa: E402
from train import LABELS, OUT, REPO, VAL_FILES, fit, onnx_logits, targets  # noqa: E402  (puts src/ on the path)
from validate import validation  # noqa: E402
from blind_threats import read  # noqa: E402  (the benches' one reading of a threat)

from greyrock.screen._model import Model  # noqa: E402

# Every blind set with threats, then the everyday texts no candidate trained on
# (everyday_sms_a and _b are in make train's --texts, so they are not blind any more).
BLIND_SETS = ("threats_blind3", "threats_blind4", "blind5_mixed", "ex_sms_6", "ex_mix_7", "ex_handover_9",
              "court_quotes_10", "everyday_sms_c", "everyday_sms_d")
THREAT = LABELS.index("threat")

Logits = Callable[[list[dict]], np.ndarray]


def network(onnx_path: Path, tok) -> Logits:
    cache: dict[int, np.ndarray] = {}

    def logits(rows: list[dict]) -> np.ndarray:
        if id(rows) not in cache:
            cache[id(rows)] = onnx_logits(onnx_path, tok, rows)
        return cache[id(rows)]
    return logits


def mean_of(members: list[Logits]) -> Logits:
    return lambda rows: np.mean([m(rows) for m in members], axis=0)


def fitted(logits: Logits, val_all: list[dict], held_out: list[dict]) -> tuple[np.ndarray, np.ndarray, float]:
    """Temperatures, thresholds and CHECK line fitted on these logits as train.py fits a model's."""
    temps, ths, watch, _ = fit(logits(val_all), logits(held_out), val_all, held_out)
    return np.array(temps), np.array(ths), watch


def report(name: str, logits: Logits, temps: np.ndarray, th: np.ndarray, watch: float,
           val_all: list[dict], held_out: list[dict], sets: dict[str, list[dict]]) -> None:
    print(f"== {name}: threat threshold {th[THREAT]:.2f}, CHECK line {watch:.2f}")
    p = 1 / (1 + np.exp(-logits(val_all) / temps))
    y = np.array([targets(r) for r in val_all])
    written = np.array([r["file"] in VAL_FILES for r in val_all])
    t = prf(p[written, THREAT], y[written, THREAT], th[THREAT])
    flagged, gold = (p[:, :5] >= th[:5]).any(1), y[:, :5].any(1)
    f1 = [prf(p[written, i], y[written, i], th[i]) for i in range(len(LABELS))]
    macro = np.mean([2 * q["precision"] * q["recall"] / max(1e-9, q["precision"] + q["recall"]) for q in f1])
    print(f"validation, written files: threat P={t['precision']:.3f} R={t['recall']:.3f} "
          f"F2={f_beta(p[written, THREAT], y[written, THREAT], th[THREAT], 2.0):.3f}; any abuse "
          f"P={(flagged & gold & written).sum() / max(1, (flagged & written).sum()):.3f} "
          f"R={(flagged & gold & written).sum() / max(1, (gold & written).sum()):.3f}; macro-F1 {macro:.3f}")
    pool = 1 / (1 + np.exp(-logits(held_out) / temps))
    print(f"validation, held-out chat turns ({len(held_out)}): threat {(pool[:, THREAT] >= th[THREAT]).mean():.2%}, "
          f"any abuse {(pool[:, :5] >= th[:5]).any(1).mean():.2%}, threat or CHECK {(pool[:, THREAT] >= watch).mean():.2%}")
    errors = shown_total = 0
    for set_name, rows in sets.items():
        p = 1 / (1 + np.exp(-logits(rows)[:, THREAT] / temps[THREAT]))
        gold = np.array([r["threat"] for r in rows], bool)
        labelled, shown = p >= th[THREAT], p >= watch
        line = f"  {set_name:16s}"
        if gold.any():
            line += (f" threats labelled {int((labelled & gold).sum()):3d}/{int(gold.sum()):3d} "
                     f"(F2 {f_beta(p, gold.astype(int), th[THREAT], 2.0):.3f}), shown {int((shown & gold).sum()):3d} |")
            shown_total += int((shown & gold).sum())
        print(f"{line} others labelled threat {int((labelled & ~gold).sum()):2d}/{int((~gold).sum())}")
        errors += int((~labelled & gold).sum() + (labelled & ~gold).sum())
    print(f"  total: {errors} threat errors; {shown_total} threats shown")


def main() -> None:
    from transformers import PreTrainedTokenizerFast

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("models", type=Path, nargs="*", help="folders with model.onnx and model.json (default: shipped)")
    ap.add_argument("--mean", action="append", default=[], metavar="DIR,DIR",
                    help="folders whose logits are averaged and calibrated (repeatable; one folder: its thresholds refit)")
    args = ap.parse_args()
    tok = PreTrainedTokenizerFast(tokenizer_file=str(OUT / "tokenizer.json"), pad_token="[PAD]")
    val_all, held_out = validation(13)  # the shipped recipe's seed; the held-out conversations do not depend on it
    sets = {name: read(REPO / "bench" / "data" / f"{name}.jsonl") for name in BLIND_SETS}
    networks: dict[Path, Logits] = {}  # each folder's network runs once, however often it is named

    def net(model_dir: Path) -> Logits:
        return networks.setdefault(model_dir.resolve(), network(model_dir / "model.onnx", tok))

    for model_dir in args.models or ([] if args.mean else [OUT]):
        meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
        report(str(model_dir), net(model_dir), np.array(meta["temperatures"]), np.array(meta["thresholds"]),
               Model(model_dir, threads=1).watch, val_all, held_out, sets)
    for group in args.mean:
        dirs = [Path(d) for d in group.split(",")]
        logits = mean_of([net(d) for d in dirs])
        report("mean of " + ", ".join(map(str, dirs)), logits, *fitted(logits, val_all, held_out),
               val_all, held_out, sets)


if __name__ == "__main__":
    main()
