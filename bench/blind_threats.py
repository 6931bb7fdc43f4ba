"""The screen's threat figures on single messages written blind by another writer.

    python bench/blind_threats.py [--data bench/data/threats_blind3.jsonl]
    python bench/blind_threats.py --data bench/data/threats_blind4.jsonl
    python bench/blind_threats.py --data bench/data/ex_sms_6.jsonl --model /tmp/candidate
    python bench/blind_threats.py --table training/data/c_threat.jsonl bench/data/ex_*.jsonl ...

bench/data/threats_blind3.jsonl: 300 messages written for this bench by a writer (a helper)
who saw only ../shared/spec/labels.md and a brief, never the model, its training data, the
danger phrases or the eval sets; invented people, no real messages. 130 threats in many
forms (explicit, conditional, veiled, surveillance, showing up, property, weapons,
strangulation, suicide as leverage, goodbyes, through a third party, buried in a long
e-mail...), 170 others: 70 innocent look-alikes with violent idiom ("my boss is going to
murder me"), 50 hostile messages from an ex that are not threats (insults, guilt, court),
50 everyday ones. Each is tagged with its form and its voice (UK, US, Scots, Nigerian,
Jamaican, voicemail, formal e-mail...).

bench/data/threats_blind4.jsonl: 240 messages by a fourth writer under the same rules (100
threats, 40 handovers and arrivals an ex-partner sends when sharing children, 40
look-alikes, 30 hostile non-threats, 30 everyday), written after this session's changes.

bench/data/ex_sms_6.jsonl: 240 texts from an ex-partner by a sixth writer under the same
rules, in the registers real senders text in (terse, misspelt, voice-to-text, many
Englishes): 120 threats, 63 of them about where someone is (outside, on the way, watching,
where the reader works or parks), each a threat by its own words; 120 that are not, 47 of
them arrivals, parking and where-are-you of handovers, with coercion, insults and
hoovering.

The first run of each file, before anything in the screen was changed with it in view, is
the held-out figure (the README and the model card quote it with its commit); later runs
are fitted to it as soon as a rule is written after reading its misses.

Each message is screened alone (`Screener.screen`, as a message with no earlier threat of the
same sender): the label threat (model or danger phrase), the CHECK line, and the danger
phrases alone. Recall is printed per form, false alarms per form, and per voice where the
messages name theirs (threats_blind4: is one English read as menace more than another?).
`--table` prints one line per set instead (the README's "threats set by set"); files given
together after `+` count as one set (`--table a.jsonl + b.jsonl`).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from greyrock.screen import Screener

DATA = Path(__file__).resolve().parent / "data" / "threats_blind3.jsonl"


def read(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    for r in rows:  # most sets carry every label; threats_blind3 and _4 `threat` alone
        r.setdefault("threat", "threat" in r.get("labels", []))
        r.setdefault("voice", "-")
        r.setdefault("form", "-")
    return rows


def count(rows: list[dict], findings: list, pick) -> tuple[int, int, int, int]:
    """(threats picked, threats, others picked, others)."""
    gold = [r["threat"] for r in rows]
    got = [bool(pick(f)) for f in findings]
    return (sum(g and p for g, p in zip(gold, got)), sum(gold),
            sum(p and not g for g, p in zip(gold, got)), len(gold) - sum(gold))


def labelled(f) -> bool:
    return "threat" in f.labels


def shown(f) -> bool:
    return "threat" in f.labels or f.check


def table(screener: Screener, paths: list[Path]) -> None:
    """One line per set: threats labelled, threats shown (threat or CHECK), others labelled threat."""
    sets: list[list[Path]] = []
    join = False
    for path in paths:
        if str(path) == "+":
            join = bool(sets)
        elif join:
            sets[-1].append(path)
            join = False
        else:
            sets.append([path])
    print(f"{'set':70s} {'labelled':>16s} {'shown':>16s} {'others labelled threat':>22s}")
    for group in sets:
        rows = [r for path in group for r in read(path)]
        findings = screener.screen([r["text"] for r in rows])
        tp, pos, fp, neg = count(rows, findings, labelled)
        shown_tp = count(rows, findings, shown)[0]
        name = " + ".join(p.name for p in group)
        print(f"{name[:70]:70s} {f'{tp}/{pos} = {tp / max(1, pos):.3f}':>16s} "
              f"{f'{shown_tp}/{pos} = {shown_tp / max(1, pos):.3f}':>16s} {f'{fp}/{neg}':>22s}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--model", type=Path, help="a model folder other than the shipped one (a candidate)")
    parser.add_argument("--table", type=Path, nargs="+", help="sets to print one line each for ('+' joins two)")
    args = parser.parse_args()
    if args.table:
        table(Screener(args.model), args.table)
        return
    rows = read(args.data)
    findings = Screener(args.model).screen([r["text"] for r in rows])
    for name, pick in (
        ("screen: threat label", labelled),
        ("screen: threat or CHECK", shown),
        ("danger phrases alone", lambda f: f.danger),
    ):
        tp, pos, fp, neg = count(rows, findings, pick)
        precision = tp / max(1, tp + fp)
        print(f"{name:26s} recall {tp}/{pos} = {tp / pos:.3f}  precision {precision:.3f}  "
              f"false alarms {fp}/{neg} = {fp / neg:.1%}")

    hit: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for r, f in zip(rows, findings):
        key = ("threat " if r["threat"] else "other ") + r["form"]
        total[key] += 1
        hit[key] += labelled(f)
    print("\nper form: threat label given / messages (threats: recall; others: false alarms)")
    for key in sorted(total, key=lambda k: (not k.startswith("threat"), -total[k], k)):
        print(f"  {key:28s} {hit[key]:3d}/{total[key]}")
    voices: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    for r, f in zip(rows, findings):
        if not r["threat"]:
            voices[r["voice"]] += 1
            flagged[r["voice"]] += labelled(f)
    if set(voices) != {"-"}:  # a set whose messages name their voice: is one English read as menace more?
        print("\nper voice, others given threat / others:")
        for voice in sorted(voices, key=lambda v: (-voices[v], v)):
            print(f"  {voice:28s} {flagged[voice]:3d}/{voices[voice]}")
    print("\nthreats missed (neither label nor CHECK):")
    for r, f in zip(rows, findings):
        if r["threat"] and "threat" not in f.labels and not f.check:
            print(f"  {r['id']} [{r['form']}, {r['voice']}] {f.scores['threat']:.2f} {' '.join(r['text'].split())[:150]!r}")
    print("\nothers given threat:")
    for r, f in zip(rows, findings):
        if not r["threat"] and "threat" in f.labels:
            why = f.danger[0].sign if f.danger else f"model {f.scores['threat']:.2f}"
            print(f"  {r['id']} [{r['form']}, {r['voice']}] {why} {' '.join(r['text'].split())[:150]!r}")


if __name__ == "__main__":
    main()
