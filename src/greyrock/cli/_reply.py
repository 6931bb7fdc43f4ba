"""`greyrock reply`, `greyrock tone` and `greyrock call`: answering when contact can't be avoided."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from greyrock.errors import InputError

from ._forms import answers_from
from ._lazy import lazy
from ._output import safe_text, write_json
from ._passphrase import ask_passphrase
from ._settings import open_on_clock, show_iso

__all__ = ["register"]

reply, vault = lazy("greyrock.reply"), lazy("greyrock.vault")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]

call_app = typer.Typer(help="A script for a phone call that must happen, and a note that files it.", no_args_is_help=True)


def _echo(text: str = "") -> None:
    typer.echo(safe_text(text))


def _show_safety(advice: reply.Advice, indent: str = "") -> None:
    for note in advice.safety:
        _echo(f"{indent}SAFETY ({note.kind}): {note.why}")
        if note.words:
            _echo(f"{indent}  Their words: " + "; ".join(f'"{w}"' for w in note.words))
        for r in note.resources:
            reach = "; ".join(x for x in (r["phone"], r["text"]) if x)
            _echo(f"{indent}  {r['name']}: {reach} ({r['hours']})")


def _show_advice(advice: reply.Advice, indent: str = "") -> None:
    _show_safety(advice, indent)
    if advice.summary:
        _echo(f"{indent}Practical part: {advice.summary}")
    _echo(f"{indent}Advice: {'reply' if advice.advice == 'reply' else 'no reply'}. {advice.why}")
    for i, draft in enumerate(advice.drafts, 1):
        _echo(f"{indent}  {i}. {draft.text}")
    if advice.drafts:
        _echo(f"{indent}Fill in anything in [brackets], or leave it out. Check your own draft with: greyrock tone \"...\"")


def reply_cmd(
    case: Annotated[Optional[Path], typer.Argument(help="A case file (with --pending).")] = None,
    text: Annotated[Optional[str], typer.Option("--text", help="One message to answer.")] = None,
    pending: Annotated[bool, typer.Option("--pending", help="Drafts for every message in CASE still waiting for a reply.")] = False,
    country: Annotated[Optional[str], typer.Option("--country", help="Country code for the help numbers in safety "
                                                                      "notes (default: your region).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Whether to reply to a message, why, and short grey-rock drafts."""
    if text is not None and case is not None:
        raise InputError("reply: give either --text \"...\" or CASE --pending, not both.")
    if text is not None:
        if not text.strip():
            raise InputError("--text: the message is empty.")
        from greyrock.screen import Screener

        screener = Screener()
        [finding] = screener.screen([text])
        advice = reply.advise(text, finding, screener.screen, country)
        if as_json:
            write_json(advice.to_dict())
        else:
            _show_advice(advice)
        return
    if case is None or not pending:
        raise InputError("reply: give --text \"...\" for one message, or CASE --pending for a case.")
    with open_on_clock(case) as c:
        waiting = reply.pending(c, country)
    if as_json:
        write_json([p.to_dict() for p in waiting])
        return
    if not waiting:
        _echo("Nothing is waiting for a reply.")
        return
    for p in waiting:
        _echo(f"#{p.message_id}  {show_iso(p.timestamp)}  {p.channel}  {p.sender or ''}".rstrip()
              + ("  (labels corrected by the reader)" if p.correction else ""))
        _show_advice(p.advice, indent="    ")
        _echo()


def tone_cmd(
    draft: Annotated[str, typer.Argument(help="Your draft reply, in quotes ('-' reads it from stdin).")],
    as_json: JsonOpt = False,
    model: Annotated[
        bool,
        typer.Option("--model", help="Also ask greyrock's classifier whether the draft reads as a threat, coercion "
                                     "or abuse. It was trained on the other person's messages and flags some "
                                     "neutral replies."),
    ] = False,
) -> None:
    """Check a draft of yours for what gives them something to use, and offer a grey-rock rewrite."""
    if draft == "-":
        draft = sys.stdin.read()
    if not draft.strip():
        raise InputError("tone: the draft is empty.")
    screener = None
    if model:
        from greyrock.screen import Screener

        screener = Screener()
    result = reply.check(draft, screener)
    if as_json:
        write_json(result.to_dict())
        return
    if not result.flags:
        _echo("No flags: this draft gives them nothing to react to.")
        return
    _echo(f"{len(result.flags)} thing{'s' if len(result.flags) != 1 else ''} to look at:")
    for f in result.flags:
        _echo(f"  {f.kind.replace('_', ' ')}: \"{f.text}\"")
        _echo(f"      {f.why}")
    _echo("Grey-rock rewrite:")
    _echo(f"  {result.rewrite}")


@call_app.command("script")
def call_script() -> None:
    """Print the script for a phone call that must happen."""
    _echo("For a call that has to happen:")
    for i, step in enumerate(reply.CALL_SCRIPT, 1):
        _echo(f"  {i}. {step.do}")
        if step.say:
            _echo(f"     Say: \"{step.say}\"")


def _check_note(key: str, value: str) -> str:
    from greyrock import journal

    return journal.check_answer(key, value)  # the note's time becomes the journal entry's


@call_app.command("note")
def call_note(
    case: Annotated[Path, typer.Argument(help="The case file.")],
    json_file: Annotated[Optional[Path], typer.Option("--json", help="Read the answers from a JSON file.")] = None,
) -> None:
    """File a phone call in the case's journal: when, who, their words, what was agreed."""
    if json_file is not None:
        answers, source = answers_from(json_file, reply.NOTE_QUESTIONS, "call note")
        reply.call_note_entry(answers, source)  # check the answers before asking for the passphrase
    with vault.open_case(case, ask_passphrase()) as c:  # before the questions: see _forms.py
        if json_file is None:
            answers, source = answers_from(None, reply.NOTE_QUESTIONS, "call note", _check_note)
        entry_id = reply.add_call_note(c, answers, source)
    _echo(f"Call filed as journal entry {entry_id}.")
    if str(answers.get("threatening") or "").strip():
        _echo("You noted something threatening. If you feel unsafe, see: greyrock help-now")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("reply")(reply_cmd)
    app.command("tone")(tone_cmd)
    app.add_typer(call_app, name="call")
