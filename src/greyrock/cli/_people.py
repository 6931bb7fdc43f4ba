"""`greyrock case people`: who is in the case, and who is the other person.

Also the lines `case import` ends with: the addresses it found that have no role yet,
and the command that gives them one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ._lazy import lazy
from ._output import safe_text, write_json
from ._passphrase import ask_passphrase

if TYPE_CHECKING:
    from greyrock.people import Person

__all__ = ["register", "unassigned_lines"]

people, pipeline, vault = lazy("greyrock.people"), lazy("greyrock.pipeline"), lazy("greyrock.vault")

IdsOpt = Optional[list[str]]


def _command(case_file: str, unassigned: list[Person]) -> str:
    """The command that gives each address with no role the role suggested for it."""
    parts = [f"greyrock case people {case_file}"]
    for p in unassigned:
        if p.suggestion is not None:
            parts.append(f"--{p.suggestion.role} {p.id}")
    return " ".join(parts)


def unassigned_lines(case_file: str, found: list[Person]) -> list[str]:
    """What `case import` says about the addresses with no role yet (none: no lines)."""
    unassigned = [p for p in found if p.role is None]
    if not unassigned:
        return []
    n = len(unassigned)
    shown = ", ".join(p.id + (f" ({p.names[0]})" if p.names else "") for p in unassigned[:8])
    more = f", and {n - 8} more" if n > 8 else ""
    return [f"{n} {'address has' if n == 1 else 'addresses have'} no role yet: {shown}{more}.",
            f"See who they are with 'greyrock case people {case_file}'; the suggested roles, to check first:",
            f"  {_command(case_file, unassigned)}"]


def _row(p: Person) -> list[Any]:
    suggestion = f"{p.suggestion.role}: {p.suggestion.reason}" if p.suggestion else ""
    return [Text(safe_text(p.id)), Text(safe_text(", ".join(p.names))), p.role or "-", str(p.messages), str(p.calls),
            p.first.isoformat(" ", "minutes") if p.first else "?", p.last.isoformat(" ", "minutes") if p.last else "?",
            Text(safe_text(suggestion))]


def people_cmd(
    case: Annotated[Path, typer.Argument(help="The case file.")],
    other: Annotated[IdsOpt, typer.Option("--other", help="An address of the other person (repeat for each).")] = None,
    me: Annotated[IdsOpt, typer.Option("--me", help="One of your own addresses or names.")] = None,
    third: Annotated[IdsOpt, typer.Option("--third", help="Someone else: family, lawyer, school, bank.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Everyone in the case with their role; --other/--me/--third set roles at any time."""
    with vault.open_case(case, ask_passphrase()) as c:
        changes = people.set_roles(c, other=other or (), me=me or (), third=third or ())
        screened = 0
        if any(new == "other" for _, new in changes.values()):
            from greyrock.screen import Screener

            screener = Screener()
            screened = pipeline.screen_theirs(c, screener.screen_messages, screener.model_id)
        found = people.list_people(c)
        short = c.short_fingerprint()
    if as_json:
        write_json({"people": [p.to_dict() for p in found],
                    "changed": [{"id": i, "from": old, "to": new} for i, (old, new) in changes.items()],
                    "screened": screened, "fingerprint": short})
        return
    for i, (old, new) in changes.items():
        typer.echo(safe_text(f"{i}: {old or 'no role'} -> {new}"))
    if screened:
        typer.echo(f"{screened} {'message' if screened == 1 else 'messages'} of the other person screened now.")
    table = Table()
    for column in ("id", "names", "role", "messages", "calls", "first", "last", "suggestion"):
        table.add_column(column, overflow="fold")
    for p in found:
        table.add_row(*_row(p))
    Console().print(table)
    lines = unassigned_lines(str(case), found)
    if lines:
        typer.echo(safe_text(lines[0]))
        typer.echo(safe_text("Suggested, to check first: " + lines[2].strip()))
    if changes:
        typer.echo(f"fingerprint {short}")


def register(case_app: typer.Typer) -> None:
    case_app.command("people")(people_cmd)
