"""The report as one self-contained HTML page, for a quick look in a browser.

Same sections and words as the PDF. The page loads nothing from anywhere (no fonts, no
scripts, no images but its inline SVG charts), and a Content-Security-Policy forbids it
to, so opening it reveals nothing to anyone. Every piece of text, the other person's
above all, is HTML-escaped: a message holding `<script>` shows those characters.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from pathlib import Path

from greyrock._files import write_private

from ._charts import BarChart, label_every, nice_ticks, timeline_charts
from ._entries import Entry
from ._describe import channel_name, notes, sender, suggestion
from ._record import CaseRecord
from ._text import format_ts, show
from ._wording import (
    accounting_text, cover_facts, filter_text, linked_not_shown, method, statement, summary_lines, unparsed_intro, verify_command,
    verify_steps,
)

__all__ = ["render_html", "write_html"]

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#141414;max-width:52rem;margin:2rem auto;
padding:0 1rem}
h1{font-size:1.9rem;margin:.2rem 0}h2{border-bottom:2px solid #444;padding-bottom:.2rem;margin-top:2.5rem}
.muted{color:#555}.kicker{letter-spacing:.08em;color:#555;font-weight:bold}
table.rows{border-collapse:collapse;width:100%}table.rows th{text-align:left;vertical-align:top;width:40%;
padding:.2rem .8rem .2rem 0}table.rows td{padding:.2rem 0;overflow-wrap:anywhere}
.fp{font-family:ui-monospace,Menlo,Consolas,monospace;background:#eef2f8;padding:.5rem;overflow-wrap:anywhere}
.alert{border:2px solid #a00;background:#ffecec;color:#a00;padding:.8rem}
.msg{margin:.8rem 0 1.1rem}.msg .head{font-weight:bold;font-size:.9rem}
.msg .body{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2rem 0 .2rem 1.2rem}
.msg .meta{font-size:.85rem;color:#555;margin-left:1.2rem}.msg.own .body,.msg.own .head{color:#444}
.note{font-style:italic;color:#555;margin-left:1.2rem}.flag{color:#a00;font-weight:bold}
svg{max-width:100%;height:auto}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
@media print{body{max-width:none}h2{break-before:page}.msg{break-inside:avoid}}
"""


def _e(text: object) -> str:
    """Escaped, with control and bidi characters made visible (see `_text.show`)."""
    return html.escape(show(str(text)).text, quote=True)


def _rgb(c: tuple[int, int, int]) -> str:
    return f"rgb({c[0]},{c[1]},{c[2]})"


def _svg(chart: BarChart) -> str:
    w, h, left, top, plot = 720, 260, 40, 34, 180
    width = w - left - 10
    totals = chart.totals
    ticks = nice_ticks(max(totals, default=0))
    ymax = ticks[-1]
    y0 = top + plot
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{_e(chart.title)}" font-family="sans-serif" font-size="11">']
    x = left
    for s in chart.series:
        out.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{_rgb(s.colour)}" stroke="#555"/>'
                   f'<text x="{x + 14}" y="17">{_e(s.name)}</text>')
        x += 26 + 7 * len(s.name)
    for t in ticks:
        y = y0 - plot * t / ymax
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{t}</text>')
    n = len(chart.categories)
    if n:
        slot = width / n
        bar = max(slot * 0.78, 0.6)
        for i in range(n):
            base = y0
            for s in chart.series:
                v = s.values[i]
                if v:
                    bh = plot * v / ymax
                    out.append(f'<rect x="{left + i * slot + (slot - bar) / 2:.2f}" y="{base - bh:.2f}" '
                               f'width="{bar:.2f}" height="{bh:.2f}" fill="{_rgb(s.colour)}">'
                               f'<title>{_e(chart.categories[i])}: {v} {_e(s.name)}</title></rect>')
                    base -= bh
        step = label_every(n, width, 6.2 * len(chart.categories[0]) + 8)
        for i in range(0, n, step):
            out.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{y0 + 15}" text-anchor="middle" '
                       f'fill="#555">{_e(chart.categories[i])}</text>')
        if chart.marker is not None:
            mx = left + chart.marker * slot + slot / 2
            out.append(f'<line x1="{mx:.1f}" y1="{top - 4}" x2="{mx:.1f}" y2="{y0}" stroke="#a00" '
                       f'stroke-dasharray="4 3"/><text x="{mx + 3:.1f}" y="{top + 6}" fill="#a00">'
                       f'{_e(chart.marker_label)}</text>')
    out.append(f'<line x1="{left}" y1="{y0}" x2="{left + width}" y2="{y0}" stroke="#333"/></svg>')
    return "".join(out)


