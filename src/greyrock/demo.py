"""`make demo`: greyrock's main job on the bundled, invented sample export.

The sample is an SMS backup of a co-parenting thread with an abusive ex, written for this
project (no real person's messages). The demo reads it the way `greyrock parse` does and
shows what was read.
"""

from __future__ import annotations

from importlib import resources

from rich.console import Console
from rich.table import Table
from rich.text import Text

from greyrock import ingest
from greyrock.cli._output import safe_text

__all__ = ["main", "sample_path"]


def sample_path() -> str:
    return str(resources.files("greyrock") / "samples" / "sms-demo.xml")


def main() -> None:
    console = Console()
    parsed = ingest.parse(sample_path(), region="US")
    messages = parsed.sorted()
    console.print(f"[bold]greyrock demo[/bold]: read {len(messages)} messages from the bundled sample "
                  f"({', '.join(parsed.formats)}).")
    table = Table(show_lines=False)
    for column in ("when (UTC)", "dir", "from", "message"):
        table.add_column(column, overflow="fold")
    for m in messages:
        when = m.timestamp.strftime("%Y-%m-%d %H:%M") if m.timestamp else "?"
        # Text(), not str: abuser-written text must never be read as Rich markup.
        table.add_row(when, str(m.direction), Text(safe_text(m.sender or "")), Text(safe_text(m.body)))
    console.print(table)
    for warning in parsed.warnings:
        console.print(Text(f"warning: {safe_text(str(warning))}"))


if __name__ == "__main__":
    main()
