"""The PDF report, read back with pypdf: the text a judge sees, and the drawing of a chart.

Rendered twice: with the Unicode font this computer has (when it has one) and with the
built-in latin-1 fonts that any plain pip install can count on.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pypdf
import pytest

from greyrock import report, vault
from greyrock.report import ReportOptions, core_fonts, find_fonts, format_ts

from .conftest import JOURNAL_TEXT, PASS, THREATS, Built, build_case, tamper


def _flat(text: str) -> str:
    """Extracted text with line wrapping undone (a wrapped line is one space)."""
    return " ".join(text.split())


@pytest.fixture(scope="module", params=["unicode", "latin-1"])
def pdf(request: pytest.FixtureRequest, built: Built):
    fonts = find_fonts() if request.param == "unicode" else core_fonts()
    if request.param == "unicode" and not fonts.unicode:
        pytest.skip("no DejaVu font on this computer")
    with vault.open_case(built.path, PASS) as case:
        record = report.gather(case)
        rendered = report.render_pdf(record, fonts)
    reader = pypdf.PdfReader(io.BytesIO(rendered.data))
    pages = [_flat(p.extract_text()) for p in reader.pages]
    return record, rendered, reader, pages, request.param


def test_cover_holds_the_fingerprint_and_how_to_verify(pdf, built: Built) -> None:
    record, _, _, pages, _ = pdf
    with vault.open_case(built.path, PASS) as case:
        fingerprint = case.verify().fingerprint
    assert record.integrity.ok and len(fingerprint) == 64
    assert fingerprint in pages[0]
    assert "greyrock case verify case.grc" in pages[0]
    assert "Doe v. Doe (test)" in pages[0] and "Alex Doe: +12025550147" in pages[0]


def test_every_page_is_numbered_page_n_of_m(pdf) -> None:
    _, rendered, reader, pages, _ = pdf
    assert rendered.pages == len(reader.pages) >= 9
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of {rendered.pages}" in text


def test_every_threat_in_full_with_its_timestamp(pdf) -> None:
    _, _, _, pages, _ = pdf
    section = next(t for t in pages if "4. Threats and coercion, in full" in t)
    section = section[section.index("4. Threats and coercion"):]
    for body, printed in THREATS.items():
        assert printed == format_ts(datetime_of(printed))
        at = section.index(printed)
        assert section.index(body, at) - at < 120, body
    assert section.count("ON OR AFTER THE SEPARATION DATE") == 2


def datetime_of(printed: str):
    from datetime import datetime, timedelta, timezone

    day, time, offset = printed.split()
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=timezone(timedelta(hours=int(offset[3:6]))))


def test_log_is_the_original_text_with_labels_as_suggestions(pdf) -> None:
    _, _, _, pages, _ = pdf
    log = " ".join(pages[next(i for i, t in enumerate(pages) if "Appendix A. Chronological log" in t):])
    assert "You ruined everything, you useless idiot" in log
    assert "SHIELDED-SUMMARY" not in " ".join(pages)
    assert "Automated suggestion: verbal abuse" in log
    assert "Confirmed." in log and "Sent by the reporting party" in log
    assert "Are you ok? Call me" not in " ".join(pages)  # the friend's message
    assert "[Call: missed, 0 s]" in log


def test_journal_danger_signs_and_manifest(pdf, built: Built) -> None:
    _, _, _, pages, _ = pdf
    text = " ".join(pages)
    assert JOURNAL_TEXT in text and "CR-2024-0042" in text
    assert "They follow or spy on me, or leave threatening messages." in text
    assert "They have threatened to kill me" not in text  # confirmed, then dismissed: the last answer wins
    for export in built.exports:
        assert hashlib.sha256(export.read_bytes()).hexdigest() in text


def test_method_note_says_labels_are_suggestions(pdf) -> None:
    _, _, _, pages, _ = pdf
    method = next(t for t in pages if "Method note" in t and "Counting" in t)
    assert "These labels are automated suggestions, not findings" in method
    assert any("Statement of the person who made this report" in t and "Signature" in t for t in pages)


def test_timeline_page_draws_bar_charts(pdf) -> None:
    _, _, reader, pages, _ = pdf
    i = next(i for i, t in enumerate(pages) if "2. Timeline" in t)
    assert "Contact attempts by the other person, per day" in pages[i]
    assert "Messages by suggested label, per day" in pages[i]
    content = reader.pages[i].get_contents().get_data().decode("latin-1")
    bars = re.findall(r"[\d.]+ [\d.]+ [\d.]+ -?[\d.]+ re f", content)
    # one filled segment per channel and day (1+2+1+3+2) and per abusive label and day (1+1+2+2)
    assert len(bars) == 9 + 6


def test_hostile_text_is_drawn_or_visibly_replaced(pdf) -> None:
    _, _, _, pages, fonts = pdf
    text = " ".join(pages)
    assert '<script>alert("x")</script>' in text
    assert "[U+202E]evil" in text  # a right-to-left override is shown, not obeyed
    if fonts == "latin-1":
        assert 'Hostile <script>alert("x")</script> & [emoji][emoji] "quoted"' in text
        assert "characters replaced for display, see method note" in text
    else:
        assert "“quoted”" in text


def test_integrity_failure_is_on_the_cover_and_the_report_still_comes_out(tmp_path: Path) -> None:
    built = build_case(tmp_path, calls=False, settings=False)
    tamper(built.path, "UPDATE messages SET body = 'Nothing happened' WHERE id = 6")
    with vault.open_case(built.path, PASS) as case:
        record = report.gather(case)
        fingerprint = case.fingerprint()
    rendered = report.render_pdf(record, core_fonts())
    cover = _flat(pypdf.PdfReader(io.BytesIO(rendered.data)).pages[0].extract_text())
    assert "INTEGRITY CHECK FAILED" in cover and "the message with id 6 (line 7) was changed" in cover
    assert fingerprint not in cover and "NOT VERIFIED" in cover


def test_period_and_own_message_options(built: Built) -> None:
    from datetime import date

    options = ReportOptions(start=date(2024, 3, 5), end=date(2024, 3, 5), own_messages=False)
    with vault.open_case(built.path, PASS) as case:
        record = report.gather(case, options)
    text = " ".join(_flat(p.extract_text()) for p in pypdf.PdfReader(
        io.BytesIO(report.render_pdf(record, core_fonts()).data)).pages)
    assert "Sign the papers or you'll never see the kids again." in text
    assert "Pick-up is 5pm Saturday" not in text and "Watch your back" not in text
    assert JOURNAL_TEXT not in text  # the incident of the 4th is outside the period
    assert "Period 2024-03-05 to 2024-03-05" in text
    assert "the reporting party's own messages left out of the log" in text
