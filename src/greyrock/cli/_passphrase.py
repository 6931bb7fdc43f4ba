"""Getting a passphrase: GREYROCK_PASSPHRASE when set, else asked on the terminal, unechoed."""

from __future__ import annotations

import os
import sys

import typer

from greyrock.errors import InputError

__all__ = ["ask_passphrase"]


def ask_passphrase(purpose: str = "Case passphrase", env: str = "GREYROCK_PASSPHRASE", confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise InputError(f"No passphrase: set {env} or run this in a terminal.")
    return typer.prompt(purpose, hide_input=True, confirmation_prompt=confirm)
