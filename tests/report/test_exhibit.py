"""The report as an exhibit a lawyer can file: the parties' names and the court number, the
paper of the court's country, the filters on the cover, thumbnails of the images sent (and
a note, never a crash, for an image that cannot be decoded), --no-risk, agreed contact.

The images come in an MMS of the shared SMS Backup & Restore fixture (the one carrying
image_8.png), copied three times with other dates and other image bytes: a real photo-like
picture, the fixture's PNG cut short, and a PNG header that claims 100,000 x 100,000 pixels.
"""

from __future__ import annotations

import base64
import io
import re
import struct
import zlib
from pathlib import Path

import pypdf
import pytest
from PIL import Image, ImageDraw

from greyrock import pipeline, report, vault
from greyrock.report import ReportOptions, attachment_file_name, gather, render_pdf
from greyrock.report._images import make_thumb
from greyrock.errors import InputError
from greyrock.safety import no_contact_status
from greyrock.settings import update_settings
from tests.conftest import CHEAP, PASS

from .conftest import build_case, finding

FIXTURE = Path("/work/shared/fixtures/sms-backup-restore/sms_and_mms.xml")
SENDER = "+15550000011"
PHOTO_MS, BROKEN_MS, BOMB_MS = 1721161764000, 1721161864000, 1721161964000  # 2024-07-16 20:29 UTC and after


