"""A small page-layout layer over fpdf2: wrapped text, headings, key-value rows, page breaks.

fpdf2's own `multi_cell` re-measures a line character by character for each break, which
makes a 10,000-message log take minutes. Here each word is measured once (cached), lines
are broken greedily on spaces (a word longer than a line is broken between characters, so
a long link never runs off the page), and each line is drawn with one `text` call. Page
breaks are ours too, so that a message header never ends up alone at the foot of a page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.bidi import BidiParagraph

from ._fonts import FontSet
from ._text import Shown, show

__all__ = ["Colour", "Layout", "PT"]

PT = 25.4 / 72  # millimetres per point
LEADING = 1.3
# Page sizes in millimetres: A4, and US Letter (8.5 x 11 in) for courts in the US and Canada.
PAPER = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
Colour = tuple[int, int, int]
INK: Colour = (20, 20, 20)
MUTED: Colour = (85, 85, 85)
ALERT: Colour = (170, 0, 0)
# Strong right-to-left letters (Hebrew, Arabic, Syriac, Thaana, NKo and their presentation forms).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹"))


def visual(line: str) -> str:
    """A line in the order it is seen: PDF text is drawn left to right, so a right-to-left
    run is reversed here (the Unicode bidi algorithm, fpdf2's pure-Python implementation),
    and brackets inside it are mirrored as a right-to-left renderer would draw them."""
    if not _RTL.search(line):
        return line
    return "".join(_MIRROR.get(c.character, c.character) if c.embedding_level % 2 else c.character
                   for c in BidiParagraph(line).get_reordered_characters())


class _Pdf(FPDF):
    """The running header on every page but the first (footers are drawn by `Layout.output`)."""

    def __init__(self, layout: Layout) -> None:
        super().__init__(orientation="P", unit="mm", format=(layout.page_w, layout.page_h))
        self._layout = layout

    def header(self) -> None:
        self._layout._draw_header()



@dataclass(frozen=True, slots=True)
class _Face:
    family: str
    style: str


class Layout:
    """Flowing, wrapped text on A4 or US Letter pages with a running header and a page-numbered footer."""

    def __init__(self, fonts: FontSet, *, header_text: str = "", footer_left: str = "", footer_right: str = "",
                 paper: str = "a4"):
        self.fonts = fonts
        self.page_w, self.page_h = PAPER[paper]
        self.header_text = header_text
        self.footer_left = footer_left
        self.footer_right = footer_right
        self.pdf = _Pdf(self)
        self.pdf.set_auto_page_break(False)
        self.margin = 18.0
        self.top = 20.0
        self.bottom = self.page_h - 18.0
        self.width = self.page_w - 2 * self.margin
        self.pdf.set_margins(self.margin, self.top, self.margin)
        if fonts.files:
            for style, path in fonts.files.items():
                family, st = ("mono", "") if style == "mono" else ("body", style)
                self.pdf.add_font(family, st, str(path))
            self._faces = {"": _Face("body", ""), "B": _Face("body", "B"), "I": _Face("body", "I"),
                           "mono": _Face("mono", "")}
            cmaps = [set(self.pdf.fonts[key].cmap) for key in ("body", "bodyB")]
            drawable = cmaps[0] & cmaps[1]
            self.drawable: Callable[[str], bool] = lambda c: ord(c) in drawable
        else:
            self._faces = {"": _Face("helvetica", ""), "B": _Face("helvetica", "B"), "I": _Face("helvetica", "I"),
                           "mono": _Face("courier", "")}
            self.drawable = lambda c: 0x20 <= ord(c) <= 0x7E or 0xA0 <= ord(c) <= 0xFF
        self._widths: dict[tuple[str, float], dict[str, float]] = {}
        self._face = ("", 10.0)
        self.replaced_any = False
        self.reordered_any = False
        self.y = self.top
        self.page_started = False

    # -- fonts and measuring ---------------------------------------------------------------

    def font(self, style: str = "", size: float = 10.0) -> None:
        if self._face != (style, size) or not self.page_started:
            face = self._faces[style]
            self.pdf.set_font(face.family, face.style, size)
            self._face = (style, size)

    def colour(self, rgb: Colour = INK) -> None:
        self.pdf.set_text_color(*rgb)

    def measure(self, text: str) -> float:
        cache = self._widths.setdefault(self._face, {})
        width = cache.get(text)
        if width is None:
            width = self.pdf.get_string_width(text)
            if len(cache) < 200_000:
                cache[text] = width
        return width

    def shown(self, text: str) -> Shown:
        s = show(text, self.drawable)
        self.replaced_any |= s.replaced
        return s

    def wrap(self, text: str, width: float) -> list[str]:
        """Greedy line breaking on spaces; text must already be drawable (see `shown`)."""
        lines: list[str] = []
        space = self.measure(" ")
        for paragraph in text.split("\n"):
            line, line_w = "", 0.0
            for word in paragraph.split(" "):
                w = self.measure(word) if word else 0.0
                if line and line_w + space + w <= width:
                    line, line_w = f"{line} {word}", line_w + space + w
                    continue
                if line:
                    lines.append(line)
                if w <= width:
                    line, line_w = word, w
                    continue
                line, line_w = "", 0.0
                for ch in word:  # a word wider than the line: break between characters
                    cw = self.measure(ch)
                    if line and line_w + cw > width:
                        lines.append(line)
                        line, line_w = "", 0.0
                    line, line_w = line + ch, line_w + cw
            lines.append(line)
        return lines

    # -- pages -----------------------------------------------------------------------------

    def line_height(self, size: float) -> float:
        return size * LEADING * PT

    def new_page(self) -> None:
        self.pdf.add_page()
        self.page_started = True
        self.y = self.top + (8 if self.header_text and self.pdf.page_no() > 1 else 0)
        face, self._face = self._face, ("", 0.0)
        self.font(*face)

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` millimetres still fit on this one."""
        if not self.page_started or self.y + height > self.bottom:
            self.new_page()

    def skip(self, mm: float) -> None:
        self.y += mm

    def _draw_header(self) -> None:
        if self.pdf.page_no() == 1 or not self.header_text:
            return
        face = self._face
        self.font("", 8.5)
        self.colour(MUTED)
        text = self.header_text
        while len(text) > 1 and self.measure(text) > self.width:  # long names: cut, never run off the page
            text = text[: max(1, int(len(text) * self.width / self.measure(text)) - 2)].rstrip() + "…"
        self.pdf.text(self.margin, 12.5, text)
        self.pdf.set_draw_color(170, 170, 170)
        self.pdf.set_line_width(0.2)
        self.pdf.line(self.margin, 14.5, self.page_w - self.margin, 14.5)
        self.colour()
        self._face = ("", 0.0)
        self.font(*face)

    def _draw_footers(self) -> None:
        """'Page N of M' on every page, drawn once M is known (fpdf2's {nb} alias does not
        reach text drawn glyph by glyph in an embedded font)."""
        pdf = self.pdf
        total = pdf.page_no()
        for n in range(1, total + 1):
            pdf.page = n
            pdf.set_font(self._faces[""].family, "", 1)  # force the font into this page's stream
            self._face = ("", 0.0)
            self.font("", 9)
            self.colour(MUTED)
            base = self.page_h - 9.5
            label = f"Page {n} of {total}"
            pdf.text(self.page_w / 2 - self.measure(label) / 2, base, label)
            if self.footer_left:
                pdf.text(self.margin, base, self.footer_left)
            if self.footer_right:
                pdf.text(self.page_w - self.margin - self.measure(self.footer_right), base, self.footer_right)
        pdf.page = total
        self.colour()

    # -- flowing text ----------------------------------------------------------------------

    def lines(self, lines: list[str], size: float, indent: float = 0.0) -> None:
        """Draw already-wrapped lines, breaking pages as needed."""
        lh = self.line_height(size)
        for line in lines:
            if not self.page_started or self.y + lh > self.bottom:
                self.new_page()
            if line:
                self.pdf.text(self.margin + indent, self.y + lh * 0.78, line)
            self.y += lh

    def para(self, text: str, *, size: float = 10.0, style: str = "", indent: float = 0.0,
             colour: Colour = INK, after: float = 2.0) -> tuple[bool, bool]:
        """A wrapped paragraph. Returns whether characters had to be replaced to draw it, and
        whether right-to-left text had to be reordered."""
        if not self.page_started:
            self.new_page()
        self.font(style, size)
        self.colour(colour)
        s = self.shown(text)
        lines = self.wrap(s.text, self.width - indent)
        reordered = bool(_RTL.search(s.text))
        if reordered:
            lines = [visual(line) for line in lines]
            self.reordered_any = True
        self.lines(lines, size, indent)
        self.colour()
        self.y += after
        return s.replaced, reordered

    def heading(self, text: str, level: int = 1, outline: bool = True) -> None:
        size = {0: 20.0, 1: 15.0, 2: 12.0}[level]
        self.ensure(self.line_height(size) + 18)
        if level < 2 and self.y > self.top + 10:
            self.y += 3
        if outline:
            self.pdf.set_y(self.y)
            self.pdf.start_section(text, level=max(0, level - 1), strict=False)
        self.para(text, size=size, style="B", after=1.5 if level else 3)
        if level == 1:
            self.pdf.set_draw_color(60, 60, 60)
            self.pdf.set_line_width(0.4)
            self.pdf.line(self.margin, self.y, self.margin + self.width, self.y)
            self.y += 3

    def rows(self, rows: list[tuple[str, str]], *, key_width: float = 70.0, size: float = 10.0,
             mono_values: bool = False) -> None:
        """Two columns: a bold key and its wrapped value; a row too tall for a page is stacked."""
        lh = self.line_height(size)
        value_style = "mono" if mono_values else ""
        for key, value in rows:
            self.font("B", size)
            key_lines = self.wrap(self.shown(key).text, key_width - 3)
            self.font(value_style, size)
            value_lines = self.wrap(self.shown(value).text, self.width - key_width)
            height = max(len(key_lines), len(value_lines)) * lh
            if height > (self.bottom - self.top) / 2:
                self.ensure(3 * lh)
                self.font("B", size)
                self.lines(key_lines, size)
                self.font(value_style, size)
                self.lines(self.wrap(self.shown(value).text, self.width - 4), size, 4)
                self.y += 1.2
                continue
            self.ensure(height)
            top = self.y
            self.font("B", size)
            self.lines(key_lines, size)
            self.y = top
            self.font(value_style, size)
            self.lines(value_lines, size, key_width)
            self.y = top + height + 1.2

    def rule(self, colour: Colour = (180, 180, 180), width: float = 0.2, after: float = 2.0) -> None:
        self.pdf.set_draw_color(*colour)
        self.pdf.set_line_width(width)
        self.pdf.line(self.margin, self.y, self.margin + self.width, self.y)
        self.y += after

    def box(self, height: float, fill: Colour, border: Colour | None = None) -> None:
        """A filled band from the current line, `height` tall (drawn before its text)."""
        self.pdf.set_fill_color(*fill)
        if border:
            self.pdf.set_draw_color(*border)
            self.pdf.set_line_width(0.6)
        self.pdf.rect(self.margin, self.y, self.width, height, style="DF" if border else "F")

    def image(self, png: bytes, width: float, height: float, indent: float = 0.0, after: float = 1.5) -> None:
        """An already decoded and re-encoded image (see `_images`), `width` x `height` mm."""
        self.ensure(height)
        self.pdf.image(io.BytesIO(png), x=self.margin + indent, y=self.y, w=width, h=height)
        self.y += height + after

    def output(self) -> bytes:
        self._draw_footers()
        return bytes(self.pdf.output())
