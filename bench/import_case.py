"""How fast an export goes into an encrypted case, next to how fast it is merely parsed.

    python bench/import_case.py             # 100,000 messages
    python bench/import_case.py --n 20000

A synthetic SMS Backup & Restore file (bench/parse_sms.py's generator: invented numbers
and words) is written into a temporary directory. Each measurement runs in a child
process that reports its own peak resident memory:
(a) parse: `greyrock.ingest.parse(path)` fully iterated, in one process;
(b) import: a new case, then `pipeline.import_export(case, path)`: the original stored
    byte for byte, every message deduplicated, stored and chained, in one transaction.
    An export this size is read by a second process while the first stores it
    (greyrock/ingest/_ahead.py), so two cores are in use. That reader does what (a)
    does, so its memory is (a)'s; (b)'s printed peak is the storing process's.
Screening is left out here (it has its own benchmark, bench/classify.py).

Target (issue 3): import at least a third of the parse rate.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parse_sms import generate  # noqa: E402

CHILD = r"""
import json, resource, sys, time
from greyrock import ingest, pipeline, vault
mode, path, case_path = sys.argv[1:4]
start = time.perf_counter()
if mode == "parse":
    n = sum(1 for _ in ingest.parse(path))
else:
    with vault.create_case(case_path, "bench passphrase") as case:
        n = pipeline.import_export(case, path).added
seconds = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"n": n, "seconds": seconds, "own_mb": own}))
"""


def run(mode: str, path: Path, case_path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(path), str(case_path)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "sms.xml"
        generate(export, args.n)
        parse = run("parse", export, Path(tmp) / "unused.grc")
        imp = run("import", export, Path(tmp) / "case.grc")
        size = (Path(tmp) / "case.grc").stat().st_size / 1e6
    n, m = parse["n"], imp["n"]
    print(f"export: {n:,} messages, {export.name}")
    print(f"(a) parse:  {n / parse['seconds']:,.0f} messages/s ({parse['seconds']:.1f} s), peak {parse['own_mb']:.0f} MB")
    print(f"(b) import: {m / imp['seconds']:,.0f} messages/s ({imp['seconds']:.1f} s), case file {size:.0f} MB, "
          f"peak {imp['own_mb']:.0f} MB, plus the process reading the export (it parses as (a) does)")
    ratio = (m / imp["seconds"]) / (n / parse["seconds"])
    print(f"ratio (b)/(a): {ratio:.2f} (target >= 0.33)")


if __name__ == "__main__":
    main()
