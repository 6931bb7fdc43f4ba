"""How often the danger phrases (src/greyrock/screen/_rules.py) fire on real everyday chat,
and how many of the real threats they find.

    pip install chitchat-dataset==0.9.0      # MIT; read from the installed package, never copied
    python bench/danger_rules.py [--shared ../shared]

(a) false alarms: every turn of the BYU Chit-Chat corpus (PyPI `chitchat-dataset`) except the
    conversations in ../shared/eval/everyday_dev.jsonl, about 250,000 turns of ordinary chat
    between people: a danger phrase there is a false alarm. Each firing is counted by sign,
    and the first few are printed so that a rule can be read against what it caught.
(b) recall: the messages of ../shared/eval/real_dev.jsonl labelled threat (real messages
    quoted in court records), and the danger phrases' firings on its other messages.
    Measured only: the rules are never fitted to that set.

Target: false alarms at most 0.05% of everyday turns.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from greyrock.screen._normalise import screening_text
from greyrock.screen._rules import danger_flags

FALSE_ALARM_TARGET = 0.0005
SHOW = 12


def everyday_turns(shared: Path) -> list[str]:
    try:
        import chitchat_dataset
    except ImportError:
        sys.exit("needs the chitchat-dataset package: pip install chitchat-dataset==0.9.0")
    held_out = {json.loads(line)["conv_id"] for line in (shared / "eval" / "everyday_dev.jsonl").open(encoding="utf-8")}
    turns = []
    for conv_id, conv in chitchat_dataset.Dataset().items():
        if conv_id in held_out:
            continue
        turns += [" ".join(u["text"] for u in turn) for turn in conv["messages"]]
    return [t for t in turns if t.strip()]


def flags(text: str) -> list[str]:
    return [f.sign for v in screening_text(text) for f in danger_flags(v.text)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    args = parser.parse_args()

    turns = everyday_turns(args.shared)
    start = time.perf_counter()
    fired: Counter[str] = Counter()
    shown = 0
    hits = 0
    for text in turns:
        signs = flags(text)
        if signs:
            hits += 1
            fired.update(set(signs))
            if shown < SHOW:
                print(f"  everyday, {'/'.join(sorted(set(signs)))}: {text[:120]!r}")
                shown += 1
    rate = hits / len(turns)
    print(f"(a) everyday turns: {len(turns):,}, with a danger phrase: {hits} = {rate:.3%} "
          f"(target <= {FALSE_ALARM_TARGET:.2%}); by sign: {dict(fired.most_common())}; "
          f"{len(turns) / (time.perf_counter() - start):,.0f} turns/s")

    rows = [json.loads(line) for line in (args.shared / "eval" / "real_dev.jsonl").open(encoding="utf-8")]
    threats = [r for r in rows if "threat" in r["labels"]]
    others = [r for r in rows if "threat" not in r["labels"]]
    found = sum(1 for r in threats if flags(r["text"]))
    wrong = sum(1 for r in others if flags(r["text"]))
    print(f"(b) real_dev threats found by a danger phrase: {found} of {len(threats)} = {found / len(threats):.0%}; "
          f"its other messages with one: {wrong} of {len(others)}")
    print("target met" if rate <= FALSE_ALARM_TARGET else "TARGET NOT MET")


if __name__ == "__main__":
    main()
