"""`case import … --remove-after`: asking, then removing the exports the case now holds.

In a terminal the reader sees the files and the warning that removing is not erasing, and
answers; in a script (no terminal) the flag alone is the answer. Prompts go to stderr so
that `--json` output stays one JSON document.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from greyrock.cleanup import NOT_ERASED, Removal, remove_files

from ._output import safe_text

__all__ = ["remove_exports"]


def remove_exports(removal: Removal, as_json: bool) -> dict[str, Any]:
    """Ask (in a terminal) and remove; returns the JSON fields, and says what happened on stderr
    (or stdout without --json)."""
    err = as_json
    if removal.problem is not None:
        typer.echo(f"greyrock: not removing the exports: {safe_text(removal.problem)}", err=True)
        return {"removed": [], "not_removed": removal.problem}
    if not removal.files:
        return {"removed": [], "not_removed": None}
    names = "".join(f"\n  {safe_text(str(p))}" for p in removal.files)
    typer.echo(f"The case verified and holds an exact copy of {len(removal.files)} "
               f"file{'s' if len(removal.files) != 1 else ''} read:{names}\n{NOT_ERASED}", err=err)
    if sys.stdin is not None and sys.stdin.isatty() and not typer.confirm("Remove them now?", default=False, err=True):
        typer.echo("Nothing removed.", err=err)
        return {"removed": [], "not_removed": "declined"}
    remove_files(removal)
    for path in removal.removed:
        typer.echo(f"removed {safe_text(str(path))}", err=err)
    for path, why in removal.failed:
        typer.echo(f"greyrock: {safe_text(str(path))}: could not remove it ({safe_text(why)}).", err=True)
    return {"removed": [str(p) for p in removal.removed],
            "not_removed": "; ".join(f"{p}: {why}" for p, why in removal.failed) or None}
