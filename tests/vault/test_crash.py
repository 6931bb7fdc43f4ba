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
import subprocess, sys
from greyrock import pipeline, vault

class _Told(subprocess.Popen):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        print("reader", self.pid, flush=True)  # the test watches its own reader by pid

subprocess.Popen = _Told
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


def _alive(pid: int) -> bool:
    """Running, and not a zombie that nobody has reaped yet (PID 1 of a container may not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def _no_reader_outlives_its_importer(readers: list[int]) -> None:
    """A killed import's reader notices on its next write (a broken pipe) and exits.
    Only this test's own readers are watched (by the pid their importer printed), so
    another greyrock running on the machine does not matter."""
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in readers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in readers if _alive(pid)] == []


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
        rest = proc.stdout.read().decode()
        readers = [int(line.split()[1]) for line in rest.splitlines() if line.startswith("reader ")]
        _no_reader_outlives_its_importer(readers)
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
