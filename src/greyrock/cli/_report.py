"""`greyrock timeline` and `greyrock report`: the escalation timeline and the court report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from greyrock.errors import InputError

from ._lazy import lazy
from ._output import safe_text, write_json
from ._settings import open_on_clock
from ._progress import status

__all__ = ["register"]

vault = lazy("greyrock.vault")

CaseArg = Annotated[Path, typer.Argument(help="The case file.")]
FromOpt = Annotated[Optional[str], typer.Option("--from", help="First day to include (YYYY-MM-DD).")]
ToOpt = Annotated[Optional[str], typer.Option("--to", help="Last day to include (YYYY-MM-DD).")]


def timeline(
    case: CaseArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    start: FromOpt = None,
    end: ToOpt = None,
) -> None:
    """Contact attempts per day and week, labels over time, first threat, night bursts and trend."""
    from greyrock import report  # PDF machinery: loaded only by the commands that use it

    first, last = report.parse_day(start, "--from"), report.parse_day(end, "--to")
    if first and last and first > last:
        raise InputError(f"--from {first} is after --to {last}.")
    with open_on_clock(case) as c:
        tl = report.case_timeline(c, first, last)
    if as_json:
        write_json(tl.to_dict())
        return
    if not tl.days:
        typer.echo("No dated messages in this case (or period).")
        return
    ft = tl.first_threat
    typer.echo(f"{tl.days[0].date} to {tl.days[-1].date}: {tl.attempts} contact attempts by the other person.")
    typer.echo(f"first suggested threat: {report.format_ts(ft.when) if ft else 'none'}")
    if tl.separation_date:
        typer.echo(f"suggested threats on or after separation ({tl.separation_date}): "
                   f"{len(tl.threats_after_separation)}")
    typer.echo(f"nights with 3+ attempts (22:00-06:00): {len(tl.night_bursts)}")
    t = tl.trend
    typer.echo(f"trend: {t.direction} ({t.last} in the last {t.window_days} days, {t.previous} in the "
               f"{t.window_days} before)" if t.window_days else "trend: too few days of contact to tell")
    table = Table(title="Per week (labels are automated suggestions)")
    for column in ("week", "messages", "calls", "sent by you", "labels"):
        table.add_column(column)
    for w in tl.weeks:
        labels = ", ".join(f"{k} {v}" for k, v in w.to_dict()["by_label"].items())
        table.add_row(w.week, str(w.messages), str(w.calls), str(w.sent), labels)
    Console().print(table)


def _outputs(case: Path, paths: list[Path | None]) -> None:
    """Refuse to write over the case file, or two outputs into one file."""
    seen: set[Path] = {case.resolve()}
    for p in paths:
        if p is None:
            continue
        resolved = p.resolve()
        if resolved in seen:
            what = "the case file" if resolved == case.resolve() else "another output of this command"
            raise InputError(f"{p}: this is {what}; choose another file name.")
        if not resolved.parent.is_dir():
            raise InputError(f"{p}: the folder {p.parent} does not exist.")
        seen.add(resolved)


def _name(value: str | None, option: str) -> str | None:
    """A --my-name/--their-name/--court-ref value checked like the case setting it replaces."""
    if value is None:
        return None
    from greyrock.settings import check_text

    return check_text(value, option)


def report_cmd(
    case: CaseArg,
    out: Annotated[Optional[Path], typer.Option("--out", help="Where to write the report (PDF, or HTML with --html).")] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    html: Annotated[bool, typer.Option("--html", help="Write an HTML page instead of a PDF.")] = False,
    labels: Annotated[
        Optional[str], typer.Option("--labels", help="Only the other person's messages with these labels, e.g. threat,coercion.")
    ] = None,
    no_own: Annotated[bool, typer.Option("--no-own-messages", help="Leave your own messages out of the log.")] = False,
    csv_out: Annotated[Optional[Path], typer.Option("--csv", help="Also write the messages as CSV to this file.")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the whole record as JSON to this file.")] = None,
    include_third: Annotated[
        Optional[list[str]], typer.Option("--include-third", help="Also show the messages with this person (role third).")
    ] = None,
    no_risk: Annotated[bool, typer.Option("--no-risk", help="Leave the danger signs you confirmed out of the report.")] = False,
    paper: Annotated[Optional[str], typer.Option(
        "--paper", metavar="letter|a4", help="Paper size (default: US Letter in the US and Canada, else A4).")] = None,
    my_name: Annotated[Optional[str], typer.Option("--my-name", help="Your name on the report (default: the case setting).")] = None,
    their_name: Annotated[Optional[str], typer.Option(
        "--their-name", help="The other person's name on the report (default: the case setting).")] = None,
    court_ref: Annotated[Optional[str], typer.Option(
        "--court-ref", help="The court or case number on the report (default: the case setting).")] = None,
) -> None:
    """Write the court-ready report: cover with the fingerprint, summary, charts, threats, journal, log."""
    from greyrock import report

    if out is None and csv_out is None and json_out is None:
        raise InputError("--out: name the file to write the report to (or give --csv / --json).")
    _outputs(case, [out, csv_out, json_out])
    chosen = tuple(x.strip() for x in (labels or "").split(",") if x.strip())
    options = report.ReportOptions(start=report.parse_day(start, "--from"), end=report.parse_day(end, "--to"),
                                   labels=chosen, own_messages=not no_own, include_third=tuple(include_third or ()),
                                   risk=not no_risk, paper=paper.strip().lower() if paper else None,
                                   my_name=_name(my_name, "--my-name"), their_name=_name(their_name, "--their-name"),
                                   court_ref=_name(court_ref, "--court-ref"))
    with open_on_clock(case) as c, status("Reading and checking the case"):
        record = report.gather(c, options)
    written = []
    try:
        with status("Writing the report"):
            if out is not None:
                if html:
                    report.write_html(record, out)
                    written.append(f"{out} (HTML)")
                else:
                    pages = report.write_pdf(record, out).pages
                    written.append(f"{out} ({pages} pages)")
            if csv_out is not None:
                report.write_csv(record, csv_out)
                written.append(f"{csv_out} (CSV, {len(record.log)} messages, {len(record.unparsed)} unparsed)")
            if json_out is not None:
                report.write_json(record, json_out)
                written.append(f"{json_out} (JSON)")
    except OSError as exc:
        raise InputError(f"{exc.filename or out}: cannot write the report ({exc.strerror}).") from exc
    for warning in record.notes:
        typer.echo(f"greyrock: warning: {safe_text(warning)}", err=True)
    for line in written:
        typer.echo(f"written: {safe_text(line)}")
    a = record.accounting
    typer.echo(f"the case holds {a.held} records; the report shows {a.shown}; left out: {a.unparsed} unparsed, "
               f"{a.others} with other people, {a.unassigned} with addresses that have no role yet, "
               f"{a.unknown_sender} with no known sender, {a.system} notices, "
               f"{a.by_filter} by your choices (--from/--to/--labels/--no-own-messages).")
    for u in record.unparsed:
        typer.echo(f"unparsed: {safe_text(u.place)}: {safe_text(u.reason)}")
    typer.echo("These files hold the messages unencrypted: keep them somewhere safe.")
    if csv_out is not None:  # the text is evidence and stays exact, so the file cannot defuse itself
        typer.echo(f"{safe_text(str(csv_out))} holds their messages exactly as sent: open it through a spreadsheet's "
                   "import, every column as text (a message that begins with = + - or @ can act as a formula), "
                   "not by double-clicking it, and not with cat in a terminal.")
    if record.integrity.ok:
        typer.echo(f"fingerprint {record.integrity.fingerprint}")
    else:
        typer.echo(f"greyrock: NOT INTACT: {safe_text(record.integrity.problem or '')} "
                   "The report says so on its cover.", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `timeline` and `report` to the root app."""
    app.command("timeline")(timeline)
    app.command("report")(report_cmd)
