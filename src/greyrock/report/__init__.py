"""Reports: the escalation timeline of a case, and the record a lawyer or judge can read and check.

    tl = report.case_timeline(case)                     # counts per day and week, trend, bursts
    record = report.gather(case, report.ReportOptions(start=date(2024, 1, 1)))
    report.write_pdf(record, "report.pdf").pages        # cover, summary, charts, ... statement
    report.write_html(record, "report.html")
    report.write_csv(record, "messages.csv"); report.write_json(record, "record.json")

Everything is gathered once into a `CaseRecord`, so the PDF, HTML, CSV and JSON cannot
disagree. The other person's words are shown exactly; labels are shown as what they are,
automated suggestions; the chain fingerprint lets anyone check the case is unaltered.
"""

from __future__ import annotations

from ._entries import Entry
from ._export import csv_bytes, message_dict, record_dict, to_csv, to_json, write_csv, write_json
from ._fonts import FontSet, core_fonts, find_fonts
from ._images import Thumb, attachment_file_name
from ._html import render_html, write_html
from ._pdf import RenderedPdf, render_pdf, write_pdf
from ._record import Accounting, CaseRecord, DangerSign, Integrity, Parties, ReportOptions, gather, paper_for, parse_day
from ._settings import CaseSettings, Clock, read_settings
from ._text import format_ts
from ._timeline import DayCount, NightBurst, Timeline, Trend, WeekCount, build_timeline, case_timeline

__all__ = [
    "Accounting",
    "CaseRecord",
    "CaseSettings",
    "Clock",
    "DangerSign",
    "DayCount",
    "Entry",
    "FontSet",
    "Integrity",
    "NightBurst",
    "Parties",
    "RenderedPdf",
    "ReportOptions",
    "Thumb",
    "Timeline",
    "Trend",
    "WeekCount",
    "attachment_file_name",
    "build_timeline",
    "case_timeline",
    "core_fonts",
    "csv_bytes",
    "find_fonts",
    "format_ts",
    "gather",
    "message_dict",
    "paper_for",
    "parse_day",
    "read_settings",
    "record_dict",
    "render_html",
    "render_pdf",
    "to_csv",
    "to_json",
    "write_csv",
    "write_html",
    "write_json",
    "write_pdf",
]
