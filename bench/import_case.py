"""How fast an export goes into an encrypted case, next to how fast it is merely parsed.

    python bench/import_case.py             # 100,000 messages
    python bench/import_case.py --n 20000

A synthetic SMS Backup & Restore file (bench/parse_sms.py's generator: invented numbers
and words) is written into a temporary directory. Each measurement runs in a child
process so its peak resident memory can be read:
(a) parse: `greyrock.ingest.parse(path)` fully iterated;
(b) import: a new case, then `pipeline.import_export(case, path)`: the original stored
    byte for byte, every message deduplicated, stored and chained, in one transaction.
Screening is left out here (it has its own benchmark, bench/classify.py).

Target (issue 3): import at least a third of the parse rate.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parse_sms import generate  # noqa: E402

CHILD = r"""
import json, sys, time
from greyrock import ingest, pipeline, vault
mode, path, case_path = sys.argv[1:4]
start = time.perf_counter()
if mode == "parse":
    n = sum(1 for _ in ingest.parse(path))
else:
    with vault.create_case(case_path, "bench passphrase") as case:
        n = pipeline.import_export(case, path).added
print(json.dumps({"n": n, "seconds": time.perf_counter() - start}))
"""


def run(mode: str, path: Path, case_path: Path) -> tuple[int, float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(path), str(case_path)],
                          capture_output=True, text=True, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = json.loads(proc.stdout)
    return out["n"], out["seconds"], max(peak, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "sms.xml"
        generate(export, args.n)
        n, parse_s, _ = run("parse", export, Path(tmp) / "unused.grc")
        m, import_s, peak = run("import", export, Path(tmp) / "case.grc")
        size = (Path(tmp) / "case.grc").stat().st_size / 1e6
    print(f"export: {n:,} messages, {export.name}")
    print(f"(a) parse:  {n / parse_s:,.0f} messages/s ({parse_s:.1f} s)")
    print(f"(b) import: {m / import_s:,.0f} messages/s ({import_s:.1f} s), case file {size:.0f} MB, "
          f"peak memory {peak:.0f} MB")
    ratio = (m / import_s) / (n / parse_s)
    print(f"ratio (b)/(a): {ratio:.2f} (target >= 0.33)")


if __name__ == "__main__":
    main()
