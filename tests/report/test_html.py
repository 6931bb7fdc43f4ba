"""The HTML report: hostile text escaped, nothing loaded from anywhere, the same record."""

from __future__ import annotations

import re
from datetime import date

from greyrock import report
from greyrock.report import ReportOptions

from .conftest import MULTILINE


def test_hostile_text_is_escaped_and_no_script_can_run(case) -> None:
    page = report.render_html(report.gather(case))
    assert "Hostile &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 😡👍🏽 “quoted”" in page
    assert "<script" not in page.lower()
    assert "Line one\nLine two [U+202E]evil" in page and "\u202e" not in page


def test_page_loads_nothing_from_anywhere(case) -> None:
    page = report.render_html(report.gather(case))
    assert "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=|url\(|@import|<link|<iframe|<object""", page, re.IGNORECASE)


def test_same_sections_and_fingerprint_as_the_pdf(case) -> None:
    record = report.gather(case)
    page = report.render_html(record)
    assert record.integrity.fingerprint in page
    for heading in ("1. Summary", "2. Timeline", "3. Danger signs confirmed by the reporting party",
                    "4. Threats and coercion, in full", "5. Incident journal", "Appendix A. Chronological log",
                    "Appendix B. Manifest of originals", "Method note"):
        assert f">{heading}<" in page
    assert page.count("<svg") == 3


def test_period_filter(case) -> None:
    page = report.render_html(report.gather(case, ReportOptions(start=date(2024, 3, 6), end=date(2024, 3, 6))))
    assert MULTILINE.split("\n")[0] in page and "I&#x27;m outside." in page
    assert "Watch your back" not in page and "Pick-up is 5pm" not in page
