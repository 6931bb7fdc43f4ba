"""`greyrock web` as a command: one link on stdout, 127.0.0.1 only, stops after the idle lock."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

SRC = Path(__file__).resolve().parents[2] / "src"


def _run(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen([sys.executable, "-m", "greyrock", "web", "--no-browser", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serves_one_link_and_stops_on_the_idle_lock() -> None:
    proc = _run("--lock-after", "0.02")
    url = urlsplit(proc.stdout.readline().strip())
    assert url.hostname == "127.0.0.1" and url.path == "/start" and url.query.startswith("token=")
    conn = http.client.HTTPConnection("127.0.0.1", url.port, timeout=10)
    conn.request("GET", f"{url.path}?{url.query}")
    response = conn.getresponse()
    assert response.status == 303 and "SameSite=Strict" in response.getheader("set-cookie")
    conn.close()
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and err.strip().endswith("greyrock web: locked and stopped.")


def test_a_bad_port_is_one_line_and_exit_2() -> None:
    proc = _run("--port", "70000")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and err.strip() == "greyrock: --port: 70000 is not a port number (1-65535)."
