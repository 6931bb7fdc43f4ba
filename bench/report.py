"""Benchmark: the court report of a 10,000-message case (target: under 20 s for the PDF).

Builds a synthetic case in a temporary folder (a CSV export of a year of messages and calls
across channels, about a third sent by the reader, screening added by hand so the model is
not needed, a cheap key derivation), then times gathering the record and writing the PDF,
the HTML and the CSV/JSON exports. Prints the seconds and the page count.

    .venv/bin/python bench/report.py [--messages N] [--keep DIR] [--core-fonts]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from greyrock import journal, pipeline, report, vault
from greyrock.vault import KdfParams

CHEAP = KdfParams(time_cost=1, memory_log2_kib=10, parallelism=1)
OTHER = "+1 202 555 0147"

PLAIN = ["ok", "Here.", "Running 10 min late", "Did you get my email?", "Fine.", "Call me back when you can"]
LOGISTICS = [
    "Pick-up is 5pm Saturday at the school gate. Confirm?",
    "The dentist moved Sam's appointment to Tuesday 3:40pm.",
    "You owe half of the $240 school trip by Friday.",
    "My solicitor will send the dates for mediation next week.",
]
ABUSE = [
    "You are a useless, pathetic excuse for a parent and everyone knows it.",
    "Answer me. Now. Stop ignoring me you coward",
    "After everything I did for you, this is how you treat me? You're the abuser here.",
    "I can't stop thinking about us. Just one coffee, for old times, please 🙏",
    "Nobody will ever believe you. You're crazy and the kids will see it too.",
]
THREATS = [
    "Watch your back. I know where you sleep.",
    "Sign the papers or you'll never see the kids again.",
    "I saw your car at the gym at 6 again. Every day now, isn't it?",
    "If you go to court I swear you'll regret it for the rest of your life.",
]
OWN = ["Please keep to the arrangement in the order.", "Pick-up confirmed for 5pm.", "I will reply about the children only."]
LONG = ("I want you to read this properly for once, because I am tired of repeating myself and of your "
        "games. ") * 6


def _body(rng: random.Random, month: int) -> tuple[str, list[str]]:
    """A message and the labels a screener would give it; threats grow more frequent over the year."""
    r = rng.random()
    threat_share = 0.02 + 0.01 * month
    if r < threat_share:
        return rng.choice(THREATS), ["threat"] + (["coercion"] if rng.random() < 0.4 else [])
    if r < threat_share + 0.25:
        labels = [rng.choice(["verbal_abuse", "manipulation", "hoovering"])]
        return rng.choice(ABUSE) + ("" if rng.random() < 0.9 else " " + LONG), labels
    if r < threat_share + 0.5:
        return rng.choice(LOGISTICS), ["logistics"]
    return rng.choice(PLAIN), []


def build(folder: Path, n: int, seed: int = 7) -> tuple[Path, float]:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=-5)))
    labels_by_line: dict[int, list[str]] = {}
    export = folder / "messages.csv"
    # Contact grows over the year (day drawn with a rising density), mostly by day, some at night.
    hour_weights = [3, 2, 1, 1, 1, 1, 2, 4, 6, 6, 5, 5, 6, 5, 5, 5, 6, 7, 8, 8, 7, 6, 5, 4]
    times = sorted(
        start + timedelta(days=int(365 * rng.random() ** 0.6), hours=rng.choices(range(24), hour_weights)[0] - 8,
                          minutes=rng.randrange(60), seconds=rng.randrange(60))
        for _ in range(n)
    )
    with open(export, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["timestamp", "sender", "body", "direction", "channel"])
        for i, t in enumerate(times):
            month = (t - start).days // 30
            if rng.random() < 0.3:
                w.writerow([t.isoformat(), "me", rng.choice(OWN), "out", rng.choice(["sms", "whatsapp"])])
                continue
            channel = rng.choices(["sms", "whatsapp", "call", "email"], weights=[50, 30, 15, 5])[0]
            body, labels = ("", []) if channel == "call" else _body(rng, month)
            w.writerow([t.isoformat(), OTHER, body, "in", channel])
            labels_by_line[i + 2] = labels

    began = time.perf_counter()
    case = vault.create_case(folder / "bench.grc", "bench passphrase", kdf=CHEAP)
    pipeline.set_contact(case, [OTHER], name="Jordan Reyes")
    pipeline.import_export(case, export)
    with case.transaction():
        for stored in case.messages():
            line = int(stored.message.source.locator.split()[-1])
            labels = labels_by_line.get(line)
            if labels is None:
                continue
            danger = []
            if "threat" in labels and "sleep" in stored.message.body:
                danger = [{"sign": "stalking", "why": "says they know where you sleep", "text": "I know where you sleep",
                           "start": 17, "end": 39}]
            case.add_finding(stored.id, "bench", {"labels": labels, "needs_reply": False, "scores": {}, "tactics": [],
                                                  "spans": [], "summary": "", "danger": danger})
        case.add_record("setting", {"separation_date": "2024-06-01", "timezone": "America/New_York",
                                    "case_name": "Reyes v. Reyes (benchmark)"})
        case.add_record("risk_answer", {"sign": "stalking", "answer": "confirmed"})
    for k in range(5):
        journal.add_entry(case, {"when": f"2024-0{k + 3}-1{k} 23:15", "where": "Outside my flat",
                                 "what_happened": "They waited at the door and shouted until a neighbour came out.",
                                 "police_report": f"CR-2024-{1100 + k}"})
    case.close()
    return folder / "bench.grc", time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="copy the PDF here to look at it")
    parser.add_argument("--core-fonts", action="store_true",
                        help="use the built-in latin-1 fonts (what a computer without DejaVu gets)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, built = build(folder, args.messages)
        print(f"built a {args.messages}-message case in {built:.1f} s (not part of the timing)")
        case = vault.open_case(path, "bench passphrase")
        t0 = time.perf_counter()
        record = report.gather(case)
        t1 = time.perf_counter()
        fonts = report.core_fonts() if args.core_fonts else report.find_fonts()
        pdf = report.write_pdf(record, folder / "report.pdf", fonts)
        t2 = time.perf_counter()
        report.write_html(record, folder / "report.html")
        t3 = time.perf_counter()
        report.write_csv(record, folder / "report.csv")
        report.write_json(record, folder / "report.json")
        t4 = time.perf_counter()
        case.close()
        size = (folder / "report.pdf").stat().st_size
        print(f"font: {fonts.name}")
        print(f"gather (verify + read {len(record.entries)} messages): {t1 - t0:.2f} s")
        print(f"PDF: {t2 - t1:.2f} s, {pdf.pages} pages, {size / 1e6:.1f} MB")
        print(f"report total (gather + PDF): {t2 - t0:.2f} s  [target < 20 s]")
        print(f"HTML: {t3 - t2:.2f} s; CSV + JSON: {t4 - t3:.2f} s")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(folder / "report.pdf", args.keep / "bench-report.pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
