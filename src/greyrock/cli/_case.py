"""`greyrock case …` and `greyrock journal …`: the encrypted case file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from greyrock.errors import InputError

from ._forms import answers_from
from ._lazy import lazy
from ._output import safe_text, write_json
from ._passphrase import ALLOW_WEAK_HELP, ask_new_passphrase, ask_passphrase
from ._people import register as _register_people, unassigned_lines
from ._progress import progress_bar
from ._settings import open_on_clock, settings_cmd

__all__ = ["case_app", "fingerprint_cmd", "journal_app"]

journal, pipeline, vault = lazy("greyrock.journal"), lazy("greyrock.pipeline"), lazy("greyrock.vault")
people = lazy("greyrock.people")

case_app = typer.Typer(help="Create, fill and check an encrypted case file.", no_args_is_help=True)
journal_app = typer.Typer(help="The incident journal kept in a case.", no_args_is_help=True)
_register_people(case_app)

CaseArg = Annotated[Path, typer.Argument(help="The case file.")]
WeakOpt = Annotated[bool, typer.Option("--allow-weak-passphrase", help=ALLOW_WEAK_HELP)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_IMPORT_PROGRESS = {"read": "records read", "screened": "messages screened"}


def _open(path: Path) -> vault.Case:
    return vault.open_case(path, ask_passphrase())


@case_app.command("create")
def create(case: CaseArg, allow_weak: WeakOpt = False) -> None:
    """Create a new encrypted case file."""
    from greyrock.settings import record_system_zone

    passphrase = ask_new_passphrase("New case passphrase", "GREYROCK_PASSPHRASE", allow_weak=allow_weak,
                                    context=[case.stem])
    with vault.create_case(case, passphrase) as c:
        zone = record_system_zone(c)
    typer.echo(f"Created {safe_text(str(case))}. Keep the passphrase safe: without it the case cannot be opened.")
    typer.echo(f"Time zone {safe_text(zone)} (this computer's); change it with 'greyrock case settings "
               f"{safe_text(str(case))} --timezone Area/City'.")


@case_app.command("import")
def import_(
    case: CaseArg,
    paths: Annotated[list[Path], typer.Argument(help="Exports: files, folders or zips.")],
    format: Annotated[Optional[str], typer.Option("--format", help="Skip detection; see 'greyrock formats'.")] = None,
    contact: Annotated[
        Optional[list[str]], typer.Option("--contact", help="The other person's numbers, addresses or names.")
    ] = None,
    me: Annotated[Optional[str], typer.Option("--me", help="Your own name in the export (the role me).")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="Country for numbers without a code, and ambiguous dates.")] = None,
    remove_after: Annotated[bool, typer.Option(
        "--remove-after", help="Once the case verifies and holds them, remove the export files read (asks first in a terminal).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add exports to a case: originals kept byte for byte, messages parsed and chained."""
    from greyrock.cleanup import check_removable
    from greyrock.screen import Screener

    from ._remove import remove_exports

    screener = Screener()
    with open_on_clock(case) as c, progress_bar(_IMPORT_PROGRESS) as update:
        if contact:
            pipeline.set_contact(c, contact, region=region)
        if me:  # a role, so an export imported without --me is set right by giving it again
            people.set_roles(c, me=[me], region=region)
        results = []
        for path in paths:
            if str(path).startswith(("imap:/", "imaps:/")):  # a mail folder (Path folded its "//")
                from ._watch import backfill

                backfill(c, str(path).replace(":/", "://", 1), screener, as_json=as_json)
                continue
            try:
                results.append(pipeline.import_export(c, path, format=format, me=me, region=region, progress=update,
                                                      screener=screener.screen_messages, model_id=screener.model_id))
            except KeyboardInterrupt:
                typer.echo(f"greyrock: interrupted; what was stored is kept. Run the same import again to add the "
                           f"rest of {safe_text(str(path))}.", err=True)
                raise typer.Exit(130) from None
        fingerprint, short = c.fingerprint(), c.short_fingerprint()
        removal = check_removable(c, [f for r in results for f in r.files_read]) if remove_after else None
        found = people.list_people(c)
    if as_json:
        removed = remove_exports(removal, as_json=True) if removal is not None else {}
        write_json({"imports": [r.to_dict() for r in results], "fingerprint": fingerprint,
                    "unassigned": [p.to_dict() for p in found if p.role is None], **removed})
        if removed.get("not_removed") not in (None, "declined"):
            raise typer.Exit(1)
        return
    for r in results:
        for warning in r.warnings:
            typer.echo(f"greyrock: warning: {safe_text(str(warning))}", err=True)
        if r.already_imported:
            typer.echo(f"{safe_text(r.path)}: already in the case; nothing added.")
        else:
            places = "".join(f"\n    unparsed: {safe_text(str(w))}" for w in r.unparsed_at)
            typer.echo(f"{safe_text(r.path)}: {r.added} added, {r.duplicates} already held, {r.unparsed} unparsed."
                       + places)
            if r.without_zone:
                typer.echo(f"    {r.without_zone} times without a time zone, read as {safe_text(r.zone)} times "
                           f"(change with 'greyrock case settings {safe_text(str(case))} --timezone Area/City').")
    for line in unassigned_lines(str(case), found):
        typer.echo(safe_text(line))
    typer.echo(f"fingerprint {short}")
    if removal is not None and remove_exports(removal, as_json=False)["not_removed"] not in (None, "declined"):
        raise typer.Exit(1)


