"""Reading a large export in a second process gives exactly what reading it here gives:
the same messages (every field, attachment bytes included), the same warnings, the same
errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from greyrock import ingest
from greyrock.errors import InputError
from greyrock.ingest._ahead import read_ahead
from tests.conftest import FIXTURES, attachment_bytes


def _everything(messages) -> list[tuple]:
    return [(m.to_dict(), m.extra, [attachment_bytes(a) for a in m.attachments]) for m in messages]


@pytest.mark.parametrize("name", ["sms-backup-restore", "whatsapp", "telegram", "signal", "messenger",
                                  "instagram", "google-voice"])
def test_read_ahead_gives_what_reading_here_gives(name: str) -> None:
    here = ingest.parse(FIXTURES / name)
    expected = _everything(here)
    ahead = ingest.parse(FIXTURES / name)
    got = _everything(ahead.read_ahead())
    assert len(got) == len(expected) > 0
    assert got == expected
    assert [str(w) for w in ahead.warnings] == [str(w) for w in here.warnings]


def test_mms_attachment_bytes_cross_intact() -> None:
    messages = list(ingest.parse(FIXTURES / "sms-backup-restore").read_ahead())
    data = [a.data for m in messages for a in m.attachments if a.data]
    assert [len(d) for d in data] == [70, 70]  # the two PNGs inside the MMS records


def test_an_unreadable_export_is_the_same_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not an export \xff" * 10)
    with pytest.raises(InputError) as here:
        ingest.parse(junk)
    with pytest.raises(InputError) as ahead:
        list(read_ahead(junk, None, None, "US", []))
    assert str(ahead.value) == str(here.value)


@pytest.mark.parametrize("executable", ["/nonexistent/python", "/bin/true"])
def test_where_no_reader_can_start_the_export_is_read_here(monkeypatch: pytest.MonkeyPatch, executable: str) -> None:
    if not Path(executable).exists() and executable != "/nonexistent/python":
        pytest.skip(f"{executable} not on this system")
    expected = _everything(ingest.parse(FIXTURES / "telegram"))
    monkeypatch.setattr(sys, "executable", executable)
    warnings: list = []
    assert _everything(read_ahead(FIXTURES / "telegram", None, None, "US", warnings)) == expected
