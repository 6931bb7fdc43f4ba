"""Progress on long work: the library reports real counts through a callback, the CLI
draws a bar only on a terminal, and Ctrl-C during an import keeps what was stored so that
the same import run again completes it."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from greyrock import ingest, pipeline, vault
from greyrock.model import Direction
from greyrock.settings import record_system_zone

from ..conftest import CHEAP, PASS

SRC = Path(__file__).resolve().parents[2] / "src"
OTHER = "+1 202 555 0147"


def _csv(path: Path, n: int, direction: str | None = None) -> Path:
    """n texts a minute apart; with `direction`, a direction column (out: not screened)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("timestamp,sender,body" + (",direction" if direction else "") + "\n")
        for i in range(n):
            extra = f",{direction}" if direction else ""
            fh.write(f"{1700000000 + i * 60},{OTHER},see you at {i % 12 + 1}pm about the kids #{i}{extra}\n")
    return path


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
            "GREYROCK_PASSPHRASE": PASS}


def test_import_reports_records_read_and_messages_screened(case, tmp_path: Path) -> None:
    export = _csv(tmp_path / "t.csv", 1234)
    screened_batches: list[int] = []

    def screener(messages):
        screened_batches.append(len(messages))
        return [{"labels": []} if m.direction is not Direction.OUT else None for m in messages]

    calls: list[tuple[str, int]] = []
    result = pipeline.import_export(case, export, screener=screener, model_id="m", progress=lambda w, n: calls.append((w, n)))
    assert result.added == 1234
    read = [n for w, n in calls if w == "read"]
    screened = [n for w, n in calls if w == "screened"]
    assert read == [500, 1000, 1234]
    assert screened[-1] == sum(screened_batches) == 1234 and screened == sorted(screened)


def test_parse_reports_records_read(tmp_path: Path) -> None:
    calls: list[tuple[str, int]] = []
    messages = ingest.parse(_csv(tmp_path / "t.csv", 1001)).sorted(progress=lambda w, n: calls.append((w, n)))
    assert len(messages) == 1001
    assert calls == [("read", 500), ("read", 1000), ("read", 1001)]


def test_eval_reports_messages_screened() -> None:
    from greyrock.screen._eval import evaluate

    class Nothing:
        model_id = "none"

        def screen(self, texts):
            from greyrock.model import Finding

            return [Finding((), False, {}, (), (), "", (), "none") for _ in texts]

    rows = [{"text": f"text {i}", "labels": [], "needs_reply": False} for i in range(1100)]
    calls: list[tuple[str, int]] = []
    report = evaluate(rows, Nothing(), progress=lambda w, n: calls.append((w, n)))
    assert report["messages"] == 1100
    assert calls == [("screened", 512), ("screened", 1024), ("screened", 1100)]


def _run_in_terminal(args: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run greyrock with stdout and stderr on a pseudo-terminal; (exit code, what it showed)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "greyrock", *args], stdin=subprocess.DEVNULL, stdout=follower,
                            stderr=follower, env={**_env(), "TERM": "xterm", "COLUMNS": "120"})
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(leader)
    return proc.wait(timeout=10), b"".join(chunks).decode("utf-8", "replace")


def test_parse_shows_a_bar_on_a_terminal_and_nothing_extra_otherwise(tmp_path: Path) -> None:
    export = _csv(tmp_path / "t.csv", 3000)
    piped = subprocess.run([sys.executable, "-m", "greyrock", "parse", str(export)], capture_output=True,
                           env=_env(), timeout=120)
    assert piped.returncode == 0
    # The export's own note (which side is the reader) and the closing count; no bar.
    assert piped.stderr.decode().splitlines() == [
        "greyrock: warning: t.csv: who sent each message is unknown: pass --me NAME or add a direction column.",
        f"greyrock: {export}: 3000 messages, 0 unparsed"]
    lines = piped.stdout.decode().splitlines()
    assert len(lines) == 3000 and all(json.loads(line)["kind"] == "message" for line in lines)

    code, shown = _run_in_terminal(["parse", str(export)])
    assert code == 0
    assert "records read" in shown  # the same command on a terminal draws the bar (on stderr)


