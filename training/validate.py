"""A model's figures on train.py's validation, with the model's own temperatures and
thresholds (nothing is fitted here): to compare a shipped model with a new one.

    .venv-train/bin/python training/validate.py [MODEL_DIR]

The validation is the one train.py builds: the held-out written files (VAL_FILES), mixes
composed from them, and held-out everyday chat turns. A model trained on a random 12% split
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

from train import (  # noqa: E402
    EVERYDAY_IDS, HERE, LABELS, OUT, OUTPUTS, VAL_FILES, batches, compose, everyday, excluded_conversations, is_val, load,
    prf, targets,
)


def main() -> None:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    seed = meta["training"].get("seed", 13)
    rows = load(HERE / "data")
    val = [r for r in rows if is_val(r)]
    _, chat_val = everyday(excluded_conversations(EVERYDAY_IDS), {" ".join(r["text"].lower().split()) for r in rows},
                           5500, 2000, seed)
    val_all = val + compose(val, random.Random(seed + 1), 150) + chat_val

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.enable_truncation(meta["max_length"])
    tok.enable_padding()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(model_dir / "model.onnx"), opts, providers=["CPUExecutionProvider"])
    logits = []
    for i in range(0, len(val_all), 64):
        enc = tok.encode_batch([r["text"] for r in val_all[i : i + 64]])
        feed = {"input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64)}
        logits.append(sess.run(None, feed)[0])
    logits = np.concatenate(logits)
    probs = 1 / (1 + np.exp(-logits / np.array(meta["temperatures"])))
    y = np.array([targets(r) for r in val_all])
    chat = np.array([r["file"] == "chitchat" for r in val_all])
    written = np.array([r["file"] in VAL_FILES for r in val_all])
    plain = (y[:, : len(LABELS)].sum(1) == 0) & ~chat
    th = meta["thresholds"]
    report = {}
    for i, name in enumerate(OUTPUTS[: len(LABELS) + 1]):
        w = prf(probs[written, i], y[written, i], th[i])
        report[name] = {"written_files": w, "everyday_false_alarms": round(float((probs[chat, i] >= th[i]).mean()), 4)}
        print(f"{name:14s} th={th[i]:.2f} written P={w['precision']:.3f} R={w['recall']:.3f} n={w['support']} | "
              f"everyday FA={report[name]['everyday_false_alarms']:.2%} "
              f"plain FA={(probs[plain, i] >= th[i]).mean():.2%}")
    flagged = (probs[:, :5] >= np.array(th[:5])).any(1)
    gold = y[:, :5].any(1)
    print(f"any abuse      written P={(flagged & gold & written).sum() / max(1, (flagged & written).sum()):.3f} "
          f"R={(flagged & gold & written).sum() / max(1, (gold & written).sum()):.3f} | "
          f"everyday FA={flagged[chat].mean():.2%} plain FA={flagged[plain].mean():.2%}")


if __name__ == "__main__":
    main()
