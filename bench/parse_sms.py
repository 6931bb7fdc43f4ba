"""How fast, and in how little memory, greyrock reads a large SMS Backup & Restore file.

    python bench/parse_sms.py              # 1,000,000 messages (about 0.5 GB of XML)
    python bench/parse_sms.py --n 100000   # a quicker run

A synthetic backup (invented numbers and words, nobody's messages) is written into a
temporary directory: mostly sms with bodies of 20-300 characters, some mms with SMIL,
text and small base64 image parts, and a few emoji written the way the app writes them,
as two UTF-16 character references. Then:

(a) a bare `lxml.etree.iterparse` of the same file, the floor any Python importer stands
    on: it touches every element's attributes and frees each record as it goes. It
    needs `recover=True`, since libxml2 rejects the UTF-16 references, and even then
    the attributes holding them cannot be read (they are skipped);
(b) `greyrock.ingest.parse(path)` fully iterated, in a child process whose peak
    resident memory is read with getrusage(RUSAGE_CHILDREN).

(c) the whole `greyrock parse FILE` command, as a reader runs it: start-up, the
    chronological sort and the JSON Lines written (to /dev/null), peak RSS from wait4.

Targets: (b) at least half the speed of (a), and under 200 MB peak RSS; (c) at least 0.4
of the speed of (a), and at most 200 MB. On a busy
machine, `--repeat 3` alternates the two and keeps the best time of each.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

SPEED_TARGET = 0.5
COMMAND_TARGET = 0.4
RSS_TARGET_MB = 200
MMS_SHARE = 0.05
PAIR_SHARE = 0.01

_WORDS = (
    "ok sure no yes pickup dropoff school tomorrow tonight today weekend Saturday Sunday "
    "Maya soccer practice dentist appointment late again traffic parking lot library "
    "schedule court order lawyer mediator please stop texting me after 9pm call answer "
    "where are you why didnt you reply i need the money for her shoes & books <3 "
    "\"fine\" whatever forgot her inhaler backpack homework reading log recital at 2 "
    "can you bring her jacket its cold outside thanks I'll be there at 6 dont be late "
    "💔 👍 🙄 ❤️ café niño"
).split()
_PAIRS = ("&#55357;&#56838;", "&#55357;&#56468;", "&#55357;&#56900;", "&#55356;&#57234;")
_SMIL = quoteattr(
    '<smil><head><layout><root-layout/><region id="Image" top="0" left="0" height="80%" width="100%"/>'
    '</layout></head><body><par dur="5000ms"><img src="image.jpg" region="Image"/></par></body></smil>'
)


def _body(rng: random.Random) -> str:
    """An attribute value (quotes included) of 20-300 characters of text."""
    target = rng.randint(20, 300)
    words: list[str] = []
    size = 0
    while size < target:
        word = rng.choice(_WORDS)
        words.append(word)
        size += len(word) + 1
    text = " ".join(words)[:target]
    value = quoteattr(text).replace("\n", "&#10;")
    if rng.random() < PAIR_SHARE:
        value = value[:-1] + " " + rng.choice(_PAIRS) + value[-1]
    return value


def generate(path: Path, n: int, seed: int = 20240311) -> None:
    """Write a synthetic backup of `n` records (sms first, then mms, as the app does)."""
    rng = random.Random(seed)
    bodies = [_body(rng) for _ in range(20000)]
    numbers = [f"+1312555{rng.randint(0, 9999):04d}" for _ in range(60)]
    names = [quoteattr(f"Contact {i}") for i in range(60)]
    images = [base64.b64encode(rng.randbytes(rng.randint(300, 1500))).decode() for _ in range(50)]
    n_mms = int(n * MMS_SHARE)
    start = 1_600_000_000_000
    with open(path, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        out.write(f'<smses count="{n}" backup_set="bench" backup_date="{start}" type="full">\n')
        for i in range(n - n_mms):
            who = rng.randrange(60)
            kind = 1 if rng.random() < 0.55 else 2
            date = start + i * 37_000 + rng.randint(0, 999)
            sent = date - rng.randint(500, 3000) if kind == 1 else 0
            out.write(
                f'  <sms protocol="0" address="{numbers[who]}" date="{date}" type="{kind}" subject="null" '
                f'body={rng.choice(bodies)} toa="null" sc_toa="null" service_center="null" read="1" '
                f'status="-1" locked="0" date_sent="{sent}" sub_id="1" readable_date="null" '
                f"contact_name={names[who]} />\n"
            )
        for i in range(n_mms):
            who = rng.randrange(60)
            box = 1 if rng.random() < 0.55 else 2
            date = start + i * 700_000
            parts = [f'      <part seq="-1" ct="application/smil" name="null" chset="null" text={_SMIL} />']
            parts.append(f'      <part seq="0" ct="text/plain" name="null" chset="106" text={rng.choice(bodies)} />')
            if rng.random() < 0.2:
                data = rng.choice(images)
                parts.append(f'      <part seq="0" ct="image/jpeg" name="IMG_{i}.jpg" text="null" data="{data}" />')
            frm, to = (numbers[who], "+13125550107") if box == 1 else ("+13125550107", numbers[who])
            out.write(
                f'  <mms date="{date}" msg_box="{box}" address="{numbers[who]}" sub="null" '
                f'date_sent="{date // 1000 - 2}" m_type="132" contact_name={names[who]}>\n'
                "    <parts>\n" + "\n".join(parts) + "\n    </parts>\n"
                "    <addrs>\n"
                f'      <addr address="{frm}" type="137" charset="106" />\n'
                f'      <addr address="{to}" type="151" charset="106" />\n'
                "    </addrs>\n  </mms>\n"
            )
        out.write("</smses>\n")


def bare_parse(path: Path) -> tuple[int, float]:
    """Records per second that lxml alone manages on the file."""
    began = time.perf_counter()
    records = 0
    events = etree.iterparse(
        str(path), events=("end",), huge_tree=True, resolve_entities=False, no_network=True, recover=True
    )
    for _, element in events:
        try:
            for _name, _value in element.items():
                pass
        except UnicodeDecodeError:  # what libxml2 made of a UTF-16 pair: lxml cannot read it
            pass
        if element.tag in ("sms", "mms"):
            records += 1
            element.clear(keep_tail=True)
            while element.getprevious() is not None:
                del element.getparent()[0]
    return records, time.perf_counter() - began


_CHILD = """
import json, sys, time
from greyrock import ingest
began = time.perf_counter()
parsed = ingest.parse(sys.argv[1])
count = unparsed = 0
for message in parsed:
    count += 1
    unparsed += message.kind == "unparsed"
