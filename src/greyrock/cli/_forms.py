"""Answers to a form (journal entry, call note): from a JSON file, or asked one by one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import typer

from greyrock.errors import InputError

__all__ = ["answers_from"]


class _Question(Protocol):
    key: str
    prompt: str
    required: bool


def answers_from(json_file: Path | None, questions: Sequence[_Question], name: str) -> tuple[dict[str, Any], str]:
    """(answers, source name for error messages)."""
    if json_file is None:
        answers = {q.key: typer.prompt(q.prompt, default=None if q.required else "", show_default=False)
                   for q in questions}
        return answers, name
    try:
        answers = json.loads(json_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{json_file}: not a readable JSON file ({type(exc).__name__}).") from exc
    if not isinstance(answers, dict):
        raise InputError(f"{json_file}: expected one JSON object with the answers.")
    return answers, str(json_file)
