"""Drawing a `BarChart` on a PDF page with fpdf2's own vector primitives (no image, no matplotlib).

Vector bars stay sharp when a page is zoomed or printed, and their numbers can be read
back from the file. Each chart has its title, a legend in words, the y-axis counts and a
caption saying what is counted.
"""

from __future__ import annotations

from ._charts import BarChart, label_every, nice_ticks
from ._layout import MUTED, Layout

__all__ = ["draw_chart"]

PLOT_HEIGHT = 52.0
AXIS_LABEL = 8.0


def draw_chart(layout: Layout, chart: BarChart) -> None:
    pdf = layout.pdf
    caption_lines_est = 3
    layout.ensure(PLOT_HEIGHT + 32 + caption_lines_est * layout.line_height(9))
    layout.para(chart.title, size=11, style="B", after=0.5)

    # Legend: a swatch and a name per series, in one or more rows.
    layout.font("", 9)
    x = layout.margin
    lh = layout.line_height(9)
    for s in chart.series:
        name = layout.shown(s.name).text
        w = 4.5 + layout.measure(name) + 5
        if x + w > layout.margin + layout.width:
            x = layout.margin
            layout.y += lh
        pdf.set_fill_color(*s.colour)
        pdf.set_draw_color(90, 90, 90)
        pdf.set_line_width(0.1)
        pdf.rect(x, layout.y + 1.0, 3.2, 3.2, style="DF")
        pdf.text(x + 4.5, layout.y + lh * 0.78, name)
        x += w
    layout.y += lh + 2

    totals = chart.totals
    ticks = nice_ticks(max(totals, default=0))
    top = ticks[-1]
    layout.font("", AXIS_LABEL)
    axis_w = layout.measure(str(top)) + 2.5
    left = layout.margin + axis_w
    width = layout.width - axis_w
    y0 = layout.y + PLOT_HEIGHT  # the baseline

    pdf.set_draw_color(205, 205, 205)
    pdf.set_line_width(0.15)
    layout.colour(MUTED)
    for t in ticks:
        y = y0 - PLOT_HEIGHT * t / top
        pdf.line(left, y, left + width, y)
        label = str(t)
        pdf.text(left - 1.5 - layout.measure(label), y + 1.2, label)

    n = len(chart.categories)
    if n:
        slot = width / n
        bar = max(slot * 0.78, 0.25)
        for i in range(n):
            base = y0
            for s in chart.series:
                v = s.values[i]
                if not v:
                    continue
                h = PLOT_HEIGHT * v / top
                pdf.set_fill_color(*s.colour)
                pdf.rect(left + i * slot + (slot - bar) / 2, base - h, bar, h, style="F")
                base -= h
        step = label_every(n, width, layout.measure(chart.categories[0]) + 3)
        for i in range(0, n, step):
            label = chart.categories[i]
            cx = left + i * slot + slot / 2
            pdf.line(cx, y0, cx, y0 + 1.0)
            pdf.text(cx - layout.measure(label) / 2, y0 + 4.2, label)
        if chart.marker is not None:
            mx = left + chart.marker * slot + slot / 2
            pdf.set_draw_color(170, 0, 0)
            pdf.set_line_width(0.35)
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
            pdf.line(mx, y0 - PLOT_HEIGHT - 1, mx, y0)
            pdf.set_dash_pattern()
            layout.pdf.set_text_color(170, 0, 0)
            label = chart.marker_label
            lx = min(mx + 1, left + width - layout.measure(label))
            pdf.text(lx, y0 - PLOT_HEIGHT + 1.8, label)

    pdf.set_draw_color(60, 60, 60)
    pdf.set_line_width(0.3)
    pdf.line(left, y0, left + width, y0)
    layout.colour()
    layout.y = y0 + 7
    layout.para(chart.caption, size=9, colour=MUTED, after=6)