def test_case_import_prints_only_its_result_when_not_on_a_terminal(tmp_path: Path) -> None:
    case_path = tmp_path / "c.grc"
    with vault.create_case(case_path, PASS, kdf=CHEAP) as made:
        record_system_zone(made)  # as 'greyrock case create' does: no note about a missing zone
    export = _csv(tmp_path / "t.csv", 600, direction="out")
    run = subprocess.run([sys.executable, "-m", "greyrock", "case", "import", str(case_path), str(export)],
                         capture_output=True, env=_env(), timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr == b""
    out = run.stdout.decode().splitlines()
    assert out[0] == f"{export}: 600 added, 0 already held, 0 unparsed." and out[1].startswith("fingerprint ")
    assert len(out) == 2


def test_ctrl_c_during_import_keeps_what_was_stored_and_a_rerun_completes_it(tmp_path: Path) -> None:
    n = 100_000
    case_path = tmp_path / "c.grc"
    with vault.create_case(case_path, PASS, kdf=CHEAP) as made:
        record_system_zone(made)  # as 'greyrock case create' does: no note about a missing zone
    export = _csv(tmp_path / "big.csv", n, direction="out")  # the reader's own: stored, not screened
    args = [sys.executable, "-m", "greyrock", "case", "import", str(case_path), str(export)]
    # One transaction per slice of 5,000 (not per two seconds), so that on any machine there
    # are twenty commits to land between, not one or two.
    slices = [sys.executable, "-c", "import sys; import greyrock.pipeline as p; p._COMMIT_SECONDS = 0.0; "
              "from greyrock.cli import main; sys.argv[0] = 'greyrock'; main()", *args[3:]]
    # Its own process group, like a terminal's foreground job: Ctrl-C reaches the import and
    # the process reading the export for it.
    # (SIGINT restored: a job started in the background, as CI may start this suite, inherits
    # it ignored, and Python then never raises KeyboardInterrupt.)
    proc = subprocess.Popen(slices, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Interrupt once messages are being committed: the case file has grown past the export
    # (the original itself is stored first) by two slices or so, well before the import ends.
    deadline = time.monotonic() + 300
    while case_path.stat().st_size < 1.3 * export.stat().st_size:
        if proc.poll() is not None:
            pytest.fail(f"the import ended before it could be interrupted: {proc.communicate()}")
        assert time.monotonic() < deadline, "the import stored nothing in 5 minutes"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert out == b""
    [line] = err.decode().splitlines()
    assert line.startswith("greyrock: interrupted; what was stored is kept.") and "import again" in line

    with vault.open_case(case_path, PASS) as case:
        check = case.verify()
        assert check.ok, check.problem
        kept = case.stats()["messages"]
    assert kept % pipeline._COMMIT_EVERY == 0 and kept < n  # whole transactions, and not all of them

    again = subprocess.run([*args, "--json"], capture_output=True, env=_env(), timeout=300)
    assert again.returncode == 0, again.stderr
    [result] = json.loads(again.stdout)["imports"]
    assert result["already_imported"] is False and result["originals_added"] == 0
    assert (result["added"], result["duplicates"]) == (n - kept, kept)
    with vault.open_case(case_path, PASS) as case:
        bodies = [s.message.body for s in case.messages()]
        assert len(bodies) == n and len(set(bodies)) == n
        assert case.verify().ok
    third = subprocess.run([*args, "--json"], capture_output=True, env=_env(), timeout=120)
    assert json.loads(third.stdout)["imports"][0]["already_imported"] is True


def test_an_interrupted_import_keeps_whole_transactions_and_resumes(case, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "_COMMIT_EVERY", 100)
    monkeypatch.setattr(pipeline, "_COMMIT_SECONDS", 0.0)  # commit after every slice
    export = _csv(tmp_path / "t.csv", 1234)

    def stop_at_700(what: str, n: int) -> None:
        if what == "read" and n >= 700:
            raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "_REPORT_EVERY", 50)
    with pytest.raises(KeyboardInterrupt):
        pipeline.import_export(case, export, progress=stop_at_700)
    assert case.stats()["messages"] == 600  # slices 1-6 committed, the seventh rolled back
    assert case.verify().ok
    result = pipeline.import_export(case, export)
    assert (result.already_imported, result.added, result.duplicates) == (False, 634, 600)
    assert case.stats()["messages"] == 1234 and case.verify().ok
    assert pipeline.import_export(case, export).already_imported


def test_ctrl_c_just_after_a_commit_keeps_the_commit(case, tmp_path: Path) -> None:
    """Python raises KeyboardInterrupt after the C call returns: the COMMIT has happened,
    and there is nothing left to roll back."""

    class InterruptedAfterCommit:
        def __init__(self, conn):
            self._conn = conn

        def execute(self, sql, *args):
            cursor = self._conn.execute(sql, *args)
            if sql == "COMMIT":
                raise KeyboardInterrupt
            return cursor

        def __getattr__(self, name):
            return getattr(self._conn, name)

    real = case._conn
    case._conn = InterruptedAfterCommit(real)
    try:
        with pytest.raises(KeyboardInterrupt):
            with case.transaction():
                case.add_record("note", {"text": "kept"})
    finally:
        case._conn = real
    assert [r["text"] for r in case.records("note")] == ["kept"]
    assert case.verify().ok
