"""`greyrock case people`: who is in the case, and who is the other person.

Also the lines `case import` ends with: the addresses it found that have no role yet,
and the command that gives them one.
"""

from __future__ import annotations

import shlex
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


_COMMAND_MAX = 12  # past this many addresses, a command with all of them helps no one


def _command(case_file: str, unassigned: list[Person]) -> str | None:
    """The command that gives each address with no role the role suggested for it (None
    when there are too many to put in one command, or none has a suggestion)."""
    suggested = [p for p in unassigned if p.suggestion is not None]
    if not suggested or len(suggested) > _COMMAND_MAX:
        return None
    return " ".join([f"greyrock case people {shlex.quote(case_file)}",
                     *(f"--{p.suggestion.role} {shlex.quote(p.id)}" for p in suggested if p.suggestion)])


def unassigned_lines(case_file: str, found: list[Person]) -> list[str]:
    """What `case import` says about the addresses with no role yet (none: no lines)."""
    unassigned = [p for p in found if p.role is None]
    if not unassigned:
        return []
    n = len(unassigned)
    shown = ", ".join(p.id + (f" ({p.names[0]})" if p.names else "") for p in unassigned[:8])
    more = f", and {n - 8} more" if n > 8 else ""
    lines = [f"{n} {'address has' if n == 1 else 'addresses have'} no role yet: {shown}{more}."]
    if not any(p.role == "other" for p in found):
        lines.append(f"Name the other person first (all their numbers and names): greyrock case people "
                     f"{shlex.quote(case_file)} --other ID --other ID")
    command = _command(case_file, unassigned)
    if command:
        lines.append(f"Suggested roles, to check first ('greyrock case people {shlex.quote(case_file)}' says why): "
                     f"{command}")
    else:
        lines.append(f"See who they are, and set their roles, with 'greyrock case people {shlex.quote(case_file)}'.")
    return lines


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
    held = {p.id.casefold() for p in found}
    for i in changes:  # on stderr, so --json's output stays one document
        if i.casefold() not in held:
            typer.echo(safe_text(f"greyrock: warning: {i} is in none of the case's messages (yet); the role is "
                                 "kept for when it is. Check it for a typing mistake."), err=True)
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
    for line in unassigned_lines(str(case), found):
        typer.echo(safe_text(line))
    if changes:
        typer.echo(f"fingerprint {short}")


def register(case_app: typer.Typer) -> None:
    case_app.command("people")(people_cmd)
