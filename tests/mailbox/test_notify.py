"""A threat from the watcher: always a neutral line on the terminal, and a desktop
notification with the same words where notify-send exists."""

from __future__ import annotations

import os
from pathlib import Path

from greyrock.cli import _watch
from greyrock.mailbox import PassResult


def test_a_threat_gives_a_neutral_line_and_a_notification(tmp_path: Path, monkeypatch, capsys) -> None:
    said = tmp_path / "said"
    tool = tmp_path / "notify-send"
    tool.write_text(f'#!/bin/sh\nprintf "%s|" "$@" > {said}\n')
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    _watch._report(PassResult(moved=2, stored=2, needs_you=1), Path("my.grc"), as_json=False, dry_run=False)
    err = capsys.readouterr().err
    assert "greyrock: 1 item needs you (greyrock shield my.grc)" in err
    assert said.read_text() == "greyrock|greyrock: 1 item needs you|"


def test_without_notify_send_the_line_is_still_printed(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    _watch._report(PassResult(moved=3, stored=3, needs_you=2), Path("c.grc"), as_json=False, dry_run=False)
    assert "greyrock: 2 items need you (greyrock shield c.grc)" in capsys.readouterr().err
