"""Benchmark: how long `greyrock --help` takes to start (target: at most 0.25 s).

Runs `python -m greyrock --help` (the command the `greyrock` script runs) in fresh
processes, after one warm-up run so the file cache is warm, and prints the median and
the fastest wall time, plus the library modules the help loaded that it should not need.

    .venv/bin/python bench/startup.py [--runs N] [-- ARGS...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

HEAVY = ("numpy", "lxml", "onnxruntime", "sqlcipher3", "greyrock.screen", "greyrock.ingest", "greyrock.vault",
         "greyrock.safety", "greyrock.reply", "greyrock.report", "phonenumbers", "ftfy", "fpdf")


def _time(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "greyrock", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _loaded(args: list[str]) -> list[str]:
    """The heavy modules a run imports (python -X importtime)."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "greyrock", *args], check=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    names = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    return sorted(n for n in names if n in HEAVY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("args", nargs="*", default=["--help"])
    ns = parser.parse_args()
    _time(ns.args)  # warm the file cache and the bytecode cache
    times = sorted(_time(ns.args) for _ in range(ns.runs))
    print(f"greyrock {' '.join(ns.args)}: median {statistics.median(times):.3f} s, "
          f"fastest {times[0]:.3f} s over {ns.runs} runs (python {sys.version.split()[0]})")
    heavy = _loaded(ns.args)
    print(f"heavy modules loaded: {', '.join(heavy) if heavy else 'none'}")


if __name__ == "__main__":
    main()
