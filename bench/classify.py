"""How fast `greyrock classify` screens 10,000 messages, start-up included, and its memory.

    python bench/classify.py            # 10,000 messages
    python bench/classify.py --n 2000

The messages are drawn (with repetition, then shuffled) from greyrock's own training
corpus, so their lengths and mix are realistic; the development set is never used here.
`greyrock classify` runs as a child process fed through a file, the way a script would
call it; wall time covers interpreter start, model load and screening, and peak memory is
the child's maximum resident set size.

Targets (issue 4): >= 500 messages/s on 2 cores including start-up, peak <= 400 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    texts = [json.loads(line)["text"] for p in sorted((REPO / "training" / "data").glob("*.jsonl"))
             for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(5)
    picked = [rng.choice(texts) for _ in range(args.n)]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(picked)), encoding="utf-8")
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "greyrock", "classify", str(src)], capture_output=True, text=True)
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    lines = proc.stdout.count("\n")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    avg_chars = sum(map(len, picked)) / len(picked)
    print(f"messages: {lines} (average {avg_chars:.0f} characters)")
    print(f"wall time including start-up: {wall:.2f} s")
    print(f"throughput: {lines / wall:.0f} messages/s (target >= 500)")
    print(f"peak memory: {peak:.0f} MB (target <= 400)")


if __name__ == "__main__":
    main()
