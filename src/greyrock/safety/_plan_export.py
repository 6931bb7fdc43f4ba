"""The safety plan as a printable page: HTML with a print stylesheet, or plain text.

A printed plan is a risk of its own if the other person finds it, so the page says so at
the top. Everything the reader wrote is HTML-escaped; the page loads nothing from
anywhere (no scripts, fonts or images) and forbids it with a Content-Security-Policy, so
opening it is as private as reading it on paper.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from greyrock._files import write_private
from greyrock.errors import InputError

from ._plan import Plan
from ._plan_guide import PHASES, ROLES, SECTIONS
from ._resources import Resource

__all__ = ["KEEP_SAFE", "export_plan", "render_html", "render_text"]

KEEP_SAFE = (
    "Keep this plan somewhere safe, where the other person cannot find it: with someone you trust, at work, "
    "or hidden. If they might find it, do not print it."
)

_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
       color: #111; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #999; padding-bottom: .1em; margin-top: 1.6em; }
.keep-safe { border: 2px solid #111; padding: .6em .8em; font-weight: bold; }
.why, .tip { font-style: italic; }
.tip { color: #333; }
.warning { border-left: 4px solid #111; padding-left: .6em; }
ul.checklist { list-style: none; padding-left: 0; }
ul.checklist li { margin: .2em 0; }
.notes { white-space: pre-wrap; border: 1px solid #bbb; padding: .4em .6em; min-height: 2em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .3em .5em; text-align: left; vertical-align: top; }
@page { margin: 1.5cm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  section { break-inside: avoid; }
  a { color: #111; text-decoration: none; }
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _phase_title(phase: str) -> str:
    return next(p.title for p in PHASES if p.id == phase)


def _role_title(role: str) -> str:
    return next(t for r, t in ROLES if r == role)


def render_html(plan: Plan, resources: Sequence[Resource] = (), printed_on: date | None = None) -> str:
    """A self-contained, printable HTML page of the plan."""
    day = (printed_on or date.today()).isoformat()
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="referrer" content="no-referrer">',
        "<title>Safety plan</title>",
        f"<style>{_CSS}</style>",
        "</head><body>",
        "<h1>Safety plan</h1>",
        f"<p>Phase: <strong>{_e(_phase_title(plan.phase))}</strong> &middot; printed {_e(day)}</p>",
        f'<p class="keep-safe">{_e(KEEP_SAFE)}</p>',
    ]
    if resources:
        out.append('<section><h2>Help numbers</h2><table><tr><th>Who</th><th>Phone</th><th>Text</th>'
                   "<th>Hours</th><th>Good to know</th></tr>")
        for r in resources:
            name = r.name + (f" ({r.area})" if r.area else "")
            out.append(f"<tr><td>{_e(name)}</td><td>{_e(r.phone or r.web)}</td><td>{_e(r.text)}</td>"
                       f"<td>{_e(r.hours)}</td><td>{_e(r.note)}</td></tr>")
        out.append("</table></section>")
    for section in SECTIONS:
        entry = plan.section(section.id)
        out.append(f'<section id="{section.id}"><h2>{_e(section.title)}</h2>')
        out.append(f'<p class="why">{_e(section.why)}</p>')
        out.append(f'<p class="tip">{_e(section.tips[plan.phase])}</p>')
        if section.id == "support_team":
            out.append(f"<p>Code word: <strong>{_e(plan.code_word) or '&nbsp;' * 20}</strong></p>")
            out.append("<table><tr><th>Role</th><th>Name</th><th>How to reach them</th></tr>")
            for m in plan.team:
                out.append(f"<tr><td>{_e(_role_title(m.role))}</td><td>{_e(m.name)}</td><td>{_e(m.contact)}</td></tr>")
            out.append("</table>")
        out.append('<ul class="checklist">')
        for item in section.items:
            box = "&#9745;" if item.id in entry.done else "&#9744;"
            out.append(f"<li>{box} {_e(item.text)}</li>")
        out.append("</ul>")
        out.append(f'<div class="notes">{_e(entry.notes)}</div></section>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_text(plan: Plan, resources: Sequence[Resource] = (), printed_on: date | None = None) -> str:
    """The plan as plain text, for printing from any editor."""
    day = (printed_on or date.today()).isoformat()
    lines = ["SAFETY PLAN", f"Phase: {_phase_title(plan.phase)} - printed {day}", "", KEEP_SAFE, ""]
    if resources:
        lines.append("HELP NUMBERS")
        for r in resources:
            name = r.name + (f" ({r.area})" if r.area else "")
            extra = f"; {r.text}" if r.text else ""
            lines.append(f"  {name}: {r.phone or r.web}{extra} ({r.hours})")
            if r.note:
                lines.append(f"      {r.note}")
        lines.append("")
    for section in SECTIONS:
        entry = plan.section(section.id)
        lines += [section.title.upper(), section.why, f"Tip: {section.tips[plan.phase]}"]
        if section.id == "support_team":
            lines.append(f"Code word: {plan.code_word or '____________'}")
            for m in plan.team:
                lines.append(f"  {_role_title(m.role)}: {m.name}" + (f", {m.contact}" if m.contact else ""))
        for item in section.items:
            lines.append(f"  [{'x' if item.id in entry.done else ' '}] {item.text}")
        if entry.notes:
            lines.append("Notes:")
            lines += [f"  {line}" for line in entry.notes.splitlines()]
        lines.append("")
    return "\n".join(lines)


def export_plan(plan: Plan, path: Path, resources: Sequence[Resource] = (), printed_on: date | None = None) -> Path:
    """Write the plan to `path`: plain text for a .txt name, HTML otherwise."""
    text = (render_text if path.suffix.lower() == ".txt" else render_html)(plan, resources, printed_on)
    try:
        write_private(path, text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot write the plan ({exc.strerror}).") from exc
    return path
