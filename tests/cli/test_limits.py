"""Hostile sizes through the CLI: a zip bomb, a zip of too many members, an attachment
past the limit. Each stops with exit 2 and one line naming the file, the place and the
variable that lifts the limit; the exports are the shared fixtures, packed or grown.

(Small versions only: bench/hostile_sizes.py measures the gigabyte ones.)
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import ingest, pipeline, vault
from greyrock.cli import app
from greyrock.settings import record_system_zone
from tests.conftest import CHEAP, FIXTURES, PASS

runner = CliRunner()
CHAT = FIXTURES / "whatsapp" / "test_ddmmyy_24hrs.txt"
BACKUP = FIXTURES / "sms-backup-restore" / "sms_and_mms.xml"
CHAT_NAME = "WhatsApp Chat with John Doe.txt"


@pytest.fixture(autouse=True)
def _no_limits_from_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GREYROCK_MAX_RATIO", "GREYROCK_MAX_TOTAL", "GREYROCK_MAX_MEMBERS", "GREYROCK_MAX_ATTACHMENT"):
        monkeypatch.delenv(name, raising=False)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_member_that_inflates_past_the_ratio_limit_is_refused(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "export.zip", {CHAT_NAME: CHAT.read_bytes(), "IMG-0001.jpg": bytes(4 << 20)})
    info = zipfile.ZipFile(bomb).getinfo("IMG-0001.jpg")
    ratio = info.file_size / info.compress_size
    assert ratio > 1000  # deflate's best is about 1032:1

    result = runner.invoke(app, ["parse", str(bomb)])

    assert result.exit_code == 2 and result.stdout == ""
    assert _one_line(result) == (
        f"greyrock: export.zip, IMG-0001.jpg: inflates {ratio:,.0f} times (4 MiB from "
        f"{info.compress_size / 1024:.1f} KiB), past the compression ratio limit of 100 (a zip bomb?). "
        "Set GREYROCK_MAX_RATIO to raise the limit if you trust this file."
    )


def test_the_ratio_limit_is_lifted_by_its_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = _zip(tmp_path / "export.zip", {CHAT_NAME: CHAT.read_bytes(), "IMG-0001.jpg": bytes(4 << 20)})
    monkeypatch.setenv("GREYROCK_MAX_RATIO", "5000")
    result = runner.invoke(app, ["parse", str(bomb)])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 9  # the chat's nine messages


def test_small_members_are_not_held_to_the_ratio(tmp_path: Path) -> None:
    # 512 KiB of zeros inflates ~500 times, but inflating it costs nothing.
    export = _zip(tmp_path / "export.zip", {CHAT_NAME: CHAT.read_bytes(), "blank.bin": bytes(512 << 10)})
    assert runner.invoke(app, ["parse", str(export)]).exit_code == 0


def test_a_zip_of_too_many_members_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    members = {CHAT_NAME: CHAT.read_bytes(), **{f"sticker-{i}.webp": b"RIFF" for i in range(12)}}
    export = _zip(tmp_path / "export.zip", members)
    monkeypatch.setenv("GREYROCK_MAX_MEMBERS", "10")

    result = runner.invoke(app, ["parse", str(export)])

    assert result.exit_code == 2
    assert _one_line(result) == (
        "greyrock: export.zip: the zip holds 13 members, more than the member limit of 10. "
        "Set GREYROCK_MAX_MEMBERS to raise the limit if you trust this file."
    )


def test_a_directory_that_lies_about_its_count_is_still_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    members = {CHAT_NAME: CHAT.read_bytes(), **{f"sticker-{i}.webp": b"RIFF" for i in range(12)}}
    data = bytearray(_zip(tmp_path / "export.zip", members).read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2  # "1 member" on this disk and in all
    lying = tmp_path / "lying.zip"
    lying.write_bytes(bytes(data))
    monkeypatch.setenv("GREYROCK_MAX_MEMBERS", "10")

    result = runner.invoke(app, ["parse", str(lying)])

    assert result.exit_code == 2
    assert _one_line(result) == (
        "greyrock: lying.zip: the zip holds 13 members, more than the member limit of 10. "
        "Set GREYROCK_MAX_MEMBERS to raise the limit if you trust this file."
    )


def test_the_total_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = _zip(tmp_path / "export.zip", {CHAT_NAME: CHAT.read_bytes(), "VID-0001.mp4": bytes(range(256)) * 8})
    monkeypatch.setenv("GREYROCK_MAX_TOTAL", "2K")

    result = runner.invoke(app, ["parse", str(export)])

    assert result.exit_code == 2
    assert _one_line(result) == (
        "greyrock: export.zip: the members add up to more than 2 KiB uncompressed, past the total size "
        "limit (a zip bomb?). Set GREYROCK_MAX_TOTAL to raise the limit if you trust this file."
    )


def test_a_zipped_attachment_past_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = b"14/03/2024, 08:02 - Casey Morgan: IMG-20240314-WA0003.jpg (file attached)\nlook\n"
    photo = bytes(range(256)) * 8  # 2 KiB
    export = _zip(tmp_path / "export.zip", {"WhatsApp Chat with Casey Morgan.txt": chat,
                                            "IMG-20240314-WA0003.jpg": photo})
    monkeypatch.setenv("GREYROCK_MAX_ATTACHMENT", "1K")

    result = runner.invoke(app, ["parse", str(export)])

    assert result.exit_code == 2
    assert _one_line(result) == (
        "greyrock: export.zip, IMG-20240314-WA0003.jpg: an attachment of 2 KiB is larger than the attachment "
        "limit of 1 KiB. Set GREYROCK_MAX_ATTACHMENT to raise the limit if you trust this file."
    )
    monkeypatch.setenv("GREYROCK_MAX_ATTACHMENT", "2K")
    assert runner.invoke(app, ["parse", str(export)]).exit_code == 0


def test_an_mms_attachment_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_MAX_ATTACHMENT", "50")  # the fixture's PNGs are 70 bytes

    result = runner.invoke(app, ["parse", str(BACKUP)])

    assert result.exit_code == 2 and result.stdout == ""
    assert _one_line(result) == (
        "greyrock: sms_and_mms.xml, mms[7]: an attachment of 70 bytes is larger than the attachment limit of "
        "50 bytes. Set GREYROCK_MAX_ATTACHMENT to raise the limit if you trust this file."
    )


def test_an_mms_too_large_to_buffer_stops_before_the_parser_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first PNG of the backup (line 114) grown to 1 MiB of base64: past what base64
    # of a 1 KiB attachment can be, so reading stops while the value is still streaming.
    text = BACKUP.read_text(encoding="utf-8")
    png = re.search(r'data="([^"]+)"', text).group(1)
    grown = text.replace(png, "A" * (1 << 20), 1)
    backup = tmp_path / "sms-20240801.xml"
    backup.write_text(grown, encoding="utf-8")
    monkeypatch.setenv("GREYROCK_MAX_ATTACHMENT", "1K")

    result = runner.invoke(app, ["parse", str(backup)])

    assert result.exit_code == 2
    assert _one_line(result) == (
        "greyrock: sms-20240801.xml, line 114: a value runs past 65.5 KiB, more than base64 data within the "
        "attachment limit of 1 KiB can take. Set GREYROCK_MAX_ATTACHMENT to raise the limit if you trust this file."
    )


def test_a_limit_that_is_not_a_number_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREYROCK_MAX_RATIO", "lots")
    result = runner.invoke(app, ["parse", str(BACKUP)])
    assert result.exit_code == 2
    assert _one_line(result) == "greyrock: GREYROCK_MAX_RATIO='lots' is not a limit greyrock understands. Use a whole number."


def test_case_import_past_a_limit_stops_and_resumes_like_an_interruption(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """An import commits as it goes (so Ctrl-C keeps what was stored): a limit met part-way
    keeps the original and the case intact, and the same import with a higher limit adds
    every message once."""
    case_path = tmp_path / "c.grc"
    with vault.create_case(case_path, PASS, kdf=CHEAP) as made:
        record_system_zone(made)  # as 'greyrock case create' does: no note about a missing zone
    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    monkeypatch.setenv("GREYROCK_MAX_ATTACHMENT", "50")

    result = runner.invoke(app, ["case", "import", str(case_path), str(BACKUP)])

    assert result.exit_code == 2
    assert _one_line(result).startswith("greyrock: sms_and_mms.xml, mms[7]: an attachment of 70 bytes")
    with vault.open_case(case_path, PASS) as case:
        assert case.stats()["messages"] == 0 and [o["name"] for o in case.originals()] == ["sms_and_mms.xml"]
        assert case.verify().ok

    monkeypatch.delenv("GREYROCK_MAX_ATTACHMENT")
    assert runner.invoke(app, ["case", "import", str(case_path), str(BACKUP)]).exit_code == 0
    with vault.open_case(case_path, PASS) as case:
        assert case.stats()["messages"] == len(ingest.parse(BACKUP).sorted()) and case.verify().ok


def test_a_large_zipped_attachment_is_stored_in_chunks(tmp_path: Path) -> None:
    chat = b"14/03/2024, 08:02 - Casey Morgan: VID-20240314-WA0004.mp4 (file attached)\nlook\n"
    video = hashlib.shake_256(b"not really a video").digest(3 * 1024 * 1024 + 17)  # 3 MiB + 17 bytes
    export = _zip(tmp_path / "export.zip", {"WhatsApp Chat with Casey Morgan.txt": chat,
                                            "VID-20240314-WA0004.mp4": video})
    sha = hashlib.sha256(video).hexdigest()
    with vault.create_case(tmp_path / "c.grc", PASS, kdf=CHEAP) as case:
        (result,) = pipeline.import_exports(case, [export], me="Jordan")
        assert result.added == 1
        (stored,) = list(case.messages())
        assert stored.message.attachments[0].to_dict() == {
            "name": "VID-20240314-WA0004.mp4", "mime": "video/mp4", "size": len(video), "sha256": sha}
        rows = case._conn.execute(
            "SELECT length(data) FROM blob_chunks WHERE sha256 = ? ORDER BY seq", (sha,)).fetchall()
        assert rows == [(1 << 20,), (1 << 20,), (17,)]  # the first MiB is in `blobs`
        assert case.blob(sha) == video
        assert case.verify().ok


def test_a_damaged_stretch_longer_than_any_record_is_refused_not_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After a break the stretch up to the next record is read whole, to be split: a hostile
    # file could make it gigabytes of small elements that no single value limit catches.
    small = FIXTURES / "sms-backup-restore" / "sms_small.xml"
    lines = small.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace('body="Body text 3"', 'body="Body <text 3"') + "<junk>x</junk>\n" * 20_000
    backup = tmp_path / "sms-damaged.xml"
    backup.write_text("".join(lines), encoding="utf-8")

    assert len(ingest.parse(backup).sorted()) == 12  # within the default limits: read, one record unparsed
    monkeypatch.setenv("GREYROCK_MAX_ATTACHMENT", "1K")
    result = runner.invoke(app, ["parse", str(backup)])

    assert result.exit_code == 2 and result.stdout == ""
    assert _one_line(result) == (
        "greyrock: sms-damaged.xml, line 6: the XML breaks here and the damaged stretch after it runs past 65.5 KiB, "
        "more than a record within the attachment limit of 1 KiB can take. Set GREYROCK_MAX_ATTACHMENT to raise the "
        "limit if you trust this file."
    )
