"""A model's figures on train.py's validation, with the model's own temperatures and
thresholds (nothing is fitted here): to compare a shipped model with a new one.

    .venv-train/bin/python training/validate.py [MODEL_DIR]

The validation is the one train.py builds: the held-out written files (VAL_FILES), mixes
composed from them, and every held-out everyday chat turn (with the rate that unseen
sets of 300 conversations stay under, as train.py bounds it). A model trained on a random 12% split
of every file (the model before issue 13) saw most of VAL_FILES in training, so its figures
on the written part are optimistic; its everyday figures are not.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibration import UnseenSets, f_beta, prf  # noqa: E402
from train import (  # noqa: E402  (train.py puts src/ on the path)
    EVERYDAY_IDS, HERE, LABELS, OUT, OUTPUTS, REPO, VAL_FILES, everyday, everyday_pools,
    excluded_conversations, is_val, load, onnx_logits, targets,
)
from augment import compose  # noqa: E402

from greyrock.screen._model import Model  # noqa: E402


def validation(seed: int) -> tuple[list[dict], list[dict]]:
    """train.py's validation for a run with this seed: (the held-out written files, their
    mixes and a sample of held-out chat turns; every held-out chat turn)."""
    rows = load(HERE / "data")
    val = [r for r in rows if is_val(r)]
    pools = everyday_pools(excluded_conversations(EVERYDAY_IDS), {" ".join(r["text"].lower().split()) for r in rows})
    _, chat_val = everyday(pools, 5500, 2000, seed)
    return val + compose(val, random.Random(seed + 1), 150) + chat_val, pools["val"]


def main() -> None:
    from transformers import PreTrainedTokenizerFast

    model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    val_all, held_out = validation(meta["training"].get("seed", 13))

    tok = PreTrainedTokenizerFast(tokenizer_file=str(model_dir / "tokenizer.json"), pad_token="[PAD]")
    temps = np.array(meta["temperatures"])
    probs = 1 / (1 + np.exp(-onnx_logits(model_dir / "model.onnx", tok, val_all) / temps))
    pool = 1 / (1 + np.exp(-onnx_logits(model_dir / "model.onnx", tok, held_out) / temps))
    sets = UnseenSets([r["conv"] for r in held_out])
    y = np.array([targets(r) for r in val_all])
    chat = np.array([r["file"] == "chitchat" for r in val_all])
    written = np.array([r["file"] in VAL_FILES for r in val_all])
    plain = (y[:, : len(LABELS)].sum(1) == 0) & ~chat
    th = np.array(meta["thresholds"])
    print(f"held-out everyday turns: {len(held_out)} of {len({r['conv'] for r in held_out})} "
          f"conversations; 'unseen sets' = the rate 95 of 100 resampled sets of 300 conversations stay under")
    f1s = []
    for i, name in enumerate(OUTPUTS[: len(LABELS) + 1]):
        w = prf(probs[written, i], y[written, i], th[i])
        if i < len(LABELS):
            f1s.append(2 * w["precision"] * w["recall"] / max(1e-9, w["precision"] + w["recall"]))
        print(f"{name:14s} th={th[i]:.2f} written P={w['precision']:.3f} R={w['recall']:.3f} n={w['support']} | "
              f"everyday FA={(pool[:, i] >= th[i]).mean():.2%} (unseen sets {sets.rate(pool[:, i] >= th[i]):.2%}) "
              f"plain FA={(probs[plain, i] >= th[i]).mean():.2%}")
    print(f"macro-F1 of the six labels on the written files: {np.mean(f1s):.3f}")
    flagged = (probs[:, :5] >= th[:5]).any(1)
    pool_flagged = (pool[:, :5] >= th[:5]).any(1)
    gold = y[:, :5].any(1)
    print(f"any abuse      written P={(flagged & gold & written).sum() / max(1, (flagged & written).sum()):.3f} "
          f"R={(flagged & gold & written).sum() / max(1, (gold & written).sum()):.3f} | "
          f"everyday FA={pool_flagged.mean():.2%} (unseen sets {sets.rate(pool_flagged):.2%}) "
          f"plain FA={flagged[plain].mean():.2%}")
    i = LABELS.index("threat")
    watch = Model(model_dir, threads=1).watch  # the line greyrock itself reads from this model.json
    threats = y[:, i] == 1
    print(f"watch (CHECK)  line={watch:.2f} threat or CHECK R={(probs[threats, i] >= watch).mean():.3f} "
          f"(written {(probs[threats & written, i] >= watch).mean():.3f}) | everyday {(pool[:, i] >= watch).mean():.2%} "
          f"(unseen sets {sets.rate(pool[:, i] >= watch):.2%})")
    by_group(probs, y, th, [r["file"] for r in val_all])
    blind_threats(model_dir, tok, temps, th)


def blind_threats(model_dir: Path, tok, temps: np.ndarray, th: np.ndarray) -> None:
    """Threat alone on the single messages of bench/data/threats_blind3.jsonl and
    _blind4.jsonl: two more writers who never saw the training data or the model (threats in
    many forms, look-alikes, handovers), at the model's own threshold, without the danger
    phrases. They stay out of training; a candidate's rule reads them beside the files."""
    i = LABELS.index("threat")
    for name in ("threats_blind3.jsonl", "threats_blind4.jsonl"):
        path = REPO / "bench" / "data" / name
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        p = 1 / (1 + np.exp(-onnx_logits(model_dir / "model.onnx", tok, rows)[:, i] / temps[i]))
        y = np.array([r["threat"] for r in rows], dtype=int)
        t = prf(p, y, th[i])
        print(f"blind writer ({name}): threat P={t['precision']:.3f} R={t['recall']:.3f} "
              f"F2={f_beta(p, y, th[i], 2.0):.3f} n={t['support']} of {len(rows)}")


def by_group(probs: np.ndarray, y: np.ndarray, th: np.ndarray, groups: list[str]) -> None:
    """Each held-out writer's file on its own, and the spread between them: a pooled figure
    over four writers hides how far one new writer can fall from it, and that spread is
    the noise any comparison of two candidates has to beat."""
    groups_arr = np.array(groups)
    threat = LABELS.index("threat")
    recalls, any_recalls = [], []
    print("per held-out writer (threat P/R, any abuse P/R, plain FA):")
    for group in VAL_FILES:
        at = groups_arr == group
        t = prf(probs[at, threat], y[at, threat], th[threat])
        flagged = (probs[at, :5] >= th[:5]).any(1)
        gold = y[at, :5].any(1)
        plain = ~gold & ~y[at, len(LABELS) - 1].astype(bool)  # no abuse, no logistics
        a_p = (flagged & gold).sum() / max(1, flagged.sum())
        a_r = (flagged & gold).sum() / max(1, gold.sum())
        plain_fa = f"{flagged[plain].mean():.2%}" if plain.any() else "-"
        recalls.append(t["recall"])
        any_recalls.append(a_r)
        print(f"  {group:20s} threat P={t['precision']:.3f} R={t['recall']:.3f} n={t['support']:4d} | "
              f"any abuse P={a_p:.3f} R={a_r:.3f} n={int(gold.sum()):4d} | plain FA={plain_fa} n={int(plain.sum())}")
    print(f"  spread: threat recall {min(recalls):.3f}-{max(recalls):.3f}, "
          f"any abuse recall {min(any_recalls):.3f}-{max(any_recalls):.3f}")


if __name__ == "__main__":
    main()
