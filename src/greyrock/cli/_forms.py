"""Answers to a form (journal entry, call note): from a JSON file, or asked one by one.

Asked on the terminal, each answer is checked as soon as it is given and asked again when
it does not fit, with what was wrong: nothing typed is lost to an error found later. A date
written freely ("March 16 around 1am", "yesterday 9pm") is read by `greyrock._when` and
echoed back for the reader to confirm; one that cannot be read is asked again with an
example. The commands open the case before asking, so a wrong passphrase costs nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import typer

from greyrock import _when
from greyrock.errors import InputError

from ._output import safe_text

__all__ = ["answers_from", "ask"]

Check = Callable[[str, str], str]


class _Question(Protocol):
    key: str
    prompt: str
    required: bool


def _ask_datetime(q: _Question) -> str:
    while True:
        value = typer.prompt(q.prompt, default=None if q.required else "", show_default=False).strip()
        if not value and not q.required:
            return ""
        try:
            understood = _when.understand(value)
        except InputError as exc:
            typer.echo(safe_text(f"  Not understood: {exc}"))
            continue
        if understood.exact:
            return value
        if typer.confirm(f"  Understood as {understood.describe()}. Is that right?", default=True):
            return understood.value.isoformat(sep=" ", timespec="minutes")
        typer.echo(f"  Then please write it again, {_when.EXAMPLE}.")


def _ask_one(q: _Question, check: Check | None) -> str:
    while True:
        if getattr(q, "kind", "text") == "datetime":
            value = _ask_datetime(q)
        else:
            value = typer.prompt(q.prompt, default=None if q.required else "", show_default=False)
        if check is None:
            return value
        try:
            return check(q.key, value)
        except InputError as exc:
            typer.echo(safe_text(f"  {exc} Please answer again."))


def ask(questions: Sequence[_Question], check: Check | None = None) -> dict[str, Any]:
    """Every question asked in turn; each answer checked (`check(key, value)` returns the value
    to keep or raises InputError) and asked again until it fits."""
    return {q.key: _ask_one(q, check) for q in questions}


def answers_from(json_file: Path | None, questions: Sequence[_Question], name: str,
                 check: Check | None = None) -> tuple[dict[str, Any], str]:
    """(answers, source name for error messages)."""
    if json_file is None:
        return ask(questions, check), name
    try:
        answers = json.loads(json_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{json_file}: not a readable JSON file ({type(exc).__name__}).") from exc
    if not isinstance(answers, dict):
        raise InputError(f"{json_file}: expected one JSON object with the answers.")
    return answers, str(json_file)
