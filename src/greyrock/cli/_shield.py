"""`greyrock shield` and `greyrock show`: read what needs action without reading the abuse."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text

from greyrock.errors import InputError

if TYPE_CHECKING:
    from greyrock.shield import ShieldItem

from ._lazy import lazy
from ._output import safe_text, write_json
from ._passphrase import ask_passphrase

__all__ = ["register", "render"]

vault, shield_lib = lazy("greyrock.vault"), lazy("greyrock.shield")

_STYLE = {"danger": "bold red", "action": "bold", "hidden": "dim", "plain": ""}
_TAG = {"danger": "DANGER", "action": "ACTION", "hidden": "held back", "plain": "message"}


def render(items: list[ShieldItem], case_name: str, console: Console | None = None) -> None:
    console = console or Console()
    for item in items:
        when = (item.timestamp or "?")[:16].replace("T", " ")
        line = Text(f"{when}  #{item.message_id:<4} ", style="dim")
        line.append(f"{_TAG[item.kind]:<9} ", style=_STYLE[item.kind])
        if item.text:
            line.append(safe_text(item.text), style=_STYLE[item.kind])
        if item.needs_reply and item.kind == "action":
            line.append("  [needs a reply]", style="yellow")
        if item.held_back:
            line.append(f"  (left out: {'; '.join(item.held_back)})", style="dim")
        console.print(line)
    console.print(Text(f"To read a message in full: greyrock show {safe_text(case_name)} ID", style="dim"))


def register(app: typer.Typer) -> None:
    @app.command("shield")
    def shield_cmd(
        case: Annotated[Path, typer.Argument(help="The case file.")],
        since: Annotated[Optional[str], typer.Option("--since", help="Only from this date (YYYY-MM-DD).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """What needs action and what is dangerous, with the abuse left out until you ask."""
        from datetime import datetime

        try:
            start = datetime.fromisoformat(since) if since else None
        except ValueError:
            raise InputError(f"--since: {since!r} is not a date like 2024-03-01.") from None
        with vault.open_case(case, ask_passphrase()) as c:
            items = shield_lib.shield(c.messages(since=start))
        if as_json:
            write_json([asdict(i) for i in items])
        else:
            render(items, str(case))

    @app.command("show")
    def show_cmd(
        case: Annotated[Path, typer.Argument(help="The case file.")],
        message_id: Annotated[int, typer.Argument(help="The message number shown by 'greyrock shield'.")],
    ) -> None:
        """Show one message in full, with its screening: only when you choose to read it."""
        with vault.open_case(case, ask_passphrase()) as c:
            found = next((s for s in c.messages() if s.id == message_id), None)
        if found is None:
            raise InputError(f"{case}: no message #{message_id}.")  # escaped by the CLI's error handler
        m = found.message
        console = Console()
        console.print(Text(safe_text(f"#{found.id}  {m.timestamp.isoformat() if m.timestamp else '?'}  {m.channel}  "
                                     f"from {m.sender or '?'}  ({m.source.file}, {m.source.locator})"), style="dim"))
        console.print(Text(safe_text(m.body)))
        if found.finding:
            labels = ", ".join(found.finding.get("labels", [])) or "none"
            console.print(Text(f"screening (automated suggestion): {labels}", style="dim"))