def _rows(rows: list[tuple[str, str]], mono: bool = False) -> str:
    cls = ' class="mono"' if mono else ""
    body = "".join(f"<tr><th>{_e(k)}</th><td{cls}>{_e(v)}</td></tr>" for k, v in rows)
    return f'<table class="rows">{body}</table>'


def _message(e: Entry, words: Callable[[str], str], flag: str = "") -> str:
    """`words` names the reporting party where greyrock's wording says "the reader" (never in evidence)."""
    m = e.message
    head = f"{format_ts(e.when)} · {channel_name(e)} · {sender(e) if e.from_other else words(sender(e))}"
    parts = [f'<div class="msg{"" if e.from_other else " own"}"><div class="head">{_e(head)}</div>']
    parts += [f'<div class="note">{_e(words(n))}</div>' for n in notes(e)]
    if m.body:
        parts.append(f'<div class="body" dir="auto">{_e(m.body)}</div>')
    meta = [f'<span class="flag">{_e(flag)}</span>'] if flag else []
    label_note = suggestion(e)
    if label_note:
        meta.append(_e(words(label_note)))
    meta.append(_e(f"source {m.source.file}, {m.source.locator} · message {e.id}"))
    parts.append(f'<div class="meta">{" · ".join(meta)}</div></div>')
    return "".join(parts)


