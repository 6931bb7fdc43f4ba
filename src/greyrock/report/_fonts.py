"""Which font the PDF is written in: a Unicode TrueType font when this computer has one.

fpdf2 ships no fonts, and its built-in PDF fonts (Helvetica, Courier) draw only latin-1:
an accent outside it, a curly quote or an emoji would either crash the PDF or vanish. So
we look for DejaVu Sans (free, wide coverage) where a pip-installed package or the
operating system keeps it, and embed it. Without it the report still comes out, in
Helvetica, with every character it cannot draw replaced visibly (see `_text.show`) and a
note in the method section; the CSV and JSON exports always keep the exact text.

GREYROCK_FONT_DIR names a folder with the DejaVu files, to choose the font explicitly.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FontSet", "core_fonts", "find_fonts"]

_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "mono": "DejaVuSansMono.ttf",
}
_SYSTEM_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu (fonts-dejavu-core)
    "/usr/share/fonts/dejavu",  # Fedora, Arch
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/usr/local/share/fonts/dejavu",
    "/opt/homebrew/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "~/Library/Fonts",
    "/Library/Fonts",
)
# Packages that bundle DejaVu, looked up without importing them.
_PACKAGE_DIRS = (("matplotlib", "mpl-data/fonts/ttf"),)


@dataclass(frozen=True, slots=True)
class FontSet:
    """The fonts a report is drawn in: files for a Unicode font, or None for the core fonts.

    `files` maps a style ("" regular, "B" bold, "I" oblique, "mono") to a TTF path.
    """

    name: str
    files: dict[str, Path] | None

    @property
    def unicode(self) -> bool:
        return self.files is not None


def core_fonts() -> FontSet:
    """Helvetica and Courier, built into every PDF reader: latin-1 only."""
    return FontSet("Helvetica (built-in, latin-1 only)", None)


def _dirs() -> Iterator[Path]:
    env = os.environ.get("GREYROCK_FONT_DIR")
    if env:
        yield Path(env).expanduser()
    for package, sub in _PACKAGE_DIRS:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            yield Path(spec.origin).parent / sub
    for d in _SYSTEM_DIRS:
        yield Path(d).expanduser()


def find_fonts() -> FontSet:
    """DejaVu Sans from the first folder that has at least its regular and bold files."""
    for folder in _dirs():
        regular, bold = folder / _FILES[""], folder / _FILES["B"]
        if regular.is_file() and bold.is_file():
            files = {style: folder / name for style, name in _FILES.items() if (folder / name).is_file()}
            files.setdefault("I", regular)
            files.setdefault("mono", regular)
            return FontSet("DejaVu Sans", files)
    return core_fonts()
