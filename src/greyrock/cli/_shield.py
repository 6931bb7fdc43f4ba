"""`greyrock shield` and `greyrock show`: read what needs action without reading the abuse."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text

from greyrock.errors import InputError

if TYPE_CHECKING:
    from greyrock.shield import ShieldCounts, ShieldItem

from ._lazy import lazy
from ._output import safe_text, write_json
from ._settings import open_on_clock, show_iso

__all__ = ["register", "render"]

vault, shield_lib = lazy("greyrock.vault"), lazy("greyrock.shield")

_STYLE = {"danger": "bold red", "check": "bold yellow", "action": "bold", "hidden": "dim", "plain": ""}
_TAG = {"danger": "DANGER", "check": "CHECK", "action": "ACTION", "hidden": "held back", "plain": "message"}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def account_lines(counts: ShieldCounts, case_name: str = "CASE") -> list[str]:
    """What the lines above stand for, and what they leave out."""
    lines = [f"{_plural(counts.held, 'record', 'records')} looked at: {counts.shown} received "
             f"{'message' if counts.shown == 1 else 'messages'} shown, {counts.own} of your own and "
             f"{counts.other_kinds} calls, photos or notices not shown, {len(counts.unparsed)} "
             "unparsed."]
    if counts.unassigned:
        lines.append(f"{_plural(counts.unassigned, 'message', 'messages')} shown "
                     f"{'comes' if counts.unassigned == 1 else 'come'} from addresses with no role yet (the report "
                     f"leaves them out; 'greyrock case people {case_name}' lists them and sets their roles).")
    if counts.third:
        lines.append(f"{_plural(counts.third, 'message', 'messages')} from people other than the other person "
                     "not shown.")
    if counts.unparsed:
        places = "; ".join(f"{f}, {loc}" for f, loc in counts.unparsed[:5])
        more = f"; and {len(counts.unparsed) - 5} more" if len(counts.unparsed) > 5 else ""
        lines.append(f"{_plural(len(counts.unparsed), 'record', 'records')} could not be read ({places}{more}); "
                     f"list {'it' if len(counts.unparsed) == 1 else 'them'} with: {counts.listing}")
    return lines


def render(items: list[ShieldItem], case_name: str, console: Console | None = None,
           counts: ShieldCounts | None = None, corrected: Collection[int] = ()) -> None:
    """`corrected`: the ids of the messages whose labels the reader corrected (`case label`)."""
    console = console or Console()
    for item in items:
        when = show_iso(item.timestamp)
        line = Text(f"{when}  #{item.message_id:<4} ", style="dim")
        line.append(f"{_TAG[item.kind]:<9} ", style=_STYLE[item.kind])
        if item.text:
            line.append(safe_text(item.text), style=_STYLE[item.kind])
        if item.needs_reply and item.kind == "action":
            line.append("  [needs a reply]", style="yellow")
        for caution in item.cautions:
            line.append(f"  [{shield_lib.CAUTIONS[caution]}]", style="bold yellow")
        if item.held_back:
            line.append(f"  (left out: {'; '.join(item.held_back)})", style="dim")
        if item.message_id in corrected:
            line.append("  (labels corrected by the reader)", style="dim")
        if item.unassigned:
            line.append("  [sender has no role yet]", style="dim")
        console.print(line)
    signs = {sign for item in items for sign in item.signs}
    if "suicide_threat" in signs:
        console.print(Text("A message talks of suicide or self-harm. If they may be in danger now, call the emergency "
                           "number; it is not your job to rescue them. The crisis line and helplines: greyrock "
                           "help-now", style="bold red"))
    # a suicide note beside threats to the reader gets both lines; a near-threat (CHECK) the second
    if any(item.kind in ("danger", "check") for item in items):
        console.print(Text("If you feel unsafe, call the emergency number or a helpline: greyrock help-now",
                           style="bold red"))
    if any(item.cautions for item in items):
        console.print(Text("Drafts that grant none of it: greyrock reply "
                           f"{safe_text(case_name)} --pending", style="yellow"))
    if any(item.kind == "hidden" for item in items):
        console.print(Text(shield_lib.MAY_MISS))
    console.print(Text(f"To read a message in full: greyrock show {safe_text(case_name)} ID", style="dim"))
    for line in account_lines(counts, case_name) if counts else ():
        console.print(Text(safe_text(line), style="dim"))


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
        from greyrock.accounting import roles_of
        from greyrock.model import Kind
        from greyrock.settings import case_clock
        from greyrock.shield import account

        with open_on_clock(case) as c:
            clock = case_clock(c)[0]
            # Unparsed records are counted whatever --since says: their time is often unknown.
            low = clock.instant(start)
            stored = [s for s in c.messages(clock=clock) if start is None or s.message.kind is Kind.UNPARSED
                      or clock.instant(s.message.timestamp) >= low]
            roles = roles_of(c)
            items = shield_lib.shield(stored, roles, clock)  # drawn from the labels as the reader corrected them
            counts = account(stored, roles, str(case))
        corrected = {s.id for s in stored if s.correction is not None}
        if as_json:
            write_json({"items": [{**asdict(i), "corrected": i.message_id in corrected} for i in items],
                        "accounting": counts.to_dict()})
        else:
            render(items, str(case), counts=counts, corrected=corrected)

    @app.command("show")
    def show_cmd(
        case: Annotated[Path, typer.Argument(help="The case file.")],
        message_id: Annotated[int, typer.Argument(help="The message number shown by 'greyrock shield'.")],
    ) -> None:
        """Show one message in full, with its screening: only when you choose to read it."""
        from greyrock.settings import case_clock

        with open_on_clock(case) as c:
            clock = case_clock(c)[0]
            found = next((s for s in c.messages(clock=clock) if s.id == message_id), None)
        if found is None:
            raise InputError(f"{case}: no message #{message_id}.")  # escaped by the CLI's error handler
        m = found.message
        console = Console()
        console.print(Text(safe_text(f"#{found.id}  {clock.show(m.timestamp, seconds=True)}  {m.channel}  "
                                     f"from {m.sender or '?'}  ({m.source.file}, {m.source.locator})"), style="dim"))
        console.print(Text(safe_text(m.body)))
        if found.screening:
            labels = ", ".join(found.screening.get("labels", [])) or "none"
            console.print(Text(f"screening (automated suggestion): {labels}", style="dim"))
        if found.correction:
            fix = found.correction
            console.print(Text(safe_text(f"{fix.describe()}; labels now: {', '.join(found.labels) or 'none'}"
                                         + (f" ({fix.note})" if fix.note else "")), style="dim"))