_FORMAT_1_NOTE = ("note: this case was made by an older greyrock (case format 1); its chain does not cover "
                  "sort order, duplicate keys, stored attachments or metadata.")


@case_app.command("verify")
def verify(
    case: CaseArg,
    fingerprint: Annotated[
        Optional[str], typer.Option("--fingerprint", help="One you kept ('greyrock fingerprint'): the case must still extend it.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check every original and every chain entry; exit 1 naming the first that does not match."""
    with _open(case) as c:
        result = c.verify(fingerprint)
    if as_json:
        write_json({"ok": result.ok, "fingerprint": result.fingerprint or None,
                    "short_fingerprint": result.short_fingerprint or None, "entries": result.entries,
                    "format": result.format, "extends": fingerprint if result.anchored else None,
                    "problem": result.problem})
    elif result.ok:
        typer.echo(f"intact: {result.entries} entries\nfingerprint {result.short_fingerprint}\n"
                   f"full hash {result.fingerprint}")
        if result.anchored is not None:
            added = result.entries - result.anchored
            typer.echo(f"extends {safe_text(fingerprint or '')} (entry {result.anchored}; "
                       f"{added} {'entry' if added == 1 else 'entries'} added since)")
    else:
        typer.echo(f"NOT INTACT: {safe_text(result.problem or '')}", err=True)
    if result.format < 2 and not as_json:
        typer.echo(_FORMAT_1_NOTE, err=True)
    if not result.ok:
        raise typer.Exit(1)


def fingerprint_cmd(case: CaseArg, as_json: JsonOpt = False) -> None:
    """Print the case's short fingerprint, to write down or send to your lawyer.

    Later, 'greyrock case verify CASE --fingerprint F' proves the case still holds all it held
    when F was printed. The case is verified first: a case that is not intact has no fingerprint.
    """
    with _open(case) as c:
        result = c.verify()
    if not result.ok:
        typer.echo(f"NOT INTACT: {safe_text(result.problem or '')}", err=True)
        raise typer.Exit(1)
    if as_json:
        write_json({"fingerprint": result.short_fingerprint, "entries": result.entries, "hash": result.fingerprint})
        return
    typer.echo(result.short_fingerprint)
    typer.echo(f"Write this down or send it to your lawyer. 'greyrock case verify {safe_text(str(case))} "
               f"--fingerprint {result.short_fingerprint}' proves later that nothing held now was changed or removed.")


@case_app.command("stats")
def stats(case: CaseArg, as_json: JsonOpt = False) -> None:
    """Counts, labels, first and last message (on the case's clock), its time zone, and the fingerprint."""
    from greyrock.settings import case_clock

    with open_on_clock(case) as c:
        data = c.stats()
        clock = case_clock(c)[0]
    for key in ("first", "last"):
        data[key] = clock.iso(datetime.fromisoformat(data[key])) if data[key] else None
    data["timezone"] = clock.name
    if as_json:
        write_json(data)
    else:
        for key, value in data.items():
            typer.echo(safe_text(f"{key}: {value}"))


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"--since: {value!r} is not a date like 2024-03-01.") from None


@case_app.command("messages")
def messages(
    case: CaseArg,
    label: Annotated[Optional[str], typer.Option("--label", help="Only messages with this label.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only records of this kind, e.g. unparsed.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Only from this date (YYYY-MM-DD).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the case's messages with their screening."""
    from greyrock.model import Kind

    from greyrock.people import attributed, read_roles
    from greyrock.settings import case_clock

    start = _since(since)
    kinds = [str(k) for k in Kind]
    if kind is not None and kind not in kinds:
        raise InputError(f"--kind: {kind!r} is not a kind of record.", f"Kinds: {', '.join(kinds)}.")
    with open_on_clock(case) as c:
        clock = case_clock(c)[0]
        rows = [s for s in c.messages(since=start, clock=clock) if (label is None or label in s.labels)
                and (kind is None or s.message.kind == kind)]
        roles = read_roles(c)
    if as_json:
        from ._output import write_jsonl

        write_jsonl({"id": s.id, **s.message.to_dict(), "time": clock.iso(s.message.timestamp),
                     "screening": s.screening, "labels": s.labels,
                     "correction": s.correction.to_dict() if s.correction else None} for s in rows)
        return
    table = Table()
    for column in ("id", "when", "dir", "labels", "message"):
        table.add_column(column, overflow="fold")
    if kind is not None:
        table.add_column("source", overflow="fold")
    for s, shown in zip(rows, attributed(rows, roles)):  # "dir" as the roles give it now (case people)
        m = s.message
        table.add_row(str(s.id), clock.show(m.timestamp), str(shown.message.direction),
                      ", ".join(s.labels) + (" (corrected by the reader)" if s.correction else ""),
                      Text(safe_text(m.body)),
                      *([Text(safe_text(f"{m.source.file}, {m.source.locator}"))] if kind is not None else []))
    Console().print(table)


case_app.command("settings")(settings_cmd)


@case_app.command("passwd")
def passwd(case: CaseArg, allow_weak: WeakOpt = False) -> None:
    """Change the case passphrase (the file is re-encrypted under the new key)."""
    with _open(case) as c:
        c.change_passphrase(ask_new_passphrase("New passphrase", "GREYROCK_NEW_PASSPHRASE", allow_weak=allow_weak,
                                               context=[case.stem]))
    typer.echo("Passphrase changed.")


@case_app.command("backup")
def backup(
    case: CaseArg, dest: Annotated[Path, typer.Argument(help="Where to write the encrypted copy.")],
    allow_weak: WeakOpt = False,
) -> None:
    """Write an encrypted copy of the whole case (its own passphrase, GREYROCK_BACKUP_PASSPHRASE)."""
    with _open(case) as c:
        c.backup(dest, ask_new_passphrase("Backup passphrase", "GREYROCK_BACKUP_PASSPHRASE", allow_weak=allow_weak,
                                          context=[case.stem, dest.stem]))
    typer.echo(f"Encrypted backup written to {safe_text(str(dest))}.")


@journal_app.command("add")
def journal_add(
    case: CaseArg,
    json_file: Annotated[Optional[Path], typer.Option("--json", help="Read the answers from a JSON file.")] = None,
) -> None:
    """Record an incident, answering the questions advocates ask."""
    if json_file is not None:
        answers, source = answers_from(json_file, journal.QUESTIONS, "journal")
    with _open(case) as c:  # before the questions: a wrong passphrase must not throw the answers away
        if json_file is None:
            answers, source = answers_from(None, journal.QUESTIONS, "journal", journal.check_answer)
        entry_id = journal.add_entry(c, answers, source=source)
    typer.echo(f"Journal entry {entry_id} saved in the case.")


@journal_app.command("list")
def journal_list(case: CaseArg, as_json: JsonOpt = False) -> None:
    """Show the journal entries, oldest incident first."""
    with _open(case) as c:
        rows = journal.entries(c)
    if as_json:
        write_json(rows)
        return
    for e in rows:
        typer.echo(safe_text(f"#{e['id']}  {e['when']}  {e.get('where', '')}\n    {e['what_happened']}"))
