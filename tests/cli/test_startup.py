"""`greyrock --help` starts quickly: it loads none of the library's heavy modules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
HEAVY = {"numpy", "lxml", "onnxruntime", "sqlcipher3", "phonenumbers", "ftfy", "fpdf", "greyrock.screen",
         "greyrock.ingest", "greyrock.vault", "greyrock.safety", "greyrock.reply", "greyrock.report", "greyrock.pipeline"}


def _imported(*args: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "greyrock", *args], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    return {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}


def test_help_loads_no_heavy_module() -> None:
    loaded = _imported("--help")
    assert "typer" in loaded and "greyrock.cli" in loaded  # the measurement itself works
    assert loaded & HEAVY == set()


def test_a_subcommand_help_loads_no_heavy_module() -> None:
    assert _imported("case", "import", "--help") & HEAVY == set()


def test_a_command_still_loads_what_it_uses() -> None:
    loaded = _imported("formats")
    assert "greyrock.ingest.sms_xml" in loaded  # the lazy module itself is run outside the import log


def test_lazily_loaded_modules_are_the_usual_modules() -> None:
    code = ("import greyrock.cli, greyrock.cli._case as c\n"
            "import greyrock.vault, greyrock.ingest\n"
            "from greyrock import pipeline\n"
            "assert greyrock.vault.open_case is c.vault.open_case and c.pipeline is pipeline\n"
            "print(greyrock.ingest.parse.__module__)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "greyrock.ingest"
