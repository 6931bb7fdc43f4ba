"""`greyrock eval` for a model directory that is not (yet) the shipped one: a candidate
written by train.py --out, measured on the same sets with the same figures before anyone
decides to copy it into src/greyrock/screen/model.

    .venv/bin/python training/eval_model.py /tmp/cand ../shared/eval/*.jsonl
"""

from __future__ import annotations

import argparse
from pathlib import Path

from greyrock.screen import Screener
from greyrock.screen._eval import evaluate, format_report, format_summary, read_labelled


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", type=Path, help="a folder with model.onnx, tokenizer.json and model.json")
    ap.add_argument("files", type=Path, nargs="+", help="labelled JSON Lines sets (labels.md format)")
    args = ap.parse_args()
    screener = Screener(args.model)
    reports = {path.name: evaluate(read_labelled(path), screener) for path in args.files}
    for name, report in reports.items():
        print(f"== {name} ==", *format_report(report), "", sep="\n")
    print(*format_summary(reports), sep="\n")


if __name__ == "__main__":
    main()
