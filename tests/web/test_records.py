"""The journal, the timeline, the import's progress and names, and the quick exit's page."""

from __future__ import annotations

import hashlib
import html
import json
import re
import tempfile
import threading
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from ..conftest import FIXTURES
from .conftest import SAMPLE, Web, make, text_of

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "tests" / "ingest" / "telegram" / "full_export" / "photos" / "photo_1@12-03-2023_21-14-09.jpg"
SCREENSHOT = ROOT / "tests" / "ingest" / "signal" / "jsonl" / "SamRivera" / "media" / "2024-03-09T09-03-27.000_00_screenshot.png"


def _created(web: Web, tmp_path: Path) -> Web:
    assert web.create(tmp_path / "notes.grc").status_code == 200
    return web


def _entries(web: Web) -> list[dict]:
    from greyrock import journal

    return journal.entries(web.state.case)


def test_a_journal_entry_with_a_photo_is_kept_in_the_case(web: Web, tmp_path: Path) -> None:
    _created(web, tmp_path)
    photo = PHOTO.read_bytes()
    r = web.post("/journal", {"when": "2024-03-06 23:40", "where": "the car park", "what_happened":
                              "He said 'you will regret this' and kicked the car door.", "injuries": "bruised arm",
                              "police_report": "PR-2024-118"},
                 files=[("photos", ("door.jpg", photo, "image/jpeg"))])
    [entry] = _entries(web)
    assert r.status_code == 200 and r.url.path == "/journal" and f"Entry {entry['id']} is saved" in r.text
    assert entry["when"] == "2024-03-06T23:40:00" and entry["where"] == "the car park"
    assert entry["what_happened"] == "He said 'you will regret this' and kicked the car door."
    assert entry["injuries"] == "bruised arm" and entry["police_report"] == "PR-2024-118"
    sha = hashlib.sha256(photo).hexdigest()
    assert entry["files"] == [{"name": "door.jpg", "size": len(photo), "sha256": sha}]
    assert web.state.case.blob(sha) == photo
    # listed, and served back only as a download through /attachment
    assert f'href="/attachment/{sha}?name=door.jpg"' in r.text
    d = web.client.get(f"/attachment/{sha}?name=door.jpg")
    assert d.content == photo and d.headers["content-disposition"].startswith("attachment;")
    assert d.headers["x-content-type-options"] == "nosniff"


def test_a_free_text_time_is_echoed_and_saved_only_when_confirmed(web: Web, tmp_path: Path) -> None:
    _created(web, tmp_path)
    shot = SCREENSHOT.read_bytes()
    r = web.post("/journal", {"when": "yesterday 9pm", "what_happened": "Shouting at the door for an hour."},
                 files=[("photos", ("door.png", shot, "image/png"))])
    from greyrock import _when

    understood = _when.understand("yesterday 9pm")
    assert r.status_code == 200 and f"Understood as {understood.describe()}" in text_of(r.text)
    assert _entries(web) == []  # nothing saved before the reader says yes
    assert "Photos already chosen, kept with this entry: door.png" in text_of(r.text)
    confirm = re.search(r'name="confirm_when" value="([^"]+)"', r.text).group(1)
    held = re.search(r'name="held" value="([^"]+)"', r.text).group(1)
    r = web.post("/journal", {"when": "yesterday 9pm", "what_happened": "Shouting at the door for an hour.",
                              "confirm_when": confirm, "held": held})
    [entry] = _entries(web)
    assert entry["when"] == understood.value.isoformat() and entry["when"].endswith("T21:00:00")
    assert [f["sha256"] for f in entry["files"]] == [hashlib.sha256(shot).hexdigest()]
    assert web.state.held == {}


def test_a_bad_time_is_a_clear_form_error_and_keeps_the_answers(web: Web, tmp_path: Path) -> None:
    _created(web, tmp_path)
    r = web.post("/journal", {"when": "3/4/2024 9pm", "where": "kitchen", "what_happened": "Threw a plate."})
    assert r.status_code == 400
    text = html.unescape(text_of(r.text))
    assert "When: not understood: '3/4/2024' could be day-first or month-first. Write the date and time, e.g." in text
    assert 'value="kitchen"' in r.text and ">Threw a plate.</textarea>" in r.text
    assert _entries(web) == []
    r = web.post("/journal", {"when": "2024-03-04 21:00", "what_happened": ""})
    assert r.status_code == 400 and "Please answer: What happened?" in text_of(r.text) and _entries(web) == []


def test_a_file_that_is_not_a_photo_is_refused(web: Web, tmp_path: Path) -> None:
    _created(web, tmp_path)
    r = web.post("/journal", {"when": "2024-03-04 21:00", "what_happened": "Threw a plate."},
                 files=[("photos", ("../../notes.txt", b"not a photo", "image/jpeg"))])
    assert r.status_code == 400 and _entries(web) == []
    assert "notes.txt: not a photo or PDF greyrock can keep" in text_of(r.text) and "../" not in text_of(r.text)


