"""The progress bar of long commands: the CLI's, never the library's.

The library reports counts through a callback, `progress(what, count)` (pipeline.Progress);
this module turns them into a Rich progress display on stderr: one line per count (records
read, messages screened), with the rate, and the time left where the total is known.

It shows only when both stdout and stderr are terminals: output piped to a file or another
program, or a log of stderr, gets nothing extra. The bar is transient (it is gone when the
command ends), so what stays on the screen is the command's own result.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Update", "progress_bar", "shows_progress", "status"]

# (what, count so far, total or None): what is a label such as "records read".
Update = Callable[[str, int, "int | None"], None]


def shows_progress() -> bool:
    """Whether a progress bar would be seen: stdout and stderr both on a terminal."""
    try:
        return sys.stdout.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams (tests, pipes)
        return False


@contextmanager
def progress_bar(labels: dict[str, str], totals: dict[str, int] | None = None) -> Iterator[Update]:
    """A callback `update(what, count, total=None)` for the library to call.

    `labels` maps the library's names ("read", "screened") to what the line says
    ("records read"); a name not listed is ignored. Without a terminal the callback does
    nothing and nothing is printed.
    """
    if not shows_progress():
        yield lambda what, count, total=None: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskProgressColumn
    from rich.progress import TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TaskProgressColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn())
    totals = totals or {}
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks = {what: bar.add_task(label, total=totals.get(what), rate="") for what, label in labels.items()}
        started = time.monotonic()

        def update(what: str, count: int, total: int | None = None) -> None:
            task = tasks.get(what)
            if task is None:
                return
            elapsed = time.monotonic() - started
            rate = f"{count / elapsed:,.0f}/s" if elapsed > 0 else ""
            if total is None:
                bar.update(task, completed=count, rate=rate)
            else:
                bar.update(task, completed=count, total=total, rate=rate)

        yield update


@contextmanager
def status(text: str) -> Iterator[None]:
    """A spinner with `text` for a step that reports no counts (writing a PDF); on a
    terminal only, like the bar."""
    if not shows_progress():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(text):
        yield