def _photo() -> bytes:
    img = Image.new("RGB", (320, 200), (236, 228, 210))
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 30, 280, 170), outline=(40, 40, 40), width=6)  # a window frame
    draw.line((160, 30, 160, 170), fill=(40, 40, 40), width=4)
    draw.ellipse((200, 60, 250, 110), fill=(30, 60, 150))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _bomb() -> bytes:
    """A valid PNG header (signature and IHDR with its CRC) claiming 100,000 x 100,000 pixels."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    data = zlib.compress(b"\x00" * 64)
    idat = struct.pack(">I", len(data)) + b"IDAT" + data + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    return b"\x89PNG\r\n\x1a\n" + chunk + idat


def _export(folder: Path) -> Path:
    """Three copies of the fixture's MMS with image_8.png: a photo, a broken image, a bomb."""
    text = FIXTURE.read_text(encoding="utf-8")
    mms = next(b for b in re.findall(r"  <mms [^>]*>.*?</mms>\n", text, re.S) if 'name="image_8.png"' in b)
    original = re.search(r'name="image_8.png"[^>]* data="([^"]+)"', mms).group(1)
    png = base64.b64decode(original)
    copies = []
    for ms, data, body in ((PHOTO_MS, _photo(), "I can see your window"), (BROKEN_MS, png[: len(png) // 2], "Look"),
                           (BOMB_MS, _bomb(), "And this")):
        copy = mms.replace(f'date="{PHOTO_MS}"', f'date="{ms}"').replace(original, base64.b64encode(data).decode())
        copies.append(copy.replace('text="Body text 54"', f'text="{body}"'))
    path = folder / "mms.xml"
    path.write_text(text[: text.index("<smses")] + '<smses count="3">\n' + "".join(copies) + "</smses>\n",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def exhibit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exhibit")
    path = folder / "case.grc"
    case = vault.create_case(path, PASS, kdf=CHEAP)
    try:
        pipeline.set_contact(case, [SENDER], name="John Roe")
        pipeline.import_export(case, _export(folder))
        with case.transaction():
            for stored in case.messages():
                if stored.message.body == "I can see your window":
                    case.add_finding(stored.id, "test", finding(["threat"]))
                else:
                    case.add_finding(stored.id, "test", finding([]))
            case.add_record("setting", {"timezone": "UTC"})
    finally:
        case.close()
    return path


def _pages(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def _render(path: Path, options: ReportOptions | None = None) -> tuple[report.CaseRecord, bytes]:
    with vault.open_case(path, PASS) as c:
        record = gather(c, options or ReportOptions())
    return record, render_pdf(record).data


def _id(path: Path, body: str) -> int:
    with vault.open_case(path, PASS) as c:
        return next(s.id for s in c.messages() if s.message.body == body)


# -- names, court number, paper -----------------------------------------------------------


def test_the_cover_is_titled_by_the_parties_and_the_court_number_and_never_says_the_reader(exhibit: Path) -> None:
    record, data = _render(exhibit, ReportOptions(my_name="Jane Doe", their_name="John Roe",
                                                  court_ref="FD24P00123", paper="a4"))
    pages = _pages(data)
    assert pages[0].startswith("EVIDENCE REPORT Jane Doe and John Roe Court / case number: FD24P00123 ")
    assert "Made by Jane Doe" in pages[0]
    assert pages[0].count("FD24P00123") == 1  # once on the cover, not again in its table
    assert "Messages / calls by Jane Doe 0 / 0" in pages[0]
    text = " ".join(pages)
    assert "reader" not in text.lower()
    assert pypdf.PdfReader(io.BytesIO(data)).metadata.title == "Evidence report: Jane Doe and John Roe (FD24P00123)"
    assert pages[3].startswith("Jane Doe and John Roe · FD24P00123 · evidence report of ")


def test_without_names_the_report_uses_neutral_words(exhibit: Path) -> None:
    _, data = _render(exhibit)
    text = " ".join(_pages(data))
    assert "reader" not in text.lower()
    assert "the reporting party" in text
    # a table row; older pypdf/fpdf2 pairs lose the space between its cells when extracted
    assert "Messages/callsbythereportingparty0/0" in "".join(text.split())


def test_the_case_settings_give_the_names_and_options_replace_them(exhibit: Path) -> None:
    with vault.open_case(exhibit, PASS) as c:
        update_settings(c, my_name="Jane Doe", their_name="John Roe", court_ref="FD24P00123")
    try:
        _, data = _render(exhibit)
        assert _pages(data)[0].startswith("EVIDENCE REPORT Jane Doe and John Roe Court / case number: FD24P00123 ")
        _, data = _render(exhibit, ReportOptions(their_name="J. Roe", court_ref="2024-FL-0042"))
        assert _pages(data)[0].startswith("EVIDENCE REPORT Jane Doe and J. Roe Court / case number: 2024-FL-0042 ")
    finally:
        with vault.open_case(exhibit, PASS) as c:
            update_settings(c, my_name="", their_name="", court_ref="")


@pytest.mark.parametrize(("region", "paper", "box"), [
    ("US", None, [0, 0, 612, 792]), ("CA", None, [0, 0, 612, 792]), ("GB", None, [0, 0, 595.28, 841.89]),
    ("US", "a4", [0, 0, 595.28, 841.89]), ("DE", "letter", [0, 0, 612, 792]),
])
def test_paper_is_letter_in_the_us_and_canada_and_a4_elsewhere(exhibit: Path, monkeypatch: pytest.MonkeyPatch,
                                                              region: str, paper: str | None, box: list) -> None:
    monkeypatch.setenv("GREYROCK_REGION", region)
    record, data = _render(exhibit, ReportOptions(paper=paper))
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert [round(float(v), 2) for v in pages[0].mediabox] == box
    assert {tuple(round(float(v), 2) for v in p.mediabox) for p in pages} == {tuple(box)}


def test_an_unknown_paper_is_refused() -> None:
    with pytest.raises(InputError, match="--paper: 'a5'"):
        ReportOptions(paper="a5")


# -- filters on the cover ------------------------------------------------------------------


def test_the_cover_names_the_filters_and_the_options(exhibit: Path) -> None:
    _, data = _render(exhibit, ReportOptions(labels=("threat", "coercion"), own_messages=False,
                                             start=report.parse_day("2024-07-01", "--from"),
                                             end=report.parse_day("2024-07-31", "--to"), risk=False))
    cover = _pages(data)[0]
    assert ("FILTERED: this report does not show the whole case: it covers only the period 2024-07-01 to "
            "2024-07-31; its log shows only the other person's messages that the screening suggested as threat or "
            "coercion (everything else of theirs, and every message of the reporting party, is left out of the log)"
            "; the danger signs the reporting party confirmed are left out.") in cover
    assert ("Options used: --from 2024-07-01 --to 2024-07-31 --labels threat,coercion --no-own-messages --no-risk."
            in cover)
    _, data = _render(exhibit)
    assert "Not filtered: this report shows every message and call of the case" in _pages(data)[0]
    assert "FILTERED" not in _pages(data)[0]


# -- attachments ---------------------------------------------------------------------------


def test_an_image_gets_a_thumbnail_beside_its_message_in_the_threats_section_and_the_log(exhibit: Path) -> None:
    mid = _id(exhibit, "I can see your window")
    name = attachment_file_name(mid, 0, "image_8.png")
    assert name == f"m{mid:06d}-1-image_8.png"
    _, data = _render(exhibit)
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = _pages(data)
    with_thumb = [i for i, p in enumerate(reader.pages) if p.images]
    threats = next(i for i, t in enumerate(pages) if "4. Threats and coercion, in full" in t)
    log = next(i for i, t in enumerate(pages) if "Appendix A. Chronological log" in t)
    assert threats in with_thumb and log in with_thumb
    for i in (threats, log):
        assert f"I can see your window Attachment 1: image_8.png (image/png, 965 bytes) · in the evidence bundle as attachments/{name}" in pages[i]
        (image,) = reader.pages[i].images
        assert image.image.size == (320, 200)  # re-encoded at thumbnail size, the photo's proportions kept


def test_a_broken_image_and_a_decompression_bomb_give_a_note_not_a_crash(exhibit: Path) -> None:
    _, data = _render(exhibit)
    text = " ".join(_pages(data))
    broken, bomb = _id(exhibit, "Look"), _id(exhibit, "And this")
    assert (f"Look [no thumbnail: the file is not an image greyrock can read] Attachment 1: image_8.png (image/png, 35 bytes) · in the "
            f"evidence bundle as attachments/m{broken:06d}-1-image_8.png") in text
    assert "And this [no thumbnail: the image unpacks to too many pixels to decode safely]" in text
    # the photo, drawn twice: counted by the pages' "Do" operators, since fpdf2 2.7 lists every
    # image in each page's resources whether the page draws it or not
    drawn = sum(len(re.findall(rb"/I\d+ Do\b", p.get_contents().get_data())) for p in pypdf.PdfReader(io.BytesIO(data)).pages
                if p.get_contents() is not None)
    assert drawn == 2


def test_make_thumb_refuses_hostile_bytes() -> None:
    assert make_thumb(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40) == "the file is not an image greyrock can read"
    assert make_thumb(_bomb()) == "the image unpacks to too many pixels to decode safely"
    assert make_thumb(_photo()[:600]) == "the image is damaged or cannot be decoded"  # header whole, pixels cut
    png, w, h = make_thumb(_photo())
    assert (w, h) == (320, 200) and png.startswith(b"\x89PNG")


def test_attachment_file_names_are_safe_and_deterministic() -> None:
    assert attachment_file_name(12, 0, "IMG_20250330_004712.png") == "m000012-1-IMG_20250330_004712.png"
    assert attachment_file_name(7, 2, "../../etc/pass wd.jpg") == "m000007-3-pass_wd.jpg"
    assert attachment_file_name(7, 0, "\u202egnp.exe") == "m000007-1-gnp.exe"
    assert attachment_file_name(7, 0, "") == "m000007-1-attachment"
    assert len(attachment_file_name(1, 0, "x" * 300 + ".jpeg")) == len("m000001-1-") + 80


# -- danger signs, agreed contact ---------------------------------------------------------


def test_no_risk_leaves_the_danger_sign_answers_out(tmp_path: Path) -> None:
    built = build_case(tmp_path)
    with vault.open_case(built.path, PASS) as c:
        shown = gather(c, ReportOptions())
        hidden = gather(c, ReportOptions(risk=False))
    assert [s.sign for s in shown.danger_signs] == ["stalking"]
    assert hidden.danger_signs == () and hidden.risk_left_out == 1
    with_signs = " ".join(_pages(render_pdf(shown).data))
    without = " ".join(_pages(render_pdf(hidden).data))
    assert shown.danger_signs[0].statement in with_signs
    assert shown.danger_signs[0].statement not in without
    assert "3. Danger signs confirmed by the reporting party Left out of this report at the reporting party's choice " \
           "(--no-risk)." in without
    assert "1 confirmed sign is not shown" in without
    assert report.record_dict(hidden)["danger_signs"] == []


def _call_id(path: Path) -> int:
    with vault.open_case(path, PASS) as c:
        return next(s.id for s in c.messages() if s.message.kind.value == "call" and s.message.direction.value == "in"
                    and s.message.extra.get("duration") == 30)


def test_an_agreed_call_is_not_counted_as_an_attempt(tmp_path: Path) -> None:
    built = build_case(tmp_path)
    call = _call_id(built.path)
    with vault.open_case(built.path, PASS) as c:
        before = gather(c)
        weeks_before = sum(w.calls for w in no_contact_status(c).attempts_per_week)
        c.mark_agreed(call)
        after = gather(c)
        weeks_after = sum(w.calls for w in no_contact_status(c).attempts_per_week)
    assert (before.counts()["their_calls"], after.counts()["their_calls"]) == (2, 1)
    assert before.timeline.attempts - after.timeline.attempts == 1
    assert (weeks_before, weeks_after) == (2, 1)
    assert after.counts()["agreed_contact"] == 1
    text = " ".join(_pages(render_pdf(after).data))
    assert "[Agreed contact: marked as agreed by the reporting party; not counted as an attempt]" in text
    assert ("Agreed contact is not counted as a contact attempt: 1 call or message the reporting party marked one by "
            "one as agreed") in text


def test_a_schedule_of_agreed_calls_and_not_agreed_overriding_it(tmp_path: Path) -> None:
    built = build_case(tmp_path)
    call = _call_id(built.path)  # 2024-03-06 12:00 in New York, a Wednesday
    with vault.open_case(built.path, PASS) as c:
        update_settings(c, agreed_calls="Sun 18:00-18:30; Wed 11:55-12:05")
        scheduled = gather(c)
        c.mark_agreed(call, False)
        overruled = gather(c)
    assert scheduled.counts()["their_calls"] == 1
    assert next(e for e in scheduled.entries if e.id == call).agreed == "schedule"
    assert "1 call that started within the agreed weekly schedule (Sun 18:00-18:30; Wed 11:55-12:05)" in \
        " ".join(_pages(render_pdf(scheduled).data))
    assert overruled.counts()["their_calls"] == 2


def test_the_cli_marks_agreed_contact_and_refuses_a_bad_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .test_corrections import _cli

    monkeypatch.setenv("GREYROCK_PASSPHRASE", PASS)
    built = build_case(tmp_path)
    call = _call_id(built.path)
    code, stdout, stderr = _cli("case", "label", str(built.path), str(call), "--agreed")
    assert code == 0, stderr
    assert stdout == f"#{call}: agreed contact: not counted as a contact attempt.\n"
    code, stdout, stderr = _cli("case", "settings", str(built.path), "--agreed-calls", "Sunday 18:00-17:00")
    assert code == 2
    assert "--agreed-calls: 'Sunday 18:00-17:00' ends before it starts" in stderr
    code, stdout, _ = _cli("case", "settings", str(built.path), "--agreed-calls", "sun 18:00-18:30", "--json")
    assert code == 0 and '"agreed_calls": "sun 18:00-18:30"' in stdout
    out = tmp_path / "r.pdf"
    code, stdout, stderr = _cli("report", str(built.path), "--out", str(out), "--no-risk", "--paper", "letter",
                                "--my-name", "Jane Doe", "--court-ref", "FD24P00123")
    assert code == 0, stderr
    first = _pages(out.read_bytes())[0]
    assert first.startswith("EVIDENCE REPORT Messages and calls received by Jane Doe Court / case number: FD24P00123")
    assert "Options used: --no-risk." in first
    code, _, stderr = _cli("report", str(built.path), "--out", str(out), "--paper", "a5")
    assert code == 2 and "--paper: 'a5' is not a paper size; give letter or a4." in stderr


def test_the_html_page_has_the_same_title_filters_and_no_risk_line(tmp_path: Path) -> None:
    built = build_case(tmp_path)
    with vault.open_case(built.path, PASS) as c:
        record = gather(c, ReportOptions(risk=False, my_name="Jane Doe", their_name="Alex Doe", court_ref="FD24P00123"))
    page = report.render_html(record)
    assert "<title>Evidence report: Jane Doe and Alex Doe</title>" in page
    assert "<h1>Jane Doe and Alex Doe</h1>\n<p><strong>Court / case number: FD24P00123</strong></p>" in page
    assert ("FILTERED: this report does not show the whole case: the danger signs Jane Doe confirmed are left out "
            "(1 confirmed). Options used: --no-risk.") in page
    assert "<p>Left out of this report at Jane Doe’s choice (--no-risk).</p>" in page
    with vault.open_case(built.path, PASS) as c:
        statement = gather(c).danger_signs[0].statement
    assert statement in report.render_html(gather_again(built.path)) and statement not in page


def gather_again(path: Path) -> report.CaseRecord:
    with vault.open_case(path, PASS) as c:
        return gather(c)


def test_long_names_are_cut_in_the_running_header_not_drawn_off_the_page(exhibit: Path) -> None:
    long = "Maximiliana Alexandra Konstantinopoulou-Fitzgerald de la Cruz"
    _, data = _render(exhibit, ReportOptions(my_name=long, their_name=long, court_ref="FD24P00123", paper="letter"))
    header = _pages(data)[2].split(" 2. Timeline")[0]
    assert header.startswith(f"{long} and Maximiliana") and header.endswith("…")
    assert _pages(data)[0].startswith(f"EVIDENCE REPORT {long} and {long} Court / case number: FD24P00123")


def test_the_html_page_never_says_the_reader(tmp_path: Path) -> None:
    """The page names the reporting party wherever greyrock's own words said "the reader"."""
    built = build_case(tmp_path)
    with vault.open_case(built.path, PASS) as c:
        record = gather(c, ReportOptions(my_name="Jane Doe", their_name="Alex Doe"))
    page = report.render_html(record)
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "reader" not in visible.lower()
    assert "<h2>3. Danger signs confirmed by Jane Doe</h2>" in page
    assert "Confirmed by Jane Doe on 20" in page