def test_a_large_photo_stays_in_memory(web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _created(web, tmp_path)

    def to_disk(self) -> None:  # SpooledTemporaryFile writes to a real file only here
        raise AssertionError("an upload was written to a temporary file")

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", to_disk)
    big = PHOTO.read_bytes() + b"\0" * (3 * 1024 * 1024)
    r = web.post("/journal", {"when": "2024-03-04 21:00", "what_happened": "Threw a plate."},
                 files=[("photos", ("big.jpg", big, "image/jpeg"))])
    assert r.status_code == 200 and _entries(web)[0]["files"][0]["size"] == len(big)


@pytest.mark.parametrize("url", ["/journal", "/import"])
def test_new_forms_refuse_a_post_without_the_csrf_token(web: Web, tmp_path: Path, url: str) -> None:
    _created(web, tmp_path)
    r = web.client.post(url, data={"when": "2024-03-04 21:00", "what_happened": "x"},
                        files=[("photos", ("a.jpg", PHOTO.read_bytes(), "image/jpeg"))])
    assert r.status_code == 403 and _entries(web) == []


def test_the_new_pages_are_the_readers_only(tmp_path: Path) -> None:
    client, _ = make(tmp_path)
    with client:
        for url in ("/journal", "/timeline", "/import/progress"):
            assert client.get(url).status_code == 403


def _received_per_week(case) -> tuple[Counter, Counter]:
    """The other person's messages and threats per week (Monday), counted from the SMS backup's
    own dates on the case's clock: not by the timeline code."""
    from zoneinfo import ZoneInfo

    from greyrock.settings import case_clock

    zone = ZoneInfo(case_clock(case)[0].name)
    threats = {s.message.body for s in case.messages() if "threat" in s.labels}
    messages, threatening = Counter(), Counter()
    for date, kind, body in re.findall(r'<sms [^>]*date="(\d+)" type="(\d)"[^>]* body="([^"]*)"', SAMPLE.read_text()):
        if kind != "1":
            continue
        day = datetime.fromtimestamp(int(date) / 1000, zone).date()
        monday = day.fromordinal(day.toordinal() - day.weekday())
        messages[f"{monday:%d %b %y}"] += 1
        threatening[f"{monday:%d %b %y}"] += body.replace("&apos;", "'").replace("&quot;", '"') in threats
    return messages, threatening


def test_the_timeline_draws_the_weeks_bars_and_marks_threat_weeks(opened: Web) -> None:
    messages, threatening = _received_per_week(opened.state.case)
    assert sum(threatening.values()) >= 1  # the demo holds a threat ("Watch your back")
    page = opened.client.get("/timeline").text
    attempts_svg = page.split("<svg")[1]
    bars = {week: int(n) for week, n in re.findall(
        r'data-week="([^"]+)" data-series="messages" data-count="(\d+)"', attempts_svg)}
    assert bars == {w: n for w, n in messages.items() if n}
    marked = set(re.findall(r'class="chart-mark"[^>]*data-week="([^"]+)"', attempts_svg))
    assert marked == {w for w, n in threatening.items() if n}
    labels_svg = page.split("<svg")[2]
    threat_bars = {w: int(n) for w, n in re.findall(r'data-week="([^"]+)" data-series="threat" data-count="(\d+)"',
                                                   labels_svg)}
    assert threat_bars == {w: n for w, n in threatening.items() if n}
    assert "style=" not in page and "<script>" not in page  # the CSP allows neither


def test_the_timeline_escapes_what_it_draws() -> None:
    from greyrock.web._svg import Bar, stacked_bars

    svg = str(stacked_bars('<b>"x"</b>', [Bar("<script>alert(1)</script>", (("a&b", 2),), True)], {"a&b": "#000"},
                           mark_label="<i>"))
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert 'data-week="&lt;script&gt;alert(1)&lt;/script&gt;" data-series="a&amp;b" data-count="2"' in svg


def test_the_progress_endpoint_reports_the_counts_of_the_import(opened: Web) -> None:
    received = SAMPLE.read_text().count('type="1"')
    p = opened.client.get("/import/progress").json()
    assert p == {"running": False, "done": True, "file": "sms-demo.xml", "files": 1, "files_done": 1,
                 "read": SAMPLE.read_text().count("<sms "), "screened": received}


def test_progress_is_answered_while_the_import_runs(web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _created(web, tmp_path)
    from greyrock import pipeline

    real, reached, release = pipeline.import_export, threading.Event(), threading.Event()

    def held_up(case, path, **kw):  # the import stops after its first progress call until the test has looked
        kw["progress"]("read", 500)
        reached.set()
        release.wait(30)  # a blocked event loop answers nothing: the test then fails, it does not hang
        return real(case, path, **kw)

    monkeypatch.setattr(pipeline, "import_export", held_up)
    answers: list = []
    upload = threading.Thread(target=lambda: answers.append(web.upload("sms-demo.xml", SAMPLE.read_bytes())))
    upload.start()
    assert reached.wait(30)
    during = web.client.get("/import/progress").json()
    busy = web.client.get("/journal")  # nothing else uses the case while the import writes to it
    release.set()
    upload.join(60)
    assert during == {"running": True, "done": False, "file": "sms-demo.xml", "files": 1, "files_done": 0,
                      "read": 500, "screened": 0}
    assert answers[0].status_code == 200 and "17 added" in answers[0].text
    assert busy.status_code == 503 and "An import is being read and screened" in busy.text
    assert web.client.get("/import/progress").json()["done"] is True


def test_progress_adds_up_over_the_files_of_one_upload() -> None:
    from greyrock.web._upload import ImportProgress

    p = ImportProgress()
    p.start(2)
    p.next_file("a.xml")
    p.update("read", 500)
    p.update("read", 700)
    p.update("screened", 600)
    p.file_done()
    p.next_file("b.json")
    p.update("read", 30)
    assert p.to_dict() == {"running": True, "done": False, "file": "b.json", "files": 2, "files_done": 1,
                           "read": 730, "screened": 600}


def test_a_damaged_uploads_warning_names_the_uploaded_file(web: Web, tmp_path: Path) -> None:
    _created(web, tmp_path)
    data = SAMPLE.read_bytes()
    cut = data[: data.index(b"<sms ", data.index(b"<sms ") + 1) + 40]  # ends inside the second record
    r = web.upload("C:\\Users\\me\\Downloads\\sms-\x1bbackup.xml", cut)
    text = text_of(r.text)
    assert r.status_code == 200 and "sms-backup.xml" in text
    assert "/proc" not in r.text and "/fd/" not in r.text and "Downloads" not in r.text
    from greyrock.accounting import IMPORT_RECORD

    case = web.state.case
    [record] = case.records(IMPORT_RECORD)
    assert record["export"] == "sms-backup.xml"
    assert record["unparsed"] and all(u["file"] == "sms-backup.xml" for u in record["unparsed"])
    assert {s.message.source.file for s in case.messages()} == {"sms-backup.xml"}


@pytest.mark.parametrize("ahead", [False, True], ids=["here", "read-ahead-process"])
def test_the_library_takes_a_display_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead: bool) -> None:
    from greyrock import ingest, pipeline, vault

    if ahead:  # the name must cross to the second process that reads large exports
        monkeypatch.setattr(ingest, "AHEAD_MIN_BYTES", 0)

    case = vault.create_case(tmp_path / "c.grc", "maple quarry lantern ostrich")
    try:
        damaged = tmp_path / "7"
        damaged.write_bytes(SAMPLE.read_bytes()[:-200])
        r = pipeline.import_export(case, damaged, name="/tmp/x/sms-backup.xml")
        assert r.path == "sms-backup.xml" and r.warnings
        assert all(str(w).startswith("sms-backup.xml") for w in r.warnings)
        assert {s.message.source.file for s in case.messages()} == {"sms-backup.xml"}
    finally:
        case.close()


@pytest.mark.parametrize(("page", "title", "words"), [
    (None, "Weather", "Partly cloudy"), ("news", "News", "Top stories"), ("blank", "New Tab", None)])
def test_the_quick_exit_shows_the_chosen_neutral_page(tmp_path: Path, page: str | None, title: str,
                                                     words: str | None) -> None:
    client, _ = make(tmp_path, **({"exit_page": page} if page else {}))
    with client:
        r = client.get("/away")
    assert r.status_code == 200 and f"<title>{title}</title>" in r.text
    if words:
        assert words in r.text
    else:
        assert "<main>" not in r.text and "stylesheet" not in r.text
    assert "http" not in r.text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing from another host


def test_a_bad_exit_page_is_one_line_and_exit_2() -> None:
    from .test_web_cli import _run

    proc = _run("--exit-page", "cats")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert err.strip() == "greyrock: --exit-page: 'cats' is not one of weather, news, blank."


def test_photos_no_longer_held_are_never_dropped_silently(web: Web, tmp_path: Path) -> None:
    _created(web, tmp_path)
    r = web.post("/journal", {"when": "2024-03-04 21:00", "what_happened": "Threw a plate.", "held": "gone"})
    assert r.status_code == 400 and "no longer held" in text_of(r.text) and _entries(web) == []


def test_a_chosen_folder_is_imported_like_its_files(web: Web, tmp_path: Path) -> None:
    """A folder picked in the browser arrives as its files with their folder paths (here the
    shared Messenger fixture's three parts of one chat): every message of each part is read."""
    folder = FIXTURES / "messenger" / "json_multifile"
    parts = sorted(folder.rglob("message_*.json"))
    expected = sum(len(json.loads(p.read_text(encoding="utf-8"))["messages"]) for p in parts)
    assert web.create(tmp_path / "notes.grc").status_code == 200
    r = web.post("/import", files=[("files", (str(p.relative_to(folder.parent)), p.read_bytes(), "application/json"))
                                   for p in parts])
    assert r.status_code == 200, r.text
    assert f"{expected} added" in text_of(r.text)
    assert sum(1 for _ in web.state.case.messages()) == expected
