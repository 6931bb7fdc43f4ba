"""`greyrock case label`: the reader corrects a message's screening labels.

The correction is a chained record of its own; the automated screening stays as it was
(see `greyrock.vault._labels`), and every view shows the message as corrected by the reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ._lazy import lazy
from ._output import safe_text, write_json
from ._passphrase import ask_passphrase

__all__ = ["register"]

vault = lazy("greyrock.vault")

def _split(values: list[str] | None) -> list[str]:
    """--add threat --add coercion, or --add threat,coercion."""
    return [part.strip() for v in values or () for part in v.split(",") if part.strip()]


def register(case_app: typer.Typer) -> None:
    @case_app.command("label")
    def label_cmd(
        case: Annotated[Path, typer.Argument(help="The case file.")],
        message_id: Annotated[int, typer.Argument(metavar="ID", help="The message number ('greyrock shield').")],
        add: Annotated[Optional[list[str]], typer.Option("--add", metavar="LABEL",
                                                         help="A label the screening missed.")] = None,
        remove: Annotated[Optional[list[str]], typer.Option("--remove", metavar="LABEL",
                                                            help="A label the screening gave wrongly.")] = None,
        note: Annotated[str, typer.Option("--note", help="Why, in your words (kept with the correction).")] = "",
        reset: Annotated[bool, typer.Option("--reset", help="Drop your earlier corrections of this message.")] = False,
        agreed: Annotated[Optional[bool], typer.Option(
            "--agreed/--not-agreed", help="Mark this call or message as agreed contact (e.g. a call with the "
                                          "children): not counted as a contact attempt.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Correct a message's screening labels; the automated screening is kept beside your correction."""
        labels_asked = bool(add or remove or reset)
        with vault.open_case(case, ask_passphrase()) as c:
            # The labels first: a mistake in them records nothing, the agreed mark included.
            fix = (c.correct_labels(message_id, _split(add), _split(remove), note, reset) if labels_asked or agreed is None
                   else c.corrections().get(message_id))
            if agreed is not None:
                c.mark_agreed(message_id, agreed)
            stored = next(s for s in c.messages() if s.id == message_id)
        screening = stored.screening or {}
        if as_json:
            out = {"id": message_id, "labels": stored.labels, "screening_labels": list(screening.get("labels", [])),
                   "correction": fix.to_dict() if fix else None}
            if agreed is not None:
                out["agreed"] = agreed
            write_json(out)
            return
        if agreed is not None:
            typer.echo(f"#{message_id}: {'agreed contact: not counted as a contact attempt' if agreed else 'not agreed contact: counted as a contact attempt when it is one'}.")
            if not labels_asked:
                return
        typer.echo(f"#{message_id}: labels now {', '.join(stored.labels) or 'none'}"
                   f" (screening suggested {', '.join(screening.get('labels', [])) or 'none'}).")
        typer.echo(safe_text(fix.describe() + (f" ({fix.note})" if fix.note else "") + ".") if fix else
                   "No correction by the reader: the automated screening applies.")
