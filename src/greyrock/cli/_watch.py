"""`greyrock watch`: the live mailbox shield (see greyrock.mailbox)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from greyrock.errors import InputError

from ._lazy import lazy
from ._output import safe_text, write_json
from ._settings import open_on_clock

__all__ = ["register"]

mailbox = lazy("greyrock.mailbox")
NEUTRAL = "greyrock: {n} item{s} need{v} you"


def register(app: typer.Typer) -> None:
    app.command("watch")(watch_cmd)


def watch_cmd(
    case: Annotated[Path, typer.Argument(help="The case file.")],
    imap: Annotated[Optional[str], typer.Option(
        "--imap", help="imaps://USER@HOST:PORT/Folder (TLS; the port and folder may be left out), "
                       "or imap://… (STARTTLS); remembered in the case.")] = None,
    quarantine: Annotated[Optional[str], typer.Option(
        "--quarantine", help="The folder the other person's mail is moved to (default greyrock/quarantine).")] = None,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit (for a scheduled job).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would move; store and move nothing.")] = False,
    undo: Annotated[bool, typer.Option("--undo", help="Move every quarantined mail back to the watched folder.")] = False,
    interval: Annotated[float, typer.Option("--interval", min=5, help="Seconds between passes where the server has no IDLE; "
                                            "the longest IDLE wait otherwise.")] = 60.0,
    save_password: Annotated[bool, typer.Option(
        "--save-password", help="Keep the password you type in the (encrypted) case, so later runs need not ask.")] = False,
    insecure_local: Annotated[bool, typer.Option(
        "--insecure-local", help="Plain-text IMAP, allowed only to 127.0.0.1 (tests).")] = False,
    cafile: Annotated[Optional[Path], typer.Option(
        "--cafile", help="A certificate to trust for the server (a self-signed one); the system's otherwise.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="With --once, --dry-run or --undo: print a JSON summary.")] = False,
) -> None:
    """Keep the other person's mail out of your inbox: store it in the case, screen it, then
    move it to a quarantine folder. Nothing is ever deleted."""
    with open_on_clock(case) as c, _server_errors():
        account = _account(c, imap, quarantine, insecure_local)
        password = _password(c, account, save_password)
        context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
        from greyrock.mailbox._imap import connect as imap_connect

        connect = lambda: imap_connect(account, password, ssl_context=context)  # noqa: E731
        if undo:
            box = connect()
            try:
                moved = mailbox.undo(box, account)
            finally:
                box.close()
            if as_json:
                write_json({"moved_back": moved})
            else:
                typer.echo(f"{moved} mail{'s' if moved != 1 else ''} moved back to {safe_text(account.folder)}.")
            return
        screener = None if dry_run else _screener()
        run = lambda box: mailbox.sweep(  # noqa: E731
            c, box, account, screener=screener and screener.screen_messages,
            model_id=screener.model_id if screener else "", dry_run=dry_run)
        if once or dry_run:
            box = connect()
            try:
                result = run(box)
            finally:
                box.close()
            _report(result, case, as_json=as_json, dry_run=dry_run)
            return
        typer.echo(f"Watching {safe_text(account.url())}; the other person's mail goes to "
                   f"{safe_text(account.quarantine)}. Ctrl-C stops.", err=True)
        try:
            mailbox.watch(c, connect, account, screener=screener.screen_messages, model_id=screener.model_id,
                          interval=interval, report=lambda r: _report(r, case, as_json=False, dry_run=False, quiet=True),
                          log=lambda line: typer.echo(f"greyrock: {safe_text(line)}", err=True))
        except KeyboardInterrupt:
            typer.echo("greyrock: stopped; every mail stored so far is kept.", err=True)
            raise typer.Exit(130) from None


@contextmanager
def _server_errors():
    """A server that cannot be reached, refuses the login or a command: one line, exit 2."""
    try:
        yield
    except (OSError, EOFError) as exc:
        raise InputError(f"the mail server could not be reached or dropped the connection ({type(exc).__name__}: "
                         f"{exc}).") from None
    except Exception as exc:
        if type(exc).__module__.split(".")[0] not in ("imap_tools", "imaplib"):
            raise
        raise InputError(f"the mail server said no ({type(exc).__name__}); check the address, user and password.") from None


def _account(c, imap: str | None, quarantine: str | None, insecure_local: bool):
    if imap:
        account = mailbox.parse_url(imap, insecure_local=insecure_local,
                                    quarantine=quarantine or mailbox.QUARANTINE)
    else:
        account = mailbox.read_account(c)
        if account is None:
            raise InputError("this case has no mailbox yet; give it once with --imap imaps://USER@HOST.")
        if quarantine:
            account = mailbox.Account(**{**account.__dict__, "quarantine": quarantine})
    mailbox.save_account(c, account)
    return account


def _password(c, account, save: bool) -> str:
    found = mailbox.find_password(c, account)
    if found:
        return found
    if not sys.stdin.isatty():
        raise InputError(f"no password for {account.user} at {account.host}: set GREYROCK_IMAP_PASSWORD, or run once "
                         "in a terminal with --save-password.")
    import getpass

    typed = getpass.getpass(f"IMAP password for {account.user} at {account.host}: ")
    if save or typer.confirm("Keep it in the case (encrypted), so later runs need not ask?", default=False):
        mailbox.save_password(c, account, typed)
    return typed


def _screener():
    from greyrock.screen import Screener

    return Screener()


def _report(result, case: Path, *, as_json: bool, dry_run: bool, quiet: bool = False) -> None:
    if result.needs_you:
        n = result.needs_you
        line = NEUTRAL.format(n=n, s="s" if n != 1 else "", v="s" if n == 1 else "")
        typer.echo(f"{line} (greyrock shield {safe_text(str(case))})", err=True)
        _notify(line)
    for error in result.errors:
        typer.echo(f"greyrock: {safe_text(error)}", err=True)
    if as_json:
        data = result.to_dict()
        if dry_run:
            data["would_move"] = result.would_move
        write_json(data)
    elif dry_run:
        typer.echo(f"{len(result.would_move)} mail{'s' if len(result.would_move) != 1 else ''} would move "
                   f"(UIDs {', '.join(result.would_move) or 'none'}); nothing was stored or moved.")
    elif not quiet or result.moved or result.stored:
        typer.echo(f"{result.moved} moved to quarantine, {result.stored} stored in the case, {result.skipped} left "
                   f"in place, {len(result.errors)} errors.")


def _notify(line: str) -> None:
    """A desktop notification where `notify-send` is there; its failure is never the watcher's."""
    tool = shutil.which("notify-send")
    if tool is None:
        return
    try:
        subprocess.run([tool, "greyrock", line], timeout=10, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        pass


def backfill(c, url: str, screener, *, as_json: bool) -> None:
    """`greyrock case import CASE imaps://USER@HOST/Folder`: store every mail of the other
    person's in that folder, by the watcher's path, moving nothing (a summary line on stderr)."""
    from greyrock.mailbox._imap import connect as imap_connect

    with _server_errors():
        account = mailbox.parse_url(url)
        box = imap_connect(account, _password(c, account, save=False))
        try:
            result = mailbox.sweep(c, box, account, screener=screener.screen_messages, model_id=screener.model_id,
                                   move=False)
        finally:
            box.close()
    for error in result.errors:
        typer.echo(f"greyrock: {safe_text(error)}", err=True)
    typer.echo(f"{safe_text(account.url())}: {result.stored} stored, {result.moved} moved, {result.skipped} left out.",
               err=True)
