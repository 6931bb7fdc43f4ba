"""Precision and recall of the reply safety notes, per kind, on a written set the rules were
not tuned on (tests/reply/data/safety_kinds.jsonl: written for greyrock by a writer who did
not see the rules; positives of each kind and everyday look-alikes).

    python bench/reply_safety.py [FILE] [--half tune|held|all] [--misses]

The set is cut in two halves by a hash of each text: the rules may be improved by reading
the misses of the "tune" half only; the figures that count are the "held" half's, which
nobody reads misses of (the default prints both).

Each message is screened by greyrock's model first (the threat label and the danger phrases
count, as in `greyrock reply`), then read by greyrock.reply.find_risks. --misses prints the
messages each kind missed or raised wrongly, to read, not to tune on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from greyrock.reply import SAFETY_KINDS, find_risks  # noqa: E402
from greyrock.screen import Screener  # noqa: E402

DEFAULT = HERE.parent / "tests" / "reply" / "data" / "safety_kinds.jsonl"


def half(text: str) -> str:
    return "tune" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "held"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--half", choices=("tune", "held", "all"), default=None)
    ap.add_argument("--misses", action="store_true", help="only with --half tune")
    args = ap.parse_args()
    if args.misses and args.half != "tune":
        raise SystemExit("--misses only with --half tune: the held half's misses are not read")
    rows = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    findings = Screener().screen([r["text"] for r in rows])
    notes = [find_risks(r["text"], f.to_dict(), "US") for r, f in zip(rows, findings)]
    found = [{n.kind for n in ns} for ns in notes]
    for name in ([args.half] if args.half else ["held", "tune"]):
        keep = [name == "all" or half(r["text"]) == name for r in rows]
        report(args.file.name + f" ({name} half)" if name != "all" else args.file.name,
               [r for r, k in zip(rows, keep) if k], [n for n, k in zip(notes, keep) if k], args.misses)


def report(title: str, rows: list[dict], notes: list, misses: bool) -> None:
    found = [{n.kind for n in ns} for ns in notes]
    print(f"{title}: {len(rows)} messages, {sum(not r['kinds'] for r in rows)} with no kind (look-alikes)")
    print(f"{'kind':<12} {'n':>4} {'precision':>9} {'recall':>7} {'false on none':>14}")
    for kind in SAFETY_KINDS:
        gold = [kind in r["kinds"] for r in rows]
        got = [kind in f for f in found]
        tp = sum(g and p for g, p in zip(gold, got))
        prec = tp / max(1, sum(got))
        rec = tp / max(1, sum(gold))
        on_none = sum(p for r, p in zip(rows, got) if not r["kinds"])
        print(f"{kind:<12} {sum(gold):>4} {prec:>9.3f} {rec:>7.3f} {on_none:>14}")
        if misses:
            for r, g, p in zip(rows, gold, got):
                if g != p:
                    print(f"    {'missed' if g else 'wrong '}: {r['text'][:110]}")
    crisis = [any(res["kind"] == "crisis" for n in ns for res in n.resources) for ns in notes]
    sui = [c for r, c in zip(rows, crisis) if "suicide" in r["kinds"]]
    print(f"suicide messages whose notes carry the crisis line (a suicide note, or the model's threat note): "
          f"{sum(sui)} of {len(sui)} ({sum(sui) / max(1, len(sui)):.1%})")
    guarded = {"lure", "whereabouts", "consent", "suicide"}
    none_rows = [f for r, f in zip(rows, found) if not r["kinds"]]
    changed = sum(bool(f & guarded) for f in none_rows)
    print(f"look-alikes whose drafts a note would change (lure/whereabouts/consent/suicide): {changed} of "
          f"{len(none_rows)} ({changed / max(1, len(none_rows)):.1%})")


if __name__ == "__main__":
    main()
