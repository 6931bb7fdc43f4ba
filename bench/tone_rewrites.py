"""How well the tone check finds what reveals the reader, and whether its rewrites read cleanly.

    PYTHONPATH=src python bench/tone_rewrites.py [--show] [--data tests/reply/data/drafts.jsonl]

The set is tests/reply/data/drafts.jsonl: reader drafts written for greyrock (invented
people and places), each with `reveals` (whether it tells the other person where the
reader lives, stays, works or travels, their routine, their own appointments, a partner
or friends, a new job or a move), `group` (reveals, neutral: plain logistics that should
raise no flag at all, other: other tone faults) and `split`, in the order written:
  tune      221 drafts the rules were written against;
  held_out  133 drafts written at the same time, before the rules, first measured after;
  fresh     60 drafts in other voices (US, formal, voice notes), written after the rules;
  final     60 more, written after the rules were widened for `fresh`;
  last      60 more, written after the rules were widened for `final`;
  untuned   60 more, written after the last rule change for revealing words and never tuned
            on, and 30 logistics drafts about the children's own routines added after that.
Each part but `untuned` was measured once before any rule was changed for it (first-run
figures in the README); its misses then became rules, so today's figures on it are tuned
figures. `untuned` is the one to read for how the rules meet a new phrasing.

Prints, per split and together:
  - reveals_location_or_plans precision and recall;
  - false flags on neutral drafts (any flag; and reveals_location_or_plans alone);
  - for every draft that gets a rewrite: the share that pass the well-formedness check
    (greyrock.reply._wellformed), that raise no flag of their own, and that carry no fact
    the draft gave only inside revealing words.
`--show` lists each miss, false flag and failed rewrite.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from greyrock.reply import check, find_flags
from greyrock.reply._tone import revealed_facts
from greyrock.reply._wellformed import problems

REVEALS = "reveals_location_or_plans"
DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "reply" / "data" / "drafts.jsonl"


def carries(rewrite: str, fact: str) -> bool:
    return re.search(rf"(?<![\w:]){re.escape(fact)}(?![\w:])", rewrite, re.I) is not None


def measure(rows: list[dict], show: bool) -> dict[str, float]:
    tp = fp = fn = 0
    neutral = neutral_any = neutral_reveals = 0
    rewrites = clean_form = no_flags = no_revealed = 0
    for row in rows:
        report = check(row["text"])
        flagged = any(f.kind == REVEALS for f in report.flags)
        if flagged and row["reveals"]:
            tp += 1
        elif flagged:
            fp += 1
            if show:
                print(f"  false reveals: {row['text']!r} -> {[f.text for f in report.flags if f.kind == REVEALS]}")
        elif row["reveals"]:
            fn += 1
            if show:
                print(f"  missed: {row['text']!r}")
        if row["group"] == "neutral":
            neutral += 1
            neutral_any += bool(report.flags)
            neutral_reveals += flagged
            if show and report.flags and not flagged:
                print(f"  neutral flagged: {row['text']!r} -> {[(f.kind, f.text) for f in report.flags]}")
        if report.flags:
            rewrites += 1
            bad = problems(report.rewrite)
            again = find_flags(report.rewrite)
            leaked = [f for f in revealed_facts(row["text"], report.flags) if carries(report.rewrite, f)]
            clean_form += not bad
            no_flags += not again
            no_revealed += not leaked
            if show and (bad or again or leaked):
                print(f"  rewrite: {row['text']!r} -> {report.rewrite!r} {[p.code for p in bad]} "
                      f"{[f.kind for f in again]} {leaked}")
    return {
        "drafts": len(rows),
        "reveals": sum(r["reveals"] for r in rows),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "neutral": neutral,
        "neutral_any_flag": neutral_any,
        "neutral_reveals_flag": neutral_reveals,
        "rewrites": rewrites,
        "well_formed": clean_form / rewrites if rewrites else 1.0,
        "no_flags": no_flags / rewrites if rewrites else 1.0,
        "no_revealed_fact": no_revealed / rewrites if rewrites else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--show", action="store_true", help="list each miss, false flag and failed rewrite")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    for split in ("tune", "held_out", "fresh", "final", "last", "untuned", "all"):
        part = [r for r in rows if split == "all" or r["split"] == split]
        if not part:
            continue
        print(f"{split}:")
        m = measure(part, args.show and split != "all")
        print(f"  {m['drafts']} drafts, {m['reveals']} reveal the reader; "
              f"reveals_location_or_plans precision {m['precision']:.1%}, recall {m['recall']:.1%}")
        print(f"  neutral drafts: {m['neutral']}, with any flag {m['neutral_any_flag']} "
              f"({m['neutral_any_flag'] / max(m['neutral'], 1):.1%}), "
              f"with reveals_location_or_plans {m['neutral_reveals_flag']}")
        print(f"  rewrites: {m['rewrites']}, well-formed {m['well_formed']:.1%}, "
              f"no flag of their own {m['no_flags']:.1%}, no revealed fact {m['no_revealed_fact']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
