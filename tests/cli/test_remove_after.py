"""`case import … --remove-after`: the exports read are removed only once the case verifies
and holds their exact bytes, after a warning that removing is not erasing."""

from __future__ import annotations

import hashlib
import json
import shutil
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import cleanup, vault
from greyrock.cli import _remove, app
from greyrock.settings import record_system_zone
from tests.conftest import CHEAP, FIXTURES, PASS, edit_behind_greyrocks_back

runner = CliRunner()
SMS = FIXTURES / "sms-backup-restore" / "sms_small.xml"


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    path = tmp_path / "c.grc"
    with vault.create_case(path, PASS, kdf=CHEAP) as made:
        record_system_zone(made)  # as 'greyrock case create' does: no note about a missing zone
    return path


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "Downloads"
    folder.mkdir()
    shutil.copyfile(SMS, folder / "sms_small.xml")
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_script_removes_the_export_after_a_verified_import(case: Path, downloads: Path) -> None:
    export = downloads / "sms_small.xml"
    result = runner.invoke(app, ["case", "import", str(case), str(export), "--remove-after"])
    assert result.exit_code == 0, result.output
    assert not export.exists() and downloads.is_dir()
    assert "12 added" in result.stdout and f"removed {export}" in result.stdout
    assert "Removing a file does not erase it. On an SSD, in a synced folder (Dropbox, iCloud Drive, OneDrive" \
        in result.stdout
    with vault.open_case(case, PASS) as c:
        assert [o["sha256"] for o in c.originals()] == [_sha(SMS)] and c.verify().ok


def test_a_folder_stays_and_so_do_files_that_were_not_read(case: Path, downloads: Path) -> None:
    photo = downloads / "IMG_2041.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not an export")
    result = runner.invoke(app, ["case", "import", str(case), str(downloads), "--format", "sms-xml",
                                 "--remove-after", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["removed"] == [str(downloads / "sms_small.xml")] and data["not_removed"] is None
    assert sorted(p.name for p in downloads.iterdir()) == ["IMG_2041.jpg"]
    assert "does not erase it" in result.stderr


def test_nothing_is_removed_when_an_import_fails(case: Path, downloads: Path) -> None:
    export = downloads / "sms_small.xml"
    broken = downloads / "broken.xml"
    broken.write_bytes(SMS.read_bytes()[:0])
    result = runner.invoke(app, ["case", "import", str(case), str(export), str(broken), "--remove-after"])
    assert result.exit_code == 2 and "broken.xml" in result.stderr
    assert export.exists() and broken.exists()


def test_nothing_is_removed_when_the_case_does_not_verify(case: Path, downloads: Path) -> None:
    export = downloads / "sms_small.xml"
    assert runner.invoke(app, ["case", "import", str(case), str(export)]).exit_code == 0
    edit_behind_greyrocks_back(case, PASS, "UPDATE messages SET body = 'changed' WHERE id = 1")
    with vault.open_case(case, PASS) as c:
        removal = cleanup.check_removable(c, [export])
    assert removal.files == [] and removal.problem.startswith("the case does not verify (chain entry")
    assert cleanup.remove_files(removal).removed == [] and export.exists()


def test_nothing_is_removed_when_the_file_changed_since_it_was_read(case: Path, downloads: Path) -> None:
    export = downloads / "sms_small.xml"
    assert runner.invoke(app, ["case", "import", str(case), str(export)]).exit_code == 0
    export.write_bytes(export.read_bytes() + b"\n")
    with vault.open_case(case, PASS) as c:
        removal = cleanup.check_removable(c, [export])
    assert removal.problem == (f"{export}: its bytes are not the ones stored in the case (it changed since it was "
                               "read?); nothing was removed.")


def test_in_a_terminal_it_asks_first(case: Path, downloads: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = downloads / "sms_small.xml"
    monkeypatch.setattr(_remove, "sys", types.SimpleNamespace(stdin=types.SimpleNamespace(isatty=lambda: True)))
    result = runner.invoke(app, ["case", "import", str(case), str(export), "--remove-after"], input="n\n")
    assert result.exit_code == 0, result.output
    assert "Remove them now? [y/N]" in result.stderr and "Nothing removed." in result.stdout and export.exists()
    result = runner.invoke(app, ["case", "import", str(case), str(export), "--remove-after"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "already in the case" in result.stdout and not export.exists()


def test_without_the_flag_nothing_is_removed(case: Path, downloads: Path) -> None:
    export = downloads / "sms_small.xml"
    result = runner.invoke(app, ["case", "import", str(case), str(export), "--json"])
    assert result.exit_code == 0 and "removed" not in json.loads(result.stdout) and export.exists()


def test_a_failed_check_keeps_the_files_and_exits_1(case: Path, downloads: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    export = downloads / "sms_small.xml"
    problem = "the case does not verify (chain entry 3 was changed); nothing was removed."
    monkeypatch.setattr(cleanup, "check_removable", lambda c, files: cleanup.Removal(problem=problem))
    result = runner.invoke(app, ["case", "import", str(case), str(export), "--remove-after", "--json"])
    assert result.exit_code == 1 and export.exists()
    assert json.loads(result.stdout)["not_removed"] == problem
    assert result.stderr.strip() == f"greyrock: not removing the exports: {problem}"