print(json.dumps({"count": count, "unparsed": unparsed, "seconds": time.perf_counter() - began,
                  "warnings": len(parsed.warnings)}))
"""


def greyrock_parse(path: Path) -> tuple[dict[str, float], float]:
    """(the child's report, its peak RSS in MB): greyrock's parse alone in a fresh process."""
    env = {**os.environ, "GREYROCK_REGION": "US"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, env=env, check=True
    )
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return json.loads(done.stdout), peak_kib / 1024


def greyrock_parse_command(path: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of the whole `greyrock parse FILE` command, start-up,
    chronological sort and JSON Lines output included (written to /dev/null)."""
    env = {**os.environ, "GREYROCK_REGION": "US"}
    began = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "greyrock", "parse", str(path)], stdout=sink, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"greyrock parse exited {proc.returncode}")
    return seconds, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="messages in the synthetic backup")
    parser.add_argument(
        "--repeat", type=int, default=1, help="run (a) and (b) this many times, alternately, and keep the best of each"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="greyrock-bench-") as folder:
        path = Path(folder) / "sms-bench.xml"
        began = time.perf_counter()
        generate(path, args.n)
        size_mb = path.stat().st_size / 1e6
        print(f"generated {args.n:,} messages, {size_mb:,.0f} MB, in {time.perf_counter() - began:.1f} s")
        bare_runs, our_runs, command_runs = [], [], []
        for _ in range(max(args.repeat, 1)):
            bare_runs.append(bare_parse(path))
            our_runs.append(greyrock_parse(path))
            command_runs.append(greyrock_parse_command(path))
    bare_count, bare_s = min(bare_runs, key=lambda run: run[1])
    ours = min((report for report, _ in our_runs), key=lambda report: report["seconds"])
    peak_mb = max(peak for _, peak in our_runs)
    bare_rate = bare_count / bare_s
    our_rate = ours["count"] / ours["seconds"]
    ratio = our_rate / bare_rate
    print(f"(a) bare lxml iterparse: {bare_count:,} records in {bare_s:.2f} s = {bare_rate:,.0f} messages/s")
    print(
        f"(b) greyrock parse:      {ours['count']:,} messages in {ours['seconds']:.2f} s = {our_rate:,.0f} messages/s"
        f" ({ours['unparsed']:,} unparsed, {ours['warnings']:,} warnings)"
    )
    print(f"ratio (b)/(a): {ratio:.2f} (target >= {SPEED_TARGET})")
    print(f"peak RSS of (b): {peak_mb:,.0f} MB (target < {RSS_TARGET_MB} MB)")
    command_s = min(seconds for seconds, _ in command_runs)
    command_mb = max(mb for _, mb in command_runs)
    command_ratio = (args.n / command_s) / bare_rate
    print(
        f"(c) the greyrock parse command (start-up, sort, JSON Lines out): {command_s:.2f} s = "
        f"{args.n / command_s:,.0f} messages/s, ratio (c)/(a) {command_ratio:.2f} (target >= {COMMAND_TARGET}); "
        f"peak RSS {command_mb:,.0f} MB (target <= {RSS_TARGET_MB} MB)"
    )
    met = (
        ratio >= SPEED_TARGET
        and peak_mb < RSS_TARGET_MB
        and ours["count"] == args.n
        and command_ratio >= COMMAND_TARGET
        and command_mb <= RSS_TARGET_MB
    )
    print("targets met" if met else "TARGETS NOT MET")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
