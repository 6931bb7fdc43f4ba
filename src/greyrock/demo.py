"""`make demo`: greyrock's main job on the bundled, invented sample export.

The sample is an SMS backup of a co-parenting thread with an abusive ex, written for this
project (no real person's messages). The demo does what a reader would: create an
encrypted case (in a temporary folder, deleted afterwards), import the backup (originals
kept, messages screened and chained), verify it, and show the shielded view.
"""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

from rich.console import Console

from greyrock import pipeline, vault
from greyrock.cli._shield import render
from greyrock.screen import Screener
from greyrock.people import read_roles
from greyrock.settings import case_clock
from greyrock.shield import shield

__all__ = ["main", "sample_path"]


def sample_path() -> str:
    return str(resources.files("greyrock") / "samples" / "sms-demo.xml")


def main() -> None:
    console = Console()
    screener = Screener()
    with tempfile.TemporaryDirectory() as tmp:
        case_path = Path(tmp) / "demo.grc"
        with vault.create_case(case_path, "demo passphrase") as case:
            pipeline.set_contact(case, ["+1 202 555 0147"], region="US")
            result = pipeline.import_export(case, sample_path(), region="US",
                                            screener=screener.screen_messages, model_id=screener.model_id)
            check = case.verify()
            console.print(f"[bold]greyrock demo[/bold]: imported {result.added} messages from the bundled sample "
                          f"into an encrypted case ({', '.join(result.formats)}).")
            console.print(f"Case verified: {check.entries} chain entries, fingerprint {check.fingerprint[:16]}…\n")
            console.print("[bold]What needs your attention[/bold] (abuse left out; nothing here is hidden from a court):")
            render(shield(case.messages(), read_roles(case), case_clock(case)[0]), "CASE", console)


if __name__ == "__main__":
    main()
