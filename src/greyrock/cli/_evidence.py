"""`greyrock evidence CASE --out DIR` and `greyrock evidence verify DIR`: the bundle, and its check.

One command with two forms (a group would read `verify` as a case file name): a first
argument `verify` followed by a folder checks a bundle, with no passphrase and no case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from greyrock.errors import InputError

from ._output import safe_text, write_json
from ._progress import status
from ._settings import open_on_clock

__all__ = ["register"]


def evidence_cmd(
    args: Annotated[list[str], typer.Argument(help="CASE (write a bundle), or: verify DIR (check one).",
                                              metavar="CASE | verify DIR")],
    out: Annotated[Optional[Path], typer.Option("--out", help="The new (or empty) folder to write the bundle into.")] = None,
    start: Annotated[Optional[str], typer.Option("--from", help="First day to include (YYYY-MM-DD).")] = None,
    end: Annotated[Optional[str], typer.Option("--to", help="Last day to include (YYYY-MM-DD).")] = None,
    include_third: Annotated[
        Optional[list[str]], typer.Option("--include-third", help="Also include the messages with this person (role third).")
    ] = None,
    include_risk: Annotated[
        bool, typer.Option("--include-risk", help="Also show your danger-sign answers (left out by default).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Write an evidence bundle for a lawyer (originals, attachments, report, manifest), or check one.

    'greyrock evidence CASE --out DIR' writes the bundle; 'greyrock evidence verify DIR'
    checks one without a passphrase or the case file and prints the case's fingerprint.
    Your safety plan, urges, reasons card and danger-sign answers are never in a bundle.
    """
    from greyrock import evidence, report

    if args and args[0] == "verify":
        if len(args) != 2:
            raise InputError("evidence verify: give one folder, the bundle to check.")
        if out or start or end or include_third or include_risk:
            raise InputError("evidence verify: takes only the folder (and --json).")
        _verify(Path(args[1]), as_json)
        return
    if len(args) != 1:
        raise InputError("evidence: give one case file (or 'verify DIR' to check a bundle).")
    if out is None:
        raise InputError("--out: name a new folder for the bundle.")
    case = Path(args[0])
    options = evidence.BundleOptions(start=report.parse_day(start, "--from"), end=report.parse_day(end, "--to"),
                                     include_third=tuple(include_third or ()), include_risk=include_risk)
    with open_on_clock(case) as c, status("Checking the case and writing the bundle"):
        try:
            result = evidence.write_bundle(c, out, options)
        except OSError as exc:
            raise InputError(f"{exc.filename or out}: cannot write the bundle ({exc.strerror}).") from exc
    if as_json:
        write_json({"out": str(result.out), "fingerprint": result.fingerprint,
                    "short_fingerprint": result.short_fingerprint, "entries": result.entries,
                    "opened": result.opened, "messages": result.messages, "originals": list(result.originals),
                    "attachments": result.attachments, "missing_attachments": result.missing_attachments,
                    "pages": result.pages,
                    "also_in_originals": [{"path": p, "messages": n} for p, n in result.also_in_originals]})
    else:
        typer.echo(f"written: {safe_text(str(result.out))}: {result.messages} messages, {len(result.originals)} "
                   f"export(s), {result.attachments} attachment(s), report of {result.pages} pages.")
        if result.missing_attachments:
            typer.echo(f"{result.missing_attachments} attachment(s) are named by their messages but the exports did "
                       "not hold the files (listed in manifest.json, missing_attachments).")
        typer.echo(f"fingerprint {result.short_fingerprint}\nfull hash {result.fingerprint}")
    for note in result.notes:
        typer.echo(f"greyrock: warning: {safe_text(note)}", err=True)
    for path, n in result.also_in_originals:
        typer.echo(f"greyrock: warning: {safe_text(path)} also holds {n} message(s) that the bundle leaves out "
                   "(with other people, or outside the dates); whoever receives the bundle can read them there. "
                   "Look before you hand it over.", err=True)
    typer.echo("The bundle holds the messages unencrypted: keep it somewhere safe.", err=True)


def _verify(folder: Path, as_json: bool) -> None:
    from greyrock import evidence

    check = evidence.verify_bundle(folder)
    if as_json:
        write_json(check.to_dict())
    elif check.ok:
        sealed = ", ".join(f"{n} {k}" for k, n in sorted(check.sealed.items())) or "none"
        typer.echo(f"intact: {check.files} files, {check.entries} entries ({check.opened} opened; sealed: {sealed})\n"
                   f"fingerprint {check.short_fingerprint}\nfull hash {check.fingerprint}")
    if not check.ok:
        typer.echo(f"NOT INTACT: {safe_text(check.problem or '')}", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("evidence")(evidence_cmd)
