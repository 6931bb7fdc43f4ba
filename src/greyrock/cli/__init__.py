"""The `greyrock` command: a thin shell over the library.

Each command parses its arguments, makes one library call and renders the result. Every
GreyrockError becomes one line on stderr and its exit code; anything else is a bug and
prints one 'internal error' line (the traceback only with GREYROCK_DEBUG=1), so that no
message content ever spills into a terminal or a log by accident.
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from typer.core import TyperGroup

from greyrock import __version__
from greyrock.errors import GreyrockError

if TYPE_CHECKING:
    from greyrock.model import Message

from ._case import case_app, fingerprint_cmd, journal_app
from ._lazy import lazy
from ._output import json_line, safe_text, write_lines
from ._progress import progress_bar
from ._screen import classify, evaluate
from . import _evidence, _label, _reply, _report, _safety, _shield, _watch
from ._web import web_cmd

__all__ = ["app", "main"]

ingest = lazy("greyrock.ingest")


def _usage_error(exc: typer.TyperException) -> BaseException:
    """A mistake on the command line (exit code 2): one line naming the command, as for every
    other error (Typer would draw a box). Any other Typer exception goes on as it is."""
    if getattr(exc, "exit_code", 1) != 2:
        return exc
    ctx = getattr(exc, "ctx", None)
    where = f" (see {ctx.command_path} --help)" if ctx is not None else ""
    typer.echo(f"greyrock: {safe_text(exc.format_message())}{where}", err=True)
    return typer.Exit(2)


def _aborted(exc: typer.Abort) -> typer.Exit:
    """A prompt ended unanswered: Ctrl-C is an interruption (130); the end of standard input
    (no terminal, a script) is a usage mistake (2), not a failed check."""
    if isinstance(exc.__context__, EOFError):
        typer.echo("greyrock: no answer: standard input ended at a question; run it in a terminal, "
                   "or give the answers as options (see --help).", err=True)
        return typer.Exit(2)
    typer.echo("greyrock: interrupted.", err=True)
    return typer.Exit(130)


class _Group(TyperGroup):
    """Turns library errors into one stderr line and the contract's exit code."""

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[no-untyped-def]
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except typer.TyperException as exc:
            raise _usage_error(exc) from None

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except GreyrockError as exc:
            typer.echo(f"greyrock: {safe_text(str(exc))}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except typer.Abort as exc:
            raise _aborted(exc) from None
        except typer.TyperException as exc:
            raise _usage_error(exc) from None
        except typer.Exit:
            raise
        except KeyboardInterrupt:
            typer.echo("greyrock: interrupted.", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except Exception as exc:
            if os.environ.get("GREYROCK_DEBUG"):
                raise
            typer.echo(
                f"greyrock: internal error ({type(exc).__name__}); this is a bug in greyrock. "
                "Run again with GREYROCK_DEBUG=1 to see details.",
                err=True,
            )
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    help="greyrock: screen an abusive ex's messages, keep the evidence, stay safe. Everything stays on this machine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"greyrock {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """greyrock: screen an abusive ex's messages, keep the evidence, stay safe."""


@app.command("parse")
def parse_cmd(
    path: Annotated[Path, typer.Argument(help="An export: a file, a folder or a zip.")],
    format: Annotated[Optional[str], typer.Option("--format", help="Skip detection; see 'greyrock formats'.")] = None,
    me: Annotated[Optional[str], typer.Option("--me", help="Your own name in the export, where it cannot tell.")] = None,
    region: Annotated[
        Optional[str],
        typer.Option("--region", help="Two-letter country for numbers without a country code, and for dates that read both ways."),
    ] = None,
) -> None:
    """Print the messages of an export as JSON Lines, oldest first."""
    from greyrock.accounting import read_summary
    from greyrock.model import Kind

    parsed = ingest.parse(path, format=format, me=me, region=region)
    count, unparsed = 0, []

    def encode(m: Message) -> bytes:
        nonlocal count
        count += 1
        if m.kind is Kind.UNPARSED:
            unparsed.append((m.source.file, m.source.locator))
        return json_line(m.to_dict())

    with progress_bar({"read": "records read"}) as update:
        lines = parsed.in_order(encode, progress=update)
        first = next(lines, None)  # every record is read (and ordered) before the first line
    write_lines(itertools.chain([first] if first is not None else [], lines))
    for warning in parsed.warnings:
        typer.echo(f"greyrock: warning: {safe_text(str(warning))}", err=True)
    typer.echo(f"greyrock: {safe_text(str(path))}: {safe_text(read_summary(count, unparsed))}", err=True)


@app.command("formats")
def formats_cmd() -> None:
    """List the export formats greyrock reads."""
    rows = ingest.formats()
    width = max(len(name) for name, _ in rows)
    for name, help in rows:
        typer.echo(f"{name.ljust(width)}  {help}")


app.command("classify")(classify)
app.command("eval")(evaluate)
app.command("fingerprint")(fingerprint_cmd)
app.add_typer(case_app, name="case")
app.add_typer(journal_app, name="journal")
_shield.register(app)
_safety.register(app)
_reply.register(app)
_report.register(app)
_evidence.register(app)
_watch.register(app)
_label.register(case_app)
app.command("web")(web_cmd)


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
