"""`greyrock classify` and `greyrock eval`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from greyrock.errors import InputError

from ._output import safe_text, write_json, write_jsonl
from ._progress import progress_bar

__all__ = ["classify", "evaluate"]

_CHUNK = 512  # messages screened between two progress updates (scores do not depend on it)


def _read_requests(file: Path | None) -> list[tuple[object, str]]:
    name = str(file) if file else "stdin"
    try:
        text = file.read_text(encoding="utf-8") if file else sys.stdin.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read ({exc}).") from exc
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            body = obj["text"]
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{name}, line {n}: expected a JSON object with 'id' and 'text'.") from None
        if not isinstance(body, str):
            raise InputError(f"{name}, line {n}: 'text' must be a string.")
        out.append((obj.get("id"), body))
    return out


def classify(
    file: Annotated[Optional[Path], typer.Argument(help="JSON Lines with id and text; stdin when left out.")] = None,
) -> None:
    """Screen messages: labels, scores, tactics, evidence spans and the shielded summary."""
    from greyrock.screen import Screener

    requests = _read_requests(file)
    screener = Screener()
    findings = []
    with progress_bar({"screened": "messages screened"}) as update:
        for start in range(0, len(requests), _CHUNK):
            chunk = requests[start : start + _CHUNK]
            findings.extend(zip((i for i, _ in chunk), screener.screen([t for _, t in chunk])))
            update("screened", len(findings), len(requests))
    write_jsonl({"id": i, **{k: v for k, v in f.to_dict().items() if k != "model"}} for i, f in findings)


def evaluate(
    files: Annotated[list[Path], typer.Argument(help="Labelled JSON Lines files (labels.md format).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Score the classifier on labelled sets: per-label P/R/F1, macro-F1, needs_reply, false alarms.

    Several sets (a written one, real messages, everyday chat) are scored one after the
    other with the same model, and a last table puts them side by side.
    """
    from greyrock.screen import Screener
    from greyrock.screen._eval import evaluate as run, format_report, format_summary, read_labelled

    sets = {path.name if [p.name for p in files].count(path.name) == 1 else str(path): read_labelled(path)
            for path in files}
    screener = Screener()
    reports = {}
    for name, rows in sets.items():
        with progress_bar({"screened": f"{name}: messages screened"}) as update:
            reports[name] = run(rows, screener, progress=lambda what, n: update(what, n, len(rows)))
    if as_json:
        write_json(next(iter(reports.values())) if len(reports) == 1 else {"sets": reports})
        return
    for i, (name, report) in enumerate(reports.items()):
        if len(reports) > 1:
            typer.echo(f"{'' if i == 0 else chr(10)}== {safe_text(name)} ==")
        for line in format_report(report):
            typer.echo(line)
    if len(reports) > 1:
        typer.echo("")
        for line in format_summary(reports):
            typer.echo(safe_text(line))
