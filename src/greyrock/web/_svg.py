"""Bar charts drawn as SVG on the server, for pages that must work with JavaScript off.

The charts are markup built here, not in the browser: every text that goes into them (a
week's name, a label) is escaped, colours are SVG presentation attributes (the
Content-Security-Policy forbids `style` attributes, not these), and nothing is loaded from
anywhere. Each bar carries `data-week`, `data-series` and `data-count` and a `<title>`, so
that a screen reader, a test or a curious reader can read the exact number behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from greyrock.report._charts import nice_ticks

__all__ = ["Bar", "stacked_bars"]

_W, _H, _LEFT, _TOP, _PLOT, _RIGHT = 720, 232, 36, 40, 170, 8


@dataclass(frozen=True, slots=True)
class Bar:
    """One category (a week): its name, the stacked counts (series name, count), and a mark."""

    name: str
    counts: tuple[tuple[str, int], ...]
    marked: bool = False  # drawn with a red sign above it (a week with a threat)


def _e(text: object) -> str:
    return escape("".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in str(text)), quote=True)


def stacked_bars(title: str, bars: list[Bar], colours: dict[str, str], mark_label: str = "") -> Markup:
    """An SVG of stacked bars, one per entry of `bars`, with a legend of `colours`' series."""
    ticks = nice_ticks(max((sum(c for _, c in b.counts) for b in bars), default=0))
    ymax, y0, width = ticks[-1], _TOP + _PLOT, _W - _LEFT - _RIGHT
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_W} {_H}" role="img" '
           f'aria-label="{_e(title)}" font-family="sans-serif" font-size="11">']
    x = _LEFT
    for name, colour in colours.items():
        out.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{_e(colour)}"/>'
                   f'<text x="{x + 14}" y="15">{_e(name)}</text>')
        x += 26 + 7 * len(name)
    if mark_label:
        out.append(f'<text x="{x}" y="15" fill="#a00">&#9650; {_e(mark_label)}</text>')
    for t in ticks:
        y = y0 - _PLOT * t / ymax
        out.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_LEFT + width}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{t}</text>')
    slot = width / max(len(bars), 1)
    bar_w = min(max(slot * 0.78, 0.6), 48.0)  # a few weeks: bars, not slabs
    every = max(1, int(70 // slot) + 1) if slot < 70 else 1
    for i, b in enumerate(bars):
        left, base = _LEFT + i * slot + (slot - bar_w) / 2, float(y0)
        for series, count in b.counts:
            if not count:
                continue
            h = _PLOT * count / ymax
            out.append(f'<rect class="chart-bar" x="{left:.2f}" y="{base - h:.2f}" width="{bar_w:.2f}" height="{h:.2f}" '
                       f'fill="{_e(colours.get(series, "#888"))}" data-week="{_e(b.name)}" '
                       f'data-series="{_e(series)}" data-count="{count}">'
                       f'<title>{_e(b.name)}: {count} {_e(series)}</title></rect>')
            base -= h
        if b.marked:
            cx = left + bar_w / 2
            out.append(f'<path class="chart-mark" d="M{cx - 5:.1f} {base - 3:.1f} L{cx + 5:.1f} {base - 3:.1f} '
                       f'L{cx:.1f} {base - 12:.1f} Z" fill="#a00" data-week="{_e(b.name)}">'
                       f'<title>{_e(b.name)}: {_e(mark_label)}</title></path>')
        if i % every == 0:
            out.append(f'<text x="{_LEFT + i * slot + slot / 2:.1f}" y="{y0 + 15}" text-anchor="middle" '
                       f'fill="#555">{_e(b.name)}</text>')
    out.append(f'<line x1="{_LEFT}" y1="{y0}" x2="{_LEFT + width}" y2="{y0}" stroke="#333"/></svg>')
    return Markup("".join(out))
