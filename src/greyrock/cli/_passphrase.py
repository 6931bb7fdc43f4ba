"""Getting a passphrase: GREYROCK_PASSPHRASE when set, else asked on the terminal, unechoed.

The variables are for scripts: a value typed as `GREYROCK_PASSPHRASE=… greyrock …` lands in
the shell's history, and any program of the same user can read a process's environment.
A new passphrase (create, passwd, backup) is measured first (greyrock.passphrase): in a
terminal a weak one is explained and asked again; from a variable it is refused at once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

import typer

from greyrock.errors import InputError, WeakPassphrase

__all__ = ["ALLOW_WEAK_HELP", "ask_new_passphrase", "ask_passphrase"]

ALLOW_WEAK_HELP = "Accept a passphrase that is easy to guess (not advised: it is all that protects the case)."
_TRIES = 3


def ask_passphrase(purpose: str = "Case passphrase", env: str = "GREYROCK_PASSPHRASE", confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise InputError(f"No passphrase: set {env} or run this in a terminal.")
    return typer.prompt(purpose, hide_input=True, confirmation_prompt=confirm)


def ask_new_passphrase(purpose: str, env: str, *, allow_weak: bool, context: Iterable[str] = ()) -> str:
    """A new passphrase, confirmed, that zxcvbn rates strong unless `allow_weak`."""
    from greyrock.passphrase import require_strong

    words = list(context)
    from_env = bool(os.environ.get(env))
    for attempt in range(_TRIES):
        value = ask_passphrase(purpose, env, confirm=True)
        if allow_weak:
            return value
        try:
            require_strong(value, context=words)
            return value
        except WeakPassphrase as exc:
            if from_env or attempt == _TRIES - 1:
                raise
            typer.echo(f"greyrock: {exc}", err=True)
    raise AssertionError("unreachable")