def render_html(record: CaseRecord) -> str:
    integrity = record.integrity
    out = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        "<meta name=\"referrer\" content=\"no-referrer\"><meta name=\"viewport\" content=\"width=device-width\">",
        f"<title>Evidence report: {_e(record.title)}</title><style>{_CSS}</style></head><body>",
        f'<p class="kicker">EVIDENCE REPORT</p><h1>{_e(record.title)}</h1>',
        *([f"<p><strong>Court / case number: {_e(record.parties.court_ref)}</strong></p>"]
          if record.parties.court_ref else []),
        '<p class="muted">Messages, calls and incidents, with the original texts and a way to check them.</p>',
        _rows(cover_facts(record)),
        f'<p class="accounting"><strong>{_e(filter_text(record))}</strong></p>',
        f'<p class="accounting">{_e(accounting_text(record))}</p>',
    ]
    if integrity.ok:
        before, after = verify_steps(record)
        out.append(f'<h3>Chain fingerprint (SHA-256)</h3><p class="fp">{_e(integrity.fingerprint)}</p>'
                   f'<h3>How to verify this report</h3><p>{_e(before)}</p><p class="fp">'
                   f"{_e(verify_command(record))}</p><p>{_e(after)}</p>")
    else:
        out.append(f'<div class="alert"><strong>INTEGRITY CHECK FAILED</strong><br>When this report was made, '
                   f"'greyrock case verify' found: {_e(integrity.problem)}<br>This report was produced anyway, "
                   "but cannot be relied on as unaltered until the case file is checked.</div>")

    out.append("<h2>1. Summary</h2>" + _rows(summary_lines(record)))
    if record.danger_signs:
        out.append(f"<p><strong>{_e(record.words('Danger signs the reader confirmed:'))}</strong></p><ul>"
                   + "".join(f"<li>{_e(s.statement)}</li>" for s in record.danger_signs) + "</ul>")

    out.append("<h2>2. Timeline</h2>")
    for chart in timeline_charts(record.timeline):
        out.append(f"<h3>{_e(chart.title)}</h3>{_svg(chart)}<p class=\"muted\">{_e(chart.caption)}</p>")
    out.append("<h3>Night-time bursts</h3>")
    bursts = [(f"Night of {b.night.isoformat()}", f"{len(b.entries)} attempts ({b.messages} messages, "
               f"{b.calls} calls)") for b in record.timeline.night_bursts]
    out.append(_rows(bursts) if bursts else "<p>No night (22:00-06:00) had 3 or more contact attempts.</p>")

    out.append(f"<h2>{_e(record.words('3. Danger signs confirmed by the reader'))}</h2>")
    if not record.options.risk:
        out.append(f"<p>{_e(record.words('Left out of this report at the reader’s choice (--no-risk).'))}</p>")
    elif not record.danger_signs:
        out.append(f"<p>{_e(record.words('The reader has not confirmed any danger sign in greyrock.'))}</p>")
    for s in record.danger_signs:
        out.append(f"<h3>{_e(s.statement)}</h3><p class=\"muted\">"
                   f"{_e(record.words('Confirmed by the reader on ' + s.confirmed_at[:10]))}.</p>")
        for e, flag in s.messages:
            out.append(f'<div class="msg"><div class="head">{_e(format_ts(e.when))} · message {e.id}</div>'
                       f'<div class="body">“{_e(flag.get("text", ""))}”</div><div class="meta">Automated '
                       f'suggestion: {_e(flag.get("why", ""))}</div></div>')
        for e in s.linked:
            out.append(_message(e, record.words, record.words("LINKED TO THIS SIGN BY THE READER")))
        if s.linked_not_shown:
            out.append(f'<p class="muted">{_e(linked_not_shown(s.linked_not_shown))}</p>')

    out.append("<h2>4. Threats and coercion, in full</h2>")
    separation = record.timeline.separation_date
    if not record.serious:
        out.append("<p>No message of the other person in this period was suggested as a threat or coercion.</p>")
    for e in record.serious:
        after = separation is not None and e.day is not None and e.day >= separation
        out.append(_message(e, record.words, "ON OR AFTER THE SEPARATION DATE" if after else ""))

    out.append("<h2>5. Incident journal</h2>")
    if not record.journal:
        out.append(f"<p>{_e(record.words('The reader has recorded no incident in the journal for this period.'))}</p>")
    fields = (("where", "Where"), ("what_happened", "What happened"), ("injuries", "Injuries"),
              ("witnesses", "Witnesses"), ("police_report", "Police report"), ("medical_visit", "Medical visit"))
    for entry in record.journal:
        out.append(f"<h3>Incident of {_e(str(entry.get('when', '')).replace('T', ' '))}</h3>")
        rows = [(label, str(entry.get(key) or "")) for key, label in fields if entry.get(key)]
        rows += [("Attached file", f"{f.get('name')} ({f.get('size')} bytes), SHA-256 {f.get('sha256')}")
                 for f in entry.get("files") or []]
        out.append(_rows(rows))

    out.append(f"<h2>Appendix A. Chronological log</h2><p class=\"muted\">{len(record.log)} entries, oldest "
               "first, each with its original text exactly as exported. Labels are automated suggestions.</p>")
    day = None
    for e in record.log:
        if e.day != day:
            day = e.day
            out.append(f"<h4>{day.strftime('%A %d %B %Y') if day else 'Time unreadable'}</h4>")
        out.append(_message(e, record.words))

    out.append("<h2>Appendix B. Manifest of originals</h2>")
    out.append(_rows([(str(o["name"]), f"{o['size']} bytes · SHA-256 {o['sha256']}") for o in record.originals],
                     mono=True))

    out.append("<h2>Appendix C. Records greyrock could not read</h2>")
    if not record.unparsed:
        out.append("<p>None: greyrock read every record of the exports.</p>")
    else:
        out.append(f'<p class="muted">{_e(unparsed_intro(record))}</p>')
    for u in record.unparsed:
        when = f"dated {u.timestamp}" if u.timestamp else "no readable date"
        out.append(f'<div class="msg"><div class="head">{_e(u.place)}</div><div class="meta">Why: {_e(u.reason)} · '
                   f"record {u.id} of the case · {u.chars} characters of raw text · {_e(when)}</div>")
        if u.raw is None:
            out.append(f'<div class="note">Raw text not shown: {_e(u.withheld)}.</div></div>')
        else:
            out.append(f'<div class="note">Raw text, exactly as in the export:</div><div class="body">'
                       f"{_e(u.raw)}</div></div>")

    out.append("<h2>Method note</h2>")
    for block in method(record, None, False):
        out.append(f"<h3>{_e(block.title)}</h3>" + "".join(f"<p>{_e(p)}</p>" for p in block.paragraphs))
    block = statement(record)
    out.append(f"<h2>{_e(block.title)}</h2>" + "".join(f"<p>{_e(p)}</p>" for p in block.paragraphs))
    out.append("<p>Full name: ______________________</p><p>Signature: ______________________</p>"
               "<p>Date: ______________________</p></body></html>")
    return "\n".join(out) + "\n"


def write_html(record: CaseRecord, path: str | os.PathLike[str]) -> Path:
    return write_private(path, render_html(record).encode("utf-8", "surrogatepass"))
