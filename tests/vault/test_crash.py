"""kill -9 at random moments of a large import: the case always opens, verifies, keeps the
transactions it committed, and the next import completes it with exactly the right
messages, none twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from greyrock import ingest, pipeline, vault

from .conftest import CHEAP, PASS

N = 80_000
SCRIPT = """
import sys
from greyrock import pipeline, vault
with vault.open_case(sys.argv[1], sys.argv[2]) as case:
    print("open", flush=True)
    pipeline.import_export(case, sys.argv[3])
print("done", flush=True)
"""


def _big_export(path: Path) -> Path:
    rng = random.Random(7)
    words = "pick up school tonight money court kids dinner late again why answer me please".split()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("timestamp,sender,body\n")
        for i in range(N):
            body = " ".join(rng.choice(words) for _ in range(rng.randint(2, 12)))
            fh.write(f"{1700000000 + i * 37},+1 202 555 0147,{body} #{i}\n")
    return path


def _readers() -> list[int]:
    """Pids of background export readers (greyrock.ingest._ahead) on this machine."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"greyrock.ingest._ahead" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _no_reader_outlives_its_importer() -> None:
    """A killed import's reader notices on its next write (a broken pipe) and exits."""
    if not Path("/proc").is_dir():
        return
    deadline = time.monotonic() + 10
    while _readers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _readers() == []


def test_kill_9_during_import_never_corrupts_or_duplicates(tmp_path: Path) -> None:
    export = _big_export(tmp_path / "big.csv")
    assert export.stat().st_size >= ingest.AHEAD_MIN_BYTES  # read by a second process: kill that pair too
    case_path = tmp_path / "case.grc"
    vault.create_case(case_path, PASS, kdf=CHEAP).close()
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    rng = random.Random(1234)
    killed = 0
    for _ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(case_path), PASS, str(export)],
            stdout=subprocess.PIPE, env=env,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"open"
        time.sleep(rng.uniform(0.05, 1.5))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        _no_reader_outlives_its_importer()
        with vault.open_case(case_path, PASS) as case:
            check = case.verify()
            assert check.ok, check.problem
            assert case.stats()["messages"] % pipeline._COMMIT_EVERY == 0  # whole transactions, none half
    assert killed >= 3  # the import takes longer than the kill window: most runs were cut
    with vault.open_case(case_path, PASS) as case:
        pipeline.import_export(case, export)
        bodies = [s.message.body for s in case.messages()]
        assert len(bodies) == N and len(set(bodies)) == N
        assert case.verify().ok
    assert list(tmpdir.iterdir()) == []
