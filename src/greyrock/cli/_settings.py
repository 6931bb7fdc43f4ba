"""`greyrock case settings`, and opening a case on its own clock.

Every command that shows a time or counts days opens the case with `open_on_clock`: a case
made before cases had a time zone gets this computer's zone, recorded once in the case and
said on stderr, so that its figures no longer change with the computer's TZ variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ._lazy import lazy
from ._output import safe_text, write_json
from ._passphrase import ask_passphrase

__all__ = ["open_on_clock", "settings_cmd", "show_iso"]

settings_lib, vault = lazy("greyrock.settings"), lazy("greyrock.vault")


def show_iso(text: str | None) -> str:
    """An ISO time from a library result as a terminal shows it: '2024-03-02 22:14 UTC-05:00'."""
    from datetime import datetime

    from greyrock._clock import offset_label

    if not text:
        return "?"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return safe_text(text)
    if when.tzinfo is None:
        return f"{when:%Y-%m-%d %H:%M}"
    return f"{when:%Y-%m-%d %H:%M} {offset_label(when)}"


def open_on_clock(path: Path, ensure: bool = True) -> vault.Case:
    """Open the case; record a time zone first if it has none (and say so on stderr)."""
    case = vault.open_case(path, ask_passphrase())
    if not ensure:
        return case
    try:
        note = settings_lib.ensure_zone(case)
    except BaseException:
        case.close()
        raise
    if note:
        typer.echo(f"greyrock: note: {safe_text(str(path))}: {note}", err=True)
    return case


def settings_cmd(
    case: Annotated[Path, typer.Argument(help="The case file.")],
    timezone: Annotated[Optional[str], typer.Option("--timezone", help="The case's time zone, e.g. Europe/London.")] = None,
    my_name: Annotated[Optional[str], typer.Option("--my-name", help="Your name as the report gives it.")] = None,
    their_name: Annotated[Optional[str], typer.Option("--their-name", help="The other person's name in the report.")] = None,
    court_ref: Annotated[Optional[str], typer.Option("--court-ref", help="A court or case number for the report's cover.")] = None,
    agreed_calls: Annotated[Optional[str], typer.Option(
        "--agreed-calls", help="Weekly windows of agreed calls, e.g. 'Sun 18:00-18:30; Wed 19:00-19:15' "
                               "(not counted as contact attempts); '' clears it.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show or change the case's settings: time zone, the parties' names, the court number.

    Without options, prints them. Times in every view and report are shown in the case's
    time zone, and days and nights are counted on it.
    """
    if timezone is not None:
        from greyrock._clock import zone_named

        zone_named(timezone)  # a bad name stops here, before the passphrase is asked for
    if agreed_calls:
        from greyrock.agreed import parse_schedule

        parse_schedule(agreed_calls)  # so does a schedule that cannot be read
    with open_on_clock(case, ensure=timezone is None) as c:
        current = settings_lib.update_settings(c, timezone=timezone, my_name=my_name, their_name=their_name,
                                               court_ref=court_ref, agreed_calls=agreed_calls)
    if as_json:
        write_json(current.to_dict())
        return
    for key, value in current.to_dict().items():
        typer.echo(safe_text(f"{key}: {value if value is not None else '(not set)'}"))
